package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/legal"
)

// testLaw is a small law in the official Markdown form; version is the
// date in its file name ("" for none: then the law is undated).
func testLaw(t *testing.T, version, second string) *legal.Law {
	t.Helper()
	name := "测试条例.md"
	if version != "" {
		name = "测试条例(" + version + ").md"
	}
	text := "# 测试条例\n\n<!-- INFO END -->\n\n## 第一章 测试章\n\n第一条 本条例只供测试。\n\n" +
		"第二条 " + second + "\n\n（一）第一项；\n\n（二）第二项。\n\n第二款。\n"
	law, err := legal.ParseMarkdown(name, strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return law
}

// A law imported reads back as it was, after the file is closed and
// opened again; it is not an event and is not queued for the hub.
func TestImportLawRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	law := testLaw(t, "2022-02-25", "测试条文分成几项：")
	res, err := s.ImportLaw(ctx, law)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Imported || res.Previous != nil {
		t.Fatalf("first import: %+v", res)
	}
	path := s.Path()
	s.Close()
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	laws, err := s.ImportedLaws(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(laws) != 1 {
		t.Fatalf("%d laws after reopening", len(laws))
	}
	want, _ := legal.Marshal(law)
	got, _ := legal.Marshal(laws[0])
	if string(got) != string(want) {
		t.Errorf("read back:\n%s\nwant\n%s", got, want)
	}
	if a := laws[0].Article(2); a == nil || len(a.Text) != 2 || len(a.Text[0].Items) != 2 {
		t.Errorf("article 2 read back: %+v", a)
	}
	list, err := s.StoredLaws(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Code != law.Code || list[0].Title != "测试条例" || list[0].Version != "2022-02-25" ||
		list[0].Source != law.Source || list[0].Articles != 2 || time.Since(list[0].ImportedAt) > time.Minute {
		t.Errorf("listed: %+v", list)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Events != 0 || st.Outbox != 0 {
		t.Errorf("importing a law wrote events: %+v", st)
	}
	if _, err := s.Verify(ctx, nil); err != nil {
		t.Errorf("verify: %v", err)
	}
}

// The newest version wins whichever order the files come in; an older,
// an undated or the same version leaves the stored law and names it.
func TestImportLawVersions(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	text := func() string {
		laws, err := s.ImportedLaws(ctx)
		if err != nil || len(laws) != 1 {
			t.Fatalf("%d laws: %v", len(laws), err)
		}
		return laws[0].Version + " " + laws[0].Article(2).Text[0].Text
	}
	steps := []struct {
		version, second string
		imported        bool
		previous        string // the version stored before, "-" for none
		stored          string
	}{
		{"", "无日期的文本。", true, "-", " 无日期的文本。"},
		{"", "另一份无日期的文本。", false, "", " 无日期的文本。"},                     // undated does not replace undated
		{"2019-01-01", "2019年的文本。", true, "", "2019-01-01 2019年的文本。"}, // dated beats undated
		{"2022-02-25", "2022年的文本。", true, "2019-01-01", "2022-02-25 2022年的文本。"},
		{"2019-01-01", "2019年的文本。", false, "2022-02-25", "2022-02-25 2022年的文本。"}, // older: kept
		{"2022-02-25", "同一天的另一份。", false, "2022-02-25", "2022-02-25 2022年的文本。"},  // equal: kept
		{"", "无日期的文本。", false, "2022-02-25", "2022-02-25 2022年的文本。"},             // undated never beats dated
	}
	for i, st := range steps {
		res, err := s.ImportLaw(ctx, testLaw(t, st.version, st.second))
		if err != nil {
			t.Fatal(err)
		}
		prev := "-"
		if res.Previous != nil {
			prev = res.Previous.Version
		}
		if res.Imported != st.imported || prev != st.previous {
			t.Errorf("step %d (%q): imported %v, previous %q; want %v, %q", i, st.version, res.Imported, prev, st.imported, st.previous)
		}
		if got := text(); got != st.stored {
			t.Errorf("step %d (%q): stored %q, want %q", i, st.version, got, st.stored)
		}
	}
}

// Laws of several codes are kept side by side; a law that does not
// read back is named and the others are still returned; a bad version
// or no law is refused.
func TestImportedLawsDamaged(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	a := testLaw(t, "2022-02-25", "甲。")
	b, err := legal.ParseMarkdown("另一条例.md", strings.NewReader("# 另一条例\n\n<!-- INFO END -->\n\n第一条 乙。\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []*legal.Law{a, b} {
		if res, err := s.ImportLaw(ctx, l); err != nil || !res.Imported {
			t.Fatalf("%s: %+v, %v", l.Title, res, err)
		}
	}
	if _, err := s.w.ExecContext(ctx, `UPDATE statutes SET body = x'7b7d' WHERE code = ?`, b.Code); err != nil {
		t.Fatal(err)
	}
	laws, err := s.ImportedLaws(ctx)
	if !errors.Is(err, ErrUnreadableLaw) || !strings.Contains(err.Error(), b.Code) {
		t.Errorf("damaged law: %v", err)
	}
	if len(laws) != 1 || laws[0].Code != a.Code {
		t.Errorf("laws returned beside the damaged one: %d", len(laws))
	}

	bad := testLaw(t, "2022-02-25", "丙。")
	bad.Version = "2022年"
	if _, err := s.ImportLaw(ctx, bad); err == nil {
		t.Error("a version that is not a date was stored")
	}
	if _, err := s.ImportLaw(ctx, nil); err == nil {
		t.Error("a nil law was stored")
	}
	if _, err := s.ImportLaw(ctx, &legal.Law{Code: "x"}); err == nil {
		t.Error("a law without a tree was stored")
	}
}

// A case is found by its id, its provisional number (in either case)
// or its official number.
func TestFindCase(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	id := fullCase(t, s)
	c, err := s.Case(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{id.String(), c.ProvisionalNumber, " " + strings.ToLower(c.ProvisionalNumber) + " "} {
		got, err := s.FindCase(ctx, ref)
		if err != nil || got != id {
			t.Errorf("FindCase(%q) = %v, %v", ref, got, err)
		}
	}
	if _, err := s.Append(ctx, ev(t, id, &cases.Numbered{Number: "东信〔2026〕12号"})); err != nil {
		t.Fatal(err)
	}
	if got, err := s.FindCase(ctx, "东信〔2026〕12号"); err != nil || got != id {
		t.Errorf("by official number: %v, %v", got, err)
	}
	for _, ref := range []string{"", "K7Q2-20000101-999", uuid.Must(uuid.NewV7()).String()} {
		if _, err := s.FindCase(ctx, ref); !errors.Is(err, ErrNotFound) {
			t.Errorf("FindCase(%q): %v", ref, err)
		}
	}
}
