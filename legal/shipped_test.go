package legal

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"jiefang/assets"
)

func TestLoadShippedAssets(t *testing.T) {
	laws, err := LoadShipped(assets.Statutes)
	if err != nil {
		t.Fatal(err)
	}
	if len(laws) == 0 {
		t.Fatal("no shipped laws")
	}
	for i, law := range laws {
		if i > 0 && compareCodes(laws[i-1].Code, law.Code) >= 0 {
			t.Errorf("%s before %s", laws[i-1].Code, law.Code)
		}
		if law.HasText() {
			t.Errorf("%s: shipped laws carry no official text", law.Code)
		}
		for _, a := range law.Articles() {
			if a.Summary == "" || a.Title == "" || a.ID != law.Code+"/"+strconv.Itoa(a.Number) {
				t.Errorf("%s: %+v", law.Code, a)
			}
		}
	}
	xf := laws[slices.IndexFunc(laws, func(l *Law) bool { return l.Code == "xfgztl" })]
	a := xf.Article(34)
	if a == nil || a.Title != "办理期限" || len(a.Path()) != 2 || a.Parent.ID != "xfgztl/ch4" ||
		a.Parent.Name() != "第四章 信访事项的办理" || !slices.Contains(a.Categories, "征地补偿") {
		t.Errorf("xfgztl/34: %+v", a)
	}
}

// shippedFS is a file system with the given legal/*.json files.
func shippedFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, text := range files {
		fsys["legal/"+name] = &fstest.MapFile{Data: []byte(text)}
	}
	return fsys
}

