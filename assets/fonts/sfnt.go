package fonts

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"sort"
	"strings"
	"unicode/utf16"
)

// Tags and version numbers of the sfnt container (OpenType spec, "Organization of an OpenType Font").
const (
	tagCollection = 0x74746366 // "ttcf"
	versionTT     = 0x00010000 // TrueType outlines
	versionApple  = 0x74727565 // "true", Apple TrueType
	versionCFF    = 0x4F54544F // "OTTO", CFF outlines

	tagHead = 0x68656164 // "head"
	tagName = 0x6E616D65 // "name"
	tagCmap = 0x636D6170 // "cmap"
	tagGlyf = 0x676C7966 // "glyf"
	tagLoca = 0x6C6F6361 // "loca"

	headMagic         = 0x5F0F3CF5
	checksumMagic     = 0xB1B0AFBA
	headAdjustmentOff = 8 // offset of checkSumAdjustment inside head
	minHeadLen        = 54

	// Sanity limits: far above any real font, low enough that garbage
	// cannot make us allocate absurd amounts of memory.
	maxFaces  = 1 << 10
	maxTables = 1 << 10
	maxOutput = 1 << 30
)

// errTruncated is wrapped by errors about data that ends too soon.
var errTruncated = errors.New("truncated data")

// Face describes one face of a font file, as listed by [Faces].
type Face struct {
	// Index is the face's position in the collection (0 for a single font).
	Index int
	// Family is the face's English family name from its name table
	// (typographic family if present), or "" if the table has none.
	Family string
	// TrueType reports glyf outlines; false means CFF (or no) outlines.
	TrueType bool
}

// tableRecord is one entry of an sfnt table directory.
type tableRecord struct {
	tag, checksum, offset, length uint32
}

// face is a parsed, validated table directory.
type face struct {
	version uint32
	tables  []tableRecord // sorted by tag, all inside the data
}

// record returns the directory entry of the table tag.
func (f *face) record(tag uint32) (tableRecord, bool) {
	for _, t := range f.tables {
		if t.tag == tag {
			return t, true
		}
	}
	return tableRecord{}, false
}

// table returns the contents of the table tag; data is the whole file.
func (f *face) table(data []byte, tag uint32) ([]byte, bool) {
	t, ok := f.record(tag)
	if !ok {
		return nil, false
	}
	return data[t.offset : t.offset+t.length], true
}

// has reports whether the face has a table tag.
func (f *face) has(tag uint32) bool {
	_, ok := f.record(tag)
	return ok
}

// tagString renders a table tag for error messages.
func tagString(tag uint32) string {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], tag)
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			b[i] = '?'
		}
	}
	return string(b[:])
}

// faceOffsets returns the offset of each face's table directory: the
// collection header's list for a .ttc, or {0} for a single font.
func faceOffsets(data []byte) ([]uint32, error) {
	if len(data) < 4 {
		return nil, fmt.Errorf("file is %d bytes, too short to be a font: %w", len(data), errTruncated)
	}
	switch v := binary.BigEndian.Uint32(data); v {
	case versionTT, versionApple, versionCFF:
		return []uint32{0}, nil
	case tagCollection:
		if len(data) < 12 {
			return nil, fmt.Errorf("collection header: %w", errTruncated)
		}
		n := binary.BigEndian.Uint32(data[8:])
		if n == 0 || n > maxFaces {
			return nil, fmt.Errorf("collection claims %d faces", n)
		}
		if uint64(len(data)) < 12+4*uint64(n) {
			return nil, fmt.Errorf("collection header with %d faces: %w", n, errTruncated)
		}
		offs := make([]uint32, n)
		for i := range offs {
			offs[i] = binary.BigEndian.Uint32(data[12+4*i:])
		}
		return offs, nil
	default:
		return nil, fmt.Errorf("not a TrueType/OpenType font or collection (starts with %q)", tagString(v))
	}
}

