package fonts

import (
	"bytes"
	"compress/zlib"
	"io"
	"os"
	"regexp"
	"strconv"
	"testing"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"
)

// TestPDFEmbedsFont writes Chinese text with the extracted font through
// fpdf. Set JIEFANG_PDF_OUT=/some/file.pdf to keep the PDF for a look
// (e.g. pdftoppm -png).
func TestPDFEmbedsFont(t *testing.T) {
	readWQY(t) // clear failure message if the font package is missing
	f, err := Load(wqyPath, -1)
	if err != nil {
		t.Fatal(err)
	}
	if !f.TrueType {
		t.Fatalf("%s face %d not marked TrueType", f.Path, f.Index)
	}

	pdf := fpdf.New("P", "mm", "A4", "")
	// AddUTF8FontFromBytes does not set pdf.Err() on a bad font; SetFont does.
	pdf.AddUTF8FontFromBytes("cjk", "", f.Data)
	pdf.SetFont("cjk", "", 18)
	if err := pdf.Error(); err != nil {
		t.Fatalf("SetFont after AddUTF8FontFromBytes: %v", err)
	}
	pdf.AddPage()
	for _, line := range []string{
		"接访台 征地补偿 信访登记表",
		"来访人：张三　事由：土地征收补偿款未足额发放",
		"骨 直 角 说 写 将 边 这 (Simplified forms)",
	} {
		pdf.Cell(0, 12, line)
		pdf.Ln(14)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatalf("Output: %v", err)
	}
	out := buf.Bytes()
	if !bytes.HasPrefix(out, []byte("%PDF-")) {
		t.Fatalf("output is not a PDF: %q", out[:min(20, len(out))])
	}
	for _, want := range []string{"/FontFile2", "/Subtype /CIDFontType2", "/ToUnicode"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("PDF lacks %s: font not embedded", want)
		}
	}
	if !bytes.Contains(out, []byte("/BaseFont /utf8cjk")) {
		t.Errorf("PDF does not use the font added as \"cjk\"")
	}
	checkEmbeddedFont(t, out, []rune("接访台征地补偿骨直角"))
	if p := os.Getenv("JIEFANG_PDF_OUT"); p != "" {
		if err := os.WriteFile(p, out, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", p)
	}
}

// checkEmbeddedFont finds the /FontFile2 stream of the PDF, inflates it and
// checks that it is a TrueType font with glyphs for runes.
func checkEmbeddedFont(t *testing.T, pdf []byte, runes []rune) {
	t.Helper()
	m := regexp.MustCompile(`/FontFile2 (\d+) 0 R`).FindSubmatch(pdf)
	if m == nil {
		t.Fatal("no /FontFile2 reference")
	}
	obj, _ := strconv.Atoi(string(m[1]))
	start := bytes.Index(pdf, []byte("\n"+strconv.Itoa(obj)+" 0 obj"))
	if start < 0 {
		t.Fatalf("object %d not found", obj)
	}
	body := pdf[start:]
	s := bytes.Index(body, []byte("stream\n"))
	e := bytes.Index(body, []byte("endstream"))
	if s < 0 || e < s {
		t.Fatalf("object %d has no stream", obj)
	}
	zr, err := zlib.NewReader(bytes.NewReader(body[s+len("stream\n") : e]))
	if err != nil {
		t.Fatalf("font stream: %v", err)
	}
	prog, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("font stream: %v", err)
	}
	f, err := sfnt.Parse(prog)
	if err != nil {
		t.Fatalf("embedded font program (%d bytes) does not parse: %v", len(prog), err)
	}
	var buf sfnt.Buffer
	for _, r := range runes {
		if gi, err := f.GlyphIndex(&buf, r); err != nil || gi == 0 {
			t.Errorf("embedded font has no glyph for %q (%d, %v)", r, gi, err)
		}
	}
}
