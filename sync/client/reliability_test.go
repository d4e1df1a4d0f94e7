package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/store"
	"jiefang/sync/hub"
	"jiefang/sync/hub/hubtest"
	"jiefang/sync/protocol"
)

// swappable serves through a handler that a test can replace (a hub
// restarted on another database) while the address stays the same.
type swappable struct{ h atomic.Pointer[http.Handler] }

func (s *swappable) ServeHTTP(w http.ResponseWriter, r *http.Request) { (*s.h.Load()).ServeHTTP(w, r) }
func (s *swappable) set(h http.Handler)                               { s.h.Store(&h) }

// wrapHub serves h's handler through wrap, with the usual units.
func wrapHub(t *testing.T, h *hub.Store, wrap func(inner http.Handler) http.Handler) *testHub {
	t.Helper()
	th := serveHub(t, h)
	inner := th.srv.Config.Handler
	th.srv.Config.Handler = wrap(inner)
	return th
}

// remoteOf is a Remote for an enrolled desk, pushing batches of batch.
func remoteOf(t *testing.T, desk *store.Store, batch int) *Remote {
	t.Helper()
	cred, ok, err := LoadCredential(context.Background(), desk)
	if err != nil || !ok {
		t.Fatalf("no credential: %v", err)
	}
	r, err := NewRemote(cred)
	if err != nil {
		t.Fatal(err)
	}
	r.Batch = batch
	return r
}

// Reliability 2: the hub's reply to every push is lost after the hub
// committed it. Every retry answers duplicate with the original sequence,
// and the hub holds each event once.
func TestRepliesLostAfterCommit(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, bk hubtest.Backend) {
		ctx := context.Background()
		h, _ := bk.Open(t)
		var mu sync.Mutex
		original := map[uuid.UUID]int64{}
		var retried, mismatched int
		var pushes atomic.Int64
		th := wrapHub(t, h, func(inner http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != protocol.PathPush {
					inner.ServeHTTP(w, r)
					return
				}
				rec := httptest.NewRecorder()
				inner.ServeHTTP(rec, r)
				var resp protocol.PushResponse
				json.Unmarshal(rec.Body.Bytes(), &resp)
				mu.Lock()
				for _, res := range resp.Results {
					if seq, ok := original[res.ID]; ok {
						retried++
						if res.Outcome != protocol.Duplicate || res.Seq != seq {
							mismatched++
						}
					} else {
						original[res.ID] = res.Seq
					}
				}
				mu.Unlock()
				if pushes.Add(1)%2 == 1 {
					panic(http.ErrAbortHandler) // the reply is lost: connection cut
				}
				w.WriteHeader(rec.Code)
				w.Write(rec.Body.Bytes())
			})
		})
		desk := openDesk(t, t.TempDir(), "desk.db", "王芳")
		th.enroll(t, desk, "东镇")
		for i := 0; i < 150; i++ {
			openNoted(t, desk, i)
		}
		r := remoteOf(t, desk, 50)
		failures := 0
		for {
			if _, err := Round(ctx, desk, r); err == nil {
				break
			}
			if failures++; failures > 20 {
				t.Fatal("the rounds never got through")
			}
		}
		if retried != 300 || mismatched != 0 {
			t.Fatalf("%d events retried (want all 300), %d not answered duplicate with their first sequence", retried, mismatched)
		}
		if st, _ := h.Stats(ctx); st.Events != 300+150 || st.Quarantined != 0 {
			t.Fatalf("hub %+v, want each of 300 events once and 150 official numbers", st)
		}
		if len(hubEventsOf(t, h, desk.Device().ID)) != 300 {
			t.Fatal("the hub does not hold the desk's 300 events")
		}
	})
}

// chaos stands between desks and the hub: latency, connections reset in
// the middle of a request body, replies lost after the hub answered,
// requests truncated, and requests delivered twice.
type chaos struct {
	inner http.Handler
	on    atomic.Bool
	mu    sync.Mutex
	rng   *rand.Rand
	seen  map[string]int
}

func (c *chaos) roll() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rng.Float64()
}

func (c *chaos) count(what string) {
	c.mu.Lock()
	c.seen[what]++
	c.mu.Unlock()
}

