package cases

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// EventType names a kind of change.
type EventType string

// Event types. Changes to mutable fields (status, mediation level,
// assignee, category; fact status and order; an evidence item's document
// date) carry a base version; everything else is append-only. An
// automatic escalation changes the mediation level, so it carries the
// level's base version too.
const (
	CaseOpened          EventType = "case.opened"
	CaseRevised         EventType = "case.revised" // summary, channel, signers: latest revision shown, all kept
	CaseStatusChanged   EventType = "case.status_changed"
	CaseLevelChanged    EventType = "case.level_changed"
	CaseAssigned        EventType = "case.assigned"
	CaseCategoryChanged EventType = "case.category_changed"
	CaseNumbered        EventType = "case.numbered" // official number from the hub
	CaseIntensityScored EventType = "case.intensity_scored"
	CaseEscalated       EventType = "case.escalated" // raised a level and flagged red by a screening rule
	PartyAdded          EventType = "party.added"
	PartyWithdrawn      EventType = "party.withdrawn"
	FactAdded           EventType = "fact.added"
	FactStatusChanged   EventType = "fact.status_changed"
	FactMoved           EventType = "fact.moved"
	EvidenceAdded       EventType = "evidence.added"
	EvidenceLinked      EventType = "evidence.linked"
	EvidenceUnlinked    EventType = "evidence.unlinked"
	EvidenceDated       EventType = "evidence.dated" // an evidence item's document date set or cleared by hand
	FollowUpScheduled   EventType = "followup.scheduled"
	FollowUpRescheduled EventType = "followup.rescheduled"
	FollowUpDone        EventType = "followup.done"
	NoteAdded           EventType = "note.added"
	StepProgressed      EventType = "step.progressed"
	StepChecked         EventType = "step.checked"        // an item of a step's checklist ticked or unticked
	ArticlePinned       EventType = "case.article_pinned" // a statute article pinned to (or taken off) the case
)

// Event is one immutable change to a case. The store fills in the device
// fields, the chain hashes and, when zero, ID and At.
type Event struct {
	ID          uuid.UUID
	CaseID      uuid.UUID
	Type        EventType
	Payload     json.RawMessage
	Actor       string
	DeviceID    string
	DeviceSeq   int64
	BaseVersion int64 // version of the mutable field this change was based on
	At          time.Time
	PrevHash    string // hash of this device's previous event; "" for its first
	Hash        string

	// decoded is the payload NewEvent encoded, so Decode need not parse
	// Payload again while it still holds those bytes.
	decoded *decodedPayload
}

type decodedPayload struct {
	raw json.RawMessage
	p   Payload
}

// NewEvent builds an event for caseID carrying p, checking p first.
func NewEvent(caseID uuid.UUID, p Payload) (Event, error) {
	if err := p.Validate(); err != nil {
		return Event{}, err
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return Event{}, fmt.Errorf("cases: encode %s: %w", p.EventType(), err)
	}
	return Event{CaseID: caseID, Type: p.EventType(), Payload: raw, decoded: &decodedPayload{raw: raw, p: p}}, nil
}

