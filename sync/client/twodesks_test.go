package client

import (
	"context"
	"errors"
	"strings"
	"testing"

	"jiefang/cases"
	"jiefang/cases/store"
	"jiefang/sync/hub/hubtest"
)

// Desk A records a case and syncs over HTTP; desk B of the same township
// pulls and sees it, and a desk of another township does not. A and B
// then change its status offline from the same version; after both sync,
// the hub and each desk keep both values as an open conflict, and each
// desk still verifies.
func TestTwoDesksConcurrentStatusChange(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, bk hubtest.Backend) {
		ctx := context.Background()
		h := startHub(t, bk)
		dir := t.TempDir()
		a, b, other := openDesk(t, dir, "a.db", "王芳"), openDesk(t, dir, "b.db", "李强"), openDesk(t, dir, "c.db", "赵敏")
		h.enroll(t, a, "东镇")
		h.enroll(t, b, "东镇")
		h.enroll(t, other, "西镇")
		id := openCase(t, a, "宅基地边界争议")
		if rep := syncRound(t, a); rep.Pushed != 2 || rep.Pulled != 1 {
			t.Fatalf("desk A's round: %+v, want 2 pushed and the official number pulled", rep)
		}
		syncRound(t, b)
		syncRound(t, other)
		seen, err := b.Case(ctx, id)
		if err != nil || seen.Summary != "宅基地边界争议" || len(seen.Facts) != 1 {
			t.Fatalf("desk B does not see desk A's case: %+v %v", seen, err)
		}
		if _, err := other.Case(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a desk of another township sees the case: %v", err)
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
		syncRound(t, a)
		syncRound(t, b)
		syncRound(t, a)
		if flagged, err := h.store.CaseConflict(ctx, id); err != nil || !flagged {
			t.Errorf("hub does not flag the case as a conflict: %v %v", flagged, err)
		}
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
		if st, _ := h.store.Stats(ctx); st.Events != 5 || st.Devices != 3 {
			t.Errorf("hub %+v, want 4 events, an official number and 3 devices", st)
		}
		// The hub numbered the case on its first acknowledgement; both
		// desks show that number.
		ca, _ := a.Case(ctx, id)
		cb, _ := b.Case(ctx, id)
		if !strings.HasPrefix(ca.Number(), "XF") || ca.Number() != cb.Number() || ca.ProvisionalNumber == ca.Number() {
			t.Errorf("numbers: desk A %q (provisional %q), desk B %q", ca.Number(), ca.ProvisionalNumber, cb.Number())
		}
		// Deciding on one desk, based on the version it shows, resolves it
		// there and, once synced, on the hub.
		decide, _ := cases.NewEvent(id, &cases.StatusChanged{Status: cases.StatusAccepted})
		decide.BaseVersion = ca.Versions.Status
		if _, err := a.Append(ctx, decide); err != nil {
			t.Fatal(err)
		}
		if c, _ := a.Case(ctx, id); c.HasOpenConflict() {
			t.Error("a decision based on the current version left the conflict open")
		}
		syncRound(t, a)
		if flagged, _ := h.store.CaseConflict(ctx, id); flagged {
			t.Error("the hub still flags the decided case")
		}
		if _, err := a.Verify(ctx, nil); err != nil {
			t.Fatal(err)
		}
	})
}