// parseFace reads and validates the table directory at off.
func parseFace(data []byte, off uint32) (*face, error) {
	if uint64(off)+12 > uint64(len(data)) {
		return nil, fmt.Errorf("table directory at offset %d: %w", off, errTruncated)
	}
	f, err := parseDirectory(data[off:], off, uint64(len(data)))
	if err != nil {
		return nil, err
	}
	head, ok := f.table(data, tagHead)
	if !ok {
		return nil, errors.New("no head table")
	}
	if err := checkHead(head); err != nil {
		return nil, err
	}
	return f, nil
}

// parseDirectory parses the table directory d, which starts at offset off
// of a file of size bytes and need not extend beyond the directory itself.
// It checks that every table lies inside the file, that no tag repeats and
// that there is a head table, and returns the records sorted by tag.
func parseDirectory(d []byte, off uint32, size uint64) (*face, error) {
	if len(d) < 12 {
		return nil, fmt.Errorf("table directory at offset %d: %w", off, errTruncated)
	}
	f := &face{version: binary.BigEndian.Uint32(d)}
	switch f.version {
	case versionTT, versionApple, versionCFF:
	default:
		return nil, fmt.Errorf("table directory at offset %d: unknown sfnt version %#08x", off, f.version)
	}
	n := int(binary.BigEndian.Uint16(d[4:]))
	if n == 0 || n > maxTables {
		return nil, fmt.Errorf("table directory at offset %d: %d tables", off, n)
	}
	if 12+16*n > len(d) {
		return nil, fmt.Errorf("table directory at offset %d with %d tables: %w", off, n, errTruncated)
	}
	f.tables = make([]tableRecord, n)
	for i := range f.tables {
		r := d[12+16*i:]
		t := tableRecord{
			tag:      binary.BigEndian.Uint32(r),
			checksum: binary.BigEndian.Uint32(r[4:]),
			offset:   binary.BigEndian.Uint32(r[8:]),
			length:   binary.BigEndian.Uint32(r[12:]),
		}
		if uint64(t.offset)+uint64(t.length) > size {
			return nil, fmt.Errorf("table %q (offset %d, length %d) runs past end of file (%d bytes): %w",
				tagString(t.tag), t.offset, t.length, size, errTruncated)
		}
		f.tables[i] = t
	}
	sort.Slice(f.tables, func(i, j int) bool { return f.tables[i].tag < f.tables[j].tag })
	for i := 1; i < n; i++ {
		if f.tables[i].tag == f.tables[i-1].tag {
			return nil, fmt.Errorf("table %q appears twice", tagString(f.tables[i].tag))
		}
	}
	if !f.has(tagHead) {
		return nil, errors.New("no head table")
	}
	return f, nil
}

// checkHead validates the head table (or at least its first minHeadLen
// bytes): long enough, with the right magic number.
func checkHead(head []byte) error {
	if len(head) < minHeadLen {
		return fmt.Errorf("head table is %d bytes, want at least %d", len(head), minHeadLen)
	}
	if m := binary.BigEndian.Uint32(head[12:]); m != headMagic {
		return fmt.Errorf("head table magic number is %#08x, want %#08x", m, headMagic)
	}
	return nil
}

// openFace returns face index of data, which may be a collection or a single font.
func openFace(data []byte, index int) (*face, error) {
	offs, err := faceOffsets(data)
	if err != nil {
		return nil, err
	}
	if index < 0 || index >= len(offs) {
		return nil, fmt.Errorf("face index %d out of range: file has %d face(s)", index, len(offs))
	}
	f, err := parseFace(data, offs[index])
	if err != nil {
		return nil, fmt.Errorf("face %d: %w", index, err)
	}
	return f, nil
}

