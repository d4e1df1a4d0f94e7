package legal

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"jiefang/assets"
)

// A small library: 信访工作条例 with official text and summaries (33 under
// the wrong chapter, 40 not in the text), 土地管理法 and its 实施条例 with
// text only, 噪声污染防治法 with summaries only.
const (
	fixtureXF = `# 信访工作条例

2022年2月25日 中共中央、国务院发布

<!-- INFO END -->

## 第三章 信访事项的提出和受理

第三十三条 信访人应当如实反映情况，办理期限另行规定。

## 第四章 信访事项的办理

第三十四条 信访事项应当自受理之日起60日内办结。

第三十五条 信访人对处理意见不服的，可以请求复查。

第三十六条 复核的规定，参见本条例第三十四条。
`
	fixtureTD = `# 中华人民共和国土地管理法

2019年8月26日 第三次修正

<!-- INFO END -->

## 第一章 总则

第一条 为了加强土地管理，制定本法。

第二条 国家为了公共利益的需要，可以依法对土地实行征收或者征用并给予补偿。
`
	fixtureTDSS = `# 中华人民共和国土地管理法实施条例

<!-- INFO END -->

第一条 根据土地管理法，制定本条例。
`
	fixtureShippedXF = `{"code": "xfgztl", "title": "信访工作条例", "version": "2022-02-25", "link": "flk", "articles": [
	  {"number": 40, "path": ["第四章 信访事项的办理"], "title": "不在正文", "summary": "这一条正文里没有。", "categories": ["噪音"]},
	  {"number": 35, "path": ["第四章 信访事项的办理"], "title": "复查", "summary": "不服的，可以在期限内请上一级复查。", "categories": ["噪音"]},
	  {"number": 34, "path": ["第四章 信访事项的办理"], "title": "办理期限", "summary": "一般60天内办完。", "categories": ["征地补偿", "噪音"]},
	  {"number": 33, "path": ["第四章 信访事项的办理"], "title": "如实反映", "summary": "要说真话。", "categories": []}
	]}`
	fixtureShippedZS = `{"code": "zswrfzf", "title": "噪声污染防治法", "version": "2021-12-24", "link": "", "articles": [
	  {"number": 65, "path": ["第七章 社会生活噪声污染防治"], "title": "夜间施工", "summary": "晚上不能随便施工扰民。", "categories": ["噪音"]}
	]}`
)

type fixture struct {
	shipped, imported []*Law
	lib               *Library
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	shipped, err := LoadShipped(shippedFS(map[string]string{"zswrfzf.json": fixtureShippedZS, "xfgztl.json": fixtureShippedXF}))
	if err != nil {
		t.Fatal(err)
	}
	imported := []*Law{
		mustParse(t, "土地管理法实施条例.md", fixtureTDSS),
		mustParse(t, "信访工作条例.md", fixtureXF),
		mustParse(t, "土地管理法.md", fixtureTD),
	}
	lib, err := NewLibrary(shipped, imported)
	if err != nil {
		t.Fatal(err)
	}
	return fixture{shipped, imported, lib}
}

