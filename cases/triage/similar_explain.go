package triage

import (
	"cmp"
	"slices"
	"strings"
)

// maxMatchWords is the most phrases a match lists.
const maxMatchWords = 8

// simExplainer says why cases match a query case: the phrases of its text
// that they share, and the people, respondents and places.
type simExplainer struct {
	x      *Index
	d      *Doc
	text   string // d's text, folded
	ts     []simTerm
	n, add int
	// rare: a shared simTerm of the text is shown only if at most this many
	// cases hold it (one in fifty, and at least two).
	rare int
}

func newSimExplainer(x *Index, d *Doc, ts []simTerm, n, add int) *simExplainer {
	return &simExplainer{x: x, d: d, text: foldText(d.Text), ts: ts, n: n, add: add, rare: max(2, n/50)}
}

// df is how many cases hold simTerm h, counting the query case.
func (e *simExplainer) df(h uint64) int {
	k, ok := e.x.terms[h]
	if !ok {
		return e.add
	}
	return len(e.x.post[k]) + e.add
}

// explain fills in m's reasons: what m's case (doc) shares with the query.
func (e *simExplainer) explain(m *Match, doc *Doc) {
	mt := simDocTerms(doc, nil)
	shared := func(h uint64) bool {
		_, ok := slices.BinarySearchFunc(mt, h, func(t simTerm, h uint64) int { return cmp.Compare(t.h, h) })
		return ok
	}
	m.Words = e.words(shared)
	for _, p := range e.d.People {
		name := foldName(p.Name)
		if (name != "" && shared(simTermHash(kindPerson, name))) ||
			(p.IDNumber != "" && shared(simTermHash(kindIDNumber, strings.ToUpper(p.IDNumber)))) {
			if !slices.Contains(m.People, p.Name) {
				m.People = append(m.People, p.Name)
			}
		}
	}
	for _, r := range e.d.Respondents {
		if n := foldName(r); n != "" && shared(simTermHash(kindRespondent, n)) && !slices.Contains(m.Respondents, r) {
			m.Respondents = append(m.Respondents, r)
		}
	}
	for _, p := range e.d.Places {
		if n := foldName(p); n != "" && shared(simTermHash(kindPlace, n)) && !slices.Contains(m.Places, p) {
			m.Places = append(m.Places, p)
		}
	}
}

// words returns the phrases of the query text made of rare terms the
// match shares: runs of adjacent shared bigrams joined, numbers and words
// whole; the weightiest first.
func (e *simExplainer) words(shared func(uint64) bool) []string {
	type phrase struct {
		start, end int
		weight     float32
	}
	var ps []phrase
	cur := phrase{start: -1}
	flush := func() {
		if cur.start >= 0 {
			ps = append(ps, cur)
		}
		cur = phrase{start: -1}
	}
	simTextTerms(e.text, func(h uint64, start, end int) {
		df := e.df(h)
		if df > e.rare || !shared(h) {
			flush()
			return
		}
		w := simIDF(e.n, df)
		// A bigram continues the phrase when it overlaps it (the next
		// bigram of the same run starts at the phrase's last character).
		if cur.start >= 0 && start < cur.end {
			cur.end, cur.weight = end, cur.weight+w
			return
		}
		flush()
		cur = phrase{start: start, end: end, weight: w}
	})
	flush()
	slices.SortStableFunc(ps, func(a, b phrase) int { return cmp.Compare(b.weight, a.weight) })
	var out []string
	for _, p := range ps {
		s := e.text[p.start:p.end]
		if slices.ContainsFunc(out, func(o string) bool { return strings.Contains(o, s) }) {
			continue
		}
		if out = append(out, s); len(out) == maxMatchWords {
			break
		}
	}
	return out
}

// Reasons says in words what the match shares with the case, the
// strongest first: the petitioners, the respondents, the places, then
// up to four phrases of the text.
func (m Match) Reasons() []string {
	var out []string
	if len(m.People) > 0 {
		out = append(out, "同一信访人："+strings.Join(m.People, "、"))
	}
	if len(m.Respondents) > 0 {
		out = append(out, "同一被反映人："+strings.Join(m.Respondents, "、"))
	}
	if len(m.Places) > 0 {
		out = append(out, "同一地点："+strings.Join(m.Places, "、"))
	}
	if len(m.Words) > 0 {
		out = append(out, "相同说法："+strings.Join(m.Words[:min(len(m.Words), 4)], "、"))
	}
	return out
}
