package registry

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func parseFile(t *testing.T, k Kind, name string, enc Encoding) (*Snapshot, error) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata/import", name))
	if err != nil {
		t.Fatal(err)
	}
	return Parse(k, name, bytes.NewReader(b), enc)
}

// importTest checks a kind's two files: KIND.csv, all good, and
// KIND_bad.csv, whose bad rows are reported by line with the reason
// given (a substring) while its good rows are kept; then a wrong header
// refuses the whole file, and columns in another order are fine.
func importTest(t *testing.T, k Kind, good int, bad map[int]string, kept []int) {
	t.Helper()
	s, err := parseFile(t, k, string(k)+".csv", UTF8)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Rejected) > 0 || len(s.Rows) != good {
		t.Fatalf("%s.csv: %d rows, rejected %v; want %d rows, none rejected", k, len(s.Rows), s.Rejected, good)
	}
	if _, err := NewData(*s); err != nil {
		t.Fatalf("good rows do not decode: %v", err)
	}

	s, err = parseFile(t, k, string(k)+"_bad.csv", UTF8)
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, r := range s.Rows {
		lines = append(lines, r.Line)
	}
	if !slices.Equal(lines, kept) {
		t.Errorf("%s_bad.csv kept lines %v, want %v", k, lines, kept)
	}
	got := map[int]string{}
	for _, r := range s.Rejected {
		got[r.Line] = r.Error()
	}
	for line, want := range bad {
		msg, ok := got[line]
		switch {
		case !ok:
			t.Errorf("%s_bad.csv line %d not rejected (want %q)", k, line, want)
		case !strings.Contains(msg, want):
			t.Errorf("%s_bad.csv line %d: %q, want it to say %q", k, line, msg, want)
		case !strings.HasPrefix(msg, "第"):
			t.Errorf("%s_bad.csv line %d: %q does not start with its line", k, line, msg)
		}
		delete(got, line)
	}
	for line, msg := range got {
		t.Errorf("%s_bad.csv line %d rejected unexpectedly: %s", k, line, msg)
	}

	b, err := os.ReadFile(filepath.Join("testdata/import", string(k)+".csv"))
	if err != nil {
		t.Fatal(err)
	}
	header, rest, _ := bytes.Cut(b, []byte("\n"))
	cols := strings.Split(string(header), ",")

	wrong := slices.Clone(cols)
	wrong[1] = "bogus"
	_, err = Parse(k, "x.csv", strings.NewReader(strings.Join(wrong, ",")+"\n"+string(rest)), UTF8)
	fe, ok := errors.AsType[*FileError](err)
	if !ok || fe.Line != 1 || !strings.Contains(fe.Message, "缺少列 "+cols[1]) || !strings.Contains(fe.Message, `多余的列 "bogus"`) {
		t.Errorf("wrong header: %v, want a file error on line 1 naming %s and bogus", err, cols[1])
	}

	// The same file with its first two columns swapped reads the same.
	var swapped strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if strings.Contains(line, `"`) {
			continue // quoted commas: leave them out rather than parse here
		}
		f := strings.Split(line, ",")
		f[0], f[1] = f[1], f[0]
		swapped.WriteString(strings.Join(f, ",") + "\n")
	}
	s, err = Parse(k, "x.csv", strings.NewReader(swapped.String()), UTF8)
	if err != nil || len(s.Rejected) > 0 || len(s.Rows) == 0 {
		t.Errorf("columns in another order: %v, rejected %v", err, s.Rejected)
	}
}

func TestImportRealEstate(t *testing.T) {
	importTest(t, RealEstate, 4, map[int]string{
		3: "holder_id “330523196503120116”：身份证号码校验位不正确",
		4: "registered_on “2023-02-30”：日期应为 YYYY-MM-DD",
		5: "origin “auction”：不是允许的值；应为 purchase（买卖）",
		6: "应有9列，实有8列",
		7: "transferred_on “2018-01-01”：早于 registered_on（2019-03-08）",
		8: "与第2行重复（不动产权证号 cert_no相同）",
		9: "holder_id “330523197011020139”：统一社会信用代码",
	}, []int{2, 10})
}

