package legal

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// MaxNumber is the largest number ParseNumber and FormatNumber handle
// in Chinese numerals (the Civil Code, the longest law, has 1260
// articles).
const MaxNumber = 9999

// numeralRunes are the characters of a Chinese numeral, for patterns.
const numeralRunes = "零〇一二两三四五六七八九十百千"

// ParseNumber reads a number written in Chinese numerals as statutes
// write them: 十 10, 十一 11, 一百一十 110, 二百零五 205, 一千零一十 1010,
// 一千二百六十 1260. It also accepts a leading 第 and a trailing unit
// (条 编 分编 章 节 款 项), so 第二百零五条 is 205; 一十 for 十; 两 for 二
// before 百 or 千 (两百 200); 〇 for 零; and plain Arabic digits (205).
// The range is 0 to MaxNumber. It refuses what is ambiguous or not a
// number: colloquial abbreviations (一百五, meaning 150), missing or
// misplaced 零 (一千五十, 一百零), units out of order (一百千), two digits
// in a row (一二) and anything else.
func ParseNumber(s string) (int, error) {
	n, err := parseNumber(s)
	if err != nil {
		return 0, fmt.Errorf("parse number %q: %w", s, err)
	}
	return n, nil
}

func parseNumber(s string) (int, error) {
	t := strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(t, "第"); ok {
		t = rest
	}
	for _, unit := range []string{"分编", "编", "条", "章", "节", "款", "项"} {
		if rest, ok := strings.CutSuffix(t, unit); ok {
			t = rest
			break
		}
	}
	if t == "" {
		return 0, errors.New("no digits")
	}
	if t[0] >= '0' && t[0] <= '9' {
		n, err := strconv.Atoi(t)
		if err != nil || n > MaxNumber {
			return 0, fmt.Errorf("not a number from 0 to %d", MaxNumber)
		}
		return n, nil
	}
	return parseChinese([]rune(t))
}

// digitValue is the value of a Chinese digit 一…九 (两 is 2), or -1.
func digitValue(r rune) int {
	if i := strings.IndexRune("一二三四五六七八九", r); i >= 0 {
		return i/3 + 1 // 3 bytes a rune
	}
	if r == '两' {
		return 2
	}
	return -1
}

// unitValue is the place value of 十, 百 or 千, or 0.
func unitValue(r rune) int {
	switch r {
	case '十':
		return 10
	case '百':
		return 100
	case '千':
		return 1000
	}
	return 0
}

func parseChinese(rs []rune) (int, error) {
	if len(rs) == 1 && (rs[0] == '零' || rs[0] == '〇') {
		return 0, nil
	}
	const none = MaxNumber + 1 // no unit seen yet
	total := 0
	digit := -1  // a digit waiting for its unit
	last := none // the place value of the last unit
	zero := false
	for i, r := range rs {
		if d := digitValue(r); d > 0 {
			if digit >= 0 {
				return 0, errors.New("two digits in a row")
			}
			if r == '两' && (i+1 == len(rs) || (rs[i+1] != '百' && rs[i+1] != '千')) {
				return 0, errors.New("两 stands only before 百 or 千")
			}
			digit = d
			continue
		}
		if r == '零' || r == '〇' {
			if digit >= 0 || zero || total == 0 {
				return 0, errors.New("misplaced 零")
			}
			zero = true
			continue
		}
		u := unitValue(r)
		if u == 0 {
			return 0, fmt.Errorf("%q is not a Chinese numeral", r)
		}
		d := digit
		if d < 0 {
			// 十 alone stands for 一十 at the start (十一) and after 零 (一千零十).
			if u != 10 || (total != 0 && !zero) {
				return 0, fmt.Errorf("%c without a digit before it", r)
			}
			d = 1
		}
		if u >= last {
			return 0, fmt.Errorf("%c out of order", r)
		}
		if zero && u*10 >= last {
			return 0, errors.New("零 where no place is skipped")
		}
		if !zero && last != none && u*10 != last {
			return 0, errors.New("a skipped place needs 零")
		}
		total += d * u
		last, digit, zero = u, -1, false
	}
	switch {
	case digit >= 0:
		if zero && last < 100 || !zero && last != none && last != 10 {
			return 0, errors.New("a last digit without its unit is ambiguous (一百五 is 一百五十?)")
		}
		total += digit
	case zero:
		return 0, errors.New("零 at the end")
	}
	return total, nil
}

// FormatNumber writes n in Chinese numerals the way statutes do (十一,
// 一百一十, 二百零五, 一千零一十); ParseNumber reads it back. Numbers
// outside 0…MaxNumber come back in Arabic digits.
func FormatNumber(n int) string {
	if n < 0 || n > MaxNumber {
		return strconv.Itoa(n)
	}
	if n == 0 {
		return "零"
	}
	const digits = "零一二三四五六七八九"
	digit := func(d int) string { return digits[d*3 : d*3+3] }
	var b strings.Builder
	started, zero := false, false
	for _, u := range []struct {
		value int
		name  string
	}{{1000, "千"}, {100, "百"}, {10, "十"}, {1, ""}} {
		d := n / u.value % 10
		if d == 0 {
			zero = zero || started
			continue
		}
		if zero {
			b.WriteString("零")
			zero = false
		}
		if !(u.value == 10 && d == 1 && !started) {
			b.WriteString(digit(d))
		}
		b.WriteString(u.name)
		started = true
	}
	return b.String()
}

// Label is how the law writes a node's number: 第三十四条, 第四章,
// 第一分编. A law has no label ("").
func Label(k Kind, n int) string {
	unit := k.unit()
	if unit == "" {
		return ""
	}
	return "第" + FormatNumber(n) + unit
}
