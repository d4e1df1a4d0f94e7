package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"jiefang/assets"
	"jiefang/assets/fonts"
	"jiefang/cases"
	"jiefang/cases/report"
	"jiefang/cases/store"
	"jiefang/cmd/internal/lawimport"
	"jiefang/legal"
)

// runLegal imports the official text of laws and prints legal guides:
//
//	jiefangctl legal import --db PATH FILE…
//	jiefangctl legal list   --db PATH
//	jiefangctl legal guide  --db PATH --case ID --out FILE.pdf [--contact TEXT] [--qr-base URL] [--font FILE]
func runLegal(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		return usageError("需要子命令 import、list 或 guide (legal import|list|guide)")
	}
	switch args[0] {
	case "import":
		return legalImport(ctx, e, args[1:])
	case "list":
		return legalList(ctx, e, args[1:])
	case "guide":
		return legalGuide(ctx, e, args[1:])
	}
	return usageError(fmt.Sprintf("未知子命令 %q：应为 import、list 或 guide", args[0]))
}

// legalImport parses each file and stores its law; a file that fails
// does not stop the others, and makes the command fail at the end.
func legalImport(ctx context.Context, e env, args []string) error {
	fs, db := flags("legal import", e)
	// The files may stand before, between or after the flags.
	var files []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			return flagError(err)
		}
		rest = fs.Args()
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
		return usageError("需要法律原文文件：legal import --db PATH FILE… (Markdown files of the official text)")
	}
	s, err := open(e, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	_, err = lawimport.Run(ctx, files, func(ctx context.Context, law *legal.Law) (lawimport.Result, error) {
		res, err := s.ImportLaw(ctx, law)
		r := lawimport.Result{Imported: res.Imported}
		if p := res.Previous; p != nil {
			r.Previous = &lawimport.Stored{Version: p.Version, Source: p.Source, ImportedAt: p.ImportedAt}
		}
		return r, err
	}, e.stdout, e.stderr)
	return err
}

func legalList(ctx context.Context, e env, args []string) error {
	fs, db := flags("legal list", e)
	s, err := parseAndOpen(e, fs, db, args)
	if err != nil {
		return err
	}
	defer s.Close()
	laws, err := s.StoredLaws(ctx)
	if err != nil {
		return err
	}
	if len(laws) == 0 {
		fmt.Fprintln(e.stdout, "本机没有导入法律原文；法条树只有我们写的说明。导入：jiefangctl legal import --db PATH FILE…")
		return nil
	}
	for _, l := range laws {
		fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%d条\t导入 %s\t%s\n", l.Code, l.Title, lawimport.VersionText(l.Version), l.Articles,
			cases.Local(l.ImportedAt).Format("2006-01-02 15:04"), l.Source)
	}
	return nil
}

