package hub_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/sync/hub/hubtest"
	"jiefang/sync/protocol"
)

// An automatic escalation pushed by a desk is accepted, and it is a
// change to the mediation level on the hub too: after a level change
// another desk made from the same version, it is stored as a conflict
// and the case flagged; a change based on the current version clears the
// flag. A desk pulling the escalation records it beside its own level.
func TestEscalationOnHub(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, b hubtest.Backend) {
		h, _ := b.Open(t)
		ctx := context.Background()
		d := newTwoDesks(t, h)
		var triggers []uuid.UUID
		var first []cases.Event
		for _, summary := range []string{"东山村集体反映征地补偿", "西山村集体反映征地补偿", "南山村集体反映征地补偿"} {
			tid := uuid.Must(uuid.NewV7())
			o, _ := cases.NewEvent(tid, &cases.Opened{Channel: cases.ChannelVisit, Category: "征地补偿", Summary: summary, Signers: 12})
			triggers = append(triggers, tid)
			first = append(first, o)
		}
		id := uuid.Must(uuid.NewV7())
		o, _ := cases.NewEvent(id, &cases.Opened{Channel: cases.ChannelVisit, Category: "征地补偿", Summary: "北山村集体反映征地补偿", Signers: 30})
		first = d.share(t, append(first, o)...)
		esc, err := cases.NewEvent(id, &cases.Escalated{Level: cases.EscalatedLevel(cases.LevelTownship), Rule: cases.RuleCollective, Triggers: triggers, Reason: "此前3件相似的集体信访"})
		if err != nil {
			t.Fatal(err)
		}
		level, _ := cases.NewEvent(id, &cases.LevelChanged{Level: cases.LevelVillage, Reason: "村里先调解"})
		// B's level change reaches the hub first; A's escalation, from
		// the same version, is the concurrent change.
		_, fromA := d.race(t, id, d.devB, level, esc)
		if rs, err := h.Push(ctx, d.devA, wire([]cases.Event{fromA})); err != nil || rs[0].Outcome != protocol.Duplicate {
			t.Fatalf("the escalation pushed again: %+v %v", rs, err)
		}
		// Desk B pulls the escalation: it keeps its own level, records
		// the escalation and the conflict, as a replay does.
		if _, err := d.b.ApplyPulled(ctx, "e1", int64(len(first)+1), []cases.Event{fromA}); err != nil {
			t.Fatal(err)
		}
		c, err := d.b.Case(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.MediationLevel != cases.LevelVillage || !c.HasOpenConflict() || c.Escalation == nil || c.Escalation.Level != cases.LevelCounty || len(c.Escalation.Triggers) != 3 {
			t.Errorf("desk B after pulling: level %s, conflicts %+v, escalation %+v", c.MediationLevel, c.Conflicts, c.Escalation)
		}
		if _, err := d.b.Verify(ctx, nil); err != nil {
			t.Error(err)
		}
		d.decide(t, id, &cases.LevelChanged{Level: cases.LevelCounty})
	})
}
