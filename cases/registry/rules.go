package registry

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
)

// RuleID names a rule; it is stable, for filters and for the hub.
type RuleID string

// The rules, in the order they are reported.
const (
	RuleTransferNearCompensation RuleID = "transfer_near_compensation" // 补偿安置前后过户
	RuleSubsidyAfterExit         RuleID = "subsidy_after_exit"         // 死亡或迁出后仍领补贴
	RuleOfficialShareholder      RuleID = "official_shareholder"       // 公职人员持股受款公司
	RulePayeeNotResident         RuleID = "payee_not_resident"         // 补偿安置对象不在本村户籍
	RuleDebtorAcquiresProperty   RuleID = "debtor_acquires_property"   // 被执行人取得房产
	RuleAllocateeOwnsProperty    RuleID = "allocatee_owns_property"    // 安置对象另有住房
)

// Rule describes one rule: what it looks for and the registries it
// needs. A rule whose registries are not all imported does not run, and
// Check says so rather than reporting nothing.
type Rule struct {
	ID    RuleID
	Title string // Chinese, short
	Needs []Kind
}

// Rules lists every rule in report order.
var Rules = []Rule{
	{RuleTransferNearCompensation, "补偿安置前后房产过户", []Kind{RealEstate, Fiscal}},
	{RuleSubsidyAfterExit, "死亡或迁出后仍领取补贴", []Kind{CivilAffairs, Household}},
	{RuleOfficialShareholder, "参与项目的公职人员持股受款公司", []Kind{Business, Fiscal}},
	{RulePayeeNotResident, "补偿安置对象不在本村户籍", []Kind{Fiscal, Household}},
	{RuleDebtorAcquiresProperty, "被执行人欠款期间取得房产", []Kind{Enforcement, RealEstate}},
	{RuleAllocateeOwnsProperty, "安置对象在别处已有房产", []Kind{Fiscal, RealEstate}},
}

func ruleOf(id RuleID) Rule {
	for _, r := range Rules {
		if r.ID == id {
			return r
		}
	}
	return Rule{ID: id, Title: string(id)}
}

// DefaultWindow is how many days before or after a compensation or an
// allocation a change of property counts as "shortly" (rule
// transfer_near_compensation).
const DefaultWindow = 90

// Options adjust Check. The zero value uses the defaults.
type Options struct {
	Window int // days; DefaultWindow when 0
}

// Subject is whom an alert is about.
type Subject struct {
	Type PartyType `json:"type"`
	ID   string    `json:"id"` // the full ID number or credit code: mask it where it leaves the desk
	Name string    `json:"name"`
}

// Alert is an anomaly (异常变更): the rule that found it, whom it is
// about, a Chinese explanation built from the facts, and the records
// (and cases) it rests on.
type Alert struct {
	Rule        RuleID   `json:"rule"`
	Title       string   `json:"title"`
	Subject     Subject  `json:"subject"`
	Project     string   `json:"project,omitempty"`
	Explanation string   `json:"explanation"`
	Records     []Ref    `json:"records"`
	Cases       []string `json:"cases,omitempty"` // numbers of the cases involved
}

// Skipped is a rule that did not run for want of registries.
type Skipped struct {
	Rule    RuleID `json:"rule"`
	Missing []Kind `json:"missing"`
}

// Result is what Check found.
type Result struct {
	Alerts  []Alert
	Skipped []Skipped
}

// CaseParties are the people and bodies of one case, as the rules see
// them: officials among them (respondents, staff) count as involved in a
// project that the case touches.
type CaseParties struct {
	CaseID  uuid.UUID
	Number  string
	Parties []cases.Party // current ones
}

// Source is what Run reads: the imported snapshots and the cases'
// parties. cases/store implements it.
type Source interface {
	RegistryData(ctx context.Context) (*Data, error)
	RegistryCaseParties(ctx context.Context) ([]CaseParties, error)
}

// Run reads the registries and the cases from src and checks them.
func Run(ctx context.Context, src Source, opt Options) (Result, error) {
	d, err := src.RegistryData(ctx)
	if err != nil {
		return Result{}, err
	}
	cs, err := src.RegistryCaseParties(ctx)
	if err != nil {
		return Result{}, err
	}
	return Check(d, cs, opt), nil
}

