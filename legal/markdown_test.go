package legal

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestImportOfficial imports every official file and checks it against
// the file itself (article and heading lines counted independently) and
// against what is known of some laws.
func TestImportOfficial(t *testing.T) {
	articleLine := regexp.MustCompile(`^第[零一二三四五六七八九十百千]+条`)
	headingLine := regexp.MustCompile(`^#+\s*第[零一二三四五六七八九十百千]+(分编|编|章|节)`)
	type want struct {
		code, title, version string
		articles, first      int
		parts, subparts      int
		chapters, sections   int
	}
	known := map[string]want{
		"信访工作条例(2022-02-25).md": {"xfgztl", "信访工作条例", "2022-02-25", 50, 1, 0, 0, 6, 0},
		"物权编.md":                {"mfdwqb", "民法典物权编", "2020-05-28", 258, 205, 1, 5, 20, 7},
		"民事诉讼法(2023-09-01).md":  {"msssf", "民事诉讼法", "2023-09-01", 306, 1, 4, 0, 27, 20},
		"劳动合同法(2012-12-28).md":  {"ldhtf", "劳动合同法", "2012-12-28", 98, 1, 0, 0, 8, 3},
		"殡葬管理条例(2012-11-09).md": {"bzgltl", "殡葬管理条例", "2012-11-09", 24, 1, 0, 0, 6, 0},
	}
	seen := 0
	for _, path := range officialFiles(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			law := parseFile(t, path)
			wantArticles, wantHeadings := 0, 0
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sc := bufio.NewScanner(f)
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				if articleLine.MatchString(sc.Text()) {
					wantArticles++
				}
				if headingLine.MatchString(sc.Text()) {
					wantHeadings++
				}
			}
			if law.Code == "mfdwqb" {
				wantHeadings++ // 第二编 物权, from the title lines
			}
			arts := law.Articles()
			if len(arts) != wantArticles {
				t.Errorf("%d articles, the file has %d lines 第…条", len(arts), wantArticles)
			}
			counts := countKinds(law)
			if got := counts[KindPart] + counts[KindSubpart] + counts[KindChapter] + counts[KindSection]; got != wantHeadings {
				t.Errorf("%d headings, the file has %d heading lines 第…编/分编/章/节", got, wantHeadings)
			}
			if counts[KindLaw] != 1 || law.Root.ID != law.Code || law.Root.Title != law.Title {
				t.Errorf("root %+v of law %s %s", law.Root, law.Code, law.Title)
			}
			if strings.HasPrefix(law.Title, prcPrefix) || law.Code != LawCode(law.Title) || knownTitle(law.Code) != law.Title {
				t.Errorf("title %q code %q: not a known law", law.Title, law.Code)
			}
			if _, err := time.Parse(time.DateOnly, law.Version); err != nil {
				t.Errorf("version %q", law.Version)
			}
			if m := fileDateRE.FindStringSubmatch(name); m != nil && m[1] != law.Version {
				t.Errorf("version %q, the file name says %s", law.Version, m[1])
			}
			for i, a := range arts {
				if a.Number != arts[0].Number+i || a.ID != law.Code+"/"+strconv.Itoa(a.Number) || a.Label != Label(KindArticle, a.Number) {
					t.Errorf("article %d: %s %s number %d", i, a.ID, a.Label, a.Number)
				}
				if len(a.Text) == 0 || a.FullText() == "" {
					t.Errorf("%s has no text", a.ID)
				}
				for _, p := range a.Text {
					if p.Text == "" && len(p.Items) == 0 {
						t.Errorf("%s has an empty paragraph", a.ID)
					}
				}
			}
			for n := range law.Root.All() {
				if n.Kind.heading() && (n.Title == "" || strings.ContainsAny(n.Title, " \u3000")) {
					t.Errorf("heading %s title %q", n.ID, n.Title)
				}
			}
			w, ok := known[name]
			if !ok {
				return
			}
			seen++
			got := want{law.Code, law.Title, law.Version, len(arts), arts[0].Number,
				counts[KindPart], counts[KindSubpart], counts[KindChapter], counts[KindSection]}
			if got != w {
				t.Errorf("got %+v\nwant %+v", got, w)
			}
		})
	}
	if seen != len(known) {
		t.Errorf("%d of the %d known files were imported", seen, len(known))
	}
}

