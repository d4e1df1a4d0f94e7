package client

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/store"
	"jiefang/sync/hub"
	"jiefang/sync/hub/hubtest"
	"jiefang/sync/protocol"
)

// Fault tests start this test binary again as a hub or a desk process and
// kill it for real.
const childEnv = "JIEFANG_FAULT_CHILD"

func TestMain(m *testing.M) {
	switch os.Getenv(childEnv) {
	case "hub":
		hubChild()
	case "desk":
		deskChild()
	}
	os.Exit(m.Run())
}

// hubChild serves the hub database of JIEFANG_HUB_DB / JIEFANG_HUB_PG on
// JIEFANG_HUB_ADDR. With JIEFANG_HUB_KILL_AT=k it SIGKILLs itself after
// the k-th push has committed, before the reply is written.
func hubChild() {
	h, err := hub.Open(context.Background(), os.Getenv("JIEFANG_HUB_DB"), os.Getenv("JIEFANG_HUB_PG"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	handler, err := hub.NewServer(h, nil, nil).Handler()
	if err != nil {
		os.Exit(3)
	}
	killAt, _ := strconv.Atoi(os.Getenv("JIEFANG_HUB_KILL_AT"))
	var pushes atomic.Int64
	wrapped := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if killAt > 0 && r.URL.Path == protocol.PathPush {
			w = &killBeforeReply{ResponseWriter: w, kill: pushes.Add(1) == int64(killAt)}
		}
		handler.ServeHTTP(w, r)
	})
	ln, err := net.Listen("tcp", os.Getenv("JIEFANG_HUB_ADDR"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	fmt.Println("READY", ln.Addr())
	http.Serve(ln, wrapped)
	os.Exit(0)
}

// killBeforeReply kills the process when the handler starts its reply,
// which it does only after the push transaction has committed.
type killBeforeReply struct {
	http.ResponseWriter
	kill bool
}

func (k *killBeforeReply) WriteHeader(code int) {
	if k.kill && code == http.StatusOK {
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	}
	k.ResponseWriter.WriteHeader(code)
}

// deskChild records cases on the desk JIEFANG_DESK_DB and syncs, in a loop,
// until it is killed.
func deskChild() {
	ctx := context.Background()
	desk, err := store.Open(os.Getenv("JIEFANG_DESK_DB"), store.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	cred, _, err := LoadCredential(ctx, desk)
	if err != nil {
		os.Exit(3)
	}
	r, _ := NewRemote(cred)
	r.Batch = 7
	fmt.Println("READY")
	for i := 0; ; i++ {
		id := uuid.Must(uuid.NewV7())
		o, _ := cases.NewEvent(id, &cases.Opened{Channel: cases.ChannelVisit, Category: "拖欠工资", Summary: fmt.Sprintf("工地欠薪第%d件", i)})
		n, _ := cases.NewEvent(id, &cases.NoteAdd{NoteID: uuid.Must(uuid.NewV7()), Text: "已登记"})
		if _, err := desk.Append(ctx, o, n); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		Round(ctx, desk, r)
	}
}

// child starts this binary as a child process and waits for its READY
// line, which may carry the address it listens on.
func child(t *testing.T, env ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	ready, addr, _ := strings.Cut(strings.TrimSpace(line), " ")
	if err != nil || ready != "READY" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child did not start: %q %v", line, err)
	}
	return cmd, addr
}

// hubProcess runs a hub child on loc at addr ("127.0.0.1:0" for any
// port) and returns it with the address it listens on.
func hubProcess(t *testing.T, loc hubtest.Location, addr string, killAt int) (*exec.Cmd, string) {
	return child(t, childEnv+"=hub", "JIEFANG_HUB_DB="+loc.SQLite, "JIEFANG_HUB_PG="+loc.PG,
		"JIEFANG_HUB_ADDR="+addr, fmt.Sprintf("JIEFANG_HUB_KILL_AT=%d", killAt))
}

// prepareHub makes the unit 东镇 on a new hub database and returns an
// enrollment code for a device of it, served at addr.
func prepareHub(t *testing.T, loc hubtest.Location, addr string) string {
	t.Helper()
	ctx := context.Background()
	h, err := hub.Open(ctx, loc.SQLite, loc.PG)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if _, err := h.AddUnit(ctx, "东镇", ""); err != nil {
		t.Fatal(err)
	}
	secret, err := h.NewEnrollment(ctx, "东镇")
	if err != nil {
		t.Fatal(err)
	}
	return protocol.EnrollmentCode{URL: "http://" + addr, Secret: secret}.String()
}

// Reliability 1: the hub is SIGKILLed after k of 20 committed batches of
// 50, between commit and reply. After a restart and a retry the hub holds
// each of the 1,000 events once and the desk's outbox is empty.
func TestHubKilledBetweenCommitAndReply(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes")
	}
	hubtest.Each(t, func(t *testing.T, bk hubtest.Backend) {
		ctx := context.Background()
		for k := 1; k <= 20; k++ {
			t.Run(fmt.Sprintf("k=%d", k), func(t *testing.T) {
				t.Parallel() // each k has its own hub database, process and desk
				loc := bk.New(t)
				proc, addr := hubProcess(t, loc, "127.0.0.1:0", k)
				code := prepareHub(t, loc, addr)
				desk := openDesk(t, t.TempDir(), "desk.db", "王芳")
				if _, err := Enroll(ctx, desk, DeviceInfo{ID: desk.Device().ID, Code: "K7Q2"}, code); err != nil {
					t.Fatal(err)
				}
				var evs []cases.Event
				for i := 0; i < 500; i++ {
					id := uuid.Must(uuid.NewV7())
					o, _ := cases.NewEvent(id, &cases.Opened{Channel: cases.ChannelPhone, Category: "拖欠工资", Summary: fmt.Sprintf("工地欠薪第%d件", i)})
					n, _ := cases.NewEvent(id, &cases.NoteAdd{NoteID: uuid.Must(uuid.NewV7()), Text: "已登记"})
					evs = append(evs, o, n)
				}
				if _, err := desk.Append(ctx, evs...); err != nil {
					t.Fatal(err)
				}
				cred, _, _ := LoadCredential(ctx, desk)
				r, _ := NewRemote(cred)
				r.Batch = 50
				if _, err := Round(ctx, desk, r); err == nil {
					t.Fatalf("k=%d: the round survived the hub's death", k)
				}
				if err := proc.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
					t.Fatalf("k=%d: hub exited with %v, want killed", k, err)
				}
				proc, _ = hubProcess(t, loc, addr, 0) // the same address: the desk knows only that
				if _, err := Round(ctx, desk, r); err != nil {
					t.Fatalf("k=%d: retry: %v", k, err)
				}
				proc.Process.Kill()
				proc.Wait()
				h := loc.Open(t)
				st, err := h.Stats(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if st.Events != 1000+500 || st.Cases != 500 || st.Quarantined != 0 {
					t.Fatalf("k=%d: hub %+v, want 1,000 events and 500 official numbers, each once", k, st)
				}
				if ds, _ := desk.Stats(ctx); ds.Outbox != 0 {
					t.Fatalf("k=%d: outbox %d", k, ds.Outbox)
				}
				h.Close()
				desk.Close()
			})
		}
	})
}

// openNoted records a case and a note on desk: two events.
func openNoted(t testing.TB, desk *store.Store, i int) uuid.UUID {
	t.Helper()
	id := uuid.Must(uuid.NewV7())
	o, _ := cases.NewEvent(id, &cases.Opened{Channel: cases.ChannelPhone, Category: "拖欠工资", Summary: fmt.Sprintf("工地欠薪第%d件", i)})
	n, _ := cases.NewEvent(id, &cases.NoteAdd{NoteID: uuid.Must(uuid.NewV7()), Text: "已登记"})
	if _, err := desk.Append(context.Background(), o, n); err != nil {
		t.Fatal(err)
	}
	return id
}

// Reliability 3: a desk process SIGKILLed at random moments of its
// appends, pushes and pulls loses nothing and doubles nothing; its pull
// cursor is never ahead of the events it stored; it verifies after each
// kill; and after a last round the hub and the desk hold the same events.
func TestDeskKilledDuringSync(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes")
	}
	hubtest.Each(t, func(t *testing.T, bk hubtest.Backend) {
		ctx := context.Background()
		h := startHub(t, bk)
		dir := t.TempDir()
		path := filepath.Join(dir, "desk.db")
		desk := openDesk(t, dir, "desk.db", "王芳")
		h.enroll(t, desk, "东镇")
		deviceID := desk.Device().ID
		desk.Close()
		peer := openDesk(t, dir, "peer.db", "李强")
		h.enroll(t, peer, "东镇")
		rng := rand.New(rand.NewPCG(7, 11))
		for round := 0; round < 15; round++ {
			for i := 0; i < 5; i++ {
				openNoted(t, peer, round*10+i)
			}
			syncRound(t, peer) // gives the desk something to pull
			proc, _ := child(t, childEnv+"=desk", "JIEFANG_DESK_DB="+path)
			time.Sleep(time.Duration(5+rng.IntN(120)) * time.Millisecond)
			proc.Process.Signal(syscall.SIGKILL)
			proc.Wait()
			checkDeskAfterKill(t, h, path, deviceID)
		}
		desk = openDesk(t, dir, "desk.db", "王芳")
		syncRound(t, desk)
		syncRound(t, peer)
		own := countEvents(t, path, deviceID)
		hubOwn := hubEventsOf(t, h.store, deviceID)
		if own == 0 || int64(len(hubOwn)) != own {
			t.Fatalf("desk recorded %d events, hub holds %d of them", own, len(hubOwn))
		}
		if st, _ := desk.Stats(ctx); st.Outbox != 0 {
			t.Fatalf("outbox %d after the last round", st.Outbox)
		}
		if a, b := deskDigest(t, path), hubDigest(t, h.store, hub.Device{UnitPath: "/"}); a != b {
			t.Fatalf("desk and hub differ after quiet: %s vs %s", a, b)
		}
	})
}