// Check runs every rule whose registries are loaded over d and the
// cases' parties. It is a pure function: the same data give the same
// alerts in the same order.
func Check(d *Data, cs []CaseParties, opt Options) Result {
	if opt.Window <= 0 {
		opt.Window = DefaultWindow
	}
	c := newChecker(d, cs, opt)
	var res Result
	for _, r := range Rules {
		var missing []Kind
		for _, k := range r.Needs {
			if !d.Loaded(k) {
				missing = append(missing, k)
			}
		}
		if len(missing) > 0 {
			res.Skipped = append(res.Skipped, Skipped{Rule: r.ID, Missing: missing})
			continue
		}
		var found []Alert
		switch r.ID {
		case RuleTransferNearCompensation:
			found = c.transferNearCompensation()
		case RuleSubsidyAfterExit:
			found = c.subsidyAfterExit()
		case RuleOfficialShareholder:
			found = c.officialShareholder()
		case RulePayeeNotResident:
			found = c.payeeNotResident()
		case RuleDebtorAcquiresProperty:
			found = c.debtorAcquiresProperty()
		case RuleAllocateeOwnsProperty:
			found = c.allocateeOwnsProperty()
		}
		slices.SortStableFunc(found, func(a, b Alert) int {
			return cmp.Or(strings.Compare(a.Project, b.Project), strings.Compare(a.Subject.ID, b.Subject.ID),
				cmp.Compare(a.Records[0].Line, b.Records[0].Line))
		})
		for i := range found {
			found[i].Rule, found[i].Title = r.ID, r.Title
		}
		res.Alerts = append(res.Alerts, found...)
	}
	return res
}

// checker holds d indexed by the keys the rules join on.
type checker struct {
	d      *Data
	cases  []CaseParties
	window int

	residents  map[string][]*Resident // by person
	households map[string][]*Resident // by household number
	properties map[string][]*Property // by holder
	locations  map[string][]*Property // by location
	shares     map[string][]*Shareholding
	debts      map[string][]*EnforcementCase // by debtor
	casesOf    map[string][]int              // indexes into cases, by the ID numbers of their parties
	projects   []string
	payments   map[string][]*Payment // by project, in date order
}

func newChecker(d *Data, cs []CaseParties, opt Options) *checker {
	c := &checker{d: d, cases: cs, window: opt.Window,
		residents: map[string][]*Resident{}, households: map[string][]*Resident{}, properties: map[string][]*Property{},
		locations: map[string][]*Property{}, shares: map[string][]*Shareholding{}, debts: map[string][]*EnforcementCase{},
		casesOf: map[string][]int{}, payments: map[string][]*Payment{}}
	for i := range d.Residents {
		r := &d.Residents[i]
		c.residents[r.PersonID] = append(c.residents[r.PersonID], r)
		c.households[r.HouseholdNo] = append(c.households[r.HouseholdNo], r)
	}
	for i := range d.Properties {
		p := &d.Properties[i]
		c.properties[p.HolderID] = append(c.properties[p.HolderID], p)
		c.locations[p.Location] = append(c.locations[p.Location], p)
	}
	for i := range d.Enforcements {
		e := &d.Enforcements[i]
		c.debts[e.DebtorID] = append(c.debts[e.DebtorID], e)
	}
	for i, cp := range cs {
		for _, p := range cp.Parties {
			if l := c.casesOf[p.IDNumber]; p.IDNumber != "" && (len(l) == 0 || l[len(l)-1] != i) {
				c.casesOf[p.IDNumber] = append(c.casesOf[p.IDNumber], i)
			}
		}
	}
	for i := range d.Shareholdings {
		s := &d.Shareholdings[i]
		c.shares[s.CompanyCode] = append(c.shares[s.CompanyCode], s)
	}
	for i := range d.Payments {
		p := &d.Payments[i]
		if c.payments[p.Project] == nil {
			c.projects = append(c.projects, p.Project)
		}
		c.payments[p.Project] = append(c.payments[p.Project], p)
	}
	for _, ps := range c.payments {
		slices.SortStableFunc(ps, func(a, b *Payment) int { return a.PaidOn.Compare(b.PaidOn) })
	}
	return c
}

