package hub_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/store"
	"jiefang/sync/hub"
	"jiefang/sync/protocol"
)

// twoDesks are two real desks of one unit on a hub, for tests of
// concurrent changes to a mutable field.
type twoDesks struct {
	h          *hub.Store
	a, b       *store.Store
	devA, devB hub.Device
}

func newTwoDesks(t *testing.T, h *hub.Store) *twoDesks {
	t.Helper()
	dir := t.TempDir()
	open := func(name string) (*store.Store, hub.Device) {
		s, err := store.Open(filepath.Join(dir, name), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		s.SetActor(context.Background(), "王芳")
		return s, hub.Device{ID: s.Device().ID, UnitPath: "/1/"}
	}
	d := &twoDesks{h: h}
	d.a, d.devA = open("a.db")
	d.b, d.devB = open("b.db")
	return d
}

// share records evs on desk A, pushes them, and gives them to desk B as
// pulled: both desks then hold the case at the same versions.
func (d *twoDesks) share(t *testing.T, evs ...cases.Event) []cases.Event {
	t.Helper()
	ctx := context.Background()
	stored, err := d.a.Append(ctx, evs...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.h.Push(ctx, d.devA, wire(stored)); err != nil {
		t.Fatal(err)
	}
	if _, err := d.b.ApplyPulled(ctx, "e1", int64(len(stored)), stored); err != nil {
		t.Fatal(err)
	}
	return stored
}

// race records first on the desk of firstDev and second on the other,
// both from the same version of a field of case id, and pushes them in
// that order: the first is applied, the second stored as a conflict and
// the case flagged. It returns the two as stored by their desks.
func (d *twoDesks) race(t *testing.T, id uuid.UUID, firstDev hub.Device, first, second cases.Event) (cases.Event, cases.Event) {
	t.Helper()
	ctx := context.Background()
	s1, s2, dev2 := d.a, d.b, d.devB
	if firstDev.ID == d.devB.ID {
		s1, s2, dev2 = d.b, d.a, d.devA
	}
	f, err := s1.Append(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	s, err := s2.Append(ctx, second)
	if err != nil {
		t.Fatal(err)
	}
	if rs, err := d.h.Push(ctx, firstDev, wire(f)); err != nil || rs[0].Outcome != protocol.Applied {
		t.Fatalf("the first change: %+v %v", rs, err)
	}
	if flagged, _ := d.h.CaseConflict(ctx, id); flagged {
		t.Fatal("one change flagged as a conflict")
	}
	if rs, err := d.h.Push(ctx, dev2, wire(s)); err != nil || rs[0].Outcome != protocol.Conflict {
		t.Fatalf("the concurrent change: %+v %v, want a conflict", rs, err)
	}
	if flagged, err := d.h.CaseConflict(ctx, id); err != nil || !flagged {
		t.Fatalf("hub does not flag the case: %v %v", flagged, err)
	}
	return f[0], s[0]
}

// decide records on desk A a change based on version 1 of the field, the
// value decided, and checks the hub applies it and clears the flag.
func (d *twoDesks) decide(t *testing.T, id uuid.UUID, p cases.Payload) {
	t.Helper()
	ctx := context.Background()
	e, err := cases.NewEvent(id, p)
	if err != nil {
		t.Fatal(err)
	}
	e.BaseVersion = 1
	stored, err := d.a.Append(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	if rs, err := d.h.Push(ctx, d.devA, wire(stored)); err != nil || rs[0].Outcome != protocol.Applied {
		t.Fatalf("the decision: %+v %v", rs, err)
	}
	if flagged, _ := d.h.CaseConflict(ctx, id); flagged {
		t.Error("the hub still flags the decided case")
	}
}
