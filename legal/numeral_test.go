package legal

import "testing"

func TestParseNumber(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
	}{
		{"零", 0}, {"〇", 0}, {"一", 1}, {"九", 9},
		{"十", 10}, {"一十", 10}, {"十一", 11}, {"一十一", 11}, {"十九", 19},
		{"二十", 20}, {"二十五", 25}, {"九十九", 99},
		{"一百", 100}, {"一百零一", 101}, {"一百零五", 105}, {"一百一十", 110}, {"一百一十一", 111},
		{"一百九十", 190}, {"二百", 200}, {"两百", 200}, {"二百零五", 205}, {"三百零六", 306},
		{"四百六十二", 462}, {"九百九十九", 999},
		{"一千", 1000}, {"一千零一", 1001}, {"一千零五", 1005}, {"一千〇五", 1005},
		{"一千零一十", 1010}, {"一千零十", 1010}, {"一千零五十", 1050}, {"一千一百", 1100},
		{"一千二百六十", 1260}, {"两千", 2000}, {"二千", 2000}, {"两千零五", 2005},
		{"两千两百", 2200}, {"九千九百九十九", 9999},
		// labels and Arabic digits
		{"第二百零五条", 205}, {"第一千二百六十条", 1260}, {"第三十四条", 34}, {"三十四条", 34},
		{"第十九章", 19}, {"第一分编", 1}, {"第二编", 2}, {"第三节", 3}, {"第二款", 2}, {"第五项", 5},
		{"34", 34}, {"第34条", 34}, {"0", 0}, {"9999", 9999}, {" 第四章 ", 4},
	} {
		got, err := ParseNumber(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseNumber(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
}

func TestParseNumberRefuses(t *testing.T) {
	for _, in := range []string{
		"", "第", "条", "第条", "x", "三十四x", "三十四条之一",
		"一二", "二零", "一零零", // digits in a row, 零 after a digit
		"百", "千", "百五", "一百千", "十十", "一十十", // units without digit or out of order
		"一百五", "一千五", "一千五百五", // abbreviations
		"一千五十", "一千一十", // a skipped place without 零
		"一百零", "一千零零五", "零五", "一百零十", "二十零五", // misplaced 零
		"一百十",                  // 十 without its 一 in the middle
		"两", "十两", "二十两", "两十", // 两 only before 百 and 千
		"一万", "10000", "-1", "3.4", "三十四 五",
	} {
		if n, err := ParseNumber(in); err == nil {
			t.Errorf("ParseNumber(%q) = %d, want an error", in, n)
		}
	}
}

func TestFormatNumber(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{
		{0, "零"}, {1, "一"}, {10, "十"}, {11, "十一"}, {19, "十九"}, {20, "二十"},
		{100, "一百"}, {101, "一百零一"}, {110, "一百一十"}, {111, "一百一十一"},
		{205, "二百零五"}, {306, "三百零六"}, {462, "四百六十二"},
		{1000, "一千"}, {1001, "一千零一"}, {1010, "一千零一十"}, {1050, "一千零五十"},
		{1100, "一千一百"}, {1260, "一千二百六十"}, {2000, "二千"}, {9999, "九千九百九十九"},
		{-1, "-1"}, {10000, "10000"},
	} {
		if got := FormatNumber(c.n); got != c.want {
			t.Errorf("FormatNumber(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

// TestNumberRoundTrip goes through every number there is a numeral for,
// as a bare numeral and as an article label.
func TestNumberRoundTrip(t *testing.T) {
	seen := map[string]int{}
	for n := 0; n <= MaxNumber; n++ {
		s := FormatNumber(n)
		if got, err := ParseNumber(s); err != nil || got != n {
			t.Fatalf("ParseNumber(FormatNumber(%d) = %q) = %d, %v", n, s, got, err)
		}
		if n >= 1 {
			label := Label(KindArticle, n)
			if got, err := ParseNumber(label); err != nil || got != n {
				t.Fatalf("ParseNumber(%q) = %d, %v; want %d", label, got, err, n)
			}
		}
		if m, ok := seen[s]; ok {
			t.Fatalf("FormatNumber(%d) = FormatNumber(%d) = %q", n, m, s)
		}
		seen[s] = n
	}
}

func TestLabel(t *testing.T) {
	for _, c := range []struct {
		k    Kind
		n    int
		want string
	}{
		{KindArticle, 34, "第三十四条"}, {KindArticle, 205, "第二百零五条"}, {KindChapter, 4, "第四章"},
		{KindSection, 1, "第一节"}, {KindPart, 2, "第二编"}, {KindSubpart, 1, "第一分编"}, {KindLaw, 0, ""},
	} {
		if got := Label(c.k, c.n); got != c.want {
			t.Errorf("Label(%v, %d) = %q, want %q", c.k, c.n, got, c.want)
		}
	}
}