// Faces lists the faces of a font collection (.ttc) or, for a single font
// (.ttf/.otf), its one face. It fails if any face's table directory is
// malformed.
func Faces(data []byte) ([]Face, error) {
	offs, err := faceOffsets(data)
	if err != nil {
		return nil, fmt.Errorf("fonts: list faces: %w", err)
	}
	faces := make([]Face, len(offs))
	for i, off := range offs {
		f, err := parseFace(data, off)
		if err != nil {
			return nil, fmt.Errorf("fonts: list faces: face %d: %w", i, err)
		}
		faces[i] = Face{Index: i, Family: f.family(data), TrueType: f.trueType()}
	}
	return faces, nil
}

// trueType reports glyf outlines (see [Face.TrueType]).
func (f *face) trueType() bool {
	return f.version != versionCFF && f.has(tagGlyf) && f.has(tagLoca)
}

// Extract returns face index of a font collection as a standalone font:
// a new table directory (offset table with recomputed searchRange,
// entrySelector and rangeShift; records sorted by tag) followed by copies
// of the face's tables, each 4-byte aligned, with table checksums and
// head.checkSumAdjustment recomputed. Given a single font instead of a
// collection, Extract accepts index 0 and returns a rebuilt copy.
// The input is never modified.
func Extract(collection []byte, index int) ([]byte, error) {
	f, err := openFace(collection, index)
	if err != nil {
		return nil, fmt.Errorf("fonts: extract: %w", err)
	}
	return f.build(collection)
}

// pad4 rounds n up to a multiple of 4.
func pad4(n uint32) uint64 { return (uint64(n) + 3) &^ 3 }

// build does [Extract]'s work for a parsed face of data.
func (f *face) build(data []byte) ([]byte, error) {
	n := len(f.tables)
	size := uint64(12 + 16*n)
	for _, t := range f.tables {
		size += pad4(t.length)
	}
	// A face's tables do not overlap, so the result is about the size of
	// the input at most; more means a crafted file (tables all pointing at
	// the same bytes) trying to make us allocate gigabytes.
	if limit := min(maxOutput, 2*uint64(len(data))+12+16*uint64(n)+4*uint64(n)); size > limit {
		return nil, fmt.Errorf("fonts: extract: tables add up to %d bytes from a %d-byte file: overlapping tables", size, len(data))
	}
	out := make([]byte, size)
	entrySelector := bits.Len(uint(n)) - 1 // floor(log2(n)), n >= 1
	searchRange := 16 << entrySelector
	binary.BigEndian.PutUint32(out, f.version)
	binary.BigEndian.PutUint16(out[4:], uint16(n))
	binary.BigEndian.PutUint16(out[6:], uint16(searchRange))
	binary.BigEndian.PutUint16(out[8:], uint16(entrySelector))
	binary.BigEndian.PutUint16(out[10:], uint16(16*n-searchRange))

	pos := uint32(12 + 16*n)
	headPos := uint32(0)
	for i, t := range f.tables {
		dst := out[pos : pos+t.length]
		copy(dst, data[t.offset:t.offset+t.length])
		if t.tag == tagHead {
			headPos = pos
			binary.BigEndian.PutUint32(dst[headAdjustmentOff:], 0)
		}
		rec := out[12+16*i:]
		binary.BigEndian.PutUint32(rec, t.tag)
		binary.BigEndian.PutUint32(rec[4:], checksum(out[pos:uint64(pos)+pad4(t.length)]))
		binary.BigEndian.PutUint32(rec[8:], pos)
		binary.BigEndian.PutUint32(rec[12:], t.length)
		pos += uint32(pad4(t.length))
	}
	// parseFace guarantees a head table; its adjustment makes the whole
	// font sum to the magic constant.
	binary.BigEndian.PutUint32(out[headPos+headAdjustmentOff:], checksumMagic-checksum(out))
	return out, nil
}

// checksum is the OpenType table checksum: the sum of big-endian uint32s,
// the data zero-padded to a multiple of 4 bytes.
func checksum(b []byte) uint32 {
	var sum uint32
	for len(b) >= 4 {
		sum += binary.BigEndian.Uint32(b)
		b = b[4:]
	}
	if len(b) > 0 {
		var last [4]byte
		copy(last[:], b)
		sum += binary.BigEndian.Uint32(last[:])
	}
	return sum
}

