package registry

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Snapshot is one registry as a file delivered it: the rows that passed
// validation, in file order, and the rows refused, each with its line
// and what is wrong with it.
type Snapshot struct {
	Kind     Kind
	Source   string // the file's name
	Rows     []Row
	Rejected []*RowError
}

// Row is one good row: its line in the file and its values by column
// name, trimmed and normalized (a lower-case x in an ID number made X).
// It is what the store keeps, and what NewData decodes.
type Row struct {
	Line   int
	Fields map[string]string
}

// Subject is the ID number or credit code the row is about (the kind's
// SubjectColumn).
func (r Row) Subject(k Kind) string { return r.Fields[k.SubjectColumn()] }

// RowError is a refused row: its line (the first, for a quoted value
// spanning lines) and every problem found in it.
type RowError struct {
	Line     int
	Problems []Problem
}

func (e *RowError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return fmt.Sprintf("第%d行：%s", e.Line, strings.Join(parts, "；"))
}

// FileError is a problem that refuses the whole file (its encoding, its
// header); Line is 0 when it concerns no line in particular.
type FileError struct {
	Line    int
	Message string // Chinese: what is wrong and what to do
}

func (e *FileError) Error() string {
	if e.Line == 0 {
		return e.Message
	}
	return fmt.Sprintf("第%d行：%s", e.Line, e.Message)
}

// Encoding is the text encoding of a file.
type Encoding string

// Encodings Parse reads. A file starting with a UTF-8 byte-order mark
// (as Excel's "CSV UTF-8" writes it) is read as UTF-8 whatever is asked.
const (
	UTF8 Encoding = "utf-8"
	GBK  Encoding = "gbk" // GBK and its superset GB 18030: Excel's "CSV" on Chinese Windows
)

// Parse reads a snapshot of kind k from r: CSV with a header row, or, when
// the first character is "{", JSON lines with the same names as keys.
// Each row is validated; good rows are kept and bad ones reported with
// their line numbers in Rejected. A *FileError refuses the whole file: an
// unknown kind, the wrong encoding, a missing or wrong header.
func Parse(k Kind, source string, r io.Reader, enc Encoding) (*Snapshot, error) {
	if !k.Valid() {
		return nil, &FileError{Message: fmt.Sprintf("未知的登记库 %q：应为 %s 之一", k, kindList())}
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	text, err := decodeText(raw, enc)
	if err != nil {
		return nil, err
	}
	s := &Snapshot{Kind: k, Source: source}
	p := &parser{snap: s, cross: newCross(k)}
	if t := bytes.TrimLeft(text, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		p.jsonLines(text)
		return s, nil
	}
	if err := p.csv(text); err != nil {
		return nil, err
	}
	return s, nil
}

func kindList() string {
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = string(k)
	}
	return strings.Join(names, "、")
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// decodeText turns the file into UTF-8 text, or says why it cannot.
func decodeText(raw []byte, enc Encoding) ([]byte, error) {
	if bytes.HasPrefix(raw, utf8BOM) {
		return raw[len(utf8BOM):], firstInvalid(raw[len(utf8BOM):], "文件以UTF-8标记开头，但第%d行含有不是UTF-8的字节：文件可能已损坏，请重新导出")
	}
	if bytes.HasPrefix(raw, []byte{0xFF, 0xFE}) || bytes.HasPrefix(raw, []byte{0xFE, 0xFF}) {
		return nil, &FileError{Message: "文件是UTF-16编码（Excel“Unicode文本”）：请在Excel中另存为“CSV UTF-8（逗号分隔）”后再导入"}
	}
	switch enc {
	case UTF8, "":
		return raw, firstInvalid(raw, "第%d行起不是UTF-8编码（可能是GBK：Excel“CSV（逗号分隔）”的默认编码）：请加 --encoding gbk 再导入，或在Excel中另存为“CSV UTF-8（逗号分隔）”")
	case GBK:
		if utf8.Valid(raw) && slices.ContainsFunc(raw, func(b byte) bool { return b >= 0x80 }) {
			return nil, &FileError{Message: "文件是UTF-8编码，不是GBK：请去掉 --encoding gbk 再导入"}
		}
		text, err := simplifiedchinese.GB18030.NewDecoder().Bytes(raw)
		if err != nil {
			return nil, &FileError{Message: "无法按GBK解码：" + err.Error()}
		}
		if i := bytes.IndexRune(text, utf8.RuneError); i >= 0 {
			return nil, &FileError{Line: 1 + bytes.Count(text[:i], []byte("\n")), Message: "含有不是GBK编码的字节：请核对文件的编码"}
		}
		return text, nil
	}
	return nil, &FileError{Message: fmt.Sprintf("未知的编码 %q：应为 utf-8 或 gbk", enc)}
}

// firstInvalid is a *FileError naming the line of the first byte of b
// that is not UTF-8, or nil when b is all UTF-8.
func firstInvalid(b []byte, format string) error {
	if utf8.Valid(b) {
		return nil
	}
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			line := 1 + bytes.Count(b[:i], []byte("\n"))
			return &FileError{Line: line, Message: fmt.Sprintf(format, line)}
		}
		i += n
	}
	return nil
}

