-- The checklist items of an interview step that are ticked (step 1:
-- 圆桌, 撤桌牌, 递水, 方言/语速). An unticked item has no row.
CREATE TABLE step_checks (
	case_id TEXT NOT NULL,
	step    INTEGER NOT NULL,
	item    TEXT NOT NULL,
	PRIMARY KEY (case_id, step, item)
) STRICT, WITHOUT ROWID;
