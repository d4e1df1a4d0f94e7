package legal

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Match is where a search found a node, best first.
type Match uint8

// Where a query matched.
const (
	MatchRef     Match = iota + 1 // the query names the node: 第三十四条, xfgztl/34, 信访工作条例
	MatchTitle                    // a title (of a law, heading or article) or a heading's label
	MatchSummary                  // our summary
	MatchText                     // the official text
)

func (m Match) String() string {
	switch m {
	case MatchRef:
		return "ref"
	case MatchTitle:
		return "title"
	case MatchSummary:
		return "summary"
	case MatchText:
		return "text"
	}
	return "Match(?)"
}

// Hit is one node found by Search.
type Hit struct {
	Node    *Node
	Match   Match  // the best place a word of the query was found
	Snippet string // for summary and text matches, the words around the first one found
}

// entry is a node as search sees it: its fields normalised.
type entry struct {
	node                 *Node
	title, summary, text string
	order                int // the node's place in the library
}

func newEntry(n *Node, order int) entry {
	title := n.Title
	if n.Kind.heading() {
		title = n.Label + " " + n.Title
	}
	return entry{node: n, title: normalize(title), summary: normalize(n.Summary), text: normalize(n.FullText()), order: order}
}

// normalize folds a string for matching, rune for rune (so positions in
// runes carry over to the original): full-width ASCII to ASCII, the
// ideographic space to a space, ASCII capitals to small letters.
func normalize(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '！' && r <= '～':
			r -= '！' - '!'
		case r == '\u3000':
			return ' '
		}
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}, s)
}

// Search finds the nodes a query asks for, best first, at most limit of
// them (all when limit ≤ 0).
//
// First come the nodes the query names (MatchRef): an article by number
// in any law (第三十四条, 三十四, 34, 34条) or in one law (xfgztl/34,
// 信访工作条例第三十四条, 信访工作条例 34, 民法典第二百八十八条), a heading
// (信访工作条例第四章, xfgztl/ch4, or 第四章 in every law), or a law by
// name or code; by law in the desk's order, then in the law's order.
// Then the nodes that contain every word of the query (words are
// separated by spaces), ranked by where each word is found — in a title
// (or a heading's label) before our summary before the official text —
// and then in the library's order. A word that names a law, with other
// words beside it, keeps the search to that law (土地管理法 征收).
func (l *Library) Search(query string, limit int) []Hit {
	q := strings.TrimSpace(normalize(query))
	if q == "" {
		return nil
	}
	var hits []Hit
	named := map[*Node]bool{}
	for _, n := range l.refs(strings.Join(strings.Fields(q), "")) {
		hits = append(hits, Hit{Node: n, Match: MatchRef})
		named[n] = true
	}
	words := strings.Fields(q)
	var only *Law
	if len(words) > 1 {
		for i, w := range words {
			if law := l.lawNamed(w); law != nil {
				only = law
				words = slices.Delete(words, i, i+1)
				break
			}
		}
	}
	type found struct {
		e     *entry
		score int
		best  Match
		word  string // the first word found in the best place
	}
	var more []found
	for i := range l.entries {
		e := &l.entries[i]
		if named[e.node] || only != nil && e.node.Code() != only.Code {
			continue
		}
		f := found{e: e}
		for _, w := range words {
			var m Match
			switch {
			case strings.Contains(e.title, w):
				m, f.score = MatchTitle, f.score+100
			case strings.Contains(e.summary, w):
				m, f.score = MatchSummary, f.score+10
			case strings.Contains(e.text, w):
				m, f.score = MatchText, f.score+1
			default:
				f.score = 0
			}
			if m == 0 {
				break
			}
			if f.best == 0 || m < f.best {
				f.best, f.word = m, w
			}
		}
		if f.score > 0 {
			more = append(more, f)
		}
	}
	slices.SortStableFunc(more, func(a, b found) int {
		return cmp.Or(b.score-a.score, a.e.order-b.e.order)
	})
	for _, f := range more {
		if limit > 0 && len(hits) >= limit {
			break
		}
		h := Hit{Node: f.e.node, Match: f.best}
		switch f.best {
		case MatchSummary:
			h.Snippet = snippet(f.e.node.Summary, f.e.summary, f.word)
		case MatchText:
			h.Snippet = snippet(f.e.node.FullText(), f.e.text, f.word)
		}
		hits = append(hits, h)
	}
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	return hits
}

// snippet is the words of orig around the first place word is in norm
// (orig normalised).
func snippet(orig, norm, word string) string {
	i := strings.Index(norm, word)
	if i < 0 {
		return ""
	}
	const before, after = 16, 40
	start := utf8.RuneCountInString(norm[:i])
	rs := []rune(orig)
	from := max(0, start-before)
	to := min(len(rs), start+utf8.RuneCountInString(word)+after)
	s := strings.ReplaceAll(string(rs[from:to]), "\n", " ")
	if from > 0 {
		s = "…" + s
	}
	if to < len(rs) {
		s += "…"
	}
	return s
}

// lawNamed is the law a whole word names, or nil.
func (l *Library) lawNamed(w string) *Law {
	for _, n := range l.names {
		if n.name == w {
			return n.law
		}
	}
	return nil
}

// refs are the nodes a query (spaces removed) names: see Search.
func (l *Library) refs(q string) []*Node {
	if n := l.nodes[q]; n != nil {
		return []*Node{n}
	}
	laws := l.laws
	rest := q
	if code, num, ok := strings.Cut(q, "/"); ok {
		law := l.byCode[code]
		if law == nil {
			return nil
		}
		laws, rest = []*Law{law}, num
	} else {
		for _, n := range l.names { // longest first: 土地管理法实施条例 before 土地管理法
			if r, ok := strings.CutPrefix(q, n.name); ok {
				if r == "" {
					return []*Node{n.law.Root}
				}
				laws, rest = []*Law{n.law}, r
				break
			}
		}
	}
	k, number, ok := parseRef(rest)
	if !ok {
		return nil
	}
	var out []*Node
	for _, law := range laws {
		for n := range law.Root.All() {
			if n.Kind == k && n.Number == number {
				out = append(out, n)
			}
		}
	}
	return out
}

// parseRef reads "第三十四条", "三十四", "34条", "第四章": the kind (an
// article unless a heading's unit ends it) and the number.
func parseRef(s string) (Kind, int, bool) {
	s = strings.TrimPrefix(s, "第")
	k := KindArticle
	for _, unit := range []string{"分编", "编", "章", "节", "条"} {
		if r, ok := strings.CutSuffix(s, unit); ok {
			s, k = r, kindOfUnit(unit)
			if unit == "条" {
				k = KindArticle
			}
			break
		}
	}
	if s == "" || strings.ContainsAny(s, "第条章节编") {
		return 0, 0, false
	}
	n, err := ParseNumber(s)
	if err != nil || n < 1 {
		return 0, 0, false
	}
	return k, n, true
}
