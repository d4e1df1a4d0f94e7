package hub

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/sync/protocol"
)

const eventColumns = `seq, id, case_id, type, payload, actor, device_id, device_seq, base_version, at, prev_hash, hash`

// Pull returns up to limit stored events of the device's scope (its
// unit's subtree) after hub sequence after, in sequence order, and
// whether more follow.
func (s *Store) Pull(ctx context.Context, dev Device, after int64, limit int) ([]protocol.Pulled, bool, error) {
	if limit <= 0 || limit > 5000 {
		limit = 1000
	}
	rows, err := s.query(ctx, s.r, `SELECT `+eventColumns+` FROM events WHERE seq > ? AND unit_path LIKE ? ORDER BY seq LIMIT ?`,
		after, dev.UnitPath+"%", limit+1)
	if err != nil {
		return nil, false, fmt.Errorf("hub: pull: %w", err)
	}
	out, err := scanPulled(rows)
	if err != nil {
		return nil, false, fmt.Errorf("hub: pull: %w", err)
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}

const caseEventsQuery = `SELECT ` + eventColumns + ` FROM events WHERE case_id = ? ORDER BY seq`

// caseEvents reads a case's events in hub order with caseEventsQuery
// prepared as st.
func (s *Store) caseEvents(ctx context.Context, st *sql.Stmt, caseID uuid.UUID) ([]cases.Event, error) {
	rows, err := st.QueryContext(ctx, caseID[:])
	if err != nil {
		return nil, err
	}
	ps, err := scanPulled(rows)
	if err != nil {
		return nil, err
	}
	evs := make([]cases.Event, len(ps))
	for i, p := range ps {
		evs[i] = p.Event.ToEvent()
	}
	return evs, nil
}

func scanPulled(rows *sql.Rows) ([]protocol.Pulled, error) {
	defer rows.Close()
	var out []protocol.Pulled
	for rows.Next() {
		p, err := scanPulledRow(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// scanPulledRow reads one row of eventColumns.
func scanPulledRow(rows *sql.Rows) (protocol.Pulled, error) {
	var p protocol.Pulled
	var id, cid []byte
	var payload string
	var at int64
	if err := rows.Scan(&p.Seq, &id, &cid, &p.Event.Type, &payload, &p.Event.Actor, &p.Event.DeviceID, &p.Event.DeviceSeq,
		&p.Event.BaseVersion, &at, &p.Event.PrevHash, &p.Event.Hash); err != nil {
		return p, err
	}
	var err error
	if p.Event.ID, err = uuid.FromBytes(id); err != nil {
		return p, fmt.Errorf("event %d: %w", p.Seq, err)
	}
	if p.Event.CaseID, err = uuid.FromBytes(cid); err != nil {
		return p, fmt.Errorf("event %d: %w", p.Seq, err)
	}
	p.Event.Payload = json.RawMessage(payload)
	p.Event.At = time.UnixMilli(at).UTC()
	return p, nil
}

// CaseConflict reports whether the hub flags a case as having an open
// conflict.
func (s *Store) CaseConflict(ctx context.Context, caseID uuid.UUID) (bool, error) {
	var flag int
	if err := s.queryRow(ctx, s.r, `SELECT conflict FROM cases WHERE case_id = ?`, caseID[:]).Scan(&flag); err != nil {
		return false, fmt.Errorf("hub: case %s: %w", caseID, err)
	}
	return flag == 1, nil
}

// BlobInScope reports whether a case of the device's scope refers to the
// blob sum.
func (s *Store) BlobInScope(ctx context.Context, dev Device, sum string) (bool, error) {
	var n int
	err := s.queryRow(ctx, s.r, `SELECT count(*) FROM blob_cases b JOIN cases c ON c.case_id = b.case_id
		WHERE b.sha = ? AND c.unit_path LIKE ?`, sum, dev.UnitPath+"%").Scan(&n)
	if err != nil {
		return false, fmt.Errorf("hub: blob scope: %w", err)
	}
	return n > 0, nil
}