func TestImportSocialSecurity(t *testing.T) {
	importTest(t, SocialSecurity, 3, map[int]string{
		3: "person_id “330523198204150154”：身份证号码校验位不正确",
		4: "start_on “2015/07/01”：日期应为 YYYY-MM-DD",
		5: "insurance “housing”：不是允许的值",
		6: "应有8列，实有6列",
		7: "end_on：不能为空",
		8: "employer_code “91330523MA2B3C4D5N”：统一社会信用代码校验位不正确",
	}, []int{2, 9})
}

func TestImportBusiness(t *testing.T) {
	importTest(t, Business, 5, map[int]string{
		3: "holder_id “330523196805200517”：身份证号码校验位不正确",
		4: "share_pct “120”：持股比例应为大于0、不超过100的数字",
		5: "company_status “closed”：不是允许的值",
		6: "应有12列，实有11列",
		7: "company_name “青石建筑有限公司”：与同一公司第2行的“青石建筑工程有限公司”不一致",
		8: "与第2行重复",
		9: "held_since “2020-13-01”：日期应为",
	}, []int{2, 10})
}

func TestImportHousehold(t *testing.T) {
	importTest(t, Household, 6, map[int]string{
		3: "person_id “330523195807210124”：身份证号码校验位不正确",
		4: "status_on：不能为空",
		5: "relation “wife”：不是允许的值；应为 head（户主）、spouse（配偶）",
		6: "应有7列，实有5列",
		7: "status_on “2022-3-5”：日期应为",
		8: "village “桃源村”：与同一户第2行的“枫林村”不一致",
		9: "此人已在第2行登记为在籍（户号 FL-0001）",
	}, []int{2, 10})
}

func TestImportCivilAffairs(t *testing.T) {
	importTest(t, CivilAffairs, 3, map[int]string{
		3: "身份证号码校验位不正确",
		4: "amount “1,200.00”：金额不要用千位分隔符",
		5: "amount “-50”：金额不能为负数",
		6: "program “wubao”：不是允许的值",
		7: "应有6列，实有5列",
		8: "paid_on “2024-02-31”：日期应为",
		9: "与第2行重复",
	}, []int{2, 10})
}

func TestImportTax(t *testing.T) {
	importTest(t, Tax, 3, map[int]string{
		3: "taxpayer_id “91330523MA2B3C4D5N”：统一社会信用代码校验位不正确",
		4: "amount “12.345”：金额应为以元为单位的数字，最多两位小数",
		5: "tax “stamp”：不是允许的值",
		6: "period “2023-6”：所属期应为 YYYY-MM",
		7: "应有7列，实有6列",
		8: "taxpayer_type “individual”：不是允许的值；应为 person（个人）、company（单位）",
		9: "paid_on “2023-09-31”",
	}, []int{2, 10})
}

func TestImportEnforcement(t *testing.T) {
	importTest(t, Enforcement, 3, map[int]string{
		3:  "debtor_id “330523198204150152”：身份证号码校验位不正确",
		4:  "amount “八万元”：金额只写数字",
		5:  "status “closed”：不是允许的值",
		6:  "closed_on “2023-08-01”：早于 filed_on（2023-09-01）",
		7:  "closed_on “2023-10-01”：执行中（open）时应为空",
		8:  "filed_on “20230901”：日期应为",
		9:  "应有9列，实有7列",
		10: "与第2行重复（同一案号的同一被执行人相同）",
	}, []int{2, 11})
}

func TestImportFiscal(t *testing.T) {
	importTest(t, Fiscal, 4, map[int]string{
		3:  "payee_id “330523195807210120”：身份证号码校验位不正确",
		4:  "amount “4,200,000”：金额不要用千位分隔符",
		5:  "purpose “bonus”：不是允许的值",
		6:  "paid_on “2023-02-29”：日期应为",
		7:  "应有12列，实有11列",
		8:  "flat：不能为空",
		9:  "payee_type “company”：征收补偿款和安置房只能给个人（person）",
		10: "与第2行重复（凭证号 voucher_no相同）",
		11: "approver_id：有 approver_name 时不能为空",
	}, []int{2, 12})
}