func TestLibraryMerge(t *testing.T) {
	f := newFixture(t)
	lib := f.lib
	var codes []string
	for _, l := range lib.Laws() {
		codes = append(codes, l.Code)
	}
	if !slices.Equal(codes, []string{"xfgztl", "tdglf", "tdglfsstl", "zswrfzf"}) {
		t.Errorf("laws %v", codes)
	}
	xf := lib.Law("xfgztl")
	if xf.Link != "flk" || xf.Version != "2022-02-25" || xf.Source != "信访工作条例.md" || lib.Node("xfgztl") != xf.Root {
		t.Errorf("xfgztl: %+v", xf)
	}
	// a summary on the official article
	a := lib.Node("xfgztl/34")
	if a == nil || a.Title != "办理期限" || a.Summary != "一般60天内办完。" || !slices.Equal(a.Categories, []string{"征地补偿", "噪音"}) ||
		a.FullText() != "信访事项应当自受理之日起60日内办结。" || a.Parent != lib.Node("xfgztl/ch4") || a.Parent.Parent != xf.Root {
		t.Errorf("xfgztl/34: %+v", a)
	}
	// the official headings win over a wrong shipped path
	if a := lib.Node("xfgztl/33"); a == nil || a.Summary != "要说真话。" || a.Parent.ID != "xfgztl/ch3" {
		t.Errorf("xfgztl/33: %+v", a)
	}
	// an article the official text lacks is kept, in its place
	if got := ids(lib.Node("xfgztl/ch4").Children); !slices.Equal(got, []string{"xfgztl/34", "xfgztl/35", "xfgztl/36", "xfgztl/40"}) {
		t.Errorf("第四章: %v", got)
	}
	if a := lib.Node("xfgztl/40"); a == nil || a.Summary == "" || len(a.Text) != 0 || a.Parent.ID != "xfgztl/ch4" {
		t.Errorf("xfgztl/40: %+v", a)
	}
	var ds []string
	for _, d := range lib.Discrepancies() {
		ds = append(ds, d.String())
	}
	want := []string{
		"xfgztl/33 (legal/xfgztl.json): path [第四章 信访事项的办理], official [第三章 信访事项的提出和受理]",
		"xfgztl/40 (legal/xfgztl.json): not in the official text",
	}
	if !slices.Equal(ds, want) {
		t.Errorf("discrepancies\n%s\nwant\n%s", strings.Join(ds, "\n"), strings.Join(want, "\n"))
	}
	// a law on one side only
	if a := lib.Node("zswrfzf/65"); a == nil || a.Parent.ID != "zswrfzf/ch7" || a.Summary == "" {
		t.Errorf("zswrfzf/65: %+v", a)
	}
	if a := lib.Node("tdglf/2"); a == nil || a.Summary != "" || len(a.Text) != 1 {
		t.Errorf("tdglf/2: %+v", a)
	}
	if lib.Node("xfgztl/37") != nil || lib.Node("nope") != nil || lib.Law("nope") != nil {
		t.Error("a node that is not there")
	}
	// the laws given are left as they were
	for _, l := range f.imported {
		for n := range l.Root.All() {
			if n.Summary != "" || len(n.Categories) > 0 {
				t.Errorf("imported %s changed: %+v", n.ID, n)
			}
		}
		if l.Code == "xfgztl" && l.Article(40) != nil {
			t.Error("imported xfgztl got article 40")
		}
	}
	for _, l := range f.shipped {
		if l.HasText() {
			t.Errorf("shipped %s got text", l.Code)
		}
	}
	// what is handed out is a copy
	lib.Laws()[0] = nil
	lib.Suggest("噪音")[0] = nil
	if lib.Laws()[0] == nil || lib.Suggest("噪音")[0] == nil {
		t.Error("Laws or Suggest hand out the library's own slice")
	}
}

func TestSuggest(t *testing.T) {
	lib := newFixture(t).lib
	for _, c := range []struct {
		category string
		want     []string
	}{
		// Articles about fewer kinds of case first (xfgztl/34 is also
		// about 征地补偿), then by law and number.
		{"噪音", []string{"xfgztl/35", "xfgztl/40", "zswrfzf/65", "xfgztl/34"}},
		{"征地补偿", []string{"xfgztl/34"}},
		{"祖坟", nil},
		{"不是类别", nil},
	} {
		if got := ids(lib.Suggest(c.category)); !slices.Equal(got, c.want) {
			t.Errorf("Suggest(%s) = %v, want %v", c.category, got, c.want)
		}
	}
}

