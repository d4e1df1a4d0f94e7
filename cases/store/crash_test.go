package store

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
)

// crashChildEnv names the database a child writer appends to until it is
// killed; it prints "ack ID" for every event whose append returned.
const crashChildEnv = "JIEFANG_CRASH_CHILD_DB"

func TestMain(m *testing.M) {
	if path := os.Getenv(crashChildEnv); path != "" {
		if err := crashChild(path); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(3)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// crashChild writes cases forever: single events (the interactive path)
// and batches (the import path), acknowledging each after it returns.
func crashChild(path string) error {
	s, err := Open(path, Options{})
	if err != nil {
		return err
	}
	ctx := context.Background()
	if err := s.SetActor(ctx, "崩溃测试"); err != nil {
		return err
	}
	out := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		id := uuid.Must(uuid.NewV7())
		var evs []cases.Event
		add := func(p cases.Payload) error {
			e, err := cases.NewEvent(id, p)
			evs = append(evs, e)
			return err
		}
		if err := add(&cases.Opened{Channel: cases.ChannelVisit, Category: "噪音", Summary: fmt.Sprintf("第%d件：夜间施工噪音扰民", i)}); err != nil {
			return err
		}
		fact := uuid.Must(uuid.NewV7())
		add(&cases.FactAdd{FactID: fact, Text: "晚上十点后仍在施工", Status: cases.FactPending, Order: 1})
		add(&cases.NoteAdd{NoteID: uuid.Must(uuid.NewV7()), Text: "已记录"})
		batches := [][]cases.Event{evs}
		if i%2 == 1 { // one event per transaction
			batches = [][]cases.Event{evs[:1], evs[1:2], evs[2:]}
		}
		for _, b := range batches {
			stored, err := s.Append(ctx, b...)
			if err != nil {
				return err
			}
			for _, e := range stored {
				fmt.Fprintf(out, "ack %s\n", e.ID)
			}
			out.Flush()
		}
		st, err := cases.NewEvent(id, &cases.FactStatusChange{FactID: fact, Status: cases.FactConfirmed})
		if err != nil {
			return err
		}
		stored, err := s.Append(ctx, st)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "ack %s\n", stored[0].ID)
		out.Flush()
	}
}

// TestSurvivesSIGKILL kills a writer at random points, 50 times, and
// checks after each kill that every acknowledged event is there, the hash
// chain is intact and the projections equal the log.
func TestSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("kills 50 writer processes")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	acked := map[string]bool{}
	for round := 0; round < 50; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string, 1024)
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Let it write for a random while after its first acknowledgement.
		first, ok := <-lines
		if !ok {
			cmd.Wait()
			t.Fatalf("round %d: child wrote nothing: %s", round, stderr.String())
		}
		record := func(l string) {
			if id, ok := strings.CutPrefix(l, "ack "); ok {
				acked[id] = true
			}
		}
		record(first)
		time.Sleep(time.Duration(rng.IntN(120)) * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		for l := range lines {
			record(l)
		}
		cmd.Wait()
		if strings.Contains(stderr.String(), "child:") {
			t.Fatalf("round %d: child failed: %s", round, stderr.String())
		}

		s, err := Open(path, Options{})
		if err != nil {
			t.Fatalf("round %d: reopen after kill: %v", round, err)
		}
		if _, err := s.Verify(context.Background(), nil); err != nil {
			s.Close()
			t.Fatalf("round %d: after kill: %v", round, err)
		}
		stored := map[string]bool{}
		rows, err := s.r.Query(`SELECT id FROM events`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id []byte
			rows.Scan(&id)
			stored[uuid.Must(uuid.FromBytes(id)).String()] = true
		}
		rows.Close()
		s.Close()
		for id := range acked {
			if !stored[id] {
				t.Fatalf("round %d: acknowledged event %s lost", round, id)
			}
		}
	}
	t.Logf("50 kills, %d acknowledged events, none lost", len(acked))
}