// ComputeHash returns the hex SHA-256 of the event's content: every field
// but Hash itself, length-prefixed so no two events encode alike. At is
// taken at millisecond precision, as stored.
func (e *Event) ComputeHash() string {
	h := sha256.New()
	var n [8]byte
	put := func(b []byte) {
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	putInt := func(v int64) {
		binary.BigEndian.PutUint64(n[:], uint64(v))
		h.Write(n[:])
	}
	put([]byte("jiefang-event-v1"))
	put(e.ID[:])
	put(e.CaseID[:])
	put([]byte(e.Type))
	put([]byte(e.Actor))
	put([]byte(e.DeviceID))
	putInt(e.DeviceSeq)
	putInt(e.BaseVersion)
	putInt(e.At.UnixMilli())
	put([]byte(e.PrevHash))
	put(e.Payload)
	return hex.EncodeToString(h.Sum(nil))
}

// Payload is the typed content of an event.
type Payload interface {
	EventType() EventType
	Validate() error
}

// Decode parses the event's payload into its typed form and validates it.
// The payload returned must not be modified: for an event made by
// NewEvent whose Payload is unchanged it is the value NewEvent checked.
func Decode(e Event) (Payload, error) {
	if d := e.decoded; d != nil && e.Type == d.p.EventType() && bytes.Equal(e.Payload, d.raw) {
		return d.p, nil
	}
	var p Payload
	switch e.Type {
	case CaseOpened:
		p = &Opened{}
	case CaseRevised:
		p = &Revised{}
	case CaseStatusChanged:
		p = &StatusChanged{}
	case CaseLevelChanged:
		p = &LevelChanged{}
	case CaseAssigned:
		p = &Assigned{}
	case CaseCategoryChanged:
		p = &CategoryChanged{}
	case CaseNumbered:
		p = &Numbered{}
	case CaseIntensityScored:
		p = &IntensityScored{}
	case CaseEscalated:
		p = &Escalated{}
	case PartyAdded:
		p = &PartyAdd{}
	case PartyWithdrawn:
		p = &PartyWithdraw{}
	case FactAdded:
		p = &FactAdd{}
	case FactStatusChanged:
		p = &FactStatusChange{}
	case FactMoved:
		p = &FactMove{}
	case EvidenceAdded:
		p = &EvidenceAdd{}
	case EvidenceLinked:
		p = &EvidenceLink{}
	case EvidenceUnlinked:
		p = &EvidenceUnlink{}
	case EvidenceDated:
		p = &EvidenceDate{}
	case FollowUpScheduled:
		p = &FollowUpSchedule{}
	case FollowUpRescheduled:
		p = &FollowUpReschedule{}
	case FollowUpDone:
		p = &FollowUpComplete{}
	case NoteAdded:
		p = &NoteAdd{}
	case StepProgressed:
		p = &StepProgress{}
	case StepChecked:
		p = &StepCheck{}
	case ArticlePinned:
		p = &ArticlePin{}
	default:
		return nil, invalid("event.type", CodeInvalid, "无法识别的事件类型，请升级程序。", fmt.Sprintf("unknown event type %q", e.Type))
	}
	if err := json.Unmarshal(e.Payload, p); err != nil {
		return nil, invalid("event.payload", CodeInvalid, "事件内容无法解析。", fmt.Sprintf("%s payload: %v", e.Type, err))
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// Text limits, in characters.
const (
	MaxSummary  = 4000
	MaxFactText = 1000
	MaxNoteText = 8000
	MaxShort    = 200
)

func requireText(field, s string, limit int, what string) error {
	t, ok := cleanText(s, limit)
	if t == "" {
		return invalid(field, CodeRequired, "请填写"+what+"。", "empty")
	}
	if !ok {
		return invalid(field, CodeTooLong, fmt.Sprintf("%s过长（最多%d字），请分成几段。", what, limit), "too long")
	}
	return nil
}

func optionalText(field, s string, limit int, what string) error {
	if _, ok := cleanText(s, limit); !ok {
		return invalid(field, CodeTooLong, fmt.Sprintf("%s过长（最多%d字）。", what, limit), "too long")
	}
	return nil
}

func requireID(field string, id uuid.UUID) error {
	if id == uuid.Nil {
		return invalid(field, CodeRequired, "缺少记录编号。", "missing id")
	}
	return nil
}

// Opened starts a case. Number is the provisional number; the store fills
// it in when empty.
type Opened struct {
	Number   string  `json:"number"`
	Channel  Channel `json:"channel"`
	Category string  `json:"category"`
	Summary  string  `json:"summary"`
	Signers  int     `json:"signers,omitempty"`
	// Level is the mediation level the case starts at; empty means township.
	Level MediationLevel `json:"level,omitempty"`
}

// EventType implements Payload.
func (*Opened) EventType() EventType { return CaseOpened }

// Validate implements Payload.
func (p *Opened) Validate() error {
	if !p.Channel.Valid() {
		return invalid("case.channel", CodeInvalid, "请选择信访渠道（来访、来信、网上或电话）。", "bad channel")
	}
	if p.Level != "" && !p.Level.Valid() {
		return invalid("case.mediation_level", CodeInvalid, "调处层级应为村、乡镇、县或市。", "bad level")
	}
	if err := optionalText("case.category", p.Category, MaxShort, "类别"); err != nil {
		return err
	}
	if err := optionalText("case.summary", p.Summary, MaxSummary, "诉求摘要"); err != nil {
		return err
	}
	return validSigners(p.Signers)
}

func validSigners(n int) error {
	if n < 0 || n > 100000 {
		return invalid("case.signers", CodeInvalid, "联名人数应在0到100000之间。", "bad signer count")
	}
	return nil
}

// Revised replaces the case's summary, channel and signer count; every
// revision stays in the log.
type Revised struct {
	Channel Channel `json:"channel"`
	Summary string  `json:"summary"`
	Signers int     `json:"signers,omitempty"`
}

// EventType implements Payload.
func (*Revised) EventType() EventType { return CaseRevised }

// Validate implements Payload.
func (p *Revised) Validate() error {
	o := Opened{Channel: p.Channel, Summary: p.Summary, Signers: p.Signers}
	return o.Validate()
}

// StatusChanged sets the case status (mutable; carries a base version).
type StatusChanged struct {
	Status Status `json:"status"`
	Reason string `json:"reason,omitempty"`
}

// EventType implements Payload.
func (*StatusChanged) EventType() EventType { return CaseStatusChanged }

// Validate implements Payload.
func (p *StatusChanged) Validate() error {
	if !p.Status.Valid() {
		return invalid("case.status", CodeInvalid, "无效的案件状态。", "bad status")
	}
	return optionalText("case.status_reason", p.Reason, MaxNoteText, "理由")
}

// LevelChanged moves the case to another mediation level (mutable).
type LevelChanged struct {
	Level  MediationLevel `json:"level"`
	Reason string         `json:"reason,omitempty"`
}

// EventType implements Payload.
func (*LevelChanged) EventType() EventType { return CaseLevelChanged }

// Validate implements Payload.
func (p *LevelChanged) Validate() error {
	if !p.Level.Valid() {
		return invalid("case.mediation_level", CodeInvalid, "调处层级应为村、乡镇、县或市。", "bad level")
	}
	return optionalText("case.level_reason", p.Reason, MaxNoteText, "理由")
}

// Assigned sets who handles the case (mutable); empty unassigns.
type Assigned struct {
	Assignee string `json:"assignee"`
}

// EventType implements Payload.
func (*Assigned) EventType() EventType { return CaseAssigned }

// Validate implements Payload.
func (p *Assigned) Validate() error {
	return optionalText("case.assignee", p.Assignee, MaxShort, "承办人")
}

// CategoryChanged sets the case category (mutable).
type CategoryChanged struct {
	Category string `json:"category"`
}

// EventType implements Payload.
func (*CategoryChanged) EventType() EventType { return CaseCategoryChanged }

// Validate implements Payload.
func (p *CategoryChanged) Validate() error {
	return requireText("case.category", p.Category, MaxShort, "类别")
}

// Numbered records the official number the hub assigned.
type Numbered struct {
	Number string `json:"number"`
}

// EventType implements Payload.
func (*Numbered) EventType() EventType { return CaseNumbered }

// Validate implements Payload.
func (p *Numbered) Validate() error {
	return requireText("case.official_number", p.Number, MaxShort, "正式编号")
}

// IntensityScored records a new intensity score; written only when the
// score changes, by the device that changed the text.
type IntensityScored struct {
	Score int            `json:"score"`
	Level IntensityLevel `json:"level"`
}

// EventType implements Payload.
func (*IntensityScored) EventType() EventType { return CaseIntensityScored }

// Validate implements Payload.
func (p *IntensityScored) Validate() error {
	if p.Score < 0 || p.Score > 100 || p.Level != LevelForIntensity(p.Score) {
		return invalid("case.intensity", CodeInvalid, "强度分值应在0到100之间。", "bad intensity")
	}
	return nil
}

// RuleCollective is the breadth screening's rule of collective
// signatures: 3 or more earlier similar cases carried co-signers.
const RuleCollective = "collective"

// MaxEscalationTriggers is the most cases an escalation can name as its
// triggers.
const MaxEscalationTriggers = 50

// Escalated records an automatic escalation by a screening rule: the
// case's mediation level is raised to Level (a change of the mutable
// field, carrying its base version, like LevelChanged) and the case is
// flagged red. Rule is the rule's short machine name (RuleCollective);
// Triggers are the cases that fired it; Reason says why in words.
type Escalated struct {
	Level    MediationLevel `json:"level"`
	Rule     string         `json:"rule"`
	Triggers []uuid.UUID    `json:"triggers"`
	Reason   string         `json:"reason,omitempty"`
}

// EventType implements Payload.
func (*Escalated) EventType() EventType { return CaseEscalated }

// Validate implements Payload. That the case is not among its own
// triggers is checked when the event is applied (CheckCase): Validate
// does not know the case.
func (p *Escalated) Validate() error {
	if !p.Level.Valid() {
		return invalid("case.mediation_level", CodeInvalid, "调处层级应为村、乡镇、县或市。", "bad level")
	}
	if !validRuleName(p.Rule) {
		return invalid("case.escalation_rule", CodeInvalid, "升级规则名称无效。", fmt.Sprintf("bad rule %q", p.Rule))
	}
	if len(p.Triggers) == 0 {
		return invalid("case.escalation_triggers", CodeRequired, "请列出引起升级的案件。", "no triggers")
	}
	if len(p.Triggers) > MaxEscalationTriggers {
		return invalid("case.escalation_triggers", CodeInvalid, fmt.Sprintf("引起升级的案件最多列%d件。", MaxEscalationTriggers), fmt.Sprintf("%d triggers", len(p.Triggers)))
	}
	seen := make(map[uuid.UUID]bool, len(p.Triggers))
	for _, id := range p.Triggers {
		if id == uuid.Nil {
			return invalid("case.escalation_triggers", CodeRequired, "缺少引起升级的案件编号。", "nil trigger")
		}
		if seen[id] {
			return invalid("case.escalation_triggers", CodeInvalid, "引起升级的案件重复列出。", "duplicate trigger "+id.String())
		}
		seen[id] = true
	}
	return optionalText("case.escalation_reason", p.Reason, MaxNoteText, "升级理由")
}

// CheckCase checks the escalation against the case it is for: a case
// cannot be among its own triggers.
func (p *Escalated) CheckCase(caseID uuid.UUID) error {
	for _, id := range p.Triggers {
		if id == caseID {
			return invalid("case.escalation_triggers", CodeInvalid, "引起升级的案件不能是本案自己。", "case is its own trigger")
		}
	}
	return nil
}

// validRuleName reports whether s has the form of a rule's machine name:
// 1 to 40 lowercase ASCII letters, digits, '_' or '-', starting with a
// letter. Rules other than RuleCollective may come from newer programs;
// they are shown by name.
func validRuleName(s string) bool {
	if s == "" || len(s) > 40 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' && r != '-' {
			return false
		}
	}
	return true
}

// PartyAdd adds a person or body; Supersedes names a party it corrects.
type PartyAdd struct {
	PartyID    uuid.UUID `json:"party_id"`
	Role       Role      `json:"role"`
	Name       string    `json:"name"`
	IDNumber   string    `json:"id_number,omitempty"`
	Phone      string    `json:"phone,omitempty"`
	Address    string    `json:"address,omitempty"`
	Village    string    `json:"village,omitempty"`
	Supersedes uuid.UUID `json:"supersedes,omitzero"`
}

// EventType implements Payload.
func (*PartyAdd) EventType() EventType { return PartyAdded }

// Validate implements Payload.
func (p *PartyAdd) Validate() error {
	if err := requireID("party.id", p.PartyID); err != nil {
		return err
	}
	if !p.Role.Valid() {
		return invalid("party.role", CodeInvalid, "请选择人员角色。", "bad role")
	}
	if err := requireText("party.name", p.Name, MaxShort, "姓名或单位名称"); err != nil {
		return err
	}
	if p.IDNumber != "" {
		if err := ValidateIDNumber(p.IDNumber); err != nil {
			return err
		}
	}
	if p.Phone != "" {
		if err := ValidatePhone(p.Phone); err != nil {
			return err
		}
	}
	if err := optionalText("party.address", p.Address, MaxShort, "住址"); err != nil {
		return err
	}
	return optionalText("party.village", p.Village, MaxShort, "村（社区）")
}

// PartyWithdraw removes a party added by mistake; the record stays in the log.
type PartyWithdraw struct {
	PartyID uuid.UUID `json:"party_id"`
	Reason  string    `json:"reason,omitempty"`
}

// EventType implements Payload.
func (*PartyWithdraw) EventType() EventType { return PartyWithdrawn }

// Validate implements Payload.
func (p *PartyWithdraw) Validate() error { return requireID("party.id", p.PartyID) }

// FactAdd adds a fact card. An edit supersedes one card; a split adds two
// cards that each supersede the same one.
type FactAdd struct {
	FactID     uuid.UUID   `json:"fact_id"`
	Text       string      `json:"text"`
	Status     FactStatus  `json:"status"`
	Order      float64     `json:"order"`
	Supersedes []uuid.UUID `json:"supersedes,omitempty"`
}

// EventType implements Payload.
func (*FactAdd) EventType() EventType { return FactAdded }

// Validate implements Payload.
func (p *FactAdd) Validate() error {
	if err := requireID("fact.id", p.FactID); err != nil {
		return err
	}
	if err := requireText("fact.text", p.Text, MaxFactText, "事实内容"); err != nil {
		return err
	}
	if !p.Status.Valid() {
		return invalid("fact.status", CodeInvalid, "事实状态应为已证实、待核实或存争议。", "bad fact status")
	}
	for _, s := range p.Supersedes {
		if s == p.FactID || s == uuid.Nil {
			return invalid("fact.supersedes", CodeInvalid, "被替换的事实卡片编号无效。", "bad supersedes")
		}
	}
	return nil
}

// FactStatusChange sets a fact card's status (mutable).
type FactStatusChange struct {
	FactID uuid.UUID  `json:"fact_id"`
	Status FactStatus `json:"status"`
}

// EventType implements Payload.
func (*FactStatusChange) EventType() EventType { return FactStatusChanged }

// Validate implements Payload.
func (p *FactStatusChange) Validate() error {
	if err := requireID("fact.id", p.FactID); err != nil {
		return err
	}
	if !p.Status.Valid() {
		return invalid("fact.status", CodeInvalid, "事实状态应为已证实、待核实或存争议。", "bad fact status")
	}
	return nil
}

// FactMove sets a fact card's display position (mutable).
type FactMove struct {
	FactID uuid.UUID `json:"fact_id"`
	Order  float64   `json:"order"`
}

// EventType implements Payload.
func (*FactMove) EventType() EventType { return FactMoved }

// Validate implements Payload.
func (p *FactMove) Validate() error { return requireID("fact.id", p.FactID) }

// EvidenceAdd records an evidence item whose file is stored by SHA-256.
type EvidenceAdd struct {
	EvidenceID   uuid.UUID   `json:"evidence_id"`
	SHA256       string      `json:"sha256"`
	FileName     string      `json:"file_name"`
	MediaType    string      `json:"media_type"`
	Size         int64       `json:"size"`
	DocumentDate string      `json:"document_date,omitempty"`
	Facts        []uuid.UUID `json:"facts,omitempty"`
}

// EventType implements Payload.
func (*EvidenceAdd) EventType() EventType { return EvidenceAdded }

// Validate implements Payload.
func (p *EvidenceAdd) Validate() error {
	if err := requireID("evidence.id", p.EvidenceID); err != nil {
		return err
	}
	if b, err := hex.DecodeString(p.SHA256); err != nil || len(b) != sha256.Size {
		return invalid("evidence.sha256", CodeInvalid, "证据文件摘要无效，请重新添加文件。", "bad sha256")
	}
	if err := requireText("evidence.file_name", p.FileName, MaxShort, "文件名"); err != nil {
		return err
	}
	if p.Size < 0 {
		return invalid("evidence.size", CodeInvalid, "文件大小无效。", "negative size")
	}
	if p.DocumentDate != "" {
		if _, err := time.Parse(time.DateOnly, p.DocumentDate); err != nil {
			return invalid("evidence.document_date", CodeInvalid, "文件日期格式应为“年-月-日”，如2024-03-15。", "bad document date")
		}
	}
	return nil
}

// EvidenceDate sets an evidence item's document date by hand, or clears
// it (Date ""), e.g. when a photo's EXIF date is wrong or a scan has
// none. Date is as in EvidenceAdd: the calendar date on the document,
// YYYY-MM-DD, with no time of day and no time zone. The date is a mutable
// field: the event carries the version of the date it was based on.
type EvidenceDate struct {
	EvidenceID uuid.UUID `json:"evidence_id"`
	Date       string    `json:"document_date"` // "" clears the date
}

// EventType implements Payload.
func (*EvidenceDate) EventType() EventType { return EvidenceDated }

// Validate implements Payload. A date after the day following the
// event's own time is refused when the event is applied (CheckDocumentDate):
// Validate cannot know when the event was written.
func (p *EvidenceDate) Validate() error {
	if err := requireID("evidence.id", p.EvidenceID); err != nil {
		return err
	}
	if p.Date == "" {
		return nil
	}
	return checkDocumentDate(p.Date)
}

// MinDocumentDate is the earliest document date that can be set by hand.
const MinDocumentDate = "1900-01-01"

// LatestDocumentDate is the latest document date that can be set by hand
// at time now: the day after now's day in China time (a day's grace for
// a clock or a time zone off by some hours), YYYY-MM-DD.
func LatestDocumentDate(now time.Time) string {
	return Local(now).AddDate(0, 0, 1).Format(time.DateOnly)
}

// CheckDocumentDate checks a document date set by hand at time now: ""
// (no date) or a date YYYY-MM-DD from MinDocumentDate to
// LatestDocumentDate(now).
func CheckDocumentDate(date string, now time.Time) error {
	if date == "" {
		return nil
	}
	if err := checkDocumentDate(date); err != nil {
		return err
	}
	if date > LatestDocumentDate(now) {
		return invalid("evidence.document_date", CodeInvalid, "文件日期不能晚于今天，请核对。", "document date "+date+" in the future")
	}
	return nil
}

// checkDocumentDate checks the form of a document date and that it is
// not before MinDocumentDate.
func checkDocumentDate(date string) error {
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		return invalid("evidence.document_date", CodeInvalid, "请按 2024-03-15 的格式填写日期。", "bad document date")
	}
	if date < MinDocumentDate {
		return invalid("evidence.document_date", CodeInvalid, "文件日期不能早于1900年，请核对。", "document date "+date+" before 1900")
	}
	return nil
}

