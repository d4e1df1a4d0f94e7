package registry

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"jiefang/cases"
)

// ValidatePersonID checks an 18-character resident ID number per
// GB 11643 (check character and birth date); its error is Chinese.
func ValidatePersonID(id string) error {
	err := cases.ValidateIDNumber(id)
	if ve, ok := cases.AsValidation(err); ok {
		return errors.New(strings.TrimSuffix(ve.Message, "。"))
	}
	return err
}

// creditAlphabet is the character set of unified social credit codes
// (GB 32100-2015): digits and capitals without I, O, S, V, Z.
const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditWeights are 3^i mod 31 for the first 17 characters.
var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// CreditCheckChar returns the GB 32100 check character for the first 17
// characters of a unified social credit code. It panics on characters
// outside the code's alphabet; it exists for test and demo data.
func CreditCheckChar(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditAlphabet, first17[i])
		if v < 0 {
			panic("registry: bad credit code character " + string(first17[i]))
		}
		sum += v * creditWeights[i]
	}
	return creditAlphabet[(31-sum%31)%31]
}

// ValidateCreditCode checks an 18-character unified social credit code
// (统一社会信用代码, GB 32100-2015): its alphabet, the six-digit region
// code in positions 3–8 and the check character; its error is Chinese.
func ValidateCreditCode(code string) error {
	if len(code) != 18 {
		return fmt.Errorf("统一社会信用代码应为18位，实为%d位", len([]rune(code)))
	}
	for i := 0; i < 18; i++ {
		if strings.IndexByte(creditAlphabet, code[i]) < 0 {
			return fmt.Errorf("统一社会信用代码第%d位“%c”不是允许的字符（数字或除I、O、S、V、Z外的大写字母）", i+1, code[i])
		}
	}
	for i := 2; i < 8; i++ {
		if code[i] < '0' || code[i] > '9' {
			return fmt.Errorf("统一社会信用代码第3至8位应为行政区划代码（数字）")
		}
	}
	if want := CreditCheckChar(code[:17]); code[17] != want {
		return fmt.Errorf("统一社会信用代码校验位不正确，请核对最后一位")
	}
	return nil
}

// dateLayout is the one date format of the snapshots.
const dateLayout = "2006-01-02"

// parseDate reads YYYY-MM-DD (a real calendar date, years 1900–2100).
func parseDate(s string) (time.Time, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil || len(s) != 10 {
		return time.Time{}, fmt.Errorf("日期应为 YYYY-MM-DD 格式的真实日期（如 2023-05-10）")
	}
	if t.Year() < 1900 || t.Year() > 2100 {
		return time.Time{}, fmt.Errorf("日期年份应在1900至2100之间")
	}
	return t, nil
}

// formatDate writes a date as the snapshots do; "" for the zero time.
func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(dateLayout)
}

// Yuan is an amount of money in fen (分, 0.01 yuan).
type Yuan int64

// parseYuan reads an amount in yuan: digits, with up to two decimals,
// no sign, no thousands separators, no currency symbol.
func parseYuan(s string) (Yuan, error) {
	v, err := parseDecimal(s, 13)
	if err != nil {
		switch {
		case strings.HasPrefix(s, "-"):
			return 0, fmt.Errorf("金额不能为负数")
		case strings.ContainsAny(s, ",，"):
			return 0, fmt.Errorf("金额不要用千位分隔符（写 1200000.00，不写 1,200,000.00）")
		case strings.ContainsAny(s, "¥￥元"):
			return 0, fmt.Errorf("金额只写数字，不带“¥”或“元”")
		}
		return 0, fmt.Errorf("金额应为以元为单位的数字，最多两位小数（如 350000.00）")
	}
	return Yuan(v), nil
}

// parseDecimal reads digits with up to two decimals into hundredths;
// intDigits bounds the integer part.
func parseDecimal(s string, intDigits int) (int64, error) {
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || len(whole) > intDigits || (dot && (len(frac) == 0 || len(frac) > 2)) {
		return 0, strconv.ErrSyntax
	}
	if len(whole) > 1 && whole[0] == '0' {
		return 0, strconv.ErrSyntax
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, strconv.ErrSyntax
		}
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			f *= 10
		}
	}
	return w*100 + f, nil
}

// String is the amount as the snapshots write it: 1200000.00.
func (y Yuan) String() string { return fmt.Sprintf("%d.%02d", y/100, y%100) }

// Text is the amount as explanations write it: 1,200,000.00元.
func (y Yuan) Text() string {
	whole := strconv.FormatInt(int64(y/100), 10)
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return fmt.Sprintf("%s.%02d元", b.String(), y%100)
}

// Percent is a share in hundredths of a percent (3000 = 30%).
type Percent int

// parsePercent reads a share of 0 (exclusive) to 100 percent, with up to
// two decimals, without the % sign.
func parsePercent(s string) (Percent, error) {
	v, err := parseDecimal(strings.TrimSuffix(s, "%"), 3)
	if err != nil || v <= 0 || v > 10000 {
		return 0, fmt.Errorf("持股比例应为大于0、不超过100的数字，最多两位小数（如 30 或 12.5）")
	}
	return Percent(v), nil
}

// String is the share as the snapshots write it: 30, 12.5.
func (p Percent) String() string {
	s := fmt.Sprintf("%d.%02d", p/100, p%100)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
