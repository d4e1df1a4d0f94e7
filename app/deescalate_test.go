package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"jiefang/cases"
)

// Step 6: the intensity with its word, a note saved with Enter, and the
// 冷静一下 pause recorded as a note and counted down.
func TestDeescalationStep(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	ctx := context.Background()
	id := addCase(t, s, "拆迁补偿谈不拢，情绪激动")
	cs := openCaseScreen(t, w, s, id)
	cs.showStep(6)
	p := cs.calm
	if !strings.Contains(p.intensity.Text, "尚未评分") {
		t.Errorf("unscored case: %q", p.intensity.Text)
	}
	sc, _ := cases.NewEvent(id, &cases.IntensityScored{Score: 86, Level: cases.IntensityRed})
	if _, err := s.Append(ctx, sc); err != nil {
		t.Fatal(err)
	}
	cs.load()
	cs.wait()
	if p.intensity.Text != "情绪强度：86 分 · 红色" {
		t.Errorf("scored case: %q", p.intensity.Text)
	}

	test.Type(p.entry, "说到补偿标准时拍了桌子")
	p.entry.OnSubmitted(p.entry.Text)
	cs.wait()

	start := time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)
	now := start
	p.now = func() time.Time { return now }
	test.Tap(p.timerBtn)
	cs.wait()
	if p.timerText.Text != "冷静一下：还剩 05:00" || p.timerBtn.Text != "继续接谈" {
		t.Errorf("pause started: %q, button %q", p.timerText.Text, p.timerBtn.Text)
	}
	now = start.Add(2*time.Minute + 30*time.Second)
	p.update()
	if p.timerText.Text != "冷静一下：还剩 02:30" {
		t.Errorf("pause half way: %q", p.timerText.Text)
	}
	now = start.Add(6 * time.Minute)
	p.update()
	if !strings.Contains(p.timerText.Text, "冷静时间到") || p.timerBtn.Text != "冷静一下" {
		t.Errorf("pause over: %q, button %q", p.timerText.Text, p.timerBtn.Text)
	}

	c, err := s.Case(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Notes) != 2 || c.Notes[0].Text != "说到补偿标准时拍了桌子" || !strings.HasPrefix(c.Notes[1].Text, "暂停接谈，冷静一下") {
		t.Fatalf("notes %+v", c.Notes)
	}
	if !strings.Contains(p.notes.Text, "拍了桌子") {
		t.Errorf("notes on screen %q", p.notes.Text)
	}
}
