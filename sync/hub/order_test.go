package hub_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jiefang/sync/hub"
	"jiefang/sync/hub/hubtest"
	"jiefang/sync/protocol"
)

// Reliability 9: two writers push while a device pulls; the first writer
// pauses between taking its sequence numbers and committing. The puller
// never skips a row: every page starts right after its cursor, and in the
// end it has seen every event.
func TestPullNeverSkipsALateCommit(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, b hubtest.Backend) {
		ctx := context.Background()
		h, _ := b.Open(t)
		a, devA := deskEvents(t, 20)
		c, devC := deskEvents(t, 20)
		var pauses atomic.Int64
		paused := make(chan struct{})
		hub.SetBeforeCommit(h, func() {
			if pauses.Add(1) == 1 {
				close(paused)
				time.Sleep(300 * time.Millisecond)
			}
		})
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); h.Push(ctx, devA, a) }()
		go func() { defer wg.Done(); <-paused; h.Push(ctx, devC, c) }()
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()

		seen := map[int64]bool{}
		after := int64(0)
		pull := func() {
			page, _, err := h.Pull(ctx, hub.Device{UnitPath: "/"}, after, 1000)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range page {
				if p.Seq != after+1 {
					t.Fatalf("pulled seq %d right after %d: a row was skipped", p.Seq, after)
				}
				seen[p.Seq] = true
				after = p.Seq
			}
		}
		for running := true; running; {
			select {
			case <-done:
				running = false
			default:
				pull()
				time.Sleep(time.Millisecond)
			}
		}
		pull()
		if want := 2 * (40 + 20); len(seen) != want {
			t.Fatalf("pulled %d events, want %d (80 pushed, 40 official numbers)", len(seen), want)
		}
		if pauses.Load() != 2 {
			t.Fatalf("%d push transactions, want 2", pauses.Load())
		}
		_ = protocol.Version
	})
}
