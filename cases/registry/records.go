package registry

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Ref names a record: its registry, the file it was imported from and
// its line there.
type Ref struct {
	Kind   Kind   `json:"kind"`
	Source string `json:"source"`
	Line   int    `json:"line"`
}

// String is the reference as explanations and listings write it:
// 财政拨付 fiscal.csv 第9行.
func (r Ref) String() string { return fmt.Sprintf("%s %s 第%d行", r.Kind.Label(), r.Source, r.Line) }

func (r *Ref) setRef(x Ref) { *r = x }

// Values of the enumerations that the rules look at.
const (
	originResettlement = "resettlement"
	originInheritance  = "inheritance"

	relationHead   = "head"
	relationSpouse = "spouse"

	statusResident = "resident"
	statusMovedOut = "moved_out"
	statusDeceased = "deceased"

	enforcementOpen      = "open"
	enforcementSatisfied = "satisfied"

	purposeCompensation = "compensation"
	purposeAllocation   = "allocation"
)

// Property is a row of the real-estate registry (不动产登记): one
// registration of a property in a holder's name, with the date it was
// registered and, once it passed to someone else, the date of that
// transfer.
type Property struct {
	Ref
	CertNo        string // 不动产权证号 (a transfer gets a new number)
	HolderType    PartyType
	HolderID      string
	HolderName    string
	Location      string    // 坐落
	Village       string    // the village it lies in; "" outside villages (towns, the county seat)
	Origin        string    // how the holder acquired it: purchase, new_build, inheritance, gift, resettlement, other
	RegisteredOn  time.Time // 登记日期: the holder's acquisition
	TransferredOn time.Time // 转移日期: the holder lost it; zero while held
}

// HeldOn reports whether the holder held the property on day d.
func (p *Property) HeldOn(d time.Time) bool {
	return !p.RegisteredOn.After(d) && (p.TransferredOn.IsZero() || p.TransferredOn.After(d))
}

// Insurance is a row of the social-security registry (社保): one
// insurance of a person, with the employer paying it, if any.
type Insurance struct {
	Ref
	PersonID     string
	Name         string
	Insurance    string // pension, medical, unemployment, injury, maternity
	EmployerCode string // "" for the self-insured
	EmployerName string
	Status       string // active, suspended, ended
	StartOn      time.Time
	EndOn        time.Time // zero unless ended
}

// Shareholding is a row of the business registry (工商注册): one
// shareholder of a company, with the company's own particulars repeated
// on each of its rows.
type Shareholding struct {
	Ref
	CompanyCode   string // 统一社会信用代码
	CompanyName   string
	CompanyStatus string // active, revoked, deregistered
	EstablishedOn time.Time
	LegalRepID    string
	LegalRepName  string
	HolderType    PartyType
	HolderID      string
	HolderName    string
	Share         Percent
	HeldSince     time.Time
	HeldUntil     time.Time // zero while held
}

// HeldOn reports whether the holding existed on day d.
func (s *Shareholding) HeldOn(d time.Time) bool {
	return !s.HeldSince.After(d) && (s.HeldUntil.IsZero() || !s.HeldUntil.Before(d))
}

// Resident is a row of the household registry (户籍): a person in a
// household (户), with their relation to its head and whether they still
// live there.
type Resident struct {
	Ref
	PersonID    string
	Name        string
	HouseholdNo string // 户号
	Relation    string // head, spouse, child, child_spouse, parent, grandchild, sibling, other
	Village     string
	Status      string    // resident, moved_out, deceased
	StatusOn    time.Time // date of the move-out or death; zero for residents
}

// ResidentOn reports whether the row shows the person living in its
// village on day d: registered there, and not moved out or dead by then.
func (r *Resident) ResidentOn(d time.Time) bool {
	return r.Status == statusResident || r.StatusOn.After(d)
}

// Subsidy is a row of the civil-affairs registry (民政): one payment of a
// subsidy to a person.
type Subsidy struct {
	Ref
	PersonID string
	Name     string
	Village  string
	Program  string // dibao, tekun, elderly, disability, temporary, other
	Amount   Yuan
	PaidOn   time.Time
}

// TaxPayment is a row of the tax registry (税务): tax paid by a person or
// a company for a period.
type TaxPayment struct {
	Ref
	TaxpayerType PartyType
	TaxpayerID   string
	TaxpayerName string
	Tax          string // iit, vat, cit, deed, property, other
	Period       string // YYYY-MM
	Amount       Yuan
	PaidOn       time.Time
}

