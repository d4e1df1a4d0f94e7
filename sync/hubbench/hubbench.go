// Package hubbench measures a hub under load: a hub served in-process on
// loopback, and simulated devices — real desk stores, each with its own
// receptions — pushing their outboxes through sync/client, all at once.
// The baseline is the same rows inserted straight into the hub database
// in the same run.
package hubbench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"jiefang/cases/store"
	"jiefang/sync/client"
	"jiefang/sync/hub"
	"jiefang/sync/protocol"
)

// Options say how big the load is and which database the hub uses.
type Options struct {
	Devices     int    // simulated devices (default 200)
	Events      int    // events each device pushes (default 500; whole receptions of 25 events)
	Concurrency int    // devices pushing at the same moment (default 50)
	Dir         string // where the desk stores (and a SQLite hub) are made; removed afterwards
	PG          string // PostgreSQL URL: the hub runs in a fresh schema there, dropped afterwards; "" for SQLite
	Progress    func(msg string)
}

// Result is what a run measured.
type Result struct {
	Backend     string  `json:"backend"`
	Devices     int     `json:"devices"`
	Events      int64   `json:"events"`
	Cases       int64   `json:"cases"`
	Seconds     float64 `json:"seconds"`
	EventsPerS  float64 `json:"events_per_s"`
	CasesPerS   float64 `json:"cases_per_s"`
	P99BatchMS  float64 `json:"p99_batch_ms"`
	Errors      int64   `json:"errors"`
	RawRowsPerS float64 `json:"raw_rows_per_s"`
	Ratio       float64 `json:"ratio"`
	// WireKBPerS is the events' JSON size pushed per second, and CaseKB the
	// JSON size of one reception (22 events): for comparing with systems
	// that replicate one document per case.
	WireKBPerS float64 `json:"wire_kb_per_s"`
	CaseKB     float64 `json:"case_kb"`
}

