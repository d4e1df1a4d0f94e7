package report

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/google/uuid"

	"jiefang/assets/fonts"
	"jiefang/cases"
)

// pdfFont finds the system's Chinese TrueType font, or skips the test.
func pdfFont(t *testing.T) []byte {
	t.Helper()
	f, err := fonts.Find(fonts.Options{})
	if err != nil {
		t.Skipf("no Chinese font: %v", err)
	}
	if !f.TrueType {
		t.Skipf("%s is not TrueType; fpdf cannot embed it", f.Path)
	}
	return f.Data
}

// sampleCase has three items of evidence, added undated first, and three
// fact cards, one superseded.
func sampleCase() cases.Case {
	id := func() uuid.UUID { return uuid.Must(uuid.NewV7()) }
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	old := cases.FactCard{ID: id(), Text: "旧的说法：补偿款没有发", Status: cases.FactPending, Order: 1}
	f1 := cases.FactCard{ID: id(), Text: "2019年5月签了征地协议，协议约定每亩补偿三万二千元，分两期在当年年底前付清", Status: cases.FactConfirmed, Order: 1, Supersedes: []uuid.UUID{old.ID}}
	f2 := cases.FactCard{ID: id(), Text: "补偿款只发了一半", Status: cases.FactDisputed, Order: 2}
	old.SupersededBy = f1.ID
	return cases.Case{
		ID:                id(),
		ProvisionalNumber: "K7Q2-20260302-003",
		Category:          "征地拆迁",
		Summary:           "村民反映2019年征地补偿款至今只拿到一半，多次到乡镇询问未果，要求按协议足额发放剩余补偿款并说明原因。",
		Parties:           []cases.Party{{Name: "张三丰", IDNumber: "110101199003078515"}},
		Facts:             []cases.FactCard{old, f1, f2},
		Evidence: []cases.Evidence{
			{ID: id(), SHA256: strings.Repeat("ab", 32), FileName: "补偿款明细（乡财政所盖章）.pdf", MediaType: "application/pdf", AddedAt: t0, Facts: []uuid.UUID{f2.ID}},
			{ID: id(), SHA256: strings.Repeat("0f", 32), FileName: "银行流水.png", MediaType: "image/png", DocumentDate: "2020-01-15", AddedAt: t0.Add(time.Hour), Facts: []uuid.UUID{f2.ID, f1.ID, old.ID}},
			{ID: id(), SHA256: strings.Repeat("c3", 32), FileName: "协议照片.jpg", MediaType: "image/jpeg", DocumentDate: "2019-05-01", AddedAt: t0.Add(2 * time.Hour), Facts: []uuid.UUID{f1.ID}},
		},
	}
}

func TestTimelineOrder(t *testing.T) {
	c0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	at := func(name, date string, d int) cases.Evidence {
		return cases.Evidence{FileName: name, DocumentDate: date, AddedAt: c0.AddDate(0, 0, d)}
	}
	c := cases.Case{Evidence: []cases.Evidence{at("a", "", 1), at("b", "2020-01-01", 2), at("c", "", 3), at("d", "2019-05-01", 4), at("e", "2019-05-01", 0)}}
	var got []string
	for _, e := range TimelineOrder(c) {
		got = append(got, e.FileName)
	}
	if want := []string{"e", "d", "b", "a", "c"}; !slices.Equal(got, want) {
		t.Errorf("TimelineOrder %v, want %v", got, want)
	}
	if c.Evidence[0].FileName != "a" {
		t.Error("TimelineOrder changed the case")
	}
}