// EvidenceLink links an evidence item to a fact card it supports.
type EvidenceLink struct {
	EvidenceID uuid.UUID `json:"evidence_id"`
	FactID     uuid.UUID `json:"fact_id"`
}

// EventType implements Payload.
func (*EvidenceLink) EventType() EventType { return EvidenceLinked }

// Validate implements Payload.
func (p *EvidenceLink) Validate() error {
	if err := requireID("evidence.id", p.EvidenceID); err != nil {
		return err
	}
	return requireID("fact.id", p.FactID)
}

// EvidenceUnlink removes a link between evidence and a fact card.
type EvidenceUnlink EvidenceLink

// EventType implements Payload.
func (*EvidenceUnlink) EventType() EventType { return EvidenceUnlinked }

// Validate implements Payload.
func (p *EvidenceUnlink) Validate() error { return (*EvidenceLink)(p).Validate() }

// FollowUpSchedule schedules a follow-up.
type FollowUpSchedule struct {
	FollowUpID uuid.UUID    `json:"followup_id"`
	Kind       FollowUpKind `json:"kind"`
	Due        time.Time    `json:"due"`
}

// EventType implements Payload.
func (*FollowUpSchedule) EventType() EventType { return FollowUpScheduled }

// Validate implements Payload.
func (p *FollowUpSchedule) Validate() error {
	if err := requireID("followup.id", p.FollowUpID); err != nil {
		return err
	}
	if !p.Kind.Valid() {
		return invalid("followup.kind", CodeInvalid, "回访方式应为电话回访、现场走访或回头看。", "bad kind")
	}
	if p.Due.IsZero() {
		return invalid("followup.due", CodeRequired, "请填写回访期限。", "missing due")
	}
	return nil
}

