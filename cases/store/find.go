package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"
)

// FindCase is the id of the case that ref names: its id (a UUID), its
// provisional number (K7Q2-20261128-003, letters in either case) or its
// official number. ErrNotFound when no case has it.
func (s *Store) FindCase(ctx context.Context, ref string) (uuid.UUID, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return uuid.Nil, ErrNotFound
	}
	if id, err := uuid.Parse(ref); err == nil {
		var n int
		if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM cases WHERE id = ?`, id.String()).Scan(&n); err != nil {
			return uuid.Nil, fmt.Errorf("store: find case %s: %w", ref, err)
		}
		if n == 0 {
			return uuid.Nil, ErrNotFound
		}
		return id, nil
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id FROM cases WHERE provisional_number IN (?1, ?2) OR official_number IN (?1, ?2) LIMIT 2`,
		ref, strings.ToUpper(ref))
	if err != nil {
		return uuid.Nil, fmt.Errorf("store: find case %s: %w", ref, err)
	}
	defer rows.Close()
	var ids []uuid.UUID
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return uuid.Nil, fmt.Errorf("store: find case %s: %w", ref, err)
		}
		id, err := uuid.Parse(s)
		if err != nil {
			return uuid.Nil, fmt.Errorf("store: find case %s: bad id %q", ref, s)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return uuid.Nil, fmt.Errorf("store: find case %s: %w", ref, err)
	}
	switch len(ids) {
	case 0:
		return uuid.Nil, ErrNotFound
	case 1:
		return ids[0], nil
	}
	return uuid.Nil, fmt.Errorf("store: find case %s: the number of more than one case (%s, %s)", ref, ids[0], ids[1])
}

// CaseNumbers gives the number to show (the official one once assigned,
// else the provisional one) of each of the cases ids that this store
// holds; the ids of cases not here are absent from the map. It is meant
// for a few dozen ids, such as the cases that triggered an escalation.
func (s *Store) CaseNumbers(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]string, error) {
	out := make(map[uuid.UUID]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id.String()
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, CASE official_number WHEN '' THEN provisional_number ELSE official_number END
		FROM cases WHERE id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: case numbers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, number string
		if err := rows.Scan(&id, &number); err != nil {
			return nil, fmt.Errorf("store: case numbers: %w", err)
		}
		u, err := uuid.Parse(id)
		if err != nil {
			return nil, fmt.Errorf("store: case numbers: bad id %q", id)
		}
		out[u] = number
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: case numbers: %w", err)
	}
	return out, nil
}