// checkDeskAfterKill opens the desk a child was killed on: it verifies,
// and every hub event up to its pull cursor is in it.
func checkDeskAfterKill(t *testing.T, h *testHub, path, deviceID string) {
	t.Helper()
	ctx := context.Background()
	desk, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer desk.Close()
	if _, err := desk.Verify(ctx, nil); err != nil {
		t.Fatalf("verify after kill: %v", err)
	}
	_, after, err := desk.PullCursor(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pulled, _, err := h.store.Pull(ctx, hub.Device{UnitPath: "/"}, 0, 5000)
	if err != nil {
		t.Fatal(err)
	}
	db := openRaw(t, path)
	for _, p := range pulled {
		if p.Seq > after {
			break
		}
		var n int
		db.QueryRow(`SELECT count(*) FROM events WHERE id = ?`, p.Event.ID[:]).Scan(&n)
		if n != 1 {
			t.Fatalf("cursor %d is ahead of the data: hub event %d is on the desk %d times", after, p.Seq, n)
		}
	}
}

func openRaw(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func countEvents(t testing.TB, path, deviceID string) int64 {
	var n int64
	if err := openRaw(t, path).QueryRow(`SELECT count(*) FROM events WHERE device_id = ?`, deviceID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// hubEventsOf lists the ids of a device's events on the hub; it fails the
// test if one is there twice.
func hubEventsOf(t testing.TB, h *hub.Store, deviceID string) map[uuid.UUID]bool {
	t.Helper()
	out := map[uuid.UUID]bool{}
	for _, p := range pullAll(t, h, hub.Device{UnitPath: "/"}) {
		if p.Event.DeviceID != deviceID {
			continue
		}
		if out[p.Event.ID] {
			t.Fatalf("event %s is on the hub twice", p.Event.ID)
		}
		out[p.Event.ID] = true
	}
	return out
}

func pullAll(t testing.TB, h *hub.Store, dev hub.Device) []protocol.Pulled {
	t.Helper()
	var all []protocol.Pulled
	after := int64(0)
	for {
		page, more, err := h.Pull(context.Background(), dev, after, 5000)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page...)
		if !more {
			return all
		}
		after = page[len(page)-1].Seq
	}
}

// deskDigest and hubDigest sum up the (id, hash) pairs of the events a
// desk holds and of a scope on the hub.
func deskDigest(t testing.TB, path string) string {
	t.Helper()
	rows, err := openRaw(t, path).Query(`SELECT id, hash FROM events ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var pairs []string
	for rows.Next() {
		var id []byte
		var hash string
		rows.Scan(&id, &hash)
		u, _ := uuid.FromBytes(id)
		pairs = append(pairs, u.String()+hash)
	}
	return digestOf(pairs)
}

func hubDigest(t testing.TB, h *hub.Store, dev hub.Device) string {
	t.Helper()
	var pairs []string
	for _, p := range pullAll(t, h, dev) {
		pairs = append(pairs, p.Event.ID.String()+p.Event.Hash)
	}
	return digestOf(pairs)
}

func digestOf(pairs []string) string {
	slices.Sort(pairs)
	sum := sha256.Sum256([]byte(strings.Join(pairs, "\n")))
	return fmt.Sprintf("%d:%x", len(pairs), sum)
}
