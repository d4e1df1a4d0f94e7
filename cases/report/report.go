// Package report writes the PDF documents of a case: the evidence
// timeline and the legal guide. It imports no GUI code, so the desk, the
// command-line tool and the hub make the same documents.
//
// The caller supplies the font: the bytes of a standalone TrueType font
// with Chinese glyphs, as found by jiefang/assets/fonts (Font.Data of a
// face with Font.TrueType set).
package report

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/go-pdf/fpdf"

	"jiefang/cases"
)

// TimelineOrder returns the case's evidence in timeline order: by the
// date on the document, ascending; undated items last; ties and undated
// items in the order they were added. The case is not changed.
func TimelineOrder(c cases.Case) []cases.Evidence {
	out := slices.Clone(c.Evidence)
	slices.SortStableFunc(out, func(a, b cases.Evidence) int {
		switch {
		case a.DocumentDate == "" && b.DocumentDate != "":
			return 1
		case a.DocumentDate != "" && b.DocumentDate == "":
			return -1
		}
		if c := strings.Compare(a.DocumentDate, b.DocumentDate); c != 0 {
			return c
		}
		return a.AddedAt.Compare(b.AddedAt)
	})
	return out
}

// Page layout, in millimetres.
const (
	margin    = 18.0
	labelW    = 24.0 // the labels of an entry's fields
	lineH     = 6.5  // body line height
	bodySize  = 11.0
	smallSize = 9.0
	fontName  = "cjk"
	// minEntry is the space an entry needs at least on a page; with less
	// left, it starts on the next page.
	minEntry = 40.0
)

// mediaWords names the media types the desk accepts.
var mediaWords = map[string]string{
	"image/jpeg":      "JPEG 图片",
	"image/png":       "PNG 图片",
	"application/pdf": "PDF 文件",
}

