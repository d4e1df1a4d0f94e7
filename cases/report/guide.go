package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"jiefang/cases"
)

// Guide is what a legal guide (法律指引) tells the petitioner: the
// issue in plain words, the articles pinned to the case, when the desk
// will be in touch again, and where to ask.
type Guide struct {
	Case     cases.Case
	Articles []GuideArticle
	// Contact says where to ask: the desk's office, address or phone.
	// Empty: the guide tells the petitioner to ask at the desk that
	// received them.
	Contact string
}

// GuideArticle is one article on the guide.
type GuideArticle struct {
	Citation string   // the law and article, e.g. 信访工作条例 第三十四条
	Title    string   // our caption, e.g. 办理期限; may be empty
	Summary  string   // our plain words; may be empty
	Text     []string // the official text's paragraphs, if imported
	QR       []byte   // a PNG of the article's QR code; nil: none
	QRNote   string   // what scanning the code shows, e.g. 扫码看本条说明
}

// Guide layout, in millimetres.
const (
	qrSize      = 30.0 // a QR code's side: scannable when printed
	qrGap       = 4.0  // between an article's text and its QR code
	minArticle  = 48.0 // an article starts on a new page with less left
	headingRoom = 30.0 // a heading starts on a new page with less left
)

// LegalGuide writes the case's legal guide as an A4 PDF to w, in black
// on white so that it prints legibly on any printer. Personal data is
// masked: the parties' names (张*), ID card numbers (110***********1234)
// and mobile numbers (138****5678) wherever they appear in the text.
// font is a standalone TrueType font with Chinese glyphs; now is the time
// of printing.
func LegalGuide(w io.Writer, g Guide, font []byte, now time.Time) error {
	if len(font) == 0 {
		return errors.New("report: no font")
	}
	c := g.Case
	var names []string
	for _, p := range c.Parties {
		names = append(names, p.Name)
	}
	mask := func(s string) string { return MaskText(s, names) }

	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, margin+4)
	pdf.AddUTF8FontFromBytes(fontName, "", font)
	pdf.SetFont(fontName, "", bodySize)
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("report: font: %w", err)
	}
	pdf.SetTitle("法律指引 "+c.Number(), true)
	pdf.SetCreator("接访台", true)
	pdf.AliasNbPages("{nb}")
	printed := cases.Local(now).Format("2006-01-02 15:04")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-margin)
		pdf.SetFont(fontName, "", smallSize)
		pdf.CellFormat(0, 5, "案件编号 "+c.Number()+" · 打印时间 "+printed+"（北京时间）", "", 0, "L", false, 0, "")
		pdf.SetX(margin)
		pdf.CellFormat(0, 5, fmt.Sprintf("第 %d 页 / 共 {nb} 页", pdf.PageNo()), "", 0, "R", false, 0, "")
	})
	pdf.AddPage()

	pdf.SetFont(fontName, "", 22)
	pdf.CellFormat(0, 12, "法律指引", "", 1, "C", false, 0, "")
	pdf.SetFont(fontName, "", bodySize)
	pdf.CellFormat(0, 6, "给信访人的说明，请收好。", "", 1, "C", false, 0, "")
	pdf.Ln(3)

	_, pageH := pdf.GetPageSize()
	heading := func(s string) {
		// A heading does not stand alone at the foot of a page.
		if pdf.GetY() > pageH-margin-headingRoom {
			pdf.AddPage()
		}
		pdf.Ln(2)
		pdf.SetFont(fontName, "", 14)
		para(pdf, margin, 8, s)
		pdf.SetLineWidth(0.4)
		pageW, _ := pdf.GetPageSize()
		pdf.Line(margin, pdf.GetY(), pageW-margin, pdf.GetY())
		pdf.SetLineWidth(0.2)
		pdf.Ln(2)
		pdf.SetFont(fontName, "", bodySize)
	}

	heading("您反映的事情")
	issue := strings.TrimSpace(c.Summary)
	if issue == "" {
		issue = "（接待时没有记下摘要）"
	}
	if c.Category != "" {
		issue = "【" + c.Category + "】" + issue
	}
	para(pdf, margin, lineH, mask(issue))
	if facts := c.CurrentFacts(); len(facts) > 0 {
		pdf.Ln(1)
		pdf.SetFont(fontName, "", smallSize+1)
		para(pdf, margin, 5.5, "我们一起核对的事实：")
		for i, f := range facts {
			para(pdf, margin+4, 5.5, fmt.Sprintf("%d. %s（%s）", i+1, mask(f.Text), f.Status.Label()))
		}
		pdf.SetFont(fontName, "", bodySize)
	}

	heading("与您的事情有关的法律规定")
	if len(g.Articles) == 0 {
		para(pdf, margin, lineH, "接待时没有选定法条。")
	}
	for i, a := range g.Articles {
		if pdf.GetY() > pageH-margin-minArticle {
			pdf.AddPage()
		}
		if err := guideArticle(pdf, i, a); err != nil {
			return err
		}
	}

	heading("接下来")
	if len(c.FollowUps) == 0 {
		para(pdf, margin, lineH, "工作人员会按规定时间回访您。")
	}
	for _, f := range c.FollowUps {
		line := f.Kind.Label() + "：" + cases.Local(f.Due).Format("2006年1月2日") + "前"
		if f.Done() {
			line += "（已完成）"
		}
		para(pdf, margin, lineH, line)
	}

	heading("有问题去哪里问")
	contact := strings.TrimSpace(g.Contact)
	if contact == "" {
		contact = "请到接待您的信访接待窗口询问，并带上这份指引，说出上面的案件编号。"
	}
	para(pdf, margin, lineH, contact)
	pdf.Ln(1)
	pdf.SetFont(fontName, "", smallSize)
	para(pdf, margin, 5, "本指引中的法条说明是为方便您理解而写的通俗解释，以法律法规原文为准。")

	if err := pdf.Error(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return pdf.Output(w)
}

