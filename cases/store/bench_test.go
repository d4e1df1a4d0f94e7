package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"jiefang/cases"
)

// benchStore is a store holding n cases with a fact card each.
func benchStore(b *testing.B, n int) (*Store, []uuid.UUID) { return benchStoreT(b, n) }

func benchStoreT(b testing.TB, n int) (*Store, []uuid.UUID) {
	b.Helper()
	s, err := Open(b.TempDir()+"/bench.db", Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	ctx := context.Background()
	s.SetActor(ctx, "性能测试")
	ids := make([]uuid.UUID, n)
	var evs []cases.Event
	for i := range ids {
		ids[i] = uuid.Must(uuid.NewV7())
		cat := []string{"征地补偿", "采光", "社保", "噪音"}[i%4]
		o, _ := cases.NewEvent(ids[i], &cases.Opened{Channel: cases.ChannelVisit, Category: cat, Summary: fmt.Sprintf("第%d件：%s问题反映", i, cat)})
		f, _ := cases.NewEvent(ids[i], &cases.FactAdd{FactID: uuid.Must(uuid.NewV7()), Text: "村里二〇一九年征收承包地三亩", Status: cases.FactPending, Order: 1})
		evs = append(evs, o, f)
		if len(evs) >= 1000 {
			if _, err := s.Append(ctx, evs...); err != nil {
				b.Fatal(err)
			}
			evs = evs[:0]
		}
	}
	if _, err := s.Append(ctx, evs...); err != nil {
		b.Fatal(err)
	}
	return s, ids
}

func factEvents(b *testing.B, ids []uuid.UUID, n int) []cases.Event { return factEventsT(b, ids, n) }

func factEventsT(b testing.TB, ids []uuid.UUID, n int) []cases.Event {
	evs := make([]cases.Event, n)
	for i := range evs {
		e, err := cases.NewEvent(ids[i%len(ids)], &cases.FactAdd{FactID: uuid.Must(uuid.NewV7()),
			Text: "补偿款按每亩两万元计算，至今只发放了一半，其余部分村委会称尚未拨付。", Status: cases.FactPending, Order: float64(i)})
		if err != nil {
			b.Fatal(err)
		}
		evs[i] = e
	}
	return evs
}

// sampleBatch is 40 receptions (SampleCase), 1,000 events.
func sampleBatch(b *testing.B, from int) []cases.Event {
	var evs []cases.Event
	for i := 0; len(evs) < 1000; i++ {
		c, err := SampleCase(from + i)
		if err != nil {
			b.Fatal(err)
		}
		evs = append(evs, c...)
	}
	return evs[:1000]
}

// BenchmarkAppend1000 appends receptions' events 1,000 per transaction;
// compare events/s with BenchmarkRawInsert1000 (the same rows as plain
// inserts).
func BenchmarkAppend1000(b *testing.B) {
	s, _ := benchStore(b, 2000)
	ctx := context.Background()
	n := 0
	for b.Loop() {
		b.StopTimer()
		evs := sampleBatch(b, n)
		n += 40
		b.StartTimer()
		if _, err := s.Append(ctx, evs...); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "events/s")
}

func BenchmarkRawInsert1000(b *testing.B) {
	s, _ := benchStore(b, 2000)
	ctx := context.Background()
	if _, err := s.w.Exec(`CREATE TABLE bench_raw (id BLOB NOT NULL, case_id BLOB NOT NULL, type TEXT NOT NULL,
		payload TEXT NOT NULL, actor TEXT NOT NULL, device_id TEXT NOT NULL, device_seq INTEGER NOT NULL,
		at INTEGER NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL) STRICT`); err != nil {
		b.Fatal(err)
	}
	n := 0
	for b.Loop() {
		b.StopTimer()
		evs := sampleBatch(b, n)
		n += 40
		for i := range evs {
			evs[i].ID = uuid.Must(uuid.NewV7())
			evs[i].Actor, evs[i].DeviceID, evs[i].PrevHash = "性能测试", s.device.ID, s.head.hash
			evs[i].Hash = evs[i].ComputeHash()
		}
		b.StartTimer()
		if err := rawInsert(ctx, s, evs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkAppendOne is the interactive path: one event, one transaction.
func BenchmarkAppendOne(b *testing.B) {
	s, ids := benchStore(b, 200)
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		evs := factEvents(b, ids, 1)
		b.StartTimer()
		if _, err := s.Append(ctx, evs...); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSearch(b *testing.B) {
	s, _ := benchStore(b, 20000)
	ctx := context.Background()
	for _, q := range []string{"征地", "采光", "征地补偿"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Search(ctx, q, 50); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkListFirstPage(b *testing.B) {
	s, _ := benchStore(b, 20000)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.ListCases(ctx, cases.ListQuery{Limit: 50}); err != nil {
			b.Fatal(err)
		}
	}
}
