package hub_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/store"
	"jiefang/sync/hub"
	"jiefang/sync/hub/hubtest"
	"jiefang/sync/protocol"
)

// deskEvents records n cases on a real desk store and returns its events
// on the wire, oldest first, with the desk's device id.
func deskEvents(t *testing.T, n int) ([]protocol.Event, hub.Device) {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), "desk.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	s.SetActor(ctx, "王芳")
	var out []protocol.Event
	for i := 0; i < n; i++ {
		id := uuid.Must(uuid.NewV7())
		o, _ := cases.NewEvent(id, &cases.Opened{Channel: cases.ChannelVisit, Category: "采光", Summary: "新楼挡光"})
		f, _ := cases.NewEvent(id, &cases.FactAdd{FactID: uuid.Must(uuid.NewV7()), Text: "冬至日照不足一小时", Status: cases.FactPending})
		stored, err := s.Append(ctx, o, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range stored {
			out = append(out, protocol.FromEvent(e))
		}
	}
	return out, hub.Device{ID: s.Device().ID, UnitPath: "/1/"}
}

func outcomes(rs []protocol.PushResult) map[protocol.Outcome]int {
	m := map[protocol.Outcome]int{}
	for _, r := range rs {
		m[r.Outcome]++
	}
	return m
}

func TestPushIsExactlyOnce(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, b hubtest.Backend) {
		h, _ := b.Open(t)
		ctx := context.Background()
		evs, dev := deskEvents(t, 5)
		first, err := h.Push(ctx, dev, evs)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range first {
			if r.Outcome != protocol.Applied || (i > 0 && r.Seq <= first[i-1].Seq) {
				t.Fatalf("event %d: %+v", i, r)
			}
		}
		// A retry of the same batch (a reply lost after commit) answers
		// duplicate with the original sequences and stores nothing new.
		again, err := h.Push(ctx, dev, evs)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range again {
			if r.Outcome != protocol.Duplicate || r.Seq != first[i].Seq {
				t.Fatalf("retry %d: %+v, first %+v", i, r, first[i])
			}
		}
		// 10 pushed events, and an official number for each of the 5 cases.
		if st, _ := h.Stats(ctx); st.Events != 15 || st.Cases != 5 || st.Quarantined != 0 {
			t.Fatalf("stats %+v", st)
		}
	})
}

func TestSameIDOtherContentIsQuarantined(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, b hubtest.Backend) {
		h, _ := b.Open(t)
		ctx := context.Background()
		evs, dev := deskEvents(t, 1)
		if _, err := h.Push(ctx, dev, evs); err != nil {
			t.Fatal(err)
		}
		// The same event id, its content changed and its hash recomputed: a
		// well-formed event that must not replace the original.
		forged := evs[1].ToEvent()
		forged.Payload = json.RawMessage(`{"fact_id":"` + uuid.NewString() + `","text":"篡改后的事实","status":"confirmed","order":0}`)
		forged.Hash = forged.ComputeHash()
		rs, err := h.Push(ctx, dev, []protocol.Event{protocol.FromEvent(forged)})
		if err != nil {
			t.Fatal(err)
		}
		if rs[0].Outcome != protocol.Rejected || rs[0].Code != protocol.CodeIDReused || rs[0].Message == "" {
			t.Fatalf("got %+v", rs[0])
		}
		pulled, _, err := h.Pull(ctx, dev, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pulled {
			if p.Event.ID == evs[1].ID && string(p.Event.Payload) != string(evs[1].Payload) {
				t.Fatal("the original event was changed")
			}
		}
		if st, _ := h.Stats(ctx); st.Events != 3 || st.Quarantined != 1 {
			t.Fatalf("stats %+v", st)
		}
	})
}

func TestRejectsWhatCannotBeTrusted(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, b hubtest.Backend) {
		h, _ := b.Open(t)
		ctx := context.Background()
		evs, dev := deskEvents(t, 1)
		tampered := evs[0]
		tampered.Actor = "别人"
		rs, err := h.Push(ctx, dev, []protocol.Event{tampered})
		if err != nil {
			t.Fatal(err)
		}
		if rs[0].Code != protocol.CodeHashInvalid {
			t.Fatalf("got %+v", rs)
		}
		// An event of a type the hub does not know refuses the whole batch.
		unknown := evs[1].ToEvent()
		unknown.Type = "case.teleported"
		unknown.Hash = unknown.ComputeHash()
		_, err = h.Push(ctx, dev, []protocol.Event{evs[0], protocol.FromEvent(unknown)})
		var pe *protocol.Error
		if !errors.As(err, &pe) || pe.Code != protocol.CodeBadEvent || pe.EventID != unknown.ID.String() {
			t.Fatalf("unknown event type: %v", err)
		}
		rs, err = h.Push(ctx, hub.Device{ID: "another-device", UnitPath: "/1/"}, evs)
		if err != nil {
			t.Fatal(err)
		}
		if n := outcomes(rs)[protocol.Rejected]; n != 2 || rs[0].Code != protocol.CodeWrongDevice {
			t.Fatalf("another device's events: %+v", rs)
		}
		if st, _ := h.Stats(ctx); st.Events != 0 || st.Quarantined != 3 {
			t.Fatalf("stats %+v", st)
		}
	})
}

func TestPullInSequenceOrderAndPages(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, b hubtest.Backend) {
		h, _ := b.Open(t)
		ctx := context.Background()
		a, devA := deskEvents(t, 3)
		bb, devB := deskEvents(t, 2)
		h.Push(ctx, devA, a[:4])
		h.Push(ctx, devB, bb)
		h.Push(ctx, devA, a[4:])
		var all []protocol.Pulled
		after := int64(0)
		for {
			page, more, err := h.Pull(ctx, hub.Device{UnitPath: "/"}, after, 4)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, page...)
			if !more {
				break
			}
			after = page[len(page)-1].Seq
		}
		if len(all) != 15 {
			t.Fatalf("pulled %d events, want 10 pushed and 5 official numbers", len(all))
		}
		numbers := map[string]bool{}
		prev := ""
		for i, p := range all {
			if p.Seq != int64(i+1) {
				t.Fatalf("event %d has seq %d", i, p.Seq)
			}
			// Every event arrives intact: its hash still matches.
			e := p.Event.ToEvent()
			if e.ComputeHash() != e.Hash {
				t.Fatalf("event %d changed in transit", i)
			}
			if e.DeviceID != h.DeviceID() {
				continue
			}
			// The hub's own events: official numbers, one hash chain.
			if e.PrevHash != prev || e.Type != cases.CaseNumbered {
				t.Fatalf("hub event %d: %+v", i, e)
			}
			prev = e.Hash
			pl, err := cases.Decode(e)
			if err != nil {
				t.Fatal(err)
			}
			numbers[pl.(*cases.Numbered).Number] = true
		}
		if len(numbers) != 5 {
			t.Errorf("official numbers %v, want 5 different", numbers)
		}
		if all[6].Event.DeviceID != devB.ID {
			t.Errorf("hub order not kept: %+v", all[6].Event)
		}
		if h.Epoch() == "" {
			t.Error("no epoch")
		}
	})
}

func TestVersionsAccepted(t *testing.T) {
	if !protocol.Accepts(protocol.Version) || protocol.Accepts(protocol.Version+1) || protocol.Accepts(0) {
		t.Error("Accepts is wrong")
	}
}