// who names a person or company with its (masked) number: 刘强（身份证
// 330523********0016）, 青石建筑工程有限公司（统一社会信用代码 9133…）.
func who(t PartyType, name, id string) string {
	if t == Company {
		return fmt.Sprintf("%s（统一社会信用代码 %s）", name, id)
	}
	return fmt.Sprintf("%s（身份证 %s）", name, cases.MaskIDNumber(id))
}

func day(t time.Time) string { return formatDate(t) }

// days is the whole days from a to b (negative when b is earlier).
func days(a, b time.Time) int { return int(b.Sub(a).Hours() / 24) }

// payments lists payments for an explanation: 安置房 3-101（2024-01-15，凭证 FL-AZ-001）.
func paymentList(ps []*Payment) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = fmt.Sprintf("%s（%s，凭证 %s）", p.What(), day(p.PaidOn), p.VoucherNo)
	}
	return strings.Join(parts, "、")
}

func refsOf[T any](xs []*T, ref func(*T) Ref) []Ref {
	out := make([]Ref, len(xs))
	for i, x := range xs {
		out[i] = ref(x)
	}
	return out
}

// transferNearCompensation: a property of a person registered to them
// (other than by inheritance or as their resettlement flat) or
// transferred away within the window before or after a compensation or
// allocation paid to them.
func (c *checker) transferNearCompensation() []Alert {
	var out []Alert
	for _, project := range c.projects {
		benefits := map[string][]*Payment{}
		var payees []string
		for _, p := range c.payments[project] {
			if p.Benefit() {
				if benefits[p.PayeeID] == nil {
					payees = append(payees, p.PayeeID)
				}
				benefits[p.PayeeID] = append(benefits[p.PayeeID], p)
			}
		}
		for _, id := range payees {
			for _, prop := range c.properties[id] {
				type change struct {
					on   time.Time
					what string
				}
				var changes []change
				if prop.Origin != originResettlement && prop.Origin != originInheritance {
					changes = append(changes, change{prop.RegisteredOn, "以" + origins.label(prop.Origin) + "方式登记到其名下"})
				}
				if !prop.TransferredOn.IsZero() {
					what := "从其名下转出"
					if to := c.successor(prop); to != nil {
						what += "，转给" + who(to.HolderType, to.HolderName, to.HolderID)
					}
					changes = append(changes, change{prop.TransferredOn, what})
				}
				for _, ch := range changes {
					var near []string
					refs := []Ref{prop.Ref}
					for _, b := range benefits[id] {
						n := days(b.PaidOn, ch.on)
						if n < -c.window || n > c.window {
							continue
						}
						when := "当天"
						if n < 0 {
							when = fmt.Sprintf("前%d天", -n)
						} else if n > 0 {
							when = fmt.Sprintf("后%d天", n)
						}
						near = append(near, fmt.Sprintf("%s领取%s（%s，凭证 %s）%s", project, b.What(), day(b.PaidOn), b.VoucherNo, when))
						refs = append(refs, b.Ref)
					}
					if len(near) == 0 {
						continue
					}
					name := benefits[id][0].PayeeName
					out = append(out, Alert{
						Subject: Subject{Person, id, name}, Project: project, Records: refs,
						Explanation: fmt.Sprintf("%s名下房产“%s”（不动产权证号 %s）于%s%s，正在其%s。规则：补偿或安置前后%d天内的房产变动须核实是否为规避资格审查或转移资产。",
							who(Person, name, id), prop.Location, prop.CertNo, day(ch.on), ch.what, strings.Join(near, "；"), c.window),
					})
				}
			}
		}
	}
	return out
}

// successor is the registration that a transferred property passed to:
// the same location, registered the day it was transferred away.
func (c *checker) successor(p *Property) *Property {
	for _, q := range c.locations[p.Location] {
		if q != p && q.RegisteredOn.Equal(p.TransferredOn) && q.HolderID != p.HolderID {
			return q
		}
	}
	return nil
}