func TestSearch(t *testing.T) {
	lib := newFixture(t).lib
	type hit struct {
		id    string
		match Match
	}
	for _, c := range []struct {
		query string
		limit int
		want  []hit
	}{
		// article numbers, in every law or one
		{"第三十四条", 0, []hit{{"xfgztl/34", MatchRef}, {"xfgztl/36", MatchText}}},
		{"三十四", 1, []hit{{"xfgztl/34", MatchRef}}},
		{"34", 1, []hit{{"xfgztl/34", MatchRef}}},
		{"34条", 1, []hit{{"xfgztl/34", MatchRef}}},
		{"xfgztl/34", 0, []hit{{"xfgztl/34", MatchRef}}},
		{" XFGZTL/34 ", 0, []hit{{"xfgztl/34", MatchRef}}},
		{"ｘｆｇｚｔｌ／３４", 0, []hit{{"xfgztl/34", MatchRef}}},
		{"xfgztl/三十四", 0, []hit{{"xfgztl/34", MatchRef}}},
		{"信访工作条例第三十四条", 0, []hit{{"xfgztl/34", MatchRef}}},
		{"信访工作条例 第三十四条", 0, []hit{{"xfgztl/34", MatchRef}, {"xfgztl/36", MatchText}}},
		{"中华人民共和国土地管理法第二条", 0, []hit{{"tdglf/2", MatchRef}}},
		{"第一条", 0, []hit{{"tdglf/1", MatchRef}, {"tdglfsstl/1", MatchRef}}},
		{"土地管理法第一条", 0, []hit{{"tdglf/1", MatchRef}}},
		{"土地管理法实施条例第一条", 0, []hit{{"tdglfsstl/1", MatchRef}}},
		{"土地管理法实施条例 1", 0, []hit{{"tdglfsstl/1", MatchRef}}},
		{"信访工作条例第九十九条", 0, nil},
		// headings and laws
		{"第四章", 0, []hit{{"xfgztl/ch4", MatchRef}}},
		{"xfgztl/ch4", 0, []hit{{"xfgztl/ch4", MatchRef}}},
		{"信访工作条例第四章", 0, []hit{{"xfgztl/ch4", MatchRef}}},
		{"信访工作条例", 1, []hit{{"xfgztl", MatchRef}}},
		{"tdglfsstl", 1, []hit{{"tdglfsstl", MatchRef}}},
		// words: title, then summary, then text, whatever the order of the law
		{"期限", 0, []hit{{"xfgztl/34", MatchTitle}, {"xfgztl/35", MatchSummary}, {"xfgztl/33", MatchText}}},
		{"期限", 2, []hit{{"xfgztl/34", MatchTitle}, {"xfgztl/35", MatchSummary}}},
		{"信访事项的办理", 0, []hit{{"xfgztl/ch4", MatchTitle}}},
		// every word must be found
		{"信访 办结", 0, []hit{{"xfgztl/34", MatchText}}},
		{"复查 上一级", 0, []hit{{"xfgztl/35", MatchTitle}}},
		{"复查 不存在的词", 0, nil},
		// a law's name keeps the search to it
		{"征收", 0, []hit{{"tdglf/2", MatchText}}},
		{"制定", 0, []hit{{"tdglf/1", MatchText}, {"tdglfsstl/1", MatchText}}},
		{"土地管理法实施条例 制定", 0, []hit{{"tdglfsstl/1", MatchText}}},
		{"制定 tdglf", 0, []hit{{"tdglf/1", MatchText}}},
		{"", 0, nil},
		{"  ", 0, nil},
	} {
		var got []hit
		for _, h := range lib.Search(c.query, c.limit) {
			got = append(got, hit{h.Node.ID, h.Match})
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("Search(%q, %d) = %v, want %v", c.query, c.limit, got, c.want)
		}
	}
}