// EnforcementCase is a row of the court-enforcement registry (法院执行):
// one debtor of one enforcement case.
type EnforcementCase struct {
	Ref
	CaseNo     string // 案号, e.g. （2022）浙0523执1234号
	Court      string
	DebtorType PartyType
	DebtorID   string
	DebtorName string
	Amount     Yuan // 执行标的
	FiledOn    time.Time
	Status     string    // open, no_assets, satisfied
	ClosedOn   time.Time // zero while open
}

// OwedOn reports whether the debt was still owed on day d: filed by then
// and not satisfied before.
func (e *EnforcementCase) OwedOn(d time.Time) bool {
	return !e.FiledOn.After(d) && (e.Status != enforcementSatisfied || e.ClosedOn.After(d))
}

// Payment is a row of the fiscal-payments registry (财政拨付): money a
// project paid, or a resettlement flat it allocated (purpose allocation:
// Flat names the flat, Amount is its booked value, may be 0), with the
// official who approved it.
type Payment struct {
	Ref
	VoucherNo    string // 凭证号
	Project      string
	Village      string // the village the payment is for ("" only for construction, subsidy and other)
	Purpose      string // construction, compensation, allocation, subsidy, other
	PayeeType    PartyType
	PayeeID      string
	PayeeName    string
	Amount       Yuan
	PaidOn       time.Time
	Flat         string // 房号, for allocations
	ApproverID   string // 审批人: "" when the registry does not say
	ApproverName string
}

// Benefit reports whether the payment is a compensation or a flat
// allocated to a person, the payments the resettlement rules look at.
func (p *Payment) Benefit() bool {
	return p.Purpose == purposeCompensation || p.Purpose == purposeAllocation
}

// What is the payment as explanations name it: 安置房 3-302 or
// 征收补偿款 350,000.00元.
func (p *Payment) What() string {
	if p.Purpose == purposeAllocation {
		return "安置房 " + p.Flat
	}
	return purposes.label(p.Purpose) + " " + p.Amount.Text()
}

// fields reads the values of one row, column by column, collecting every
// problem with the column it is in.
type fields struct {
	vals     map[string]string
	problems []Problem
}

// Problem is what is wrong with one value of a row.
type Problem struct {
	Column string `json:"column"` // "" for the row as a whole
	Value  string `json:"value,omitempty"`
	Reason string `json:"reason"` // Chinese
}

func (p Problem) String() string {
	switch {
	case p.Column == "":
		return p.Reason
	case p.Value == "":
		return p.Column + "：" + p.Reason
	}
	return fmt.Sprintf("%s “%s”：%s", p.Column, p.Value, p.Reason)
}

func (f *fields) fail(col, reason string) {
	f.problems = append(f.problems, Problem{Column: col, Value: f.vals[col], Reason: reason})
}

// maxText bounds free-text values, in characters.
const maxText = 200

// text reads a free-text value.
func (f *fields) text(col string, required bool) string {
	v := f.vals[col]
	switch {
	case v == "" && required:
		f.fail(col, "不能为空")
	case utf8.RuneCountInString(v) > maxText:
		f.fail(col, fmt.Sprintf("过长（最多%d个字）", maxText))
	}
	return v
}

// enum reads an enumerated value: one of e's codes.
func (f *fields) enum(col string, e enum) string {
	v := f.vals[col]
	if !e.has(v) {
		allowed := make([]string, len(e))
		for i, x := range e {
			allowed[i] = x.Code + "（" + x.Label + "）"
		}
		if v == "" {
			f.fail(col, "不能为空；应为 "+strings.Join(allowed, "、")+" 之一")
		} else {
			f.fail(col, "不是允许的值；应为 "+strings.Join(allowed, "、")+" 之一")
		}
	}
	return v
}

// person reads a resident ID number.
func (f *fields) person(col string, required bool) string {
	v := f.vals[col]
	if v == "" {
		if required {
			f.fail(col, "不能为空（身份证号码）")
		}
		return ""
	}
	if err := ValidatePersonID(v); err != nil {
		f.fail(col, err.Error())
	}
	return v
}

// company reads a unified social credit code.
func (f *fields) company(col string, required bool) string {
	v := f.vals[col]
	if v == "" {
		if required {
			f.fail(col, "不能为空（统一社会信用代码）")
		}
		return ""
	}
	if err := ValidateCreditCode(v); err != nil {
		f.fail(col, err.Error())
	}
	return v
}

// party reads a type column and the ID column it governs.
func (f *fields) party(typeCol, idCol string) (PartyType, string) {
	t := PartyType(f.enum(typeCol, partyTypes))
	switch t {
	case Person:
		return t, f.person(idCol, true)
	case Company:
		return t, f.company(idCol, true)
	}
	return t, f.vals[idCol]
}

