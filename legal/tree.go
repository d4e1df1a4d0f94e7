package legal

import (
	"iter"
	"slices"
	"strconv"
	"strings"
)

// Kind is what a node of the statute tree is.
type Kind uint8

// The kinds of node, from the top down. A law's children are parts,
// subparts, chapters, sections or articles; a heading's children are
// deeper headings or articles; articles are leaves.
const (
	KindLaw     Kind = iota + 1 // 法律 / 条例
	KindPart                    // 编
	KindSubpart                 // 分编
	KindChapter                 // 章
	KindSection                 // 节
	KindArticle                 // 条
)

func (k Kind) String() string {
	switch k {
	case KindLaw:
		return "law"
	case KindPart:
		return "part"
	case KindSubpart:
		return "subpart"
	case KindChapter:
		return "chapter"
	case KindSection:
		return "section"
	case KindArticle:
		return "article"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// unit is the word after the number in the kind's label (条 in 第三十四条).
func (k Kind) unit() string {
	switch k {
	case KindPart:
		return "编"
	case KindSubpart:
		return "分编"
	case KindChapter:
		return "章"
	case KindSection:
		return "节"
	case KindArticle:
		return "条"
	}
	return ""
}

// segment is the kind's prefix in a heading id (ch in xfgztl/ch4).
func (k Kind) segment() string {
	switch k {
	case KindPart:
		return "p"
	case KindSubpart:
		return "sp"
	case KindChapter:
		return "ch"
	case KindSection:
		return "s"
	}
	return ""
}

// heading reports whether k is 编, 分编, 章 or 节.
func (k Kind) heading() bool { return k >= KindPart && k <= KindSection }

// kindOfUnit is the heading kind whose label ends in unit.
func kindOfUnit(unit string) Kind {
	for k := KindPart; k <= KindSection; k++ {
		if k.unit() == unit {
			return k
		}
	}
	return 0
}

// Paragraph is one 款 of an article's official text: its words and the
// items (项) listed under it, each as written with its marker
// ("（一）坚持党的全面领导。…").
type Paragraph struct {
	Text  string
	Items []string
}

// Node is a law, a heading or an article of a statute tree. See the
// package doc for the id scheme.
type Node struct {
	ID     string // "xfgztl/34", "xfgztl/ch4", "xfgztl"
	Kind   Kind
	Number int    // 34 for 第三十四条, 4 for 第四章; 0 for a law
	Label  string // 第三十四条, 第四章; empty for a law
	// Title is a heading's words (信访事项的办理), a law's title
	// (信访工作条例), or for an article the short title we gave it
	// (办理期限; empty when we have not written one: statutes do not
	// title their articles).
	Title      string
	Summary    string      // articles: what it says in plain words, written by us
	Text       []Paragraph // articles: the official text, empty until imported
	Categories []string    // articles: the case categories it bears on
	Children   []*Node     // in the order of the law
	Parent     *Node       // nil for a law
}

// Name is the node as a heading shows it: "第四章 信访事项的办理",
// "第三十四条 办理期限", "第三十四条", or a law's title.
func (n *Node) Name() string {
	switch {
	case n.Label == "":
		return n.Title
	case n.Title == "":
		return n.Label
	}
	return n.Label + " " + n.Title
}

// Code is the code of the law the node belongs to.
func (n *Node) Code() string {
	code, _, _ := strings.Cut(n.ID, "/")
	return code
}

// Path is the node's ancestors from its law down to its parent, for
// breadcrumbs: for xfgztl/34 the law, then 第四章.
func (n *Node) Path() []*Node {
	var path []*Node
	for p := n.Parent; p != nil; p = p.Parent {
		path = append(path, p)
	}
	slices.Reverse(path)
	return path
}

// FullText is the article's official text, one paragraph or item a line.
func (n *Node) FullText() string {
	var b strings.Builder
	for _, p := range n.Text {
		for _, line := range append([]string{p.Text}, p.Items...) {
			if line == "" {
				continue
			}
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(line)
		}
	}
	return b.String()
}

// All yields the node and everything under it, in the order of the law.
func (n *Node) All() iter.Seq[*Node] {
	return func(yield func(*Node) bool) { n.walk(yield) }
}

func (n *Node) walk(yield func(*Node) bool) bool {
	if !yield(n) {
		return false
	}
	for _, c := range n.Children {
		if !c.walk(yield) {
			return false
		}
	}
	return true
}

// firstArticle is the number of the first article at or under n, or 0.
func (n *Node) firstArticle() int {
	for d := range n.All() {
		if d.Kind == KindArticle {
			return d.Number
		}
	}
	return 0
}

// child is n's child of the given kind and number, or nil.
func (n *Node) child(k Kind, number int) *Node {
	for _, c := range n.Children {
		if c.Kind == k && c.Number == number {
			return c
		}
	}
	return nil
}

// newChild makes a heading or article under parent (not yet added to its
// children), with its id and label.
func newChild(parent *Node, k Kind, number int, title string) *Node {
	id := parent.Code() + "/" + strconv.Itoa(number)
	if k != KindArticle {
		id = parent.ID + "/" + k.segment() + strconv.Itoa(number)
	}
	return &Node{ID: id, Kind: k, Number: number, Label: Label(k, number), Title: title, Parent: parent}
}

// insertByArticle puts c among parent's children before the first child
// whose articles come after c's, keeping the law's order.
func insertByArticle(parent, c *Node) {
	first := c.firstArticle()
	i := slices.IndexFunc(parent.Children, func(s *Node) bool { return s.firstArticle() > first })
	if i < 0 {
		i = len(parent.Children)
	}
	parent.Children = slices.Insert(parent.Children, i, c)
	c.Parent = parent
}

// clone copies n and everything under it, with parent as the copy's
// parent.
func (n *Node) clone(parent *Node) *Node {
	c := *n
	c.Parent = parent
	c.Categories = cloneStrings(n.Categories)
	c.Text = make([]Paragraph, len(n.Text))
	for i, p := range n.Text {
		c.Text[i] = Paragraph{Text: p.Text, Items: cloneStrings(p.Items)}
	}
	if len(n.Text) == 0 {
		c.Text = nil
	}
	c.Children = make([]*Node, len(n.Children))
	for i, ch := range n.Children {
		c.Children[i] = ch.clone(&c)
	}
	if len(n.Children) == 0 {
		c.Children = nil
	}
	return &c
}

// Law is one statute: its tree and where it came from.
type Law struct {
	Code    string // "xfgztl"; see LawCode
	Title   string // "信访工作条例", without 中华人民共和国
	Version string // the text's date, "2022-02-25", or "" when unknown; see Newer
	Link    string // where to read the official text
	Source  string // the file it was read from
	Root    *Node  // the law itself: kind KindLaw, ID Code, Title Title
}

// newLaw makes a law with an empty tree.
func newLaw(code, title string) *Law {
	return &Law{Code: code, Title: title, Root: &Node{ID: code, Kind: KindLaw, Title: title}}
}

// Article is the article numbered n, or nil.
func (l *Law) Article(n int) *Node {
	for d := range l.Root.All() {
		if d.Kind == KindArticle && d.Number == n {
			return d
		}
	}
	return nil
}

// Articles are the law's articles in order.
func (l *Law) Articles() []*Node {
	var out []*Node
	for d := range l.Root.All() {
		if d.Kind == KindArticle {
			out = append(out, d)
		}
	}
	return out
}

// HasText reports whether the law carries official text (it was
// imported), rather than only our summaries.
func (l *Law) HasText() bool {
	for d := range l.Root.All() {
		if len(d.Text) > 0 {
			return true
		}
	}
	return false
}

// clone copies the law and its tree.
func (l *Law) clone() *Law {
	c := *l
	c.Root = l.Root.clone(nil)
	return &c
}

// Newer reports whether a is a newer version of a law than b: a later
// Version date wins, and a dated version wins over an undated one. Two
// undated versions, or the same date, are not newer than each other.
// Versions are ISO dates (YYYY-MM-DD), which order as strings.
func Newer(a, b *Law) bool {
	switch {
	case a.Version == "":
		return false
	case b.Version == "":
		return true
	}
	return a.Version > b.Version
}

// cloneStrings copies s; empty is nil, so copies compare equal however
// they were made.
func cloneStrings(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone(s)
}