func TestSearchSnippet(t *testing.T) {
	lib := newFixture(t).lib
	hits := lib.Search("期限", 0)
	if len(hits) != 3 {
		t.Fatalf("%d hits", len(hits))
	}
	if hits[0].Snippet != "" || hits[1].Snippet != "不服的，可以在期限内请上一级复查。" || hits[2].Snippet != "信访人应当如实反映情况，办理期限另行规定。" {
		t.Errorf("snippets %q %q %q", hits[0].Snippet, hits[1].Snippet, hits[2].Snippet)
	}
	long := strings.Repeat("甲", 50) + "ＡＢＣ" + strings.Repeat("乙", 50)
	s := snippet(long, normalize(long), "abc")
	if s != "…"+strings.Repeat("甲", 16)+"ＡＢＣ"+strings.Repeat("乙", 40)+"…" {
		t.Errorf("snippet %q", s)
	}
}

func TestNewer(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"2022-01-01", "2021-12-31", true},
		{"2021-12-31", "2022-01-01", false},
		{"2022-01-01", "2022-01-01", false},
		{"2020-01-01", "", true},
		{"", "2020-01-01", false},
		{"", "", false},
	} {
		if got := Newer(&Law{Version: c.a}, &Law{Version: c.b}); got != c.want {
			t.Errorf("Newer(%q, %q) = %v", c.a, c.b, got)
		}
	}
}

func TestLibraryNewestVersion(t *testing.T) {
	version := func(v, text string) *Law {
		l := mustParse(t, "土地管理法.md", "# 土地管理法\n<!-- INFO END -->\n第一条 "+text+"\n")
		l.Version = v
		return l
	}
	undated, old, new := version("", "无日期"), version("2004-08-28", "旧"), version("2019-08-26", "新")
	for _, c := range []struct {
		laws []*Law
		want string
	}{
		{[]*Law{old, new}, "新"},
		{[]*Law{new, old}, "新"},
		{[]*Law{undated, old}, "旧"},
		{[]*Law{old, undated, new}, "新"},
		{[]*Law{undated, version("", "也无日期")}, "无日期"},
	} {
		lib, err := NewLibrary(nil, c.laws)
		if err != nil {
			t.Fatal(err)
		}
		if got := lib.Node("tdglf/1").FullText(); got != c.want {
			t.Errorf("%d versions: %q, want %q", len(c.laws), got, c.want)
		}
	}
}