// subsidyAfterExit: a subsidy paid after the person's death, or paid in a
// village after they moved out of it (and live there no more).
func (c *checker) subsidyAfterExit() []Alert {
	type group struct {
		exit *Resident
		paid []*Subsidy
	}
	var order []*Resident
	groups := map[*Resident]*group{}
	for i := range c.d.Subsidies {
		s := &c.d.Subsidies[i]
		var exit *Resident
		for _, r := range c.residents[s.PersonID] {
			if r.Status == statusDeceased && s.PaidOn.After(r.StatusOn) {
				exit = r
				break
			}
		}
		if exit == nil {
			livesThere := false
			var moved *Resident
			for _, r := range c.residents[s.PersonID] {
				switch {
				case r.Village != s.Village:
				case r.Status == statusResident:
					livesThere = true
				case r.Status == statusMovedOut && s.PaidOn.After(r.StatusOn):
					moved = r
				}
			}
			if !livesThere {
				exit = moved
			}
		}
		if exit == nil {
			continue
		}
		if groups[exit] == nil {
			groups[exit] = &group{exit: exit}
			order = append(order, exit)
		}
		groups[exit].paid = append(groups[exit].paid, s)
	}
	var out []Alert
	for _, r := range order {
		g := groups[r]
		slices.SortStableFunc(g.paid, func(a, b *Subsidy) int { return a.PaidOn.Compare(b.PaidOn) })
		var total Yuan
		var progs []string
		for _, s := range g.paid {
			total += s.Amount
			if l := programs.label(s.Program); !slices.Contains(progs, l) {
				progs = append(progs, l)
			}
		}
		first, last := g.paid[0].PaidOn, g.paid[len(g.paid)-1].PaidOn
		span := day(first)
		if !last.Equal(first) {
			span += "至" + day(last)
		}
		event := fmt.Sprintf("户籍登记于%s死亡（%s，户号 %s），其后", day(r.StatusOn), r.Village, r.HouseholdNo)
		if r.Status == statusMovedOut {
			event = fmt.Sprintf("户籍登记于%s迁出%s（户号 %s），此后不在该村户籍，却仍在该村", day(r.StatusOn), r.Village, r.HouseholdNo)
		}
		out = append(out, Alert{
			Subject: Subject{Person, r.PersonID, r.Name},
			Records: append([]Ref{r.Ref}, refsOf(g.paid, func(s *Subsidy) Ref { return s.Ref })...),
			Explanation: fmt.Sprintf("%s%s领取民政%s%d笔，共%s（%s）。规则：死亡或迁出后继续发放的补贴须核实并追回。",
				who(Person, r.Name, r.PersonID), event, strings.Join(progs, "、"), len(g.paid), total.Text(), span),
		})
	}
	return out
}

// spouses are the person's spouses by the household registry: the
// spouse of a household's head, and the head of a spouse's household.
func (c *checker) spouses(id string) []*Resident {
	var out []*Resident
	for _, me := range c.residents[id] {
		want := ""
		switch me.Relation {
		case relationHead:
			want = relationSpouse
		case relationSpouse:
			want = relationHead
		default:
			continue
		}
		for _, r := range c.households[me.HouseholdNo] {
			if r.Relation == want && r.PersonID != id && !slices.ContainsFunc(out, func(x *Resident) bool { return x.PersonID == r.PersonID }) {
				out = append(out, r)
			}
		}
	}
	return out
}

// spouseRow is the person's own row in the household where they are
// married to s.
func (c *checker) spouseRow(id string, s *Resident) *Resident {
	for _, r := range c.residents[id] {
		if r.HouseholdNo == s.HouseholdNo {
			return r
		}
	}
	return nil
}

// official is a person involved in a project, and how.
type official struct {
	id, name string
	approved []*Payment
	roles    map[cases.Role][]string // role → numbers of the cases the official has it in
	caseNos  []string
}

