package fonts

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestFindScanUnknownName is the wine case: the only Chinese font is the
// WenQuanYi collection under a name Find does not know, among a Latin
// font, a malformed file and files that are no fonts.
func TestFindScanUnknownName(t *testing.T) {
	ttc, face0, _ := realFaces(t)
	dir := t.TempDir()
	writeFile(t, dir, "Arial.ttf", synthCollection(latinFace("Arial")))
	writeFile(t, dir, "Broken.TTF", ttc[:64<<10]) // collection whose tables run past the end
	writeFile(t, dir, "Garbage.otf", []byte("MZ\x90\x00 not a font"))
	writeFile(t, dir, "desktop.ini", ttc) // not a font extension: never read
	writeFile(t, dir, "sub/Other.ttc", ttc)
	want := writeFile(t, dir, "SomeCJK.ttc", ttc)
	if err := os.Mkdir(filepath.Join(dir, "Dir.ttf"), 0o755); err != nil {
		t.Fatal(err)
	}

	f, err := Find(Options{GOOS: "windows", Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	if f.Path != want || f.Index != 0 || f.Name != "WenQuanYi Micro Hei" || !f.TrueType {
		t.Errorf("Find = %s %q #%d tt=%v; want %s face 0 (not Mono)", f.Path, f.Name, f.Index, f.TrueType, want)
	}
	if !bytes.Equal(f.Data, face0) {
		t.Error("Data is not face 0 of the collection")
	}

	// Linux walks directories recursively, Windows does not.
	other := t.TempDir()
	deep := writeFile(t, other, "deep/er/uos-cjk.TTC", ttc)
	if f, err = Find(Options{GOOS: "linux", Dirs: []string{t.TempDir(), other}}); err != nil || f.Path != deep {
		t.Errorf("Linux Find = %s, %v; want %s", f.Path, err, deep)
	}
	_, err = Find(Options{GOOS: "windows", Dirs: []string{other}})
	var nf *NotFoundError
	if !errors.As(err, &nf) || nf.Scanned != 0 {
		t.Errorf("Windows Find in a folder with fonts only in subfolders = %v; want *NotFoundError, nothing scanned", err)
	}
}

// TestFindScanSkipsForeign: a Japanese font that maps the sample loses to
// a Simplified one, and alone is no font at all.
func TestFindScanSkipsForeign(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "Meiryo.ttc", synthCollection(coveringFace("Meiryo", false), coveringFace("Meiryo UI", false)))
	writeFile(t, dir, "NotoSansJP.otf", synthCollection(coveringFace("Noto Sans CJK JP", false)))
	writeFile(t, dir, "PlainTC.ttf", synthCollection(coveringFace("Plain Kai TC", false)))
	want := writeFile(t, dir, "STZhongsong.ttf", synthCollection(coveringFace("STZhongsong", false)))

	f, err := Find(Options{GOOS: "windows", Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	if f.Path != want || f.Name != "STZhongsong" {
		t.Errorf("Find = %s %q; want %s", f.Path, f.Name, want)
	}

	if err := os.Remove(want); err != nil {
		t.Fatal(err)
	}
	_, err = Find(Options{GOOS: "windows", Dirs: []string{dir}})
	var nf *NotFoundError
	if !errors.As(err, &nf) {
		t.Fatalf("Find with only foreign fonts = %v, want *NotFoundError", err)
	}
	if nf.Scanned != 3 || nf.Foreign != 4 || len(nf.Rejected) != 4 {
		t.Errorf("Scanned %d, Foreign %d, Rejected %v; want 3 files, 4 foreign faces listed", nf.Scanned, nf.Foreign, nf.Rejected)
	}
	for _, want := range []string{"scanned 3 other font file", "4 face(s) map it but are Japanese, Korean or Traditional Chinese", `"Meiryo UI"`, "Noto Sans CJK JP"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Error %q lacks %q", err, want)
		}
	}
}

// TestFindScanAfterBrokenKnownName: known names that fail do not stop the
// scan, and are not tried twice.
func TestFindScanAfterBrokenKnownName(t *testing.T) {
	ttc, _, mono := realFaces(t)
	win := t.TempDir()
	writeFile(t, win, "Fonts/msyh.ttc", ttc[:1<<20])                                  // truncated
	writeFile(t, win, "Fonts/simhei.ttf", synthCollection(latinFace("SimHei Latin"))) // no Chinese
	want := writeFile(t, win, "Fonts/wqymono.ttf", mono)

	f, err := Find(Options{GOOS: "windows", Getenv: env(map[string]string{"WINDIR": win})})
	if err != nil {
		t.Fatal(err)
	}
	if f.Path != want || f.Name != "WenQuanYi Micro Hei Mono" || f.Index != 0 {
		t.Errorf("Find = %s %q #%d; want %s", f.Path, f.Name, f.Index, want)
	}

	// The same, with nothing to fall back to: the known names are tried
	// once, by name, and not counted as scanned.
	if err := os.Remove(want); err != nil {
		t.Fatal(err)
	}
	_, err = Find(Options{GOOS: "windows", Getenv: env(map[string]string{"WINDIR": win})})
	var nf *NotFoundError
	if !errors.As(err, &nf) || nf.Scanned != 0 || len(nf.Rejected) != 2 {
		t.Fatalf("Find = %v; want *NotFoundError with 0 scanned, 2 rejected", err)
	}
	for i, name := range []string{"msyh.ttc", "simhei.ttf"} {
		if !strings.Contains(nf.Rejected[i].Error(), name) {
			t.Errorf("Rejected[%d] = %v, want %s", i, nf.Rejected[i], name)
		}
	}
}

// TestFindScanRanking checks the scan's preferences, each case with the
// expected winner found last so that scan order alone cannot pass it.
func TestFindScanRanking(t *testing.T) {
	type file struct {
		name  string
		faces [][]table
	}
	one := func(ts []table) [][]table { return [][]table{ts} }
	cases := []struct {
		what      string
		files     []file
		want      string
		wantIndex int
	}{
		{"TrueType over CFF", []file{
			{"A.otf", one(coveringFace("Alpha Hei", true))},
			{"B.ttf", one(coveringFace("Beta Hei", false))},
		}, "B.ttf", 0},
		{"Simplified-marked over TrueType", []file{
			{"A.ttf", one(coveringFace("Alpha Hei", false))},
			{"B.otf", one(coveringFace("Beta Sans SC", true))},
		}, "B.otf", 0},
		{"not Mono", []file{
			{"A.ttf", one(coveringFace("Alpha Mono", false))},
			{"B.ttf", one(coveringFace("Beta", false))},
		}, "B.ttf", 0},
		{"TrueType Mono over CFF", []file{
			{"A.otf", one(coveringFace("Alpha", true))},
			{"B.ttf", one(coveringFace("Beta Mono", false))},
		}, "B.ttf", 0},
		{"regular over bold", []file{
			{"A.ttf", one(bold(coveringFace("Alpha", false)))},
			{"B.ttf", one(coveringFace("Alpha", false))},
		}, "B.ttf", 0},
		{"face of a collection", []file{
			{"A.ttc", [][]table{latinFace("Latin"), coveringFace("Ming Mono", false), coveringFace("Ming", false), coveringFace("Ming", false)}},
		}, "A.ttc", 2},
		{"first found on a tie", []file{
			{"A.ttf", one(coveringFace("Alpha", false))},
			{"B.ttf", one(coveringFace("Alpha", false))},
		}, "A.ttf", 0},
		{"coverage beyond sampleText", []file{
			{"A.ttf", one(withCmap(synthFace("Kanji Only SC", false), sampleText))},
			{"B.otf", one(coveringFace("Beta", true))},
		}, "B.otf", 0},
	}
	for _, c := range cases {
		t.Run(c.what, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range c.files {
				writeFile(t, dir, f.name, synthCollection(f.faces...))
			}
			f, err := Find(Options{GOOS: "windows", Dirs: []string{dir}})
			if err != nil {
				t.Fatal(err)
			}
			if filepath.Base(f.Path) != c.want || f.Index != c.wantIndex {
				t.Errorf("Find = %s #%d (%q), want %s #%d", filepath.Base(f.Path), f.Index, f.Name, c.want, c.wantIndex)
			}
			if faces, err := Faces(f.Data); err != nil || len(faces) != 1 {
				t.Errorf("Data is not a single font: %v %v", faces, err)
			}
		})
	}
}

func TestForeignReason(t *testing.T) {
	cases := map[string]bool{ // family: foreign
		"Meiryo": true, "meiryo ui": true, "MS Gothic": true, "MS UI Gothic": true, "Yu Gothic UI Semibold": true,
		"Malgun Gothic Semilight": true, "GulimChe": true, "MingLiU_HKSCS-ExtB": true, "PMingLiU-ExtB": true,
		"Microsoft JhengHei UI": true, "Source Han Sans": true, "Noto Sans CJK JP": true, "AR PL UMing TW": true,
		"Meiryoke": false, "Microsoft YaHei": false, "SimSun": false, "NSimSun": false, "DengXian": false,
		"WenQuanYi Micro Hei": false, "Source Han Sans SC": false, "Noto Sans CJK SC": false, "": false,
	}
	for family, want := range cases {
		if got := foreignReason(family) != ""; got != want {
			t.Errorf("foreignReason(%q) = %q; want foreign=%v", family, foreignReason(family), want)
		}
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r interface {
		ReadAt([]byte, int64) (int, error)
	}
	n atomic.Int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}

// TestProbeFacesWQY checks the scan's partial reading against the full
// parse of the real collection, and that it reads little of the file.
func TestProbeFacesWQY(t *testing.T) {
	ttc := readWQY(t)
	faces, err := Faces(ttc)
	if err != nil {
		t.Fatal(err)
	}
	cr := &countingReader{r: bytes.NewReader(ttc)}
	probes, err := probeFaces(cr, int64(len(ttc)), coverageSample)
	if err != nil {
		t.Fatal(err)
	}
	if len(probes) != len(faces) {
		t.Fatalf("probeFaces found %d faces, Faces %d", len(probes), len(faces))
	}
	for i, p := range probes {
		if p.Face != faces[i] || !p.covers || p.styled {
			t.Errorf("probe %d = %+v; want %+v, covering, regular", i, p, faces[i])
		}
	}
	if n := cr.n.Load(); n > int64(len(ttc))/20 {
		t.Errorf("probeFaces read %d of %d bytes; want only a few tables", n, len(ttc))
	} else {
		t.Logf("probeFaces read %d of %d bytes", n, len(ttc))
	}

	// A face that does not cover the sample has its name left unread.
	latin := synthCollection(latinFace("Latin"), coveringFace("Both", true))
	probes, err = probeFaces(bytes.NewReader(latin), int64(len(latin)), coverageSample)
	if err != nil || len(probes) != 2 || probes[0].covers || probes[0].Family != "" || !probes[1].covers || probes[1].Family != "Both" || probes[1].TrueType {
		t.Errorf("probeFaces = %+v, %v", probes, err)
	}

	for _, bad := range [][]byte{nil, ttc[:11], ttc[:4096], ttc[:1<<20], []byte("OTTO\x00\x01\x00\x00\x00\x00\x00\x00")} {
		if probes, err := probeFaces(bytes.NewReader(bad), int64(len(bad)), coverageSample); err == nil {
			t.Errorf("probeFaces of %d bad bytes = %+v, want error", len(bad), probes)
		}
	}
	// A size larger than the data (a file cut while being read) fails too.
	if _, err := probeFaces(bytes.NewReader(ttc[:1<<20]), int64(len(ttc)), coverageSample); err == nil {
		t.Error("probeFaces of a file shorter than its size succeeded")
	}
}

// writeScanDir fills dir with n font files for the benchmarks: every tenth
// a copy of the real collection under its own name, the rest small Latin
// fonts, some collections; returns the bytes written.
func writeScanDir(b *testing.B, dir string, n int) int64 {
	ttc := readWQY(b)
	var total int64
	for i := range n {
		var data []byte
		switch {
		case i%10 == 5:
			data = ttc
		case i%3 == 0:
			data = synthCollection(latinFace(fmt.Sprintf("Latin %d", i)), bold(latinFace(fmt.Sprintf("Latin %d", i))))
		default:
			data = synthCollection(latinFace(fmt.Sprintf("Latin %d", i)))
		}
		ext := []string{".ttf", ".TTF", ".ttc", ".otf"}[i%4]
		writeFile(b, dir, fmt.Sprintf("font%03d%s", i, ext), data)
		total += int64(len(data))
	}
	return total
}

// BenchmarkScan scans a Windows-like Fonts folder of 300 files (30 of them
// 5 MB CJK collections) without loading any.
func BenchmarkScan(b *testing.B) {
	const n = 300
	dir := b.TempDir()
	total := writeScanDir(b, dir, n)
	b.ResetTimer()
	start := time.Now()
	scans := 0
	for b.Loop() {
		found, scanned := scanFiles(listFiles([]string{dir}, false), nil)
		if scanned != n || len(found) != 2*n/10 {
			b.Fatalf("scanned %d files, found %d faces; want %d, %d", scanned, len(found), n, 2*n/10)
		}
		scans++
	}
	elapsed := time.Since(start)
	b.ReportMetric(float64(n*scans)/elapsed.Seconds(), "files/s")
	b.ReportMetric(float64(elapsed.Milliseconds())/float64(scans), "ms/scan")
	b.ReportMetric(float64(total)/(1<<20), "MB-in-dir")
}

// BenchmarkFindByScanSystem runs the scan and the load of its choice on
// this machine's font directories, as Find does when no known name is
// usable.
func BenchmarkFindByScanSystem(b *testing.B) {
	readWQY(b)
	dirs := systemDirs("linux", os.Getenv)
	for b.Loop() {
		nf := &NotFoundError{}
		f, ok := findByScan(listFiles(dirs, true), nil, nf)
		if !ok {
			b.Fatalf("scan of %s found nothing: %v", dirs, nf)
		}
		b.ReportMetric(float64(nf.Scanned), "files")
		_ = f
	}
}
