package legal

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	goqr "github.com/skip2/go-qrcode"
)

// QROptions choose what a node's QR code holds.
type QROptions struct {
	// BaseURL, when set, makes the codes links: BaseURL + "/" + the
	// node's id, for a county that publishes the statute pages (see
	// Pages) at a public address. Empty (the default): the codes hold
	// text — the law, the article and our summary — which any phone's
	// scanner shows with no network. A petitioner's phone cannot reach a
	// hub on a county's private network, so text is the safe choice.
	BaseURL string
}

// qrMaxBytes bounds a code's text: a printed code 30 mm wide stays
// readable by a phone held close (modules about 0.35 mm).
const qrMaxBytes = 600

// QRText is what node n's QR code holds under o: a link, or the text.
func (l *Library) QRText(n *Node, o QROptions) (string, error) {
	if o.BaseURL != "" {
		u, err := url.Parse(strings.TrimRight(o.BaseURL, "/") + "/" + n.ID)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", fmt.Errorf("legal: QR link base %q is not an http(s) address", o.BaseURL)
		}
		return u.String(), nil
	}
	law := l.Law(n.Code())
	if law == nil {
		return "", fmt.Errorf("legal: %s is not in the library", n.ID)
	}
	var b strings.Builder
	switch n.Kind {
	case KindLaw:
		b.WriteString(law.Title)
		if law.Version != "" {
			b.WriteString("（" + law.Version + "）")
		}
	case KindArticle:
		b.WriteString(law.Title + " " + n.Label)
		if n.Title != "" {
			b.WriteString("（" + n.Title + "）")
		}
		switch {
		case n.Summary != "":
			b.WriteString("\n" + n.Summary)
		case len(n.Text) > 0:
			b.WriteString("\n" + n.FullText())
		}
	default:
		b.WriteString(law.Title + " " + n.Name())
		var arts []string
		for d := range n.All() {
			if d.Kind == KindArticle {
				arts = append(arts, d.Name())
			}
		}
		if len(arts) > 0 {
			b.WriteString("\n包括：" + strings.Join(arts, "；"))
		}
	}
	text := cut(b.String(), qrMaxBytes-len(law.Link)-1)
	if law.Link != "" {
		text += "\n" + law.Link
	}
	return text, nil
}

// QRCode is a PNG of node n's QR code under o, with medium error
// correction. A negative size -k draws each module k pixels square,
// which keeps the code crisp wherever it is scaled to (use it for
// print); a positive size is the image's side in pixels.
func (l *Library) QRCode(n *Node, o QROptions, size int) ([]byte, error) {
	text, err := l.QRText(n, o)
	if err != nil {
		return nil, err
	}
	png, err := goqr.Encode(text, goqr.Medium, size)
	if err != nil {
		return nil, fmt.Errorf("legal: QR code of %s: %w", n.ID, err)
	}
	return png, nil
}

// cut shortens s to at most max bytes, whole characters, marking the cut
// with an ellipsis.
func cut(s string, max int) string {
	if len(s) <= max {
		return s
	}
	const more = "…"
	end := max - len(more)
	for end > 0 && !utf8.RuneStart(s[end]) {
		end--
	}
	return s[:end] + more
}
