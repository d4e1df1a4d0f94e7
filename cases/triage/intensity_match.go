package triage

import (
	"slices"
)

// normalise maps full-width ASCII (digits, letters, ！，？) to half-width,
// the ideographic space to a space, and Latin letters to lower case.
func normalise(s string) []rune {
	rs := make([]rune, 0, len(s)/2+1)
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == 0x3000:
			r = ' '
		}
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		rs = append(rs, r)
	}
	return rs
}

// isClauseEnd reports whether r ends a clause: negation and reported
// speech reach no further.
func isClauseEnd(r rune) bool {
	switch r {
	case ',', '、', ';', ':', '。', '!', '?', '…', '\n', '\r', '"', '“', '”', '(', ')', '（', '）':
		return true
	}
	return false
}

// isSentenceEnd reports whether r ends a sentence: the parts of a
// phrase and an ultimatum's reach stop there.
func isSentenceEnd(r rune) bool {
	switch r {
	case '。', '!', '?', ';', '\n', '\r':
		return true
	}
	return false
}

// maxGap is how far apart (in characters) the parts of a 甲…乙 phrase
// may be.
const maxGap = 12

// match is one word or pattern found in a text.
type match struct {
	sig        sigID
	except     bool
	start, end int // rune offsets, end exclusive
	points     int // the word's own points; 0 for the signal's
	hasPoints  bool
	single     bool // a one-character word (negation reaches one character only)
}

// matcher finds the lexicon's words in a text: the entries indexed by
// the first rune of their first part, longest first.
type matcher struct {
	entries []entry
	byFirst map[rune][]int32
}

func newMatcher(entries []entry) *matcher {
	m := &matcher{entries: entries, byFirst: map[rune][]int32{}}
	for i, e := range entries {
		r := e.parts[0][0]
		m.byFirst[r] = append(m.byFirst[r], int32(i))
	}
	for r, list := range m.byFirst {
		slices.SortStableFunc(list, func(a, b int32) int { return len(entries[b].parts[0]) - len(entries[a].parts[0]) })
		m.byFirst[r] = list
	}
	return m
}

func hasPrefixAt(text []rune, i int, p []rune) bool {
	if len(text)-i < len(p) {
		return false
	}
	for k, r := range p {
		if text[i+k] != r {
			return false
		}
	}
	return true
}

// find appends every occurrence of every entry in text to ms.
func (m *matcher) find(text []rune, ms []match) []match {
	for i, r := range text {
		list, ok := m.byFirst[r]
		if !ok {
			continue
		}
		for _, ei := range list {
			e := &m.entries[ei]
			if !hasPrefixAt(text, i, e.parts[0]) {
				continue
			}
			end, ok := i+len(e.parts[0]), true
			for _, part := range e.parts[1:] {
				if end, ok = findPart(text, end, part); !ok {
					break
				}
			}
			if ok {
				ms = append(ms, match{sig: e.sig, except: e.except, start: i, end: end, points: e.points,
					hasPoints: e.hasPoints, single: len(e.parts) == 1 && len(e.parts[0]) == 1})
			}
		}
	}
	return ms
}

// findPart finds part within maxGap runes from 'from', in the same
// sentence, and returns where it ends.
func findPart(text []rune, from int, part []rune) (int, bool) {
	for j := from; j <= from+maxGap && j < len(text); j++ {
		if hasPrefixAt(text, j, part) {
			return j + len(part), true
		}
		if isSentenceEnd(text[j]) {
			break
		}
	}
	return 0, false
}

// Counts: numbers in Chinese or Arabic digits, for durations (跑了七年),
// visits (来了十几次, 第十二次) and head counts (二十多户, 几十号人).

func numeralValue(r rune) (int, bool) {
	switch r {
	case '零', '〇':
		return 0, true
	case '一':
		return 1, true
	case '二', '两':
		return 2, true
	case '三', '几': // 几 "a few": 几次 3, 几十 30, 十几 13
		return 3, true
	case '四':
		return 4, true
	case '五':
		return 5, true
	case '六':
		return 6, true
	case '七':
		return 7, true
	case '八':
		return 8, true
	case '九':
		return 9, true
	}
	if r >= '0' && r <= '9' {
		return int(r - '0'), true
	}
	return 0, false
}

func numeralUnit(r rune) int {
	switch r {
	case '十':
		return 10
	case '百':
		return 100
	case '千':
		return 1000
	case '万':
		return 10000
	}
	return 0
}

