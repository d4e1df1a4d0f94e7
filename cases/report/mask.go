package report

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// MaskName keeps a name's first character: 张三 → 张*, 张桂兰 → 张**.
func MaskName(name string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		return ""
	}
	first, size := utf8.DecodeRuneInString(name)
	return string(first) + strings.Repeat("*", utf8.RuneCountInString(name[size:]))
}

// MaskID keeps the first 3 and the last 4 characters of an ID card
// number: 110101199003071234 → 110***********1234.
func MaskID(id string) string { return maskMiddle(id, 3, 4) }

// MaskPhone keeps the first 3 and the last 4 digits of a phone number:
// 13812345678 → 138****5678.
func MaskPhone(phone string) string { return maskMiddle(phone, 3, 4) }

func maskMiddle(s string, head, tail int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= head+tail {
		return strings.Repeat("*", len(r))
	}
	return string(r[:head]) + strings.Repeat("*", len(r)-head-tail) + string(r[len(r)-tail:])
}

var (
	// idNumber is a resident ID number (18 characters, the last may be
	// X; or the old 15 digits) not inside a longer run of digits.
	idNumber = regexp.MustCompile(`(^|[^0-9])([0-9]{17}[0-9Xx]|[0-9]{15})($|[^0-9Xx])`)
	// mobile is a mainland mobile number not inside a longer run of digits.
	mobile = regexp.MustCompile(`(^|[^0-9])(1[3-9][0-9]{9})($|[^0-9])`)
)

// MaskText masks what would identify someone in free text written at the
// desk: each of names (the parties of the case) wherever it appears, ID
// card numbers and mobile numbers. A name nobody recorded as a party is
// not recognised; the receptionist writes the summary knowing it is
// printed.
func MaskText(s string, names []string) string {
	// Longer names first, so that 张桂兰 is masked whole before 张桂.
	ns := slices.Clone(names)
	slices.SortFunc(ns, func(a, b string) int { return utf8.RuneCountInString(b) - utf8.RuneCountInString(a) })
	for _, n := range ns {
		if n = strings.TrimSpace(n); utf8.RuneCountInString(n) >= 2 {
			s = strings.ReplaceAll(s, n, MaskName(n))
		}
	}
	s = replaceGroup(idNumber, s, MaskID)
	return replaceGroup(mobile, s, MaskPhone)
}

// replaceGroup replaces group 2 of each match of re in s by mask of it,
// keeping the characters around it (groups 1 and 3). Matches that share
// a separating character are all found, by repeating until none is left.
func replaceGroup(re *regexp.Regexp, s string, mask func(string) string) string {
	for {
		m := re.FindStringSubmatchIndex(s)
		if m == nil {
			return s
		}
		s = s[:m[4]] + mask(s[m[4]:m[5]]) + s[m[5]:]
	}
}