func (c *chaos) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !c.on.Load() {
		c.inner.ServeHTTP(w, r)
		return
	}
	time.Sleep(time.Duration(c.roll() * float64(3*time.Millisecond)))
	body, _ := io.ReadAll(r.Body)
	forward := func(b []byte) *httptest.ResponseRecorder {
		req := r.Clone(r.Context())
		req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		rec := httptest.NewRecorder()
		c.inner.ServeHTTP(rec, req)
		return rec
	}
	var rec *httptest.ResponseRecorder
	switch p := c.roll(); {
	case p < 0.08:
		c.count("reset mid-body")
		panic(http.ErrAbortHandler)
	case p < 0.16:
		c.count("reply lost")
		forward(body)
		panic(http.ErrAbortHandler)
	case p < 0.22:
		c.count("truncated")
		rec = forward(body[:len(body)/2])
	case p < 0.28:
		c.count("duplicated")
		forward(body)
		rec = forward(body)
	default:
		rec = forward(body)
	}
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

// Reliability 4: 10 devices × 500 events through a chaos proxy, then
// quiet: every device holds exactly its scope as the hub has it.
func TestChaosTenDevices(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	hubtest.Each(t, func(t *testing.T, bk hubtest.Backend) {
		ctx := context.Background()
		h, _ := bk.Open(t)
		ch := &chaos{rng: rand.New(rand.NewPCG(3, 5)), seen: map[string]int{}}
		th := wrapHub(t, h, func(inner http.Handler) http.Handler { ch.inner = inner; return ch })
		dir := t.TempDir()
		var desks []*store.Store
		for i := 0; i < 10; i++ {
			d := openDesk(t, dir, fmt.Sprintf("d%d.db", i), "王芳")
			th.enroll(t, d, []string{"东镇", "西镇"}[i%2])
			desks = append(desks, d)
		}
		ch.on.Store(true)
		var wg sync.WaitGroup
		errs := make(chan error, len(desks))
		for i, d := range desks {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cred, _, _ := LoadCredential(ctx, d)
				r, _ := NewRemote(cred)
				r.Batch = 40
				for round := 0; round < 10; round++ {
					for k := 0; k < 25; k++ {
						id := uuid.Must(uuid.NewV7())
						o, _ := cases.NewEvent(id, &cases.Opened{Channel: cases.ChannelVisit, Category: "征地补偿",
							Summary: fmt.Sprintf("设备%d第%d轮第%d件", i, round, k)})
						n, _ := cases.NewEvent(id, &cases.NoteAdd{NoteID: uuid.Must(uuid.NewV7()), Text: "已登记"})
						if _, err := d.Append(ctx, o, n); err != nil {
							errs <- err
							return
						}
					}
					Round(ctx, d, r) // failures are expected here
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		ch.on.Store(false)
		for pass := 0; pass < 2; pass++ {
			for _, d := range desks {
				syncRound(t, d)
			}
		}
		t.Logf("chaos: %v", ch.seen)
		for what, n := range ch.seen {
			if n == 0 {
				t.Errorf("chaos never did %s", what)
			}
		}
		for i, d := range desks {
			dev, err := h.Device(ctx, d.Device().ID)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := deskDigest(t, d.Path()), hubDigest(t, h, dev); got != want {
				t.Errorf("device %d: holds %s, its scope on the hub is %s", i, got, want)
			}
			if own := hubEventsOf(t, h, dev.ID); len(own) != 500 {
				t.Errorf("device %d: hub holds %d of its 500 events", i, len(own))
			}
		}
	})
}

// Reliability 8: device clocks 3 days ahead, a year behind, and jumping
// back mid-run block nothing, and the hub orders events by arrival.
func TestDeviceClocksDoNotMatter(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, bk hubtest.Backend) {
		ctx := context.Background()
		th := startHub(t, bk)
		dir := t.TempDir()
		var jumps atomic.Int64
		clocks := map[string]func() time.Time{
			"ahead":  func() time.Time { return time.Now().Add(72 * time.Hour) },
			"behind": func() time.Time { return time.Now().AddDate(-1, 0, 0) },
			"jumpy": func() time.Time {
				if jumps.Add(1) > 6 {
					return time.Now().Add(-5 * time.Hour)
				}
				return time.Now()
			},
		}
		var order []uuid.UUID // events in the order they reached the hub
		for _, name := range []string{"ahead", "behind", "jumpy"} {
			d, err := store.Open(filepath.Join(dir, name+".db"), store.Options{Now: clocks[name]})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { d.Close() })
			d.SetActor(ctx, "王芳")
			th.enroll(t, d, "东镇")
			for i := 0; i < 6; i++ {
				openNoted(t, d, i)
			}
			evs, _ := d.Pending(ctx, 100)
			if rep := syncRound(t, d); rep.Rejected != 0 || rep.Pushed != 12 {
				t.Fatalf("%s clock: %+v", name, rep)
			}
			for _, e := range evs {
				order = append(order, e.ID)
			}
			if _, err := d.Verify(ctx, nil); err != nil {
				t.Fatalf("%s clock: %v", name, err)
			}
		}
		var got []uuid.UUID
		for _, p := range pullAll(t, th.store, hub.Device{UnitPath: "/"}) {
			if p.Event.Type != string(cases.CaseNumbered) {
				got = append(got, p.Event.ID)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(order) {
			t.Fatal("the hub's order is not the order of arrival")
		}
	})
}

// Reliability 10: the hub is restored from an older backup. Devices see
// the new epoch, send everything again, pull from the start, and every
// event is on the hub exactly once. (On PostgreSQL, where backups are
// pg_dump's, a new epoch without lost rows is what is tested.)
func TestHubRestoredFromBackup(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, bk hubtest.Backend) {
		ctx := context.Background()
		h, loc := bk.Open(t)
		sw := &swappable{}
		th := wrapHub(t, h, func(inner http.Handler) http.Handler { sw.set(inner); return sw })
		dir := t.TempDir()
		a, b := openDesk(t, dir, "a.db", "王芳"), openDesk(t, dir, "b.db", "李强")
		th.enroll(t, a, "东镇")
		th.enroll(t, b, "东镇")
		for i := 0; i < 10; i++ {
			openNoted(t, a, i)
		}
		syncRound(t, a)
		backup := filepath.Join(dir, "backup.db")
		if loc.SQLite != "" {
			if err := h.Backup(ctx, backup); err != nil {
				t.Fatal(err)
			}
		}
		for i := 10; i < 20; i++ {
			openNoted(t, a, i)
		}
		syncRound(t, a)
		syncRound(t, b)
		oldEpoch := h.Epoch()
		// Restore.
		if loc.SQLite != "" {
			h.Close()
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(loc.SQLite + suffix)
			}
			raw, err := os.ReadFile(backup)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(loc.SQLite, raw, 0o600); err != nil {
				t.Fatal(err)
			}
			h = loc.Open(t)
		} else if err := h.NewEpoch(ctx); err != nil {
			t.Fatal(err)
		}
		if h.Epoch() == oldEpoch {
			t.Fatal("a restored hub kept its epoch")
		}
		handler, err := hub.NewServer(h, nil, nil).Handler()
		if err != nil {
			t.Fatal(err)
		}
		sw.set(handler)
		th.store = h
		if rep := syncRound(t, a); !rep.NewEpoch || rep.Pushed != 40 {
			t.Fatalf("desk A after the restore: %+v, want all 40 events sent again", rep)
		}
		syncRound(t, b)
		if got := hubEventsOf(t, h, a.Device().ID); len(got) != 40 {
			t.Fatalf("hub holds %d of desk A's 40 events", len(got))
		}
		for _, d := range []*store.Store{a, b} {
			c, _ := d.Stats(ctx)
			if c.Cases != 20 || c.Outbox != 0 {
				t.Errorf("desk %s: %+v", d.Path(), c)
			}
			if _, err := d.Verify(ctx, nil); err != nil {
				t.Errorf("desk %s: %v", d.Path(), err)
			}
		}
	})
}

