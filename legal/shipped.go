package legal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"
)

// shippedFile is the form of legal/<code>.json in assets.Statutes.
type shippedFile struct {
	Code     string           `json:"code"`
	Title    string           `json:"title"`
	Version  string           `json:"version"`
	Link     string           `json:"link"`
	Articles []shippedArticle `json:"articles"`
}

type shippedArticle struct {
	Number     int      `json:"number"`
	Path       []string `json:"path"`
	Title      string   `json:"title"`
	Summary    string   `json:"summary"`
	Categories []string `json:"categories"`
}

// codeRE is the form of a law code.
var codeRE = regexp.MustCompile(`^[a-z][a-z0-9]*$`)

// pathEntryRE is a heading in a shipped article's path: "第四章 信访事项的办理".
var pathEntryRE = regexp.MustCompile(`^第([` + numeralRunes + `]+)(分编|编|章|节) (\S+)$`)

// LoadShipped reads the summaries that ship with the desk, legal/*.json
// in fsys (production passes assets.Statutes), into one sparse tree per
// law: the headings named in the articles' paths, and the articles
// under them, in the order of the law. The laws come in the desk's order
// (known laws first).
//
// A file is refused, with its name and the field at fault, when its code
// does not match its file name or is not lower-case letters and digits,
// a known code has another title, its version is not YYYY-MM-DD, it has
// no articles, an article number is missing or repeated, an article has
// no title or an empty summary, a category is not one of Categories (or
// is repeated), or a path entry is not "第…编|分编|章|节 <title>" from the
// top down or names a heading differently from another article. All
// faults of all files are reported together.
func LoadShipped(fsys fs.FS) ([]*Law, error) {
	names, err := fs.Glob(fsys, "legal/*.json")
	if err != nil {
		return nil, fmt.Errorf("load shipped statutes: %w", err)
	}
	if len(names) == 0 {
		return nil, errors.New("load shipped statutes: no legal/*.json")
	}
	var laws []*Law
	var errs []error
	for _, name := range names {
		law, err := loadShippedFile(fsys, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		laws = append(laws, law)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("load shipped statutes: %w", errors.Join(errs...))
	}
	sortLaws(laws)
	return laws, nil
}

// sortLaws puts laws in the desk's order, unknown ones by code.
func sortLaws(laws []*Law) {
	slices.SortStableFunc(laws, func(a, b *Law) int { return compareCodes(a.Code, b.Code) })
}

func loadShippedFile(fsys fs.FS, name string) (*Law, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	var f shippedFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: more than one JSON value", name)
	}
	var errs []error
	bad := func(field, msg string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s: %s", name, field, fmt.Sprintf(msg, args...)))
	}
	if want := strings.TrimSuffix(path.Base(name), ".json"); f.Code != want {
		bad("code", "%q does not match the file name (want %q)", f.Code, want)
	} else if !codeRE.MatchString(f.Code) {
		bad("code", "%q is not lower-case letters and digits", f.Code)
	}
	switch known := knownTitle(f.Code); {
	case strings.TrimSpace(f.Title) == "":
		bad("title", "empty")
	case known != "" && normalTitle(f.Title) != known:
		bad("title", "%q, but %s is %s", f.Title, f.Code, known)
	}
	if f.Version != "" {
		if _, err := time.Parse(time.DateOnly, f.Version); err != nil {
			bad("version", "%q is not a date YYYY-MM-DD", f.Version)
		}
	}
	if len(f.Articles) == 0 {
		bad("articles", "none")
	}
	law := newLaw(f.Code, normalTitle(f.Title))
	law.Version, law.Link, law.Source = f.Version, f.Link, name
	seen := map[int]bool{}
	for i, a := range f.Articles {
		field := fmt.Sprintf("articles[%d]", i)
		if a.Number < 1 || a.Number > MaxNumber {
			bad(field+".number", "%d is not an article number (1…%d)", a.Number, MaxNumber)
			continue
		}
		field += " (" + Label(KindArticle, a.Number) + ")"
		if seen[a.Number] {
			bad(field+".number", "%s repeated", Label(KindArticle, a.Number))
			continue
		}
		seen[a.Number] = true
		if strings.TrimSpace(a.Title) == "" {
			bad(field+".title", "empty")
		}
		if strings.TrimSpace(a.Summary) == "" {
			bad(field+".summary", "empty")
		}
		for j, c := range a.Categories {
			if !IsCategory(c) {
				bad(fmt.Sprintf("%s.categories[%d]", field, j), "unknown category %q (known: %s)", c, strings.Join(categories[:], " "))
			} else if slices.Index(a.Categories, c) < j {
				bad(fmt.Sprintf("%s.categories[%d]", field, j), "%q repeated", c)
			}
		}
		parent, err := shippedPath(law.Root, a.Path)
		if err != nil {
			bad(field+".path", "%v", err)
			continue
		}
		n := newChild(parent, KindArticle, a.Number, strings.TrimSpace(a.Title))
		n.Summary = strings.TrimSpace(a.Summary)
		n.Categories = cloneStrings(a.Categories)
		insertByArticle(parent, n)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	// Headings were placed by their first article when made; place them
	// again now that all their articles are in.
	reorder(law.Root)
	return law, nil
}

// shippedPath finds or makes the headings of a shipped path under root
// and returns the last (root for an empty path).
func shippedPath(root *Node, entries []string) (*Node, error) {
	parent := root
	for i, e := range entries {
		m := pathEntryRE.FindStringSubmatch(e)
		if m == nil {
			return nil, fmt.Errorf("[%d] %q is not \"第…编|分编|章|节 <title>\" (one space between)", i, e)
		}
		number, err := ParseNumber(m[1])
		if err != nil {
			return nil, fmt.Errorf("[%d] %q: %w", i, e, err)
		}
		k := kindOfUnit(m[2])
		if k <= parent.Kind {
			return nil, fmt.Errorf("[%d] %q cannot be under %q (the path goes from the top down: 编, 分编, 章, 节)", i, e, parent.Name())
		}
		if c := parent.child(k, number); c != nil {
			if c.Title != m[3] {
				return nil, fmt.Errorf("[%d] %q, but another article has %q", i, e, c.Name())
			}
			parent = c
			continue
		}
		c := newChild(parent, k, number, m[3])
		parent.Children = append(parent.Children, c)
		parent = c
	}
	return parent, nil
}

// reorder sorts every node's children into the law's order (by their
// first article).
func reorder(n *Node) {
	slices.SortStableFunc(n.Children, func(a, b *Node) int { return a.firstArticle() - b.firstArticle() })
	for _, c := range n.Children {
		reorder(c)
	}
}