// Run runs the load and the baseline.
func Run(ctx context.Context, o Options) (Result, error) {
	if o.Devices <= 0 {
		o.Devices = 200
	}
	if o.Events <= 0 {
		o.Events = 500
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 50
	}
	if o.Progress == nil {
		o.Progress = func(string) {}
	}
	dir, err := os.MkdirTemp(o.Dir, "hubbench-")
	if err != nil {
		return Result{}, fmt.Errorf("hubbench: %w", err)
	}
	defer os.RemoveAll(dir)
	h, cleanup, err := openHub(ctx, dir, o.PG)
	if err != nil {
		return Result{}, err
	}
	defer cleanup()
	res := Result{Backend: h.Dialect(), Devices: o.Devices}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return res, fmt.Errorf("hubbench: %w", err)
	}
	handler, err := hub.NewServer(h, nil, nil).Handler()
	if err != nil {
		return res, err
	}
	srv := &http.Server{Handler: handler}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()

	o.Progress(fmt.Sprintf("preparing %d devices × %d events", o.Devices, o.Events))
	desks, err := prepare(ctx, h, base, dir, o)
	if err != nil {
		return res, err
	}
	defer func() {
		for _, d := range desks {
			d.store.Close()
		}
	}()

	o.Progress("pushing")
	var mu sync.Mutex
	var batches []time.Duration
	var pushed, errs atomic.Int64
	sem := make(chan struct{}, o.Concurrency)
	var wg sync.WaitGroup
	start := time.Now()
	for _, d := range desks {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			d.remote.Observe = func(path string, took time.Duration) {
				if path == protocol.PathPush {
					mu.Lock()
					batches = append(batches, took)
					mu.Unlock()
				}
			}
			for failures := 0; failures < 5; {
				n, rejected, err := client.PushOnce(ctx, d.store, d.remote, client.Batch)
				if err != nil {
					errs.Add(1)
					failures++
					continue
				}
				errs.Add(int64(len(rejected)))
				pushed.Add(int64(n - len(rejected)))
				if n == 0 {
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	st, err := h.Stats(ctx)
	if err != nil {
		return res, err
	}
	res.Events, res.Cases, res.Errors = pushed.Load(), st.Cases, errs.Load()
	res.Seconds = elapsed.Seconds()
	res.EventsPerS = float64(res.Events) / res.Seconds
	res.CasesPerS = float64(res.Cases) / res.Seconds
	res.P99BatchMS = p99(batches)
	var wire int64
	for _, d := range desks {
		wire += d.wireBytes
	}
	res.WireKBPerS = float64(wire) / 1024 / res.Seconds
	res.CaseKB = float64(wire) / 1024 / float64(res.Events) * 22

	o.Progress("raw baseline")
	rows, took, err := h.RawInsert(ctx, client.Batch)
	if err != nil {
		return res, err
	}
	res.RawRowsPerS = float64(rows) / took.Seconds()
	res.Ratio = res.EventsPerS / res.RawRowsPerS
	return res, nil
}

type desk struct {
	store     *store.Store
	remote    *client.Remote
	wireBytes int64 // JSON size of its events
}

// prepare makes the unit tree (a county, ten townships) and the desks,
// each enrolled over HTTP and holding its receptions in its outbox.
func prepare(ctx context.Context, h *hub.Store, base, dir string, o Options) ([]desk, error) {
	if _, err := h.AddUnit(ctx, "县", ""); err != nil {
		return nil, err
	}
	for t := 0; t < 10; t++ {
		if _, err := h.AddUnit(ctx, fmt.Sprintf("镇%d", t), "县"); err != nil {
			return nil, err
		}
	}
	desks := make([]desk, o.Devices)
	errs := make(chan error, o.Devices)
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i := range desks {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			d, err := newDesk(ctx, h, base, dir, i, o.Events)
			if err != nil {
				errs <- fmt.Errorf("hubbench: device %d: %w", i, err)
				return
			}
			desks[i] = d
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		for _, d := range desks {
			if d.store != nil {
				d.store.Close()
			}
		}
		return nil, err
	}
	return desks, nil
}

func newDesk(ctx context.Context, h *hub.Store, base, dir string, i, events int) (desk, error) {
	s, err := store.Open(filepath.Join(dir, fmt.Sprintf("desk%d.db", i)), store.Options{})
	if err != nil {
		return desk{}, err
	}
	fail := func(err error) (desk, error) { s.Close(); return desk{}, err }
	if err := s.SetActor(ctx, "接待员"); err != nil {
		return fail(err)
	}
	var wire int64
	for n := 0; n < events; {
		evs, err := store.SampleCase(i*1000 + n)
		if err != nil {
			return fail(err)
		}
		if len(evs) > events-n {
			evs = evs[:events-n]
		}
		appended, err := s.Append(ctx, evs...)
		if err != nil {
			return fail(err)
		}
		for _, e := range appended {
			raw, _ := json.Marshal(protocol.FromEvent(e))
			wire += int64(len(raw))
		}
		n += len(evs)
	}
	secret, err := h.NewEnrollment(ctx, fmt.Sprintf("镇%d", i%10))
	if err != nil {
		return fail(err)
	}
	code := protocol.EnrollmentCode{URL: base, Secret: secret}.String()
	cred, err := client.Enroll(ctx, s, client.DeviceInfo{ID: s.Device().ID, Code: s.Device().Code}, code)
	if err != nil {
		return fail(err)
	}
	r, err := client.NewRemote(cred)
	if err != nil {
		return fail(err)
	}
	return desk{store: s, remote: r, wireBytes: wire}, nil
}

// openHub opens a fresh hub: SQLite in dir, or a new schema on PostgreSQL.
func openHub(ctx context.Context, dir, pg string) (*hub.Store, func(), error) {
	if pg == "" {
		h, err := hub.OpenSQLite(filepath.Join(dir, "hub.db"))
		if err != nil {
			return nil, nil, err
		}
		return h, func() { h.Close() }, nil
	}
	u, drop, err := hub.ScratchSchema(ctx, pg, "hubbench_")
	if err != nil {
		return nil, nil, fmt.Errorf("hubbench: %w", err)
	}
	h, err := hub.OpenPostgres(ctx, u)
	if err != nil {
		drop()
		return nil, nil, err
	}
	return h, func() { h.Close(); drop() }, nil
}

func p99(ds []time.Duration) float64 {
	if len(ds) == 0 {
		return 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return float64(ds[(len(ds)*99+99)/100-1].Microseconds()) / 1000
}

// ErrErrors is returned when a run had errors: the figures do not count.
var ErrErrors = errors.New("hubbench: the run had errors")