// Reliability 11: a hub that answers 503 a few times: the syncer's queue
// drains by its backoff alone, with no new local write to wake it.
func TestTransientFailuresDrainByBackoff(t *testing.T) {
	h, _ := hubtest.Backends()[0].Open(t)
	var failing atomic.Int64
	failing.Store(4)
	var failed atomic.Int64
	th := wrapHub(t, h, func(inner http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != protocol.PathEnroll && failing.Add(-1) >= 0 {
				failed.Add(1)
				http.Error(w, "upstream busy", http.StatusServiceUnavailable)
				return
			}
			inner.ServeHTTP(w, r)
		})
	})
	desk := openDesk(t, t.TempDir(), "desk.db", "王芳")
	th.enroll(t, desk, "东镇")
	for i := 0; i < 10; i++ {
		openNoted(t, desk, i)
	}
	s := NewSyncer(desk, DeviceInfo{ID: desk.Device().ID})
	s.Interval = time.Hour // only the backoff may bring the next round
	s.Backoff = Backoff{Min: 20 * time.Millisecond, Max: 160 * time.Millisecond}
	var sawError atomic.Bool
	drained := make(chan struct{})
	var once sync.Once
	s.Watch(func(st Status) {
		if st.Err != "" {
			sawError.Store(true)
		}
		if !st.LastSync.IsZero() && st.PendingEvents == 0 {
			once.Do(func() { close(drained) })
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Run(ctx)
	select {
	case <-drained:
	case <-time.After(30 * time.Second):
		t.Fatalf("the outbox did not drain; status %+v", s.Status())
	}
	if failed.Load() != 4 || !sawError.Load() {
		t.Errorf("%d requests failed (want 4), error shown: %v", failed.Load(), sawError.Load())
	}
	if st, _ := h.Stats(context.Background()); st.Events != 30 {
		t.Errorf("hub holds %d events, want 20 and 10 official numbers", st.Events)
	}
}

func TestBackoffStaysWithinBounds(t *testing.T) {
	b := Backoff{Min: time.Second, Max: time.Minute}
	for n := 1; n < 40; n++ {
		for i := 0; i < 50; i++ {
			if w := b.Wait(n); w < b.Min/2 || w > b.Max {
				t.Fatalf("wait %v after %d failures, outside [%v, %v]", w, n, b.Min/2, b.Max)
			}
		}
	}
	if b.Wait(30) < b.Max/2 {
		t.Error("the backoff does not grow to its maximum")
	}
}

// Reliability 12: a device of another township can neither pull, push
// into, nor fetch the evidence of a case outside its unit; a county device
// can read it.
func TestScopeIsEnforced(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, bk hubtest.Backend) {
		ctx := context.Background()
		th := startHub(t, bk)
		dir := t.TempDir()
		a, other, county := openDesk(t, dir, "a.db", "王芳"), openDesk(t, dir, "c.db", "赵敏"), openDesk(t, dir, "x.db", "钱县")
		th.enroll(t, a, "东镇")
		th.enroll(t, other, "西镇")
		th.enroll(t, county, "青山县")
		id := openCase(t, a, "宅基地边界争议")
		photo := []byte("照片内容：院墙位置 2026-11-20")
		sum, size, err := a.PutBlob(ctx, bytes.NewReader(photo), "image/jpeg")
		if err != nil {
			t.Fatal(err)
		}
		ev, _ := cases.NewEvent(id, &cases.EvidenceAdd{EvidenceID: uuid.Must(uuid.NewV7()), SHA256: sum, FileName: "院墙.jpg",
			MediaType: "image/jpeg", Size: size})
		if _, err := a.Append(ctx, ev); err != nil {
			t.Fatal(err)
		}
		if rep := syncRound(t, a); rep.Blobs != 1 {
			t.Fatalf("desk A's round: %+v, want the photo uploaded", rep)
		}
		syncRound(t, other)
		syncRound(t, county)
		if _, err := other.Case(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another township pulled the case: %v", err)
		}
		if _, err := county.Case(ctx, id); err != nil {
			t.Fatalf("the county does not see its township's case: %v", err)
		}
		// Pushing into the case from the other township.
		before, _ := th.store.Stats(ctx)
		note, _ := cases.NewEvent(id, &cases.NoteAdd{NoteID: uuid.Must(uuid.NewV7()), Text: "越权补充"})
		note.ID, note.Actor, note.DeviceID, note.DeviceSeq = uuid.Must(uuid.NewV7()), "赵敏", other.Device().ID, 1
		note.At = time.Now().UTC().Truncate(time.Millisecond)
		note.Hash = note.ComputeHash()
		rs, err := remoteOf(t, other, 0).Push(ctx, []protocol.Event{protocol.FromEvent(note)})
		if err != nil {
			t.Fatal(err)
		}
		if rs[0].Outcome != protocol.Rejected || rs[0].Code != protocol.CodeOutOfScope {
			t.Fatalf("push into another unit's case: %+v", rs[0])
		}
		if after, _ := th.store.Stats(ctx); after.Events != before.Events || after.Quarantined != before.Quarantined+1 {
			t.Fatalf("hub %+v after the refused push, before %+v", after, before)
		}
		// Fetching the evidence.
		fetch := func(d *store.Store) (int, []byte) {
			resp, err := remoteOf(t, d, 0).send(ctx, http.MethodGet, protocol.PathBlobs+sum, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, body
		}
		if code, body := fetch(other); code != http.StatusForbidden || !bytes.Contains(body, []byte(protocol.CodeOutOfScope)) {
			t.Errorf("another township fetched the evidence: %d %s", code, body)
		}
		for _, d := range []*store.Store{a, county} {
			if code, body := fetch(d); code != http.StatusOK || !bytes.Equal(body, photo) {
				t.Errorf("%s cannot fetch the evidence: %d", d.Path(), code)
			}
		}
	})
}
