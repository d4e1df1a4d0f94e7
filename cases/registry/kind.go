package registry

import "slices"

// Kind is one of the eight registries; its value is the name the CLI
// takes (jiefangctl registry import --kind KIND).
type Kind string

// The registries.
const (
	RealEstate     Kind = "realestate"     // 不动产登记
	SocialSecurity Kind = "socialsecurity" // 社保
	Business       Kind = "business"       // 工商注册 (companies and their shareholders)
	Household      Kind = "household"      // 户籍
	CivilAffairs   Kind = "civilaffairs"   // 民政 (低保 and other subsidies)
	Tax            Kind = "tax"            // 税务
	Enforcement    Kind = "enforcement"    // 法院执行
	Fiscal         Kind = "fiscal"         // 财政拨付
)

// Kinds lists every registry in display order.
var Kinds = []Kind{RealEstate, SocialSecurity, Business, Household, CivilAffairs, Tax, Enforcement, Fiscal}

// Valid reports whether k is a known registry.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Label is the registry's Chinese name.
func (k Kind) Label() string {
	switch k {
	case RealEstate:
		return "不动产登记"
	case SocialSecurity:
		return "社保"
	case Business:
		return "工商注册"
	case Household:
		return "户籍"
	case CivilAffairs:
		return "民政"
	case Tax:
		return "税务"
	case Enforcement:
		return "法院执行"
	case Fiscal:
		return "财政拨付"
	}
	return string(k)
}

// Columns are the header of the kind's file, in the documented order. A
// file must have exactly these columns (in any order).
func (k Kind) Columns() []string { return slices.Clone(columns[k]) }

// SubjectColumn is the column naming whom a row is about (a person's ID
// number or a company's credit code): the store indexes it.
func (k Kind) SubjectColumn() string { return subjectColumn[k] }

var columns = map[Kind][]string{
	RealEstate:     {"cert_no", "holder_type", "holder_id", "holder_name", "location", "village", "origin", "registered_on", "transferred_on"},
	SocialSecurity: {"person_id", "name", "insurance", "employer_code", "employer_name", "status", "start_on", "end_on"},
	Business:       {"company_code", "company_name", "company_status", "established_on", "legal_rep_id", "legal_rep_name", "holder_type", "holder_id", "holder_name", "share_pct", "held_since", "held_until"},
	Household:      {"person_id", "name", "household_no", "relation", "village", "status", "status_on"},
	CivilAffairs:   {"person_id", "name", "village", "program", "amount", "paid_on"},
	Tax:            {"taxpayer_type", "taxpayer_id", "taxpayer_name", "tax", "period", "amount", "paid_on"},
	Enforcement:    {"case_no", "court", "debtor_type", "debtor_id", "debtor_name", "amount", "filed_on", "status", "closed_on"},
	Fiscal:         {"voucher_no", "project", "village", "purpose", "payee_type", "payee_id", "payee_name", "amount", "paid_on", "flat", "approver_id", "approver_name"},
}

var subjectColumn = map[Kind]string{
	RealEstate: "holder_id", SocialSecurity: "person_id", Business: "company_code", Household: "person_id",
	CivilAffairs: "person_id", Tax: "taxpayer_id", Enforcement: "debtor_id", Fiscal: "payee_id",
}

// enum is an enumerated column's allowed values, with their Chinese
// meanings, in documented order.
type enum []struct{ Code, Label string }

func (e enum) label(code string) string {
	for _, v := range e {
		if v.Code == code {
			return v.Label
		}
	}
	return code
}

func (e enum) has(code string) bool {
	for _, v := range e {
		if v.Code == code {
			return true
		}
	}
	return false
}

// PartyType says whether an ID column holds a person's resident ID
// number or a company's unified social credit code.
type PartyType string

// Party types.
const (
	Person  PartyType = "person"  // 个人：身份证号码 (GB 11643)
	Company PartyType = "company" // 单位：统一社会信用代码 (GB 32100)
)

var partyTypes = enum{{"person", "个人"}, {"company", "单位"}}

// Enumerations of the formats.
var (
	origins = enum{{"purchase", "买卖"}, {"new_build", "首次登记（新建）"}, {"inheritance", "继承"}, {"gift", "赠与"},
		{"resettlement", "安置"}, {"other", "其他"}}
	insurances = enum{{"pension", "养老保险"}, {"medical", "医疗保险"}, {"unemployment", "失业保险"},
		{"injury", "工伤保险"}, {"maternity", "生育保险"}}
	insuranceStatuses = enum{{"active", "正常参保"}, {"suspended", "暂停缴费"}, {"ended", "终止参保"}}
	companyStatuses   = enum{{"active", "存续"}, {"revoked", "吊销"}, {"deregistered", "注销"}}
	relations         = enum{{"head", "户主"}, {"spouse", "配偶"}, {"child", "子女"}, {"child_spouse", "儿媳/女婿"},
		{"parent", "父母"}, {"grandchild", "孙子女/外孙子女"}, {"sibling", "兄弟姐妹"}, {"other", "其他"}}
	householdStatuses = enum{{"resident", "在籍"}, {"moved_out", "迁出"}, {"deceased", "死亡"}}
	programs          = enum{{"dibao", "最低生活保障（低保）"}, {"tekun", "特困人员供养"}, {"elderly", "高龄津贴"},
		{"disability", "残疾人补贴"}, {"temporary", "临时救助"}, {"other", "其他补贴"}}
	taxes = enum{{"iit", "个人所得税"}, {"vat", "增值税"}, {"cit", "企业所得税"}, {"deed", "契税"},
		{"property", "房产税"}, {"other", "其他税种"}}
	enforcementStatuses = enum{{"open", "执行中"}, {"no_assets", "终结本次执行（无可供执行财产）"}, {"satisfied", "执行完毕"}}
	purposes            = enum{{"construction", "工程款"}, {"compensation", "征收补偿款"}, {"allocation", "安置房分配"},
		{"subsidy", "补助"}, {"other", "其他"}}
)
