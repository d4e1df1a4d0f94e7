package app

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/store"
)

// addCase opens a case in s directly and returns its id.
func addCase(t *testing.T, s *store.Store, summary string) uuid.UUID {
	t.Helper()
	ctx := context.Background()
	if a, _ := s.Actor(ctx); a == "" {
		if err := s.SetActor(ctx, "王芳"); err != nil {
			t.Fatal(err)
		}
	}
	id := newID(t)
	e, err := cases.NewEvent(id, &cases.Opened{Channel: cases.ChannelVisit, Category: "征地补偿", Summary: summary})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(ctx, e); err != nil {
		t.Fatal(err)
	}
	return id
}

// testUI stands in for the desktop driver's event loop. The test
// driver's fyne.Do runs a background result at once on the background
// goroutine, racing whatever the test goroutine does next with the
// widgets; here the result waits until the test settles, and then runs
// on the test goroutine, as it would run on the UI goroutine.
type testUI chan func()

func newTestUI() testUI { return make(testUI, 1000) }

func (u testUI) do(f func()) { u <- f }

// settle runs the results of background work until none is left; busy
// counts the work under way (a screen's busy).
func (u testUI) settle(busy ...*sync.WaitGroup) {
	for {
		for _, b := range busy {
			b.Wait()
		}
		select {
		case f := <-u:
			f()
		default:
			return
		}
	}
}

// screenUnderTest is a case screen whose background results wait in ui.
type screenUnderTest struct {
	*caseScreen
	ui testUI
}

// wait lets the screen's background work finish and be shown.
func (cs *screenUnderTest) wait() { cs.ui.settle(&cs.busy) }

// openCaseScreen shows case id of s in w, loaded.
func openCaseScreen(t *testing.T, w fyne.Window, s CaseStore, id uuid.UUID) *screenUnderTest {
	t.Helper()
	cs := &screenUnderTest{newCaseScreen(fyne.CurrentApp(), w, s, id, nil), newTestUI()}
	cs.caseScreen.ui = cs.ui.do
	w.SetContent(cs.content())
	cs.load()
	cs.wait()
	if !cs.loaded {
		t.Fatalf("case not loaded; status line %q", cs.status.Text)
	}
	t.Cleanup(cs.leave)
	return cs
}

// findLabel reports whether a label under o contains want.
func findLabel(o fyne.CanvasObject, want string) bool {
	found := false
	walk(o, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, want) {
			found = true
		}
	})
	return found
}

// walk visits o and everything rendered under it.
func walk(o fyne.CanvasObject, visit func(fyne.CanvasObject)) {
	visit(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walk(c, visit)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			walk(c, visit)
		}
	}
}

// A tapped row of the case list opens the case in the main window; the
// stepper starts at the first step not done, marks a done step with a
// check mark and the word, records done and undone at once, and 返回列表 goes back.
func TestCaseScreenFromListAndBack(t *testing.T) {
	a := test.NewTempApp(t)
	s := newTestStore(t)
	id := addCase(t, s, "补偿款至今只拿到一半")
	d := NewDesk(a, Deps{Cases: s, DeviceCode: s.Device().Code})
	t.Cleanup(d.win.Close)
	ui := newTestUI()
	d.ui, d.home.ui = ui.do, ui.do
	rows, err := d.home.fetch("", cases.ListQuery{})
	if err != nil {
		t.Fatal(err)
	}
	d.home.show("", rows)
	d.home.list.Select(0)
	cs := d.open
	if cs == nil || d.win.Content() != cs.content() {
		t.Fatal("tapping the row did not open the case")
	}
	ui.settle(&cs.busy, &d.home.busy)
	c, _ := s.Case(context.Background(), id)
	if cs.number.Text != c.Number() || !strings.Contains(cs.meta.Text, "征地补偿") || !strings.Contains(cs.meta.Text, "已登记") ||
		cs.summary.Text != "补偿款至今只拿到一半" {
		t.Errorf("header: %q %q %q", cs.number.Text, cs.meta.Text, cs.summary.Text)
	}
	if cs.step != 1 || cs.stepBtns[0].Importance != widget.HighImportance || cs.stepBtns[1].Importance == widget.HighImportance {
		t.Fatalf("starts at step %d", cs.step)
	}
	for i, b := range cs.stepBtns {
		if want := fmt.Sprintf("%d  %s", i+1, cases.StepNames[i]); b.Text != want {
			t.Errorf("step %d reads %q", i+1, b.Text)
		}
	}

	// Step 5: its panel (the category, a place to pin articles) and the
	// done toggle.
	test.Tap(cs.stepBtns[4])
	if cs.step != 5 || cs.stepBtns[4].Importance != widget.HighImportance || cs.stepBtns[0].Importance == widget.HighImportance {
		t.Fatalf("tapping step 5 shows step %d", cs.step)
	}
	if !findLabel(cs.panel, "案件类别：征地补偿") || !findLabel(cs.panel, "法律导航") {
		t.Error("step 5 does not show the case's category")
	}
	test.Tap(cs.done)
	ui.settle(&cs.busy, &d.home.busy)
	c, _ = s.Case(context.Background(), id)
	if !c.Steps[4].Done {
		t.Fatal("step 5 not recorded as done")
	}
	if want := "5  法律导航  · 已完成"; cs.stepBtns[4].Text != want || cs.stepBtns[4].Icon != theme.ConfirmIcon() {
		t.Errorf("done step reads %q with icon %v, want %q with a check mark", cs.stepBtns[4].Text, cs.stepBtns[4].Icon, want)
	}
	test.Tap(cs.done) // and undone
	ui.settle(&cs.busy, &d.home.busy)
	c, _ = s.Case(context.Background(), id)
	if c.Steps[4].Done || strings.Contains(cs.stepBtns[4].Text, "已完成") || cs.stepBtns[4].Icon != nil {
		t.Error("step 5 not recorded as undone")
	}

	// Step 2 holds the fact cards and its shortcuts; leaving it drops them.
	test.Tap(cs.stepBtns[1])
	if !cs.facts.bound || !findLabel(cs.panel, "时间切片") {
		t.Fatal("step 2 not shown with its shortcuts")
	}
	test.Tap(cs.stepBtns[0])
	if cs.facts.bound {
		t.Error("step 1 shown with step 2's shortcuts still on")
	}

	test.Tap(cs.backBtn)
	if d.open != nil || d.win.Content() != d.homeView {
		t.Fatal("返回列表 did not go back to the list")
	}
	if !cs.left {
		t.Error("the case screen was not left")
	}
	ui.settle(&d.home.busy) // the list read again
	if d.home.list.Length() != 1 {
		t.Errorf("the list shows %d cases", d.home.list.Length())
	}
}

