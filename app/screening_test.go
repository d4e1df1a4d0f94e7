package app

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"jiefang/cases"
)

// fakeScreening finds one given similar case and one alert, and counts
// what it was asked about.
type fakeScreening struct {
	similar []SimilarCase
	alerts  RegistryCheck
	asked   []string // numbers of the cases asked about
	// escalation is what Escalation answers; escalations counts the
	// questions.
	escalation  *cases.Escalated
	escalations int
}

func (f *fakeScreening) Escalation(_ context.Context, c cases.Case) (*cases.Escalated, error) {
	f.escalations++
	return f.escalation, nil
}

func (f *fakeScreening) Similar(_ context.Context, c cases.Case, limit int) ([]SimilarCase, error) {
	f.asked = append(f.asked, c.Number())
	return f.similar, nil
}

func (f *fakeScreening) Alerts(_ context.Context, c cases.Case) (RegistryCheck, error) {
	return f.alerts, nil
}

// 三维甄别 shows the intensity with its reasons, the similar cases (a tap
// opens one in the window) and the registry alerts, each explained.
func TestScreeningView(t *testing.T) {
	a := test.NewTempApp(t)
	s := newTestStore(t)
	id := addCase(t, s, "再不给补偿款我就去把村委会炸了")
	other := addCase(t, s, "征地补偿款被截留，十七户没拿到钱")
	oc, _ := s.Case(context.Background(), other)
	f := &fakeScreening{
		similar: []SimilarCase{{ID: other, Number: oc.Number(), Category: "征地补偿", Summary: oc.Summary, Score: 0.62, Why: []string{"同一村：枫林村"}}},
		alerts: RegistryCheck{
			Alerts: []RegistryAlert{{Title: "安置对象不在本村户籍", Explanation: "刘*领取了安置房 3幢202室，但户籍登记中查无此人。"}},
			NotRun: []string{"被执行人购置房产"},
		},
	}
	d := NewDesk(a, Deps{Cases: s, DeviceCode: s.Device().Code, Scorer: testScorer(t), Similar: f, Registry: f})
	t.Cleanup(d.win.Close)
	ui := newTestUI()
	d.ui, d.home.ui = ui.do, ui.do
	d.openCase(id, "")
	cs := &screenUnderTest{d.open, ui}
	cs.wait()
	test.Tap(cs.screenBtn)
	cs.wait()
	if cs.step != screeningView || cs.screenBtn.Importance != widget.HighImportance {
		t.Fatalf("三维甄别 not shown (step %d)", cs.step)
	}
	p := cs.screen
	for _, want := range []string{"相似度 62%", "同一村：枫林村", "安置对象不在本村户籍", "户籍登记中查无此人", "未能核查：被执行人购置房产"} {
		if !findText(p.content(), want) {
			t.Errorf("the view lacks %q", want)
		}
	}
	if !findLabel(p.content(), "炸") {
		t.Error("the view does not say why the case scores what it does")
	}
	if len(f.asked) != 1 || f.asked[0] != cs.c.Number() {
		t.Errorf("asked about %v", f.asked)
	}
	var open *widget.Button
	for _, b := range buttons(p.content()) {
		if b.Text != "" && strings.Contains(b.Text, oc.Number()) {
			open = b
		}
	}
	if open == nil {
		t.Fatal("no button for the similar case")
	}
	test.Tap(open)
	ui.settle(&d.open.busy)
	if d.open.id != other {
		t.Fatal("tapping the similar case did not open it")
	}

	// Without screening, the view says so.
	d.deps.Similar, d.deps.Registry = nil, nil
	d.openCase(id, "")
	cs = &screenUnderTest{d.open, ui}
	cs.wait()
	test.Tap(cs.screenBtn)
	cs.wait()
	if !findLabel(cs.screen.content(), "没有启用相似案件查找") {
		t.Error("without screening the view does not say so")
	}
}

// findText reports whether a label or button under o contains want.
func findText(o fyne.CanvasObject, want string) bool {
	found := false
	walk(o, func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Label:
			found = found || strings.Contains(v.Text, want)
		case *widget.Button:
			found = found || strings.Contains(v.Text, want)
		}
	})
	return found
}
