package triage

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
)

// Breadth (广度): cases similar to a case over five years, by text and by
// shared parties, respondent and place, and the collective-signature rule
// built on them (escalate.go). The index lives in memory: it is built
// from a Corpus (the desk's store, or the hub's log) and kept up to date
// with Put and Remove as cases change. See docs/triage.md, "广度 breadth".

// Years is the textSpan breadth looks over: cases opened within five years
// of the case (before it, for the collective rule).
const Years = 5

// Doc is what the index needs of a case.
type Doc struct {
	ID       uuid.UUID
	At       time.Time // when the case was opened
	Category string
	// Text is the summary and the current fact cards, one a line.
	Text string
	// People are the petitioners and representatives (current parties).
	People []Person
	// Respondents are the names of the current respondent parties.
	Respondents []string
	// Places are the villages of the current petitioners,
	// representatives and respondents, each once.
	Places  []string
	Signers int
	// Collective: a collective petition (IsCollective).
	Collective bool
}

// Person is a petitioner or representative of a case.
type Person struct {
	Name     string
	IDNumber string // "" when not recorded
}

// IsCollective reports whether a case is a collective petition for the
// collective rule: it carries five or more signatures (signers), or it
// is a group visit — brought in person (来访) by representatives
// (代表, at most five per 信访工作条例 art. 20): at least one current
// party with the representative role.
func IsCollective(signers int, channel cases.Channel, representatives int) bool {
	return signers >= CollectiveSigners || (channel == cases.ChannelVisit && representatives > 0)
}

// CollectiveSigners is the signer count from which a petition is
// collective by its signatures alone.
const CollectiveSigners = 5

// DocOf makes the Doc of a case as cases.Apply derives it. The store's
// and the hub's corpora give the same Doc for the same case.
func DocOf(c *cases.Case) Doc {
	d := Doc{ID: c.ID, At: c.CreatedAt, Category: c.Category, Signers: c.Signers}
	text := []byte(c.Summary)
	for _, f := range c.CurrentFacts() {
		text = append(text, '\n')
		text = append(text, f.Text...)
	}
	d.Text = string(text)
	reps := 0
	for _, p := range c.Parties {
		if !p.Current() {
			continue
		}
		switch p.Role {
		case cases.RoleRepresentative:
			reps++
			fallthrough
		case cases.RolePetitioner:
			d.People = append(d.People, Person{Name: p.Name, IDNumber: p.IDNumber})
		case cases.RoleRespondent:
			d.Respondents = append(d.Respondents, p.Name)
		default:
			continue
		}
		if p.Village != "" && !slices.Contains(d.Places, p.Village) {
			d.Places = append(d.Places, p.Village)
		}
	}
	d.Collective = IsCollective(c.Signers, c.Channel, reps)
	return d
}

// Corpus is where an index reads cases from: the desk's store, or the
// hub's event log.
type Corpus interface {
	// Docs calls fn with every case, in any order, and stops at the
	// first error fn returns.
	Docs(ctx context.Context, fn func(Doc) error) error
	// Doc returns one case; an error wrapping ErrNotFound if there is
	// no such case.
	Doc(ctx context.Context, id uuid.UUID) (Doc, error)
}

// ErrNotFound is returned for a case the index or the corpus does not
// hold.
var ErrNotFound = errors.New("triage: case not found")