func TestLoadShippedTree(t *testing.T) {
	fsys := shippedFS(map[string]string{
		"mfdwqb.json": `{"code": "mfdwqb", "title": "民法典物权编", "version": "2020-05-28", "link": "flk", "articles": [
		  {"number": 288, "path": ["第二编 物权", "第二分编 所有权", "第七章 相邻关系"], "title": "相邻", "summary": "邻里互相方便。", "categories": ["邻里纠纷", "采光"]},
		  {"number": 207, "path": ["第二编 物权", "第一分编 通则", "第一章 一般规定"], "title": "平等保护", "summary": "一样保护。", "categories": []},
		  {"number": 293, "path": ["第二编 物权", "第二分编 所有权", "第七章 相邻关系"], "title": "采光", "summary": "不得妨碍采光。", "categories": ["采光"]}
		]}`,
		"xfgztl.json": `{"code": "xfgztl", "title": "信访工作条例", "version": "", "link": "", "articles": [
		  {"number": 3, "path": [], "title": "甲", "summary": "甲。", "categories": ["社保"]}
		]}`,
		"zz.json": `{"code": "zz", "title": "某某法", "version": "", "link": "", "articles": [
		  {"number": 1, "path": ["第一章 总则"], "title": "甲", "summary": "甲。", "categories": []}
		]}`,
	})
	laws, err := LoadShipped(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, l := range laws {
		codes = append(codes, l.Code)
	}
	if !slices.Equal(codes, []string{"xfgztl", "mfdwqb", "zz"}) {
		t.Errorf("laws %v", codes)
	}
	m := laws[1]
	var got []string
	for n := range m.Root.All() {
		got = append(got, n.ID+" "+n.Name())
	}
	want := []string{
		"mfdwqb 民法典物权编",
		"mfdwqb/p2 第二编 物权",
		"mfdwqb/p2/sp1 第一分编 通则",
		"mfdwqb/p2/sp1/ch1 第一章 一般规定",
		"mfdwqb/207 第二百零七条 平等保护",
		"mfdwqb/p2/sp2 第二分编 所有权",
		"mfdwqb/p2/sp2/ch7 第七章 相邻关系",
		"mfdwqb/288 第二百八十八条 相邻",
		"mfdwqb/293 第二百九十三条 采光",
	}
	if !slices.Equal(got, want) {
		t.Errorf("tree\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	a := m.Article(288)
	if a.Summary != "邻里互相方便。" || !slices.Equal(a.Categories, []string{"邻里纠纷", "采光"}) ||
		m.Version != "2020-05-28" || m.Link != "flk" || m.Source != "legal/mfdwqb.json" {
		t.Errorf("288 %+v, law %+v", a, m)
	}
	if x := laws[0].Article(3); x == nil || x.Parent != laws[0].Root {
		t.Errorf("xfgztl/3 with an empty path should sit under the law: %+v", x)
	}
}

// TestLoadShippedRefuses checks each fault is refused naming the file and
// the field.
func TestLoadShippedRefuses(t *testing.T) {
	const good = `{"number": 34, "path": ["第四章 信访事项的办理"], "title": "办理期限", "summary": "六十天。", "categories": ["社保"]}`
	file := func(code string, articles ...string) string {
		return `{"code": "` + code + `", "title": "信访工作条例", "version": "2022-02-25", "link": "", "articles": [` + strings.Join(articles, ",") + `]}`
	}
	art := func(old, new string) string { return strings.Replace(good, old, new, 1) }
	for _, c := range []struct {
		what, name, text string
		want             []string // in the error
	}{
		{"unknown category", "xfgztl.json", file("xfgztl", art(`["社保"]`, `["社保", "噪声"]`)),
			[]string{"legal/xfgztl.json", "articles[0] (第三十四条).categories[1]", `unknown category "噪声"`}},
		{"repeated category", "xfgztl.json", file("xfgztl", art(`["社保"]`, `["社保", "社保"]`)),
			[]string{"legal/xfgztl.json", "categories[1]", "repeated"}},
		{"duplicate number", "xfgztl.json", file("xfgztl", good, art(`"title": "办理期限"`, `"title": "又一条"`)),
			[]string{"legal/xfgztl.json", "articles[1] (第三十四条).number", "repeated"}},
		{"empty summary", "xfgztl.json", file("xfgztl", art(`"六十天。"`, `"  "`)),
			[]string{"legal/xfgztl.json", "articles[0] (第三十四条).summary", "empty"}},
		{"empty title", "xfgztl.json", file("xfgztl", art(`"办理期限"`, `""`)),
			[]string{"articles[0] (第三十四条).title", "empty"}},
		{"no number", "xfgztl.json", file("xfgztl", art(`"number": 34`, `"number": 0`)),
			[]string{"articles[0].number"}},
		{"path without space", "xfgztl.json", file("xfgztl", art(`第四章 信访`, `第四章信访`)),
			[]string{"legal/xfgztl.json", "articles[0] (第三十四条).path", `[0] "第四章信访事项的办理"`}},
		{"path with two spaces", "xfgztl.json", file("xfgztl", art(`第四章 信访`, `第四章  信访`)),
			[]string{"(第三十四条).path"}},
		{"path without title", "xfgztl.json", file("xfgztl", art(`"第四章 信访事项的办理"`, `"第四章 "`)),
			[]string{"(第三十四条).path"}},
		{"path without 第", "xfgztl.json", file("xfgztl", art(`第四章`, `四章`)),
			[]string{"(第三十四条).path"}},
		{"path not a heading", "xfgztl.json", file("xfgztl", art(`第四章`, `第四条`)),
			[]string{"(第三十四条).path"}},
		{"path bad numeral", "xfgztl.json", file("xfgztl", art(`第四章`, `第十十章`)),
			[]string{"(第三十四条).path", "第十十章"}},
		{"path upside down", "xfgztl.json", file("xfgztl", art(`["第四章 信访事项的办理"]`, `["第四章 信访事项的办理", "第一编 总则"]`)),
			[]string{"(第三十四条).path", "[1]", "from the top down"}},
		{"heading named twice", "xfgztl.json", file("xfgztl", good, `{"number": 35, "path": ["第四章 信访事项办理"], "title": "复查", "summary": "复查。", "categories": []}`),
			[]string{"articles[1] (第三十五条).path", `"第四章 信访事项办理"`, "第四章 信访事项的办理"}},
		{"code not the file name", "xfgztl.json", file("tdglf", good),
			[]string{"legal/xfgztl.json", "code", `"tdglf" does not match the file name`}},
		{"known code, other title", "tdglf.json", file("tdglf", good),
			[]string{"legal/tdglf.json", "title", "土地管理法"}},
		{"bad code", "Xf.json", file("Xf", good), []string{"legal/Xf.json", "code"}},
		{"bad version", "xfgztl.json", strings.Replace(file("xfgztl", good), "2022-02-25", "2022/02/25", 1),
			[]string{"legal/xfgztl.json", "version"}},
		{"no articles", "xfgztl.json", file("xfgztl"), []string{"legal/xfgztl.json", "articles: none"}},
		{"unknown field", "xfgztl.json", strings.Replace(file("xfgztl", good), `"summary"`, `"summery"`, 1),
			[]string{"legal/xfgztl.json", "summery"}},
		{"not JSON", "xfgztl.json", "{", []string{"legal/xfgztl.json"}},
		{"two values", "xfgztl.json", file("xfgztl", good) + "{}", []string{"legal/xfgztl.json", "more than one"}},
	} {
		fsys := shippedFS(map[string]string{c.name: c.text, "rmtjf.json": strings.Replace(strings.Replace(file("rmtjf", good), "信访工作条例", "人民调解法", 1), "第四章 信访事项的办理", "第四章 调解程序", 1)})
		laws, err := LoadShipped(fsys)
		if err == nil {
			t.Errorf("%s: loaded %d laws, want an error", c.what, len(laws))
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v\nwant it to contain %q", c.what, err, w)
			}
		}
		if strings.Contains(err.Error(), "rmtjf") {
			t.Errorf("%s: the good file is blamed: %v", c.what, err)
		}
	}
}

func TestLoadShippedAllFaultsTogether(t *testing.T) {
	fsys := shippedFS(map[string]string{
		"xfgztl.json": `{"code": "xfgztl", "title": "信访工作条例", "version": "", "link": "", "articles": [
		  {"number": 1, "path": [], "title": "甲", "summary": "", "categories": ["天"]}]}`,
		"rmtjf.json": `{"code": "tdglf", "title": "人民调解法", "version": "", "link": "", "articles": [
		  {"number": 1, "path": [], "title": "甲", "summary": "甲", "categories": []}]}`,
	})
	_, err := LoadShipped(fsys)
	for _, w := range []string{"xfgztl.json: articles[0] (第一条).summary", `xfgztl.json: articles[0] (第一条).categories[0]: unknown category "天"`, "rmtjf.json: code"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("%v\nwant it to contain %q", err, w)
		}
	}
	if _, err := LoadShipped(fstest.MapFS{}); err == nil {
		t.Error("an empty file system loaded")
	}
}

// TestShippedMatchesOfficial checks the content writers' work: every
// shipped article exists in the official text of its law, under the
// headings its path names. It fails until the content is right; the
// failures name the entries to put right.
func TestShippedMatchesOfficial(t *testing.T) {
	official := officialLaws(t)
	shipped, err := LoadShipped(assets.Statutes)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range shipped {
		o := official[s.Code]
		if o == nil {
			t.Errorf("%s (%s): no official text in %s", s.Code, s.Source, officialDir)
			continue
		}
		if o.Title != s.Title || o.Version != s.Version {
			t.Errorf("%s: %s of %s, official %s of %s", s.Source, s.Title, s.Version, o.Title, o.Version)
		}
		for _, d := range CrossCheck(s, o) {
			t.Errorf("%s", d)
		}
	}
	var imported []*Law
	for _, l := range official {
		imported = append(imported, l)
	}
	lib, err := NewLibrary(shipped, imported)
	if err != nil {
		t.Fatal(err)
	}
	if ds := lib.Discrepancies(); len(ds) > 0 {
		t.Errorf("the library reports %d discrepancies (listed above)", len(ds))
	}
	// every shipped summary reached the library, on an article with text
	for _, s := range shipped {
		for _, a := range s.Articles() {
			n := lib.Node(a.ID)
			if n == nil || n.Summary != a.Summary || n.Title != a.Title || !slices.Equal(n.Categories, a.Categories) {
				t.Errorf("%s: summary not in the library: %+v", a.ID, n)
			} else if len(n.Text) == 0 {
				t.Errorf("%s: no official text", a.ID)
			}
		}
	}
}
