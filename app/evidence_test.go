package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/google/uuid"

	"jiefang/assets/fonts"
	"jiefang/cases"
	"jiefang/cases/report"
	"jiefang/cases/store"
)

// exifPhoto is an 8×8 JPEG whose EXIF DateTimeOriginal is date
// ("YYYY:MM:DD HH:MM:SS").
func exifPhoto(t *testing.T, date string) []byte {
	t.Helper()
	return exifJPEG(t, image.NewGray(image.Rect(0, 0, 8, 8)), date)
}

const twoPagePDF = `%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R >> endobj
4 0 obj << /Type /Page /Parent 2 0 R >> endobj
trailer << /Root 1 0 R >>
%%EOF
`

func writeFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func sumOf(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func evidenceByName(c cases.Case, name string) (cases.Evidence, bool) {
	i := slices.IndexFunc(c.Evidence, func(e cases.Evidence) bool { return e.FileName == name })
	if i < 0 {
		return cases.Evidence{}, false
	}
	return c.Evidence[i], true
}

// Step 4 stores a photo and a PDF, records them with the photo's EXIF
// date, shows them as a timeline (dated first), links and unlinks them
// to fact cards, refuses other files, and all of it is there after the
// database is opened again.
func TestEvidencePanel(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	id := addCase(t, s, "补偿款至今只拿到一半")
	ctx := context.Background()
	var factIDs []uuid.UUID
	for i, text := range []string{"2019年5月签了征地协议", "补偿款只发了一半"} {
		fid := newID(t)
		e, err := cases.NewEvent(id, &cases.FactAdd{FactID: fid, Text: text, Status: cases.FactPending, Order: float64(i + 1)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Append(ctx, e); err != nil {
			t.Fatal(err)
		}
		factIDs = append(factIDs, fid)
	}
	cs := openCaseScreen(t, w, s, id)
	test.Tap(cs.stepBtns[3])
	p := cs.evid
	if cs.step != 4 || !p.bound || findLabel(cs.panel, "后续版本") || !findLabel(cs.panel, "还没有证据") {
		t.Fatalf("step 4 not shown with its empty timeline (step %d, bound %v)", cs.step, p.bound)
	}

	dir := t.TempDir()
	jpg := exifPhoto(t, "2019:05:01 09:12:00")
	jpgPath := writeFile(t, dir, "协议照片.jpg", jpg)
	pdfPath := writeFile(t, dir, "补偿款明细.pdf", []byte(twoPagePDF))
	p.addFiles([]string{pdfPath, jpgPath}) // the PDF first: the timeline sorts by date, not by order added
	cs.wait()

	c, err := s.Case(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Evidence) != 2 {
		t.Fatalf("%d items recorded, want 2; status %q", len(c.Evidence), cs.status.Text)
	}
	for _, want := range []struct {
		name, mt, date string
		body           []byte
	}{
		{"协议照片.jpg", "image/jpeg", "2019-05-01", jpg},
		{"补偿款明细.pdf", "application/pdf", "", []byte(twoPagePDF)},
	} {
		e, ok := evidenceByName(c, want.name)
		if !ok {
			t.Errorf("%s not recorded", want.name)
			continue
		}
		if e.MediaType != want.mt || e.DocumentDate != want.date || e.Size != int64(len(want.body)) || e.SHA256 != sumOf(want.body) {
			t.Errorf("%s recorded as %q %q size %d sum %s", want.name, e.MediaType, e.DocumentDate, e.Size, e.SHA256)
		}
		if b, err := os.ReadFile(s.BlobPath(e.SHA256)); err != nil || !bytes.Equal(b, want.body) {
			t.Errorf("%s: blob not stored (%v)", want.name, err)
		}
	}

	// The timeline: the dated photo first, then the undated PDF with its pages.
	if len(p.rows) != 2 || p.rows[0].item.FileName != "协议照片.jpg" || p.rows[1].item.FileName != "补偿款明细.pdf" {
		t.Fatalf("timeline order wrong: %d rows", len(p.rows))
	}
	if p.rows[0].date.Text != "2019-05-01" || p.rows[1].date.Text != "日期未知" {
		t.Errorf("dates shown %q, %q", p.rows[0].date.Text, p.rows[1].date.Text)
	}
	if !findLabel(cs.panel, "2 页") {
		t.Error("the PDF's page count is not shown")
	}
	if findLabel(cs.panel, "还没有证据") {
		t.Error("the empty text is still shown")
	}

	// Link the photo to both cards, then unlink the first.
	if len(p.rows[0].links) != 2 {
		t.Fatalf("%d fact checks, want 2", len(p.rows[0].links))
	}
	test.Tap(p.rows[0].links[0])
	cs.wait()
	test.Tap(p.rows[0].links[1])
	cs.wait()
	c, _ = s.Case(ctx, id)
	if e, _ := evidenceByName(c, "协议照片.jpg"); !slices.Equal(e.Facts, factIDs) {
		t.Fatalf("photo linked to %v, want %v", e.Facts, factIDs)
	}
	if !p.rows[0].links[0].Checked || !strings.Contains(p.rows[0].facts.Text, "1. 2019年5月签了征地协议") ||
		!strings.Contains(p.rows[0].facts.Text, "2. 补偿款只发了一半") {
		t.Errorf("links not shown: %q", p.rows[0].facts.Text)
	}
	test.Tap(p.rows[0].links[0]) // unlink
	cs.wait()
	c, _ = s.Case(ctx, id)
	if e, _ := evidenceByName(c, "协议照片.jpg"); !slices.Equal(e.Facts, factIDs[1:]) {
		t.Fatalf("after the unlink, photo linked to %v", e.Facts)
	}
	if p.rows[0].links[0].Checked || strings.Contains(p.rows[0].facts.Text, "签了征地协议") {
		t.Errorf("unlink not shown: %q", p.rows[0].facts.Text)
	}

	// A text file is refused, and nothing of it stored.
	txt := []byte("补偿款至今只拿到一半，请领导做主。")
	p.addFiles([]string{writeFile(t, dir, "说明.txt", txt)})
	cs.wait()
	if !strings.Contains(cs.status.Text, "只能添加图片（JPG、PNG）或 PDF 文件") {
		t.Errorf("text file: status %q", cs.status.Text)
	}
	if _, err := os.Stat(s.BlobPath(sumOf(txt))); !os.IsNotExist(err) {
		t.Errorf("text file stored (%v)", err)
	}
	// The same photo again is not recorded twice.
	p.addFiles([]string{writeFile(t, dir, "副本.jpg", jpg)})
	cs.wait()
	if !strings.Contains(cs.status.Text, "已经添加过") {
		t.Errorf("duplicate: status %q", cs.status.Text)
	}

	test.Tap(cs.stepBtns[0])
	if p.bound {
		t.Error("step 1 shown with step 4's drop target still on")
	}

	// Close the database and open it again: everything is there.
	path := s.Path()
	cs.leave()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	c, err = s2.Case(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Evidence) != 2 {
		t.Fatalf("%d items after reopening", len(c.Evidence))
	}
	e, _ := evidenceByName(c, "协议照片.jpg")
	if e.DocumentDate != "2019-05-01" || !slices.Equal(e.Facts, factIDs[1:]) {
		t.Errorf("photo after reopening: %q %v", e.DocumentDate, e.Facts)
	}
	if _, err := os.Stat(s2.BlobPath(e.SHA256)); err != nil {
		t.Errorf("blob after reopening: %v", err)
	}
	if got := report.TimelineOrder(c); got[0].FileName != "协议照片.jpg" {
		t.Errorf("timeline after reopening starts with %s", got[0].FileName)
	}
}

// rowNames are the file names of the timeline's rows, in order.
func rowNames(p *evidencePanel) []string {
	var out []string
	for _, r := range p.rows {
		out = append(out, r.item.FileName)
	}
	return out
}

// 改日期 on a row: a date that cannot be read, or lies in the future, is
// refused in the dialog, which stays open with what was typed and
// nothing written; a good date is recorded, the timeline re-sorts and
// the row says the date was changed by hand; the same date again writes
// nothing; 清除日期 puts the item back among the undated ones.
func TestEvidenceDateEdit(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	id := addCase(t, s, "补偿款至今只拿到一半")
	ctx := context.Background()
	cs := openCaseScreen(t, w, s, id)
	test.Tap(cs.stepBtns[3])
	p := cs.evid
	p.now = func() time.Time { return time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC) } // 09:00 on 2 March in China
	dir := t.TempDir()
	p.addFiles([]string{writeFile(t, dir, "协议照片.jpg", exifPhoto(t, "2019:05:01 09:12:00")), writeFile(t, dir, "补偿款明细.pdf", []byte(twoPagePDF))})
	cs.wait()
	if got := rowNames(p); !slices.Equal(got, []string{"协议照片.jpg", "补偿款明细.pdf"}) {
		t.Fatalf("timeline %v", got)
	}
	events := func() int64 {
		t.Helper()
		st, err := s.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return st.Events
	}
	before := events()

	test.Tap(p.rows[1].editDate)
	if p.dateDlg == nil || p.dateEntry.Text != "" || p.dateClear.Visible() {
		t.Fatal("no 改日期 dialog, or it offers to clear a date the PDF has not got")
	}
	entry, msg := p.dateEntry, p.dateMsg
	if top := w.Canvas().Overlays().Top(); top == nil || !findLabel(top, "补偿款明细.pdf") {
		t.Fatal("the dialog does not name the item")
	}
	for typed, why := range map[string]string{
		"去年三月":       "请按 2024-03-15 的格式填写日期",
		"2019-13-45": "请按 2024-03-15 的格式填写日期",
		"":           "请按 2024-03-15 的格式填写日期",
		"2026-03-10": "不能晚于今天",
		"1899-12-31": "不能早于1900年",
	} {
		entry.SetText(typed)
		test.Tap(p.dateSave)
		cs.wait()
		if p.dateDlg == nil || p.dateEntry != entry || entry.Text != typed || !strings.Contains(msg.Text, why) {
			t.Fatalf("%q: dialog open %v, entry %q, message %q; want it kept open saying %s", typed, p.dateDlg != nil, entry.Text, msg.Text, why)
		}
		if n := events(); n != before {
			t.Fatalf("%q: %d events written", typed, n-before)
		}
	}
	// Pressing Enter saves, as the button does; 2018-1-5 is read as 2018-01-05.
	p.dateEntry.SetText("2018-1-5")
	p.dateEntry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	cs.wait()
	if p.dateDlg != nil {
		t.Fatalf("dialog still open after a good date; message %q", msg.Text)
	}
	if got := rowNames(p); !slices.Equal(got, []string{"补偿款明细.pdf", "协议照片.jpg"}) {
		t.Fatalf("timeline after the edit %v, want the PDF first", got)
	}
	if got := p.rows[0].date.Text; got != "2018-01-05（手动修改）" {
		t.Errorf("edited row's date reads %q", got)
	}
	if got := p.rows[1].date.Text; got != "2019-05-01" {
		t.Errorf("photo's date reads %q", got)
	}
	c, err := s.Case(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := evidenceByName(c, "补偿款明细.pdf")
	if pdf.DocumentDate != "2018-01-05" || pdf.Versions.Date != 1 || events() != before+1 {
		t.Fatalf("recorded %q v%d, %d events", pdf.DocumentDate, pdf.Versions.Date, events()-before)
	}

	// The same date again writes nothing.
	test.Tap(p.rows[0].editDate)
	if p.dateEntry.Text != "2018-01-05" || !p.dateClear.Visible() {
		t.Fatalf("dialog starts at %q, clear shown %v", p.dateEntry.Text, p.dateClear.Visible())
	}
	test.Tap(p.dateSave)
	cs.wait()
	if p.dateDlg != nil || events() != before+1 {
		t.Fatalf("the same date: dialog open %v, %d events", p.dateDlg != nil, events()-before)
	}

	// 清除日期: the PDF goes back after the dated photo.
	test.Tap(p.rows[0].editDate)
	test.Tap(p.dateClear)
	cs.wait()
	if got := rowNames(p); !slices.Equal(got, []string{"协议照片.jpg", "补偿款明细.pdf"}) {
		t.Fatalf("timeline after clearing %v", got)
	}
	if got := p.rows[1].date.Text; got != "日期未知（手动修改）" {
		t.Errorf("cleared row's date reads %q", got)
	}
	c, _ = s.Case(ctx, id)
	if pdf, _ := evidenceByName(c, "补偿款明细.pdf"); pdf.DocumentDate != "" || pdf.Versions.Date != 2 || events() != before+2 {
		t.Fatalf("after clearing: %q v%d, %d events", pdf.DocumentDate, pdf.Versions.Date, events()-before)
	}
	if _, err := s.Verify(ctx, nil); err != nil {
		t.Fatal(err)
	}
}

// A date changed on another desk at the same time is shown on the row
// with both values; saving a date decides it.
func TestEvidenceDateConflictShown(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	id := addCase(t, s, "补偿款至今只拿到一半")
	ctx := context.Background()
	eid := newID(t)
	add, _ := cases.NewEvent(id, &cases.EvidenceAdd{EvidenceID: eid, SHA256: strings.Repeat("ab", 32), FileName: "协议.pdf", MediaType: "application/pdf", Size: 10, DocumentDate: "2019-05-01"})
	mine, _ := cases.NewEvent(id, &cases.EvidenceDate{EvidenceID: eid, Date: "2019-04-30"})
	if _, err := s.Append(ctx, add, mine); err != nil {
		t.Fatal(err)
	}
	// The other desk's change, from version 0, as pulled from the hub.
	other, err := store.Open(filepath.Join(t.TempDir(), "other.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	other.SetActor(ctx, "李强")
	evs, _ := s.Events(ctx, id)
	if _, err := other.ApplyPulled(ctx, "e1", 3, evs[:2]); err != nil {
		t.Fatal(err)
	}
	theirs, _ := cases.NewEvent(id, &cases.EvidenceDate{EvidenceID: eid, Date: "2019-06-01"})
	got, err := other.Append(ctx, theirs)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplyPulled(ctx, "e1", 4, got); err != nil {
		t.Fatal(err)
	}
	cs := openCaseScreen(t, w, s, id)
	test.Tap(cs.stepBtns[3])
	p := cs.evid
	r := p.rows[0]
	if !r.conflict.Visible() || !strings.Contains(r.conflict.Text, "2019-06-01") || !strings.Contains(r.conflict.Text, "2019-04-30") {
		t.Fatalf("conflict not shown: %q (visible %v)", r.conflict.Text, r.conflict.Visible())
	}
	// Keeping the date in force, based on the version shown, decides it.
	test.Tap(r.editDate)
	test.Tap(p.dateSave)
	cs.wait()
	if c, _ := s.Case(ctx, id); c.HasOpenConflict() || c.Evidence[0].DocumentDate != "2019-04-30" {
		t.Fatalf("after deciding: %+v, conflicts %+v", c.Evidence[0], c.Conflicts)
	}
	if p.rows[0].conflict.Visible() {
		t.Error("the decided conflict is still shown")
	}
}

// The timeline puts dated items first, by date, then undated ones in
// the order they were added.
func TestEvidenceTimeline(t *testing.T) {
	c0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	at := func(d int) cases.Evidence { return cases.Evidence{AddedAt: c0.AddDate(0, 0, d)} }
	items := []cases.Evidence{at(1), at(2), at(3), at(4)}
	items[0].FileName, items[0].DocumentDate = "a", ""
	items[1].FileName, items[1].DocumentDate = "b", "2020-01-01"
	items[2].FileName, items[2].DocumentDate = "c", ""
	items[3].FileName, items[3].DocumentDate = "d", "2019-05-01"
	var got []string
	for _, e := range report.TimelineOrder(cases.Case{Evidence: items}) {
		got = append(got, e.FileName)
	}
	if want := []string{"d", "b", "a", "c"}; !slices.Equal(got, want) {
		t.Errorf("timeline %v, want %v", got, want)
	}
}

// 导出PDF writes the timeline as shown to a PDF file, or says in Chinese
// why not.
func TestEvidenceExportPDF(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	id := addCase(t, s, "补偿款至今只拿到一半")
	fid := newID(t)
	e, err := cases.NewEvent(id, &cases.FactAdd{FactID: fid, Text: "2019年5月签了征地协议", Status: cases.FactConfirmed, Order: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	cs := openCaseScreen(t, w, s, id)
	test.Tap(cs.stepBtns[3])
	p := cs.evid
	if p.export == nil || p.export.Text != "导出PDF" {
		t.Fatal("no 导出PDF button")
	}
	dir := t.TempDir()
	p.addFiles([]string{
		writeFile(t, dir, "补偿款明细.pdf", []byte(twoPagePDF)),
		writeFile(t, dir, "协议照片.jpg", exifPhoto(t, "2019:05:01 09:12:00")),
	})
	cs.wait()
	test.Tap(p.rows[0].links[0])
	cs.wait()

	out := filepath.Join(dir, "证据时间轴-"+p.c.Number()+".pdf")
	p.exportTo(out)
	cs.wait()
	if _, ferr := fonts.Find(fonts.Options{}); ferr != nil {
		// No Chinese font here: the clerk is told what to install.
		if !strings.Contains(cs.status.Text, "导出PDF失败") || !strings.Contains(cs.status.Text, "字体") {
			t.Errorf("without a font: status %q", cs.status.Text)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("a file was left at %s", out)
		}
		t.Skipf("no Chinese font: %v", ferr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("no PDF written (status %q): %v", cs.status.Text, err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", b[:min(len(b), 20)])
	}
	if !strings.Contains(cs.status.Text, "已保存到") || !strings.Contains(cs.status.Text, out) {
		t.Errorf("status %q does not say where", cs.status.Text)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		txt, err := exec.Command("pdftotext", out, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		flat := strings.Join(strings.Fields(string(txt)), "")
		for _, want := range []string{"证据时间轴", p.c.Number(), "协议照片.jpg", "1.2019年5月签了征地协议（已证实）", "补偿款明细.pdf"} {
			if !strings.Contains(flat, want) {
				t.Errorf("PDF lacks %q: %s", want, flat)
			}
		}
	}

	// A folder that does not exist: told, nothing written.
	bad := filepath.Join(dir, "没有这个文件夹", "x.pdf")
	p.exportTo(bad)
	cs.wait()
	if !strings.Contains(cs.status.Text, "导出PDF失败") {
		t.Errorf("bad path: status %q", cs.status.Text)
	}
}
