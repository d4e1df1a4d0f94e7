package cases

import (
	"strings"
	"time"

	"github.com/google/uuid"
)

// Channel is how a petition reached us.
type Channel string

// Channels.
const (
	ChannelVisit  Channel = "visit"  // 来访
	ChannelLetter Channel = "letter" // 来信
	ChannelOnline Channel = "online" // 网上
	ChannelPhone  Channel = "phone"  // 电话
)

// Channels lists every channel in display order.
var Channels = []Channel{ChannelVisit, ChannelLetter, ChannelOnline, ChannelPhone}

// Label is the Chinese name of the channel.
func (c Channel) Label() string {
	return labelOf(map[Channel]string{ChannelVisit: "来访", ChannelLetter: "来信", ChannelOnline: "网上", ChannelPhone: "电话"}, c)
}

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool { return oneOf(c, Channels) }

// Status is where a case stands in its handling.
type Status string

// Statuses. A case starts received; 不满意 at a follow-up reopens it.
const (
	StatusReceived    Status = "received"     // 已登记
	StatusAccepted    Status = "accepted"     // 已受理
	StatusNotAccepted Status = "not_accepted" // 不予受理
	StatusInProgress  Status = "in_progress"  // 办理中
	StatusConcluded   Status = "concluded"    // 已办结
	StatusReopened    Status = "reopened"     // 重新办理
)

// Statuses lists every status in display order.
var Statuses = []Status{StatusReceived, StatusAccepted, StatusNotAccepted, StatusInProgress, StatusConcluded, StatusReopened}

// Label is the Chinese name of the status.
func (s Status) Label() string {
	return labelOf(map[Status]string{
		StatusReceived: "已登记", StatusAccepted: "已受理", StatusNotAccepted: "不予受理",
		StatusInProgress: "办理中", StatusConcluded: "已办结", StatusReopened: "重新办理",
	}, s)
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return oneOf(s, Statuses) }

// MediationLevel is the layer of layered mediation (分层调处) handling a case.
type MediationLevel string

// Mediation levels, lowest first.
const (
	LevelVillage  MediationLevel = "village"  // 村
	LevelTownship MediationLevel = "township" // 乡镇
	LevelCounty   MediationLevel = "county"   // 县
	LevelCity     MediationLevel = "city"     // 市
)

// MediationLevels lists the levels from lowest to highest.
var MediationLevels = []MediationLevel{LevelVillage, LevelTownship, LevelCounty, LevelCity}

// Label is the Chinese name of the level.
func (l MediationLevel) Label() string {
	return labelOf(map[MediationLevel]string{LevelVillage: "村", LevelTownship: "乡镇", LevelCounty: "县", LevelCity: "市"}, l)
}

// Valid reports whether l is a known level.
func (l MediationLevel) Valid() bool { return oneOf(l, MediationLevels) }

// EscalatedLevel is the level an automatic escalation raises a case at
// level cur to: one step up, but at least county (村、乡镇 → 县, 县 → 市);
// the city stays the city.
func EscalatedLevel(cur MediationLevel) MediationLevel {
	switch cur {
	case LevelCounty, LevelCity:
		return LevelCity
	}
	return LevelCounty
}

// IntensityLevel is the colour band of an intensity score.
type IntensityLevel string

// Intensity levels: red above 80, amber 50–80, green below 50.
const (
	IntensityGreen IntensityLevel = "green"
	IntensityAmber IntensityLevel = "amber"
	IntensityRed   IntensityLevel = "red"
)

// Label is the Chinese word shown beside the colour.
func (l IntensityLevel) Label() string {
	return labelOf(map[IntensityLevel]string{IntensityGreen: "绿色", IntensityAmber: "黄色", IntensityRed: "红色"}, l)
}

// LevelForIntensity maps a 0–100 score to its band.
func LevelForIntensity(score int) IntensityLevel {
	switch {
	case score > 80:
		return IntensityRed
	case score >= 50:
		return IntensityAmber
	default:
		return IntensityGreen
	}
}

// Field names a mutable field. Only these change in place; each change
// carries the version of the field it was based on.
type Field string

// Mutable fields of a case and of a fact card.
const (
	FieldStatus         Field = "status"
	FieldMediationLevel Field = "mediation_level"
	FieldAssignee       Field = "assignee"
	FieldCategory       Field = "category"
	FieldFactStatus     Field = "fact.status"
	FieldFactOrder      Field = "fact.order"
)

// Versions counts the applied changes of each mutable case field.
type Versions struct {
	Status, MediationLevel, Assignee, Category int64
}

// Case is one petition as handled at the desk, as derived from its events.
type Case struct {
	ID                uuid.UUID
	ProvisionalNumber string // device code + date + counter, e.g. K7Q2-20261128-003
	OfficialNumber    string // assigned by the hub; empty until then
	Channel           Channel
	Category          string
	Summary           string
	Signers           int // co-signers of a collective petition; 0 or 1 for one person
	Status            Status
	MediationLevel    MediationLevel
	Assignee          string
	Intensity         int
	IntensityLevel    IntensityLevel
	CreatedAt         time.Time
	UpdatedAt         time.Time
	Versions          Versions
	Events            int64 // events applied
	Steps             [StepCount]StepState
	Parties           []Party
	Facts             []FactCard
	Evidence          []Evidence
	FollowUps         []FollowUp
	Notes             []Note
	Articles          []PinnedArticle // pinned for the legal guide, in pin order; nil if none
	Conflicts         []Conflict
	Escalation        *Escalation // the latest automatic escalation; nil if none
}