// EvidenceTimeline writes the case's evidence timeline as an A4 PDF to w:
// the case number, category and summary, then each item of evidence in
// [TimelineOrder] with its date, file name, media type, the start of its
// SHA-256 and the current fact cards it supports. Each page has a footer
// with its number and the time of printing (now, in China time). The
// document names no party and no ID number.
//
// font is a standalone TrueType font with Chinese glyphs.
func EvidenceTimeline(w io.Writer, c cases.Case, font []byte, now time.Time) error {
	if len(font) == 0 {
		return errors.New("report: no font")
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, margin+4)
	pdf.AddUTF8FontFromBytes(fontName, "", font)
	pdf.SetFont(fontName, "", bodySize) // reports a bad font, which AddUTF8FontFromBytes does not
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("report: font: %w", err)
	}
	pdf.SetTitle("证据时间轴 "+c.Number(), true)
	pdf.SetCreator("接访台", true)
	pdf.AliasNbPages("{nb}")
	printed := cases.Local(now).Format("2006-01-02 15:04")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-margin)
		pdf.SetFont(fontName, "", smallSize)
		pdf.SetTextColor(90, 90, 90)
		pdf.CellFormat(0, 5, "打印时间："+printed+"（北京时间）", "", 0, "L", false, 0, "")
		pdf.SetX(margin)
		pdf.CellFormat(0, 5, fmt.Sprintf("第 %d 页 / 共 {nb} 页", pdf.PageNo()), "", 0, "R", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()

	pdf.SetFont(fontName, "", 20)
	pdf.CellFormat(0, 12, "证据时间轴", "", 1, "C", false, 0, "")
	pdf.Ln(2)

	field := func(label, value string) {
		pdf.SetFont(fontName, "", bodySize)
		pdf.SetTextColor(90, 90, 90)
		pdf.CellFormat(labelW, lineH, label, "", 0, "L", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
		para(pdf, margin+labelW, lineH, value)
	}
	category := c.Category
	if category == "" {
		category = "未分类"
	}
	summary := c.Summary
	if summary == "" {
		summary = "（无）"
	}
	field("案件编号", c.Number())
	field("类别", category)
	field("事由摘要", summary)

	items := TimelineOrder(c)
	facts := c.CurrentFacts()
	pdf.Ln(2)
	pdf.SetFont(fontName, "", smallSize)
	pdf.SetTextColor(90, 90, 90)
	para(pdf, margin, 5, fmt.Sprintf("共 %d 份证据，按材料上的日期排列，日期未知的排在最后。"+
		"SHA-256 为文件内容的指纹（前 16 位），可与存档原件核对，以证明材料未被改动。", len(items)))
	pdf.SetTextColor(0, 0, 0)
	rule(pdf)

	if len(items) == 0 {
		pdf.SetFont(fontName, "", bodySize)
		para(pdf, margin, lineH, "还没有证据。")
	}
	_, pageH := pdf.GetPageSize()
	for i, it := range items {
		if pdf.GetY() > pageH-margin-minEntry {
			pdf.AddPage()
		}
		date := it.DocumentDate
		if date == "" {
			date = "日期未知"
		}
		pdf.SetFont(fontName, "", 13)
		para(pdf, margin, 8, fmt.Sprintf("%d. %s", i+1, date))
		field("文件名", it.FileName)
		mt := it.MediaType
		if w, ok := mediaWords[mt]; ok {
			mt = w + "（" + it.MediaType + "）"
		}
		field("类型", mt)
		field("SHA-256", shortSum(it.SHA256))
		var supports []string
		for j, f := range facts {
			if slices.Contains(it.Facts, f.ID) {
				supports = append(supports, fmt.Sprintf("%d. %s（%s）", j+1, f.Text, f.Status.Label()))
			}
		}
		if len(supports) == 0 {
			field("支持的事实", "无")
		} else {
			field("支持的事实", supports[0])
			for _, s := range supports[1:] {
				field("", s)
			}
		}
		rule(pdf)
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return pdf.Output(w)
}

// shortSum is the first 16 hex digits of a SHA-256, marked as cut.
func shortSum(sum string) string {
	if len(sum) <= 16 {
		return sum
	}
	return sum[:16] + "…"
}

// rule draws a thin line across the page below the current line.
func rule(pdf *fpdf.Fpdf) {
	pdf.Ln(2)
	w, _ := pdf.GetPageSize()
	y := pdf.GetY()
	pdf.SetDrawColor(190, 190, 190)
	pdf.Line(margin, y, w-margin, y)
	pdf.Ln(3)
}

// para writes s from x to the right margin, wrapped, line height h, and
// leaves the position at the left margin below it. fpdf's own MultiCell
// and SplitText drop the character at a break between two Chinese
// characters, so the text is wrapped here.
func para(pdf *fpdf.Fpdf, x, h float64, s string) {
	pageW, _ := pdf.GetPageSize()
	_, _, right, _ := pdf.GetMargins()
	w := pageW - right - x
	for _, line := range wrap(pdf, s, w-2*pdf.GetCellMargin()) {
		pdf.SetX(x)
		pdf.CellFormat(w, h, line, "", 2, "L", false, 0, "")
	}
	pdf.SetX(margin)
}

// noLineStart are punctuation marks that must not begin a line.
const noLineStart = "，。、；：？！）》」』”’…,.;:?!)]"

// wrap breaks s into lines no wider than w in the current font: between
// any two Chinese characters, at spaces within Latin text, and anywhere
// in a word too long for a line. No character is lost except the spaces
// at a break.
func wrap(pdf *fpdf.Fpdf, s string, w float64) []string {
	var lines []string
	for _, p := range strings.Split(s, "\n") {
		r := []rune(p)
		j := 0
		for i := 0; i < len(r); i++ {
			if i == j || pdf.GetStringWidth(string(r[j:i+1])) <= w {
				continue
			}
			brk := i
			if isWordRune(r[i]) {
				// Back to the start of the word, if it does not fill the line.
				k := i
				for k > j && isWordRune(r[k-1]) {
					k--
				}
				if k > j {
					brk = k
				}
			} else if strings.ContainsRune(noLineStart, r[i]) && i-1 > j {
				brk = i - 1
			}
			lines = append(lines, strings.TrimRight(string(r[j:brk]), " "))
			for brk < len(r) && r[brk] == ' ' {
				brk++
			}
			j = brk
			i = brk - 1
		}
		lines = append(lines, string(r[j:]))
	}
	return lines
}

// isWordRune reports a rune of a Latin word or number, which is not
// broken when it fits on a line.
func isWordRune(r rune) bool {
	return r < 0x2E80 && !unicode.IsSpace(r) && !strings.ContainsRune(noLineStart, r) && r != '('
}
