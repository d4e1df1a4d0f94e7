package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/triage"
)

// Corpus reads the store's cases for breadth screening's similarity
// index (triage.Build, Index.Refresh). It gives the Doc that
// triage.DocOf gives for the same case replayed from its events.
type Corpus struct{ s *Store }

// Corpus returns the store's cases as a triage.Corpus.
func (s *Store) Corpus() *Corpus { return &Corpus{s: s} }

// Doc returns the Doc of one case; an error wrapping triage.ErrNotFound
// if the store has no such case.
func (c *Corpus) Doc(ctx context.Context, id uuid.UUID) (triage.Doc, error) {
	cs, err := c.s.Case(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return triage.Doc{}, fmt.Errorf("%w: %s", triage.ErrNotFound, id)
	}
	if err != nil {
		return triage.Doc{}, err
	}
	return triage.DocOf(&cs), nil
}

// Docs calls fn with the Doc of every case, in the order of their ids.
// It reads the cases, their current fact cards and their current parties
// side by side, each in the order of its primary key, so that a store of
// 100,000 cases is read in one pass without a sort.
func (c *Corpus) Docs(ctx context.Context, fn func(triage.Doc) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	caseRows, err := c.s.r.QueryContext(ctx, `SELECT id, channel, category, summary, signers, created_at FROM cases ORDER BY id`)
	if err != nil {
		return fmt.Errorf("store: corpus: %w", err)
	}
	defer caseRows.Close()
	factRows, err := c.s.r.QueryContext(ctx, `SELECT case_id, text FROM facts WHERE superseded_by = '' ORDER BY case_id, id`)
	if err != nil {
		return fmt.Errorf("store: corpus facts: %w", err)
	}
	defer factRows.Close()
	partyRows, err := c.s.r.QueryContext(ctx, `SELECT case_id, role, name, id_number, village FROM parties
		WHERE superseded_by = '' AND withdrawn = 0 ORDER BY case_id, id`)
	if err != nil {
		return fmt.Errorf("store: corpus parties: %w", err)
	}
	defer partyRows.Close()

	facts := &cursor[string]{rows: factRows, scan: func(r *sql.Rows, key *string, v *string) error { return r.Scan(key, v) }}
	parties := &cursor[cases.Party]{rows: partyRows, scan: func(r *sql.Rows, key *string, p *cases.Party) error {
		return r.Scan(key, &p.Role, &p.Name, &p.IDNumber, &p.Village)
	}}
	for caseRows.Next() {
		var id string
		var at int64
		var cs cases.Case
		if err := caseRows.Scan(&id, &cs.Channel, &cs.Category, &cs.Summary, &cs.Signers, &at); err != nil {
			return fmt.Errorf("store: corpus: %w", err)
		}
		if cs.ID, err = parseID(id); err != nil {
			return fmt.Errorf("store: corpus: %w", err)
		}
		cs.CreatedAt = fromMS(at)
		if err := facts.each(id, func(text string) {
			cs.Facts = append(cs.Facts, cases.FactCard{Text: text})
		}); err != nil {
			return fmt.Errorf("store: corpus facts of %s: %w", id, err)
		}
		if err := parties.each(id, func(p cases.Party) {
			cs.Parties = append(cs.Parties, p)
		}); err != nil {
			return fmt.Errorf("store: corpus parties of %s: %w", id, err)
		}
		if err := fn(triage.DocOf(&cs)); err != nil {
			return err
		}
	}
	if err := caseRows.Err(); err != nil {
		return fmt.Errorf("store: corpus: %w", err)
	}
	return nil
}

// cursor walks rows ordered by a case id key, handing out the rows of
// one case at a time.
type cursor[T any] struct {
	rows    *sql.Rows
	scan    func(r *sql.Rows, key *string, v *T) error
	key     string
	val     T
	pending bool // key and val hold a row not yet handed out
	done    bool
}

// each calls fn with each row whose key is caseID; rows of cases before
// it (none, as the cases are read in the same order) are skipped.
func (c *cursor[T]) each(caseID string, fn func(T)) error {
	for {
		if !c.pending {
			if c.done || !c.rows.Next() {
				c.done = true
				return c.rows.Err()
			}
			var v T
			if err := c.scan(c.rows, &c.key, &v); err != nil {
				return err
			}
			c.val, c.pending = v, true
		}
		switch {
		case c.key < caseID:
			c.pending = false
		case c.key == caseID:
			fn(c.val)
			c.pending = false
		default:
			return nil
		}
	}
}

// ChangedCases returns the cases with events stored after seq (every
// case when seq is 0), each once, and the last seq stored: what an index
// built from the store must read again to be current.
func (s *Store) ChangedCases(ctx context.Context, seq int64) ([]uuid.UUID, int64, error) {
	last, err := s.LastSeq(ctx)
	if err != nil {
		return nil, 0, err
	}
	if last <= seq {
		return nil, last, nil
	}
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT case_id FROM events WHERE seq > ? AND seq <= ?`, seq, last)
	if err != nil {
		return nil, 0, fmt.Errorf("store: changed cases: %w", err)
	}
	defer rows.Close()
	var out []uuid.UUID
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, 0, fmt.Errorf("store: changed cases: %w", err)
		}
		id, err := uuid.FromBytes(b)
		if err != nil {
			return nil, 0, fmt.Errorf("store: changed cases: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: changed cases: %w", err)
	}
	return out, last, nil
}

// LastSeq is the seq of the last event stored; 0 when there is none.
func (s *Store) LastSeq(ctx context.Context) (int64, error) {
	var last int64
	if err := s.r.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM events`).Scan(&last); err != nil {
		return 0, fmt.Errorf("store: last seq: %w", err)
	}
	return last, nil
}
