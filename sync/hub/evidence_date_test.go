package hub_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/store"
	"jiefang/sync/hub"
	"jiefang/sync/hub/hubtest"
	"jiefang/sync/protocol"
)

func wire(evs []cases.Event) []protocol.Event {
	out := make([]protocol.Event, len(evs))
	for i, e := range evs {
		out[i] = protocol.FromEvent(e)
	}
	return out
}

// An evidence item's document date is a mutable field on the hub too:
// two desks that change it from the same version get the second change
// stored as a conflict and the case flagged; a change based on the
// current version clears the flag.
func TestEvidenceDateConflictOnHub(t *testing.T) {
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
		id, eid := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
		o, _ := cases.NewEvent(id, &cases.Opened{Channel: cases.ChannelVisit, Category: "征地补偿", Summary: "补偿款至今只拿到一半"})
		add, _ := cases.NewEvent(id, &cases.EvidenceAdd{EvidenceID: eid, SHA256: strings.Repeat("ab", 32), FileName: "协议.jpg", MediaType: "image/jpeg", Size: 10, DocumentDate: "2019-05-01"})
		first, err := a.Append(ctx, o, add)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.Push(ctx, devA, wire(first)); err != nil {
			t.Fatal(err)
		}
		if _, err := bd.ApplyPulled(ctx, "e1", 2, first); err != nil {
			t.Fatal(err)
		}
		mine, _ := cases.NewEvent(id, &cases.EvidenceDate{EvidenceID: eid, Date: "2019-04-30"})
		theirs, _ := cases.NewEvent(id, &cases.EvidenceDate{EvidenceID: eid, Date: "2019-06-01"})
		fromA, err := a.Append(ctx, mine)
		if err != nil {
			t.Fatal(err)
		}
		fromB, err := bd.Append(ctx, theirs)
		if err != nil {
			t.Fatal(err)
		}
		if rs, err := h.Push(ctx, devA, wire(fromA)); err != nil || rs[0].Outcome != protocol.Applied {
			t.Fatalf("desk A's date: %+v %v", rs, err)
		}
		if flagged, _ := h.CaseConflict(ctx, id); flagged {
			t.Fatal("one change flagged as a conflict")
		}
		if rs, err := h.Push(ctx, devB, wire(fromB)); err != nil || rs[0].Outcome != protocol.Conflict {
			t.Fatalf("desk B's concurrent date: %+v %v, want a conflict", rs, err)
		}
		if flagged, err := h.CaseConflict(ctx, id); err != nil || !flagged {
			t.Fatalf("hub does not flag the case: %v %v", flagged, err)
		}
		decide, _ := cases.NewEvent(id, &cases.EvidenceDate{EvidenceID: eid, Date: "2019-06-01"})
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