type parser struct {
	snap  *Snapshot
	cross *cross
}

func (p *parser) reject(line int, problems ...Problem) {
	p.snap.Rejected = append(p.snap.Rejected, &RowError{Line: line, Problems: problems})
}

// row validates the values of one row and keeps it, or rejects it.
func (p *parser) row(line int, vals map[string]string) {
	for c, v := range vals {
		v = strings.TrimSpace(v)
		if strings.HasSuffix(c, "_id") || strings.HasSuffix(c, "_code") {
			v = strings.ToUpper(v) // 330523…x, a credit code typed in lower case
		}
		vals[c] = v
	}
	rec, problems := decode(p.snap.Kind, vals)
	if len(problems) == 0 {
		problems = p.cross.check(rec)
	}
	if len(problems) > 0 {
		p.reject(line, problems...)
		return
	}
	p.cross.keep(rec, line)
	p.snap.Rows = append(p.snap.Rows, Row{Line: line, Fields: vals})
}

// csv reads the header, then the rows.
func (p *parser) csv(text []byte) error {
	k := p.snap.Kind
	r := csv.NewReader(bytes.NewReader(text))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return &FileError{Message: fmt.Sprintf("文件是空的：第一行应为表头 %s", strings.Join(k.Columns(), ","))}
	}
	if pe, ok := errors.AsType[*csv.ParseError](err); ok {
		return &FileError{Line: pe.StartLine, Message: "表头不是合格的CSV：" + csvReason(pe.Err)}
	}
	if err != nil {
		return err
	}
	headerLine, _ := r.FieldPos(0)
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	if err := checkHeader(k, header); err != nil {
		err.Line = headerLine
		return err
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if pe, ok := errors.AsType[*csv.ParseError](err); ok {
			p.reject(pe.StartLine, Problem{Reason: "不是合格的CSV：" + csvReason(pe.Err)})
			continue
		}
		if err != nil {
			return err
		}
		line, _ := r.FieldPos(0)
		if !slices.ContainsFunc(rec, func(v string) bool { return strings.TrimSpace(v) != "" }) {
			continue // a row of empty cells, as spreadsheets leave at the end
		}
		if len(rec) != len(header) {
			p.reject(line, Problem{Reason: fmt.Sprintf("应有%d列，实有%d列（值里的逗号要用英文双引号括起来）", len(header), len(rec))})
			continue
		}
		vals := make(map[string]string, len(header))
		for i, h := range header {
			vals[h] = rec[i]
		}
		p.row(line, vals)
	}
}

func csvReason(err error) string {
	switch {
	case errors.Is(err, csv.ErrBareQuote):
		return "不带引号的值里有英文双引号（\"）：整个值要用双引号括起来，值里的双引号写两次"
	case errors.Is(err, csv.ErrQuote):
		return "引号不配对"
	}
	return err.Error()
}

// checkHeader requires exactly the kind's columns, in any order.
func checkHeader(k Kind, header []string) *FileError {
	want := k.Columns()
	var missing, unknown, twice []string
	seen := map[string]bool{}
	for _, h := range header {
		switch {
		case seen[h]:
			twice = append(twice, h)
		case !slices.Contains(want, h):
			unknown = append(unknown, fmt.Sprintf("%q", h))
		}
		seen[h] = true
	}
	for _, c := range want {
		if !seen[c] {
			missing = append(missing, c)
		}
	}
	if len(missing)+len(unknown)+len(twice) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("表头不对")
	if len(missing) > 0 {
		b.WriteString("；缺少列 " + strings.Join(missing, "、"))
	}
	if len(unknown) > 0 {
		b.WriteString("；多余的列 " + strings.Join(unknown, "、"))
	}
	if len(twice) > 0 {
		b.WriteString("；重复的列 " + strings.Join(twice, "、"))
	}
	fmt.Fprintf(&b, "。%s（%s）的表头应为：%s", k.Label(), k, strings.Join(want, ","))
	for _, other := range Kinds {
		if other != k && sameSet(other.Columns(), header) {
			fmt.Fprintf(&b, "。这是%s（%s）的表头：--kind 是否选错了？", other.Label(), other)
		}
	}
	if len(missing) == len(want) {
		b.WriteString("。第一行应为列名，不是数据")
	}
	return &FileError{Message: b.String()}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			return false
		}
	}
	return true
}