// Index is an in-memory similarity index of cases: an inverted index of
// weighted terms. Its methods are safe for concurrent use; searches run
// in parallel, a change waits for them.
//
// A score has two parts. Text is the cosine of the texts' TF-IDF
// vectors: a term of the text weighs (1 + ln tf) × ln((N+1)/df), where N
// is the number of cases held and df the number holding the term.
// Parties is a noisy-or over what both cases name — petitioners and
// representatives (by name and by identity number), respondents, places
// and the category: 1 − Π(1 − w × r), where w is the kind's entityWeight
// and r the term's rarity ln((N+1)/df) / ln(N+1), 1 for a term held by
// one case and near 0 for one held by all. Score = textShare × Text +
// (1 − textShare) × Parties, less timeDecay for each year between the
// cases' openings. A case's text vector length is computed when it is
// put, and again for every case whenever N has moved by 1 % since the
// last time; so after many puts a score may differ in the third decimal
// from a fresh build's. The weights were chosen on the demo data's
// planted clusters (docs/triage.md, "广度 breadth").
type Index struct {
	mu    sync.RWMutex
	terms map[uint64]uint32 // simTerm hash → simTerm number
	hash  []uint64          // simTerm number → hash
	post  [][]uint32        // simTerm number → postings: ord<<8 | min(tf, 255), ascending
	docs  []simEntry        // by ord
	ords  map[uuid.UUID]uint32
	live  int // cases held
	// normLive is live when every norm was last computed.
	normLive int
	acc      sync.Pool // *[]float32 accumulators for searches
}

type simEntry struct {
	doc  *Doc // nil once removed
	at   int64
	norm float32
}

// maxSimOrd bounds the cases an index can have held (including replaced
// slots): ords take 24 bits of a posting.
const maxSimOrd = 1<<24 - 1

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{terms: map[uint64]uint32{}, ords: map[uuid.UUID]uint32{}}
}

// Build reads every case of c into a new index.
func Build(ctx context.Context, c Corpus) (*Index, error) {
	x := NewIndex()
	var buf []uint64
	n := 0
	err := c.Docs(ctx, func(d Doc) error {
		if n++; n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		var err error
		buf, err = x.put(d, buf)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("triage: build index: %w", err)
	}
	x.computeNorms()
	return x, nil
}

// Len is the number of cases the index holds.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.live
}

// Has reports whether the index holds the case.
func (x *Index) Has(id uuid.UUID) bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	o, ok := x.ords[id]
	return ok && x.docs[o].doc != nil
}

// Doc returns the case as the index holds it.
func (x *Index) Doc(id uuid.UUID) (Doc, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	o, ok := x.ords[id]
	if !ok || x.docs[o].doc == nil {
		return Doc{}, false
	}
	return *x.docs[o].doc, true
}

// Put adds a case, or replaces the case with the same ID.
func (x *Index) Put(d Doc) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if _, err := x.put(d, nil); err != nil {
		return err
	}
	x.updateNorms(d.ID)
	return nil
}

// Remove takes a case out of the index; it reports whether it was there.
func (x *Index) Remove(id uuid.UUID) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	o, ok := x.ords[id]
	if !ok || x.docs[o].doc == nil {
		return false
	}
	x.unpost(o, simDocTerms(x.docs[o].doc, nil))
	x.docs[o] = simEntry{}
	x.live--
	x.updateNorms(uuid.Nil)
	return true
}

// Refresh reads the given cases from c again and puts them in the index,
// or removes those c no longer has: what a desk runs after an append or a
// pull, and the hub after a push.
func (x *Index) Refresh(ctx context.Context, c Corpus, ids ...uuid.UUID) error {
	for _, id := range ids {
		d, err := c.Doc(ctx, id)
		switch {
		case errors.Is(err, ErrNotFound):
			x.Remove(id)
		case err != nil:
			return fmt.Errorf("triage: refresh %s: %w", id, err)
		default:
			if err := x.Put(d); err != nil {
				return err
			}
		}
	}
	return nil
}