// JSON lines: the same names as keys, string values (numbers taken as
// written, null as empty); each bad line reported with its number.
func TestImportJSONLines(t *testing.T) {
	s, err := parseFile(t, Fiscal, "fiscal.jsonl", UTF8)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Rows) != 2 || s.Rows[0].Line != 1 || s.Rows[1].Line != 3 {
		t.Fatalf("rows %+v, want lines 1 and 3", s.Rows)
	}
	if got := s.Rows[0].Fields["amount"]; got != "4200000" {
		t.Errorf("amount %q, want the number as written", got)
	}
	want := map[int]string{
		4: "第4行：flat：缺少此字段；note：不是财政拨付的字段",
		5: "第5行：不是一个JSON对象",
		6: "第6行：amount：应为字符串",
	}
	if len(s.Rejected) != len(want) {
		t.Errorf("rejected %v", s.Rejected)
	}
	for _, r := range s.Rejected {
		if !strings.HasPrefix(r.Error(), want[r.Line]) {
			t.Errorf("line %d: %q, want %q", r.Line, r.Error(), want[r.Line])
		}
	}
}

// Excel's CSV UTF-8 starts with a byte-order mark; its CSV on Chinese
// Windows is GBK, read with --encoding gbk and refused, naming the
// line, without it; UTF-16 is refused whole.
func TestImportEncodings(t *testing.T) {
	b, err := os.ReadFile("testdata/import/household.csv")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(Household, "bom.csv", bytes.NewReader(append([]byte{0xEF, 0xBB, 0xBF}, b...)), UTF8)
	if err != nil || len(s.Rows) != 6 {
		t.Fatalf("with BOM: %v", err)
	}
	if s.Rows[0].Fields["name"] != "陈大山" {
		t.Errorf("with BOM: %v", s.Rows[0].Fields)
	}

	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes(b)
	if err != nil {
		t.Fatal(err)
	}
	s, err = Parse(Household, "gbk.csv", bytes.NewReader(gbk), GBK)
	if err != nil || len(s.Rows) != 6 || s.Rows[5].Fields["name"] != "周红梅" || s.Rows[5].Fields["village"] != "石桥社区" {
		t.Fatalf("GBK with --encoding gbk: %v %+v", err, s)
	}
	_, err = Parse(Household, "gbk.csv", bytes.NewReader(gbk), UTF8)
	if fe, ok := errors.AsType[*FileError](err); !ok || fe.Line != 2 || !strings.Contains(fe.Message, "--encoding gbk") {
		t.Errorf("GBK read as UTF-8: %v, want a file error on line 2 suggesting --encoding gbk", err)
	}
	_, err = Parse(Household, "utf8.csv", bytes.NewReader(b), GBK)
	if fe, ok := errors.AsType[*FileError](err); !ok || !strings.Contains(fe.Message, "去掉 --encoding gbk") {
		t.Errorf("UTF-8 read as GBK: %v", err)
	}
	bad := append(slices.Clone(gbk[:len(gbk)-1]), 0x81, '\n') // a lead byte without its trail
	_, err = Parse(Household, "gbk.csv", bytes.NewReader(bad), GBK)
	if fe, ok := errors.AsType[*FileError](err); !ok || fe.Line != 7 || !strings.Contains(fe.Message, "不是GBK编码") {
		t.Errorf("broken GBK: %v, want a file error on line 7", err)
	}
	_, err = Parse(Household, "u16.csv", bytes.NewReader([]byte{0xFF, 0xFE, 'p', 0}), UTF8)
	if fe, ok := errors.AsType[*FileError](err); !ok || !strings.Contains(fe.Message, "UTF-16") {
		t.Errorf("UTF-16: %v", err)
	}
}