func TestNewLibraryRefuses(t *testing.T) {
	shipped, err := LoadShipped(shippedFS(map[string]string{"xfgztl.json": fixtureShippedXF}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewLibrary(append(shipped, shipped[0]), nil); err == nil || !strings.Contains(err.Error(), "two shipped laws xfgztl") {
		t.Errorf("two shipped: %v", err)
	}
	if _, err := NewLibrary([]*Law{nil}, nil); err == nil {
		t.Error("nil shipped law")
	}
	if _, err := NewLibrary(nil, []*Law{{Code: "x"}}); err == nil {
		t.Error("law without a tree")
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	f := newFixture(t)
	laws := []*Law{mustParse(t, "物权编.md", sampleCivil), f.lib.Law("xfgztl"), f.lib.Law("zswrfzf")}
	for _, law := range laws {
		data, err := Marshal(law)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Unmarshal(data)
		if err != nil {
			t.Fatalf("%s: %v\n%s", law.Code, err, data)
		}
		if !reflect.DeepEqual(law, back) {
			t.Errorf("%s: round trip changed the law\n%s", law.Code, data)
		}
		again, err := Marshal(back)
		if err != nil || string(again) != string(data) {
			t.Errorf("%s: marshalled twice differently: %v", law.Code, err)
		}
	}
}

// TestMarshalOfficial round-trips every official text.
func TestMarshalOfficial(t *testing.T) {
	for _, law := range officialLaws(t) {
		data, err := Marshal(law)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Unmarshal(data)
		if err != nil {
			t.Fatalf("%s: %v", law.Code, err)
		}
		if !reflect.DeepEqual(law, back) {
			t.Errorf("%s: round trip changed the law", law.Code)
		}
	}
}

func TestUnmarshalRefuses(t *testing.T) {
	for _, c := range []struct{ what, data, want string }{
		{"not JSON", `{`, "unmarshal law"},
		{"format", `{"format": 2, "code": "a", "nodes": []}`, "format 2"},
		{"code", `{"format": 1, "code": "A/1", "nodes": []}`, "code"},
		{"kind", `{"format": 1, "code": "a", "nodes": [{"k": "q", "n": 1}]}`, `unknown kind "q"`},
		{"number", `{"format": 1, "code": "a", "nodes": [{"k": "a", "n": 0}]}`, "out of range"},
		{"repeated", `{"format": 1, "code": "a", "nodes": [{"k": "a", "n": 1}, {"k": "a", "n": 1}]}`, "a/1 repeated"},
		{"under an article", `{"format": 1, "code": "a", "nodes": [{"k": "a", "n": 1, "in": [{"k": "a", "n": 2}]}]}`, "article with children"},
		{"chapter above part", `{"format": 1, "code": "a", "nodes": [{"k": "ch", "n": 1, "in": [{"k": "p", "n": 2}]}]}`, "cannot be under a/ch1"},
		{"empty paragraph", `{"format": 1, "code": "a", "nodes": [{"k": "a", "n": 1, "x": [[]]}]}`, "empty paragraph"},
	} {
		if _, err := Unmarshal([]byte(c.data)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.what, err, c.want)
		}
	}
	if _, err := Marshal(nil); err == nil {
		t.Error("Marshal(nil)")
	}
}

// fullLibrary is the shipped summaries with every official text.
func fullLibrary(t testing.TB) *Library {
	t.Helper()
	official := officialLaws(t)
	shipped, err := LoadShipped(assets.Statutes)
	if err != nil {
		t.Fatal(err)
	}
	var imported []*Law
	for _, l := range official {
		imported = append(imported, l)
	}
	lib, err := NewLibrary(shipped, imported)
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

func TestSearchFullLibrary(t *testing.T) {
	lib := fullLibrary(t)
	for query, first := range map[string]string{
		"信访工作条例第三十四条": "xfgztl/34",
		"民法典第二百八十八条":  "mfdwqb/288",
		"物权编 288":     "mfdwqb/288",
		"民事诉讼法第三编":    "msssf/p3",
		"相邻关系":        "mfdwqb/p2/sp2/ch7",
		"土地管理法实施条例":   "tdglfsstl",
	} {
		hits := lib.Search(query, 5)
		if len(hits) == 0 || hits[0].Node.ID != first {
			t.Errorf("Search(%q): %v, want %s first", query, hitIDs(hits), first)
		}
	}
	hits := lib.Search("征收", 0)
	if len(hits) < 20 {
		t.Errorf("征收: %d hits", len(hits))
	}
	for i, h := range hits {
		n := h.Node
		if !strings.Contains(n.Title+n.Label+n.Summary+n.FullText(), "征收") {
			t.Errorf("征收: hit %s does not contain it", n.ID)
		}
		if i > 0 && h.Match < hits[i-1].Match {
			t.Errorf("征收: %s (%v) after %s (%v)", n.ID, h.Match, hits[i-1].Node.ID, hits[i-1].Match)
		}
	}
	// every category has suggestions, each article tagged with it
	for _, c := range Categories() {
		got := lib.Suggest(c)
		if len(got) == 0 {
			t.Errorf("no article for category %s", c)
		}
		for _, n := range got {
			if n.Kind != KindArticle || !slices.Contains(n.Categories, c) {
				t.Errorf("Suggest(%s): %s", c, n.ID)
			}
		}
	}
}

func hitIDs(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Node.ID+"("+h.Match.String()+")")
	}
	return out
}

func BenchmarkSearch(b *testing.B) {
	lib := fullLibrary(b)
	queries := []string{"征收", "信访工作条例第三十四条", "补偿 安置", "第二百八十八条", "噪声", "拖欠工资", "土地管理法 宅基地", "不存在的词语"}
	for b.Loop() {
		for _, q := range queries {
			lib.Search(q, 20)
		}
	}
}
