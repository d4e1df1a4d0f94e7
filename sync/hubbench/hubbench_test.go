package hubbench

import (
	"context"
	"os"
	"testing"
)

// The load runs without errors and every pushed event is counted once.
func TestRunSmall(t *testing.T) {
	res, err := Run(context.Background(), Options{Devices: 4, Events: 60, Concurrency: 2, Dir: t.TempDir(), PG: os.Getenv("JIEFANG_PG_URL")})
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors != 0 || res.Events != 240 || res.Cases != 4*3 || res.EventsPerS <= 0 || res.RawRowsPerS <= 0 || res.P99BatchMS <= 0 {
		t.Fatalf("%+v", res)
	}
}

// BenchmarkHub pushes 20 devices × 500 events per iteration and reports
// the hub's rates and the ratio to raw inserts in the same run.
func BenchmarkHub(b *testing.B) {
	for b.Loop() {
		res, err := Run(context.Background(), Options{Devices: 20, Events: 500, Dir: b.TempDir(), PG: os.Getenv("JIEFANG_PG_URL")})
		if err != nil || res.Errors > 0 {
			b.Fatal(err, res.Errors)
		}
		b.ReportMetric(res.EventsPerS, "events/s")
		b.ReportMetric(res.CasesPerS, "cases/s")
		b.ReportMetric(res.Ratio, "ratio")
	}
}
