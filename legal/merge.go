package legal

import (
	"fmt"
	"slices"
	"strings"
)

// Discrepancy is a shipped article that does not agree with the official
// text of its law: the article is not there, or the headings above it
// are not the ones its path names.
type Discrepancy struct {
	ID       string   // the article, "xfgztl/34"
	Source   string   // the shipped file, "legal/xfgztl.json"
	Missing  bool     // the official text has no article of that number
	Shipped  []string // the headings above it as shipped, "第四章 信访事项的办理"
	Official []string // the headings above it in the official text, unless Missing
}

func (d Discrepancy) String() string {
	if d.Missing {
		return fmt.Sprintf("%s (%s): not in the official text", d.ID, d.Source)
	}
	return fmt.Sprintf("%s (%s): path [%s], official [%s]", d.ID, d.Source,
		strings.Join(d.Shipped, ", "), strings.Join(d.Official, ", "))
}

// headingNames are the names of the headings above n, from the top down
// (its law left out).
func headingNames(n *Node) []string {
	var names []string
	for _, h := range n.Path() {
		if h.Kind != KindLaw {
			names = append(names, h.Name())
		}
	}
	return names
}

// CrossCheck compares the shipped summaries of a law with its official
// text: every shipped article must exist there, under the same headings
// (label and title). It returns what disagrees, in article order.
func CrossCheck(shipped, official *Law) []Discrepancy {
	byNumber := articlesByNumber(official)
	var out []Discrepancy
	for _, a := range shipped.Articles() {
		d := Discrepancy{ID: a.ID, Source: shipped.Source, Shipped: headingNames(a)}
		o := byNumber[a.Number]
		if o == nil {
			d.Missing = true
			out = append(out, d)
			continue
		}
		d.Official = headingNames(o)
		if !slices.Equal(d.Shipped, d.Official) {
			out = append(out, d)
		}
	}
	return out
}

func articlesByNumber(l *Law) map[int]*Node {
	m := map[int]*Node{}
	for _, a := range l.Articles() {
		m[a.Number] = a
	}
	return m
}

// merge is the law to show when both the shipped summaries and the
// official text of a law are at hand (either may be nil): the official
// tree and text, with each shipped article's title, summary and
// categories on the official article of the same number. A shipped
// article the official text lacks is kept, under the official headings
// its path names as far as they exist, and reported, as are paths that
// disagree (see CrossCheck). The laws given are not changed.
func merge(shipped, official *Law) (*Law, []Discrepancy) {
	switch {
	case official == nil:
		return shipped.clone(), nil
	case shipped == nil:
		return official.clone(), nil
	}
	m := official.clone()
	if m.Link == "" {
		m.Link = shipped.Link
	}
	byNumber := articlesByNumber(m)
	for _, a := range shipped.Articles() {
		if o := byNumber[a.Number]; o != nil {
			o.Title, o.Summary, o.Categories = a.Title, a.Summary, cloneStrings(a.Categories)
			continue
		}
		parent := m.Root
		for _, h := range a.Path() {
			if h.Kind == KindLaw {
				continue
			}
			c := parent.child(h.Kind, h.Number)
			if c == nil {
				break
			}
			parent = c
		}
		insertByArticle(parent, a.clone(parent))
	}
	return m, CrossCheck(shipped, official)
}
