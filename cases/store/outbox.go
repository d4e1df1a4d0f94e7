package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

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

// unqueue takes events out of the outbox ranges holding them.
func unqueue(ctx context.Context, tx *sql.Tx, ids []uuid.UUID) error {
	for _, id := range ids {
		var seq, first, last int64
		err := tx.QueryRowContext(ctx, `SELECT e.seq, o.first_seq, o.last_seq FROM events e
			JOIN outbox o ON e.seq BETWEEN o.first_seq AND o.last_seq WHERE e.id = ?`, id[:]).Scan(&seq, &first, &last)
		if errors.Is(err, sql.ErrNoRows) {
			continue // not pending
		}
		if err != nil {
			return fmt.Errorf("event %s: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE first_seq = ?`, first); err != nil {
			return err
		}
		for _, r := range [][2]int64{{first, seq - 1}, {seq + 1, last}} {
			if r[0] <= r[1] {
				if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (first_seq, last_seq) VALUES (?, ?)`, r[0], r[1]); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
