package legal

import (
	"bytes"
	"strings"
	"testing"

	"jiefang/assets"
	"jiefang/sync/qrimage"
)

// shippedLibrary is the library of the content we ship, without
// official text.
func shippedLibrary(t testing.TB) *Library {
	t.Helper()
	laws, err := LoadShipped(assets.Statutes)
	if err != nil {
		t.Fatal(err)
	}
	lib, err := NewLibrary(laws, nil)
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// decodeQR reads the text of the QR code in a PNG, as the desk reads an
// enrollment code's image (which works round gozxing's blind spots).
func decodeQR(t testing.TB, png []byte) string {
	t.Helper()
	text, err := qrimage.Decode(bytes.NewReader(png))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return text
}

// Every node we ship — laws, headings, articles — has a QR code that
// reads back as its text, and in link mode as its address.
func TestQRRoundTripEveryShippedNode(t *testing.T) {
	lib := shippedLibrary(t)
	n := 0
	for _, law := range lib.Laws() {
		for range law.Root.All() {
			n++
		}
	}
	if n < 300 {
		t.Fatalf("only %d nodes shipped", n)
	}
	for _, law := range lib.Laws() {
		t.Run(law.Code, func(t *testing.T) {
			t.Parallel() // decoding is slow under -race; a law a core
			checkQRCodes(t, lib, law)
		})
	}
}

// checkQRCodes checks the QR code of every node of law.
func checkQRCodes(t *testing.T, lib *Library, law *Law) {
	for node := range law.Root.All() {
		text, err := lib.QRText(node, QROptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(text) > qrMaxBytes {
			t.Errorf("%s: %d bytes of text", node.ID, len(text))
		}
		if !strings.HasPrefix(text, law.Title) || !strings.Contains(text, law.Link) {
			t.Errorf("%s: text %q lacks the law or its link", node.ID, text)
		}
		if node.Kind == KindArticle && (!strings.Contains(text, node.Label) || !strings.Contains(text, node.Summary)) {
			t.Errorf("%s: text %q lacks the article or its summary", node.ID, text)
		}
		png, err := lib.QRCode(node, QROptions{}, -4)
		if err != nil {
			t.Fatal(err)
		}
		if got := decodeQR(t, png); got != text {
			t.Errorf("%s: read back %q, want %q", node.ID, got, text)
		}
		// Links differ only in the id: every one is checked as text,
		// the laws' codes also read back.
		link, err := lib.QRText(node, QROptions{BaseURL: "https://xf.example.gov.cn/statutes/"})
		if want := "https://xf.example.gov.cn/statutes/" + node.ID; err != nil || link != want {
			t.Errorf("%s: link %q (%v), want %q", node.ID, link, err, want)
		}
		if node.Kind != KindLaw {
			continue
		}
		png, err = lib.QRCode(node, QROptions{BaseURL: "https://xf.example.gov.cn/statutes/"}, -4)
		if err != nil {
			t.Fatal(err)
		}
		if got := decodeQR(t, png); got != link {
			t.Errorf("%s: link read back %q, want %q", node.ID, got, link)
		}
	}
}

func TestQRText(t *testing.T) {
	lib := shippedLibrary(t)
	a := lib.Node("xfgztl/34")
	text, err := lib.QRText(a, QROptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "信访工作条例 第三十四条（" + a.Title + "）\n" + a.Summary + "\n"; !strings.HasPrefix(text, want) {
		t.Errorf("text %q, want it to start %q", text, want)
	}
	ch := lib.Node("xfgztl/ch4")
	text, _ = lib.QRText(ch, QROptions{})
	if !strings.HasPrefix(text, "信访工作条例 第四章 信访事项的办理\n包括：") || !strings.Contains(text, "第三十四条") {
		t.Errorf("heading text %q", text)
	}
	for _, bad := range []string{"ftp://x.cn", "not a url", "https://"} {
		if _, err := lib.QRText(a, QROptions{BaseURL: bad}); err == nil {
			t.Errorf("base %q accepted", bad)
		}
	}
	if got := cut("一二三四五", 10); got != "一二…" {
		t.Errorf("cut %q", got)
	}
}