// TestImportOfficialTree looks at the trees of some laws closely.
func TestImportOfficialTree(t *testing.T) {
	laws := officialLaws(t)
	node := func(code, id string) *Node {
		t.Helper()
		law := laws[code]
		if law == nil {
			t.Fatalf("no law %s", code)
		}
		for n := range law.Root.All() {
			if n.ID == id {
				return n
			}
		}
		t.Fatalf("no node %s", id)
		return nil
	}
	for _, c := range []struct {
		code, id, name string
		path           []string
	}{
		{"xfgztl", "xfgztl/ch4", "第四章 信访事项的办理", []string{"xfgztl"}},
		{"xfgztl", "xfgztl/34", "第三十四条", []string{"xfgztl", "xfgztl/ch4"}},
		{"mfdwqb", "mfdwqb/p2", "第二编 物权", []string{"mfdwqb"}},
		{"mfdwqb", "mfdwqb/p2/sp1/ch1", "第一章 一般规定", []string{"mfdwqb", "mfdwqb/p2", "mfdwqb/p2/sp1"}},
		{"mfdwqb", "mfdwqb/288", "第二百八十八条", []string{"mfdwqb", "mfdwqb/p2", "mfdwqb/p2/sp2", "mfdwqb/p2/sp2/ch7"}},
		{"mfdwqb", "mfdwqb/p2/sp2/ch7", "第七章 相邻关系", []string{"mfdwqb", "mfdwqb/p2", "mfdwqb/p2/sp2"}},
		{"msssf", "msssf/p3", "第三编 执行程序", []string{"msssf"}},
		{"msssf", "msssf/p3/ch19", "第十九章 一般规定", []string{"msssf", "msssf/p3"}},
		{"msssf", "msssf/p1/ch2/s1", "第一节 级别管辖", []string{"msssf", "msssf/p1", "msssf/p1/ch2"}},
		{"msssf", "msssf/p1/ch4", "第四章 回避", []string{"msssf", "msssf/p1"}},
		{"zswrfzf", "zswrfzf/ch1", "第一章 总则", []string{"zswrfzf"}},
		{"tdglf", "tdglf/ch1", "第一章 总则", []string{"tdglf"}},
	} {
		n := node(c.code, c.id)
		if n.Name() != c.name || !slices.Equal(ids(n.Path()), c.path) {
			t.Errorf("%s: %q under %v, want %q under %v", c.id, n.Name(), ids(n.Path()), c.name, c.path)
		}
	}
	// 第五条 of 信访工作条例: one paragraph with five items.
	a := node("xfgztl", "xfgztl/5")
	if len(a.Text) != 1 || a.Text[0].Text != "信访工作应当遵循下列原则：" || len(a.Text[0].Items) != 5 ||
		!strings.HasPrefix(a.Text[0].Items[4], "（五）坚持源头治理化解矛盾。") {
		t.Errorf("xfgztl/5: %q", a.Text)
	}
	// Items with half-width brackets, then no further paragraph.
	a = node("gytdfwzsbctl", "gytdfwzsbctl/8")
	if len(a.Text) != 1 || len(a.Text[0].Items) != 6 || !strings.HasPrefix(a.Text[0].Items[0], "(一)国防和外交的需要") {
		t.Errorf("gytdfwzsbctl/8: %q", a.Text)
	}
	// Items, then a paragraph of their own.
	a = node("bzgltl", "bzgltl/10")
	if len(a.Text) != 2 || len(a.Text[0].Items) != 4 || !strings.HasPrefix(a.Text[1].Text, "前款规定区域内现有的坟墓") {
		t.Errorf("bzgltl/10: %q", a.Text)
	}
	// Paragraphs of 第三十四条.
	a = node("xfgztl", "xfgztl/34")
	if len(a.Text) < 1 || !strings.Contains(a.FullText(), "60日") {
		t.Errorf("xfgztl/34: %q", a.FullText())
	}
}