// officials are the people involved in a project: those who approved its
// payments, and the respondents and staff of cases that touch it (a case
// touches a project when one of its parties is a payee or an approver of
// the project's payments).
func (c *checker) officials(project string) []*official {
	byID := map[string]*official{}
	var out []*official
	get := func(id, name string) *official {
		if o := byID[id]; o != nil {
			return o
		}
		o := &official{id: id, name: name}
		byID[id] = o
		out = append(out, o)
		return o
	}
	var touching []int // the cases touching the project, in case order
	seen := map[int]bool{}
	touch := func(id string) {
		for _, i := range c.casesOf[id] {
			if !seen[i] {
				seen[i] = true
				touching = append(touching, i)
			}
		}
	}
	for _, p := range c.payments[project] {
		touch(p.PayeeID)
		if p.ApproverID != "" {
			touch(p.ApproverID)
			o := get(p.ApproverID, p.ApproverName)
			o.approved = append(o.approved, p)
		}
	}
	slices.Sort(touching)
	for _, i := range touching {
		cp := c.cases[i]
		for _, p := range cp.Parties {
			if (p.Role != cases.RoleRespondent && p.Role != cases.RoleStaff) || ValidatePersonID(p.IDNumber) != nil {
				continue
			}
			o := get(p.IDNumber, p.Name)
			if o.roles == nil {
				o.roles = map[cases.Role][]string{}
			}
			if !slices.Contains(o.roles[p.Role], cp.Number) {
				o.roles[p.Role] = append(o.roles[p.Role], cp.Number)
			}
			if !slices.Contains(o.caseNos, cp.Number) {
				o.caseNos = append(o.caseNos, cp.Number)
			}
		}
	}
	return out
}

// holder is whose shares make an official conflicted: their own, or
// their spouse's.
type holder struct {
	id    string
	via   *Resident // the spouse's household row; nil for the official
	label string    // how the explanation names them
}

// officialShareholder: an official involved in a project holds shares,
// directly or through a spouse (household registry), in a company the
// project paid while the shares were held.
func (c *checker) officialShareholder() []Alert {
	var out []Alert
	for _, project := range c.projects {
		companies := map[string][]*Payment{}
		var order []string
		for _, p := range c.payments[project] {
			if p.PayeeType == Company {
				if companies[p.PayeeID] == nil {
					order = append(order, p.PayeeID)
				}
				companies[p.PayeeID] = append(companies[p.PayeeID], p)
			}
		}
		for _, o := range c.officials(project) {
			var involved []string
			if len(o.approved) > 0 {
				vs := make([]string, len(o.approved))
				for i, p := range o.approved {
					vs[i] = p.VoucherNo
				}
				involved = append(involved, fmt.Sprintf("审批了该项目的财政拨付%d笔（凭证 %s）", len(o.approved), abbreviate(vs, "")))
			}
			for _, role := range []cases.Role{cases.RoleRespondent, cases.RoleStaff} {
				if nums := o.roles[role]; len(nums) > 0 {
					involved = append(involved, fmt.Sprintf("是案件 %s 的%s", abbreviate(nums, "件案件"), role.Label()))
				}
			}
			holders := []holder{{o.id, nil, "其本人"}}
			for _, s := range c.spouses(o.id) {
				mine := c.spouseRow(o.id, s)
				holders = append(holders, holder{s.PersonID, s, fmt.Sprintf("户籍登记显示%s是其配偶（户号 %s：%s为%s，%s为%s），其配偶",
					who(Person, s.Name, s.PersonID), s.HouseholdNo, mine.Name, relations.label(mine.Relation), s.Name, relations.label(s.Relation))})
			}
			for _, code := range order {
				for _, h := range holders {
					for _, sh := range c.shares[code] {
						if sh.HolderType != Person || sh.HolderID != h.id {
							continue
						}
						var paid []*Payment
						var total Yuan
						for _, p := range companies[code] {
							if sh.HeldOn(p.PaidOn) {
								paid = append(paid, p)
								total += p.Amount
							}
						}
						if len(paid) == 0 {
							continue
						}
						held := day(sh.HeldSince) + "起"
						if !sh.HeldUntil.IsZero() {
							held = day(sh.HeldSince) + "至" + day(sh.HeldUntil)
						}
						vs := make([]string, len(paid))
						for i, p := range paid {
							vs[i] = p.VoucherNo
						}
						span := day(paid[0].PaidOn)
						if len(paid) > 1 {
							span += "至" + day(paid[len(paid)-1].PaidOn)
						}
						refs := refsOf(o.approved, func(p *Payment) Ref { return p.Ref })
						if h.via != nil {
							refs = append(refs, c.spouseRow(o.id, h.via).Ref, h.via.Ref)
						}
						refs = append(refs, sh.Ref)
						for _, p := range paid {
							if !slices.Contains(refs, p.Ref) {
								refs = append(refs, p.Ref)
							}
						}
						out = append(out, Alert{
							Subject: Subject{Person, o.id, o.name}, Project: project, Records: refs, Cases: o.caseNos,
							Explanation: fmt.Sprintf("%s参与%s：%s。%s持有%s%s%%的股份（工商登记，%s）。该公司在持股期间从该项目收到财政拨付%d笔，共%s（%s，凭证 %s）。规则：参与项目的公职人员本人或配偶持股受款公司，存在利益冲突，须回避并核查。",
								who(Person, o.name, o.id), project, strings.Join(involved, "；"), h.label,
								who(Company, sh.CompanyName, sh.CompanyCode), sh.Share, held, len(paid), total.Text(), span, strings.Join(vs, "、")),
						})
					}
				}
			}
		}
	}
	return out
}

