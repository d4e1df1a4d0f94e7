package fonts

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"
)

// coverageSample must be mapped by a face the scan accepts: sampleText
// plus common characters whose Simplified forms Japanese and Traditional
// Chinese fonts lack (们这说对时会还发过问题关于个访).
const coverageSample = sampleText + "们这说对时会还发过问题关于个访"

// Scan limits: how many of the best faces Find tries to Load before giving
// up, and how many faces rejected for their family name NotFoundError lists.
const (
	maxScanLoads     = 3
	maxListedForeign = 5
)

// fontExts are the file name extensions the scan reads, in lower case.
var fontExts = map[string]bool{".ttf": true, ".ttc": true, ".otf": true, ".otc": true}

// foreignFamilies are Japanese, Korean and Traditional Chinese families
// whose names carry no region word, yet which may map common Simplified
// characters (Windows' big CJK fonts do). The scan never takes them. Each
// matches a family name equal to it or starting with it and a non-letter
// ("Meiryo UI", "MingLiU_HKSCS-ExtB"), case-insensitively.
var foreignFamilies = []string{
	// Japanese
	"MS Gothic", "MS PGothic", "MS UI Gothic", "MS Mincho", "MS PMincho",
	"Meiryo", "Yu Gothic", "Yu Mincho",
	"BIZ UDGothic", "BIZ UDPGothic", "BIZ UDMincho", "BIZ UDPMincho", "UD Digi Kyokasho",
	"Source Han Sans", "Source Han Serif", // without a region word: the Japanese default
	// Korean
	"Malgun Gothic", "Gulim", "GulimChe", "Batang", "BatangChe",
	"Dotum", "DotumChe", "Gungsuh", "GungsuhChe",
	// Traditional Chinese
	"MingLiU", "PMingLiU", "Microsoft JhengHei", "DFKai-SB",
}

// scannedFace is a face found by the scan that maps coverageSample.
type scannedFace struct {
	faceProbe
	// path is the file; file is its position in the scan order.
	path string
	file int
}

// findByScan looks through files, except those in skip, for the best face
// that maps coverageSample (see [Find] for the order), and loads it. It
// records in nf how many font files it read and what it rejected.
func findByScan(files []string, skip map[string]bool, nf *NotFoundError) (Font, bool) {
	found, scanned := scanFiles(files, skip)
	nf.Scanned = scanned
	var ok []scannedFace
	for _, sf := range found {
		if reason := foreignReason(sf.Family); reason != "" {
			nf.Foreign++
			if nf.Foreign <= maxListedForeign {
				nf.Rejected = append(nf.Rejected, fmt.Errorf("fonts: %s face %d (%q) maps common Chinese but %s",
					sf.path, sf.Index, sf.Family, reason))
			}
			continue
		}
		ok = append(ok, sf)
	}
	sort.SliceStable(ok, func(i, j int) bool { return better(ok[i], ok[j]) })
	for i, sf := range ok {
		if i == maxScanLoads {
			break
		}
		f, err := Load(sf.path, sf.Index)
		if err == nil {
			return f, true
		}
		nf.Rejected = append(nf.Rejected, err)
	}
	return Font{}, false
}

// scanFiles probes the font files (by extension) among files, except those
// in skip, and returns their faces that map coverageSample, in file order,
// and the number of font files it tried. Unreadable and malformed files
// are skipped.
func scanFiles(files []string, skip map[string]bool) (found []scannedFace, scanned int) {
	for _, path := range files {
		if skip[path] || !fontExts[strings.ToLower(filepath.Ext(path))] {
			continue
		}
		scanned++
		faces, err := probeFile(path)
		if err != nil {
			continue
		}
		for _, fp := range faces {
			if fp.covers {
				found = append(found, scannedFace{faceProbe: fp, path: path, file: scanned})
			}
		}
	}
	return found, scanned
}

// probeFile runs probeFaces on the regular file at path, refusing files
// that Load would refuse for their size.
func probeFile(path string) ([]faceProbe, error) {
	// Stat before opening: opening a FIFO named like a font would block.
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("fonts: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("fonts: %s is not a regular file", path)
	}
	if st.Size() > maxFileSize {
		return nil, fmt.Errorf("fonts: %s is %d bytes, too big for a font", path, st.Size())
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("fonts: %w", err)
	}
	defer f.Close()
	faces, err := probeFaces(f, st.Size(), coverageSample)
	if err != nil {
		return nil, fmt.Errorf("fonts: %s: %w", path, err)
	}
	return faces, nil
}

// foreignReason says why the scan must not take a face named family, or
// returns "" if it may: a region word for elsewhere (faceScore), or a
// known foreign family not marked Simplified.
func foreignReason(family string) string {
	if _, ok := faceScore(family); !ok {
		return "its name is marked for another region"
	}
	if !simplifiedName(family) && foreignFamily(family) {
		return "it is a Japanese, Korean or Traditional Chinese font"
	}
	return ""
}

// foreignFamily reports whether family is one of foreignFamilies.
func foreignFamily(family string) bool {
	for _, f := range foreignFamilies {
		if len(family) < len(f) || !strings.EqualFold(family[:len(f)], f) {
			continue
		}
		if rest := family[len(f):]; rest == "" || !unicode.IsLetter([]rune(rest)[0]) {
			return true
		}
	}
	return false
}

// better reports whether a is to be preferred to b: Simplified-marked
// name, TrueType outlines, not Mono, neither bold nor italic, found first,
// lower face index.
func better(a, b scannedFace) bool {
	if sa, sb := simplifiedName(a.Family), simplifiedName(b.Family); sa != sb {
		return sa
	}
	if a.TrueType != b.TrueType {
		return a.TrueType
	}
	if ma, mb := monoName(a.Family), monoName(b.Family); ma != mb {
		return mb
	}
	if a.styled != b.styled {
		return b.styled
	}
	if a.file != b.file {
		return a.file < b.file
	}
	return a.Index < b.Index
}
