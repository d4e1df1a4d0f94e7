package legal

import (
	"errors"
	"fmt"
	"slices"
)

// Library is every law the desk has, each merged from its shipped
// summaries and its imported official text, with search and
// per-category suggestions over them. It does not change once made, so
// it is safe for concurrent use.
type Library struct {
	laws     []*Law           // in the desk's order
	byCode   map[string]*Law  // by code
	nodes    map[string]*Node // by id
	entries  []entry          // every node, in laws' order then the law's order
	suggest  map[string][]*Node
	problems []Discrepancy
	names    []lawName // the names a query may call a law by, longest first
}

// lawName is one name of a law, normalised for matching queries.
type lawName struct {
	name string
	law  *Law
}

// NewLibrary merges the shipped laws (LoadShipped) with the imported ones
// (ParseMarkdown, Unmarshal): an imported law gives the tree and the
// text, the shipped one its summaries (see Discrepancies for where they
// disagree); a law on one side only is shown as it is. When several
// imported laws share a code, the newest (Newer) is used, the first of
// equals. Two shipped laws with one code are an error. The laws given
// are not changed.
func NewLibrary(shipped, imported []*Law) (*Library, error) {
	ship := map[string]*Law{}
	for _, l := range shipped {
		if l == nil || l.Root == nil {
			return nil, errors.New("new library: a shipped law is nil")
		}
		if ship[l.Code] != nil {
			return nil, fmt.Errorf("new library: two shipped laws %s (%s, %s)", l.Code, ship[l.Code].Source, l.Source)
		}
		ship[l.Code] = l
	}
	imp := map[string]*Law{}
	for _, l := range imported {
		if l == nil || l.Root == nil {
			return nil, errors.New("new library: an imported law is nil")
		}
		if old := imp[l.Code]; old == nil || Newer(l, old) {
			imp[l.Code] = l
		}
	}
	var codes []string
	for code := range ship {
		codes = append(codes, code)
	}
	for code := range imp {
		if ship[code] == nil {
			codes = append(codes, code)
		}
	}
	slices.SortFunc(codes, compareCodes)
	lib := &Library{byCode: map[string]*Law{}, nodes: map[string]*Node{}, suggest: map[string][]*Node{}}
	for _, code := range codes {
		law, problems := merge(ship[code], imp[code])
		lib.laws = append(lib.laws, law)
		lib.problems = append(lib.problems, problems...)
	}
	for _, law := range lib.laws {
		lib.byCode[law.Code] = law
		for n := range law.Root.All() {
			if lib.nodes[n.ID] != nil {
				return nil, fmt.Errorf("new library: two nodes %s (in %s)", n.ID, law.Source)
			}
			lib.nodes[n.ID] = n
			lib.entries = append(lib.entries, newEntry(n, len(lib.entries)))
			for _, c := range n.Categories {
				lib.suggest[c] = append(lib.suggest[c], n)
			}
		}
		for _, name := range lawNames(law) {
			lib.names = append(lib.names, lawName{normalize(name), law})
		}
	}
	for _, ns := range lib.suggest {
		slices.SortStableFunc(ns, func(a, b *Node) int { return len(a.Categories) - len(b.Categories) })
	}
	slices.SortStableFunc(lib.names, func(a, b lawName) int { return len(b.name) - len(a.name) })
	return lib, nil
}

// Laws are the laws of the library in the desk's order (how a petition
// is handled first, then the laws of the usual disputes, then any other
// imported law by code).
func (l *Library) Laws() []*Law { return slices.Clone(l.laws) }

// Law is the law with the given code, or nil.
func (l *Library) Law(code string) *Law { return l.byCode[code] }

// Node is the node with the given id (see the package doc), or nil.
func (l *Library) Node(id string) *Node { return l.nodes[id] }

// Suggest are the articles tagged with a case category: first those
// about fewer kinds of case (the land law's compensation articles for
// 征地补偿 before the petition rules that apply to every case), then in
// the desk's order of laws, then by article number. An unknown category
// has none.
func (l *Library) Suggest(category string) []*Node { return slices.Clone(l.suggest[category]) }

// Discrepancies are the shipped articles that disagree with the official
// text imported for their law (see CrossCheck), in the desk's order of
// laws. The articles missing from the official text are still in the
// library, with their summaries and without text.
func (l *Library) Discrepancies() []Discrepancy { return slices.Clone(l.problems) }
