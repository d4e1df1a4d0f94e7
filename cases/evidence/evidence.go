// Package evidence reads what the desk needs from an evidence file: what
// kind of file it is, the date a photo was taken and how many pages a
// PDF has. It reads only; it never changes a file.
package evidence

import (
	"bytes"
	"encoding/binary"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Media types the desk accepts as evidence.
const (
	JPEG = "image/jpeg"
	PNG  = "image/png"
	PDF  = "application/pdf"
)

// SniffLen is how many bytes of a file's start MediaType looks at.
const SniffLen = 1024

// MediaType is the media type of a file named name whose first bytes are
// head (up to SniffLen): JPEG, PNG or PDF, or "" for anything else. The
// content decides; the extension only settles a PDF whose header does
// not open the file (the format allows bytes before it).
func MediaType(name string, head []byte) string {
	if len(head) > SniffLen {
		head = head[:SniffLen]
	}
	switch t := http.DetectContentType(head); t {
	case JPEG, PNG, PDF:
		return t
	}
	if strings.EqualFold(filepath.Ext(name), ".pdf") && bytes.Contains(head, []byte("%PDF-")) {
		return PDF
	}
	return ""
}

// PhotoDate is the date and time a JPEG photo was taken, from its EXIF
// DateTimeOriginal, else its DateTime, read as local time of the camera
// (returned in UTC, the clock reading as is). ok is false if the file is
// not a JPEG or has no such date.
func PhotoDate(r io.ReaderAt, size int64) (t time.Time, ok bool) {
	tiff := exifSegment(r, size)
	if tiff == nil {
		return time.Time{}, false
	}
	return tiffDate(tiff)
}

// exifSegment finds the TIFF data of a JPEG's APP1 Exif segment.
func exifSegment(r io.ReaderAt, size int64) []byte {
	var b [4]byte
	if _, err := r.ReadAt(b[:2], 0); err != nil || b[0] != 0xFF || b[1] != 0xD8 {
		return nil
	}
	off := int64(2)
	for off+4 <= size {
		if _, err := r.ReadAt(b[:4], off); err != nil || b[0] != 0xFF {
			return nil
		}
		marker := b[1]
		if marker == 0xFF { // fill byte
			off++
			continue
		}
		if marker == 0xD9 || marker == 0xDA { // end of image, start of scan: no more metadata
			return nil
		}
		if marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7) { // no length
			off += 2
			continue
		}
		n := int64(binary.BigEndian.Uint16(b[2:4]))
		if n < 2 || off+2+n > size {
			return nil
		}
		if marker == 0xE1 && n >= 2+6 {
			seg := make([]byte, n-2)
			if _, err := r.ReadAt(seg, off+4); err != nil {
				return nil
			}
			if bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
				return seg[6:]
			}
		}
		off += 2 + n
	}
	return nil
}

// EXIF tags read.
const (
	tagDateTime         = 0x0132
	tagExifIFD          = 0x8769
	tagDateTimeOriginal = 0x9003
	typeASCII           = 2
	typeLong            = 4
)

// tiffDate reads the date from TIFF data (either byte order).
func tiffDate(d []byte) (time.Time, bool) {
	if len(d) < 8 {
		return time.Time{}, false
	}
	var bo binary.ByteOrder
	switch string(d[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return time.Time{}, false
	}
	if bo.Uint16(d[2:4]) != 42 {
		return time.Time{}, false
	}
	ifd0 := ifdEntries(d, bo, bo.Uint32(d[4:8]))
	if e, ok := ifd0[tagExifIFD]; ok {
		exif := ifdEntries(d, bo, e.value(bo))
		if t, ok := exif[tagDateTimeOriginal].date(d, bo); ok {
			return t, true
		}
	}
	return ifd0[tagDateTime].date(d, bo)
}

// ifdEntry is one 12-byte entry of an IFD.
type ifdEntry []byte

func (e ifdEntry) value(bo binary.ByteOrder) uint32 { return bo.Uint32(e[8:12]) }

// date reads an ASCII "YYYY:MM:DD HH:MM:SS" value.
func (e ifdEntry) date(d []byte, bo binary.ByteOrder) (time.Time, bool) {
	if len(e) != 12 || bo.Uint16(e[2:4]) != typeASCII {
		return time.Time{}, false
	}
	n := bo.Uint32(e[4:8])
	var s []byte
	if n <= 4 {
		s = e[8 : 8+n]
	} else {
		off := e.value(bo)
		if uint64(off)+uint64(n) > uint64(len(d)) {
			return time.Time{}, false
		}
		s = d[off : off+n]
	}
	s = bytes.TrimRight(s, "\x00 ")
	t, err := time.Parse("2006:01:02 15:04:05", string(s))
	if err != nil {
		// Some cameras write only the date, or blanks for unknown.
		t, err = time.Parse("2006:01:02", string(bytes.TrimSpace(s)))
		if err != nil {
			return time.Time{}, false
		}
	}
	return t, true
}

// ifdEntries reads the IFD at off, by tag.
func ifdEntries(d []byte, bo binary.ByteOrder, off uint32) map[uint16]ifdEntry {
	out := map[uint16]ifdEntry{}
	if uint64(off)+2 > uint64(len(d)) {
		return out
	}
	n := int(bo.Uint16(d[off:]))
	p := int(off) + 2
	for i := 0; i < n && p+12 <= len(d); i, p = i+1, p+12 {
		e := ifdEntry(d[p : p+12])
		tag := bo.Uint16(e[0:2])
		if tag == tagExifIFD && bo.Uint16(e[2:4]) != typeLong {
			continue
		}
		out[tag] = e
	}
	return out
}

// maxPDF is how much of a PDF PDFPages reads.
const maxPDF = 256 << 20

var pageObject = regexp.MustCompile(`/Type\s*/Page(?:[^s]|$)`)

// PDFPages counts the page objects of a PDF, as a best effort: pages
// kept in compressed object streams are not seen. ok is false if none
// was found.
func PDFPages(r io.Reader) (int, bool) {
	b, err := io.ReadAll(io.LimitReader(r, maxPDF))
	if err != nil && len(b) == 0 {
		return 0, false
	}
	n := len(pageObject.FindAllIndex(b, -1))
	return n, n > 0
}