// FollowUpReschedule moves a follow-up's due time.
type FollowUpReschedule struct {
	FollowUpID uuid.UUID `json:"followup_id"`
	Due        time.Time `json:"due"`
}

// EventType implements Payload.
func (*FollowUpReschedule) EventType() EventType { return FollowUpRescheduled }

// Validate implements Payload.
func (p *FollowUpReschedule) Validate() error {
	if err := requireID("followup.id", p.FollowUpID); err != nil {
		return err
	}
	if p.Due.IsZero() {
		return invalid("followup.due", CodeRequired, "请填写回访期限。", "missing due")
	}
	return nil
}

// FollowUpComplete records a follow-up's outcome; dissatisfied reopens
// the case.
type FollowUpComplete struct {
	FollowUpID   uuid.UUID    `json:"followup_id"`
	Outcome      string       `json:"outcome"`
	Satisfaction Satisfaction `json:"satisfaction"`
}

// EventType implements Payload.
func (*FollowUpComplete) EventType() EventType { return FollowUpDone }

// Validate implements Payload.
func (p *FollowUpComplete) Validate() error {
	if err := requireID("followup.id", p.FollowUpID); err != nil {
		return err
	}
	if !p.Satisfaction.Valid() {
		return invalid("followup.satisfaction", CodeRequired, "请选择满意度：满意、基本满意或不满意。", "bad satisfaction")
	}
	return optionalText("followup.outcome", p.Outcome, MaxNoteText, "回访结果")
}

