package hub_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/store"
	"jiefang/sync/hub"
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
		dir := t.TempDir()
		open := func(name string) (*store.Store, hub.Device) {
			s, err := store.Open(filepath.Join(dir, name), store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			s.SetActor(ctx, "王芳")
			return s, hub.Device{ID: s.Device().ID, UnitPath: "/1/"}
		}
		a, devA := open("a.db")
		bd, devB := open("b.db")
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
		first, err := a.Append(ctx, append(first, o)...)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.Push(ctx, devA, wire(first)); err != nil {
			t.Fatal(err)
		}
		if _, err := bd.ApplyPulled(ctx, "e1", int64(len(first)), first); err != nil {
			t.Fatal(err)
		}
		esc, err := cases.NewEvent(id, &cases.Escalated{Level: cases.EscalatedLevel(cases.LevelTownship), Rule: cases.RuleCollective, Triggers: triggers, Reason: "此前3件相似的集体信访"})
		if err != nil {
			t.Fatal(err)
		}
		level, _ := cases.NewEvent(id, &cases.LevelChanged{Level: cases.LevelVillage, Reason: "村里先调解"})
		fromA, err := a.Append(ctx, esc)
		if err != nil {
			t.Fatal(err)
		}
		fromB, err := bd.Append(ctx, level)
		if err != nil {
			t.Fatal(err)
		}
		// B's level change reaches the hub first; A's escalation, from
		// the same version, is the concurrent change.
		if rs, err := h.Push(ctx, devB, wire(fromB)); err != nil || rs[0].Outcome != protocol.Applied {
			t.Fatalf("desk B's level change: %+v %v", rs, err)
		}
		if flagged, _ := h.CaseConflict(ctx, id); flagged {
			t.Fatal("one change flagged as a conflict")
		}
		if rs, err := h.Push(ctx, devA, wire(fromA)); err != nil || rs[0].Outcome != protocol.Conflict {
			t.Fatalf("desk A's concurrent escalation: %+v %v, want a conflict", rs, err)
		}
		if flagged, err := h.CaseConflict(ctx, id); err != nil || !flagged {
			t.Fatalf("hub does not flag the case: %v %v", flagged, err)
		}
		if rs, err := h.Push(ctx, devA, wire(fromA)); err != nil || rs[0].Outcome != protocol.Duplicate {
			t.Fatalf("the escalation pushed again: %+v %v", rs, err)
		}
		// Desk B pulls the escalation: it keeps its own level, records
		// the escalation and the conflict, as a replay does.
		if _, err := bd.ApplyPulled(ctx, "e1", int64(len(first)+1), fromA); err != nil {
			t.Fatal(err)
		}
		c, err := bd.Case(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.MediationLevel != cases.LevelVillage || !c.HasOpenConflict() || c.Escalation == nil || c.Escalation.Level != cases.LevelCounty || len(c.Escalation.Triggers) != 3 {
			t.Errorf("desk B after pulling: level %s, conflicts %+v, escalation %+v", c.MediationLevel, c.Conflicts, c.Escalation)
		}
		if _, err := bd.Verify(ctx, nil); err != nil {
			t.Error(err)
		}
		decide, _ := cases.NewEvent(id, &cases.LevelChanged{Level: cases.LevelCounty})
		decide.BaseVersion = 1
		fromA, err = a.Append(ctx, decide)
		if err != nil {
			t.Fatal(err)
		}
		if rs, err := h.Push(ctx, devA, wire(fromA)); err != nil || rs[0].Outcome != protocol.Applied {
			t.Fatalf("the decision: %+v %v", rs, err)
		}
		if flagged, _ := h.CaseConflict(ctx, id); flagged {
			t.Error("the hub still flags the decided case")
		}
	})
}
