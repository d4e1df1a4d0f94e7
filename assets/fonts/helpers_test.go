package fonts

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"unicode/utf16"
)

// wqyPath is where Debian's fonts-wqy-microhei puts its collection
// (faces: 0 "WenQuanYi Micro Hei", 1 "WenQuanYi Micro Hei Mono").
const wqyPath = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

// readWQY returns the real WenQuanYi Micro Hei collection. Its absence is a
// failure, not a skip: the tests are worthless without a real font.
func readWQY(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile(wqyPath)
	if err != nil {
		t.Fatalf("cannot read the real test font: %v\n"+
			"run `apt-get install fonts-wqy-microhei` (the Makefile does this)", err)
	}
	return data
}

// writeFile writes data to dir/rel, creating directories.
func writeFile(t testing.TB, dir, rel string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// table is one sfnt table of a synthetic font.
type table struct {
	tag  string
	data []byte
}

// synthFace returns the tables of a tiny but well-formed face named family
// that maps sampleText; cff selects a "CFF " table instead of glyf/loca.
// The outlines are dummies: only this package's parsing is exercised.
func synthFace(family string, cff bool) []table {
	head := make([]byte, minHeadLen)
	binary.BigEndian.PutUint32(head[0:], 0x00010000)
	binary.BigEndian.PutUint32(head[12:], headMagic)
	binary.BigEndian.PutUint16(head[18:], 1000) // unitsPerEm
	ts := []table{
		{"head", head},
		{"name", nameTable(family)},
		{"cmap", cmapTable([]rune(sampleText + "ABC"))},
		{"maxp", []byte{0, 0, 0x50, 0, 0, 10}},
	}
	if cff {
		return append(ts, table{"CFF ", []byte{1, 0, 4, 1, 0}})
	}
	return append(ts, table{"glyf", make([]byte, 10)}, table{"loca", make([]byte, 22)})
}

// nameTable builds a format-0 name table with a Windows English family.
func nameTable(family string) []byte {
	u := utf16.Encode([]rune(family))
	b := make([]byte, 6+12, 6+12+2*len(u))
	binary.BigEndian.PutUint16(b[2:], 1)    // count
	binary.BigEndian.PutUint16(b[4:], 6+12) // string offset
	r := b[6:]
	binary.BigEndian.PutUint16(r[0:], 3)      // Windows
	binary.BigEndian.PutUint16(r[2:], 1)      // Unicode BMP
	binary.BigEndian.PutUint16(r[4:], 0x0409) // en-US
	binary.BigEndian.PutUint16(r[6:], 1)      // family
	binary.BigEndian.PutUint16(r[8:], uint16(2*len(u)))
	for _, c := range u {
		b = binary.BigEndian.AppendUint16(b, c)
	}
	return b
}

// cmapTable builds a (3,10) format-12 cmap mapping runes[i] to glyph i+1.
func cmapTable(runes []rune) []byte {
	type group struct{ r, g uint32 }
	gs := make([]group, len(runes))
	for i, r := range runes {
		gs[i] = group{uint32(r), uint32(i + 1)}
	}
	sort.Slice(gs, func(i, j int) bool { return gs[i].r < gs[j].r })
	b := []byte{0, 0, 0, 1, 0, 3, 0, 10, 0, 0, 0, 12}
	b = binary.BigEndian.AppendUint16(b, 12)
	b = binary.BigEndian.AppendUint16(b, 0)
	b = binary.BigEndian.AppendUint32(b, uint32(16+12*len(gs)))
	b = binary.BigEndian.AppendUint32(b, 0)
	b = binary.BigEndian.AppendUint32(b, uint32(len(gs)))
	for _, g := range gs {
		b = binary.BigEndian.AppendUint32(b, g.r)
		b = binary.BigEndian.AppendUint32(b, g.r)
		b = binary.BigEndian.AppendUint32(b, g.g)
	}
	return b
}

// synthCollection lays out faces as a .ttc (tables unaligned and in the
// given, unsorted order, to exercise Extract's rewriting). A single face
// gives a plain font instead.
func synthCollection(faces ...[]table) []byte {
	single := len(faces) == 1
	var out []byte
	dirStart := make([]int, len(faces))
	if !single {
		out = binary.BigEndian.AppendUint32(out, tagCollection)
		out = binary.BigEndian.AppendUint32(out, 0x00010000)
		out = binary.BigEndian.AppendUint32(out, uint32(len(faces)))
		out = append(out, make([]byte, 4*len(faces))...)
	}
	for i, ts := range faces {
		dirStart[i] = len(out)
		if !single {
			binary.BigEndian.PutUint32(out[12+4*i:], uint32(len(out)))
		}
		version := uint32(versionTT)
		for _, t := range ts {
			if t.tag == "CFF " {
				version = versionCFF
			}
		}
		out = binary.BigEndian.AppendUint32(out, version)
		out = binary.BigEndian.AppendUint16(out, uint16(len(ts)))
		out = append(out, 0, 0, 0, 0, 0, 0) // deliberately wrong search fields
		recs := len(out)
		out = append(out, make([]byte, 16*len(ts))...)
		for j, t := range ts {
			r := out[recs+16*j:]
			copy(r, t.tag)
			binary.BigEndian.PutUint32(r[4:], 0xdeadbeef) // wrong checksum
			binary.BigEndian.PutUint32(r[8:], uint32(len(out)))
			binary.BigEndian.PutUint32(r[12:], uint32(len(t.data)))
			out = append(out, t.data...)
			if j%2 == 0 {
				out = append(out, 0xEE) // misalign the next table
			}
		}
	}
	return out
}

// withCmap returns the tables ts with the cmap replaced by one mapping runes.
func withCmap(ts []table, runes string) []table {
	out := make([]table, len(ts))
	for i, tb := range ts {
		if tb.tag == "cmap" {
			tb.data = cmapTable([]rune(runes))
		}
		out[i] = tb
	}
	return out
}

// latinFace is a synthetic face named family with no Chinese characters.
func latinFace(family string) []table {
	return withCmap(synthFace(family, false), "ABCxyz")
}

// coveringFace is a synthetic face named family that maps coverageSample,
// with CFF outlines if cff.
func coveringFace(family string, cff bool) []table {
	return withCmap(synthFace(family, cff), coverageSample+"ABC")
}

// bold returns the tables ts with head.macStyle marking bold.
func bold(ts []table) []table {
	out := make([]table, len(ts))
	for i, tb := range ts {
		if tb.tag == "head" {
			tb.data = append([]byte(nil), tb.data...)
			binary.BigEndian.PutUint16(tb.data[44:], 1)
		}
		out[i] = tb
	}
	return out
}