// put adds or replaces d without touching other cases' norms.
func (x *Index) put(d Doc, buf []uint64) ([]uint64, error) {
	if d.ID == uuid.Nil {
		return buf, errors.New("triage: a case without an id")
	}
	ts := simDocTerms(&d, buf)
	o, replace := x.ords[d.ID]
	if replace && x.docs[o].doc != nil {
		x.unpost(o, simDocTerms(x.docs[o].doc, nil))
	} else if !replace {
		if len(x.docs) > maxSimOrd {
			return buf, errors.New("triage: the index is full; build it again")
		}
		o = uint32(len(x.docs))
		x.docs = append(x.docs, simEntry{})
		x.ords[d.ID] = o
	}
	if x.docs[o].doc == nil {
		x.live++
	}
	dc := d
	x.docs[o] = simEntry{doc: &dc, at: d.At.UnixMilli()}
	for _, t := range ts {
		n, ok := x.terms[t.h]
		if !ok {
			n = uint32(len(x.hash))
			x.terms[t.h] = n
			x.hash = append(x.hash, t.h)
			x.post = append(x.post, nil)
		}
		p := o<<8 | min(t.tf, 255)
		list := x.post[n]
		if len(list) == 0 || list[len(list)-1]>>8 < o {
			x.post[n] = append(list, p)
			continue
		}
		i, _ := slices.BinarySearchFunc(list, o, func(p, o uint32) int { return cmp.Compare(p>>8, o) })
		x.post[n] = slices.Insert(list, i, p)
	}
	return buf, nil
}

// unpost removes ord o's postings of terms ts.
func (x *Index) unpost(o uint32, ts []simTerm) {
	for _, t := range ts {
		n, ok := x.terms[t.h]
		if !ok {
			continue
		}
		list := x.post[n]
		i, found := slices.BinarySearchFunc(list, o, func(p, o uint32) int { return cmp.Compare(p>>8, o) })
		if found {
			x.post[n] = slices.Delete(list, i, i+1)
		}
	}
}

// simTFWeight is 1 + ln(tf) for tf 0..255 (0 for 0).
var simTFWeight = func() (w [256]float32) {
	for i := 1; i < len(w); i++ {
		w[i] = float32(1 + math.Log(float64(i)))
	}
	return w
}()

// simIDF is the inverse document frequency of a simTerm held by df of n cases.
func simIDF(n, df int) float32 {
	if df < 1 {
		df = 1
	}
	return float32(math.Log(float64(n+1) / float64(df)))
}

// updateNorms, after a put or a removal, computes every norm again if
// the number of cases has moved by 1 % since they were last computed,
// or else the norm of the case put.
func (x *Index) updateNorms(put uuid.UUID) {
	if d := x.live - x.normLive; d*100 >= x.normLive || -d*100 >= x.normLive {
		x.computeNorms()
		return
	}
	if o, ok := x.ords[put]; ok && x.docs[o].doc != nil {
		x.docs[o].norm = x.normOf(simDocTerms(x.docs[o].doc, nil), false)
	}
}

// computeNorms computes the vector length of every case.
func (x *Index) computeNorms() {
	sum := make([]float64, len(x.docs))
	for n, list := range x.post {
		if len(list) == 0 {
			continue
		}
		if termKindOf(x.hash[n]) != kindWord {
			continue
		}
		w := float64(simIDF(x.live, len(list)))
		for _, p := range list {
			v := float64(simTFWeight[p&255]) * w
			sum[p>>8] += v * v
		}
	}
	for o := range x.docs {
		x.docs[o].norm = float32(math.Sqrt(sum[o]))
	}
	x.normLive = x.live
}

// normOf is the vector length of a case with terms ts; extra: the case
// is not in the index (its terms count once more).
func (x *Index) normOf(ts []simTerm, extra bool) float32 {
	var sum float64
	n, add := x.live, 0
	if extra {
		n, add = n+1, 1
	}
	for _, t := range ts {
		if termKindOf(t.h) != kindWord {
			continue
		}
		df := add
		if k, ok := x.terms[t.h]; ok {
			df += len(x.post[k])
		}
		v := float64(simTFWeight[min(t.tf, 255)] * simIDF(n, df))
		sum += v * v
	}
	return float32(math.Sqrt(sum))
}

// timeDecay is how much a case a year away counts less than one opened
// the same day: the cases of one matter tend to come within months.
const timeDecay = 0.1

const msPerYear = 365.25 * 24 * 3600 * 1000

