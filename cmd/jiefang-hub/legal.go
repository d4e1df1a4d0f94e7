package main

import (
	"context"
	"fmt"
	"strings"

	"jiefang/cases"
	"jiefang/cmd/internal/lawimport"
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
	h, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer h.Close()
	imported, err := lawimport.Run(ctx, files, func(ctx context.Context, law *legal.Law) (lawimport.Result, error) {
		res, err := h.ImportLaw(ctx, law)
		r := lawimport.Result{Imported: res.Imported}
		if p := res.Previous; p != nil {
			r.Previous = &lawimport.Stored{Version: p.Version, Source: p.Source, ImportedAt: p.ImportedAt}
		}
		return r, err
	}, e.stdout, e.stderr)
	if imported > 0 {
		fmt.Fprintf(e.stderr, "正在运行的 jiefang-hub serve 会在 %s 内显示新导入的原文 / a running hub shows the new text within %s\n", hub.DefaultStatutesCheck, hub.DefaultStatutesCheck)
	}
	return err
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
		fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%d条\t导入 %s\t%s\n", l.Code, l.Title, lawimport.VersionText(l.Version), l.Articles,
			cases.Local(l.ImportedAt).Format("2006-01-02 15:04"), l.Source)
	}
	return nil
}
