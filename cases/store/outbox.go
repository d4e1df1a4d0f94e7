package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"jiefang/cases"
)

// Pending returns up to limit events of this device that the hub has not
// acknowledged yet, oldest first.
func (s *Store) Pending(ctx context.Context, limit int) ([]cases.Event, error) {
	if limit <= 0 {
		limit = 500
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+eventColumns+` FROM outbox o JOIN events ON events.seq BETWEEN o.first_seq AND o.last_seq
		ORDER BY events.seq LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	defer rows.Close()
	var out []cases.Event
	for rows.Next() {
		e, _, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("store: outbox: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Acknowledge takes events the hub has answered for out of the outbox, in
// one transaction: their outbox ranges are shrunk or split around them.
// Unknown ids, or ids no longer pending, are ignored.
func (s *Store) Acknowledge(ctx context.Context, ids []uuid.UUID) error {
	if len(ids) == 0 {
		return nil
	}
	return s.writeTx(ctx, "acknowledge", func(tx *sql.Tx) error { return unqueue(ctx, tx, ids) })
}

// writeTx runs f in a transaction of the writer connection.
func (s *Store) writeTx(ctx context.Context, what string, f func(tx *sql.Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	return nil
}

// unqueue takes events out of the outbox ranges holding them: it finds
// their local sequence numbers, then cuts them out of the ranges they
// fall in, a handful of statements for a whole batch.
func unqueue(ctx context.Context, tx *sql.Tx, ids []uuid.UUID) error {
	var seqs []int64
	for len(ids) > 0 {
		n := min(len(ids), 500)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id[:]
		}
		rows, err := tx.QueryContext(ctx, `SELECT seq FROM events WHERE id IN (`+strings.TrimSuffix(strings.Repeat("?, ", n), ", ")+`)`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var seq int64
			if err := rows.Scan(&seq); err != nil {
				rows.Close()
				return err
			}
			seqs = append(seqs, seq)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		ids = ids[n:]
	}
	if len(seqs) == 0 {
		return nil
	}
	slices.Sort(seqs)
	rows, err := tx.QueryContext(ctx, `SELECT first_seq, last_seq FROM outbox WHERE last_seq >= ? AND first_seq <= ? ORDER BY first_seq`,
		seqs[0], seqs[len(seqs)-1])
	if err != nil {
		return err
	}
	var ranges [][2]int64
	for rows.Next() {
		var r [2]int64
		if err := rows.Scan(&r[0], &r[1]); err != nil {
			rows.Close()
			return err
		}
		ranges = append(ranges, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range ranges {
		// The acknowledged sequence numbers inside r, in order.
		lo, _ := slices.BinarySearch(seqs, r[0])
		hi, _ := slices.BinarySearch(seqs, r[1]+1)
		if lo == hi {
			continue // none pending in this range (ids no longer pending)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE first_seq = ?`, r[0]); err != nil {
			return err
		}
		next := r[0]
		for _, seq := range append(seqs[lo:hi:hi], r[1]+1) {
			if next <= seq-1 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (first_seq, last_seq) VALUES (?, ?)`, next, seq-1); err != nil {
					return err
				}
			}
			next = seq + 1
		}
	}
	return nil
}