// Match is a similar case, with why it is similar.
type Match struct {
	CaseID uuid.UUID `json:"case_id"`
	// Score orders the matches, 0–1: 1 for the same text, parties,
	// respondent, place and category on the same day.
	Score float64 `json:"score"`
	// Similarity is textShare × Text + (1 − textShare) × Parties, 0–1;
	// Score is Similarity less timeDecay for each year between the
	// cases' openings (the order of a list). Text is the cosine
	// similarity of the texts, 0–1; Parties the similarity of the
	// parties, respondents, places and category, 0–1.
	Similarity float64   `json:"similarity"`
	Text       float64   `json:"text"`
	Parties    float64   `json:"parties"`
	At         time.Time `json:"opened_at"`
	Category   string    `json:"category"`
	Signers    int       `json:"signers"`
	Collective bool      `json:"collective"`
	// Words are the phrases of the case's text that the match shares,
	// made of terms rarer than one case in fifty; the weightiest first.
	Words []string `json:"words,omitempty"`
	// People are the petitioners and representatives both cases name
	// (by name or identity number), as the case names them.
	People []string `json:"people,omitempty"`
	// Respondents and Places are those both cases name.
	Respondents []string `json:"respondents,omitempty"`
	Places      []string `json:"places,omitempty"`
}

// Query selects matches.
type Query struct {
	// Limit is the most matches returned, best first; 10 when 0, all
	// when negative.
	Limit int
	// MinScore drops matches scoring below it.
	MinScore float64
	// Before keeps only cases opened before the case, within Years
	// before it; otherwise cases opened within Years either side.
	Before bool
	// MinSimilarity drops matches whose Similarity is below it.
	MinSimilarity float64
	// MinParties drops matches whose Parties score is below it.
	MinParties float64
	// Collective keeps only collective petitions.
	Collective bool
}

// Similar returns up to limit cases most similar to the case (10 when
// limit is 0), opened within five years either side of it, best first.
// It returns an error wrapping ErrNotFound when the index does not hold
// the case.
func Similar(x *Index, caseID uuid.UUID, limit int) ([]Match, error) {
	return x.Search(caseID, Query{Limit: limit})
}

// Search returns the cases similar to an indexed case that q selects.
func (x *Index) Search(caseID uuid.UUID, q Query) ([]Match, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	o, ok := x.ords[caseID]
	if !ok || x.docs[o].doc == nil {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, caseID)
	}
	return x.search(x.docs[o].doc, int64(o), q), nil
}

// SearchDoc is Search for a case that need not be in the index, such as
// one being written: it is scored as if it were added.
func (x *Index) SearchDoc(d Doc, q Query) []Match {
	x.mu.RLock()
	defer x.mu.RUnlock()
	self := int64(-1)
	if o, ok := x.ords[d.ID]; ok && x.docs[o].doc != nil {
		self = int64(o) // an older version of it: not its own match
	}
	return x.search(&d, -1-self, q)
}

