package client

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/store"
	"jiefang/sync/hub"
	"jiefang/sync/protocol"
)

// source is the hub's pull side reached directly.
type source struct{ h *hub.Store }

func (s source) Pull(ctx context.Context, req protocol.PullRequest) (protocol.PullResponse, error) {
	evs, more, err := s.h.Pull(ctx, req.After, req.Limit)
	return protocol.PullResponse{Version: protocol.Version, Epoch: s.h.Epoch(), Events: evs, More: more}, err
}

func syncDesk(t *testing.T, ctx context.Context, desk *store.Store, h *hub.Store) {
	t.Helper()
	link := &inProcess{h: h, device: desk.Device().ID}
	for {
		n, rejected, err := PushOnce(ctx, desk, link, 3)
		if err != nil || len(rejected) > 0 {
			t.Fatalf("push: %v %+v", err, rejected)
		}
		if n == 0 {
			break
		}
	}
	for {
		_, more, err := PullOnce(ctx, desk, source{h}, 3)
		if err != nil {
			t.Fatalf("pull: %v", err)
		}
		if !more {
			break
		}
	}
}

// Desk A records a case and syncs; desk B pulls and sees it. Both then
// change its status offline from the same version; after both sync, each
// desk keeps both values as an open conflict, and each still verifies.
func TestTwoDesksConcurrentStatusChange(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	h, err := hub.OpenSQLite(filepath.Join(dir, "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	open := func(name, staff string) *store.Store {
		s, err := store.Open(filepath.Join(dir, name), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		s.SetActor(ctx, staff)
		return s
	}
	a, b := open("a.db", "王芳"), open("b.db", "李强")
	id := uuid.Must(uuid.NewV7())
	o, _ := cases.NewEvent(id, &cases.Opened{Channel: cases.ChannelVisit, Category: "宅基地", Summary: "宅基地边界争议"})
	f, _ := cases.NewEvent(id, &cases.FactAdd{FactID: uuid.Must(uuid.NewV7()), Text: "两家院墙相距不足一米", Status: cases.FactPending})
	if _, err := a.Append(ctx, o, f); err != nil {
		t.Fatal(err)
	}
	syncDesk(t, ctx, a, h)
	syncDesk(t, ctx, b, h)
	seen, err := b.Case(ctx, id)
	if err != nil || seen.Summary != "宅基地边界争议" || len(seen.Facts) != 1 {
		t.Fatalf("desk B does not see desk A's case: %+v %v", seen, err)
	}
	if st, _ := b.Stats(ctx); st.Outbox != 0 {
		t.Errorf("pulled events went into B's outbox: %d", st.Outbox)
	}
	acc, _ := cases.NewEvent(id, &cases.StatusChanged{Status: cases.StatusAccepted})
	rej, _ := cases.NewEvent(id, &cases.StatusChanged{Status: cases.StatusNotAccepted, Reason: "不属于信访事项"})
	if _, err := a.Append(ctx, acc); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Append(ctx, rej); err != nil {
		t.Fatal(err)
	}
	syncDesk(t, ctx, a, h)
	syncDesk(t, ctx, b, h)
	syncDesk(t, ctx, a, h)
	for name, d := range map[string]*store.Store{"A": a, "B": b} {
		c, err := d.Case(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !c.HasOpenConflict() || len(c.Conflicts) != 1 {
			t.Fatalf("desk %s: conflicts %+v", name, c.Conflicts)
		}
		k := c.Conflicts[0]
		values := map[string]bool{k.Kept: true, k.Other: true}
		if !values[string(cases.StatusAccepted)] || !values[string(cases.StatusNotAccepted)] || string(c.Status) != k.Kept {
			t.Errorf("desk %s: status %s, conflict %+v: both values must be kept", name, c.Status, k)
		}
		if _, err := d.Verify(ctx, nil); err != nil {
			t.Fatalf("desk %s: %v", name, err)
		}
	}
	if st, _ := h.Stats(ctx); st.Events != 5 {
		t.Errorf("hub holds %d events, want 4 and an official number", st.Events)
	}
	// The hub numbered the case on its first acknowledgement; both desks
	// show that number.
	ca, _ := a.Case(ctx, id)
	cb, _ := b.Case(ctx, id)
	if !strings.HasPrefix(ca.Number(), "XF") || ca.Number() != cb.Number() || ca.ProvisionalNumber == ca.Number() {
		t.Errorf("numbers: desk A %q (provisional %q), desk B %q", ca.Number(), ca.ProvisionalNumber, cb.Number())
	}
	// Deciding on one desk, based on the version it shows, resolves it there.
	c, _ := a.Case(ctx, id)
	decide, _ := cases.NewEvent(id, &cases.StatusChanged{Status: cases.StatusAccepted})
	decide.BaseVersion = c.Versions.Status
	if _, err := a.Append(ctx, decide); err != nil {
		t.Fatal(err)
	}
	if c, _ := a.Case(ctx, id); c.HasOpenConflict() {
		t.Error("a decision based on the current version left the conflict open")
	}
	if _, err := a.Verify(ctx, nil); err != nil {
		t.Fatal(err)
	}
}
