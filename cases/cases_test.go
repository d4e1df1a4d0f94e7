package cases

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

func mustEvent(t *testing.T, id uuid.UUID, p Payload) Event {
	t.Helper()
	e, err := NewEvent(id, p)
	if err != nil {
		t.Fatal(err)
	}
	e.ID = uuid.Must(uuid.NewV7())
	e.At = time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC)
	e.Actor = "王接待"
	return e
}

func TestValidateIDNumber(t *testing.T) {
	for _, ok := range []string{"11010519491231002X", "11010519491231002x", "440524188001010014"} {
		if err := ValidateIDNumber(ok); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
	for id, why := range map[string]string{
		"110105194912310021": "校验位",
		"11010519491231002":  "18位",
		"1101051949123100AX": "数字",
		"11010519491331002" + string(IDCheckChar("11010519491331002")): "出生日期",
		"11010519491231002XX": "18位",
	} {
		err := ValidateIDNumber(id)
		v, ok := AsValidation(err)
		if !ok || !strings.Contains(v.Message, why) {
			t.Errorf("%s: got %v, want a message about %s", id, err, why)
		}
	}
	first := "44052418800101001"
	if got := ValidateIDNumber(first + string(IDCheckChar(first))); got != nil {
		t.Errorf("IDCheckChar gives a number that fails: %v", got)
	}
}

func TestMasking(t *testing.T) {
	if got := MaskIDNumber("11010519491231002X"); got != "110105********002X" {
		t.Errorf("MaskIDNumber = %s", got)
	}
	if got := MaskName("欧阳娜娜"); got != "欧***" {
		t.Errorf("MaskName = %s", got)
	}
}

func TestIntensityBands(t *testing.T) {
	for score, want := range map[int]IntensityLevel{0: IntensityGreen, 49: IntensityGreen, 50: IntensityAmber, 80: IntensityAmber, 81: IntensityRed, 100: IntensityRed} {
		if got := LevelForIntensity(score); got != want {
			t.Errorf("LevelForIntensity(%d) = %s, want %s", score, got, want)
		}
	}
	if err := (&IntensityScored{Score: 90, Level: IntensityAmber}).Validate(); err == nil {
		t.Error("a score with the wrong band was accepted")
	}
}

func TestHashCoversEveryField(t *testing.T) {
	base := mustEvent(t, uuid.Must(uuid.NewV7()), &NoteAdd{NoteID: uuid.Must(uuid.NewV7()), Text: "记录"})
	base.DeviceID, base.DeviceSeq, base.PrevHash = "dev", 3, "abc"
	h := base.ComputeHash()
	changes := map[string]func(*Event){
		"id":      func(e *Event) { e.ID = uuid.Must(uuid.NewV7()) },
		"case":    func(e *Event) { e.CaseID = uuid.Must(uuid.NewV7()) },
		"type":    func(e *Event) { e.Type = FactAdded },
		"payload": func(e *Event) { e.Payload = []byte(`{"text":"改"}`) },
		"actor":   func(e *Event) { e.Actor = "李" },
		"device":  func(e *Event) { e.DeviceID = "other" },
		"seq":     func(e *Event) { e.DeviceSeq = 4 },
		"base":    func(e *Event) { e.BaseVersion = 1 },
		"at":      func(e *Event) { e.At = e.At.Add(time.Millisecond) },
		"prev":    func(e *Event) { e.PrevHash = "abd" },
	}
	for name, change := range changes {
		e := base
		change(&e)
		if e.ComputeHash() == h {
			t.Errorf("changing %s leaves the hash unchanged", name)
		}
	}
	if base.ComputeHash() != h {
		t.Error("hash is not deterministic")
	}
}

// Two devices change the same field from the same version: the second
// change to arrive is kept as a conflict with both values; a later change
// based on the current version resolves it.
func TestConcurrentChangeKeepsBothValues(t *testing.T) {
	id := uuid.Must(uuid.NewV7())
	c, err := Replay([]Event{mustEvent(t, id, &Opened{Channel: ChannelVisit, Summary: "宅基地纠纷"})})
	if err != nil {
		t.Fatal(err)
	}
	a := mustEvent(t, id, &StatusChanged{Status: StatusAccepted})
	b := mustEvent(t, id, &StatusChanged{Status: StatusNotAccepted})
	for _, e := range []Event{a, b} {
		if err := Apply(&c, e); err != nil {
			t.Fatal(err)
		}
	}
	if c.Status != StatusAccepted || c.Versions.Status != 1 {
		t.Fatalf("status %s v%d, want the first change kept", c.Status, c.Versions.Status)
	}
	if !c.HasOpenConflict() || len(c.Conflicts) != 1 {
		t.Fatalf("conflicts %+v", c.Conflicts)
	}
	k := c.Conflicts[0]
	if k.Kept != string(StatusAccepted) || k.Other != string(StatusNotAccepted) || k.EventID != b.ID || k.Field != FieldStatus {
		t.Errorf("conflict %+v", k)
	}
	// A change to another field is no conflict.
	lv := mustEvent(t, id, &LevelChanged{Level: LevelCounty})
	if err := Apply(&c, lv); err != nil || len(c.Conflicts) != 1 {
		t.Fatalf("level change: %v, conflicts %d", err, len(c.Conflicts))
	}
	decide := mustEvent(t, id, &StatusChanged{Status: StatusNotAccepted})
	decide.BaseVersion = 1
	if err := Apply(&c, decide); err != nil {
		t.Fatal(err)
	}
	if c.HasOpenConflict() || c.Status != StatusNotAccepted {
		t.Errorf("after deciding: status %s, open conflict %v", c.Status, c.HasOpenConflict())
	}
	ahead := mustEvent(t, id, &StatusChanged{Status: StatusConcluded})
	ahead.BaseVersion = 9
	if err := Apply(&c, ahead); err == nil {
		t.Error("a change based on a version never seen was applied")
	}
}

func TestFactSplitAndConflictOnCard(t *testing.T) {
	id := uuid.Must(uuid.NewV7())
	f, g, h := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	evs := []Event{
		mustEvent(t, id, &Opened{Channel: ChannelLetter, Summary: "采光受影响"}),
		mustEvent(t, id, &FactAdd{FactID: f, Text: "新楼挡光，冬至日照不足一小时", Status: FactPending, Order: 1}),
		mustEvent(t, id, &FactAdd{FactID: g, Text: "新楼挡光", Status: FactConfirmed, Order: 1, Supersedes: []uuid.UUID{f}}),
		mustEvent(t, id, &FactAdd{FactID: h, Text: "冬至日照不足一小时", Status: FactDisputed, Order: 2, Supersedes: []uuid.UUID{f}}),
		mustEvent(t, id, &FactStatusChange{FactID: h, Status: FactConfirmed}),
		mustEvent(t, id, &FactStatusChange{FactID: h, Status: FactPending}), // same base: concurrent
	}
	c, err := Replay(evs)
	if err != nil {
		t.Fatal(err)
	}
	cur := c.CurrentFacts()
	if len(cur) != 2 || cur[0].ID != g || cur[1].ID != h {
		t.Fatalf("current facts %+v", cur)
	}
	if c.Fact(f).SupersededBy != g {
		t.Error("split original not marked superseded by the first new card")
	}
	if p := c.FactProgress(); p.Confirmed != 2 || p.Total() != 2 || p.Share() != 1 {
		t.Errorf("progress %+v", p)
	}
	if len(c.Conflicts) != 1 || c.Conflicts[0].Field != FieldFactStatus || c.Conflicts[0].EntityID != h {
		t.Errorf("conflicts %+v", c.Conflicts)
	}
	bad := mustEvent(t, id, &FactAdd{FactID: uuid.Must(uuid.NewV7()), Text: "x", Status: FactPending, Supersedes: []uuid.UUID{uuid.Must(uuid.NewV7())}})
	if err := Apply(&c, bad); err == nil {
		t.Error("superseding an unknown card was accepted")
	}
}

func TestEventsBeforeOpeningRefused(t *testing.T) {
	var c Case
	e := mustEvent(t, uuid.Must(uuid.NewV7()), &NoteAdd{NoteID: uuid.Must(uuid.NewV7()), Text: "x"})
	if err := Apply(&c, e); err == nil {
		t.Error("a note on a case never opened was accepted")
	}
	open := mustEvent(t, e.CaseID, &Opened{Channel: ChannelPhone})
	if err := Apply(&c, open); err != nil {
		t.Fatal(err)
	}
	if err := Apply(&c, open); err == nil {
		t.Error("a case opened twice")
	}
}

func TestFollowUpDueDefaults(t *testing.T) {
	end := time.Date(2026, 1, 30, 9, 0, 0, 0, time.UTC)
	for k, want := range map[FollowUpKind]time.Time{
		FollowUpCall:     end.Add(48 * time.Hour),
		FollowUpVisit:    time.Date(2026, 2, 6, 9, 0, 0, 0, time.UTC),
		FollowUpLookBack: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
	} {
		if got := k.DefaultDue(end); !got.Equal(want) {
			t.Errorf("%s due %v, want %v", k, got, want)
		}
	}
	f := FollowUp{Due: end}
	if !f.Overdue(end.Add(time.Minute)) || f.Overdue(end.Add(-time.Minute)) {
		t.Error("overdue wrong")
	}
}

func TestValidationMessagesAreChinese(t *testing.T) {
	payloads := []Payload{
		&Opened{Channel: "fax"},
		&PartyAdd{PartyID: uuid.Must(uuid.NewV7()), Role: RolePetitioner},
		&FactAdd{FactID: uuid.Must(uuid.NewV7()), Status: FactPending},
		&FactAdd{FactID: uuid.Must(uuid.NewV7()), Text: strings.Repeat("长", MaxFactText+1), Status: FactPending},
		&EvidenceAdd{EvidenceID: uuid.Must(uuid.NewV7()), SHA256: "zz", FileName: "a.jpg"},
		&EvidenceDate{EvidenceID: uuid.Must(uuid.NewV7()), Date: "2024/03/15"},
		&EvidenceDate{Date: "2024-03-15"},
		&Escalated{Level: LevelCounty, Rule: RuleCollective},
		&FollowUpComplete{FollowUpID: uuid.Must(uuid.NewV7())},
		&StepProgress{Step: 8},
		&StepCheck{Step: 1},
		&ArticlePin{Pinned: true},
		&StepCheck{Step: 0, Item: "递水"},
		&PartyAdd{PartyID: uuid.Must(uuid.NewV7()), Role: RolePetitioner, Name: "张三", Phone: "138abc"},
	}
	for _, p := range payloads {
		err := p.Validate()
		v, ok := AsValidation(err)
		if !ok || v.Message == "" || !containsHan(v.Message) {
			t.Errorf("%T: %v has no Chinese message", p, err)
		}
	}
}

func containsHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}