// u16 and u32 read big-endian integers with bounds checks.
func u16(b []byte, off int) (uint16, bool) {
	if off < 0 || off > len(b)-2 {
		return 0, false
	}
	return binary.BigEndian.Uint16(b[off:]), true
}

func u32(b []byte, off int) (uint32, bool) {
	if off < 0 || off > len(b)-4 {
		return 0, false
	}
	return binary.BigEndian.Uint32(b[off:]), true
}

// family returns the face's English family name, preferring the typographic
// family (name ID 16) over the legacy family (name ID 1), and Windows
// English over Mac Roman over other languages. A missing or malformed name
// table yields "".
func (f *face) family(data []byte) string {
	tbl, ok := f.table(data, tagName)
	if !ok {
		return ""
	}
	return familyName(tbl)
}

// familyName does [face.family]'s work on the contents of a name table.
func familyName(tbl []byte) string {
	count, ok1 := u16(tbl, 2)
	strOff, ok2 := u16(tbl, 4)
	if !ok1 || !ok2 {
		return ""
	}
	best, bestScore := "", 0
	for i := 0; i < int(count); i++ {
		r := 6 + 12*i
		platform, _ := u16(tbl, r)
		encoding, _ := u16(tbl, r+2)
		lang, _ := u16(tbl, r+4)
		nameID, _ := u16(tbl, r+6)
		length, _ := u16(tbl, r+8)
		off, ok := u16(tbl, r+10)
		if !ok {
			break // record runs past the table
		}
		score := 0
		switch nameID {
		case 16:
			score = 100
		case 1:
			score = 50
		default:
			continue
		}
		switch {
		case platform == 3 && lang == 0x0409:
			score += 40
		case platform == 3 && lang&0xff == 0x09: // other English
			score += 30
		case platform == 1 && encoding == 0 && lang == 0:
			score += 20
		case platform == 0:
			score += 10
		case platform == 3:
			score += 1
		default:
			continue
		}
		if score <= bestScore {
			continue
		}
		start := int(strOff) + int(off)
		end := start + int(length)
		if end > len(tbl) {
			continue
		}
		raw := tbl[start:end]
		var s string
		if platform == 1 {
			s = latin1(raw)
		} else {
			s = utf16BE(raw)
		}
		if s = strings.TrimSpace(s); s != "" {
			best, bestScore = s, score
		}
	}
	return best
}

// utf16BE decodes Windows and Unicode-platform name strings.
func utf16BE(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.BigEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// latin1 decodes Mac Roman name strings well enough for family names,
// which are ASCII in practice.
func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// glyphIndex maps r through the face's Unicode cmap (format 12 or 4).
// It returns 0 (the .notdef glyph) if r is unmapped or the cmap is
// missing or malformed.
func (f *face) glyphIndex(data []byte, r rune) uint32 {
	return f.cmap(data).glyph(r)
}

// cmap returns the face's Unicode cmap subtables; data is the whole file.
func (f *face) cmap(data []byte) unicodeCmap {
	tbl, _ := f.table(data, tagCmap)
	return parseCmap(tbl)
}

// unicodeCmap holds the Unicode subtables of a cmap table that glyph
// reads; either may be nil.
type unicodeCmap struct {
	fmt4, fmt12 []byte
}

// parseCmap finds the first Unicode subtables of format 4 and 12 in the
// cmap table tbl. A missing or malformed table yields an empty result,
// which maps nothing.
func parseCmap(tbl []byte) unicodeCmap {
	var c unicodeCmap
	n, ok := u16(tbl, 2)
	if !ok {
		return c
	}
	for i := 0; i < int(n); i++ {
		rec := 4 + 8*i
		platform, _ := u16(tbl, rec)
		encoding, _ := u16(tbl, rec+2)
		off, ok := u32(tbl, rec+4)
		if !ok || uint64(off) >= uint64(len(tbl)) {
			continue
		}
		unicode := platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10))
		if !unicode {
			continue
		}
		sub := tbl[off:]
		switch format, _ := u16(sub, 0); format {
		case 4:
			if c.fmt4 == nil {
				c.fmt4 = sub
			}
		case 12:
			if c.fmt12 == nil {
				c.fmt12 = sub
			}
		}
	}
	return c
}