func isNumeral(r rune) bool {
	_, ok := numeralValue(r)
	return ok || numeralUnit(r) != 0
}

// parseNumber reads a run of numerals: 七, 十二, 二十, 两千, 几十, 十几, 2019.
func parseNumber(rs []rune) int {
	total, section, digit := 0, 0, 0
	prevArabic := false
	for _, r := range rs {
		if d, ok := numeralValue(r); ok {
			arabic := r >= '0' && r <= '9'
			if arabic && prevArabic {
				digit = digit*10 + d
			} else {
				digit = d
			}
			prevArabic = arabic
			if digit > 1_000_000 {
				return 1_000_000
			}
			continue
		}
		prevArabic = false
		u := numeralUnit(r)
		if u == 10000 {
			total += (section + digit) * 10000
			section, digit = 0, 0
			continue
		}
		if digit == 0 {
			digit = 1
		}
		section += digit * u
		digit = 0
	}
	return total + section + digit
}

// Head-count units: households count from 5, people from 10.
var headUnits = []struct {
	unit []rune
	min  int
}{
	{[]rune("户人家"), 5}, {[]rune("户"), 5},
	{[]rune("号人"), 10}, {[]rune("个人"), 10}, {[]rune("个村民"), 10}, {[]rune("村民"), 10},
	{[]rune("个工人"), 10}, {[]rune("工人"), 10}, {[]rune("个工友"), 10}, {[]rune("工友"), 10},
	{[]rune("个业主"), 10}, {[]rune("业主"), 10}, {[]rune("名"), 10}, {[]rune("位"), 10}, {[]rune("人"), 10},
}

func runeIn(r rune, set string) bool {
	for _, c := range set {
		if c == r {
			return true
		}
	}
	return false
}

// findCounts appends the durations, visit counts and head counts of text.
func (s *Scorer) findCounts(text []rune, ms []match) []match {
	n := len(text)
	for i := 0; i < n; {
		if !isNumeral(text[i]) {
			i++
			continue
		}
		j := i
		for j < n && isNumeral(text[j]) {
			j++
		}
		start, end := i, j
		i = j
		val := parseNumber(text[start:end])
		ordinal := start > 0 && text[start-1] == '第'
		more := end < n && runeIn(text[end], "多余来")
		k := end
		if more {
			k++
		}
		if k >= n {
			continue
		}
		unit := text[k]
		next := rune(0)
		if k+1 < n {
			next = text[k+1]
		}
		switch {
		case unit == '年':
			// a duration of two years or more, or 一年多; not a date (2019年,
			// 三年前) nor a grade or an age.
			if val >= 1000 || runeIn(next, "级龄纪代前后底初终度份检内") {
				continue
			}
			if val < 2 && !(val == 1 && (more || next == '多')) {
				continue
			}
			before := rune(0)
			if start > 0 {
				before = text[start-1]
			}
			if !more && !runeIn(before, "了过近快整足有这已") && !runeIn(next, "了多来都还也没之以时半") {
				continue
			}
			e := k + 1
			if next == '多' {
				e++ // 一年多
			}
			ms = append(ms, match{sig: s.long, start: start, end: e, points: s.countPoints(s.long, max(val, 2)), hasPoints: true})
		case unit == '个' && next == '月' && val >= 6 && val < 1000:
			// six months or more
			ms = append(ms, match{sig: s.long, start: start, end: k + 2})
		case unit == '次' || unit == '趟' || unit == '遍' || (unit == '回' && !runeIn(next, "事家来去答复应")):
			if val < 2 {
				continue
			}
			from := start
			if ordinal {
				from--
			}
			ms = append(ms, match{sig: s.repeated, start: from, end: k + 1, points: s.countPoints(s.repeated, val), hasPoints: true})
		case !ordinal:
			for _, h := range headUnits {
				if val >= h.min && hasPrefixAt(text, k, h.unit) {
					ms = append(ms, match{sig: s.collective, start: start, end: k + len(h.unit)})
					break
				}
			}
		}
	}
	return ms
}

// countPoints are the points of a counted duration or number of visits:
// the signal's points at two, ten more for each further year or visit,
// up to twice the signal's points.
func (s *Scorer) countPoints(id sigID, n int) int {
	w := s.defs[id].weight
	return min(w+10*(n-2), 2*w)
}
