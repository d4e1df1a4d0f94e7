package app

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// Step 5: an article pinned by its citation is recorded at once and
// listed; 取下 takes it off again.
func TestPinArticles(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	id := addCase(t, s, "补偿款未到位")
	cs := openCaseScreen(t, w, s, id)
	cs.showStep(5)
	p := cs.legal
	for _, a := range []string{"信访工作条例  第三十四条", "土地管理法 第四十八条"} {
		test.Type(p.entry, a)
		p.entry.OnSubmitted(p.entry.Text)
		cs.wait()
	}
	c, err := s.Case(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Articles) != 2 || c.Articles[0].Article != "信访工作条例 第三十四条" || c.Articles[1].Title != "土地管理法 第四十八条" {
		t.Fatalf("pinned %+v", c.Articles)
	}
	if !findLabel(p.list, "1. 信访工作条例 第三十四条") || !findLabel(p.list, "2. 土地管理法 第四十八条") {
		t.Error("the pinned articles are not listed")
	}
	p.setPinned("信访工作条例 第三十四条", "", false)
	cs.wait()
	c, _ = s.Case(context.Background(), id)
	if len(c.Articles) != 1 || c.Articles[0].Article != "土地管理法 第四十八条" {
		t.Fatalf("after taking one off: %+v", c.Articles)
	}
	if findLabel(p.list, "信访工作条例") {
		t.Error("an article taken off is still listed")
	}
	if _, err := s.Verify(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
}

// Step 5: 改类别 puts right the category given at intake; the same
// category again records nothing, and an empty one is refused with the
// reason on the status line.
func TestRecategorize(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	id := addCase(t, s, "补偿款未到位") // 征地补偿
	cs := openCaseScreen(t, w, s, id)
	cs.showStep(5)
	p := cs.legal
	events := func() int {
		t.Helper()
		evs, err := s.Events(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		return len(evs)
	}
	test.Tap(p.recat)
	if p.dlg == nil || p.dlgCat.Text != "征地补偿" {
		t.Fatal("改类别 did not open with the current category")
	}
	p.dlgCat.SetText(" 拆迁安置 ")
	p.dlg.Submit()
	cs.wait()
	c, _ := s.Case(context.Background(), id)
	if c.Category != "拆迁安置" || !findLabel(p.category, "案件类别：拆迁安置") || !strings.Contains(cs.status.Text, "类别改为“拆迁安置”") {
		t.Fatalf("category %q, label %q, status %q", c.Category, p.category.Text, cs.status.Text)
	}
	n := events()
	test.Tap(p.recat)
	p.dlg.Submit() // unchanged
	cs.wait()
	test.Tap(p.recat)
	p.dlgCat.SetText("  ")
	p.dlg.Submit()
	cs.wait()
	if events() != n {
		t.Errorf("%d events recorded for an unchanged or empty category", events()-n)
	}
	if c, _ := s.Case(context.Background(), id); c.Category != "拆迁安置" || !strings.Contains(cs.status.Text, "类别") {
		t.Errorf("after an empty category: %q, status %q", c.Category, cs.status.Text)
	}
}
