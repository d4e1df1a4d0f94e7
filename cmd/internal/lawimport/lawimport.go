// Package lawimport is the import of official statute text that
// jiefangctl (into a desk's database) and jiefang-hub (into the hub's)
// share: the files read one by one, one line a file on what became of
// it, parse errors naming the file and line, and the shipped summaries
// that disagree with the text pointed out. Each tool brings its storage.
package lawimport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"jiefang/assets"
	"jiefang/cases"
	"jiefang/legal"
)

// maxDiscrepancies bounds the disagreements printed for one law.
const maxDiscrepancies = 5

// Stored is the text of a law already stored.
type Stored struct {
	Version    string
	Source     string
	ImportedAt time.Time
}

// Result is what a store did with a law: imported it (replacing
// Previous, if any), or kept Previous, the newer or same version.
type Result struct {
	Imported bool
	Previous *Stored
}

// Importer stores a law by the newest-version rule (legal.Newer).
type Importer func(ctx context.Context, law *legal.Law) (Result, error)

// Run imports each file with imp, in order: a line a file on stdout
// (title, version, articles, what happened), and under it the shipped
// summaries the text disagrees with; a file that fails is reported on
// stderr and the others are still imported. It returns how many laws
// were stored, and an error if any file failed.
func Run(ctx context.Context, files []string, imp Importer, stdout, stderr io.Writer) (int, error) {
	shipped, err := legal.LoadShipped(assets.Statutes)
	if err != nil {
		return 0, err
	}
	byCode := map[string]*legal.Law{}
	for _, l := range shipped {
		byCode[l.Code] = l
	}
	failed, imported := 0, 0
	for _, path := range files {
		law, err := readLaw(path)
		if err != nil {
			failed++
			fmt.Fprintf(stderr, "未导入 not imported: %v\n", err)
			if errors.Is(err, legal.ErrNotStatute) {
				fmt.Fprintf(stderr, "\t%s 不是法律法规原文的 Markdown 文件 (not a statute in the LawRefBook Markdown form)\n", path)
			}
			continue
		}
		res, err := imp(ctx, law)
		if err != nil {
			failed++
			fmt.Fprintf(stderr, "未导入 not imported: %s: %v\n", path, err)
			continue
		}
		fmt.Fprintf(stdout, "%s\t%s\t%d条\t%s\n", law.Title, versionText(law.Version), len(law.Articles()), outcome(law, res))
		if !res.Imported {
			continue
		}
		imported++
		if s := byCode[law.Code]; s != nil {
			disagreements(stdout, legal.CrossCheck(s, law))
		}
	}
	if failed > 0 {
		return imported, fmt.Errorf("%d 个文件未导入（共 %d 个）/ %d of %d files not imported", failed, len(files), failed, len(files))
	}
	return imported, nil
}

// disagreements lists, under a law's line, the first of the shipped
// summaries that do not match its text.
func disagreements(w io.Writer, ds []legal.Discrepancy) {
	if len(ds) == 0 {
		return
	}
	fmt.Fprintf(w, "\t注意：我们写的说明有 %d 条与这份原文对不上（条号或所在章节不同，可能是另一版本）/ %d shipped summaries disagree with this text:\n", len(ds), len(ds))
	for i, d := range ds {
		if i == maxDiscrepancies {
			fmt.Fprintf(w, "\t  … %d more\n", len(ds)-i)
			break
		}
		fmt.Fprintf(w, "\t  %s\n", d)
	}
}

// readLaw parses the file at path; errors name the path as given and
// the line. The law's source is the file's name.
func readLaw(path string) (*legal.Law, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	law, err := legal.ParseMarkdown(path, f)
	if err != nil {
		return nil, err
	}
	law.Source = filepath.Base(path)
	return law, nil
}

// VersionText is a version as the tools show it.
func VersionText(v string) string { return versionText(v) }

func versionText(v string) string {
	if v == "" {
		return "未注明日期(undated)"
	}
	return v
}

// outcome is the end of an import line: what became of the law.
func outcome(law *legal.Law, res Result) string {
	p := res.Previous
	switch {
	case res.Imported && p == nil:
		return "已导入 imported"
	case res.Imported:
		return fmt.Sprintf("已导入，替换了 %s 版 imported, replacing version %s", versionText(p.Version), versionText(p.Version))
	case p.Version == law.Version:
		return fmt.Sprintf("已有同一版本，未改动 kept the same version %s (imported %s from %s)", versionText(p.Version),
			cases.Local(p.ImportedAt).Format(time.DateOnly), p.Source)
	}
	return fmt.Sprintf("已有较新版本，未改动 kept newer version %s (imported %s from %s)", versionText(p.Version),
		cases.Local(p.ImportedAt).Format(time.DateOnly), p.Source)
}