// NoteAdd adds a note.
type NoteAdd struct {
	NoteID uuid.UUID `json:"note_id"`
	Text   string    `json:"text"`
}

// EventType implements Payload.
func (*NoteAdd) EventType() EventType { return NoteAdded }

// Validate implements Payload.
func (p *NoteAdd) Validate() error {
	if err := requireID("note.id", p.NoteID); err != nil {
		return err
	}
	return requireText("note.text", p.Text, MaxNoteText, "备注")
}

// StepProgress marks an interview step done or not done.
type StepProgress struct {
	Step int  `json:"step"` // 1..7
	Done bool `json:"done"`
}

// EventType implements Payload.
func (*StepProgress) EventType() EventType { return StepProgressed }

// Validate implements Payload.
func (p *StepProgress) Validate() error {
	if p.Step < 1 || p.Step > StepCount {
		return invalid("step", CodeInvalid, "接谈步骤应为第1到第7步。", "bad step")
	}
	return nil
}

// StepCheck ticks or unticks an item of an interview step's checklist
// (step 1: 圆桌, 撤桌牌, 递水, 方言/语速).
type StepCheck struct {
	Step    int    `json:"step"` // 1..7
	Item    string `json:"item"`
	Checked bool   `json:"checked"`
}

// EventType implements Payload.
func (*StepCheck) EventType() EventType { return StepChecked }

// Validate implements Payload.
func (p *StepCheck) Validate() error {
	if p.Step < 1 || p.Step > StepCount {
		return invalid("step", CodeInvalid, "接谈步骤应为第1到第7步。", "bad step")
	}
	return requireText("item", p.Item, 20, "检查项")
}

// ArticlePin pins a statute article to the case for the legal guide, or
// takes it off. Article is the article's stable id (law code/article
// number, e.g. "xfgztl/34") once the statute tree is loaded, or the
// citation as typed (信访工作条例第三十四条).
type ArticlePin struct {
	Article string `json:"article"`
	Title   string `json:"title,omitempty"` // how to show it, e.g. 信访工作条例 第三十四条
	Pinned  bool   `json:"pinned"`
}

// EventType implements Payload.
func (*ArticlePin) EventType() EventType { return ArticlePinned }

// Validate implements Payload.
func (p *ArticlePin) Validate() error {
	if err := requireText("article", p.Article, 80, "法条"); err != nil {
		return err
	}
	return optionalText("article.title", p.Title, 200, "法条名称")
}
