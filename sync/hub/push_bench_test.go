package hub_test

import (
	"context"
	"path/filepath"
	"testing"

	"jiefang/cases"
	"jiefang/cases/store"
	"jiefang/sync/hub"
	"jiefang/sync/hub/hubtest"
	"jiefang/sync/protocol"
)

// BenchmarkStorePush pushes batches of 200 events of whole receptions
// straight into the hub store (no HTTP): the cost of applying them.
func BenchmarkStorePush(b *testing.B) {
	for _, bk := range hubtest.Backends() {
		b.Run(bk.Name, func(b *testing.B) {
			h, _ := bk.Open(b)
			desk, err := store.Open(filepath.Join(b.TempDir(), "desk.db"), store.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer desk.Close()
			ctx := context.Background()
			desk.SetActor(ctx, "王芳")
			dev := hub.Device{ID: desk.Device().ID, UnitPath: "/1/"}
			var all []protocol.Event
			for i := 0; len(all) < 200*(b.N+1); i++ {
				evs, _ := store.SampleCase(i)
				stored, err := desk.Append(ctx, evs...)
				if err != nil {
					b.Fatal(err)
				}
				for _, e := range stored {
					all = append(all, protocol.FromEvent(e))
				}
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := h.Push(ctx, dev, all[i*200:(i+1)*200]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(200*b.N)/b.Elapsed().Seconds(), "events/s")
			_ = cases.CaseOpened
		})
	}
}