// Escalation is an automatic escalation of a case by a screening rule
// (case.escalated): the case is flagged red and its mediation level
// raised. It is recorded even when the level change met a concurrent
// one and became a conflict.
type Escalation struct {
	At       time.Time
	Level    MediationLevel // the level the escalation raised the case to
	Rule     string         // the rule's machine name, e.g. RuleCollective
	Triggers []uuid.UUID    // the cases that fired the rule
	Reason   string
}

// EscalationRuleLabel is the Chinese name of an escalation rule; a rule
// this program does not know is shown by its machine name.
func EscalationRuleLabel(rule string) string {
	if rule == RuleCollective {
		return "集体联名"
	}
	return rule
}

// Number is the number to show: the official one once the hub assigned it.
func (c *Case) Number() string {
	if c.OfficialNumber != "" {
		return c.OfficialNumber
	}
	return c.ProvisionalNumber
}

// Conflict is a concurrent change to a mutable field: both values are kept
// and shown until someone decides.
type Conflict struct {
	Field    Field
	EntityID uuid.UUID // the case, or the fact card for fact fields
	Kept     string    // the value in force
	Other    string    // the value of the change that arrived second
	EventID  uuid.UUID // the event that carried Other
	Resolved bool
}

// HasOpenConflict reports whether some conflict is still undecided.
func (c *Case) HasOpenConflict() bool {
	for _, k := range c.Conflicts {
		if !k.Resolved {
			return true
		}
	}
	return false
}

// Fact returns the fact card with id, or nil.
func (c *Case) Fact(id uuid.UUID) *FactCard {
	for i := range c.Facts {
		if c.Facts[i].ID == id {
			return &c.Facts[i]
		}
	}
	return nil
}

// CurrentFacts returns the fact cards not superseded, in display order.
func (c *Case) CurrentFacts() []FactCard {
	var out []FactCard
	for _, f := range c.Facts {
		if f.SupersededBy == uuid.Nil {
			out = append(out, f)
		}
	}
	sortFacts(out)
	return out
}

// Progress counts current fact cards by status.
type Progress struct{ Confirmed, Pending, Disputed int }

// Total is the number of current fact cards.
func (p Progress) Total() int { return p.Confirmed + p.Pending + p.Disputed }

// Share is the confirmed share in [0,1]; 0 when there are no cards.
func (p Progress) Share() float64 {
	if p.Total() == 0 {
		return 0
	}
	return float64(p.Confirmed) / float64(p.Total())
}

// FactProgress counts the current fact cards by status.
func (c *Case) FactProgress() Progress {
	var p Progress
	for _, f := range c.CurrentFacts() {
		switch f.Status {
		case FactConfirmed:
			p.Confirmed++
		case FactPending:
			p.Pending++
		case FactDisputed:
			p.Disputed++
		}
	}
	return p
}

func labelOf[K comparable](m map[K]string, k K) string {
	if s, ok := m[k]; ok {
		return s
	}
	return "未知"
}

func oneOf[T comparable](v T, all []T) bool {
	for _, a := range all {
		if a == v {
			return true
		}
	}
	return false
}

// cleanText trims a user's text and reports whether it is within limit
// runes.
func cleanText(s string, limit int) (string, bool) {
	s = strings.TrimSpace(s)
	return s, len([]rune(s)) <= limit
}

// chinaZone is Asia/Shanghai: UTC+8 all year (no daylight saving since
// 1991), so a fixed zone is exact and needs no zoneinfo on Windows.
var chinaZone = time.FixedZone("CST", 8*60*60)

// Local converts t to China Standard Time, the time shown to staff.
func Local(t time.Time) time.Time { return t.In(chinaZone) }

// Listing is one row of the case list.
type Listing struct {
	ID             uuid.UUID
	Number         string
	Channel        Channel
	Category       string
	Summary        string // the start of the summary
	Status         Status
	MediationLevel MediationLevel
	Signers        int
	Intensity      int
	IntensityLevel IntensityLevel
	Escalated      bool // escalated automatically by a screening rule: shown red
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// ListQuery selects a page of the case list, newest change first.
type ListQuery struct {
	Limit     int            // default 50
	Status    Status         // "" for all
	Facts     FactFilter     // "" for all
	FollowUps FollowUpFilter // "" for all
	Now       time.Time      // the moment FollowUps is judged at; time.Now when zero
	After     *Cursor        // the last row of the previous page
}

// FactFilter selects cases by the state of their current fact cards.
type FactFilter string

// Fact filters.
const (
	FactsDisputed     FactFilter = "disputed"  // some card 存争议
	FactsPending      FactFilter = "pending"   // some card 待核实
	FactsAllConfirmed FactFilter = "confirmed" // cards, and every one 已证实
)

// FollowUpFilter selects cases by their open follow-ups.
type FollowUpFilter string

// Follow-up filters, judged in China time.
const (
	FollowUpsDueToday FollowUpFilter = "today"   // one falls due today (or is overdue)
	FollowUpsOverdue  FollowUpFilter = "overdue" // one is past due and not done
)

// AgendaItem is an open follow-up for the 今日待办 panel.
type AgendaItem struct {
	CaseID     uuid.UUID
	CaseNumber string
	Summary    string // the start of the case's summary
	FollowUpID uuid.UUID
	Kind       FollowUpKind
	Due        time.Time
	Overdue    bool
}

// EndOfDay is the last moment of t's day in China time.
func EndOfDay(t time.Time) time.Time {
	l := Local(t)
	return time.Date(l.Year(), l.Month(), l.Day(), 23, 59, 59, 999_000_000, chinaZone)
}

// Cursor marks a position in the case list: the last row seen.
type Cursor struct {
	UpdatedAt time.Time
	ID        uuid.UUID
}
