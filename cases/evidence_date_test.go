package cases

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// The date of evidence.dated has the form and meaning of evidence.added's:
// YYYY-MM-DD, "" for no date; an id is required and a date before 1900
// is refused, each with a typed error and a Chinese message.
func TestEvidenceDateValidate(t *testing.T) {
	id := uuid.Must(uuid.NewV7())
	for _, ok := range []string{"", "1900-01-01", "2019-05-01", "2024-02-29"} {
		if err := (&EvidenceDate{EvidenceID: id, Date: ok}).Validate(); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for date, want := range map[string]string{
		"2024-3-15":   "2024-03-15",
		"15/03/2024":  "2024-03-15",
		"2024-02-30":  "2024-03-15",
		"2024-03-15 ": "2024-03-15",
		"20240315":    "2024-03-15",
		"1899-12-31":  "1900",
		"0999-01-01":  "1900",
	} {
		err := (&EvidenceDate{EvidenceID: id, Date: date}).Validate()
		v, ok := AsValidation(err)
		if !ok || v.Code != CodeInvalid || v.Field != "evidence.document_date" || !strings.Contains(v.Message, want) || !containsHan(v.Message) {
			t.Errorf("%q: got %v, want an invalid date naming %s", date, err, want)
		}
	}
	err := (&EvidenceDate{Date: "2019-05-01"}).Validate()
	if v, ok := AsValidation(err); !ok || v.Code != CodeRequired || v.Field != "evidence.id" {
		t.Errorf("no id: got %v", err)
	}
	if _, err := NewEvent(id, &EvidenceDate{EvidenceID: id, Date: "2019-5-1"}); err == nil {
		t.Error("NewEvent took a malformed date")
	}
}

// The payload on the wire: the evidence id and document_date, also when
// the date is cleared; Decode gives it back and checks it.
func TestEvidenceDateJSON(t *testing.T) {
	cid, eid := uuid.Must(uuid.NewV7()), uuid.MustParse("0192a3b4-c5d6-7e8f-9012-3456789abcde")
	for date, want := range map[string]string{
		"2019-05-01": `{"evidence_id":"0192a3b4-c5d6-7e8f-9012-3456789abcde","document_date":"2019-05-01"}`,
		"":           `{"evidence_id":"0192a3b4-c5d6-7e8f-9012-3456789abcde","document_date":""}`,
	} {
		e, err := NewEvent(cid, &EvidenceDate{EvidenceID: eid, Date: date})
		if err != nil {
			t.Fatal(err)
		}
		if e.Type != "evidence.dated" || string(e.Payload) != want {
			t.Errorf("%s payload %s", e.Type, e.Payload)
		}
		raw := Event{CaseID: cid, Type: EvidenceDated, Payload: json.RawMessage(want)}
		p, err := Decode(raw)
		if err != nil {
			t.Fatal(err)
		}
		if d, ok := p.(*EvidenceDate); !ok || d.EvidenceID != eid || d.Date != date {
			t.Errorf("decoded %+v", p)
		}
	}
	bad := Event{CaseID: cid, Type: EvidenceDated, Payload: json.RawMessage(`{"evidence_id":"` + eid.String() + `","document_date":"2019/05/01"}`)}
	if _, err := Decode(bad); err == nil {
		t.Error("Decode took a malformed date")
	}
}

// A date more than a day after now, in China time, is refused.
func TestCheckDocumentDate(t *testing.T) {
	morning := time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC) // 10:00 on 1 May in China
	night := time.Date(2026, 5, 1, 20, 0, 0, 0, time.UTC)  // 04:00 on 2 May in China
	for _, c := range []struct {
		date string
		now  time.Time
		ok   bool
	}{
		{"", morning, true},
		{"2026-05-01", morning, true},
		{"2026-05-02", morning, true}, // a day's grace
		{"2026-05-03", morning, false},
		{"2027-01-01", morning, false},
		{"2026-05-03", night, true}, // China's day, not UTC's
		{"2026-05-04", night, false},
		{"1899-12-31", morning, false},
		{"2026-5-1", morning, false},
	} {
		err := CheckDocumentDate(c.date, c.now)
		if v, isV := AsValidation(err); c.ok != (err == nil) || (err != nil && (!isV || v.Code != CodeInvalid)) {
			t.Errorf("CheckDocumentDate(%q, %v) = %v", c.date, c.now, err)
		}
	}
	if got := LatestDocumentDate(night); got != "2026-05-03" {
		t.Errorf("LatestDocumentDate = %s", got)
	}
}

