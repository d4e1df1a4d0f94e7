package report

import (
	"bytes"
	"strings"
	"testing"

	"jiefang/assets"
	"jiefang/cases"
	"jiefang/legal"
	"jiefang/sync/qrimage"
)

// testLibrary is the shipped summaries with one more law imported, which
// has text and no summaries.
func testLibrary(t *testing.T) (*legal.Library, *legal.Law) {
	t.Helper()
	shipped, err := legal.LoadShipped(assets.Statutes)
	if err != nil {
		t.Fatal(err)
	}
	extra, err := legal.ParseMarkdown("测试条例(2024-01-01).md", strings.NewReader("# 测试条例\n\n<!-- INFO END -->\n\n"+
		"第一条 本条例只供测试。\n\n第二条 测试条文分成几项：\n\n（一）第一项；\n\n（二）第二项。\n\n第二款。\n"))
	if err != nil {
		t.Fatal(err)
	}
	lib, err := legal.NewLibrary(shipped, []*legal.Law{extra})
	if err != nil {
		t.Fatal(err)
	}
	return lib, extra
}

func qrText(t *testing.T, png []byte) string {
	t.Helper()
	s, err := qrimage.Decode(bytes.NewReader(png))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Pins of the statute tree become full articles with a code holding
// what Library.QRText says; typed citations and unknown ids become their
// citation alone.
func TestBuildGuide(t *testing.T) {
	lib, extra := testLibrary(t)
	c := guideCase()
	c.Articles = []cases.PinnedArticle{
		{Article: "xfgztl/34", Title: "信访工作条例 第三十四条"},
		{Article: extra.Code + "/2", Title: "测试条例 第二条"},
		{Article: "信访条例第十四条"},
		{Article: "zz/9", Title: "某某法 第九条"},
		{Article: "xfgztl"},
	}
	g, err := BuildGuide(c, lib, GuideOptions{Contact: "东镇信访接待室"})
	if err != nil {
		t.Fatal(err)
	}
	if g.Contact != "东镇信访接待室" || g.Case.ID != c.ID || len(g.Articles) != 5 {
		t.Fatalf("guide: %+v", g)
	}
	a := g.Articles[0]
	if a.Citation != "信访工作条例 第三十四条" || a.Title != "办理期限" || a.Summary != lib.Node("xfgztl/34").Summary || a.Summary == "" ||
		len(a.Text) != 0 || a.QRNote != "扫码看本条说明" {
		t.Errorf("xfgztl/34: %+v", a)
	}
	if want, _ := lib.QRText(lib.Node("xfgztl/34"), legal.QROptions{}); qrText(t, a.QR) != want {
		t.Errorf("xfgztl/34 code holds %q, want %q", qrText(t, a.QR), want)
	}
	a = g.Articles[1]
	wantText := []string{"测试条文分成几项：", "（一）第一项；", "（二）第二项。", "第二款。"}
	if a.Citation != "测试条例 第二条" || a.Title != "" || a.Summary != "" || strings.Join(a.Text, "|") != strings.Join(wantText, "|") || a.QR == nil {
		t.Errorf("imported article: %+v", a)
	}
	for i, want := range []string{"信访条例第十四条", "某某法 第九条"} {
		if a := g.Articles[2+i]; a.Citation != want || a.QR != nil || a.Title != "" || a.Summary != "" || a.Text != nil {
			t.Errorf("pin %d: %+v, want the citation %q alone", 2+i, a, want)
		}
	}
	if a := g.Articles[4]; a.Citation != "信访工作条例" || a.Title != "" || a.QR == nil {
		t.Errorf("a whole law: %+v", a)
	}

	// Links instead of text.
	g, err = BuildGuide(c, lib, GuideOptions{QR: legal.QROptions{BaseURL: "https://fl.example.gov.cn/legal/"}})
	if err != nil {
		t.Fatal(err)
	}
	if a := g.Articles[0]; qrText(t, a.QR) != "https://fl.example.gov.cn/legal/xfgztl/34" || a.QRNote != "扫码打开本条网页" {
		t.Errorf("link mode: %q, %q", qrText(t, a.QR), a.QRNote)
	}
	if _, err := BuildGuide(c, lib, GuideOptions{QR: legal.QROptions{BaseURL: "ftp://x"}}); err == nil {
		t.Error("an ftp link base was taken")
	}
	c.Articles = nil
	if _, err := BuildGuide(c, lib, GuideOptions{QR: legal.QROptions{BaseURL: "fl.example.gov.cn"}}); err == nil {
		t.Error("a link base without a scheme was taken, with no articles")
	}

	// No library: every pin is its citation.
	c.Articles = []cases.PinnedArticle{{Article: "xfgztl/34", Title: "信访工作条例 第三十四条"}, {Article: "xfgztl/35"}}
	g, err = BuildGuide(c, nil, GuideOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Articles) != 2 || g.Articles[0].Citation != "信访工作条例 第三十四条" || g.Articles[1].Citation != "xfgztl/35" || g.Articles[0].QR != nil {
		t.Errorf("without a library: %+v", g.Articles)
	}
}
