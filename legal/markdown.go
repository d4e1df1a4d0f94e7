package legal

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"
)

// ErrNotStatute marks a file that is not a statute at all (no title, no
// articles), as opposed to a statute with a fault in it.
var ErrNotStatute = errors.New("not a statute")

// ParseError is a fault in an imported file, at a line.
type ParseError struct {
	File string // the name given to ParseMarkdown
	Line int    // 1-based
	Msg  string
	Err  error // what lies beneath, if anything (ErrNotStatute, a numeral's error)
}

func (e *ParseError) Error() string {
	if e.Err != nil && !errors.Is(e.Err, ErrNotStatute) {
		return fmt.Sprintf("%s:%d: %s: %v", e.File, e.Line, e.Msg, e.Err)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

func (e *ParseError) Unwrap() error { return e.Err }

var (
	// headingRE is a heading's words: 第一分编  通则, 第一章　总　　则.
	headingRE = regexp.MustCompile(`^第([` + numeralRunes + `]+)(分编|编|章|节)(.*)$`)
	// articleRE starts an article: the number, then its first paragraph.
	articleRE = regexp.MustCompile(`^第([` + numeralRunes + `]+)条(之[` + numeralRunes + `]+)?(?:[\s\x{3000}]+(.*))?$`)
	// itemRE starts an item (项): （一）, (二).
	itemRE = regexp.MustCompile(`^[（(][` + numeralRunes + `]+[）)]`)
	// dateRE is a date in metadata: 2022年2月25日.
	dateRE = regexp.MustCompile(`(\d{4})年(\d{1,2})月(\d{1,2})日`)
	// fileDateRE is the version in a file name: 信访工作条例(2022-02-25).md.
	fileDateRE = regexp.MustCompile(`[（(](\d{4}-\d{2}-\d{2})[）)]`)
)

// infoEnd ends the metadata lines of a file.
const infoEnd = "<!-- INFO END -->"

// ParseMarkdown reads the official text of a law from the Markdown form
// of the LawRefBook collection; name is the file's name (it appears in
// errors, and its "(YYYY-MM-DD)" is the version).
//
// The form: one or two "# " title lines (# 中华人民共和国民法典 then
// # 物权编 makes the title 民法典物权编, under a heading 第二编 物权);
// metadata lines (2022年2月25日 中共中央、国务院发布), ended by
// <!-- INFO END -->; then headings and articles. A heading's level comes
// from its words (第…编, 第…分编, 第…章, 第…节), not from its number of
// #; spaces inside it are dropped (第一章　总　　则 is 第一章 总则). A line
// 第…条 followed by a space begins an article, the rest of the line
// being its first paragraph; further lines are further paragraphs (款);
// lines starting （一） are items (项) of the paragraph before. Blank
// lines and zero-width spaces are ignored.
//
// The title loses its 中华人民共和国 and gives the code (LawCode). The
// version is the date in the file name, or else the latest date in the
// metadata of an entry that 通过, 修正, 修订, 发布 or 公布 the text (the
// date the text was made; a later 施行 date, when it came into force, is
// used only when there is no other); no date leaves it "".
//
// A file with no title line or no article is not a statute (the error
// wraps ErrNotStatute). A malformed one is refused too: text after the
// metadata and before the first heading or article (or, with no INFO END,
// a line there without a date), text between a heading and its first
// article, a heading that is not 编/分编/章/节 or whose number does not
// rise, an article number out of sequence or repeated, an empty article,
// a 第…条之一 article (not supported). Each error is a *ParseError naming
// the file and line.
func ParseMarkdown(name string, r io.Reader) (*Law, error) {
	p := &parser{name: name}
	br := bufio.NewReader(r)
	for {
		s, err := br.ReadString('\n')
		if s != "" {
			p.line++
			if perr := p.feed(cleanLine(s)); perr != nil {
				return nil, perr
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &ParseError{File: name, Line: p.line + 1, Msg: "read", Err: err}
		}
	}
	return p.finish()
}

// cleanLine drops the line end, byte order marks, zero-width characters
// and surrounding spaces (full-width ones too).
func cleanLine(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF':
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

type phase int

const (
	phaseTitle phase = iota // before and among the title lines
	phaseMeta               // metadata lines, before INFO END
	phaseGap                // after INFO END, before the first heading or article
	phaseBody
)

type parser struct {
	name  string
	line  int
	phase phase

	titles     []string // the # title lines
	meta       []string // metadata entries, each starting with a date
	law        *Law
	open       []*Node // open headings, the law first
	art        *Node   // the article being read
	artLine    int
	lastNumber int // the number of the last article read, 0 before the first
	lastLine   int // the last non-blank line
}

func (p *parser) fail(msg string, args ...any) error {
	return &ParseError{File: p.name, Line: p.line, Msg: fmt.Sprintf(msg, args...)}
}

func (p *parser) notStatute(line int, msg string) error {
	return &ParseError{File: p.name, Line: line, Msg: "not a statute: " + msg, Err: ErrNotStatute}
}

// feed takes one cleaned line.
func (p *parser) feed(s string) error {
	if s == "" {
		return nil
	}
	p.lastLine = p.line
	if s == infoEnd {
		if p.phase == phaseBody {
			return p.fail("%s after the text began", infoEnd)
		}
		if p.phase == phaseTitle {
			if err := p.startBody(); err != nil {
				return err
			}
		}
		p.phase = phaseGap
		return nil
	}
	if strings.HasPrefix(s, "<!--") && strings.HasSuffix(s, "-->") {
		return nil // a comment
	}
	level, text := headingLine(s)
	structural := level > 0 && headingRE.MatchString(text) || level == 0 && articleRE.MatchString(s)
	switch p.phase {
	case phaseTitle:
		if level == 1 && !structural {
			if len(p.titles) == 2 {
				return p.fail("a third title line %q", s)
			}
			p.titles = append(p.titles, text)
			return nil
		}
		if len(p.titles) == 0 {
			return p.notStatute(p.line, fmt.Sprintf("the first line is not a title (# …): %q", short(s)))
		}
		if err := p.startBody(); err != nil {
			return err
		}
		p.phase = phaseMeta
		return p.feed(s)
	case phaseMeta, phaseGap:
		if !structural {
			if level > 0 {
				return p.fail("heading %q is not a 编, 分编, 章 or 节", text)
			}
			if p.phase == phaseGap {
				return p.fail("text before the first heading or article: %q", short(s))
			}
			if dateRE.MatchString(s) {
				p.meta = append(p.meta, s) // an entry begins with its date
			} else if len(p.meta) > 0 {
				p.meta[len(p.meta)-1] += s // the entry goes on
			} else {
				return p.fail("text before the first heading or article is not metadata (no date): %q", short(s))
			}
			return nil
		}
		p.phase = phaseBody
	}
	switch {
	case level > 0:
		return p.heading(text)
	case articleRE.MatchString(s):
		return p.article(s)
	case p.art == nil:
		return p.fail("text outside an article: %q", short(s))
	case itemRE.MatchString(s):
		if len(p.art.Text) == 0 {
			p.art.Text = append(p.art.Text, Paragraph{})
		}
		last := &p.art.Text[len(p.art.Text)-1]
		last.Items = append(last.Items, s)
	default:
		p.art.Text = append(p.art.Text, Paragraph{Text: s})
	}
	return nil
}

// headingLine splits a Markdown heading into its level (number of #)
// and words; level 0 is not a heading.
func headingLine(s string) (int, string) {
	text := strings.TrimLeft(s, "#")
	level := len(s) - len(text)
	return level, strings.TrimSpace(text)
}

// short cuts a quoted line for an error message.
func short(s string) string {
	if r := []rune(s); len(r) > 30 {
		return string(r[:30]) + "…"
	}
	return s
}

// startBody makes the law from its title lines.
func (p *parser) startBody() error {
	if len(p.titles) == 0 {
		return p.notStatute(p.line, "no title line (# …)")
	}
	title := normalTitle(p.titles[0])
	book := 0 // the Civil Code's book (编) the file holds, if it is one
	if len(p.titles) == 2 {
		second := normalTitle(p.titles[1])
		if title == "民法典" {
			book = slices.Index(civilCodeBooks[:], second) + 1
		}
		title += second
	}
	p.law = newLaw(LawCode(title), title)
	p.law.Source = p.name
	p.open = []*Node{p.law.Root}
	if book > 0 {
		n := newChild(p.law.Root, KindPart, book, strings.TrimSuffix(civilCodeBooks[book-1], "编"))
		p.law.Root.Children = append(p.law.Root.Children, n)
		p.open = append(p.open, n)
	}
	return nil
}

// heading opens a heading: it closes the open ones at its level or
// deeper, and goes under the one left.
func (p *parser) heading(text string) error {
	m := headingRE.FindStringSubmatch(text)
	if m == nil {
		return p.fail("heading %q is not a 编, 分编, 章 or 节", text)
	}
	number, err := ParseNumber(m[1])
	if err != nil {
		return &ParseError{File: p.name, Line: p.line, Msg: fmt.Sprintf("heading %q", text), Err: err}
	}
	if err := p.closeArticle(); err != nil {
		return err
	}
	k := kindOfUnit(m[2])
	for p.open[len(p.open)-1].Kind >= k {
		p.open = p.open[:len(p.open)-1]
	}
	parent := p.open[len(p.open)-1]
	for _, c := range parent.Children {
		if c.Kind == k && c.Number >= number {
			return p.fail("heading %s after %s", Label(k, number), c.Label)
		}
	}
	n := newChild(parent, k, number, strings.Join(strings.Fields(m[3]), ""))
	parent.Children = append(parent.Children, n)
	p.open = append(p.open, n)
	return nil
}

// article begins an article.
func (p *parser) article(s string) error {
	m := articleRE.FindStringSubmatch(s)
	number, err := ParseNumber(m[1])
	if err != nil {
		return &ParseError{File: p.name, Line: p.line, Msg: fmt.Sprintf("article %q", short(s)), Err: err}
	}
	if m[2] != "" {
		return p.fail("article %s%s: articles numbered 之… are not supported", Label(KindArticle, number), m[2])
	}
	if err := p.closeArticle(); err != nil {
		return err
	}
	if prev := p.lastNumber; prev > 0 && number != prev+1 {
		what := "out of sequence"
		if number <= prev {
			what = "repeated or out of sequence"
		}
		return p.fail("article %s %s: expected %s after %s", Label(KindArticle, number), what, Label(KindArticle, prev+1), Label(KindArticle, prev))
	}
	if number < 1 {
		return p.fail("article %s: articles start at 第一条", Label(KindArticle, number))
	}
	parent := p.open[len(p.open)-1]
	p.art = newChild(parent, KindArticle, number, "")
	parent.Children = append(parent.Children, p.art)
	p.artLine = p.line
	p.lastNumber = number
	if first := strings.TrimSpace(m[3]); first != "" {
		p.art.Text = append(p.art.Text, Paragraph{Text: first})
	}
	return nil
}

// closeArticle ends the article being read; it must have text.
func (p *parser) closeArticle() error {
	if p.art == nil {
		return nil
	}
	if len(p.art.Text) == 0 {
		return &ParseError{File: p.name, Line: p.artLine, Msg: fmt.Sprintf("article %s is empty", p.art.Label)}
	}
	p.art = nil
	return nil
}

// finish ends the file.
func (p *parser) finish() (*Law, error) {
	if p.law == nil {
		if len(p.titles) == 0 {
			return nil, p.notStatute(max(p.line, 1), "no title line (# …)")
		}
		if err := p.startBody(); err != nil {
			return nil, err
		}
	}
	if err := p.closeArticle(); err != nil {
		return nil, err
	}
	if p.lastNumber == 0 {
		return nil, p.notStatute(max(p.lastLine, 1), "no articles (第…条)")
	}
	p.law.Version = p.version()
	return p.law, nil
}

// version is the date in the file name, or else the latest date of the
// metadata that made the text, or else the latest 施行 date, or "".
func (p *parser) version() string {
	base := p.name[strings.LastIndexAny(p.name, `/\`)+1:]
	if m := fileDateRE.FindStringSubmatch(base); m != nil {
		if _, err := time.Parse(time.DateOnly, m[1]); err == nil {
			return m[1]
		}
	}
	var made, inForce string
	for _, entry := range p.meta {
		m := dateRE.FindStringSubmatch(entry)
		t, err := time.Parse("2006-1-2", m[1]+"-"+m[2]+"-"+m[3])
		if err != nil {
			continue
		}
		date := t.Format(time.DateOnly)
		switch {
		case containsAnyWord(entry, "通过", "修正", "修订", "发布", "公布"):
			made = max(made, date)
		case strings.Contains(entry, "施行"):
			inForce = max(inForce, date)
		}
	}
	if made != "" {
		return made
	}
	return inForce
}

func containsAnyWord(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
