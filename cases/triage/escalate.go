package triage

import (
	"fmt"

	"github.com/google/uuid"

	"jiefang/cases"
)

// The collective-signature rule (集体联名规则): when CollectiveCases or
// more cases opened in the Years before a case are collective petitions
// (IsCollective) and each is similar to it — Similarity ≥
// CollectiveMinSimilarity and Parties ≥ CollectiveMinParties — the case
// is escalated automatically: a case.escalated event raises its
// mediation level one step, to the county at least, flags it red and
// lists the cases that triggered it. Similarity, not Score: the five
// years are the rule's window, and an old petition counts as much as a
// recent one. The thresholds were chosen on the demo data's planted
// clusters (docs/triage.md): Parties ≥ 0.6 asks that the cases share
// something specific — the respondent and the village, or a petitioner —
// so that collective petitions written from one template about different
// matters do not add up to an escalation.
const (
	CollectiveCases         = 3
	CollectiveMinSimilarity = 0.45
	CollectiveMinParties    = 0.6
)

// CollectiveTriggers returns the earlier collective petitions similar
// enough to the case for the collective rule, most similar first; an
// error wrapping ErrNotFound when the index does not hold the case.
func CollectiveTriggers(x *Index, caseID uuid.UUID) ([]Match, error) {
	return x.Search(caseID, Query{Limit: -1, Before: true, Collective: true,
		MinSimilarity: CollectiveMinSimilarity, MinParties: CollectiveMinParties})
}

// Escalation applies the collective rule to case c, held by the index:
// it returns the payload of the event that escalates it and the matches
// that trigger it, or a nil payload when the rule does not escalate it —
// fewer than CollectiveCases triggers, the case already escalated by the
// rule, or concluded or not accepted. The event's base version is
// c.Versions.MediationLevel.
func Escalation(x *Index, c *cases.Case) (*cases.Escalated, []Match, error) {
	if c.Escalation != nil && c.Escalation.Rule == cases.RuleCollective {
		return nil, nil, nil
	}
	if c.Status == cases.StatusConcluded || c.Status == cases.StatusNotAccepted {
		return nil, nil, nil
	}
	ms, err := CollectiveTriggers(x, c.ID)
	if err != nil {
		return nil, nil, err
	}
	if len(ms) < CollectiveCases {
		return nil, ms, nil
	}
	p := &cases.Escalated{Level: cases.EscalatedLevel(c.MediationLevel), Rule: cases.RuleCollective,
		Reason: fmt.Sprintf("此前五年内有 %d 件相似的集体信访（相似度不低于 %.2f）", len(ms), CollectiveMinSimilarity)}
	for _, m := range ms[:min(len(ms), cases.MaxEscalationTriggers)] {
		p.Triggers = append(p.Triggers, m.CaseID)
	}
	return p, ms, nil
}