// After 新接待 registers a case, its interview opens at once.
func TestNewReceptionOpensTheCase(t *testing.T) {
	a := test.NewTempApp(t)
	s := newTestStore(t)
	id := addCase(t, s, "新楼挡住采光")
	d := NewDesk(a, Deps{Cases: s, DeviceCode: s.Device().Code})
	t.Cleanup(d.win.Close)
	ui := newTestUI()
	d.ui, d.home.ui = ui.do, ui.do
	c, _ := s.Case(context.Background(), id)
	d.home.onCaseCreated(id, c.Number())
	if d.open == nil || d.open.id != id {
		t.Fatal("the new case was not opened")
	}
	ui.settle(&d.open.busy, &d.home.busy)
	if !strings.Contains(d.open.status.Text, c.Number()) || d.open.number.Text != c.Number() {
		t.Errorf("status %q, number %q", d.open.status.Text, d.open.number.Text)
	}
	if len(d.win.Canvas().Overlays().List()) != 0 {
		t.Error("a dialog stands in the way of the interview")
	}
}

// The petitioner view opens once (a second tap brings it forward), shows
// no staff name or case number, closes on its own without touching the
// main window, and closes when the case is left.
func TestPetitionerViewWindow(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	id := addCase(t, s, "工地夜间施工，影响休息")
	cs := openCaseScreen(t, w, s, id)
	test.Tap(cs.openView)
	v := cs.petitioner
	if v == nil {
		t.Fatal("no petitioner view")
	}
	n := len(fyne.CurrentApp().Driver().AllWindows())
	test.Tap(cs.openView)
	if cs.petitioner != v || len(fyne.CurrentApp().Driver().AllWindows()) != n {
		t.Fatal("a second tap opened a second view")
	}
	if v.summary.Text != "工地夜间施工，影响休息" || v.progress.Text() != "还没有事实卡片" {
		t.Errorf("view shows %q, %q", v.summary.Text, v.progress.Text())
	}
	c, _ := s.Case(context.Background(), id)
	walk(v.win.Content(), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && (strings.Contains(l.Text, "王芳") || strings.Contains(l.Text, c.Number())) {
			t.Errorf("petitioner view shows %q", l.Text)
		}
	})
	if got := v.body.Theme.Size(theme.SizeNameText); got != 2*fyne.CurrentApp().Settings().Theme().Size(theme.SizeNameText) {
		t.Errorf("petitioner text size %v: not large", got)
	}

	v.win.Close()
	if cs.petitioner != nil {
		t.Fatal("closed view still held")
	}
	if cs.left || w.Content() != cs.content() {
		t.Fatal("closing the view touched the main window")
	}
	test.Tap(cs.openView)
	v = cs.petitioner
	if v == nil {
		t.Fatal("view not reopened")
	}
	before := len(fyne.CurrentApp().Driver().AllWindows())
	cs.onBack()
	if cs.petitioner != nil || len(fyne.CurrentApp().Driver().AllWindows()) != before-1 {
		t.Error("leaving the case left the petitioner view open")
	}
}

// Step 1's checklist: each tick is recorded at once and is there after
// the store is opened again; unticking removes it.
func TestSpaceChecklistRecorded(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	id := addCase(t, s, "邻居建房挡光")
	cs := openCaseScreen(t, w, s, id)
	cs.showStep(1)
	if len(cs.checks) != len(spaceChecklist) {
		t.Fatalf("%d checklist items shown, want %d", len(cs.checks), len(spaceChecklist))
	}
	test.Tap(cs.checks["圆桌"])
	cs.wait()
	test.Tap(cs.checks["递水"])
	cs.wait()
	test.Tap(cs.checks["圆桌"]) // untick
	cs.wait()
	c, err := s.Case(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Steps[0].Checked; len(got) != 1 || got[0] != "递水" {
		t.Fatalf("step 1 checklist stored as %v, want [递水]", got)
	}
	if !cs.checks["递水"].Checked || cs.checks["圆桌"].Checked {
		t.Error("the checklist on screen does not match what was stored")
	}
	// Another screen on the same case shows the stored state.
	again := openCaseScreen(t, w, s, id)
	again.showStep(1)
	if !again.checks["递水"].Checked || again.checks["撤桌牌"].Checked {
		t.Error("a reopened case does not show its checklist")
	}
}
