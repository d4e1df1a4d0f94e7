package demo

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"jiefang/cases"
	"jiefang/cases/store"
)

// nullWriter takes the events and drops them, to measure the generator
// alone.
type nullWriter struct{ events int }

func (w *nullWriter) Append(_ context.Context, evs ...cases.Event) ([]cases.Event, error) {
	w.events += len(evs)
	return evs, nil
}

func (w *nullWriter) PutBlob(_ context.Context, r io.Reader, _ string) (string, int64, error) {
	n, err := io.Copy(io.Discard, r)
	return strings.Repeat("0", 64), n, err
}

func (w *nullWriter) MarkDemo(context.Context) error { return nil }

// BenchmarkGenerateOnly measures building the cases and encoding their
// events, without a store.
func BenchmarkGenerateOnly(b *testing.B) {
	const n = 2000
	events := 0
	for b.Loop() {
		w := &nullWriter{}
		if _, err := Generate(context.Background(), w, Options{Cases: n, Seed: 1, Until: testUntil}); err != nil {
			b.Fatal(err)
		}
		events += w.events
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "cases/s")
}

// BenchmarkGenerateStore measures writing demo cases into a real store in
// a temporary directory, the store's work included.
func BenchmarkGenerateStore(b *testing.B) {
	const n = 2000
	events := 0
	for b.Loop() {
		b.StopTimer()
		s, err := store.Open(filepath.Join(b.TempDir(), "demo.db"), store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := Generate(context.Background(), s, Options{Cases: n, Seed: 1, Until: testUntil})
		if err != nil {
			b.Fatal(err)
		}
		events += res.Events
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "cases/s")
}
