package legal

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
)

// knownLaws are the laws the desk knows by code, in the order the desk
// lists them: first how a petition is handled, then the laws of the
// usual disputes. Codes are the pinyin initials of the title.
var knownLaws = [...]struct {
	code, title string
	aliases     []string // other names a query may use
}{
	{"xfgztl", "信访工作条例", nil},
	{"tdglf", "土地管理法", nil},
	{"tdglfsstl", "土地管理法实施条例", nil},
	{"gytdfwzsbctl", "国有土地上房屋征收与补偿条例", nil},
	{"mfdwqb", "民法典物权编", []string{"民法典", "物权编"}},
	{"shbxf", "社会保险法", nil},
	{"rmtjf", "人民调解法", nil},
	{"nctdcbf", "农村土地承包法", nil},
	{"msssf", "民事诉讼法", nil},
	{"xzfyf", "行政复议法", nil},
	{"xzssf", "行政诉讼法", nil},
	{"zswrfzf", "噪声污染防治法", nil},
	{"hjzswrfzf", "环境噪声污染防治法", nil},
	{"ldhtf", "劳动合同法", nil},
	{"bznmggzzftl", "保障农民工工资支付条例", nil},
	{"bzgltl", "殡葬管理条例", nil},
	{"hjbhf", "环境保护法", nil},
}

// civilCodeBooks number the books (编) of the Civil Code, which are
// published one file a book ("# 中华人民共和国民法典" then "# 物权编").
var civilCodeBooks = [...]string{"总则编", "物权编", "合同编", "人格权编", "婚姻家庭编", "继承编", "侵权责任编"}

// categories are the case categories of the desk that articles are
// tagged with.
var categories = [...]string{"征地补偿", "拆迁安置", "宅基地", "社保", "拖欠工资", "执行难", "采光", "噪音", "祖坟", "环境污染", "邻里纠纷", "村务公开", "土地承包"}

// Categories are the case categories that articles may be tagged with.
func Categories() []string { return slices.Clone(categories[:]) }

// IsCategory reports whether c is one of Categories.
func IsCategory(c string) bool { return slices.Contains(categories[:], c) }

// prcPrefix starts the full title of national laws.
const prcPrefix = "中华人民共和国"

// normalTitle is a law's title without spaces and without the
// 中华人民共和国 that starts the full title of national laws.
func normalTitle(title string) string {
	t := strings.Join(strings.Fields(title), "")
	return strings.TrimPrefix(t, prcPrefix)
}

// LawCode is the code of the law with the given title (with or without
// 中华人民共和国): the known code for the laws the desk knows
// (信访工作条例 → xfgztl), and for any other law "u" followed by the
// first 8 hex digits of the SHA-256 of its normalised title (no spaces,
// no 中华人民共和国). So the same title always gets the same code, and a
// derived code never equals a pinyin-initials code like the known ones
// (no pinyin syllable is written with an initial u).
func LawCode(title string) string {
	t := normalTitle(title)
	for _, l := range knownLaws {
		if l.title == t {
			return l.code
		}
	}
	sum := sha256.Sum256([]byte(t))
	return "u" + hex.EncodeToString(sum[:4])
}

// lawOrder is the place of the law in the desk's order; unknown laws
// come after the known ones.
func lawOrder(code string) int {
	for i, l := range knownLaws {
		if l.code == code {
			return i
		}
	}
	return len(knownLaws)
}

// compareCodes orders law codes in the desk's order, unknown ones
// after the known ones, by code.
func compareCodes(a, b string) int {
	return cmp.Or(lawOrder(a)-lawOrder(b), strings.Compare(a, b))
}

// knownTitle is the title of a known code, or "".
func knownTitle(code string) string {
	for _, l := range knownLaws {
		if l.code == code {
			return l.title
		}
	}
	return ""
}

// lawNames are the names a query may call a law by: its code, its title,
// its full title and aliases.
func lawNames(l *Law) []string {
	names := []string{l.Code, l.Title, prcPrefix + l.Title}
	for _, k := range knownLaws {
		if k.code == l.Code {
			names = append(names, k.aliases...)
		}
	}
	return names
}