func TestImportNotAStatute(t *testing.T) {
	path := filepath.Join(officialDir, "SOURCE.txt")
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		t.Skipf("%s is absent", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = ParseMarkdown("SOURCE.txt", f)
	var pe *ParseError
	if !errors.Is(err, ErrNotStatute) || !errors.As(err, &pe) || pe.Line != 1 ||
		!strings.HasPrefix(err.Error(), "SOURCE.txt:1: not a statute") {
		t.Errorf("SOURCE.txt: %v", err)
	}
}

// A small law exercising the form: BOM, CRLF, zero-width spaces,
// metadata running over two lines, full-width spaces in headings, 分编
// under a synthesised 编, a section, items with both brackets.
const sampleCivil = "\uFEFF# 中华人民共和国民法典\r\n\r\n# 物权编\r\n\r\n" +
	"2020年5月28日 第十三届全国人民代表大会\r\n第三次会议通过\r\n\r\n" +
	"2021年1月1日 施行\r\n\r\n<!-- INFO END -->\r\n\u200b\r\n" +
	"## 第一分编　通　则\r\n\r\n### 第一章  一般规定\r\n\r\n" +
	"第二百零五条 本编调整因物的归属和利用产生的民事关系。\r\n\r\n" +
	"#### 第一节 登记\r\n\r\n" +
	"第二百零六条 第一款。\r\n\r\n第二款：\r\n\r\n（一）甲；\r\n\r\n(二)乙。\r\n\r\n第三款。\r\n\r\n" +
	"## 第二分编 所有权\r\n\r\n### 第二章 一般规定\r\n\r\n" +
	"第二百零七条\r\n\r\n只在下一行的第一款。\r\n"

func TestImportSample(t *testing.T) {
	law := mustParse(t, "some/dir/物权编.md", sampleCivil)
	if law.Code != "mfdwqb" || law.Title != "民法典物权编" || law.Version != "2020-05-28" || law.Source != "some/dir/物权编.md" {
		t.Errorf("law %s %s %s %s", law.Code, law.Title, law.Version, law.Source)
	}
	var got []string
	for n := range law.Root.All() {
		got = append(got, n.ID+" "+n.Name())
	}
	want := []string{
		"mfdwqb 民法典物权编",
		"mfdwqb/p2 第二编 物权",
		"mfdwqb/p2/sp1 第一分编 通则",
		"mfdwqb/p2/sp1/ch1 第一章 一般规定",
		"mfdwqb/205 第二百零五条",
		"mfdwqb/p2/sp1/ch1/s1 第一节 登记",
		"mfdwqb/206 第二百零六条",
		"mfdwqb/p2/sp2 第二分编 所有权",
		"mfdwqb/p2/sp2/ch2 第二章 一般规定",
		"mfdwqb/207 第二百零七条",
	}
	if !slices.Equal(got, want) {
		t.Errorf("tree\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	a := law.Article(206)
	wantText := []Paragraph{{Text: "第一款。"}, {Text: "第二款：", Items: []string{"（一）甲；", "(二)乙。"}}, {Text: "第三款。"}}
	if !equalText(a.Text, wantText) {
		t.Errorf("206: %q", a.Text)
	}
	if a.FullText() != "第一款。\n第二款：\n（一）甲；\n(二)乙。\n第三款。" {
		t.Errorf("206 full text %q", a.FullText())
	}
	if a := law.Article(207); !equalText(a.Text, []Paragraph{{Text: "只在下一行的第一款。"}}) {
		t.Errorf("207: %q", a.Text)
	}
	if law.Article(208) != nil || !law.HasText() {
		t.Error("Article(208) or HasText")
	}
}

func equalText(a, b []Paragraph) bool {
	return slices.EqualFunc(a, b, func(x, y Paragraph) bool { return x.Text == y.Text && slices.Equal(x.Items, y.Items) })
}

func TestImportVersionAndCode(t *testing.T) {
	body := "\n\n## 第一章 总则\n\n第一条 甲。\n"
	for _, c := range []struct {
		name, text, code, title, version string
	}{
		{"x.md", "# 信访工作条例\n\n2022年1月24日 中共中央政治局会议审议批准\n2022年2月25日 中共中央、国务院发布\n\n<!-- INFO END -->" + body,
			"xfgztl", "信访工作条例", "2022-02-25"},
		// the file name's date wins
		{"信访工作条例（2022-02-25）.md", "# 信访工作条例\n\n2021年1月1日 发布\n<!-- INFO END -->" + body, "xfgztl", "信访工作条例", "2022-02-25"},
		// a date in force only when nothing else
		{"x.md", "# 中华人民共和国土地管理法\n\n1986年6月25日 通过\n\n2020年1月1日 施行\n<!-- INFO END -->" + body, "tdglf", "土地管理法", "1986-06-25"},
		{"x.md", "# 土地管理法\n\n2020年1月1日 起施行\n<!-- INFO END -->" + body, "tdglf", "土地管理法", "2020-01-01"},
		// the entry's word is on the next line
		{"x.md", "# 土地管理法\n\n2004年8月28日 通过\n2019年8月26日 《关于修改\n〈土地管理法〉的决定》第三次修正\n<!-- INFO END -->" + body, "tdglf", "土地管理法", "2019-08-26"},
		// no INFO END: dated lines are metadata
		{"x.md", "# 土地管理法\n\n2004年8月28日 通过\n" + body, "tdglf", "土地管理法", "2004-08-28"},
		// no date at all; an unknown law
		{"x.md", "# 中华人民共和国 某某 法\n<!-- INFO END -->" + body, LawCode("某某法"), "某某法", ""},
		{"bad(2022-02-30).md", "# 某某法" + body, LawCode("某某法"), "某某法", ""},
	} {
		law, err := ParseMarkdown(c.name, strings.NewReader(c.text))
		if err != nil {
			t.Errorf("%q: %v", c.text, err)
			continue
		}
		if law.Code != c.code || law.Title != c.title || law.Version != c.version {
			t.Errorf("%q: %s %s %q, want %s %s %q", c.text, law.Code, law.Title, law.Version, c.code, c.title, c.version)
		}
	}
}

func TestLawCode(t *testing.T) {
	for title, code := range map[string]string{
		"信访工作条例": "xfgztl", "中华人民共和国土地管理法": "tdglf", "土地管理法实施条例": "tdglfsstl",
		"中华人民共和国 民事诉讼法": "msssf", "民法典物权编": "mfdwqb",
	} {
		if got := LawCode(title); got != code {
			t.Errorf("LawCode(%q) = %q, want %q", title, got, code)
		}
	}
	a, b := LawCode("中华人民共和国刑法"), LawCode("刑法")
	if a != b || !regexp.MustCompile(`^u[0-9a-f]{8}$`).MatchString(a) || a == LawCode("民法典") {
		t.Errorf("derived codes %q %q %q", a, b, LawCode("民法典"))
	}
	// codes are stored and linked to: the derivation must not change
	if a != "u540475b5" {
		t.Errorf("LawCode(刑法) = %q, was u540475b5", a)
	}
	for _, l := range knownLaws {
		if !codeRE.MatchString(l.code) || strings.HasPrefix(l.code, "u") || LawCode(l.title) != l.code {
			t.Errorf("known law %s %s", l.code, l.title)
		}
	}
}

// TestImportMalformed feeds faulty files; each error must name the file
// and the line at fault.
func TestImportMalformed(t *testing.T) {
	const head = "# 信访工作条例\n\n2022年2月25日 发布\n\n<!-- INFO END -->\n\n" // lines 1-6
	for _, c := range []struct {
		what, text  string
		line        int
		notStatute  bool
		msgContains string
	}{
		{"no title", "\n\n第一条 甲。\n", 3, true, "not a title"},
		{"empty file", "", 1, true, "no title"},
		{"title only", "# 某某法\n\n", 1, true, "no articles"},
		{"no articles", head + "## 第一章 总则\n", 7, true, "no articles"},
		{"three titles", "# 甲\n# 乙\n# 丙\n", 3, false, "third title"},
		{"article out of sequence", head + "## 第一章 总则\n\n第一条 甲。\n\n第三条 丙。\n", 11, false, "expected 第二条"},
		{"article repeated", head + "第一条 甲。\n第二条 乙。\n第二条 乙。\n", 9, false, "repeated"},
		{"article number bad", head + "第十十条 甲。\n", 7, false, "article"},
		{"article zero", head + "第零条 甲。\n", 7, false, "第一条"},
		{"article 之一", head + "第一条 甲。\n第一条之一 乙。\n", 8, false, "之一"},
		{"empty article", head + "第一条\n\n第二条 乙。\n", 7, false, "第一条 is empty"},
		{"empty last article", head + "第一条 甲。\n\n第二条\n\n", 9, false, "第二条 is empty"},
		{"empty article before heading", head + "第一条\n## 第二章 乙\n第二条 乙。\n", 7, false, "empty"},
		{"text after INFO END", head + "本法自公布之日起施行。\n\n第一条 甲。\n", 7, false, "before the first heading"},
		{"item after INFO END", head + "（一）甲；\n", 7, false, "before the first heading"},
		{"text that is not metadata", "# 信访工作条例\n\n说明文字\n\n第一条 甲。\n", 3, false, "not metadata"},
		{"heading not 编章节", head + "## 第一章 总则\n\n第一条 甲。\n\n## 附则\n\n第二条 乙。\n", 11, false, "not a 编"},
		{"title-level heading in body", head + "第一条 甲。\n# 附件\n", 8, false, "not a 编"},
		{"heading in metadata", "# 信访工作条例\n\n## 说明\n", 3, false, "not a 编"},
		{"heading repeated", head + "## 第一章 甲\n第一条 甲。\n## 第一章 乙\n第二条 乙。\n", 9, false, "第一章 after 第一章"},
		{"heading backwards", head + "## 第二章 甲\n第一条 甲。\n## 第一章 乙\n第二条 乙。\n", 9, false, "after"},
		{"heading bad number", head + "## 第十十章 甲\n", 7, false, "heading"},
		{"text between heading and article", head + "## 第一章 总则\n\n说明\n\n第一条 甲。\n", 9, false, "outside an article"},
		{"INFO END twice", head + "第一条 甲。\n<!-- INFO END -->\n", 8, false, "INFO END"},
	} {
		_, err := ParseMarkdown("bad.md", strings.NewReader(c.text))
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%s: %v, want a *ParseError", c.what, err)
			continue
		}
		prefix := "bad.md:" + strconv.Itoa(c.line) + ": "
		if pe.File != "bad.md" || pe.Line != c.line || !strings.HasPrefix(err.Error(), prefix) ||
			errors.Is(err, ErrNotStatute) != c.notStatute || !strings.Contains(err.Error(), c.msgContains) {
			t.Errorf("%s: %v; want line %d, not a statute %v, containing %q", c.what, err, c.line, c.notStatute, c.msgContains)
		}
	}
}

// A reader that fails is reported with the file's name.
func TestImportReadError(t *testing.T) {
	_, err := ParseMarkdown("r.md", &failingReader{})
	if err == nil || !strings.HasPrefix(err.Error(), "r.md:") || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("err = %v", err)
	}
}

type failingReader struct{ done bool }

func (r *failingReader) Read(p []byte) (int, error) {
	if !r.done {
		r.done = true
		return copy(p, "# 某某法\n"), nil
	}
	return 0, errors.New("disk on fire")
}
