package cases

import (
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"
)

// Role is the part a person plays in a case.
type Role string

// Roles of the people in a case.
const (
	RolePetitioner     Role = "petitioner"     // 信访人
	RoleRepresentative Role = "representative" // 代表 (at most 5 for a group visit)
	RoleRecorder       Role = "recorder"       // 记录员, chosen by the petitioner
	RoleWitness        Role = "witness"        // 见证人, chosen by the petitioner
	RoleRespondent     Role = "respondent"     // 被反映人 / 被反映单位
	RoleStaff          Role = "staff"          // 工作人员
)

// Roles lists every role in display order.
var Roles = []Role{RolePetitioner, RoleRepresentative, RoleRecorder, RoleWitness, RoleRespondent, RoleStaff}

// Label is the Chinese name of the role.
func (r Role) Label() string {
	return labelOf(map[Role]string{
		RolePetitioner: "信访人", RoleRepresentative: "代表", RoleRecorder: "记录员",
		RoleWitness: "见证人", RoleRespondent: "被反映人", RoleStaff: "工作人员",
	}, r)
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return oneOf(r, Roles) }

// MaxRepresentatives is the most representatives a group visit may send
// (信访工作条例 art. 20).
const MaxRepresentatives = 5

// Party is a person or body in a case. Parties are append-only: a
// correction adds a new party that supersedes the old one.
type Party struct {
	ID           uuid.UUID
	Role         Role
	Name         string
	IDNumber     string // 18-character resident ID, checked per GB 11643
	Phone        string
	Address      string
	Village      string
	AddedAt      time.Time
	SupersededBy uuid.UUID
	Withdrawn    bool
}

// Current reports whether the party is neither superseded nor withdrawn.
func (p Party) Current() bool { return p.SupersededBy == uuid.Nil && !p.Withdrawn }

// ValidateIDNumber checks an 18-character resident identity number: 17
// digits, then a check character computed per GB 11643-1999 (ISO 7064
// MOD 11-2), and a plausible birth date.
func ValidateIDNumber(id string) error {
	const field = "party.id_number"
	if len(id) != 18 {
		return invalid(field, CodeInvalid, "身份证号码应为18位，请核对后重新输入。", "id number must have 18 characters")
	}
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		c := id[i]
		if c < '0' || c > '9' {
			return invalid(field, CodeInvalid, "身份证号码前17位应为数字，请核对后重新输入。", "id number: non-digit in first 17")
		}
		sum += int(c-'0') * weights[i]
	}
	want := "10X98765432"[sum%11]
	got := id[17]
	if got == 'x' {
		got = 'X'
	}
	if got != want {
		return invalid(field, CodeInvalid, "身份证号码校验位不正确，请核对最后一位。", "id number check digit mismatch")
	}
	if _, err := time.Parse("20060102", id[6:14]); err != nil {
		return invalid(field, CodeInvalid, "身份证号码中的出生日期无效，请核对。", "id number: bad birth date")
	}
	return nil
}

// IDCheckChar returns the GB 11643 check character for the first 17
// digits of an identity number. It panics on malformed input; it exists
// for generating test and demo data.
func IDCheckChar(first17 string) byte {
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * weights[i]
	}
	return "10X98765432"[sum%11]
}

// ValidatePhone accepts a mainland mobile number (11 digits starting with
// 1) or a landline of digits with an optional area-code hyphen.
func ValidatePhone(p string) error {
	digits := 0
	for i, r := range p {
		switch {
		case unicode.IsDigit(r):
			digits++
		case r == '-' && i > 0:
		default:
			return invalid("party.phone", CodeInvalid, "电话号码只能包含数字和“-”。", "phone: bad character")
		}
	}
	if digits < 7 || digits > 12 {
		return invalid("party.phone", CodeInvalid, "电话号码位数不对，请核对。", "phone: wrong length")
	}
	return nil
}

// MaskIDNumber hides the middle of an identity number for lists and
// printouts: 110101********123X.
func MaskIDNumber(id string) string {
	if len(id) < 10 {
		return strings.Repeat("*", len(id))
	}
	return id[:6] + strings.Repeat("*", len(id)-10) + id[len(id)-4:]
}

// MaskName keeps a name's first character: 张**.
func MaskName(name string) string {
	r := []rune(name)
	if len(r) <= 1 {
		return name
	}
	return string(r[0]) + strings.Repeat("*", len(r)-1)
}