// date reads a YYYY-MM-DD date.
func (f *fields) date(col string, required bool) time.Time {
	v := f.vals[col]
	if v == "" {
		if required {
			f.fail(col, "不能为空（日期 YYYY-MM-DD）")
		}
		return time.Time{}
	}
	d, err := parseDate(v)
	if err != nil {
		f.fail(col, err.Error())
	}
	return d
}

// yuan reads an amount.
func (f *fields) yuan(col string) Yuan {
	v := f.vals[col]
	if v == "" {
		f.fail(col, "不能为空（金额，元）")
		return 0
	}
	y, err := parseYuan(v)
	if err != nil {
		f.fail(col, err.Error())
	}
	return y
}

// notBefore requires the later date, when set, not to precede the earlier.
func (f *fields) notBefore(laterCol string, later time.Time, earlierCol string, earlier time.Time) {
	if !later.IsZero() && !earlier.IsZero() && later.Before(earlier) {
		f.fail(laterCol, "早于 "+earlierCol+"（"+formatDate(earlier)+"）")
	}
}

// record is a typed row; every record type embeds Ref.
type record interface{ setRef(Ref) }

// decoders turn a row's values into its record, validating each.
var decoders = map[Kind]func(f *fields) record{
	RealEstate: func(f *fields) record {
		p := &Property{CertNo: f.text("cert_no", true)}
		p.HolderType, p.HolderID = f.party("holder_type", "holder_id")
		p.HolderName = f.text("holder_name", true)
		p.Location = f.text("location", true)
		p.Village = f.text("village", false)
		p.Origin = f.enum("origin", origins)
		p.RegisteredOn = f.date("registered_on", true)
		p.TransferredOn = f.date("transferred_on", false)
		f.notBefore("transferred_on", p.TransferredOn, "registered_on", p.RegisteredOn)
		return p
	},
	SocialSecurity: func(f *fields) record {
		i := &Insurance{PersonID: f.person("person_id", true), Name: f.text("name", true)}
		i.Insurance = f.enum("insurance", insurances)
		i.EmployerCode = f.company("employer_code", false)
		i.EmployerName = f.text("employer_name", i.EmployerCode != "")
		if i.EmployerCode == "" && i.EmployerName != "" {
			f.fail("employer_code", "有 employer_name 时不能为空")
		}
		i.Status = f.enum("status", insuranceStatuses)
		i.StartOn = f.date("start_on", true)
		i.EndOn = f.date("end_on", i.Status == "ended")
		f.notBefore("end_on", i.EndOn, "start_on", i.StartOn)
		return i
	},
	Business: func(f *fields) record {
		s := &Shareholding{CompanyCode: f.company("company_code", true), CompanyName: f.text("company_name", true)}
		s.CompanyStatus = f.enum("company_status", companyStatuses)
		s.EstablishedOn = f.date("established_on", true)
		s.LegalRepID = f.person("legal_rep_id", true)
		s.LegalRepName = f.text("legal_rep_name", true)
		s.HolderType, s.HolderID = f.party("holder_type", "holder_id")
		s.HolderName = f.text("holder_name", true)
		if v := f.vals["share_pct"]; v == "" {
			f.fail("share_pct", "不能为空（持股比例，百分数）")
		} else if p, err := parsePercent(v); err != nil {
			f.fail("share_pct", err.Error())
		} else {
			s.Share = p
		}
		s.HeldSince = f.date("held_since", true)
		s.HeldUntil = f.date("held_until", false)
		f.notBefore("held_since", s.HeldSince, "established_on", s.EstablishedOn)
		f.notBefore("held_until", s.HeldUntil, "held_since", s.HeldSince)
		return s
	},
	Household: func(f *fields) record {
		r := &Resident{PersonID: f.person("person_id", true), Name: f.text("name", true)}
		r.HouseholdNo = f.text("household_no", true)
		r.Relation = f.enum("relation", relations)
		r.Village = f.text("village", true)
		r.Status = f.enum("status", householdStatuses)
		r.StatusOn = f.date("status_on", r.Status == statusMovedOut || r.Status == statusDeceased)
		if r.Status == statusResident && f.vals["status_on"] != "" {
			f.fail("status_on", "在籍（resident）时应为空；只填迁出或死亡的日期")
		}
		return r
	},
	CivilAffairs: func(f *fields) record {
		s := &Subsidy{PersonID: f.person("person_id", true), Name: f.text("name", true)}
		s.Village = f.text("village", true)
		s.Program = f.enum("program", programs)
		s.Amount = f.yuan("amount")
		s.PaidOn = f.date("paid_on", true)
		return s
	},
	Tax: func(f *fields) record {
		t := &TaxPayment{}
		t.TaxpayerType, t.TaxpayerID = f.party("taxpayer_type", "taxpayer_id")
		t.TaxpayerName = f.text("taxpayer_name", true)
		t.Tax = f.enum("tax", taxes)
		t.Period = f.vals["period"]
		if _, err := time.Parse("2006-01", t.Period); err != nil || len(t.Period) != 7 {
			f.fail("period", "所属期应为 YYYY-MM（如 2023-06）")
		}
		t.Amount = f.yuan("amount")
		t.PaidOn = f.date("paid_on", true)
		return t
	},
	Enforcement: func(f *fields) record {
		e := &EnforcementCase{CaseNo: f.text("case_no", true), Court: f.text("court", true)}
		e.DebtorType, e.DebtorID = f.party("debtor_type", "debtor_id")
		e.DebtorName = f.text("debtor_name", true)
		e.Amount = f.yuan("amount")
		e.FiledOn = f.date("filed_on", true)
		e.Status = f.enum("status", enforcementStatuses)
		e.ClosedOn = f.date("closed_on", e.Status != enforcementOpen && enforcementStatuses.has(e.Status))
		if e.Status == enforcementOpen && f.vals["closed_on"] != "" {
			f.fail("closed_on", "执行中（open）时应为空")
		}
		f.notBefore("closed_on", e.ClosedOn, "filed_on", e.FiledOn)
		return e
	},
	Fiscal: func(f *fields) record {
		p := &Payment{VoucherNo: f.text("voucher_no", true), Project: f.text("project", true)}
		p.Purpose = f.enum("purpose", purposes)
		p.Village = f.text("village", p.Benefit())
		p.PayeeType, p.PayeeID = f.party("payee_type", "payee_id")
		if p.Benefit() && p.PayeeType == Company {
			f.fail("payee_type", "征收补偿款和安置房只能给个人（person）")
		}
		p.PayeeName = f.text("payee_name", true)
		p.Amount = f.yuan("amount")
		p.PaidOn = f.date("paid_on", true)
		p.Flat = f.text("flat", p.Purpose == purposeAllocation)
		if p.Flat != "" && p.Purpose != purposeAllocation {
			f.fail("flat", "只有安置房分配（allocation）才填房号")
		}
		p.ApproverID = f.person("approver_id", false)
		p.ApproverName = f.text("approver_name", p.ApproverID != "")
		if p.ApproverID == "" && p.ApproverName != "" {
			f.fail("approver_id", "有 approver_name 时不能为空")
		}
		return p
	},
}