func legalGuide(ctx context.Context, e env, args []string) error {
	fs, db := flags("legal guide", e)
	ref := fs.String("case", "", "案件编号或ID / the case: its number (provisional or official) or id")
	out := fs.String("out", "", "PDF文件 / the PDF file to write")
	contact := fs.String("contact", "", "有问题去哪里问：窗口、地址或电话 / where to ask: the desk's office, address or phone")
	qrBase := fs.String("qr-base", "", "二维码放链接：法条网页的公开地址 / make the QR codes links to BASE/<article id> (default: the codes hold the text)")
	fontPath := fs.String("font", "", "中文TrueType字体文件 / a Chinese TrueType font file (default: the system's)")
	if err := parse(fs, args); err != nil {
		return flagError(err)
	}
	if strings.TrimSpace(*ref) == "" {
		return usageError("需要 --case 案件编号或ID (the case's number or id)")
	}
	if *out == "" {
		return usageError("需要 --out 文件 (the PDF file to write)")
	}
	font, err := pdfFont(*fontPath)
	if err != nil {
		return err
	}
	s, err := open(e, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	id, err := s.FindCase(ctx, *ref)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("没有案件 %q：请给出案件编号或ID（jiefangctl cases 可列出）/ no case %q", *ref, *ref)
	}
	if err != nil {
		return err
	}
	c, err := s.Case(ctx, id)
	if err != nil {
		return err
	}
	lib, err := library(ctx, s, e.stderr)
	if err != nil {
		return err
	}
	g, err := report.BuildGuide(c, lib, report.GuideOptions{Contact: strings.TrimSpace(*contact), QR: legal.QROptions{BaseURL: strings.TrimSpace(*qrBase)}})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.LegalGuide(&buf, g, font, time.Now()); err != nil {
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	coded := 0
	for i, a := range g.Articles {
		if a.QR != nil {
			coded++
			continue
		}
		fmt.Fprintf(e.stderr, "注意：%q 不在法条库中，只印出引用，没有说明和二维码 / not in the statute library: printed as a citation alone\n", c.Articles[i].Article)
	}
	if len(g.Articles) == 0 {
		fmt.Fprintln(e.stderr, "注意：这件案件没有选定法条，指引里没有法条 / the case has no pinned articles")
	}
	fmt.Fprintf(e.stdout, "已写出法律指引 %s：案件 %s，法条 %d 条，其中 %d 条附二维码 / wrote the legal guide, %d articles, %d with a QR code\n",
		*out, c.Number(), len(g.Articles), coded, len(g.Articles), coded)
	return nil
}

// library is the desk's statute library: the shipped summaries and the
// official text imported into the store. An imported law that does not
// read back is left out, with a warning.
func library(ctx context.Context, s *store.Store, warn io.Writer) (*legal.Library, error) {
	shipped, err := legal.LoadShipped(assets.Statutes)
	if err != nil {
		return nil, err
	}
	imported, err := s.ImportedLaws(ctx)
	if errors.Is(err, store.ErrUnreadableLaw) {
		fmt.Fprintf(warn, "注意：有导入的法律原文读不出来，已略过（可重新导入）/ skipped: %v\n", err)
	} else if err != nil {
		return nil, err
	}
	return legal.NewLibrary(shipped, imported)
}

// findFont finds the system's Chinese font; tests replace it.
var findFont = fonts.Find

// pdfFont is a Chinese TrueType font for the PDF: the file given, or the
// system's. Its errors say, in Chinese and English, what to install.
func pdfFont(path string) ([]byte, error) {
	f, err := findFont(fonts.Options{Preferred: path})
	if nf, ok := errors.AsType[*fonts.NotFoundError](err); ok {
		if nf.GOOS == "windows" {
			return nil, fmt.Errorf("未找到中文字体，无法生成PDF。Windows 通常自带“微软雅黑”（C:\\Windows\\Fonts\\msyh.ttc），请检查它是否被删除；"+
				"也可以用 --font 指定一个中文TrueType字体文件（.ttf 或 .ttc）。\n"+
				"no Chinese font found: Microsoft YaHei (msyh.ttc) should be in C:\\Windows\\Fonts, or give a Chinese TrueType font file with --font\n%w", err)
		}
		return nil, fmt.Errorf("未找到中文字体，无法生成PDF。请安装文泉驿微米黑字体：sudo apt-get install fonts-wqy-microhei"+
			"（Debian、Ubuntu、统信 UOS、麒麟等系统），或用 --font 指定一个中文TrueType字体文件（.ttf 或 .ttc）。\n"+
			"no Chinese font found: install WenQuanYi Micro Hei (sudo apt-get install fonts-wqy-microhei), or give a Chinese TrueType font file with --font\n%w", err)
	}
	if err != nil {
		return nil, fmt.Errorf("字体文件不能用 / the font cannot be used: %w", err)
	}
	if !f.TrueType {
		return nil, fmt.Errorf("字体“%s”（%s）不能嵌入PDF文件：需要TrueType字体。请安装文泉驿微米黑字体（sudo apt-get install fonts-wqy-microhei），"+
			"或用 --font 指定一个中文TrueType字体文件。\n"+
			"font %q (%s) has CFF outlines, which the PDF writer cannot embed: install fonts-wqy-microhei, or give a Chinese TrueType font file with --font",
			f.Name, f.Path, f.Name, f.Path)
	}
	return f.Data, nil
}
