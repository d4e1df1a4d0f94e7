package app

import (
	"context"
	"fmt"

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