// evidenceCase is a case with one fact card and two evidence items, the
// first dated 2019-05-01, the second without a date.
func evidenceCase(t *testing.T) (c Case, id, dated, undated uuid.UUID) {
	t.Helper()
	id, f := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	dated, undated = uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	sum := strings.Repeat("ab", 32)
	c, err := Replay([]Event{
		mustEvent(t, id, &Opened{Channel: ChannelVisit, Summary: "征地补偿款未发放"}),
		mustEvent(t, id, &FactAdd{FactID: f, Text: "2019年签订征地协议", Status: FactPending, Order: 1}),
		mustEvent(t, id, &EvidenceAdd{EvidenceID: dated, SHA256: sum, FileName: "协议.jpg", MediaType: "image/jpeg", Size: 10, DocumentDate: "2019-05-01", Facts: []uuid.UUID{f}}),
		mustEvent(t, id, &EvidenceAdd{EvidenceID: undated, SHA256: strings.Repeat("cd", 32), FileName: "明细.pdf", MediaType: "application/pdf", Size: 10}),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, id, dated, undated
}

// evidence.dated sets or clears the date and counts the change; the item
// is marked as dated by hand, its other fields stay.
func TestEvidenceDatedApply(t *testing.T) {
	c, id, dated, undated := evidenceCase(t)
	if c.Evidence[0].DateEdited() || c.Evidence[0].Versions.Date != 0 {
		t.Fatalf("a new item counts as edited: %+v", c.Evidence[0])
	}
	set := mustEvent(t, id, &EvidenceDate{EvidenceID: undated, Date: "2018-03-15"})
	if err := Apply(&c, set); err != nil {
		t.Fatal(err)
	}
	ev := c.Evidence[1]
	if ev.DocumentDate != "2018-03-15" || ev.Versions.Date != 1 || !ev.DateEdited() || ev.FileName != "明细.pdf" || ev.SHA256 != strings.Repeat("cd", 32) {
		t.Fatalf("after setting the date: %+v", ev)
	}
	if c.Evidence[0].DocumentDate != "2019-05-01" || c.Evidence[0].DateEdited() {
		t.Errorf("the other item changed: %+v", c.Evidence[0])
	}
	clear := mustEvent(t, id, &EvidenceDate{EvidenceID: dated})
	if err := Apply(&c, clear); err != nil {
		t.Fatal(err)
	}
	if ev := c.Evidence[0]; ev.DocumentDate != "" || ev.Versions.Date != 1 || len(ev.Facts) != 1 {
		t.Fatalf("after clearing the date: %+v", ev)
	}
	if c.HasOpenConflict() || c.Events != 6 {
		t.Errorf("conflicts %+v, events %d", c.Conflicts, c.Events)
	}
}

// An unknown item is refused as a link to one is; a date after the day
// following the event's time is refused whatever the reader's clock says.
func TestEvidenceDatedRefused(t *testing.T) {
	c, id, dated, _ := evidenceCase(t)
	before := c.Evidence[0]
	link := mustEvent(t, id, &EvidenceLink{EvidenceID: uuid.Must(uuid.NewV7()), FactID: c.Facts[0].ID})
	linkErr, _ := AsValidation(Apply(&c, link))
	gone := mustEvent(t, id, &EvidenceDate{EvidenceID: uuid.Must(uuid.NewV7()), Date: "2019-05-02"})
	v, ok := AsValidation(Apply(&c, gone))
	if !ok || linkErr == nil || v.Code != CodeUnknown || v.Code != linkErr.Code || v.Field != linkErr.Field || v.Message != linkErr.Message {
		t.Errorf("unknown evidence: got %+v, want the error of a link to it (%+v)", v, linkErr)
	}
	// The event was written on 1 May 2026 (mustEvent): 2 May is allowed,
	// 3 May is not, although both lie in the past today.
	late := mustEvent(t, id, &EvidenceDate{EvidenceID: dated, Date: "2026-05-03"})
	if v, ok := AsValidation(Apply(&c, late)); !ok || v.Code != CodeInvalid || v.Field != "evidence.document_date" {
		t.Errorf("a date after the event's next day: got %v", v)
	}
	if c.Evidence[0].DocumentDate != before.DocumentDate || c.Evidence[0].Versions != before.Versions {
		t.Errorf("a refused change changed the item: %+v", c.Evidence[0])
	}
	grace := mustEvent(t, id, &EvidenceDate{EvidenceID: dated, Date: "2026-05-02"})
	if err := Apply(&c, grace); err != nil || c.Evidence[0].DocumentDate != "2026-05-02" {
		t.Errorf("the next day refused: %v", err)
	}
}

// Two devices change the same item's date from the same version: the
// first stays, the second is kept beside it as a conflict on that item; a
// change based on the current version decides it. A change to another
// item's date is no conflict.
func TestEvidenceDatedConflict(t *testing.T) {
	c, id, dated, undated := evidenceCase(t)
	a := mustEvent(t, id, &EvidenceDate{EvidenceID: dated, Date: "2019-04-30"})
	b := mustEvent(t, id, &EvidenceDate{EvidenceID: dated, Date: "2019-06-01"})
	other := mustEvent(t, id, &EvidenceDate{EvidenceID: undated, Date: "2020-01-01"})
	for _, e := range []Event{a, b, other} {
		if err := Apply(&c, e); err != nil {
			t.Fatal(err)
		}
	}
	if ev := c.Evidence[0]; ev.DocumentDate != "2019-04-30" || ev.Versions.Date != 1 {
		t.Fatalf("date %s v%d, want the first change kept", ev.DocumentDate, ev.Versions.Date)
	}
	if len(c.Conflicts) != 1 || !c.HasOpenConflict() {
		t.Fatalf("conflicts %+v", c.Conflicts)
	}
	k := c.Conflicts[0]
	if k.Field != FieldEvidenceDate || k.EntityID != dated || k.Kept != "2019-04-30" || k.Other != "2019-06-01" || k.EventID != b.ID {
		t.Errorf("conflict %+v", k)
	}
	decide := mustEvent(t, id, &EvidenceDate{EvidenceID: dated, Date: "2019-06-01"})
	decide.BaseVersion = 1
	if err := Apply(&c, decide); err != nil {
		t.Fatal(err)
	}
	if c.HasOpenConflict() || c.Evidence[0].DocumentDate != "2019-06-01" || c.Evidence[0].Versions.Date != 2 {
		t.Errorf("after deciding: %+v, conflicts %+v", c.Evidence[0], c.Conflicts)
	}
	ahead := mustEvent(t, id, &EvidenceDate{EvidenceID: dated, Date: "2019-07-01"})
	ahead.BaseVersion = 5
	if err := Apply(&c, ahead); err == nil {
		t.Error("a change based on a version never seen was applied")
	}
}
