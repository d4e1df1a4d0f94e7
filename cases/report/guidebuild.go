package report

import (
	"fmt"
	"strings"

	"jiefang/cases"
	"jiefang/legal"
)

// What the note under a QR code says it shows.
const (
	qrNoteText = "扫码看本条说明"  // the code holds the text (the default)
	qrNoteLink = "扫码打开本条网页" // the code holds a link (legal.QROptions.BaseURL)
)

// qrModule is the side of a QR code's module in the PNG, in pixels: the
// code stays sharp however the PDF scales it.
const qrModule = 8

// GuideOptions are what BuildGuide needs beside the case and the
// statutes.
type GuideOptions struct {
	Contact string          // see Guide.Contact
	QR      legal.QROptions // what the codes hold: our text by default, or links
}

// BuildGuide makes the legal guide of case c from its pinned articles,
// in pin order, looked up in the statute library lib (shipped summaries
// merged with the official text imported on this desk). It is the one
// place the desk and jiefangctl turn pins into guide articles; report
// imports legal, and legal imports nothing of the desk.
//
// A pin that is a node id of the library (xfgztl/34) becomes the law's
// title and the article's label as citation ("信访工作条例 第三十四条"),
// our title and summary, the official text if it was imported (each
// paragraph, then each of its items, a line), and a QR code (see
// legal.Library.QRCode) with a note saying what it shows. Any other pin
// (a citation typed before the statute tree existed, or the id of a law
// no longer in the library) is printed as its citation alone, with no
// code: a typed citation is not looked up, since it may cite another
// edition of the law, whose articles are numbered differently. lib may
// be nil: then every pin is printed so.
//
// The error is a QR link base that is not an http(s) address, or a code
// that cannot be made.
func BuildGuide(c cases.Case, lib *legal.Library, o GuideOptions) (Guide, error) {
	g := Guide{Case: c, Contact: o.Contact}
	if lib != nil && o.QR.BaseURL != "" {
		if laws := lib.Laws(); len(laws) > 0 {
			if _, err := lib.QRText(laws[0].Root, o.QR); err != nil {
				return Guide{}, fmt.Errorf("report: guide: %w", err)
			}
		}
	}
	for _, p := range c.Articles {
		a, err := pinnedArticle(p, lib, o.QR)
		if err != nil {
			return Guide{}, fmt.Errorf("report: guide: %w", err)
		}
		g.Articles = append(g.Articles, a)
	}
	return g, nil
}

// pinnedArticle is the guide article of one pin.
func pinnedArticle(p cases.PinnedArticle, lib *legal.Library, qr legal.QROptions) (GuideArticle, error) {
	var n *legal.Node
	if lib != nil {
		n = lib.Node(strings.TrimSpace(p.Article))
	}
	if n == nil {
		citation := strings.TrimSpace(p.Title)
		if citation == "" {
			citation = strings.TrimSpace(p.Article)
		}
		return GuideArticle{Citation: citation}, nil
	}
	law := lib.Law(n.Code())
	a := GuideArticle{Citation: law.Title, Summary: n.Summary}
	if n.Kind != legal.KindLaw {
		a.Citation += " " + n.Label
		a.Title = n.Title
	}
	for _, para := range n.Text {
		for _, line := range append([]string{para.Text}, para.Items...) {
			if line != "" {
				a.Text = append(a.Text, line)
			}
		}
	}
	png, err := lib.QRCode(n, qr, -qrModule)
	if err != nil {
		return GuideArticle{}, err
	}
	a.QR, a.QRNote = png, qrNoteText
	if qr.BaseURL != "" {
		a.QRNote = qrNoteLink
	}
	return a, nil
}