// payeeNotResident: a compensation or a flat given to a person who, on
// the day, was not living in the village it was for by the household
// registry (absent from it, registered elsewhere, moved out or dead).
func (c *checker) payeeNotResident() []Alert {
	var out []Alert
	for _, project := range c.projects {
		type key struct{ id, village string }
		var order []key
		groups := map[key][]*Payment{}
		for _, p := range c.payments[project] {
			if !p.Benefit() || c.residentOn(p.PayeeID, p.Village, p.PaidOn) {
				continue
			}
			k := key{p.PayeeID, p.Village}
			if groups[k] == nil {
				order = append(order, k)
			}
			groups[k] = append(groups[k], p)
		}
		for _, k := range order {
			ps := groups[k]
			rows := c.residents[k.id]
			var finding string
			refs := refsOf(ps, func(p *Payment) Ref { return p.Ref })
			var here, elsewhere []string
			for _, r := range rows {
				refs = append(refs, r.Ref)
				desc := fmt.Sprintf("户号 %s，%s", r.HouseholdNo, householdStatuses.label(r.Status))
				if !r.StatusOn.IsZero() {
					desc += " " + day(r.StatusOn)
				}
				if r.Village == k.village {
					switch r.Status {
					case statusMovedOut:
						here = append(here, fmt.Sprintf("已于%s迁出%s（户号 %s）", day(r.StatusOn), k.village, r.HouseholdNo))
					case statusDeceased:
						here = append(here, fmt.Sprintf("已于%s死亡（%s户号 %s）", day(r.StatusOn), k.village, r.HouseholdNo))
					}
				} else {
					elsewhere = append(elsewhere, r.Village+"（"+desc+"）")
				}
			}
			switch {
			case len(rows) == 0:
				finding = "户籍登记中查无此人"
			case len(here) > 0:
				finding = "户籍登记显示其" + strings.Join(here, "，")
				if len(elsewhere) > 0 {
					finding += "，现登记在" + strings.Join(elsewhere, "、")
				}
			default:
				finding = "户籍只登记在" + strings.Join(elsewhere, "、") + "，不在" + k.village
			}
			out = append(out, Alert{
				Subject: Subject{Person, k.id, ps[0].PayeeName}, Project: project, Records: refs,
				Explanation: fmt.Sprintf("%s在%s中领取了%s，但%s。规则：%s的征收补偿和安置房只给当时在该村户籍在册的人。",
					who(Person, ps[0].PayeeName, k.id), project, paymentList(ps), finding, k.village),
			})
		}
	}
	return out
}

