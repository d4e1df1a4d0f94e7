package store

import (
	"context"
	"fmt"
	"reflect"

	"github.com/google/uuid"

	"jiefang/cases"
)

// Report summarises a verification that found everything in order.
type Report struct {
	Cases         int64
	Events        int64
	DeviceEvents  int64 // events this device wrote, in its hash chain
	ForeignEvents int64 // events from other devices, each checked against its hash
}

// Problem is the first inconsistency verify found.
type Problem struct {
	What string
}

func (p *Problem) Error() string { return "store: verify: " + p.What }

// Verify checks the database end to end: SQLite's integrity check; this
// device's hash chain unbroken and every event matching its hash; and the
// projections equal to the cases rebuilt in memory from the log by
// cases.Apply. It returns a *Problem naming the first thing wrong.
// progress, if not nil, is called with the cases checked so far.
func (s *Store) Verify(ctx context.Context, progress func(done, total int64)) (Report, error) {
	var rep Report
	var integrity string
	if err := s.r.QueryRowContext(ctx, `PRAGMA integrity_check(1)`).Scan(&integrity); err != nil {
		return rep, fmt.Errorf("store: integrity check: %w", err)
	}
	if integrity != "ok" {
		return rep, &Problem{What: "SQLite integrity check: " + integrity}
	}
	if err := s.verifyChain(ctx, &rep); err != nil {
		return rep, err
	}
	return rep, s.verifyProjections(ctx, &rep, progress)
}

// verifyChain walks this device's events in the order they were stored,
// which for its own events is device order: each must be the next number
// and carry the previous event's hash, so a gap, a duplicate or a fork
// shows. (Ordering by seq streams the table; ordering by device_seq
// would sort every event in memory.)
func (s *Store) verifyChain(ctx context.Context, rep *Report) error {
	rows, err := s.r.QueryContext(ctx, `SELECT `+eventColumns+` FROM events WHERE device_id = ? ORDER BY seq`, s.device.ID)
	if err != nil {
		return fmt.Errorf("store: verify chain: %w", err)
	}
	defer rows.Close()
	prev := ""
	for rows.Next() {
		e, seq, err := scanEvent(rows)
		if err != nil {
			return &Problem{What: err.Error()}
		}
		rep.DeviceEvents++
		if e.DeviceSeq != rep.DeviceEvents {
			return &Problem{What: fmt.Sprintf("hash chain: event %d of this device is missing (found %d next)", rep.DeviceEvents, e.DeviceSeq)}
		}
		if e.PrevHash != prev {
			return &Problem{What: fmt.Sprintf("hash chain broken at device event %d (event %s, row %d)", e.DeviceSeq, e.ID, seq)}
		}
		prev = e.Hash
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: verify chain: %w", err)
	}
	var head int64
	if err := s.r.QueryRowContext(ctx, `SELECT coalesce(max(device_seq), 0) FROM events WHERE device_id = ?`, s.device.ID).Scan(&head); err != nil {
		return fmt.Errorf("store: verify chain: %w", err)
	}
	if head != rep.DeviceEvents {
		return &Problem{What: fmt.Sprintf("hash chain: %d events but the last is number %d", rep.DeviceEvents, head)}
	}
	return nil
}

// verifyProjections replays each case's log and compares it with the
// stored projections.
func (s *Store) verifyProjections(ctx context.Context, rep *Report, progress func(done, total int64)) error {
	var total int64
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM cases`).Scan(&total); err != nil {
		return fmt.Errorf("store: verify: %w", err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+eventColumns+` FROM events ORDER BY case_id, seq`)
	if err != nil {
		return fmt.Errorf("store: verify: %w", err)
	}
	defer rows.Close()
	var cur cases.Case
	curID := uuid.Nil
	counts := map[string]int64{}
	finish := func() error {
		if curID == uuid.Nil {
			return nil
		}
		stored, err := loadCase(ctx, s.r, curID)
		if err != nil {
			return &Problem{What: fmt.Sprintf("case %s: stored state cannot be read: %v", curID, err)}
		}
		if d := diffCase(cur, stored); d != "" {
			return &Problem{What: fmt.Sprintf("case %s (%s): projection differs from its event log: %s", curID, cur.Number(), d)}
		}
		rep.Cases++
		counts["parties"] += int64(len(cur.Parties))
		counts["facts"] += int64(len(cur.Facts))
		counts["evidence"] += int64(len(cur.Evidence))
		counts["followups"] += int64(len(cur.FollowUps))
		counts["notes"] += int64(len(cur.Notes))
		counts["conflicts"] += int64(len(cur.Conflicts))
		for _, e := range cur.Evidence {
			counts["evidence_facts"] += int64(len(e.Facts))
		}
		if progress != nil && rep.Cases%1000 == 0 {
			progress(rep.Cases, total)
		}
		return nil
	}
	for rows.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		e, seq, err := scanEvent(rows)
		if err != nil {
			return &Problem{What: err.Error()}
		}
		rep.Events++
		if e.DeviceID != s.device.ID {
			rep.ForeignEvents++
		}
		if h := e.ComputeHash(); h != e.Hash {
			return &Problem{What: fmt.Sprintf("event %s (row %d) does not match its hash: it was changed after it was written", e.ID, seq)}
		}
		if e.CaseID != curID {
			if err := finish(); err != nil {
				return err
			}
			cur, curID = cases.Case{}, e.CaseID
		}
		if err := cases.Apply(&cur, e); err != nil {
			return &Problem{What: fmt.Sprintf("event %s (row %d) cannot be applied: %v", e.ID, seq, err)}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: verify: %w", err)
	}
	if err := finish(); err != nil {
		return err
	}
	if rep.Cases != total {
		return &Problem{What: fmt.Sprintf("%d cases stored but %d in the event log", total, rep.Cases)}
	}
	for table, want := range counts {
		var got int64
		if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&got); err != nil {
			return fmt.Errorf("store: verify: %w", err)
		}
		if got != want {
			return &Problem{What: fmt.Sprintf("table %s has %d rows, the event log gives %d", table, got, want)}
		}
	}
	if progress != nil {
		progress(rep.Cases, total)
	}
	return nil
}

// diffCase names the first field in which two cases differ, "" if none.
func diffCase(want, got cases.Case) string {
	wv, gv := reflect.ValueOf(want), reflect.ValueOf(got)
	t := wv.Type()
	for i := 0; i < t.NumField(); i++ {
		if !reflect.DeepEqual(wv.Field(i).Interface(), gv.Field(i).Interface()) {
			return fmt.Sprintf("%s: log gives %+v, stored %+v", t.Field(i).Name, wv.Field(i).Interface(), gv.Field(i).Interface())
		}
	}
	return ""
}
