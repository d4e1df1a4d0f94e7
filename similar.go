package main

import (
	"context"
	"fmt"
	"sync"

	"jiefang/app"
	"jiefang/cases"
	"jiefang/cases/store"
	"jiefang/cases/triage"
)

// deskSimilar is breadth screening (广度) on the desk: an in-memory
// similarity index of the cases the store holds, built once (in the
// background from the start) and brought up to date with the cases
// changed since, before each use.
type deskSimilar struct {
	s *store.Store

	mu  sync.Mutex
	x   *triage.Index // nil until built
	seq int64         // the index holds every case as of this event
}

// index returns the index, current with the store: built on first use,
// then refreshed with the cases whose events came since.
func (d *deskSimilar) index(ctx context.Context) (*triage.Index, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.x == nil {
		last, err := d.s.LastSeq(ctx)
		if err != nil {
			return nil, err
		}
		x, err := triage.Build(ctx, d.s.Corpus())
		if err != nil {
			return nil, err
		}
		d.x, d.seq = x, last
		return x, nil
	}
	ids, last, err := d.s.ChangedCases(ctx, d.seq)
	if err != nil {
		return nil, err
	}
	if err := d.x.Refresh(ctx, d.s.Corpus(), ids...); err != nil {
		return nil, err
	}
	d.seq = last
	return d.x, nil
}

// Warm builds the index ahead of the first use; errors wait for it.
func (d *deskSimilar) Warm(ctx context.Context) { _, _ = d.index(ctx) }

// Similar implements app.SimilarCases.
func (d *deskSimilar) Similar(ctx context.Context, c cases.Case, limit int) ([]app.SimilarCase, error) {
	x, err := d.index(ctx)
	if err != nil {
		return nil, err
	}
	ms, err := triage.Similar(x, c.ID, limit)
	if err != nil {
		return nil, err
	}
	out := make([]app.SimilarCase, 0, len(ms))
	for _, m := range ms {
		mc, err := d.s.Case(ctx, m.CaseID)
		if err != nil {
			return nil, fmt.Errorf("similar case %s: %w", m.CaseID, err)
		}
		out = append(out, app.SimilarCase{ID: m.CaseID, Number: mc.Number(), Category: mc.Category,
			Summary: mc.Summary, Score: m.Similarity, Collective: m.Collective, Why: m.Reasons()})
	}
	return out, nil
}

// Escalation implements app.SimilarCases: the collective rule over the
// cases this desk holds.
func (d *deskSimilar) Escalation(ctx context.Context, c cases.Case) (*cases.Escalated, error) {
	x, err := d.index(ctx)
	if err != nil {
		return nil, err
	}
	p, _, err := triage.Escalation(x, &c)
	return p, err
}
