package app

import (
	"context"
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