// glyph maps r to a glyph index, 0 if unmapped.
func (c unicodeCmap) glyph(r rune) uint32 {
	if c.fmt12 != nil {
		if g := cmap12(c.fmt12, r); g != 0 {
			return g
		}
	}
	if c.fmt4 != nil {
		return cmap4(c.fmt4, r)
	}
	return 0
}

// missing returns the first rune of sample that c does not map.
func (c unicodeCmap) missing(sample string) (rune, bool) {
	for _, r := range sample {
		if c.glyph(r) == 0 {
			return r, true
		}
	}
	return 0, false
}

// cmap4 maps r through a format-4 (BMP segment) cmap subtable, 0 if unmapped.
func cmap4(sub []byte, r rune) uint32 {
	if r < 0 || r > 0xffff {
		return 0
	}
	c := uint16(r)
	segX2, ok := u16(sub, 6)
	if !ok {
		return 0
	}
	segs := int(segX2 / 2)
	ends, starts, deltas, ranges := 14, 16+2*segs, 16+4*segs, 16+6*segs
	for i := 0; i < segs; i++ {
		end, ok := u16(sub, ends+2*i)
		if !ok {
			return 0
		}
		if end < c {
			continue
		}
		start, ok1 := u16(sub, starts+2*i)
		delta, ok2 := u16(sub, deltas+2*i)
		ro, ok3 := u16(sub, ranges+2*i)
		if !ok1 || !ok2 || !ok3 || start > c {
			return 0
		}
		if ro == 0 {
			return uint32(c + delta)
		}
		g, ok := u16(sub, ranges+2*i+int(ro)+2*int(c-start))
		if !ok || g == 0 {
			return 0
		}
		return uint32(g + delta)
	}
	return 0
}

// cmap12 maps r through a format-12 (segmented coverage) cmap subtable,
// 0 if unmapped.
func cmap12(sub []byte, r rune) uint32 {
	if r < 0 {
		return 0
	}
	c := uint32(r)
	n, ok := u32(sub, 12)
	if !ok || uint64(n) > uint64(len(sub))/12 {
		return 0
	}
	// Groups are sorted by start code: binary search.
	lo, hi := 0, int(n)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		g := 16 + 12*m
		start, ok1 := u32(sub, g)
		end, ok2 := u32(sub, g+4)
		gid, ok3 := u32(sub, g+8)
		switch {
		case !ok1 || !ok2 || !ok3:
			return 0
		case c < start:
			hi = m
		case c > end:
			lo = m + 1
		default:
			return gid + (c - start)
		}
	}
	return 0
}

// Limits on the tables probeFaces reads: far above real fonts (name tables
// are a few kilobytes, the cmaps of CJK fonts a few hundred), low enough
// that a scan of hundreds of files stays cheap whatever they contain.
const (
	maxNameTable = 1 << 20
	maxCmapTable = 8 << 20
)

// faceProbe is what probeFaces learns of one face.
type faceProbe struct {
	// Face has the index, the outline type and, for faces that cover the
	// sample, the family name (left empty otherwise, as it is not read).
	Face
	// covers reports that the face's cmap maps every rune of the sample.
	covers bool
	// styled reports bold or italic in head.macStyle.
	styled bool
}

// partReader reads byte ranges of a file of known size.
type partReader struct {
	r    io.ReaderAt
	size uint64
}