// jsonLines reads one JSON object a line, its keys the kind's columns and
// its values strings (numbers are taken as written; null is empty).
func (p *parser) jsonLines(text []byte) {
	want := p.snap.Kind.Columns()
	for i, ln := range bytes.Split(text, []byte("\n")) {
		line := i + 1
		ln = bytes.TrimSpace(ln)
		if len(ln) == 0 {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(ln))
		dec.UseNumber()
		var obj map[string]any
		if err := dec.Decode(&obj); err != nil || dec.More() || obj == nil {
			p.reject(line, Problem{Reason: "不是一个JSON对象（每行一个 {…}）"})
			continue
		}
		var problems []Problem
		vals := make(map[string]string, len(want))
		for key, v := range obj {
			if !slices.Contains(want, key) {
				problems = append(problems, Problem{Column: key, Reason: "不是" + p.snap.Kind.Label() + "的字段"})
				continue
			}
			switch v := v.(type) {
			case string:
				vals[key] = v
			case json.Number:
				vals[key] = v.String()
			case nil:
				vals[key] = ""
			default:
				problems = append(problems, Problem{Column: key, Reason: "应为字符串"})
			}
		}
		for _, c := range want {
			if _, ok := obj[c]; !ok {
				problems = append(problems, Problem{Column: c, Reason: "缺少此字段"})
			}
		}
		if len(problems) > 0 {
			slices.SortFunc(problems, func(a, b Problem) int { return strings.Compare(a.Column, b.Column) })
			p.reject(line, problems...)
			continue
		}
		p.row(line, vals)
	}
}

// cross checks rows against the good rows before them: no two rows with
// the same key, and a company's or a household's particulars the same on
// each of its rows.
type cross struct {
	kind       Kind
	keys       map[string]int // key → line of the row that has it
	companies  map[string]*Shareholding
	households map[string]*Resident // household_no → its first row
	residents  map[string]*Resident // person → their row as resident
}

func newCross(k Kind) *cross {
	return &cross{kind: k, keys: map[string]int{}, companies: map[string]*Shareholding{},
		households: map[string]*Resident{}, residents: map[string]*Resident{}}
}

// key is the row's identity within its file, and how to name it.
func key(rec record) (string, string) {
	switch r := rec.(type) {
	case *Property:
		return r.CertNo, "不动产权证号 cert_no"
	case *Insurance:
		return r.PersonID + "|" + r.Insurance + "|" + formatDate(r.StartOn), "同一人同一险种同一起始日期"
	case *Shareholding:
		return r.CompanyCode + "|" + r.HolderID, "同一公司的同一股东"
	case *Resident:
		return r.PersonID + "|" + r.HouseholdNo, "同一人在同一户"
	case *Subsidy:
		return r.PersonID + "|" + r.Program + "|" + formatDate(r.PaidOn), "同一人同一项目同一天的发放"
	case *TaxPayment:
		return r.TaxpayerID + "|" + r.Tax + "|" + r.Period, "同一纳税人同一税种同一所属期"
	case *EnforcementCase:
		return r.CaseNo + "|" + r.DebtorID, "同一案号的同一被执行人"
	case *Payment:
		return r.VoucherNo, "凭证号 voucher_no"
	}
	return "", ""
}

func (c *cross) check(rec record) []Problem {
	k, what := key(rec)
	if line, ok := c.keys[k]; ok {
		return []Problem{{Reason: fmt.Sprintf("与第%d行重复（%s相同）", line, what)}}
	}
	var out []Problem
	switch r := rec.(type) {
	case *Shareholding:
		if first := c.companies[r.CompanyCode]; first != nil {
			for _, d := range []struct{ col, got, want string }{
				{"company_name", r.CompanyName, first.CompanyName},
				{"company_status", r.CompanyStatus, first.CompanyStatus},
				{"established_on", formatDate(r.EstablishedOn), formatDate(first.EstablishedOn)},
				{"legal_rep_id", r.LegalRepID, first.LegalRepID},
				{"legal_rep_name", r.LegalRepName, first.LegalRepName},
			} {
				if d.got != d.want {
					out = append(out, Problem{Column: d.col, Value: d.got, Reason: fmt.Sprintf("与同一公司第%d行的“%s”不一致", first.Line, d.want)})
				}
			}
		}
	case *Resident:
		if first := c.households[r.HouseholdNo]; first != nil && first.Village != r.Village {
			out = append(out, Problem{Column: "village", Value: r.Village, Reason: fmt.Sprintf("与同一户第%d行的“%s”不一致", first.Line, first.Village)})
		}
		if first := c.residents[r.PersonID]; first != nil && r.Status == statusResident {
			out = append(out, Problem{Column: "status", Value: r.Status, Reason: fmt.Sprintf("此人已在第%d行登记为在籍（户号 %s）：一人只能在一户在籍", first.Line, first.HouseholdNo)})
		}
	}
	return out
}

// keep records a good row for the checks of the rows after it.
func (c *cross) keep(rec record, line int) {
	k, _ := key(rec)
	c.keys[k] = line
	switch r := rec.(type) {
	case *Shareholding:
		if c.companies[r.CompanyCode] == nil {
			r.Line = line
			c.companies[r.CompanyCode] = r
		}
	case *Resident:
		r.Line = line
		if c.households[r.HouseholdNo] == nil {
			c.households[r.HouseholdNo] = r
		}
		if r.Status == statusResident {
			c.residents[r.PersonID] = r
		}
	}
}
