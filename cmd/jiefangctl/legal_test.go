package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	multiqr "github.com/makiuchi-d/gozxing/multi/qrcode"

	"jiefang/assets"
	"jiefang/assets/fonts"
	"jiefang/cases"
	"jiefang/cases/store"
	"jiefang/legal"
)

// sharedLaws holds the official texts in Markdown, outside the
// repository (they are imported, never shipped).
const sharedLaws = "../../../shared/laws"

// sharedFiles are the files of sharedLaws, .md and others; the test is
// skipped when the folder is absent.
func sharedFiles(t *testing.T) []string {
	t.Helper()
	if _, err := os.Stat(sharedLaws); os.IsNotExist(err) {
		t.Skipf("%s is absent", sharedLaws)
	}
	files, err := filepath.Glob(filepath.Join(sharedLaws, "*"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// importedLaws are the laws the database at path holds.
func importedLaws(t *testing.T, path string) []store.StoredLaw {
	t.Helper()
	s, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	laws, err := s.StoredLaws(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return laws
}

// Every official file imports, one line each; SOURCE.txt, which is not a
// statute, is named with its line, and makes the command fail after the
// others are in. Importing them again keeps them.
func TestLegalImportShared(t *testing.T) {
	files := sharedFiles(t)
	var md []string
	for _, f := range files {
		if strings.HasSuffix(f, ".md") {
			md = append(md, f)
		}
	}
	if len(md) != 17 || !slices.Contains(files, filepath.Join(sharedLaws, "SOURCE.txt")) {
		t.Fatalf("%d .md files (want 17) among %q", len(md), files)
	}
	db := filepath.Join(t.TempDir(), "desk.db")
	code, out, errs := ctl(t, append([]string{"legal", "import", "--db", db}, files...)...)
	if code != 1 {
		t.Errorf("exit %d, want 1 (SOURCE.txt is no statute)", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 17 {
		t.Fatalf("%d lines, want 17:\n%s", len(lines), out)
	}
	for _, l := range lines {
		if f := strings.Split(l, "\t"); len(f) != 4 || !strings.HasSuffix(f[2], "条") || f[3] != "已导入 imported" {
			t.Errorf("line %q", l)
		}
	}
	for _, want := range []string{"信访工作条例\t2022-02-25\t50条\t", "民法典物权编\t2020-05-28\t258条\t", "民事诉讼法\t2023-09-01\t306条\t"} {
		if !strings.Contains(out, want) {
			t.Errorf("no line %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errs, "SOURCE.txt:1: not a statute") || !strings.Contains(errs, "1 of 18 files not imported") {
		t.Errorf("stderr:\n%s", errs)
	}
	if laws := importedLaws(t, db); len(laws) != 17 {
		t.Errorf("%d laws stored", len(laws))
	}

	code, out, errs = ctl(t, append([]string{"legal", "import", "--db", db}, md...)...)
	if code != 0 || strings.Count(out, "kept the same version") != 17 {
		t.Errorf("again: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, _ = ctl(t, "legal", "list", "--db", db)
	if code != 0 || len(strings.Split(strings.TrimSpace(out), "\n")) != 17 || !strings.Contains(out, "xfgztl\t信访工作条例\t2022-02-25\t50条\t") {
		t.Errorf("list: exit %d\n%s", code, out)
	}
}

// lawFile writes a small law in the official Markdown form.
func lawFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte("# 测试条例\n\n2019年1月1日 测试发布\n\n<!-- INFO END -->\n\n"+body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// The newer version stays whichever comes first; a broken file is named
// with its line and does not stop the others; files may follow flags.
func TestLegalImportFixtures(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "desk.db")
	newer := lawFile(t, dir, "测试条例(2022-02-25).md", "第一条 新的第一条。\n\n第二条 新的第二条。\n")
	older := lawFile(t, dir, "测试条例(2019-01-01).md", "第一条 旧的第一条。\n")
	broken := lawFile(t, dir, "坏的.md", "第一条 第一条。\n\n第三条 跳过了第二条。\n")
	missing := filepath.Join(dir, "没有这个文件.md")

	code, out, errs := ctl(t, "legal", "import", newer, "--db", db, broken, older, missing)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	want := "测试条例\t2022-02-25\t2条\t已导入 imported\n" +
		"测试条例\t2019-01-01\t1条\t已有较新版本，未改动 kept newer version 2022-02-25 (imported "
	if !strings.HasPrefix(out, want) || !strings.Contains(out, "from 测试条例(2022-02-25).md)") {
		t.Errorf("stdout:\n%s\nwant it to start\n%s", out, want)
	}
	if !strings.Contains(errs, broken+":9: ") || !strings.Contains(errs, "没有这个文件.md") || !strings.Contains(errs, "2 of 4 files not imported") {
		t.Errorf("stderr:\n%s", errs)
	}

	// Older first, then newer: the newer replaces it.
	db2 := filepath.Join(dir, "desk2.db")
	code, out, errs = ctl(t, "legal", "import", "--db", db2, older, newer)
	if code != 0 || !strings.Contains(out, "测试条例\t2022-02-25\t2条\t已导入，替换了 2019-01-01 版 imported, replacing version 2019-01-01") {
		t.Errorf("exit %d\n%s\n%s", code, out, errs)
	}
	laws := importedLaws(t, db2)
	if len(laws) != 1 || laws[0].Version != "2022-02-25" || laws[0].Articles != 2 || laws[0].Source != "测试条例(2022-02-25).md" {
		t.Errorf("stored: %+v", laws)
	}

	// An undated text of a shipped law, numbered differently: imported,
	// with a warning that our summaries do not match it.
	odd := filepath.Join(dir, "信访工作条例.md")
	os.WriteFile(odd, []byte("# 信访工作条例\n\n<!-- INFO END -->\n\n第一条 只有一条。\n"), 0o644)
	code, out, _ = ctl(t, "legal", "import", "--db", db2, odd)
	if code != 0 || !strings.Contains(out, "信访工作条例\t未注明日期(undated)\t1条\t已导入 imported") ||
		!strings.Contains(out, "shipped summaries disagree with this text") || !strings.Contains(out, "xfgztl/17 (legal/xfgztl.json): not in the official text") {
		t.Errorf("exit %d\n%s", code, out)
	}

	for _, args := range [][]string{{"legal"}, {"legal", "import", "--db", db}, {"legal", "nothing"}, {"legal", "guide", "--db", db, "--out", "x.pdf"}, {"legal", "guide", "--db", db, "--case", "x"}} {
		if code, _, errs := ctl(t, args...); code != 2 {
			t.Errorf("%q: exit %d, want 2\n%s", args, code, errs)
		}
	}
}

// guideCase picks a demo case of a category with suggested articles,
// pins two of them and a typed citation, and gives it a summary naming
// the petitioner with ID card and mobile numbers. It returns the case
// and the two articles.
func guideCase(t *testing.T, db string) (cases.Case, []*legal.Node, *legal.Library) {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	shipped, err := legal.LoadShipped(assets.Statutes)
	if err != nil {
		t.Fatal(err)
	}
	imported, err := s.ImportedLaws(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lib, err := legal.NewLibrary(shipped, imported)
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.ListCases(ctx, cases.ListQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var c cases.Case
	for _, l := range list {
		if l.Category == "征地补偿" {
			if c, err = s.Case(ctx, l.ID); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	if c.ID == [16]byte{} {
		t.Fatal("no demo case of 征地补偿")
	}
	var p cases.Party
	for _, q := range c.Parties {
		if q.Role == cases.RolePetitioner && q.IDNumber != "" && q.Phone != "" {
			p = q
			break
		}
	}
	if p.Name == "" {
		t.Fatalf("case %s has no petitioner with ID and phone", c.Number())
	}
	arts := lib.Suggest(c.Category)[:2]
	var evs []cases.Event
	add := func(pl cases.Payload) {
		e, err := cases.NewEvent(c.ID, pl)
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, e)
	}
	add(&cases.Revised{Channel: c.Channel, Signers: c.Signers,
		Summary: fmt.Sprintf("%s（身份证%s，电话%s）反映：%s", p.Name, p.IDNumber, p.Phone, c.Summary)})
	for _, a := range arts {
		add(&cases.ArticlePin{Article: a.ID, Title: lib.Law(a.Code()).Title + " " + a.Label, Pinned: true})
	}
	add(&cases.ArticlePin{Article: "信访条例（2005年）第十四条", Pinned: true})
	if actor, _ := s.Actor(ctx); actor == "" {
		s.SetActor(ctx, "王芳")
	}
	if _, err := s.Append(ctx, evs...); err != nil {
		t.Fatal(err)
	}
	if c, err = s.Case(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if len(c.Articles) != 3 {
		t.Fatalf("pinned %+v", c.Articles)
	}
	return c, arts, lib
}

// needPDF skips without a Chinese TrueType font and fails without
// poppler's tools.
func needPDF(t *testing.T) {
	t.Helper()
	f, err := fonts.Find(fonts.Options{})
	if err != nil {
		t.Skipf("no Chinese font: %v", err)
	}
	if !f.TrueType {
		t.Skipf("%s is not TrueType; fpdf cannot embed it", f.Path)
	}
	for _, tool := range []string{"pdftotext", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: apt-get install poppler-utils (make test does)", tool)
		}
	}
}

// The guide of a demo case with two articles pinned from the tree and
// one typed: the citations, titles and summaries are in the PDF, the
// personal data of the summary is not, and every code on the rendered
// pages reads back as what the library says it holds — text by
// default, links with --qr-base. JIEFANG_GUIDE_PNG=path keeps the first
// page (docs/legal-guide.png).
func TestLegalGuideEndToEnd(t *testing.T) {
	needPDF(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	if code, _, errs := ctl(t, "demo", "--db", db, "--cases", "50", "--quiet"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	if _, err := os.Stat(sharedLaws); err == nil {
		files, _ := filepath.Glob(filepath.Join(sharedLaws, "*.md"))
		if code, _, errs := ctl(t, append([]string{"legal", "import", "--db", db}, files...)...); code != 0 {
			t.Fatalf("import: %s", errs)
		}
	}
	c, arts, lib := guideCase(t, db)
	secrets := []string{c.Parties[0].Name, c.Parties[0].IDNumber, c.Parties[0].Phone}
	for _, p := range c.Parties {
		if p.Role == cases.RolePetitioner {
			secrets = []string{p.Name, p.IDNumber, p.Phone}
		}
	}

	for _, mode := range []struct {
		name, base, note string
	}{{"text", "", "扫码看本条说明"}, {"links", "https://fl.example.gov.cn/legal", "扫码打开本条网页"}} {
		t.Run(mode.name, func(t *testing.T) {
			pdf := filepath.Join(dir, mode.name+".pdf")
			args := []string{"legal", "guide", "--db", db, "--case", c.ProvisionalNumber, "--out", pdf, "--contact", "东镇信访接待室（镇政府一楼，电话0871-1234567）"}
			if mode.base != "" {
				args = append(args, "--qr-base", mode.base)
			}
			code, out, errs := ctl(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			if !strings.Contains(out, "法条 3 条，其中 2 条附二维码") || !strings.Contains(errs, "信访条例（2005年）第十四条") {
				t.Errorf("stdout %q\nstderr %q", out, errs)
			}
			text, err := exec.Command("pdftotext", pdf, "-").Output()
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}
			flat := strings.Join(strings.Fields(string(text)), "")
			want := []string{"法律指引", c.ProvisionalNumber, "信访条例（2005年）第十四条", "东镇信访接待室", mode.note}
			var qr []string
			for _, a := range arts {
				want = append(want, lib.Law(a.Code()).Title+a.Label, a.Title, strings.Join(strings.Fields(a.Summary), ""))
				if len(a.Text) > 0 {
					want = append(want, "原文：", strings.Join(strings.Fields(a.Text[0].Text), ""))
				}
				s, err := lib.QRText(a, legal.QROptions{BaseURL: mode.base})
				if err != nil {
					t.Fatal(err)
				}
				qr = append(qr, s)
			}
			for _, w := range want {
				if !strings.Contains(flat, w) {
					t.Errorf("the guide lacks %q:\n%s", w, text)
				}
			}
			for _, secret := range secrets {
				if strings.Contains(flat, secret) {
					t.Errorf("the guide shows %q unmasked", secret)
				}
			}

			// Render the pages as a printer would and read the codes.
			if out, err := exec.Command("pdftoppm", "-png", "-r", "150", "-gray", pdf, filepath.Join(dir, mode.name)).CombinedOutput(); err != nil {
				t.Fatalf("pdftoppm: %v\n%s", err, out)
			}
			pages, _ := filepath.Glob(filepath.Join(dir, mode.name+"-*.png"))
			slices.Sort(pages)
			var got []string
			for _, p := range pages {
				got = append(got, readCodes(t, p)...)
			}
			slices.Sort(got)
			slices.Sort(qr)
			if !slices.Equal(got, qr) {
				t.Errorf("codes read from the pages:\n%q\nwant\n%q", got, qr)
			}
			if keep := os.Getenv("JIEFANG_GUIDE_PNG"); keep != "" && mode.base == "" {
				keepPage(t, pages[0], keep)
			}
		})
	}

	// By id and by number, lower-case too; an unknown case is named.
	for _, ref := range []string{c.ID.String(), strings.ToLower(c.ProvisionalNumber)} {
		if code, _, errs := ctl(t, "legal", "guide", "--db", db, "--case", ref, "--out", filepath.Join(dir, "again.pdf")); code != 0 {
			t.Errorf("--case %s: %s", ref, errs)
		}
	}
	if code, _, errs := ctl(t, "legal", "guide", "--db", db, "--case", "XXXX-20000101-0001", "--out", filepath.Join(dir, "none.pdf")); code != 1 || !strings.Contains(errs, "没有案件") {
		t.Errorf("unknown case: exit %d %s", code, errs)
	}
	if code, _, errs := ctl(t, "legal", "guide", "--db", db, "--case", c.ProvisionalNumber, "--out", filepath.Join(dir, "bad.pdf"), "--qr-base", "fl.example.gov.cn"); code != 1 || !strings.Contains(errs, "http") {
		t.Errorf("a link base without a scheme: exit %d %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad.pdf")); err == nil {
		t.Error("a failed guide left a file")
	}
}

// keepPage writes the page rendered at from to path in 16 levels of
// grey, a quarter of the bytes and no visible difference.
func keepPage(t *testing.T, from, path string) {
	t.Helper()
	f, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var pal color.Palette
	for i := range 16 {
		pal = append(pal, color.Gray{Y: uint8(i * 17)})
	}
	b := img.Bounds()
	grey := image.NewPaletted(b, pal)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			g := color.GrayModel.Convert(img.At(x, y)).(color.Gray)
			grey.SetColorIndex(x, y, uint8((int(g.Y)+8)/17))
		}
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, grey); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// readCodes reads every QR code in the PNG at path; none is no error.
func readCodes(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	results, err := multiqr.NewQRCodeMultiReader().DecodeMultiple(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		return nil
	}
	var out []string
	for _, r := range results {
		out = append(out, r.GetText())
	}
	return out
}

// Without a Chinese font, or with one the PDF cannot embed, the guide
// is refused saying what to install, in Chinese and English.
func TestLegalGuideNoFont(t *testing.T) {
	db := seeded(t, 1)
	s, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.ListCases(context.Background(), cases.ListQuery{Limit: 1})
	s.Close()
	if err != nil || len(list) != 1 {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "guide.pdf")
	defer func(f func(fonts.Options) (fonts.Font, error)) { findFont = f }(findFont)
	empty := t.TempDir()
	findFont = func(o fonts.Options) (fonts.Font, error) {
		o.GOOS, o.Dirs = "linux", []string{empty}
		return fonts.Find(o)
	}
	code, _, errs := ctl(t, "legal", "guide", "--db", db, "--case", list[0].Number, "--out", out)
	if code != 1 || !strings.Contains(errs, "未找到中文字体") || !strings.Contains(errs, "no Chinese font found") || !strings.Contains(errs, "apt-get install fonts-wqy-microhei") {
		t.Errorf("no font: exit %d\n%s", code, errs)
	}
	findFont = func(fonts.Options) (fonts.Font, error) {
		return fonts.Font{Name: "Noto Sans CJK SC", Path: "/usr/share/fonts/NotoSansCJK-Regular.ttc", Data: []byte("x")}, nil
	}
	code, _, errs = ctl(t, "legal", "guide", "--db", db, "--case", list[0].Number, "--out", out)
	if code != 1 || !strings.Contains(errs, "需要TrueType字体") || !strings.Contains(errs, "cannot embed") || !strings.Contains(errs, "fonts-wqy-microhei") {
		t.Errorf("a CFF font: exit %d\n%s", code, errs)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a file was written")
	}
}
