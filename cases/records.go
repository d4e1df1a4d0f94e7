package cases

import (
	"sort"
	"time"

	"github.com/google/uuid"
)

// FactStatus is how settled a fact card is.
type FactStatus string

// Fact card statuses with their colours: confirmed green, pending amber,
// disputed red. The word is always shown beside the colour.
const (
	FactConfirmed FactStatus = "confirmed" // 已证实
	FactPending   FactStatus = "pending"   // 待核实
	FactDisputed  FactStatus = "disputed"  // 存争议
)

// FactStatuses lists the statuses in display order.
var FactStatuses = []FactStatus{FactConfirmed, FactPending, FactDisputed}

// Label is the Chinese word for the status.
func (s FactStatus) Label() string {
	return labelOf(map[FactStatus]string{FactConfirmed: "已证实", FactPending: "待核实", FactDisputed: "存争议"}, s)
}

// Valid reports whether s is a known fact status.
func (s FactStatus) Valid() bool { return oneOf(s, FactStatuses) }

// FactVersions counts the applied changes of a fact card's mutable fields.
type FactVersions struct{ Status, Order int64 }

// FactCard is one fact of the complaint. Its text never changes: an edit
// or a split adds new cards that supersede it.
type FactCard struct {
	ID           uuid.UUID
	Text         string
	Status       FactStatus
	Order        float64 // display position; a move sets a value between neighbours
	Supersedes   []uuid.UUID
	SupersededBy uuid.UUID
	Versions     FactVersions
	AddedAt      time.Time
}

func sortFacts(f []FactCard) {
	sort.SliceStable(f, func(i, j int) bool { return f[i].Order < f[j].Order })
}

// FieldEvidenceDate is the mutable field of an evidence item: its
// document date (the conflict's EntityID is the evidence item).
const FieldEvidenceDate Field = "evidence.document_date"

// EvidenceVersions counts the applied changes of an evidence item's
// mutable fields.
type EvidenceVersions struct{ Date int64 }

// Evidence is one item of evidence, its file stored once by SHA-256.
type Evidence struct {
	ID        uuid.UUID
	SHA256    string // hex
	FileName  string
	MediaType string
	Size      int64
	// DocumentDate is the date on the document or photo, YYYY-MM-DD; may
	// be empty. It comes with the item (a photo's EXIF date) and can be
	// set or cleared by hand afterwards (evidence.dated).
	DocumentDate string
	Facts        []uuid.UUID
	Versions     EvidenceVersions
	AddedAt      time.Time
}

// DateEdited reports whether the document date was set or cleared by
// hand after the item was added.
func (e Evidence) DateEdited() bool { return e.Versions.Date > 0 }

// FollowUpKind is one of the three follow-ups of the loop.
type FollowUpKind string

// Follow-up kinds and their default due offsets.
const (
	FollowUpCall     FollowUpKind = "call"      // 电话回访, +48 h
	FollowUpVisit    FollowUpKind = "visit"     // 现场走访, +7 days
	FollowUpLookBack FollowUpKind = "look_back" // 回头看, +30 days
)

// FollowUpKinds lists the kinds in the order they fall due.
var FollowUpKinds = []FollowUpKind{FollowUpCall, FollowUpVisit, FollowUpLookBack}

// Label is the Chinese name of the kind.
func (k FollowUpKind) Label() string {
	return labelOf(map[FollowUpKind]string{FollowUpCall: "电话回访", FollowUpVisit: "现场走访", FollowUpLookBack: "回头看"}, k)
}

// Valid reports whether k is a known kind.
func (k FollowUpKind) Valid() bool { return oneOf(k, FollowUpKinds) }

// DefaultDue is when a follow-up of this kind falls due after the
// interview ends.
func (k FollowUpKind) DefaultDue(end time.Time) time.Time {
	switch k {
	case FollowUpCall:
		return end.Add(48 * time.Hour)
	case FollowUpVisit:
		return end.AddDate(0, 0, 7)
	default:
		return end.AddDate(0, 0, 30)
	}
}

// Satisfaction is the petitioner's verdict at a follow-up.
type Satisfaction string

// Satisfaction ratings. Dissatisfied reopens the case.
const (
	Satisfied       Satisfaction = "satisfied"        // 满意
	MostlySatisfied Satisfaction = "mostly_satisfied" // 基本满意
	Dissatisfied    Satisfaction = "dissatisfied"     // 不满意
)

// Satisfactions lists the ratings from best to worst.
var Satisfactions = []Satisfaction{Satisfied, MostlySatisfied, Dissatisfied}

// Label is the Chinese word for the rating.
func (s Satisfaction) Label() string {
	return labelOf(map[Satisfaction]string{Satisfied: "满意", MostlySatisfied: "基本满意", Dissatisfied: "不满意"}, s)
}

// Valid reports whether s is a known rating.
func (s Satisfaction) Valid() bool { return oneOf(s, Satisfactions) }

// FollowUp is a scheduled call, visit or look-back meeting.
type FollowUp struct {
	ID           uuid.UUID
	Kind         FollowUpKind
	Due          time.Time
	DoneAt       time.Time // zero until done
	Outcome      string
	Satisfaction Satisfaction
}

// Done reports whether the follow-up has been carried out.
func (f FollowUp) Done() bool { return !f.DoneAt.IsZero() }

// Overdue reports whether it is past due and not done at now.
func (f FollowUp) Overdue(now time.Time) bool { return !f.Done() && now.After(f.Due) }

// Note is a free-text remark, append-only.
type Note struct {
	ID    uuid.UUID
	Text  string
	Actor string
	At    time.Time
}

// PinnedArticle is a statute article pinned to a case for its legal guide.
type PinnedArticle struct {
	Article string // stable id, or the citation as typed
	Title   string
}

// StepCount is the number of steps of the seven-step interview.
const StepCount = 7

// StepNames are the Chinese names of the interview steps, 1-based order.
var StepNames = [StepCount]string{"空间置换", "时间切片", "角色代入", "证据拼图", "法律导航", "情绪止损", "回访闭环"}

// StepState is the progress of one interview step.
type StepState struct {
	Done    bool
	At      time.Time // when Done last changed; zero if never
	Checked []string  // the checklist items ticked, sorted; nil if none
}
