package app

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/store"
)

// newTestStore opens a store whose clock moves a minute at each event,
// so the list's newest-first order is certain.
func newTestStore(t *testing.T) *store.Store {
	t.Helper()
	var mu sync.Mutex
	now := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Minute)
		return now
	}
	s, err := store.Open(filepath.Join(t.TempDir(), "desk.db"), store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newTestWindow(t *testing.T) fyne.Window {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewWindow(nil)
	w.Resize(fyne.NewSize(1000, 700))
	t.Cleanup(w.Close)
	return w
}

func TestStaffPromptRecordsName(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	done := 0
	p := newStaffPrompt(w, s, func() { done++ })
	p.show()
	p.onSave() // empty: refused
	if a, _ := s.Actor(context.Background()); a != "" || done != 0 {
		t.Fatalf("empty name accepted: actor %q, done %d", a, done)
	}
	test.Type(p.name, "  王芳 ")
	p.name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Enter confirms
	if a, _ := s.Actor(context.Background()); a != "王芳" || done != 1 {
		t.Fatalf("actor %q, done %d", a, done)
	}
}

func TestIntakeCreatesCase(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	s.SetActor(context.Background(), "王芳")
	created := make(chan string, 1)
	f := newIntakeForm(w, s, func(_ uuid.UUID, n string) { created <- n })
	f.show()
	f.channel.SetSelected(lang.L(cases.ChannelPhone.Label()))
	f.category.SetText("噪音")
	test.Type(f.summary, "工地夜间施工，影响休息")
	test.Type(f.signers, "12")
	f.onSubmit()
	var number string
	select {
	case number = <-created:
	case <-time.After(10 * time.Second):
		t.Fatal("the case was not created")
	}
	if !strings.HasPrefix(number, s.Device().Code+"-") {
		t.Fatalf("created number %q", number)
	}
	rows, err := s.ListCases(context.Background(), cases.ListQuery{})
	if err != nil || len(rows) != 1 {
		t.Fatalf("cases %v %v", rows, err)
	}
	r := rows[0]
	if r.Channel != cases.ChannelPhone || r.Category != "噪音" || r.Signers != 12 || r.Summary != "工地夜间施工，影响休息" {
		t.Errorf("stored %+v", r)
	}
}

func TestIntakeRefusesBadInputKeepingIt(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	s.SetActor(context.Background(), "王芳")
	called := false
	f := newIntakeForm(w, s, func(uuid.UUID, string) { called = true })
	f.show()
	test.Type(f.summary, "宅基地边界争议")
	test.Type(f.signers, "十二")
	f.onSubmit()
	if called {
		t.Fatal("a form with a bad signer count created a case")
	}
	if st, _ := s.Stats(context.Background()); st.Cases != 0 {
		t.Fatalf("%d cases stored", st.Cases)
	}
	if f.summary.Text != "宅基地边界争议" || f.signers.Text != "十二" {
		t.Errorf("typed text lost: %q %q", f.summary.Text, f.signers.Text)
	}
	if len(w.Canvas().Overlays().List()) == 0 {
		t.Error("no error shown")
	}
	f.summary.SetText("")
	f.signers.SetText("")
	f.onSubmit()
	if called {
		t.Fatal("a form without the petitioner's request created a case")
	}
}

func TestHomeListsAndSearches(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	ctx := context.Background()
	s.SetActor(ctx, "王芳")
	for _, o := range []cases.Opened{
		{Channel: cases.ChannelVisit, Category: "征地补偿", Summary: "征地补偿款未到位"},
		{Channel: cases.ChannelLetter, Category: "采光", Summary: "新楼挡住采光"},
		{Channel: cases.ChannelOnline, Category: "社保", Summary: "社保断缴三年"},
	} {
		e, err := cases.NewEvent(newID(t), &o)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Append(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	h := newHomeScreen(w, Deps{Cases: s, DeviceCode: s.Device().Code})
	w.SetContent(h.content())
	rows, err := h.fetch("", cases.ListQuery{})
	if err != nil {
		t.Fatal(err)
	}
	h.show("", rows)
	if h.list.Length() != 3 {
		t.Fatalf("list shows %d rows", h.list.Length())
	}
	first := h.list.CreateItem()
	h.list.UpdateItem(0, first)
	if !containsText(first, "社保断缴三年") || !containsText(first, "已登记") {
		t.Error("newest case not first, or its status word missing")
	}
	rows, _ = h.fetch("采光", cases.ListQuery{})
	h.show("采光", rows)
	if h.list.Length() != 1 {
		t.Fatalf("search 采光 shows %d rows", h.list.Length())
	}
	rows, _ = h.fetch("拆迁", cases.ListQuery{})
	h.show("拆迁", rows)
	if h.list.Length() != 0 || !strings.Contains(h.empty.Text, "拆迁") {
		t.Errorf("no-result message %q", h.empty.Text)
	}
	if !strings.Contains(h.status.Text, "王芳") || !strings.Contains(h.status.Text, s.Device().Code) || strings.Contains(h.status.Text, "演示") {
		t.Errorf("status line %q", h.status.Text)
	}
	h.deps.Demo = true
	h.updateStatus("")
	if !strings.HasPrefix(h.status.Text, "演示数据") {
		t.Errorf("a demo database is not marked: %q", h.status.Text)
	}
}

func containsText(o fyne.CanvasObject, want string) bool {
	switch v := o.(type) {
	case *widget.Label:
		return strings.Contains(v.Text, want)
	case *fyne.Container:
		for _, c := range v.Objects {
			if containsText(c, want) {
				return true
			}
		}
	}
	return false
}
