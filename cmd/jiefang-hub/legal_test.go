package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jiefang/cmd/internal/lawimport"
	"jiefang/legal"
	"jiefang/sync/hub"
	"jiefang/sync/hub/hubtest"
)

// officialDir holds the official texts in Markdown, outside the
// repository.
const officialDir = "../../../shared/laws"

// dbArgs are the flags naming a test database.
func dbArgs(l hubtest.Location) []string {
	if l.PG != "" {
		return []string{"--pg", l.PG}
	}
	return []string{"--db", l.SQLite}
}

func lines(s string) []string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// fileLines are the lines of an import's output that are one a file,
// without the indented warnings under them.
func fileLines(s string) []string {
	var out []string
	for _, l := range lines(s) {
		if !strings.HasPrefix(l, "\t") {
			out = append(out, l)
		}
	}
	return out
}

// Every official text we have imports, once; the hub's library then has
// the official text of every law we ship summaries for.
func TestLegalImportOfficialFiles(t *testing.T) {
	if _, err := os.Stat(officialDir); os.IsNotExist(err) {
		t.Skipf("%s is absent", officialDir)
	}
	files, err := filepath.Glob(filepath.Join(officialDir, "*.md"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no .md files in %s (%v)", officialDir, err)
	}
	db := filepath.Join(t.TempDir(), "hub.db")
	code, out, errs := hubCmd(t, append([]string{"legal", "import", "--db", db}, files...)...)
	if code != 0 {
		t.Fatalf("import: %d\n%s%s", code, out, errs)
	}
	if strings.Contains(out, "注意") {
		t.Errorf("summaries that do not match the official text:\n%s", out)
	}
	got := fileLines(out)
	if len(got) != len(files) {
		t.Fatalf("%d lines for %d files:\n%s", len(got), len(files), out)
	}
	for i, path := range files {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		law, err := legal.ParseMarkdown(path, f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("%s\t%s\t%d条\t已导入 imported", law.Title, lawimport.VersionText(law.Version), len(law.Articles()))
		if got[i] != want {
			t.Errorf("line %d: %q, want %q", i+1, got[i], want)
		}
	}
	// Again: every one kept, and nothing fails.
	code, out, errs = hubCmd(t, append([]string{"legal", "import", "--db", db}, files...)...)
	if code != 0 || strings.Count(out, "kept the same version") != len(files) {
		t.Errorf("import again: %d\n%s%s", code, out, errs)
	}
	if code, list, errs := hubCmd(t, "legal", "list", "--db", db); code != 0 || len(lines(list)) != len(files) || !strings.Contains(list, "xfgztl\t信访工作条例") {
		t.Errorf("list: %d\n%s%s", code, list, errs)
	}

	h, err := hub.OpenSQLite(db)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	st, err := hub.NewStatutes(context.Background(), h, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	lib := st.Library()
	for _, l := range lib.Laws() {
		if !l.HasText() {
			t.Errorf("%s: no official text in the hub's library", l.Code)
		}
	}
	if ds := lib.Discrepancies(); len(ds) > 0 {
		t.Errorf("discrepancies: %v", ds)
	}
}

const (
	// fixtureXF is a made-up file in the layout of the official text (our
	// words, not the statute's).
	fixtureXF = `# 信访工作条例

2022年2月25日 测试单位发布

<!-- INFO END -->

## 第四章 测试用的一章

第三十四条 测试用条文，内容由我们编写。

第三十五条 另一条测试用条文。
`
	// fixtureBroken skips an article.
	fixtureBroken = `# 信访工作条例

<!-- INFO END -->

第一条 甲。

第三条 丙。
`
)

// Small files of our own: the newest version wins, an older or undated
// one is kept out and said so, a broken or missing file is reported
// with its name (and line) while the others are still imported, and
// the command then fails.
func TestLegalImportFixtures(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, b hubtest.Backend) {
		dir := t.TempDir()
		write := func(name, text string) string {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			return path
		}
		older := write("信访工作条例(2005-01-10).md", strings.Replace(fixtureXF, "2022年2月25日", "2005年1月10日", 1))
		undated := write("信访工作条例.md", strings.Replace(fixtureXF, "2022年2月25日 测试单位发布\n", "", 1))
		current := write("信访工作条例(2022-02-25).md", fixtureXF)
		broken := write("坏文件.md", fixtureBroken)
		missing := filepath.Join(dir, "没有这个文件.md")
		if _, err := legal.ParseMarkdown("坏文件.md", strings.NewReader(fixtureBroken)); err == nil || !strings.HasPrefix(err.Error(), "坏文件.md:7:") {
			t.Fatalf("the broken fixture: %v", err)
		}

		db := dbArgs(b.New(t))
		// Files before and after the flags.
		cmd := append(append([]string{"legal", "import", older, broken}, db...), current, missing, undated)
		code, out, errs := hubCmd(t, cmd...)
		if code != 1 {
			t.Errorf("exit %d, want 1", code)
		}
		today := time.Now().Format(time.DateOnly)
		want := []string{
			"信访工作条例\t2005-01-10\t2条\t已导入 imported",
			"信访工作条例\t2022-02-25\t2条\t已导入，替换了 2005-01-10 版 imported, replacing version 2005-01-10",
			"信访工作条例\t未注明日期(undated)\t2条\t已有较新版本，未改动 kept newer version 2022-02-25 (imported " + today + " from 信访工作条例(2022-02-25).md)",
		}
		if got := fileLines(out); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("output:\n%s\nwant:\n%s", out, strings.Join(want, "\n"))
		}
		// Our summaries of articles the small text lacks are pointed out.
		if !strings.Contains(out, "shipped summaries disagree with this text:\n\t  xfgztl/17 (legal/xfgztl.json): not in the official text\n") {
			t.Errorf("no warning about the summaries the text lacks:\n%s", out)
		}
		for _, w := range []string{"未导入 not imported: " + broken + ":7:", "没有这个文件.md", "2 of 5 files not imported"} {
			if !strings.Contains(errs, w) {
				t.Errorf("stderr lacks %q:\n%s", w, errs)
			}
		}

		code, out, errs = hubCmd(t, append(append([]string{"legal", "import"}, db...), older, current)...)
		want = []string{
			"信访工作条例\t2005-01-10\t2条\t已有较新版本，未改动 kept newer version 2022-02-25 (imported " + today + " from 信访工作条例(2022-02-25).md)",
			"信访工作条例\t2022-02-25\t2条\t已有同一版本，未改动 kept the same version 2022-02-25 (imported " + today + " from 信访工作条例(2022-02-25).md)",
		}
		if got := fileLines(out); code != 0 || strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("again: %d\n%s%s", code, out, errs)
		}
		code, list, errs := hubCmd(t, append([]string{"legal", "list"}, db...)...)
		if code != 0 || !strings.HasPrefix(list, "xfgztl\t信访工作条例\t2022-02-25\t2条\t导入 ") || !strings.HasSuffix(list, "\t信访工作条例(2022-02-25).md\n") || len(lines(list)) != 1 {
			t.Errorf("list: %d\n%s%s", code, list, errs)
		}

		for _, args := range [][]string{{"legal"}, {"legal", "frob"}, append([]string{"legal", "import"}, db...)} {
			if code, _, errs := hubCmd(t, args...); code != 2 || !strings.Contains(errs, "legal import") {
				t.Errorf("%q: exit %d\n%s", args, code, errs)
			}
		}
	})
}