// residentOn reports whether the household registry shows the person
// living in the village on day d.
func (c *checker) residentOn(id, village string, d time.Time) bool {
	for _, r := range c.residents[id] {
		if r.Village == village && r.ResidentOn(d) {
			return true
		}
	}
	return false
}

// debtorAcquiresProperty: a property registered to an enforcement debtor
// while the debt was owed (filed, and not satisfied before).
func (c *checker) debtorAcquiresProperty() []Alert {
	var out []Alert
	for i := range c.d.Properties {
		prop := &c.d.Properties[i]
		var owed []*EnforcementCase
		for _, e := range c.debts[prop.HolderID] {
			if e.OwedOn(prop.RegisteredOn) {
				owed = append(owed, e)
			}
		}
		if len(owed) == 0 {
			continue
		}
		descs := make([]string, len(owed))
		for j, e := range owed {
			status := enforcementStatuses.label(e.Status)
			if !e.ClosedOn.IsZero() {
				status = day(e.ClosedOn) + status
			}
			descs[j] = fmt.Sprintf("%s（%s，执行标的%s，%s立案，%s）", e.CaseNo, e.Court, e.Amount.Text(), day(e.FiledOn), status)
		}
		out = append(out, Alert{
			Subject: Subject{prop.HolderType, prop.HolderID, prop.HolderName},
			Records: append(refsOf(owed, func(e *EnforcementCase) Ref { return e.Ref }), prop.Ref),
			Explanation: fmt.Sprintf("%s是%s的被执行人，却于%s以%s方式取得房产“%s”（不动产权证号 %s）。规则：被执行人欠款未清期间取得的房产应告知执行法院。",
				who(prop.HolderType, prop.HolderName, prop.HolderID), strings.Join(descs, "、"), day(prop.RegisteredOn),
				origins.label(prop.Origin), prop.Location, prop.CertNo),
		})
	}
	return out
}

// allocateeOwnsProperty: a resettlement flat allocated to a person who,
// that day, held property outside the village the flat was for (their
// resettlement flats apart).
func (c *checker) allocateeOwnsProperty() []Alert {
	var out []Alert
	for _, project := range c.projects {
		for _, p := range c.payments[project] {
			if p.Purpose != purposeAllocation {
				continue
			}
			var owned []*Property
			for _, prop := range c.properties[p.PayeeID] {
				if prop.Origin != originResettlement && prop.Village != p.Village && prop.HeldOn(p.PaidOn) {
					owned = append(owned, prop)
				}
			}
			if len(owned) == 0 {
				continue
			}
			descs := make([]string, len(owned))
			for i, prop := range owned {
				where := ""
				if prop.Village != "" {
					where = prop.Village + "，"
				}
				descs[i] = fmt.Sprintf("“%s”（%s不动产权证号 %s，%s以%s方式登记到其名下）", prop.Location, where, prop.CertNo, day(prop.RegisteredOn), origins.label(prop.Origin))
			}
			out = append(out, Alert{
				Subject: Subject{Person, p.PayeeID, p.PayeeName}, Project: project,
				Records: append([]Ref{p.Ref}, refsOf(owned, func(x *Property) Ref { return x.Ref })...),
				Explanation: fmt.Sprintf("%s在%s中分得%s（%s，凭证 %s），但不动产登记显示其当时在%s以外已有房产：%s。规则：安置房只分给在别处没有住房的人。",
					who(Person, p.PayeeName, p.PayeeID), project, p.What(), day(p.PaidOn), p.VoucherNo, p.Village, strings.Join(descs, "；")),
			})
		}
	}
	return out
}

// abbreviate lists up to three items, then says how many there are in
// all: A、B、C 等12件案件 (unit "件案件"), or A、B、C 等 (unit "").
func abbreviate(items []string, unit string) string {
	if len(items) <= 3 {
		return strings.Join(items, "、")
	}
	if unit == "" {
		return strings.Join(items[:3], "、") + " 等"
	}
	return fmt.Sprintf("%s 等%d%s", strings.Join(items[:3], "、"), len(items), unit)
}
