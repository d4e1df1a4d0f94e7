package triage

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/demo"
)

// brUntil ends the five years of the test corpora.
var brUntil = time.Date(2026, 3, 1, 4, 0, 0, 0, time.UTC)

// brMemWriter keeps the demo generator's events in memory: the tests
// replay them with cases.Apply instead of storing them.
type brMemWriter struct{ events []cases.Event }

func (w *brMemWriter) Append(_ context.Context, evs ...cases.Event) ([]cases.Event, error) {
	w.events = append(w.events, evs...)
	return evs, nil
}

func (w *brMemWriter) PutBlob(_ context.Context, r io.Reader, _ string) (string, int64, error) {
	n, err := io.Copy(io.Discard, r)
	return strings.Repeat("0", 64), n, err
}

func (w *brMemWriter) MarkDemo(context.Context) error { return nil }

// brCorpus is a generated demo data set as the index sees it.
type brCorpus struct {
	docs     []Doc // in order of opening
	byID     map[uuid.UUID]*Doc
	cases    map[uuid.UUID]*cases.Case
	clusters []demo.Cluster
}

func (c *brCorpus) Docs(ctx context.Context, fn func(Doc) error) error {
	for _, d := range c.docs {
		if err := fn(d); err != nil {
			return err
		}
	}
	return nil
}

func (c *brCorpus) Doc(ctx context.Context, id uuid.UUID) (Doc, error) {
	if d, ok := c.byID[id]; ok {
		return *d, nil
	}
	return Doc{}, ErrNotFound
}

var (
	brDemoMu   sync.Mutex
	brDemoSets = map[[2]uint64]*brCorpus{}
)

// brDemo generates n demo cases with seed (once per test binary) and
// derives their Docs with cases.Replay and DocOf.
func brDemo(t testing.TB, n int, seed uint64) *brCorpus {
	t.Helper()
	brDemoMu.Lock()
	defer brDemoMu.Unlock()
	key := [2]uint64{uint64(n), seed}
	if c, ok := brDemoSets[key]; ok {
		return c
	}
	w := &brMemWriter{}
	res, err := demo.Generate(context.Background(), w, demo.Options{Cases: n, Seed: seed, Until: brUntil})
	if err != nil {
		t.Fatal(err)
	}
	c := &brCorpus{byID: map[uuid.UUID]*Doc{}, cases: map[uuid.UUID]*cases.Case{}, clusters: res.Clusters}
	var order []uuid.UUID
	for _, e := range w.events {
		cs, ok := c.cases[e.CaseID]
		if !ok {
			cs = &cases.Case{}
			c.cases[e.CaseID] = cs
			order = append(order, e.CaseID)
		}
		if err := cases.Apply(cs, e); err != nil {
			t.Fatalf("replay %s: %v", e.CaseID, err)
		}
	}
	for _, id := range order {
		c.docs = append(c.docs, DocOf(c.cases[id]))
	}
	c.cases = nil // a benchmark's heap is then the index's, as on a desk
	slices.SortFunc(c.docs, func(a, b Doc) int {
		if x := a.At.Compare(b.At); x != 0 {
			return x
		}
		return bytes.Compare(a.ID[:], b.ID[:])
	})
	for i := range c.docs {
		c.byID[c.docs[i].ID] = &c.docs[i]
	}
	brDemoSets[key] = c
	return c
}
