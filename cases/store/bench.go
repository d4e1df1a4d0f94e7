package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
)

// BenchResult holds what `jiefangctl bench` measures. Throughputs are per
// second; latencies are 95th percentiles in milliseconds.
type BenchResult struct {
	Cases             int64              `json:"cases"`
	AppendEventsPerS  float64            `json:"append_events_per_s"`   // fact cards appended, 1,000 per transaction
	RawInsertRowsPerS float64            `json:"raw_insert_rows_per_s"` // plain rows of the same size, 1,000 per transaction
	AppendRatio       float64            `json:"append_ratio"`          // append / raw insert, same run, same pragmas
	AppendP95MS       float64            `json:"append_p95_ms"`         // one event per transaction: the interactive path
	ListPageMSP95     float64            `json:"list_page_ms_p95"`      // first page of 50 cases by last change
	SearchMSP95       float64            `json:"search_ms_p95"`         // 2- and 4-character queries, 50 cases
	SearchP95ByQuery  map[string]float64 `json:"search_ms_p95_by_query"`
	OpenMS            float64            `json:"open_ms"` // slowest of 5 opens
	CopyMS            float64            `json:"copy_ms"` // making the scratch copy the writes go to
	DatabaseBytes     int64              `json:"database_bytes"`
}

// BenchOptions adjust Bench; the zero value is the standard run.
type BenchOptions struct {
	ScratchDir string // where the copy for write benchmarks goes; os.TempDir() when empty
	Batches    int    // transactions of 1,000 for the throughput runs; default 40
	Singles    int    // one-event transactions for the latency run; default 300
}

// BenchQueries are the searches timed: common 2- and 4-character words.
var BenchQueries = []string{"征地", "采光", "社保", "噪音", "工资", "祖坟", "征地补偿", "拖欠工资", "环境污染", "拆迁安置"}

// Bench measures the database at path. Reads run on it as it is; writes
// run on a copy made with VACUUM INTO in the scratch directory, removed
// afterwards, so the measured database is never changed.
func Bench(ctx context.Context, path string, opts BenchOptions) (BenchResult, error) {
	var res BenchResult
	if opts.Batches <= 0 {
		opts.Batches = 40
	}
	if opts.Singles <= 0 {
		opts.Singles = 300
	}
	if _, err := os.Stat(path); err != nil {
		return res, fmt.Errorf("store: bench: %w", err)
	}
	for i := 0; i < 5; i++ {
		t0 := time.Now()
		s, err := Open(path, Options{})
		if err != nil {
			return res, err
		}
		if _, err := s.ListCases(ctx, cases.ListQuery{Limit: 1}); err != nil {
			s.Close()
			return res, err
		}
		res.OpenMS = max(res.OpenMS, ms(time.Since(t0)))
		s.Close()
	}
	s, err := Open(path, Options{})
	if err != nil {
		return res, err
	}
	defer s.Close()
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM cases`).Scan(&res.Cases); err != nil {
		return res, fmt.Errorf("store: bench: %w", err)
	}
	if fi, err := os.Stat(path); err == nil {
		res.DatabaseBytes = fi.Size()
	}
	var list []float64
	for i := 0; i < 200; i++ {
		t0 := time.Now()
		if _, err := s.ListCases(ctx, cases.ListQuery{Limit: 50}); err != nil {
			return res, err
		}
		list = append(list, ms(time.Since(t0)))
	}
	res.ListPageMSP95 = p95(list)
	var all []float64
	res.SearchP95ByQuery = map[string]float64{}
	for _, q := range BenchQueries {
		var one []float64
		for i := 0; i < 20; i++ {
			t0 := time.Now()
			if _, err := s.Search(ctx, q, 50); err != nil {
				return res, err
			}
			one = append(one, ms(time.Since(t0)))
		}
		res.SearchP95ByQuery[q] = p95(one)
		all = append(all, one...)
	}
	res.SearchMSP95 = p95(all)
	return res, benchWrites(ctx, s, opts, &res)
}

// benchWrites measures appends against raw inserts of rows of the same
// size, alternating batches so both see the same machine and file state.
func benchWrites(ctx context.Context, src *Store, opts BenchOptions, res *BenchResult) error {
	dir, err := os.MkdirTemp(opts.ScratchDir, "jiefang-bench-")
	if err != nil {
		return fmt.Errorf("store: bench scratch: %w", err)
	}
	defer os.RemoveAll(dir)
	copyPath := filepath.Join(dir, "bench.db")
	t0 := time.Now()
	if _, err := src.w.ExecContext(ctx, `VACUUM INTO ?`, copyPath); err != nil {
		return fmt.Errorf("store: bench copy: %w", err)
	}
	res.CopyMS = ms(time.Since(t0))
	s, err := Open(copyPath, Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.SetActor(ctx, "性能测试"); err != nil {
		return err
	}
	// Batches are whole new cases as a reception produces them (see
	// SampleCase); single appends are fact cards added to those cases.
	var ids []uuid.UUID
	n := 0
	nextBatch := func(size int) ([]cases.Event, error) {
		var evs []cases.Event
		for len(evs) < size {
			c, err := SampleCase(n)
			if err != nil {
				return nil, err
			}
			n++
			ids = append(ids, c[0].CaseID)
			evs = append(evs, c...)
		}
		return evs[:size], nil
	}
	fact := func() (cases.Event, error) {
		n++
		return cases.NewEvent(ids[n%len(ids)], &cases.FactAdd{FactID: uuid.Must(uuid.NewV7()), Text: sampleFact, Status: cases.FactPending, Order: float64(n)})
	}
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE bench_raw (id BLOB NOT NULL, case_id BLOB NOT NULL, type TEXT NOT NULL,
		payload TEXT NOT NULL, actor TEXT NOT NULL, device_id TEXT NOT NULL, device_seq INTEGER NOT NULL,
		at INTEGER NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL) STRICT`); err != nil {
		return fmt.Errorf("store: bench: %w", err)
	}
	const batch = 1000
	var appendDur, rawDur time.Duration
	for b := 0; b < opts.Batches; b++ {
		// 40 whole receptions of 25 events each.
		evs, err := nextBatch(batch)
		if err != nil {
			return err
		}
		t0 := time.Now()
		stored, err := s.Append(ctx, evs...)
		if err != nil {
			return err
		}
		appendDur += time.Since(t0)
		t0 = time.Now()
		if err := rawInsert(ctx, s, stored); err != nil {
			return err
		}
		rawDur += time.Since(t0)
	}
	total := float64(opts.Batches * batch)
	res.AppendEventsPerS = total / appendDur.Seconds()
	res.RawInsertRowsPerS = total / rawDur.Seconds()
	res.AppendRatio = res.AppendEventsPerS / res.RawInsertRowsPerS
	var lat []float64
	for i := 0; i < opts.Singles; i++ {
		e, err := fact()
		if err != nil {
			return err
		}
		t0 := time.Now()
		if _, err := s.Append(ctx, e); err != nil {
			return err
		}
		lat = append(lat, ms(time.Since(t0)))
	}
	res.AppendP95MS = p95(lat)
	return nil
}

