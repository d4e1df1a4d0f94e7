package fonts

import (
	"bytes"
	"encoding/binary"
	"errors"
	"sort"
	"strings"
	"testing"

	gotext "github.com/go-text/typesetting/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// wantRunes are checked in the extracted real font: 征地补偿.
var wantRunes = []rune("征地补偿")

func TestFacesWQY(t *testing.T) {
	faces, err := Faces(readWQY(t))
	if err != nil {
		t.Fatal(err)
	}
	want := []Face{
		{Index: 0, Family: "WenQuanYi Micro Hei", TrueType: true},
		{Index: 1, Family: "WenQuanYi Micro Hei Mono", TrueType: true},
	}
	if len(faces) != len(want) {
		t.Fatalf("Faces = %+v, want %+v", faces, want)
	}
	for i := range want {
		if faces[i] != want[i] {
			t.Errorf("face %d = %+v, want %+v", i, faces[i], want[i])
		}
	}
	if i, err := chooseFace(faces); err != nil || i != 0 {
		t.Errorf("chooseFace = %d, %v; want 0 (the proportional face)", i, err)
	}
}

func TestExtractWQY(t *testing.T) {
	ttc := readWQY(t)
	// The premise: the collection itself is not a font these parsers take.
	if _, err := sfnt.Parse(ttc); err == nil {
		t.Fatal("x/image/font/sfnt parsed a .ttc as a single font; test premise broken")
	}
	for index, family := range []string{"WenQuanYi Micro Hei", "WenQuanYi Micro Hei Mono"} {
		out, err := Extract(ttc, index)
		if err != nil {
			t.Fatalf("Extract(%d): %v", index, err)
		}
		checkStructure(t, ttc, index, out)

		// x/image/font/sfnt: glyphs exist, differ, and have outlines.
		f, err := sfnt.Parse(out)
		if err != nil {
			t.Fatalf("face %d: sfnt.Parse of extracted font: %v", index, err)
		}
		name, err := f.Name(nil, sfnt.NameIDFamily)
		if err != nil || name != family {
			t.Errorf("face %d: family %q, %v; want %q", index, name, err, family)
		}
		var buf sfnt.Buffer
		seen := map[sfnt.GlyphIndex]rune{}
		for _, r := range wantRunes {
			gi, err := f.GlyphIndex(&buf, r)
			if err != nil || gi == 0 {
				t.Fatalf("face %d: GlyphIndex(%q) = %d, %v; want a real glyph", index, r, gi, err)
			}
			if prev, dup := seen[gi]; dup {
				t.Errorf("face %d: %q and %q share glyph %d", index, prev, r, gi)
			}
			seen[gi] = r
			segs, err := f.LoadGlyph(&buf, gi, fixed.I(64), nil)
			if err != nil || len(segs) < 10 {
				t.Errorf("face %d: outline of %q: %d segments, %v", index, r, len(segs), err)
			}
		}

		// go-text/typesetting is the parser Fyne uses for theme fonts.
		face, err := gotext.ParseTTF(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("face %d: go-text ParseTTF: %v", index, err)
		}
		for _, r := range wantRunes {
			if g, ok := face.NominalGlyph(r); !ok || g == 0 {
				t.Errorf("face %d: go-text has no glyph for %q", index, r)
			}
		}
	}
}

// checkStructure verifies the table directory of out, a face extracted
// from src: header search fields, sorted aligned records, per-table and
// whole-font checksums, and table contents identical to the source.
func checkStructure(t *testing.T, src []byte, index int, out []byte) {
	t.Helper()
	in, err := openFace(src, index)
	if err != nil {
		t.Fatal(err)
	}
	if v := binary.BigEndian.Uint32(out); v != in.version {
		t.Errorf("sfnt version %#x, want %#x", v, in.version)
	}
	n := int(binary.BigEndian.Uint16(out[4:]))
	if n != len(in.tables) {
		t.Fatalf("numTables %d, want %d", n, len(in.tables))
	}
	pow := 1
	for pow*2 <= n {
		pow *= 2
	}
	log := 0
	for 1<<(log+1) <= n {
		log++
	}
	if sr, es, rs := binary.BigEndian.Uint16(out[6:]), binary.BigEndian.Uint16(out[8:]), binary.BigEndian.Uint16(out[10:]); int(sr) != 16*pow || int(es) != log || int(rs) != 16*n-16*pow {
		t.Errorf("searchRange/entrySelector/rangeShift = %d/%d/%d for %d tables", sr, es, rs, n)
	}
	if len(out)%4 != 0 {
		t.Errorf("length %d not a multiple of 4", len(out))
	}
	var tags []uint32
	for i := 0; i < n; i++ {
		r := out[12+16*i:]
		tag, sum, off, length := binary.BigEndian.Uint32(r), binary.BigEndian.Uint32(r[4:]), binary.BigEndian.Uint32(r[8:]), binary.BigEndian.Uint32(r[12:])
		tags = append(tags, tag)
		if off%4 != 0 {
			t.Errorf("table %s at unaligned offset %d", tagString(tag), off)
		}
		if uint64(off)+pad4(length) > uint64(len(out)) {
			t.Fatalf("table %s (%d+%d) past end %d", tagString(tag), off, length, len(out))
		}
		data := out[off : off+length]
		if tag == tagHead {
			data = bytes.Clone(data)
			binary.BigEndian.PutUint32(data[headAdjustmentOff:], 0)
		}
		if got := checksum(data); got != sum {
			t.Errorf("table %s checksum %#x, record says %#x", tagString(tag), got, sum)
		}
		orig, _ := in.table(src, tag)
		if tag == tagHead {
			orig = bytes.Clone(orig)
			binary.BigEndian.PutUint32(orig[headAdjustmentOff:], 0)
		}
		if !bytes.Equal(data, orig) {
			t.Errorf("table %s differs from the source", tagString(tag))
		}
	}
	if !sort.SliceIsSorted(tags, func(i, j int) bool { return tags[i] < tags[j] }) {
		t.Errorf("table records not sorted by tag")
	}
	if got := checksum(out); got != checksumMagic {
		t.Errorf("whole-font checksum %#x, want %#x (checkSumAdjustment wrong)", got, uint32(checksumMagic))
	}
}

func TestExtractSynthetic(t *testing.T) {
	ttc := synthCollection(synthFace("Alpha", false), synthFace("Beta SC", true))
	faces, err := Faces(ttc)
	if err != nil {
		t.Fatal(err)
	}
	if len(faces) != 2 || faces[0].Family != "Alpha" || !faces[0].TrueType || faces[1].Family != "Beta SC" || faces[1].TrueType {
		t.Fatalf("Faces = %+v", faces)
	}
	for i := range faces {
		out, err := Extract(ttc, i)
		if err != nil {
			t.Fatal(err)
		}
		checkStructure(t, ttc, i, out)
		// A rebuilt font rebuilds to itself.
		again, err := Extract(out, 0)
		if err != nil || !bytes.Equal(again, out) {
			t.Errorf("face %d: Extract(Extract(x)) differs from Extract(x) (err %v)", i, err)
		}
	}
	if f, err := load(ttc, -1); err != nil || f.Index != 1 || f.Name != "Beta SC" || f.TrueType {
		t.Errorf("load(-1) = %+v, %v; want the CFF SC face 1", f, err)
	}
}

func TestExtractRejectsBadInput(t *testing.T) {
	ttc := readWQY(t)
	good := synthCollection(synthFace("Alpha", false))
	dupHead := synthCollection(append(synthFace("Alpha", false), table{"head", make([]byte, minHeadLen)}))
	var noHead []table
	for _, tb := range synthFace("Alpha", false) {
		if tb.tag != "head" {
			noHead = append(noHead, tb)
		}
	}
	badMagic := bytes.Clone(good)
	badMagic[bytes.Index(badMagic, []byte{0x5F, 0x0F, 0x3C, 0xF5})] = 0
	hugeCount := []byte("ttcf\x00\x01\x00\x00\xff\xff\xff\xff")

	cases := []struct {
		name  string
		data  []byte
		index int
		want  string
	}{
		{"empty", nil, 0, "too short"},
		{"text", []byte("hello, this is not a font"), 0, "not a TrueType/OpenType font"},
		{"ttc header only", ttc[:10], 0, "truncated"},
		{"ttc face list cut", append([]byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x05"), 0, 0, 0, 12), 0, "truncated"},
		{"face count", hugeCount, 0, "claims 4294967295 faces"},
		{"directory cut", ttc[:40], 0, "truncated"},
		{"tables cut", ttc[:1<<20], 0, "runs past end of file"},
		{"index too big", ttc, 2, "out of range"},
		{"index negative", ttc, -1, "out of range"},
		{"single font index 1", good, 1, "out of range"},
		{"duplicate table", dupHead, 0, "appears twice"},
		{"no head", synthCollection(noHead), 0, "no head table"},
		{"bad head magic", badMagic, 0, "magic number"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := Extract(c.data, c.index)
			if err == nil {
				t.Fatalf("Extract succeeded (%d bytes), want error containing %q", len(out), c.want)
			}
			if !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "fonts: ") {
				t.Errorf("error %q, want prefix \"fonts: \" and %q", err, c.want)
			}
		})
	}
	if !errors.Is(func() error { _, err := Extract(ttc[:1<<20], 0); return err }(), errTruncated) {
		t.Error("truncated file error does not wrap errTruncated")
	}
}

func TestLoadRejectsNonChinese(t *testing.T) {
	var latin []table
	for _, tb := range synthFace("Latin Only", false) {
		if tb.tag == "cmap" {
			tb.data = cmapTable([]rune("ABCxyz"))
		}
		latin = append(latin, tb)
	}
	_, err := load(synthCollection(latin), -1)
	if err == nil || !strings.Contains(err.Error(), "not a Chinese font") {
		t.Fatalf("load of a Latin-only font: %v, want \"not a Chinese font\"", err)
	}
}

func TestChooseFace(t *testing.T) {
	noto := []string{"Noto Sans CJK JP", "Noto Sans Mono CJK SC", "Noto Sans CJK KR", "Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Sans CJK HK"}
	cases := []struct {
		families []string
		want     int // -1: error
	}{
		{noto, 3},
		{[]string{"Microsoft YaHei", "Microsoft YaHei UI"}, 0},
		{[]string{"WenQuanYi Zen Hei", "WenQuanYi Zen Hei Mono", "WenQuanYi Zen Hei Sharp"}, 0},
		{[]string{"AR PL UMing TW", "AR PL UMing HK", "AR PL UMing CN"}, 2},
		{[]string{"Noto Sans CJK JP", "Noto Sans CJK KR"}, -1},
		{[]string{"Anything"}, 0},
	}
	for _, c := range cases {
		faces := make([]Face, len(c.families))
		for i, f := range c.families {
			faces[i] = Face{Index: i, Family: f}
		}
		got, err := chooseFace(faces)
		if c.want < 0 {
			if err == nil || !strings.Contains(err.Error(), "no Simplified Chinese face") {
				t.Errorf("chooseFace(%q) = %d, %v; want error", c.families, got, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("chooseFace(%q) = %d, %v; want %d", c.families, got, err, c.want)
		}
	}
}

func TestGlyphIndexMatchesSfnt(t *testing.T) {
	out, err := Extract(readWQY(t), 0)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := openFace(out, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Our cmap reader must agree with x/image/font/sfnt on the real font.
	ref, err := sfnt.Parse(out)
	if err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	for _, r := range []rune("A中文征地补偿，。\U0001F600\uFFFF") {
		want, _ := ref.GlyphIndex(&buf, r)
		if got := fc.glyphIndex(out, r); got != uint32(want) {
			t.Errorf("glyphIndex(%q) = %d, sfnt says %d", r, got, want)
		}
	}
}

func FuzzExtract(f *testing.F) {
	f.Add(synthCollection(synthFace("Alpha", false)))
	f.Add(synthCollection(synthFace("Noto Sans CJK JP", true), synthFace("Noto Sans CJK SC", true)))
	f.Add([]byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x02\x00\x00\x00\x14\x00\x00\x00\x00"))
	f.Add([]byte("\x00\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00head\x00\x00\x00\x00\xff\xff\xff\xf0\x00\x00\x00\x40"))
	f.Add(synthCollection(latinFace("Latin"), coveringFace("Both SC", false)))
	f.Add([]byte("OTTO"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		orig := bytes.Clone(data)
		faces, ferr := Faces(data)
		if ferr == nil && len(faces) == 0 {
			t.Fatal("Faces returned no faces and no error")
		}
		for _, index := range []int{0, 1, 2, -1} {
			out, err := Extract(data, index)
			if err != nil {
				if ferr == nil && index >= 0 && index < len(faces) {
					t.Fatalf("Faces listed face %d but Extract failed: %v", index, err)
				}
				continue
			}
			if checksum(out) != checksumMagic {
				t.Fatalf("Extract(%d): whole-font checksum %#x", index, checksum(out))
			}
			again, err := Extract(out, 0)
			if err != nil || !bytes.Equal(again, out) {
				t.Fatalf("Extract(%d) output does not rebuild to itself: %v", index, err)
			}
		}
		if _, err := load(data, -1); err == nil && len(faces) == 0 {
			t.Fatal("load succeeded on a file without faces")
		}
		// The scan's partial reading agrees with the full parse.
		probes, perr := probeFaces(bytes.NewReader(data), int64(len(data)), sampleText)
		if perr == nil && len(probes) == 0 {
			t.Fatal("probeFaces returned no faces and no error")
		}
		if ferr == nil && (perr != nil || len(probes) != len(faces)) {
			t.Fatalf("Faces listed %d faces, probeFaces %d (%v)", len(faces), len(probes), perr)
		}
		for _, p := range probes {
			fc, err := openFace(data, p.Index)
			if err != nil {
				t.Fatalf("probeFaces listed face %d, openFace fails: %v", p.Index, err)
			}
			_, missing := fc.cmap(data).missing(sampleText)
			if p.TrueType != fc.trueType() || p.covers == missing || (p.covers && p.Family != fc.family(data)) {
				t.Fatalf("probe %+v disagrees with the full parse (family %q, covers %v)", p, fc.family(data), !missing)
			}
		}
		if !bytes.Equal(data, orig) {
			t.Fatal("input was modified")
		}
	})
}