func TestEvidenceTimeline(t *testing.T) {
	font := pdfFont(t)
	c := sampleCase()
	now := time.Date(2026, 3, 2, 6, 30, 0, 0, time.UTC) // 14:30 in China
	dir := t.TempDir()
	if out := os.Getenv("JIEFANG_REPORT_DIR"); out != "" {
		dir = out // keep the PDF and PNG for a look
	}
	path := filepath.Join(dir, "证据时间轴.pdf")
	var buf bytes.Buffer
	if err := EvidenceTimeline(&buf, c, font, now); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", b[:min(len(b), 20)])
	}
	if m := regexp.MustCompile(`/Type /Pages\s*/Kids \[[^\]]*\]\s*/Count (\d+)`).FindSubmatch(b); m == nil || string(m[1]) == "0" {
		t.Errorf("page count %q, want 1 or more", m)
	}

	if _, err := exec.LookPath("pdftoppm"); err == nil {
		prefix := filepath.Join(dir, "page")
		if out, err := exec.Command("pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", path, prefix).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v\n%s", err, out)
		}
		pngs, _ := filepath.Glob(prefix + "*.png")
		if len(pngs) == 0 {
			t.Fatal("pdftoppm wrote no PNG")
		}
		if st, err := os.Stat(pngs[0]); err != nil || st.Size() < 1000 {
			t.Errorf("PNG %s: %v, %d bytes", pngs[0], err, st.Size())
		}
	} else {
		t.Log("pdftoppm not installed; not rendered")
	}

	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext not installed; text not checked")
		return
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := string(out)
	flat := strings.Join(strings.Fields(text), "") // pdftotext puts spaces and breaks of its own
	for _, want := range []string{"证据时间轴", "K7Q2-20260302-003", "征地拆迁",
		"abababababababab…", "1.2019年5月签了征地协议", "足额发放剩余补偿款", "2.补偿款只发了一半（存争议）",
		"打印时间：2026-03-0214:30", "第1页/共1页", "JPEG图片", "分两期在当年年底前付清（已证实）"} {
		if !strings.Contains(flat, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	for _, bad := range []string{"张三丰", "110101199003078515", "旧的说法", "abababababababababab"} {
		if strings.Contains(flat, bad) {
			t.Errorf("text shows %q", bad)
		}
	}
	// Dated items first, by date, then the undated one.
	order := []string{"1.2019-05-01", "协议照片.jpg", "2.2020-01-15", "银行流水.png", "3.日期未知", "补偿款明细"}
	last := -1
	for _, s := range order {
		i := strings.Index(flat, s)
		if i <= last {
			t.Errorf("%q at %d, not after the previous item (%d):\n%s", s, i, last, text)
		}
		last = i
	}
}

func TestEvidenceTimelineBadFont(t *testing.T) {
	var buf bytes.Buffer
	if err := EvidenceTimeline(&buf, sampleCase(), nil, time.Now()); err == nil {
		t.Error("no error without a font")
	}
	if err := EvidenceTimeline(&buf, sampleCase(), []byte("not a font"), time.Now()); err == nil {
		t.Error("no error with a broken font")
	}
}

// wrap keeps every character but the spaces at breaks, and fits the width.
func TestWrap(t *testing.T) {
	font := pdfFont(t)
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes(fontName, "", font)
	pdf.SetFont(fontName, "", bodySize)
	for _, s := range []string{
		sampleCase().Summary,
		"补偿款明细（乡财政所盖章）第二部分-最终版本-扫描件-2019年5月1日-已核对-请勿修改-附件三.pdf",
		"Compensation was paid only in part, see bank statement 2020-01-15 and the agreement of May 2019.",
		strings.Repeat("x", 200),
	} {
		lines := wrap(pdf, s, 60)
		if len(lines) < 2 {
			t.Errorf("%q not wrapped at 60 mm: %q", s, lines)
		}
		for _, l := range lines {
			if w := pdf.GetStringWidth(l); w > 60 {
				t.Errorf("line %q is %.1f mm wide", l, w)
			}
		}
		if got, want := strings.ReplaceAll(strings.Join(lines, ""), " ", ""), strings.ReplaceAll(s, " ", ""); got != want {
			t.Errorf("wrap lost text:\n got %q\nwant %q", got, want)
		}
	}
	if got := wrap(pdf, "一\n二", 60); !slices.Equal(got, []string{"一", "二"}) {
		t.Errorf("line breaks: %q", got)
	}
}

// A long timeline runs over pages, each numbered with the total.
func TestEvidenceTimelinePages(t *testing.T) {
	font := pdfFont(t)
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
	c := sampleCase()
	for i := range 30 {
		e := c.Evidence[i%3]
		e.ID = uuid.Must(uuid.NewV7())
		c.Evidence = append(c.Evidence, e)
	}
	path := filepath.Join(t.TempDir(), "long.pdf")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := EvidenceTimeline(f, c, font, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(string(out)), "")
	n := strings.Count(flat, "页/共")
	if n < 2 {
		t.Fatalf("%d pages numbered, want 2 or more", n)
	}
	for p := 1; p <= n; p++ {
		if want := fmt.Sprintf("第%d页/共%d页", p, n); !strings.Contains(flat, want) {
			t.Errorf("lacks %q", want)
		}
	}
	if !strings.Contains(flat, "33.日期未知") {
		t.Error("the 33rd item is missing")
	}
}