// rawInsert writes the same events as plain rows, with no hashing,
// projections, index or outbox: the baseline for appends.
func rawInsert(ctx context.Context, s *Store, evs []cases.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, `INSERT INTO bench_raw (id, case_id, type, payload, actor, device_id, device_seq, at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	for _, e := range evs {
		if _, err := st.ExecContext(ctx, e.ID[:], e.CaseID[:], string(e.Type), string(e.Payload), e.Actor, e.DeviceID, e.DeviceSeq, e.At.UnixMilli(), e.PrevHash, e.Hash); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func p95(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[(len(s)*95+99)/100-1]
}

const sampleFact = "村里二〇一九年征收承包地三亩，补偿款按每亩两万元计算，至今只发放了一半，其余部分村委会称尚未拨付。"

// SampleCase returns the events of one reception as the desk records it:
// the case opened, petitioner and respondent, five fact cards, an evidence
// item, the seven steps, a note, acceptance, the three follow-ups: 25
// events. i varies the text.
func SampleCase(i int) ([]cases.Event, error) {
	id := uuid.Must(uuid.NewV7())
	var evs []cases.Event
	var base int64
	add := func(p cases.Payload) error {
		e, err := cases.NewEvent(id, p)
		if err != nil {
			return err
		}
		if _, ok := p.(*cases.StatusChanged); ok {
			e.BaseVersion = base
			base++
		}
		evs = append(evs, e)
		return nil
	}
	cat := []string{"征地补偿", "采光", "社保", "噪音", "拖欠工资"}[i%5]
	facts := make([]uuid.UUID, 5)
	steps := []cases.Payload{
		&cases.Opened{Channel: cases.ChannelVisit, Category: cat, Summary: fmt.Sprintf("第%d件：反映%s问题，要求依法处理。村民称多次反映未果，情绪激动。", i, cat)},
		&cases.PartyAdd{PartyID: uuid.Must(uuid.NewV7()), Role: cases.RolePetitioner, Name: "张桂兰", IDNumber: "11010519491231002X", Phone: "13800138000", Village: "东山村", Address: "东山村三组12号"},
		&cases.PartyAdd{PartyID: uuid.Must(uuid.NewV7()), Role: cases.RoleRespondent, Name: "东山村村民委员会"},
	}
	for k := range facts {
		facts[k] = uuid.Must(uuid.NewV7())
		text := []rune(sampleFact)[:10*(2+k%3)]
		steps = append(steps, &cases.FactAdd{FactID: facts[k], Text: string(text), Status: cases.FactStatuses[k%3], Order: float64(k)})
	}
	steps = append(steps, &cases.EvidenceAdd{EvidenceID: uuid.Must(uuid.NewV7()), SHA256: strings.Repeat("5e", 32), FileName: "征收协议.jpg", MediaType: "image/jpeg", Size: 482113, DocumentDate: "2019-05-01", Facts: facts[:2]})
	for k := 1; k <= cases.StepCount; k++ {
		steps = append(steps, &cases.StepProgress{Step: k, Done: true})
	}
	steps = append(steps,
		&cases.NoteAdd{NoteID: uuid.Must(uuid.NewV7()), Text: "接谈中情绪逐渐平稳，同意等待核实结果。"},
		&cases.StatusChanged{Status: cases.StatusAccepted},
		&cases.StatusChanged{Status: cases.StatusInProgress},
	)
	for _, k := range cases.FollowUpKinds {
		steps = append(steps, &cases.FollowUpSchedule{FollowUpID: uuid.Must(uuid.NewV7()), Kind: k, Due: k.DefaultDue(time.Now())})
	}
	for _, p := range steps {
		if err := add(p); err != nil {
			return nil, err
		}
	}
	return evs, nil
}
