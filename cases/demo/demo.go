// Package demo writes realistic, deterministic demo data: petition cases
// of a made-up county over the five years before a given date, with their
// parties, fact cards, evidence, interview steps, follow-ups, notes,
// status and mediation changes and intensity scores, as the event log a
// desk would have written. Planted clusters (several cases about the same
// matter, some with collective signatures) give the breadth screening
// something to find.
//
// The same Options give the same cases, texts, numbers and event IDs, in
// any database; only the device code in provisional numbers differs,
// since the store picks it per database. Generate marks the database as a
// demo database before writing anything, so a database it has touched
// never syncs, even if the run is interrupted. It does not check that the
// database is empty: that is the caller's job (jiefangctl demo refuses a
// database that already holds cases).
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
)

// Writer is what Generate needs from the store; *store.Store has it.
type Writer interface {
	Append(ctx context.Context, evs ...cases.Event) ([]cases.Event, error)
	PutBlob(ctx context.Context, r io.Reader, mediaType string) (string, int64, error)
	MarkDemo(ctx context.Context) error
}

// Options say what to generate.
type Options struct {
	Cases int    // number of cases, at least 1
	Seed  uint64 // the same seed gives the same data
	// Until ends the five-year span the cases fall in; nothing happens
	// after it. The CLI passes the current time, tests a fixed date.
	Until time.Time
	// Progress, if not nil, is called after each batch of cases is
	// stored, with the cases stored so far and the total.
	Progress func(done, total int)
}

// Result reports what was written.
type Result struct {
	Cases  int // cases stored
	Events int // events stored
	Blobs  int // evidence files stored (a pool shared by all cases)
	// Clusters are the planted clusters with their stored cases, in the
	// order they were planned. After a cancelled run a cluster may list
	// fewer cases, or none.
	Clusters []Cluster
}

// Cluster is a planted group of 4–8 cases about the same matter (same
// village and respondent, and the same project or firm where the summary
// names one), worded differently and spread over months: what breadth
// screening should find. Every other cluster (the first, third, …) holds
// three or more collective petitions, which escalate automatically; the
// others hold at most two.
type Cluster struct {
	// Category of the cases; now and then one was first filed under a
	// related category and re-filed a day or two later.
	Category   string
	Township   string
	Village    string
	Respondent string   // the respondent party of every case
	Project    string   // the project a summary may name
	Company    string   // the firm a summary may name
	Members    []Member // in order of opening
}

// Member is one case of a cluster.
type Member struct {
	CaseID     uuid.UUID
	Signers    int
	Collective bool // a collective petition: Signers ≥ 5, with representatives
}

// CaseIDs lists the ids of the cluster's cases.
func (c Cluster) CaseIDs() []uuid.UUID {
	out := make([]uuid.UUID, len(c.Members))
	for i, m := range c.Members {
		out[i] = m.CaseID
	}
	return out
}

// CollectiveCount counts the cluster's cases that carry collective
// signatures.
func (c Cluster) CollectiveCount() int {
	n := 0
	for _, m := range c.Members {
		if m.Collective {
			n++
		}
	}
	return n
}

// Span is the length of the period demo cases fall in: five years.
const Span = 5 * 365 * 24 * time.Hour

// casesPerBatch is how many cases' events go into one Append (one
// transaction).
const casesPerBatch = 150

// Generate writes opts.Cases demo cases through w. On cancellation or an
// error it stops after the last whole batch and returns what it wrote
// with the error; cases are stored whole or not at all.
func Generate(ctx context.Context, w Writer, opts Options) (Result, error) {
	var res Result
	if opts.Cases < 1 {
		return res, errors.New("demo: Options.Cases must be at least 1")
	}
	if opts.Until.IsZero() {
		return res, errors.New("demo: Options.Until is required (the end of the five-year span)")
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	if err := w.MarkDemo(ctx); err != nil {
		return res, fmt.Errorf("demo: mark database: %w", err)
	}
	g := newGenerator(opts)
	pool, n, err := writeBlobs(ctx, w, g.stream(streamBlobs, 0), g.until)
	res.Blobs = n
	if err != nil {
		return res, err
	}
	g.blobs = pool
	g.plan()

	// The store runs each batch in one transaction, and the SQLite driver
	// starts a watcher goroutine for every statement when the context can
	// be cancelled (measured: about 15 % slower over millions of
	// statements). So the batches are stored under a context without
	// cancellation, and ctx is checked between batches, which take a
	// fraction of a second each.
	appendCtx := context.WithoutCancel(ctx)
	ctx, cancel := context.WithCancel(ctx)
	batches := make(chan batch, 2)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(batches)
		g.produce(ctx, batches)
	}()
	defer func() {
		cancel() // stops the producer if it is still running
		wg.Wait()
	}()
	for b := range batches {
		if b.err != nil {
			return res, b.err
		}
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if _, err := w.Append(appendCtx, b.events...); err != nil {
			return res, fmt.Errorf("demo: store cases %d–%d: %w", res.Cases+1, res.Cases+b.cases, err)
		}
		res.Cases += b.cases
		res.Events += len(b.events)
		for _, m := range b.members {
			res.Clusters = g.addMember(res.Clusters, m)
		}
		if opts.Progress != nil {
			opts.Progress(res.Cases, opts.Cases)
		}
	}
	if res.Cases < opts.Cases { // the producer stopped early
		if err := ctx.Err(); err != nil {
			return res, err
		}
		return res, errors.New("demo: generation stopped early")
	}
	return res, nil
}

// batch is the events of a run of whole cases.
type batch struct {
	events  []cases.Event
	cases   int
	members []clusterMember
	err     error
}

type clusterMember struct {
	cluster int
	Member
}

// produce builds the cases in order and sends them in batches.
func (g *generator) produce(ctx context.Context, out chan<- batch) {
	send := func(b batch) bool {
		select {
		case out <- b:
			return true
		case <-ctx.Done():
			return false
		}
	}
	b := batch{events: make([]cases.Event, 0, casesPerBatch*24)}
	for i := 0; i < g.opts.Cases; i++ {
		if ctx.Err() != nil {
			return
		}
		var m *clusterMember
		var err error
		b.events, m, err = g.buildCase(i, b.events)
		if err != nil {
			send(batch{err: err})
			return
		}
		b.cases++
		if m != nil {
			b.members = append(b.members, *m)
		}
		if b.cases == casesPerBatch {
			if !send(b) {
				return
			}
			b = batch{events: make([]cases.Event, 0, cap(b.events))}
		}
	}
	if b.cases > 0 {
		send(b)
	}
}

// addMember records a stored cluster member in the result.
func (g *generator) addMember(cs []Cluster, m clusterMember) []Cluster {
	for len(cs) <= m.cluster {
		p := &g.clusters[len(cs)]
		cs = append(cs, Cluster{
			Category: p.cat.name, Township: p.v[sTown], Village: p.v[sVillage],
			Respondent: p.v[sRespondent], Project: p.v[sProject], Company: p.v[sCompany],
		})
	}
	cs[m.cluster].Members = append(cs[m.cluster].Members, m.Member)
	return cs
}

// Random streams: every part of the data draws from its own stream, so
// that a change in one part leaves the others as they were.
const (
	streamPlan uint64 = iota + 1
	streamBlobs
	streamCluster
	streamCase
)

// stream returns a generator for one stream and index.
func (g *generator) stream(kind, index uint64) *rand.Rand {
	return rand.New(rand.NewPCG(g.opts.Seed^0x6a696566616e6721, kind<<56^index*0x9e3779b97f4a7c15))
}
