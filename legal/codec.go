package legal

import (
	"encoding/json"
	"errors"
	"fmt"
)

// wireFormat is the version of the stored form; Unmarshal refuses others.
const wireFormat = 1

// wireLaw is the stored form of a law: the tree without what can be
// derived (ids, labels, parents).
type wireLaw struct {
	Format  int        `json:"format"`
	Code    string     `json:"code"`
	Title   string     `json:"title"`
	Version string     `json:"version,omitempty"`
	Link    string     `json:"link,omitempty"`
	Source  string     `json:"source,omitempty"`
	Nodes   []wireNode `json:"nodes"`
}

// wireNode is a heading or an article. Kind is the id segment of a
// heading (p, sp, ch, s) or "a" for an article; Text has one array a
// paragraph, its text first and its items after.
type wireNode struct {
	Kind       string     `json:"k"`
	Number     int        `json:"n"`
	Title      string     `json:"t,omitempty"`
	Summary    string     `json:"s,omitempty"`
	Categories []string   `json:"c,omitempty"`
	Text       [][]string `json:"x,omitempty"`
	Children   []wireNode `json:"in,omitempty"`
}

// Marshal writes a law (typically an imported one) as compact JSON, for
// the store to keep as a blob; Unmarshal reads it back.
func Marshal(l *Law) ([]byte, error) {
	if l == nil || l.Root == nil {
		return nil, errors.New("marshal law: nil")
	}
	w := wireLaw{Format: wireFormat, Code: l.Code, Title: l.Title, Version: l.Version, Link: l.Link, Source: l.Source, Nodes: toWire(l.Root.Children)}
	data, err := json.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("marshal law %s: %w", l.Code, err)
	}
	return data, nil
}

func toWire(nodes []*Node) []wireNode {
	out := make([]wireNode, 0, len(nodes))
	for _, n := range nodes {
		w := wireNode{Kind: n.Kind.segment(), Number: n.Number, Title: n.Title, Summary: n.Summary, Categories: n.Categories, Children: toWire(n.Children)}
		if n.Kind == KindArticle {
			w.Kind = "a"
		}
		for _, p := range n.Text {
			w.Text = append(w.Text, append([]string{p.Text}, p.Items...))
		}
		if len(w.Children) == 0 {
			w.Children = nil
		}
		out = append(out, w)
	}
	return out
}

// Unmarshal reads a law written by Marshal. It refuses another format,
// an unknown kind, a code that is not lower-case letters and digits,
// headings out of place (a heading under an article or under a deeper
// heading), and repeated ids.
func Unmarshal(data []byte) (*Law, error) {
	var w wireLaw
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, fmt.Errorf("unmarshal law: %w", err)
	}
	if w.Format != wireFormat {
		return nil, fmt.Errorf("unmarshal law %s: format %d, want %d", w.Code, w.Format, wireFormat)
	}
	if !codeRE.MatchString(w.Code) {
		return nil, fmt.Errorf("unmarshal law: code %q is not lower-case letters and digits", w.Code)
	}
	l := newLaw(w.Code, w.Title)
	l.Version, l.Link, l.Source = w.Version, w.Link, w.Source
	seen := map[string]bool{}
	if err := fromWire(l.Root, w.Nodes, seen); err != nil {
		return nil, fmt.Errorf("unmarshal law %s: %w", w.Code, err)
	}
	return l, nil
}

func fromWire(parent *Node, nodes []wireNode, seen map[string]bool) error {
	for _, w := range nodes {
		k := KindArticle
		if w.Kind != "a" {
			k = 0
			for h := KindPart; h <= KindSection; h++ {
				if h.segment() == w.Kind {
					k = h
				}
			}
			if k == 0 {
				return fmt.Errorf("under %s: unknown kind %q", parent.ID, w.Kind)
			}
		}
		if parent.Kind >= k {
			return fmt.Errorf("%s %d cannot be under %s", k, w.Number, parent.ID)
		}
		if w.Number < 1 || w.Number > MaxNumber {
			return fmt.Errorf("under %s: %s number %d out of range", parent.ID, k, w.Number)
		}
		n := newChild(parent, k, w.Number, w.Title)
		if seen[n.ID] {
			return fmt.Errorf("%s repeated", n.ID)
		}
		seen[n.ID] = true
		n.Summary, n.Categories = w.Summary, cloneStrings(w.Categories)
		for _, p := range w.Text {
			if len(p) == 0 {
				return fmt.Errorf("%s: an empty paragraph", n.ID)
			}
			para := Paragraph{Text: p[0]}
			if len(p) > 1 {
				para.Items = cloneStrings(p[1:])
			}
			n.Text = append(n.Text, para)
		}
		if k == KindArticle && len(w.Children) > 0 {
			return fmt.Errorf("%s: an article with children", n.ID)
		}
		parent.Children = append(parent.Children, n)
		if err := fromWire(n, w.Children, seen); err != nil {
			return err
		}
	}
	return nil
}
