package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"jiefang/cases"
)

// PullCursor is where the last pull ended: the hub's epoch and the last
// hub sequence stored here. Both are "" and 0 before the first pull.
func (s *Store) PullCursor(ctx context.Context) (epoch string, after int64, err error) {
	v, err := s.Meta(ctx, metaPullCursor)
	if err != nil || v == "" {
		return "", 0, err
	}
	epoch, n, ok := strings.Cut(v, " ")
	if !ok {
		return "", 0, fmt.Errorf("store: pull cursor %q", v)
	}
	after, err = strconv.ParseInt(n, 10, 64)
	if err != nil {
		return "", 0, fmt.Errorf("store: pull cursor %q: %w", v, err)
	}
	return epoch, after, nil
}

// ErrPulledHash is returned for a pulled event that does not match its
// hash: the batch is refused and nothing of it is stored.
var ErrPulledHash = errors.New("store: a pulled event does not match its hash")

// ApplyPulled stores events pulled from the hub, in hub order, together
// with the new pull cursor (epoch, after), in one transaction: a crash
// leaves both the events and the cursor as they were, or both moved.
// Events already here (this device's own, or pulled before) are skipped;
// the rest keep their envelopes and update the projections, and a change
// based on an older version than its field's is kept as a conflict beside
// the value in force. It returns how many events were new.
func (s *Store) ApplyPulled(ctx context.Context, epoch string, after int64, evs []cases.Event) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	caller := ctx
	ctx = context.WithoutCancel(ctx)
	a := appender{s: s, ctx: ctx, remote: true}
	defer a.prepareNew()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: begin pull: %w", err)
	}
	defer tx.Rollback()
	a.tx = tx
	added := 0
	for _, e := range evs {
		if err := caller.Err(); err != nil {
			return 0, fmt.Errorf("store: pull cancelled: %w", err)
		}
		var have int
		if err := a.queryRow(`SELECT count(*) FROM events WHERE id = ?`, e.ID[:]).Scan(&have); err != nil {
			return 0, fmt.Errorf("store: pull: %w", err)
		}
		if have > 0 {
			continue
		}
		if e.ComputeHash() != e.Hash {
			return 0, fmt.Errorf("%w: event %s", ErrPulledHash, e.ID)
		}
		p, err := cases.Decode(e)
		if err != nil {
			return 0, fmt.Errorf("store: pulled event %s: %w", e.ID, err)
		}
		seq, err := a.insertEvent(e)
		if err != nil {
			return 0, err
		}
		if err := a.project(e, p, seq); err != nil {
			return 0, fmt.Errorf("store: pulled %s to case %s: %w", e.Type, e.CaseID, err)
		}
		added++
	}
	if err := a.flush(); err != nil {
		return 0, err
	}
	if _, err := a.exec(`INSERT INTO meta (key, value) VALUES ('`+metaPullCursor+`', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
		fmt.Sprintf("%s %d", epoch, after)); err != nil {
		return 0, fmt.Errorf("store: pull cursor: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("store: commit pull: %w", err)
	}
	return added, nil
}