// read returns the n bytes at off, or an error wrapping errTruncated if
// they run past the end of the file.
func (p partReader) read(off, n uint64) ([]byte, error) {
	if off > p.size || n > p.size-off {
		return nil, fmt.Errorf("%d bytes at offset %d: past end of file (%d bytes): %w", n, off, p.size, errTruncated)
	}
	b := make([]byte, n)
	if m, err := p.r.ReadAt(b, int64(off)); m < len(b) {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("read %d bytes at offset %d: %w", n, off, err)
	}
	return b, nil
}

// probeFaces examines the faces of the font file r (size bytes; a single
// font or a collection) without reading all of it: only the header, each
// face's table directory and head table, its cmap and, if the cmap maps
// every rune of sample, its name table. Faces sharing a cmap are checked
// once. A face whose directory or tables are malformed is left out; the
// error reports a file with no usable face at all.
func probeFaces(r io.ReaderAt, size int64, sample string) ([]faceProbe, error) {
	p := partReader{r: r, size: uint64(max(size, 0))}
	hdr, err := p.read(0, min(p.size, 12+4*maxFaces))
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	offs, err := faceOffsets(hdr)
	if err != nil {
		return nil, err
	}
	var (
		out      []faceProbe
		firstErr error
		covers   = make(map[tableRecord]bool)
	)
	for i, off := range offs {
		fp, err := p.probeFace(off, sample, covers)
		if err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("face %d: %w", i, err)
			}
			continue
		}
		fp.Index = i
		out = append(out, fp)
	}
	if len(out) == 0 {
		return nil, firstErr
	}
	return out, nil
}

// probeFace does probeFaces' work for the face whose directory is at off.
// covers remembers the verdict for each cmap table already read.
func (p partReader) probeFace(off uint32, sample string, covers map[tableRecord]bool) (faceProbe, error) {
	d, err := p.read(uint64(off), 12)
	if err != nil {
		return faceProbe{}, fmt.Errorf("table directory at offset %d: %w", off, err)
	}
	if n := uint64(binary.BigEndian.Uint16(d[4:])); n > 0 && n <= maxTables {
		if d, err = p.read(uint64(off), 12+16*n); err != nil {
			return faceProbe{}, fmt.Errorf("table directory at offset %d with %d tables: %w", off, n, err)
		}
	}
	f, err := parseDirectory(d, off, p.size)
	if err != nil {
		return faceProbe{}, err
	}
	rec, _ := f.record(tagHead) // parseDirectory checked it is there
	head, err := p.read(uint64(rec.offset), min(uint64(rec.length), minHeadLen))
	if err != nil {
		return faceProbe{}, fmt.Errorf("head table: %w", err)
	}
	if err := checkHead(head); err != nil {
		return faceProbe{}, err
	}
	fp := faceProbe{
		Face:   Face{TrueType: f.trueType()},
		styled: binary.BigEndian.Uint16(head[44:])&3 != 0, // macStyle bits 0 (bold) and 1 (italic)
	}
	rec, ok := f.record(tagCmap)
	if !ok {
		return fp, nil
	}
	c, seen := covers[rec]
	if !seen {
		tbl, err := p.table(rec, maxCmapTable)
		if err != nil {
			return faceProbe{}, err
		}
		_, missing := parseCmap(tbl).missing(sample)
		c = !missing
		covers[rec] = c
	}
	if !c {
		return fp, nil
	}
	fp.covers = true
	if rec, ok := f.record(tagName); ok {
		tbl, err := p.table(rec, maxNameTable)
		if err != nil {
			return faceProbe{}, err
		}
		fp.Family = familyName(tbl)
	}
	return fp, nil
}

// table reads the table of rec, refusing one over limit bytes.
func (p partReader) table(rec tableRecord, limit uint32) ([]byte, error) {
	if rec.length > limit {
		return nil, fmt.Errorf("table %q is %d bytes, over the limit of %d", tagString(rec.tag), rec.length, limit)
	}
	b, err := p.read(uint64(rec.offset), uint64(rec.length))
	if err != nil {
		return nil, fmt.Errorf("table %q: %w", tagString(rec.tag), err)
	}
	return b, nil
}
