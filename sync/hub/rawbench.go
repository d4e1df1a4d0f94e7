package hub

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// RawInsert is the baseline a hub benchmark is measured against: the
// events the hub holds, copied row by row with plain INSERTs, batch rows
// per transaction, into a scratch table of the same columns (dropped
// afterwards). It returns how many rows it wrote and how long that took.
func (s *Store) RawInsert(ctx context.Context, batch int) (int64, time.Duration, error) {
	cols := `seq, id, case_id, type, payload, actor, device_id, device_seq, base_version, at, prev_hash, hash, outcome, unit_path, received_at`
	type row [15]any
	rows, err := s.query(ctx, s.db, `SELECT `+cols+` FROM events ORDER BY seq`)
	if err != nil {
		return 0, 0, fmt.Errorf("hub: raw insert: %w", err)
	}
	var all []row
	for rows.Next() {
		var r row
		var seq, dseq, base, at, recv int64
		var id, cid []byte
		var typ, payload, actor, dev, prev, hash, outcome, unit string
		if err := rows.Scan(&seq, &id, &cid, &typ, &payload, &actor, &dev, &dseq, &base, &at, &prev, &hash, &outcome, &unit, &recv); err != nil {
			rows.Close()
			return 0, 0, fmt.Errorf("hub: raw insert: %w", err)
		}
		r = row{seq, id, cid, typ, payload, actor, dev, dseq, base, at, prev, hash, outcome, unit, recv}
		all = append(all, r)
	}
	rows.Close()
	if _, err := s.db.ExecContext(ctx, `DROP TABLE IF EXISTS raw_events`); err != nil {
		return 0, 0, fmt.Errorf("hub: raw insert: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE raw_events AS SELECT `+cols+` FROM events WHERE 1 = 0`); err != nil {
		return 0, 0, fmt.Errorf("hub: raw insert: %w", err)
	}
	defer s.db.ExecContext(context.WithoutCancel(ctx), `DROP TABLE raw_events`)
	insert := s.rebind(`INSERT INTO raw_events (` + cols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	start := time.Now()
	for i := 0; i < len(all); i += batch {
		err := s.write(ctx, func(tx *sql.Tx) error {
			stmt, err := tx.PrepareContext(ctx, insert)
			if err != nil {
				return err
			}
			defer stmt.Close()
			for _, r := range all[i:min(i+batch, len(all))] {
				if _, err := stmt.ExecContext(ctx, r[:]...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return 0, 0, fmt.Errorf("hub: raw insert: %w", err)
		}
	}
	return int64(len(all)), time.Since(start), nil
}