// A header missing, wrong for the kind, or the first row taken for data
// refuses the whole file with a message saying which.
func TestImportHeaderProblems(t *testing.T) {
	for _, c := range []struct {
		name, text string
		kind       Kind
		want       string
	}{
		{"empty", "", Fiscal, "文件是空的：第一行应为表头 voucher_no,project"},
		{"other kind", "person_id,name,household_no,relation,village,status,status_on\n", Fiscal, "这是户籍（household）的表头：--kind 是否选错了？"},
		{"data first", "330523196503120115,陈大山,FL-0001,head,枫林村,resident,\n", Household, "第一行应为列名，不是数据"},
		{"twice", "person_id,name,household_no,relation,village,status,status_on,name\n", Household, "重复的列 name"},
		{"unknown kind", "a\n", Kind("land"), "未知的登记库"},
	} {
		_, err := Parse(c.kind, "x.csv", strings.NewReader(c.text), UTF8)
		if fe, ok := errors.AsType[*FileError](err); !ok || !strings.Contains(fe.Error(), c.want) {
			t.Errorf("%s: %v, want a file error saying %q", c.name, err, c.want)
		}
	}
}

// Windows line ends and spaces around values are fine; trailing rows of
// empty cells (spreadsheets leave them) are skipped; a bare quote is
// reported on its line and the rows after it still read.
func TestImportTolerance(t *testing.T) {
	text := "person_id,name,village,program,amount,paid_on\r\n" +
		"330523195807210123,林秀英,枫林村,dibao,650.00,2023-10-10\r\n" +
		"330523195807210123,林\"秀英,枫林村,dibao,650.00,2023-11-10\r\n" +
		"330523195807210123, 林秀英 ,枫林村,dibao,650.00,2023-12-10\r\n" +
		",,,,,\r\n,,,,,\r\n"
	s, err := Parse(CivilAffairs, "x.csv", strings.NewReader(text), UTF8)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Rows) != 2 || s.Rows[1].Line != 4 || len(s.Rejected) != 1 || s.Rejected[0].Line != 3 ||
		!strings.Contains(s.Rejected[0].Error(), "双引号") || s.Rows[1].Fields["name"] != "林秀英" || s.Rows[1].Fields["paid_on"] != "2023-12-10" {
		t.Errorf("rows %+v rejected %v", s.Rows, s.Rejected)
	}
}

func TestCreditCode(t *testing.T) {
	for code, ok := range map[string]bool{
		"91330523MA2B3C4D5M": true,
		"91330523MA2B3C4D5N": false,
		"914403001922038216": true, // published codes of well-known companies
		"91440300708461136T": true,
		"91330100716105852F": true,
		"91330100716105852E": false,
		"9133052SMA2B3C4D5M": false,
		"91330523MA2B3C4D5":  false,
		"91330523MA2B3C4DIM": false,
	} {
		if err := ValidateCreditCode(code); (err == nil) != ok {
			t.Errorf("%s: %v, want ok=%v", code, err, ok)
		}
	}
}

func TestAmounts(t *testing.T) {
	for s, want := range map[string]Yuan{"0": 0, "0.5": 50, "650": 65000, "100.05": 10005, "4200000.00": 420000000} {
		if got, err := parseYuan(s); err != nil || got != want {
			t.Errorf("%s: %v %v, want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", ".5", "5.", "05", "1.234", "1e3", "+5", "１２"} {
		if _, err := parseYuan(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
	if got := Yuan(1260000000).Text(); got != "12,600,000.00元" {
		t.Errorf("Text %q", got)
	}
	if got := Yuan(65000).Text(); got != "650.00元" {
		t.Errorf("Text %q", got)
	}
	if p, err := parsePercent("12.5"); err != nil || p.String() != "12.5" {
		t.Errorf("percent %v %v", p, err)
	}
}

func TestAbbreviate(t *testing.T) {
	for _, c := range []struct {
		items      []string
		unit, want string
	}{
		{[]string{"A", "B", "C"}, "件案件", "A、B、C"},
		{[]string{"A", "B", "C", "D"}, "件案件", "A、B、C 等4件案件"},
		{[]string{"A", "B", "C", "D"}, "", "A、B、C 等"},
	} {
		if got := abbreviate(c.items, c.unit); got != c.want {
			t.Errorf("%v: %q, want %q", c.items, got, c.want)
		}
	}
}