// guideArticle writes article i: its citation and caption, our summary
// and the official text beside its QR code.
func guideArticle(pdf *fpdf.Fpdf, i int, a GuideArticle) error {
	pageW, _ := pdf.GetPageSize()
	top, page := pdf.GetY(), pdf.PageNo()
	if len(a.QR) > 0 {
		// The code and the note under it in a column on the right; the
		// text keeps clear of it.
		name := fmt.Sprintf("qr%d", i)
		pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(a.QR))
		if err := pdf.Error(); err != nil {
			return fmt.Errorf("report: QR code of %s: %w", a.Citation, err)
		}
		x := pageW - margin - qrSize
		pdf.ImageOptions(name, x, top+1, qrSize, qrSize, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
		note := a.QRNote
		if note == "" {
			note = "扫码看本条说明"
		}
		pdf.SetXY(x, top+qrSize+1)
		pdf.SetFont(fontName, "", 7.5)
		pdf.CellFormat(qrSize, 4, note, "", 0, "C", false, 0, "")
		pdf.SetXY(margin, top)
		pdf.SetRightMargin(margin + qrSize + qrGap)
	}
	title := fmt.Sprintf("%d. %s", i+1, a.Citation)
	if a.Title != "" {
		title += "　" + a.Title
	}
	pdf.SetFont(fontName, "", 12.5)
	para(pdf, margin, 7, title)
	pdf.SetFont(fontName, "", bodySize)
	if a.Summary != "" {
		para(pdf, margin, lineH, a.Summary)
	}
	if len(a.Text) > 0 {
		pdf.Ln(1)
		pdf.SetFont(fontName, "", smallSize)
		para(pdf, margin, 4.6, "原文：")
		for _, p := range a.Text {
			para(pdf, margin+3, 4.6, p)
		}
		pdf.SetFont(fontName, "", bodySize)
	}
	pdf.SetRightMargin(margin)
	if len(a.QR) > 0 && pdf.PageNo() == page {
		pdf.SetY(max(pdf.GetY(), top+qrSize+6))
	}
	pdf.Ln(2)
	return nil
}
