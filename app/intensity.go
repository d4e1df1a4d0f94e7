package app

import (
	"context"
	"fmt"
	"slices"

	"jiefang/cases"
	"jiefang/cases/triage"
)

// textEvents are the events that change what the petitioner said or
// wrote on a case: the text the intensity score is of.
var textEvents = map[cases.EventType]bool{
	cases.CaseOpened:  true,
	cases.CaseRevised: true,
	cases.FactAdded:   true,
	cases.NoteAdded:   true,
}

// rescore records case c's intensity again after evs (just appended) when
// they changed its text and the score or its level moved; it returns the
// case as it then is. Only the desk that changed the text scores it:
// viewing a case never writes. With no scorer (sc nil) nothing is scored.
func rescore(ctx context.Context, cs CaseStore, sc *triage.Scorer, c cases.Case, evs []cases.Event) (cases.Case, error) {
	if sc == nil {
		return c, nil
	}
	changed := false
	for _, e := range evs {
		changed = changed || textEvents[e.Type]
	}
	if !changed {
		return c, nil
	}
	p, ok := triage.Rescore(sc, c)
	if !ok {
		return c, nil
	}
	e, err := cases.NewEvent(c.ID, p)
	if err != nil {
		return c, fmt.Errorf("app: intensity: %w", err)
	}
	if _, err := cs.Append(ctx, e); err != nil {
		return c, fmt.Errorf("app: intensity: %w", err)
	}
	return cs.Case(ctx, c.ID)
}

// breadthEvents are the events that change what breadth screening
// compares a case by: its text, its parties, its category.
var breadthEvents = map[cases.EventType]bool{
	cases.CaseOpened:          true,
	cases.CaseRevised:         true,
	cases.CaseCategoryChanged: true,
	cases.FactAdded:           true,
	cases.PartyAdded:          true,
	cases.PartyWithdrawn:      true,
}

// escalate applies the collective rule to case c after evs (just
// appended) when they changed what it is compared by, and records the
// escalation the rule calls for; it returns the case as it then is. Like
// the intensity, only the desk that made the change runs it. With no
// breadth screening (sim nil) nothing is done.
func escalate(ctx context.Context, cs CaseStore, sim SimilarCases, c cases.Case, evs []cases.Event) (cases.Case, error) {
	if sim == nil || !slices.ContainsFunc(evs, func(e cases.Event) bool { return breadthEvents[e.Type] }) {
		return c, nil
	}
	p, err := sim.Escalation(ctx, c)
	if err != nil || p == nil {
		return c, err
	}
	e, err := cases.NewEvent(c.ID, p)
	if err != nil {
		return c, fmt.Errorf("app: escalation: %w", err)
	}
	e.BaseVersion = c.Versions.MediationLevel
	if _, err := cs.Append(ctx, e); err != nil {
		return c, fmt.Errorf("app: escalation: %w", err)
	}
	return cs.Case(ctx, c.ID)
}

// screenChange runs the screening a change on this desk calls for: the
// intensity, then the collective rule.
func screenChange(ctx context.Context, cs CaseStore, sc *triage.Scorer, sim SimilarCases, c cases.Case, evs []cases.Event) (cases.Case, error) {
	c, err := rescore(ctx, cs, sc, c, evs)
	if err != nil {
		return c, err
	}
	return escalate(ctx, cs, sim, c, evs)
}