// An undated text goes in when nothing is stored, and a dated one
// replaces it.
func TestLegalImportUndatedThenDated(t *testing.T) {
	dir := t.TempDir()
	undated := filepath.Join(dir, "信访工作条例.md")
	dated := filepath.Join(dir, "信访工作条例(2022-02-25).md")
	os.WriteFile(undated, []byte(strings.Replace(fixtureXF, "2022年2月25日 测试单位发布\n", "", 1)), 0o644)
	os.WriteFile(dated, []byte(fixtureXF), 0o644)
	db := filepath.Join(dir, "hub.db")
	for _, c := range []struct{ file, want string }{
		{undated, "信访工作条例\t未注明日期(undated)\t2条\t已导入 imported"},
		{undated, "信访工作条例\t未注明日期(undated)\t2条\t已有同一版本，未改动 kept the same version 未注明日期(undated) (imported " + time.Now().Format(time.DateOnly) + " from 信访工作条例.md)"},
		{dated, "信访工作条例\t2022-02-25\t2条\t已导入，替换了 未注明日期(undated) 版 imported, replacing version 未注明日期(undated)"},
	} {
		if code, out, errs := hubCmd(t, "legal", "import", "--db", db, c.file); code != 0 || strings.Join(fileLines(out), "\n") != c.want {
			t.Errorf("%s: %d %q %s, want %q", filepath.Base(c.file), code, out, errs, c.want)
		}
	}
}
