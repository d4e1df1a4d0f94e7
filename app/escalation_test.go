package app

import (
	"context"
	"image/color"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/store"
)

// escalateCase writes an automatic escalation of case id, triggered by
// triggers, to s.
func escalateCase(t *testing.T, s *store.Store, id uuid.UUID, triggers ...uuid.UUID) {
	t.Helper()
	ctx := context.Background()
	c, err := s.Case(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	e, err := cases.NewEvent(id, &cases.Escalated{Level: cases.EscalatedLevel(c.MediationLevel), Rule: cases.RuleCollective, Triggers: triggers})
	if err != nil {
		t.Fatal(err)
	}
	e.BaseVersion = c.Versions.MediationLevel
	if _, err := s.Append(ctx, e); err != nil {
		t.Fatal(err)
	}
}

// A case escalated automatically says so in step 6 and in 三维甄别, in
// words: to which level, by which rule, and the cases that triggered it
// by their numbers (by the start of the id for a case not on this desk).
// A case not escalated shows no such line.
func TestEscalationShownOnCase(t *testing.T) {
	ctx := context.Background()
	w := newTestWindow(t)
	s := newTestStore(t)
	t1 := addCase(t, s, "东山村二十户联名反映征地补偿")
	t2 := addCase(t, s, "西山村十五户联名反映征地补偿")
	elsewhere := newID(t) // a case this desk does not hold
	id := addCase(t, s, "北山村三十户联名反映征地补偿")
	plain := addCase(t, s, "一户反映采光")
	escalateCase(t, s, id, t1, t2, elsewhere)
	c1, _ := s.Case(ctx, t1)
	c2, _ := s.Case(ctx, t2)

	cs := openCaseScreen(t, w, s, plain)
	cs.showStep(6)
	if cs.calm.escalation.Visible() || cs.calm.escalation.Text != "" {
		t.Errorf("a case not escalated shows %q", cs.calm.escalation.Text)
	}

	cs = openCaseScreen(t, w, s, id)
	cs.showStep(6)
	l := cs.calm.escalation
	if !l.Visible() || l.Importance != widget.DangerImportance {
		t.Fatalf("the escalation is not shown in step 6: %q", l.Text)
	}
	for _, want := range []string{"已自动升级至县级：3 件此前的集体信访与本案相似（规则：集体联名）", c1.Number(), c2.Number(), elsewhere.String()[:8]} {
		if !strings.Contains(l.Text, want) {
			t.Errorf("step 6 says %q, lacking %q", l.Text, want)
		}
	}
	if !findLabel(cs.calm.content(), "已自动升级至县级") {
		t.Error("the escalation line is not on the panel")
	}
	test.Tap(cs.screenBtn)
	cs.wait()
	if e := cs.screen.escalation; !e.Visible() || e.Text != l.Text {
		t.Errorf("三维甄别 says %q (shown %v), want %q", e.Text, e.Visible(), l.Text)
	}
	if !findLabel(cs.screen.content(), c1.Number()) {
		t.Error("the escalation line is not on the 三维甄别 view")
	}
}

// The case list shows an escalated case red, and says so in words.
func TestEscalatedRowIsRed(t *testing.T) {
	row := newCaseRow()
	l := cases.Listing{Number: "K7Q2-20260302-0001", Status: cases.StatusReceived, MediationLevel: cases.LevelCounty, Channel: cases.ChannelVisit,
		Intensity: 45, IntensityLevel: cases.IntensityGreen, Escalated: true}
	fillCaseRow(row, l)
	if !containsText(row, "强度 45 红色 · 已自动升级") {
		t.Error("an escalated row does not say red and escalated in words")
	}
	if got := rowBadge(row); got != intensityColor(cases.IntensityRed) {
		t.Errorf("an escalated row's badge is %v, want red", got)
	}
	l.Escalated = false
	fillCaseRow(row, l)
	if !containsText(row, "强度 45 绿色") || containsText(row, "升级") || rowBadge(row) != intensityColor(cases.IntensityGreen) {
		t.Error("a row not escalated is not shown by its intensity alone")
	}
	l.IntensityLevel, l.Intensity = cases.IntensityRed, 90
	fillCaseRow(row, l)
	if !containsText(row, "强度 90 红色") || containsText(row, "升级") || rowBadge(row) != intensityColor(cases.IntensityRed) {
		t.Error("a red row not escalated")
	}
}

// rowBadge is the colour of a case row's badge.
func rowBadge(row fyne.CanvasObject) color.Color {
	return row.(*fyne.Container).Objects[1].(*canvas.Rectangle).FillColor
}

// A change that alters what a case is compared by runs the collective
// rule and records the escalation it calls for, based on the level's
// version; a change that does not (a ticked checklist item) does not ask;
// with no breadth screening nothing happens.
func TestChangeRunsCollectiveRule(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	t1, t2, t3 := addCase(t, s, "一"), addCase(t, s, "二"), addCase(t, s, "三")
	id := addCase(t, s, "三十户联名反映安置房分配不公")
	c, err := s.Case(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeScreening{escalation: &cases.Escalated{Level: cases.LevelCounty, Rule: cases.RuleCollective, Triggers: []uuid.UUID{t1, t2, t3}}}

	tick, err := cases.NewEvent(id, &cases.StepCheck{Step: 1, Item: "identity", Checked: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(ctx, tick); err != nil {
		t.Fatal(err)
	}
	if got, err := screenChange(ctx, s, nil, f, c, []cases.Event{tick}); err != nil || f.escalations != 0 || got.Escalation != nil {
		t.Fatalf("a checklist tick asked the rule %d times (err %v)", f.escalations, err)
	}
	if got, err := screenChange(ctx, s, nil, nil, c, []cases.Event{tick}); err != nil || got.Escalation != nil {
		t.Fatalf("no screening: %v, %+v", err, got.Escalation)
	}

	fact, err := cases.NewEvent(id, &cases.FactAdd{FactID: uuid.New(), Text: "分到房的人不在本村居住。", Status: cases.FactPending})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(ctx, fact); err != nil {
		t.Fatal(err)
	}
	c, _ = s.Case(ctx, id)
	got, err := screenChange(ctx, s, nil, f, c, []cases.Event{fact})
	if err != nil {
		t.Fatal(err)
	}
	if f.escalations != 1 || got.Escalation == nil || got.MediationLevel != cases.LevelCounty || len(got.Conflicts) != 0 {
		t.Fatalf("after a new fact: asked %d, escalation %+v, level %s, conflicts %v", f.escalations, got.Escalation, got.MediationLevel, got.Conflicts)
	}
	// The store has it, and the list says 红色.
	again, _ := s.Case(ctx, id)
	if again.Escalation == nil || len(again.Escalation.Triggers) != 3 {
		t.Errorf("stored escalation %+v", again.Escalation)
	}
}