// search scores every case sharing a simTerm with d. self is d's ord when d
// is indexed as it is; a negative self -1-o marks a d not indexed as it
// is (o: the ord of its older version to leave out, or -1).
func (x *Index) search(d *Doc, self int64, q Query) []Match {
	limit := q.Limit
	if limit == 0 {
		limit = 10
	}
	indexed := self >= 0
	skip := self
	if !indexed {
		skip = -1 - self
	}
	ts := simDocTerms(d, nil)
	n, add := x.live, 0
	if !indexed {
		n, add = n+1, 1
	}
	qnorm := x.normOf(ts, !indexed)
	accp, _ := x.acc.Get().(*[]float32)
	if accp == nil || len(*accp) < 2*len(x.docs) {
		a := make([]float32, 2*(len(x.docs)+len(x.docs)/8+64))
		accp = &a
	}
	buf := *accp
	half := len(buf) / 2
	// acc sums the text's dot products; ent sums ln(1 - weight × rarity)
	// of the shared parties, respondents, places and category.
	acc, ent := buf[:half], buf[half:]
	defer func() {
		clear(buf)
		x.acc.Put(accp)
	}()
	lnN := float32(math.Log(float64(n + 1)))
	for _, t := range ts {
		k, ok := x.terms[t.h]
		if !ok {
			continue
		}
		list := x.post[k]
		kind := termKindOf(t.h)
		w := simIDF(n, len(list)+add)
		if kind != kindWord {
			l := float32(math.Log1p(-float64(entityWeight(kind) * w / lnN)))
			for _, p := range list {
				ent[p>>8] += l
			}
			continue
		}
		wq := simTFWeight[min(t.tf, 255)] * w * w
		for _, p := range list {
			acc[p>>8] += wq * simTFWeight[p&255]
		}
	}
	at := d.At
	lo, hi := at.AddDate(-Years, 0, 0).UnixMilli(), at.AddDate(Years, 0, 0).UnixMilli()
	if q.Before {
		hi = at.UnixMilli() - 1
	}
	type hit struct {
		o                         uint32
		score, sim, text, parties float64
	}
	// order puts the better match first: the higher score; on a tie
	// the nearer in time, then the smaller id, so that the order never
	// depends on the order of puts.
	atMS := at.UnixMilli()
	order := func(a, b hit) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		if c := cmp.Compare(absMS(x.docs[a.o].at-atMS), absMS(x.docs[b.o].at-atMS)); c != 0 {
			return c
		}
		ia, ib := x.docs[a.o].doc.ID, x.docs[b.o].doc.ID
		return slices.Compare(ia[:], ib[:])
	}
	// With a limit, hits keeps the best limit matches found so far,
	// once full as a heap with the worst of them at the root: a search
	// sorts limit matches, not every case sharing a term.
	var hits []hit
	if limit > 0 {
		hits = make([]hit, 0, limit)
	}
	for o := range x.docs {
		v, l := acc[o], ent[o]
		if (v == 0 && l == 0) || int64(o) == skip {
			continue
		}
		e := &x.docs[o]
		if e.doc == nil || e.at < lo || e.at > hi || (q.Collective && !e.doc.Collective) {
			continue
		}
		var text float64
		if qnorm > 0 && e.norm > 0 {
			text = min(float64(v)/(float64(qnorm)*float64(e.norm)), 1)
		}
		parties := 1 - math.Exp(float64(l))
		sim := textShare*text + (1-textShare)*parties
		s := sim * (1 - timeDecay*math.Abs(float64(e.at-atMS))/msPerYear)
		if s < q.MinScore || sim < q.MinSimilarity || parties < q.MinParties {
			continue
		}
		h := hit{uint32(o), s, sim, text, parties}
		switch {
		case limit < 0 || len(hits) < limit:
			hits = append(hits, h)
			if len(hits) == limit {
				heapify(hits, order)
			}
		case order(h, hits[0]) < 0:
			// Better than the worst of the best so far: it takes
			// its place (hits is a heap, its worst at the root).
			hits[0] = h
			siftDown(hits, 0, order)
		}
	}
	slices.SortFunc(hits, order)
	out := make([]Match, len(hits))
	ex := newSimExplainer(x, d, ts, n, add)
	for i, h := range hits {
		m := x.docs[h.o].doc
		out[i] = Match{CaseID: m.ID, Score: round4(h.score), Similarity: round4(h.sim), Text: round4(h.text), Parties: round4(h.parties), At: m.At, Category: m.Category,
			Signers: m.Signers, Collective: m.Collective}
		ex.explain(&out[i], m)
	}
	return out
}

// heapify makes h a heap whose root is the worst element by order (the
// last in order).
func heapify[T any](h []T, order func(a, b T) int) {
	for i := len(h)/2 - 1; i >= 0; i-- {
		siftDown(h, i, order)
	}
}

// siftDown moves h[i] down to its place in the heap.
func siftDown[T any](h []T, i int, order func(a, b T) int) {
	for {
		w := i
		if l := 2*i + 1; l < len(h) && order(h[l], h[w]) > 0 {
			w = l
		}
		if r := 2*i + 2; r < len(h) && order(h[r], h[w]) > 0 {
			w = r
		}
		if w == i {
			return
		}
		h[i], h[w] = h[w], h[i]
		i = w
	}
}

func round4(v float64) float64 { return math.Round(v*10000) / 10000 }

func absMS(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