// decode validates the values of one row of kind k.
func decode(k Kind, vals map[string]string) (record, []Problem) {
	f := &fields{vals: vals}
	rec := decoders[k](f)
	return rec, f.problems
}

// Data is the imported registries as typed records, for the rules.
type Data struct {
	Properties    []Property
	Insurances    []Insurance
	Shareholdings []Shareholding
	Residents     []Resident
	Subsidies     []Subsidy
	TaxPayments   []TaxPayment
	Enforcements  []EnforcementCase
	Payments      []Payment

	loaded map[Kind]bool
}

// NewData decodes snapshots, at most one of each kind. A row that does
// not validate is an error naming its source and line (the store keeps
// only rows that did).
func NewData(snaps ...Snapshot) (*Data, error) {
	d := &Data{loaded: map[Kind]bool{}}
	for _, s := range snaps {
		if err := d.add(s); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// Loaded reports whether a snapshot of kind k is in the data.
func (d *Data) Loaded(k Kind) bool { return d.loaded[k] }

func (d *Data) add(s Snapshot) error {
	if !s.Kind.Valid() {
		return fmt.Errorf("registry: unknown kind %q", s.Kind)
	}
	if d.loaded[s.Kind] {
		return fmt.Errorf("registry: two snapshots of %s", s.Kind)
	}
	d.loaded[s.Kind] = true
	for _, row := range s.Rows {
		rec, problems := decode(s.Kind, row.Fields)
		if len(problems) > 0 {
			return fmt.Errorf("registry: %s %s line %d: %s", s.Kind, s.Source, row.Line, problems[0])
		}
		rec.setRef(Ref{Kind: s.Kind, Source: s.Source, Line: row.Line})
		switch r := rec.(type) {
		case *Property:
			d.Properties = append(d.Properties, *r)
		case *Insurance:
			d.Insurances = append(d.Insurances, *r)
		case *Shareholding:
			d.Shareholdings = append(d.Shareholdings, *r)
		case *Resident:
			d.Residents = append(d.Residents, *r)
		case *Subsidy:
			d.Subsidies = append(d.Subsidies, *r)
		case *TaxPayment:
			d.TaxPayments = append(d.TaxPayments, *r)
		case *EnforcementCase:
			d.Enforcements = append(d.Enforcements, *r)
		case *Payment:
			d.Payments = append(d.Payments, *r)
		}
	}
	return nil
}
