package triage

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The similarity index compares cases as bags of terms. Text (summary and
// current fact cards) becomes, after folding full-width letters and digits
// and lower-casing, the overlapping character bigrams of each run of
// Chinese characters (a run of one character is kept as it is), numbers
// whole ("43200", "3.7") and other words whole ("s305"). Bigrams find a
// paraphrase, not only a copy: 补偿款至今未到账 and 补偿款迟迟未发放 share
// 补偿, 偿款 and 未发 even though the sentences differ. The parties, the
// respondent, the place and the category are terms of their own kinds,
// compared whole, so a shared respondent or petitioner is one strong simTerm
// and can be named in the explanation.

// termKind is what a simTerm stands for; it is the top byte of the simTerm's hash.
type termKind uint8

const (
	kindWord       termKind = iota + 1 // a character bigram, a number or a word of the text
	kindPerson                         // the name of a petitioner or representative
	kindIDNumber                       // the identity number of a petitioner or representative
	kindRespondent                     // the name of a respondent
	kindPlace                          // a village of the case's parties
	kindCategory                       // the category
)

// entityWeight is how much a shared party, respondent, place or category
// held by a single case counts, 0–1; a commoner one counts less, in
// proportion to its inverse document frequency (see Index). A shared
// identity number says more than a shared name, a shared category (held
// by many cases, so weighed down by its frequency) more than it seems:
// cases of one matter are nearly always of one category.
func entityWeight(k termKind) float32 {
	switch k {
	case kindIDNumber:
		return 0.9
	case kindCategory:
		return 0.8
	case kindRespondent:
		return 0.7
	case kindPerson:
		return 0.6
	case kindPlace:
		return 0.4
	}
	return 0
}

// textShare is the share of the text's similarity in a score; the rest
// is the parties', respondents', places' and category's.
const textShare = 0.3

// simTermHash is a 64-bit FNV-1a hash of s with the termKind in its top byte.
func simTermHash(k termKind, s string) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= prime
	}
	return h&(1<<56-1) | uint64(k)<<56
}

// termKindOf is the termKind of a simTerm hash.
func termKindOf(h uint64) termKind { return termKind(h >> 56) }

// foldRune maps full-width ASCII to ASCII and upper case to lower case.
func foldRune(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		r -= 0xFEE0
	case r == 0x3000:
		r = ' '
	}
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	return unicode.ToLower(r)
}

func isHanChar(r rune) bool { return r >= 0x3400 && unicode.Is(unicode.Han, r) }

// textSpan is a piece of a text that yields terms: a run of Chinese
// characters, or a number or other word. start and end are byte offsets in
// the folded text.
type textSpan struct {
	han        bool
	start, end int
}

// textSpans splits folded text into runs of Chinese characters and words;
// everything else separates them. A '.' between digits stays inside a
// number.
func textSpans(t string) []textSpan {
	var out []textSpan
	cur := textSpan{start: -1}
	flush := func(at int) {
		if cur.start >= 0 {
			cur.end = at
			out = append(out, cur)
		}
		cur = textSpan{start: -1}
	}
	for i, r := range t {
		switch {
		case isHanChar(r):
			if cur.start >= 0 && !cur.han {
				flush(i)
			}
			if cur.start < 0 {
				cur = textSpan{han: true, start: i}
			}
		case r < utf8.RuneSelf && (('a' <= r && r <= 'z') || ('0' <= r && r <= '9')),
			r >= utf8.RuneSelf && !isHanChar(r) && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if cur.start >= 0 && cur.han {
				flush(i)
			}
			if cur.start < 0 {
				cur = textSpan{start: i}
			}
		case r == '.' && cur.start >= 0 && !cur.han && i+1 < len(t) && '0' <= t[i+1] && t[i+1] <= '9' && '0' <= t[i-1] && t[i-1] <= '9':
			// a decimal point inside a number
		default:
			flush(i)
		}
	}
	flush(len(t))
	return out
}

// foldText folds text for tokenizing.
func foldText(s string) string {
	return strings.Map(foldRune, s)
}

// foldName folds a name and drops the spaces and punctuation people
// type differently.
func foldName(s string) string {
	return strings.Map(func(r rune) rune {
		r = foldRune(r)
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			return -1
		}
		return r
	}, s)
}

// simTextTerms calls emit for each simTerm of folded text t, in order, with
// the byte range it covers.
func simTextTerms(t string, emit func(h uint64, start, end int)) {
	for _, sp := range textSpans(t) {
		if !sp.han {
			emit(simTermHash(kindWord, t[sp.start:sp.end]), sp.start, sp.end)
			continue
		}
		// Bigrams of the run; a run of one character is a simTerm alone.
		a := sp.start
		_, wa := utf8.DecodeRuneInString(t[a:])
		b := a + wa
		if b >= sp.end {
			emit(simTermHash(kindWord, t[a:b]), a, b)
			continue
		}
		for b < sp.end {
			_, wb := utf8.DecodeRuneInString(t[b:])
			emit(simTermHash(kindWord, t[a:b+wb]), a, b+wb)
			a, b = b, b+wb
		}
	}
}

// simTerm is one distinct simTerm of a document and how often it occurs.
type simTerm struct {
	h  uint64
	tf uint32
}

// simDocTerms returns the distinct terms of d, sorted by hash.
func simDocTerms(d *Doc, buf []uint64) []simTerm {
	hs := buf[:0]
	simTextTerms(foldText(d.Text), func(h uint64, _, _ int) { hs = append(hs, h) })
	for _, p := range d.People {
		if n := foldName(p.Name); n != "" {
			hs = append(hs, simTermHash(kindPerson, n))
		}
		if p.IDNumber != "" {
			hs = append(hs, simTermHash(kindIDNumber, strings.ToUpper(p.IDNumber)))
		}
	}
	for _, r := range d.Respondents {
		if n := foldName(r); n != "" {
			hs = append(hs, simTermHash(kindRespondent, n))
		}
	}
	for _, p := range d.Places {
		if n := foldName(p); n != "" {
			hs = append(hs, simTermHash(kindPlace, n))
		}
	}
	if c := foldName(d.Category); c != "" {
		hs = append(hs, simTermHash(kindCategory, c))
	}
	slices.Sort(hs)
	out := make([]simTerm, 0, len(hs))
	for i, h := range hs {
		if i > 0 && h == hs[i-1] {
			out[len(out)-1].tf++
			continue
		}
		out = append(out, simTerm{h: h, tf: 1})
	}
	return out
}
