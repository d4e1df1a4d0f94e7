package evidence

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
	"time"
)

// tiff builds TIFF data: IFD0 with DateTime (if dt) and a pointer to an
// Exif IFD with DateTimeOriginal (if orig).
func tiff(bo binary.ByteOrder, dt, orig string) []byte {
	var b bytes.Buffer
	if bo == binary.LittleEndian {
		b.WriteString("II")
	} else {
		b.WriteString("MM")
	}
	w := func(v any) { binary.Write(&b, bo, v) }
	w(uint16(42))
	w(uint32(8)) // IFD0 right after the header
	n0 := 1
	if dt != "" {
		n0++
	}
	ifd0End := 8 + 2 + 12*n0 + 4
	exifAt := ifd0End
	exifEnd := exifAt + 2 + 12 + 4
	dtAt, origAt := exifEnd, exifEnd+len(dt)+1
	w(uint16(n0))
	if dt != "" {
		w(uint16(tagDateTime))
		w(uint16(typeASCII))
		w(uint32(len(dt) + 1))
		w(uint32(dtAt))
	}
	w(uint16(tagExifIFD))
	w(uint16(typeLong))
	w(uint32(1))
	w(uint32(exifAt))
	w(uint32(0))
	// Exif IFD: DateTimeOriginal, or an unrelated tag.
	w(uint16(1))
	if orig != "" {
		w(uint16(tagDateTimeOriginal))
	} else {
		w(uint16(0x9999))
	}
	w(uint16(typeASCII))
	w(uint32(len(orig) + 1))
	w(uint32(origAt))
	w(uint32(0))
	b.WriteString(dt + "\x00")
	b.WriteString(orig + "\x00")
	return b.Bytes()
}

// photo is a real 8×8 JPEG with an APP1 Exif segment holding t.
func photo(t *testing.T, exif []byte) []byte {
	t.Helper()
	var img bytes.Buffer
	if err := jpeg.Encode(&img, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	seg := append([]byte("Exif\x00\x00"), exif...)
	var out bytes.Buffer
	out.Write(img.Bytes()[:2])                    // SOI
	out.Write([]byte{0xFF, 0xE0, 0, 4, 'J', 'F'}) // a dummy APP0 to skip
	out.Write([]byte{0xFF, 0xE1})
	binary.Write(&out, binary.BigEndian, uint16(len(seg)+2))
	out.Write(seg)
	out.Write(img.Bytes()[2:])
	return out.Bytes()
}

func TestPhotoDate(t *testing.T) {
	want := time.Date(2019, 5, 1, 14, 30, 5, 0, time.UTC)
	for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		for _, tc := range []struct {
			name, dt, orig string
			want           time.Time
		}{
			{"original", "2020:01:02 03:04:05", "2019:05:01 14:30:05", want},
			{"datetime only", "2019:05:01 14:30:05", "", want},
			{"original only", "", "2019:05:01 14:30:05", want},
		} {
			b := photo(t, tiff(bo, tc.dt, tc.orig))
			got, ok := PhotoDate(bytes.NewReader(b), int64(len(b)))
			if !ok || !got.Equal(tc.want) {
				t.Errorf("%v %s: %v %v, want %v", bo, tc.name, got, ok, tc.want)
			}
		}
	}
	// No date, no Exif, not a JPEG, cut short: no date, no panic.
	noDate := photo(t, tiff(binary.BigEndian, "", ""))
	var plain bytes.Buffer
	jpeg.Encode(&plain, image.NewGray(image.Rect(0, 0, 4, 4)), nil)
	full := photo(t, tiff(binary.LittleEndian, "", "2019:05:01 14:30:05"))
	for name, b := range map[string][]byte{
		"no date": noDate, "no exif": plain.Bytes(), "pdf": []byte("%PDF-1.4\n"),
		"empty": nil, "cut": full[:40], "bad ifd offset": photo(t, []byte("II*\x00\xff\xff\x00\x00")),
	} {
		if got, ok := PhotoDate(bytes.NewReader(b), int64(len(b))); ok {
			t.Errorf("%s: date %v", name, got)
		}
	}
	// Every truncation of the TIFF data is read without a panic.
	td := tiff(binary.BigEndian, "2019:05:01 14:30:05", "2019:05:01 14:30:05")
	for i := range td {
		b := photo(t, td[:i])
		PhotoDate(bytes.NewReader(b), int64(len(b)))
	}
}

// twoPages is a minimal PDF with two pages (as text; the xref offsets
// are not exact, which readers and PDFPages tolerate).
const twoPages = `%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj
4 0 obj <</Type/Page/Parent 2 0 R/MediaBox [0 0 595 842]>> endobj
trailer << /Root 1 0 R >>
%%EOF
`

func TestPDFPages(t *testing.T) {
	if n, ok := PDFPages(strings.NewReader(twoPages)); n != 2 || !ok {
		t.Errorf("two pages read as %d %v", n, ok)
	}
	if n, ok := PDFPages(strings.NewReader("%PDF-1.4\n<< /Type /Pages /Count 0 >>")); n != 0 || ok {
		t.Errorf("no page read as %d %v", n, ok)
	}
}

func TestMediaType(t *testing.T) {
	var p bytes.Buffer
	png.Encode(&p, image.NewGray(image.Rect(0, 0, 2, 2)))
	jp := photo(t, tiff(binary.LittleEndian, "", "2019:05:01 14:30:05"))
	for _, tc := range []struct {
		name string
		head []byte
		want string
	}{
		{"a.jpg", jp, JPEG},
		{"a.JPEG", jp, JPEG},
		{"renamed.png", jp, JPEG}, // content decides
		{"a.png", p.Bytes(), PNG},
		{"a.pdf", []byte(twoPages), PDF},
		{"scan", []byte(twoPages), PDF},
		{"a.pdf", append([]byte{0, 1, 2}, twoPages...), PDF}, // junk before the header: the extension settles it
		{"a.bin", append([]byte{0, 1, 2}, twoPages...), ""},
		{"a.txt", []byte("补偿款至今只拿到一半"), ""},
		{"a.jpg", []byte("not really a photo"), ""},
		{"a.gif", []byte("GIF89a......"), ""},
	} {
		if got := MediaType(tc.name, tc.head); got != tc.want {
			t.Errorf("%s %s: %q, want %q", tc.name, fmt.Sprintf("%.8q", tc.head), got, tc.want)
		}
	}
}
