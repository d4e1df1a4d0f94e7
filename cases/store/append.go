package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
)

// Append records events in one transaction: all of them are stored, with
// their projection changes, search text and outbox rows, or none is. It
// fills in each event's ID and At when zero, Actor when empty (the store's
// staff member), the device fields and the chain hashes, and returns the
// events as stored. A change to a mutable field must carry the version it
// was based on (BaseVersion); if the field has changed since, the append
// is refused with a cases.ValidationError of code CodeConflict.
func (s *Store) Append(ctx context.Context, evs ...cases.Event) ([]cases.Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	actor := *s.actor.Load()
	// Statements run without cancellation (with a cancellable context the
	// driver watches each statement from a goroutine of its own, which
	// costs about 15%); ctx is checked between events and before commit,
	// and a cancelled append rolls back whole.
	caller := ctx
	ctx = context.WithoutCancel(ctx)
	a := appender{s: s, ctx: ctx}
	defer a.prepareNew() // runs after the rollback below has freed the connection
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: begin append: %w", err)
	}
	defer tx.Rollback()
	a.tx = tx
	head := s.head
	out := make([]cases.Event, len(evs))
	for i, e := range evs {
		if err := caller.Err(); err != nil {
			return nil, fmt.Errorf("store: append cancelled: %w", err)
		}
		p, err := cases.Decode(e)
		if err != nil {
			return nil, fmt.Errorf("store: append %s: %w", e.Type, err)
		}
		if e.CaseID == uuid.Nil {
			return nil, fmt.Errorf("store: append %s: %w", e.Type, &cases.ValidationError{Field: "case", Code: cases.CodeRequired, Message: "缺少案件编号。", Detail: "missing case id"})
		}
		if e.ID == uuid.Nil {
			if e.ID, err = uuid.NewV7(); err != nil {
				return nil, fmt.Errorf("store: event id: %w", err)
			}
		}
		if e.At.IsZero() {
			e.At = s.now()
		}
		e.At = e.At.UTC().Truncate(time.Millisecond)
		if e.Actor == "" {
			e.Actor = actor
		}
		if e.Actor == "" {
			return nil, fmt.Errorf("store: append %s: %w", e.Type, &cases.ValidationError{Field: "actor", Code: cases.CodeRequired, Message: "请先填写工作人员姓名。", Detail: "no actor"})
		}
		if o, ok := p.(*cases.Opened); ok && o.Number == "" {
			numbered := *o // payloads from Decode are not to be modified
			if numbered.Number, err = a.provisionalNumber(e.At); err != nil {
				return nil, err
			}
			if e.Payload, err = json.Marshal(&numbered); err != nil {
				return nil, fmt.Errorf("store: encode %s: %w", e.Type, err)
			}
			p = &numbered
		}
		e.DeviceID, e.DeviceSeq, e.PrevHash = s.device.ID, head.seq+1, head.hash
		e.Hash = e.ComputeHash()
		seq, err := a.insertEvent(e)
		if err != nil {
			return nil, err
		}
		if err := a.project(e, p, seq); err != nil {
			return nil, fmt.Errorf("store: append %s to case %s: %w", e.Type, e.CaseID, err)
		}
		head = chainHead{seq: e.DeviceSeq, hash: e.Hash}
		out[i] = e
	}
	if err := a.flush(); err != nil {
		return nil, err
	}
	if _, err := a.exec(`INSERT INTO meta (key, value) VALUES ('`+metaChainHead+`', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
		fmt.Sprintf("%d %s", head.seq, head.hash)); err != nil {
		return nil, fmt.Errorf("store: chain head: %w", err)
	}
	if err := caller.Err(); err != nil {
		return nil, fmt.Errorf("store: append cancelled: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: commit append: %w", err)
	}
	s.head = head
	return out, nil
}

// appender runs the statements of one append transaction.
type appender struct {
	s     *Store
	tx    *sql.Tx
	ctx   context.Context
	fresh []string                // statements run unprepared, to prepare after the transaction
	txs   map[*sql.Stmt]*sql.Stmt // prepared statements bound to this transaction

	// Each case an append touches gets its updated_at and event count
	// written once, at the end, however many events it received.
	touched map[string]*touch
	order   []string

	firstSeq, lastSeq int64          // the events added, for the outbox
	numbers           map[string]int // provisional number counters by day

	// remote: the events come from other devices through the hub. They
	// keep their envelopes, stay out of the outbox, and a change based on
	// an older version than the field's becomes a conflict, not a refusal.
	remote bool
}

type touch struct {
	at     int64 // the last event's time
	events int64
	seq    int64    // the first event that carried text
	texts  []string // text for the search index
}

// touch counts an event against its case.
func (a *appender) touch(cid string, at int64) *touch {
	t, ok := a.touched[cid]
	if !ok {
		if a.touched == nil {
			a.touched = map[string]*touch{}
		}
		t = &touch{}
		a.touched[cid] = t
		a.order = append(a.order, cid)
	}
	t.at = at
	t.events++
	return t
}

// flush ends an append: for each case touched, its last change time,
// event count and search text, written once however many events it got
// (a case that does not exist fails the append); then the outbox row for
// the events added.
func (a *appender) flush() error {
	for _, cid := range a.order {
		t := a.touched[cid]
		if err := a.execOne("case", `UPDATE cases SET updated_at = ?, events = events + ? WHERE id = ?`, t.at, t.events, cid); err != nil {
			return fmt.Errorf("store: append to case %s: %w", cid, err)
		}
		if body := indexText(strings.Join(t.texts, "\n")); body != "" {
			if _, err := a.exec(`INSERT INTO search (rowid, body) VALUES (?, ?)`, t.seq, body); err != nil {
				return fmt.Errorf("store: index case %s: %w", cid, err)
			}
		}
	}
	for day, n := range a.numbers {
		if _, err := a.exec(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
			"number/"+day, strconv.Itoa(n)); err != nil {
			return fmt.Errorf("store: case number: %w", err)
		}
	}
	if a.firstSeq != 0 {
		if _, err := a.exec(`INSERT INTO outbox (first_seq, last_seq) VALUES (?, ?)`, a.firstSeq, a.lastSeq); err != nil {
			return fmt.Errorf("store: outbox: %w", err)
		}
	}
	return nil
}

// stmt returns the statement bound to this transaction if it was prepared
// on the writer connection before, or nil. The one writer connection is
// busy with the transaction, so a statement seen for the first time runs
// unprepared now and is prepared once the connection is free.
func (a *appender) stmt(query string) *sql.Stmt {
	st, ok := a.s.stmts[query]
	if !ok {
		a.fresh = append(a.fresh, query)
		return nil
	}
	bound := a.txs[st]
	if bound == nil {
		if a.txs == nil {
			a.txs = map[*sql.Stmt]*sql.Stmt{}
		}
		bound = a.tx.StmtContext(a.ctx, st)
		a.txs[st] = bound
	}
	return bound
}

// exec runs a statement of the append.
func (a *appender) exec(query string, args ...any) (sql.Result, error) {
	var res sql.Result
	var err error
	if st := a.stmt(query); st != nil {
		res, err = st.ExecContext(a.ctx, args...)
	} else {
		res, err = a.tx.ExecContext(a.ctx, query, args...)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", firstLine(query), err)
	}
	return res, nil
}

// queryRow runs a query of the append that returns one row.
func (a *appender) queryRow(query string, args ...any) *sql.Row {
	if st := a.stmt(query); st != nil {
		return st.QueryRowContext(a.ctx, args...)
	}
	return a.tx.QueryRowContext(a.ctx, query, args...)
}

// prepareNew prepares the statements first seen in this transaction; it
// runs after the transaction has ended. A statement that fails to prepare
// simply stays unprepared.
func (a *appender) prepareNew() {
	for _, q := range a.fresh {
		if _, ok := a.s.stmts[q]; ok {
			continue
		}
		if st, err := a.s.w.PrepareContext(context.Background(), q); err == nil {
			a.s.stmts[q] = st
		}
	}
}

// execOne runs a statement that must change exactly one row; otherwise
// the record it names is unknown.
func (a *appender) execOne(what string, query string, args ...any) error {
	res, err := a.exec(query, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return unknown(what)
	}
	return nil
}

func firstLine(q string) string {
	q = strings.TrimSpace(q)
	if i := strings.IndexByte(q, '\n'); i > 0 {
		q = q[:i]
	}
	return q
}

func unknown(what string) error {
	return &cases.ValidationError{Field: what, Code: cases.CodeUnknown, Message: "找不到所引用的记录，请刷新后重试。", Detail: "unknown " + what}
}

func (a *appender) insertEvent(e cases.Event) (int64, error) {
	res, err := a.exec(`INSERT INTO events (id, case_id, type, payload, actor, device_id, device_seq, base_version, at, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID[:], e.CaseID[:], string(e.Type), string(e.Payload), e.Actor, e.DeviceID, e.DeviceSeq, e.BaseVersion,
		e.At.UnixMilli(), e.PrevHash, e.Hash)
	if err != nil {
		return 0, fmt.Errorf("store: insert event %s: %w", e.ID, err)
	}
	seq, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("store: insert event %s: %w", e.ID, err)
	}
	if !a.remote {
		if a.firstSeq == 0 {
			a.firstSeq = seq
		}
		a.lastSeq = seq
	}
	return seq, nil
}

