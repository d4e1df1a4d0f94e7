package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"jiefang/assets"
	"jiefang/cases"
	"jiefang/legal"
	"jiefang/sync/hub"
)

const legalUsage = "用法: jiefang-hub legal import [--db PATH | --pg URL] FILE.md… | legal list"

// runLegal imports the official text of laws into the hub, whose
// statute pages show it (a running serve picks it up within
// hub.DefaultStatutesCheck), or lists what the hub holds.
func runLegal(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		return usageError(legalUsage)
	}
	switch args[0] {
	case "import":
		return runLegalImport(ctx, e, args[1:])
	case "list":
		return runLegalList(ctx, e, args[1:])
	}
	return usageError(legalUsage)
}

// maxDiscrepancies bounds the disagreements printed for one law.
const maxDiscrepancies = 5

// runLegalImport reads each file with legal.ParseMarkdown and stores it
// unless the hub holds a version as new or newer, printing one line a
// file. A file that cannot be read or stored is reported and the others
// are still tried; the command then fails.
func runLegalImport(ctx context.Context, e env, args []string) error {
	f := newFlags("legal import", e)
	// The files may stand before, between or after the flags.
	var files []string
	for rest := args; ; {
		if err := f.fs.Parse(rest); err != nil {
			return err
		}
		rest = f.fs.Args()
		i := 0
		for i < len(rest) && !strings.HasPrefix(rest[i], "-") {
			i++
		}
		files = append(files, rest[:i]...)
		if rest = rest[i:]; len(rest) == 0 {
			break
		}
	}
	if len(files) == 0 {
		return usageError("需要至少一个 Markdown 文件 (give the files to import)\n" + legalUsage)
	}
	if *f.sqlite == "" && *f.pg == "" {
		*f.sqlite = "hub.db"
	}
	shipped, err := legal.LoadShipped(assets.Statutes)
	if err != nil {
		return err
	}
	byCode := map[string]*legal.Law{}
	for _, l := range shipped {
		byCode[l.Code] = l
	}
	h, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer h.Close()
	failed, imported := 0, 0
	for _, path := range files {
		law, err := readLaw(path)
		if err != nil {
			failed++
			fmt.Fprintf(e.stderr, "未导入 not imported: %v\n", err)
			if errors.Is(err, legal.ErrNotStatute) {
				fmt.Fprintf(e.stderr, "\t%s 不是法律法规原文的 Markdown 文件 (not a statute in the LawRefBook Markdown form)\n", path)
			}
			continue
		}
		res, err := h.ImportLaw(ctx, law)
		if err != nil {
			failed++
			fmt.Fprintf(e.stderr, "未导入 not imported: %s: %v\n", path, err)
			continue
		}
		fmt.Fprintf(e.stdout, "%s\t%s\t%d条\t%s\n", law.Title, versionText(law.Version), len(law.Articles()), importOutcome(law, res))
		if !res.Imported {
			continue
		}
		imported++
		if s := byCode[law.Code]; s != nil {
			if ds := legal.CrossCheck(s, law); len(ds) > 0 {
				fmt.Fprintf(e.stdout, "\t注意：我们写的说明有 %d 条与这份原文对不上（条号或所在章节不同，可能是另一版本）/ %d shipped summaries disagree with this text:\n", len(ds), len(ds))
				for i, d := range ds {
					if i == maxDiscrepancies {
						fmt.Fprintf(e.stdout, "\t  … %d more\n", len(ds)-i)
						break
					}
					fmt.Fprintf(e.stdout, "\t  %s\n", d)
				}
			}
		}
	}
	if imported > 0 {
		fmt.Fprintf(e.stderr, "正在运行的 jiefang-hub serve 会在 %s 内显示新导入的原文 / a running hub shows the new text within %s\n", hub.DefaultStatutesCheck, hub.DefaultStatutesCheck)
	}
	if failed > 0 {
		return fmt.Errorf("%d 个文件未导入（共 %d 个）/ %d of %d files not imported", failed, len(files), failed, len(files))
	}
	return nil
}

// readLaw parses the file at path; errors name the path as given and
// the line. The law's source is the file's name.
func readLaw(path string) (*legal.Law, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	law, err := legal.ParseMarkdown(path, file)
	if err != nil {
		return nil, err
	}
	law.Source = filepath.Base(path)
	return law, nil
}

// versionText is a version as the lines show it (as jiefangctl shows
// it: the two tools print imports alike).
func versionText(v string) string {
	if v == "" {
		return "未注明日期(undated)"
	}
	return v
}

// importOutcome is the end of an import line: what became of the law.
func importOutcome(law *legal.Law, res hub.LawImport) string {
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

func runLegalList(ctx context.Context, e env, args []string) error {
	f := newFlags("legal list", e)
	if err := f.parse(args); err != nil {
		return err
	}
	h, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer h.Close()
	laws, err := h.Laws(ctx)
	if err != nil {
		return err
	}
	if len(laws) == 0 {
		fmt.Fprintln(e.stdout, "上级没有导入法律原文；法条页面只有我们写的说明。导入：jiefang-hub legal import --db PATH FILE…")
		return nil
	}
	for _, l := range laws {
		fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%d条\t导入 %s\t%s\n", l.Code, l.Title, versionText(l.Version), l.Articles,
			cases.Local(l.ImportedAt).Format("2006-01-02 15:04"), l.Source)
	}
	return nil
}
