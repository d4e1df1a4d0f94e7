package triage

import (
	"strings"

	"jiefang/cases"
)

// CaseText is the text of a case that its intensity is scored on: the
// summary, the current fact cards in their order, and the notes, one a
// line.
func CaseText(c cases.Case) string {
	var b strings.Builder
	add := func(s string) {
		if s = strings.TrimSpace(s); s == "" {
			return
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(s)
	}
	add(c.Summary)
	for _, f := range c.CurrentFacts() {
		add(f.Text)
	}
	for _, n := range c.Notes {
		add(n.Text)
	}
	return b.String()
}

// Rescore scores the case's text and returns the event payload to record
// when the score or its level differs from the case's; false when
// nothing changed. The device that changed the text calls it; viewing a
// case never writes.
func Rescore(s *Scorer, c cases.Case) (*cases.IntensityScored, bool) {
	in := s.Score(CaseText(c))
	if in.Score == c.Intensity && in.Level == c.IntensityLevel {
		return nil, false
	}
	return &cases.IntensityScored{Score: in.Score, Level: in.Level}, true
}
