package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"jiefang/cases"
)

// near reports whether got is within a minute of want.
func near(got, want time.Time) bool {
	d := got.Sub(want)
	return d > -time.Minute && d < time.Minute
}

// Step 7: 安排回访 schedules the three follow-ups at once, due +48 h,
// +7 days and +30 days; one is rescheduled, one moved into the past shows
// 已逾期 in red; one completed 满意 leaves the case as it is, one
// completed 不满意 reopens it, which the header, the panel and the status
// line say.
func TestFollowUpsWorkflow(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	id := addCase(t, s, "低保资格被取消")
	cs := openCaseScreen(t, w, s, id)
	test.Tap(cs.stepBtns[6])
	p := cs.follow
	if cs.step != 7 || !p.schedule.Visible() || !findLabel(cs.panel, "还没有安排回访") {
		t.Fatalf("step %d, 安排回访 visible %v", cs.step, p.schedule.Visible())
	}
	before := time.Now()
	test.Tap(p.schedule)
	cs.wait()
	after := time.Now()
	fs := cs.c.FollowUps
	if len(fs) != 3 {
		t.Fatalf("%d follow-ups scheduled, want 3", len(fs))
	}
	offsets := []time.Time{before.Add(48 * time.Hour), before.AddDate(0, 0, 7), before.AddDate(0, 0, 30)}
	for i, f := range fs {
		if f.Kind != cases.FollowUpKinds[i] {
			t.Errorf("follow-up %d is %s, want %s", i, f.Kind, cases.FollowUpKinds[i])
		}
		if !near(f.Due, offsets[i]) || f.Due.Sub(offsets[i]) > after.Sub(before)+time.Millisecond {
			t.Errorf("%s due %v, want about %v", f.Kind, f.Due, offsets[i])
		}
	}
	// One append: the three events are next to each other in the log.
	evs, err := s.Events(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(evs); n < 3 || evs[n-1].Type != cases.FollowUpScheduled || evs[n-2].Type != cases.FollowUpScheduled || evs[n-3].Type != cases.FollowUpScheduled {
		t.Error("the three follow-ups were not appended together")
	}
	if p.schedule.Visible() || len(p.rows) != 3 {
		t.Fatalf("after scheduling: button visible %v, %d rows", p.schedule.Visible(), len(p.rows))
	}
	for i, r := range p.rows {
		if r.state.Text != "待回访" || r.kind.Text != fs[i].Kind.Label() {
			t.Errorf("row %d: %q %q", i, r.kind.Text, r.state.Text)
		}
		if want := cases.Local(fs[i].Due).Format("2006-01-02 15:04"); !strings.Contains(r.due.Text, want) {
			t.Errorf("row %d due %q, want China time %s", i, r.due.Text, want)
		}
	}
	p.onSchedule() // a second time: nothing more
	cs.wait()
	if len(cs.c.FollowUps) != 3 {
		t.Fatalf("%d follow-ups after scheduling twice", len(cs.c.FollowUps))
	}

	// 改期: the dialog starts at the current due, in China time.
	test.Tap(p.rows[0].reschedule)
	if p.dlg == nil {
		t.Fatal("no 改期 dialog")
	}
	due := cases.Local(fs[0].Due)
	if p.dlgDate.Text != due.Format("2006-01-02") || p.dlgTime.Text != due.Format("15:04") {
		t.Errorf("改期 starts at %q %q, want %v", p.dlgDate.Text, p.dlgTime.Text, due)
	}
	p.dlgDate.SetText("2030-05-06")
	p.dlgTime.SetText("09:30")
	p.dlg.Submit()
	cs.wait()
	if want := time.Date(2030, 5, 6, 1, 30, 0, 0, time.UTC); !cs.c.FollowUps[0].Due.Equal(want) {
		t.Errorf("rescheduled to %v, want %v", cs.c.FollowUps[0].Due, want)
	}
	if !strings.Contains(p.rows[0].due.Text, "2030-05-06 09:30") {
		t.Errorf("rescheduled row reads %q", p.rows[0].due.Text)
	}
	// A malformed date keeps the dialog from saving.
	test.Tap(p.rows[1].reschedule)
	p.dlgDate.SetText("2030-5-6x")
	p.dlg.Submit()
	cs.wait()
	if p.dlg == nil || !cs.c.FollowUps[1].Due.Equal(fs[1].Due) {
		t.Fatal("a malformed date was accepted")
	}
	// Into the past: 已逾期, in red.
	p.dlgDate.SetText("2020-01-02")
	p.dlgTime.SetText("08:00")
	p.dlg.Submit()
	cs.wait()
	if r := p.rows[1]; r.state.Text != "已逾期" || r.state.Importance != widget.DangerImportance {
		t.Errorf("overdue row reads %q (importance %v)", r.state.Text, r.state.Importance)
	}

	// 完成 without a satisfaction: refused, the dialog opens again with
	// the outcome typed.
	test.Tap(p.rows[0].complete)
	test.Type(p.dlgResult, "已电话联系，补发低保金")
	p.dlg.Submit()
	cs.wait()
	if cs.c.FollowUps[0].Done() || p.dlg == nil || p.dlgResult.Text != "已电话联系，补发低保金" {
		t.Fatalf("completed without a satisfaction, or the outcome was lost (%q)", p.dlgResult.Text)
	}
	p.dlgSat.SetSelected("满意")
	p.dlg.Submit()
	cs.wait()
	f := cs.c.FollowUps[0]
	if !f.Done() || f.Satisfaction != cases.Satisfied || f.Outcome != "已电话联系，补发低保金" {
		t.Fatalf("completed call: %+v", f)
	}
	if got := p.rows[0].state.Text; got != "已完成 · 满意 · 已电话联系，补发低保金" {
		t.Errorf("completed row reads %q", got)
	}
	if !p.rows[0].complete.Disabled() || !p.rows[0].reschedule.Disabled() {
		t.Error("a completed follow-up can still be changed")
	}
	if cs.c.Status == cases.StatusReopened || p.reopened.Visible() {
		t.Fatal("满意 reopened the case")
	}

	test.Tap(p.rows[1].complete)
	test.Type(p.dlgResult, "补助仍未到位")
	p.dlgSat.SetSelected("不满意")
	p.dlg.Submit()
	cs.wait()
	if cs.c.Status != cases.StatusReopened {
		t.Fatalf("after 不满意 the case is %s", cs.c.Status)
	}
	if !strings.Contains(cs.meta.Text, "重新办理") || !strings.Contains(cs.status.Text, "重新办理") || !p.reopened.Visible() {
		t.Errorf("reopening not shown: header %q, status line %q, panel %v", cs.meta.Text, cs.status.Text, p.reopened.Visible())
	}
	if r := p.rows[1]; !strings.HasPrefix(r.state.Text, "已完成 · 不满意") {
		t.Errorf("dissatisfied row reads %q", r.state.Text)
	}
	if r := p.rows[2]; r.state.Text != "待回访" || r.complete.Disabled() {
		t.Errorf("the look-back row reads %q", r.state.Text)
	}

	c, err := s.Case(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != cases.StatusReopened || !c.FollowUps[0].Done() || !c.FollowUps[1].Done() || c.FollowUps[2].Done() {
		t.Errorf("stored: status %s, follow-ups %+v", c.Status, c.FollowUps)
	}
	if _, err := s.Verify(context.Background(), nil); err != nil {
		t.Errorf("the log and the tables disagree: %v", err)
	}
}