// provisionalNumber takes the next number of this device for the day of
// at in China time: CODE-YYYYMMDD-NNNN. The day's counter is read once per
// append and written back by flush, in the same transaction.
func (a *appender) provisionalNumber(at time.Time) (string, error) {
	day := cases.Local(at).Format("20060102")
	n, ok := a.numbers[day]
	if !ok {
		var v string
		err := a.queryRow(`SELECT value FROM meta WHERE key = ?`, "number/"+day).Scan(&v)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return "", fmt.Errorf("store: case number: %w", err)
		}
		if v != "" {
			if n, err = strconv.Atoi(v); err != nil {
				return "", fmt.Errorf("store: case number counter %q: %w", v, err)
			}
		}
		if a.numbers == nil {
			a.numbers = map[string]int{}
		}
	}
	n++
	a.numbers[day] = n
	return fmt.Sprintf("%s-%s-%04d", a.s.device.Code, day, n), nil
}

// project applies one event to the projections; it must agree with
// cases.Apply, which verify checks.
func (a *appender) project(e cases.Event, p cases.Payload, seq int64) error {
	cid, at := e.CaseID.String(), e.At.UnixMilli()
	// The case's updated_at and event count are written once per append,
	// by flush; its search text too.
	t := a.touch(cid, at)
	index := func(texts ...string) error {
		if t.seq == 0 {
			t.seq = seq
		}
		t.texts = append(t.texts, texts...)
		return nil
	}
	switch p := p.(type) {
	case *cases.Opened:
		level := p.Level
		if level == "" {
			level = cases.LevelTownship
		}
		if _, err := a.exec(`INSERT INTO cases (id, provisional_number, channel, category, summary, signers, status, mediation_level, created_at, updated_at, events)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
			cid, p.Number, string(p.Channel), p.Category, p.Summary, p.Signers, string(cases.StatusReceived), string(level), at, at); err != nil {
			return err
		}
		return index(p.Category, p.Summary)
	case *cases.Revised:
		if err := a.execOne("case", `UPDATE cases SET channel = ?, summary = ?, signers = ? WHERE id = ?`,
			string(p.Channel), p.Summary, p.Signers, cid); err != nil {
			return err
		}
		return index(p.Summary)
	case *cases.StatusChanged:
		return a.change(e, caseStatus, string(p.Status))
	case *cases.LevelChanged:
		return a.change(e, caseLevel, string(p.Level))
	case *cases.Assigned:
		return a.change(e, caseAssignee, p.Assignee)
	case *cases.CategoryChanged:
		return a.change(e, caseCategory, p.Category)
	case *cases.Numbered:
		return a.execOne("case", `UPDATE cases SET official_number = ? WHERE id = ?`, p.Number, cid)
	case *cases.IntensityScored:
		return a.execOne("case", `UPDATE cases SET intensity = ?, intensity_level = ? WHERE id = ?`,
			p.Score, string(p.Level), cid)
	case *cases.Escalated:
		// Refused as cases.Apply refuses it: a case among its own triggers.
		if err := p.CheckCase(e.CaseID); err != nil {
			return err
		}
		// The level as LevelChanged changes it (a concurrent change from
		// another device is kept as a conflict); the escalation is
		// recorded either way.
		if err := a.change(e, caseLevel, string(p.Level)); err != nil {
			return err
		}
		ids := make([]string, len(p.Triggers))
		for i, t := range p.Triggers {
			ids[i] = t.String()
		}
		return a.execOne("case", `UPDATE cases SET escalated_at = ?, escalation_level = ?, escalation_rule = ?, escalation_triggers = ?, escalation_reason = ? WHERE id = ?`,
			at, string(p.Level), p.Rule, strings.Join(ids, " "), p.Reason, cid)
	case *cases.PartyAdd:
		if p.Supersedes != uuid.Nil {
			if err := a.execOne("party", `UPDATE parties SET superseded_by = CASE superseded_by WHEN '' THEN ? ELSE superseded_by END WHERE id = ? AND case_id = ?`,
				p.PartyID.String(), p.Supersedes.String(), cid); err != nil {
				return err
			}
		}
		if _, err := a.exec(`INSERT INTO parties (id, case_id, seq, role, name, id_number, phone, address, village, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.PartyID.String(), cid, seq, string(p.Role), p.Name, p.IDNumber, p.Phone, p.Address, p.Village, at); err != nil {
			return err
		}
		if err := index(p.Name, p.Village); err != nil {
			return err
		}
		return nil
	case *cases.PartyWithdraw:
		if err := a.execOne("party", `UPDATE parties SET withdrawn = 1 WHERE id = ? AND case_id = ?`, p.PartyID.String(), cid); err != nil {
			return err
		}
		return nil
	case *cases.FactAdd:
		ids := make([]string, len(p.Supersedes))
		for i, old := range p.Supersedes {
			ids[i] = old.String()
			if err := a.execOne("fact", `UPDATE facts SET superseded_by = CASE superseded_by WHEN '' THEN ? ELSE superseded_by END WHERE id = ? AND case_id = ?`,
				p.FactID.String(), ids[i], cid); err != nil {
				return err
			}
		}
		if _, err := a.exec(`INSERT INTO facts (id, case_id, seq, text, status, ord, supersedes, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			p.FactID.String(), cid, seq, p.Text, string(p.Status), p.Order, strings.Join(ids, " "), at); err != nil {
			return err
		}
		if err := index(p.Text); err != nil {
			return err
		}
		return nil
	case *cases.FactStatusChange:
		return a.change(e, factStatus, string(p.Status), p.FactID.String())
	case *cases.FactMove:
		return a.change(e, factOrder, p.Order, p.FactID.String())
	case *cases.EvidenceAdd:
		eid := p.EvidenceID.String()
		if _, err := a.exec(`INSERT INTO evidence (id, case_id, seq, sha256, file_name, media_type, size, document_date, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			eid, cid, seq, p.SHA256, p.FileName, p.MediaType, p.Size, p.DocumentDate, at); err != nil {
			return err
		}
		linked := map[uuid.UUID]bool{}
		for _, f := range p.Facts {
			if linked[f] {
				continue // listed twice: one link
			}
			linked[f] = true
			// The link is made only if the fact card is in this case.
			if err := a.execOne("fact", `INSERT INTO evidence_facts (case_id, evidence_id, fact_id, seq, pos)
				SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM facts WHERE case_id = ?1 AND id = ?3)`, cid, eid, f.String(), seq, len(linked)); err != nil {
				return err
			}
		}
		return nil
	case *cases.EvidenceLink:
		if err := a.link(cid, p.EvidenceID.String(), p.FactID.String(), seq); err != nil {
			return err
		}
		return nil
	case *cases.EvidenceUnlink:
		if err := a.linkTargets(cid, p.EvidenceID.String(), p.FactID.String()); err != nil {
			return err
		}
		if _, err := a.exec(`DELETE FROM evidence_facts WHERE case_id = ? AND evidence_id = ? AND fact_id = ?`, cid, p.EvidenceID.String(), p.FactID.String()); err != nil {
			return err
		}
		return nil
	case *cases.EvidenceDate:
		// Refused as cases.Apply refuses it: a date after the day
		// following the event's time.
		if err := cases.CheckDocumentDate(p.Date, e.At); err != nil {
			return err
		}
		return a.change(e, evidenceDate, p.Date, p.EvidenceID.String())
	case *cases.FollowUpSchedule:
		if _, err := a.exec(`INSERT INTO followups (id, case_id, seq, kind, due) VALUES (?, ?, ?, ?, ?)`,
			p.FollowUpID.String(), cid, seq, string(p.Kind), p.Due.UnixMilli()); err != nil {
			return err
		}
		return nil
	case *cases.FollowUpReschedule:
		if err := a.execOne("followup", `UPDATE followups SET due = ? WHERE id = ? AND case_id = ?`, p.Due.UnixMilli(), p.FollowUpID.String(), cid); err != nil {
			return err
		}
		return nil
	case *cases.FollowUpComplete:
		if err := a.execOne("followup", `UPDATE followups SET done_at = ?, outcome = ?, satisfaction = ? WHERE id = ? AND case_id = ?`,
			at, p.Outcome, string(p.Satisfaction), p.FollowUpID.String(), cid); err != nil {
			return err
		}
		if p.Satisfaction == cases.Dissatisfied {
			if _, err := a.exec(`UPDATE cases SET status = ?, status_ver = status_ver + 1 WHERE id = ?`, string(cases.StatusReopened), cid); err != nil {
				return err
			}
			if err := a.resolve(cid, cases.FieldStatus, cid); err != nil {
				return err
			}
		}
		return nil
	case *cases.NoteAdd:
		if _, err := a.exec(`INSERT INTO notes (id, case_id, seq, text, actor, at) VALUES (?, ?, ?, ?, ?, ?)`, p.NoteID.String(), cid, seq, p.Text, e.Actor, at); err != nil {
			return err
		}
		if err := index(p.Text); err != nil {
			return err
		}
		return nil
	case *cases.StepProgress:
		if _, err := a.exec(`INSERT INTO steps (case_id, step, done, at) VALUES (?, ?, ?, ?)
			ON CONFLICT (case_id, step) DO UPDATE SET done = excluded.done, at = excluded.at`, cid, p.Step, p.Done, at); err != nil {
			return err
		}
		return nil
	case *cases.ArticlePin:
		if !p.Pinned {
			_, err := a.exec(`DELETE FROM case_articles WHERE case_id = ? AND article = ?`, cid, p.Article)
			return err
		}
		// Pinned again: the title may change, the place in the list does not.
		_, err := a.exec(`INSERT INTO case_articles (case_id, article, title, seq) VALUES (?, ?, ?, ?)
			ON CONFLICT (case_id, article) DO UPDATE SET title = excluded.title`, cid, p.Article, p.Title, seq)
		return err
	case *cases.StepCheck:
		q := `DELETE FROM step_checks WHERE case_id = ? AND step = ? AND item = ?`
		if p.Checked {
			q = `INSERT INTO step_checks (case_id, step, item) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`
		}
		_, err := a.exec(q, cid, p.Step, p.Item)
		return err
	}
	return fmt.Errorf("no projection for %s", e.Type)
}

// mutable describes a mutable field's columns.
type mutable struct {
	field           cases.Field
	table, col, ver string
}

var (
	caseStatus   = mutable{cases.FieldStatus, "cases", "status", "status_ver"}
	caseLevel    = mutable{cases.FieldMediationLevel, "cases", "mediation_level", "level_ver"}
	caseAssignee = mutable{cases.FieldAssignee, "cases", "assignee", "assignee_ver"}
	caseCategory = mutable{cases.FieldCategory, "cases", "category", "category_ver"}
	factStatus   = mutable{cases.FieldFactStatus, "facts", "status", "status_ver"}
	factOrder    = mutable{cases.FieldFactOrder, "facts", "ord", "ord_ver"}
	evidenceDate = mutable{cases.FieldEvidenceDate, "evidence", "document_date", "date_ver"}
)

// change applies a local change to a mutable field if the field is still
// at the version the change was based on; otherwise the change is refused.
// entity is the fact or evidence id for the fields of those records.
func (a *appender) change(e cases.Event, m mutable, value any, entity ...string) error {
	cid := e.CaseID.String()
	var res sql.Result
	var err error
	id := cid
	if m.table == "cases" {
		res, err = a.exec(fmt.Sprintf(`UPDATE cases SET %s = ?, %s = %s + 1 WHERE id = ? AND %s = ?`, m.col, m.ver, m.ver, m.ver),
			value, cid, e.BaseVersion)
	} else {
		id = entity[0]
		res, err = a.exec(fmt.Sprintf(`UPDATE %s SET %s = ?, %s = %s + 1 WHERE id = ? AND case_id = ? AND %s = ?`, m.table, m.col, m.ver, m.ver, m.ver),
			value, id, cid, e.BaseVersion)
	}
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		q, args := fmt.Sprintf(`SELECT %s FROM %s WHERE id = ? AND case_id = ?`, m.ver, m.table), []any{id, cid}
		if m.table == "cases" {
			q, args = fmt.Sprintf(`SELECT %s FROM cases WHERE id = ?`, m.ver), []any{cid}
		}
		var ver int64
		err := a.queryRow(q, args...).Scan(&ver)
		if errors.Is(err, sql.ErrNoRows) {
			return unknown(m.table)
		}
		if err != nil {
			return err
		}
		if a.remote && e.BaseVersion < ver {
			return a.conflict(e, m, id, value)
		}
		return &cases.ValidationError{Field: string(m.field), Code: cases.CodeConflict,
			Message: "这一项刚被修改过，请刷新后再改。", Detail: fmt.Sprintf("based on version %d, current %d", e.BaseVersion, ver)}
	}
	return a.resolve(cid, m.field, id)
}

// conflict keeps a concurrent change to a mutable field beside the value
// in force, as cases.Apply does.
func (a *appender) conflict(e cases.Event, m mutable, entity string, other any) error {
	q, args := fmt.Sprintf(`SELECT %s FROM %s WHERE id = ? AND case_id = ?`, m.col, m.table), []any{entity, e.CaseID.String()}
	if m.table == "cases" {
		q, args = fmt.Sprintf(`SELECT %s FROM cases WHERE id = ?`, m.col), []any{e.CaseID.String()}
	}
	var kept any
	if err := a.queryRow(q, args...).Scan(&kept); err != nil {
		return err
	}
	show := func(v any) string {
		if f, ok := v.(float64); ok {
			return cases.FormatOrder(f)
		}
		return fmt.Sprint(v)
	}
	if _, err := a.exec(`INSERT INTO conflicts (case_id, field, entity_id, kept, other, event_id) VALUES (?, ?, ?, ?, ?, ?)`,
		e.CaseID.String(), string(m.field), entity, show(kept), show(other), e.ID.String()); err != nil {
		return err
	}
	a.s.openConflicts = true
	return nil
}

// resolve marks the open conflicts on a field as decided.
func (a *appender) resolve(cid string, f cases.Field, entity string) error {
	if !a.s.openConflicts {
		return nil
	}
	_, err := a.exec(`UPDATE conflicts SET resolved = 1 WHERE case_id = ? AND field = ? AND entity_id = ? AND resolved = 0`, cid, string(f), entity)
	return err
}

func (a *appender) linkTargets(cid, evidence, fact string) error {
	var n int
	if err := a.queryRow(`SELECT (SELECT count(*) FROM facts WHERE id = ? AND case_id = ?)`, fact, cid).Scan(&n); err != nil {
		return err
	}
	if n != 1 {
		return unknown("fact")
	}
	if err := a.queryRow(`SELECT count(*) FROM evidence WHERE id = ? AND case_id = ?`, evidence, cid).Scan(&n); err != nil {
		return err
	}
	if n != 1 {
		return unknown("evidence")
	}
	return nil
}

func (a *appender) link(cid, evidence, fact string, seq int64) error {
	if err := a.linkTargets(cid, evidence, fact); err != nil {
		return err
	}
	_, err := a.exec(`INSERT OR IGNORE INTO evidence_facts (case_id, evidence_id, fact_id, seq) VALUES (?, ?, ?, ?)`, cid, evidence, fact, seq)
	return err
}
