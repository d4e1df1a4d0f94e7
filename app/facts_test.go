package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"jiefang/cases"
)

// typeCard types text into the new-card entry and presses Enter.
func typeCard(t *testing.T, cs *screenUnderTest, text string) {
	t.Helper()
	p := cs.facts
	test.Type(p.entry, text)
	p.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	cs.wait()
}

// pressKey types Ctrl+<k> on the window, as the desktop driver passes it
// when no entry has the focus.
func pressKey(cs *screenUnderTest, k fyne.KeyName) {
	cs.win.Canvas().(fyne.Shortcutable).TypedShortcut(factShortcut(k))
	cs.wait()
}

// shownTexts lists the texts of the panel's cards, in order.
func shownTexts(p *factsPanel) []string {
	var out []string
	for _, v := range p.views {
		out = append(out, v.text.Text)
	}
	return out
}

func factTexts(facts []cases.FactCard) []string {
	var out []string
	for _, f := range facts {
		out = append(out, f.Text)
	}
	return out
}

func factStatuses(facts []cases.FactCard) []cases.FactStatus {
	var out []cases.FactStatus
	for _, f := range facts {
		out = append(out, f.Status)
	}
	return out
}

// checkPetitioner checks that the petitioner view follows the panel: the
// same progress words and every card with its status word.
func checkPetitioner(t *testing.T, cs *caseScreen) {
	t.Helper()
	v := cs.petitioner
	if got, want := v.progress.Text(), cs.facts.progress.Text(); got != want {
		t.Errorf("petitioner view progress %q, panel %q", got, want)
	}
	texts := labelTexts(v.cards)
	for i, f := range cs.facts.facts {
		if !slices.Contains(texts, f.Text) {
			t.Errorf("petitioner view lacks card %q", f.Text)
		}
		if want := fmt.Sprintf("%d · %s", i+1, f.Status.Label()); !slices.Contains(texts, want) {
			t.Errorf("petitioner view lacks %q", want)
		}
	}
}

// The whole of step 2 as a receptionist works it: five cards typed with
// Enter, states set by tapping and by Ctrl+1/2/3, a split, an edit, a
// move, step 2 marked done; the petitioner view following along; and
// everything found again in the database after it is closed and opened.
func TestFactCardsWorkflow(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	id := addCase(t, s, "征地补偿款只拿到一半")
	cs := openCaseScreen(t, w, s, id)
	test.Tap(cs.stepBtns[1])
	p := cs.facts
	if p.progress.Text() != "还没有事实卡片" {
		t.Errorf("empty progress %q", p.progress.Text())
	}
	test.Tap(cs.stepBtns[0]) // the petitioner view opens at step 1
	test.Tap(cs.openView)
	test.Tap(cs.stepBtns[1])
	if cs.petitioner == nil || cs.step != 2 || w.Canvas().Focused() != p.entry {
		t.Fatal("petitioner view not open, or step 2 not ready to type")
	}

	typed := []string{
		"2019年3月村里征用我家承包地三亩",
		"约定补偿款每亩5万元，共15万元",
		"至今只收到7.5万元",
		"村委会说余款被镇里扣下了，镇政府称已全额拨付到村",
		"信访人曾两次到镇里反映",
	}
	for i, text := range typed {
		typeCard(t, cs, text)
		if len(p.facts) != i+1 || p.entry.Text != "" {
			t.Fatalf("after Enter %d: %d cards, entry %q", i+1, len(p.facts), p.entry.Text)
		}
		if p.selected != p.facts[i].ID || !p.views[i].selected {
			t.Errorf("card %d not selected after adding it", i+1)
		}
	}
	typeCard(t, cs, "   ") // nothing to add
	if len(p.facts) != 5 {
		t.Fatalf("a blank card was added: %d", len(p.facts))
	}
	if got := shownTexts(p); !slices.Equal(got, typed) {
		t.Fatalf("cards %q", got)
	}
	for _, f := range p.facts {
		if f.Status != cases.FactPending {
			t.Fatalf("new card %q is %s, want pending", f.Text, f.Status)
		}
	}
	if want := "已证实 0/5（0%） · 待核实 5 · 存争议 0"; p.progress.Text() != want {
		t.Errorf("progress %q, want %q", p.progress.Text(), want)
	}
	checkPetitioner(t, cs.caseScreen)

	// Card 5 is selected after Enter and the entry has the focus: the
	// entry passes Ctrl+1 on.
	p.entry.TypedShortcut(factShortcut(fyne.Key1))
	cs.wait()
	// Card 1 by its button; card 2 by a tap and Ctrl+3; card 3 by Ctrl+3
	// then Ctrl+2 back.
	test.Tap(p.views[0].statuses[0])
	cs.wait()
	test.Tap(p.views[1])
	if p.selected != p.facts[1].ID || !p.views[1].selected || p.views[0].selected {
		t.Fatal("tapping card 2 did not select it alone")
	}
	pressKey(cs, fyne.Key3)
	test.Tap(p.views[2])
	pressKey(cs, fyne.Key3)
	pressKey(cs, fyne.Key2)
	want := []cases.FactStatus{cases.FactConfirmed, cases.FactDisputed, cases.FactPending, cases.FactPending, cases.FactConfirmed}
	if got := factStatuses(p.facts); !slices.Equal(got, want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
	if want := "已证实 2/5（40%） · 待核实 2 · 存争议 1"; p.progress.Text() != want {
		t.Errorf("progress %q, want %q", p.progress.Text(), want)
	}
	checkPetitioner(t, cs.caseScreen)
	// Each card shows its state in words, with the chosen button marked.
	for i, v := range p.views {
		st := p.facts[i].Status
		if !strings.Contains(v.badge.Text, st.Label()) {
			t.Errorf("card %d badge %q lacks %s", i+1, v.badge.Text, st.Label())
		}
		for k, b := range v.statuses {
			if chosen := cases.FactStatuses[k] == st; chosen != (b.Icon != nil) || chosen != (b.Importance == statusImportance(st)) {
				t.Errorf("card %d button %q: chosen %v, icon %v, importance %v", i+1, b.Text, chosen, b.Icon != nil, b.Importance)
			}
		}
	}

	// Split card 4 at its comma: two cards where it was, pending both.
	old4 := p.facts[3].ID
	test.Tap(p.views[3].split)
	if p.dlg == nil || len(p.dlgEntries) != 2 {
		t.Fatal("no split dialog")
	}
	if a, b := p.dlgEntries[0].Text, p.dlgEntries[1].Text; a != "村委会说余款被镇里扣下了" || b != "镇政府称已全额拨付到村" {
		t.Errorf("split prefilled %q | %q", a, b)
	}
	p.dlgEntries[1].SetText("镇政府称已全额拨付到村 ") // corrected before saving
	p.dlg.Submit()
	cs.wait()
	if len(p.facts) != 6 {
		t.Fatalf("%d cards after the split, want 6", len(p.facts))
	}
	wantTexts := []string{typed[0], typed[1], typed[2], "村委会说余款被镇里扣下了", "镇政府称已全额拨付到村", typed[4]}
	if got := shownTexts(p); !slices.Equal(got, wantTexts) {
		t.Fatalf("after the split: %q", got)
	}
	if p.selected != p.facts[3].ID {
		t.Error("the split's first card is not selected")
	}

	// Edit card 3: a new card in its place, same state.
	old3 := p.facts[2].ID
	test.Tap(p.views[2].edit)
	if p.dlg == nil || p.dlgEntries[0].Text != typed[2] {
		t.Fatal("no edit dialog with the card's text")
	}
	p.dlgEntries[0].SetText("至今只收到7.5万元（2020年1月到账）")
	p.dlg.Submit()
	cs.wait()
	wantTexts[2] = "至今只收到7.5万元（2020年1月到账）"
	if got := shownTexts(p); !slices.Equal(got, wantTexts) {
		t.Fatalf("after the edit: %q", got)
	}
	if p.facts[2].ID == old3 || p.facts[2].Status != cases.FactPending {
		t.Errorf("edited card %+v", p.facts[2])
	}

	// Move the last card up one, and the first one down one; then the
	// last card up twice more and down again (each move based on the
	// order version the one before produced).
	test.Tap(p.views[5].up)
	cs.wait()
	test.Tap(p.views[0].down)
	cs.wait()
	moved := p.facts[4].ID
	for _, step := range []func() *widget.Button{
		func() *widget.Button { return p.views[4].up },
		func() *widget.Button { return p.views[3].up },
		func() *widget.Button { return p.views[2].down },
		func() *widget.Button { return p.views[3].down },
	} {
		test.Tap(step())
		cs.wait()
	}
	if p.facts[4].ID != moved || p.facts[4].Versions.Order != 5 {
		t.Fatalf("card moved back and forth is at %d with order version %d", p.index(moved), p.facts[4].Versions.Order)
	}
	wantTexts = []string{wantTexts[1], wantTexts[0], wantTexts[2], wantTexts[3], wantTexts[5], wantTexts[4]}
	if got := shownTexts(p); !slices.Equal(got, wantTexts) {
		t.Fatalf("after the moves: %q", got)
	}
	if !p.views[0].up.Disabled() || !p.views[5].down.Disabled() || p.views[1].up.Disabled() {
		t.Error("up/down not disabled at the ends only")
	}
	wantStatus := factStatuses(p.facts)
	if want := "已证实 2/6（33%） · 待核实 3 · 存争议 1"; p.progress.Text() != want {
		t.Errorf("progress %q, want %q", p.progress.Text(), want)
	}
	checkPetitioner(t, cs.caseScreen)

	test.Tap(cs.done) // step 2 done
	cs.wait()
	if !strings.Contains(cs.stepBtns[1].Text, "已完成") || cs.stepBtns[1].Icon == nil {
		t.Errorf("step 2 reads %q", cs.stepBtns[1].Text)
	}

	// Close the database and open it again: everything is there.
	cs.leave()
	s2 := reopen(t, s)
	ctx := context.Background()
	c, err := s2.Case(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	cur := c.CurrentFacts()
	if got := factTexts(cur); !slices.Equal(got, wantTexts) {
		t.Errorf("stored cards %q,\nwant %q", got, wantTexts)
	}
	if got := factStatuses(cur); !slices.Equal(got, wantStatus) {
		t.Errorf("stored statuses %v, want %v", got, wantStatus)
	}
	if len(c.Facts) != 8 {
		t.Errorf("%d cards stored, want 8 (5 typed, 2 from the split, 1 from the edit)", len(c.Facts))
	}
	for _, old := range []uuid.UUID{old3, old4} {
		if f := c.Fact(old); f == nil || f.SupersededBy == uuid.Nil {
			t.Errorf("card %s not kept as superseded: %+v", old, f)
		}
	}
	split := 0
	for _, f := range c.Facts {
		if slices.Contains(f.Supersedes, old4) {
			split++
		}
	}
	if split != 2 {
		t.Errorf("%d cards supersede the split one, want 2", split)
	}
	if !c.Steps[1].Done || c.Steps[0].Done {
		t.Errorf("steps %+v", c.Steps)
	}
	if _, err := s2.Verify(ctx, nil); err != nil {
		t.Errorf("the log and the tables disagree: %v", err)
	}
	// The split went in as one append: its two events are next to each
	// other in the log.
	evs, _ := s2.Events(ctx, id)
	for i, e := range evs {
		if e.Type != cases.FactAdded {
			continue
		}
		pl, _ := cases.Decode(e)
		if slices.Contains(pl.(*cases.FactAdd).Supersedes, old4) {
			if i+1 >= len(evs) || evs[i+1].Type != cases.FactAdded {
				t.Error("the split's two cards are not stored together")
			}
			break
		}
	}
}

// A status changed behind the panel's back (another desk, a sync) makes
// the panel's next change to it stale: the store refuses it, the panel
// reads the case again and says so in Chinese; the next try works.
func TestFactStatusConflict(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	id := addCase(t, s, "邻里纠纷")
	cs := openCaseScreen(t, w, s, id)
	test.Tap(cs.stepBtns[1])
	p := cs.facts
	typeCard(t, cs, "邻居加盖二楼挡住采光")
	fid := p.facts[0].ID

	e, err := cases.NewEvent(id, &cases.FactStatusChange{FactID: fid, Status: cases.FactDisputed})
	if err != nil {
		t.Fatal(err)
	}
	e.BaseVersion = p.facts[0].Versions.Status
	if _, err := s.Append(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	if p.facts[0].Status != cases.FactPending {
		t.Fatal("the panel saw the change: not behind its back")
	}

	test.Tap(p.views[0].statuses[0]) // 已证实, based on the old version
	cs.wait()
	c, _ := s.Case(context.Background(), id)
	if st := c.Fact(fid).Status; st != cases.FactDisputed {
		t.Fatalf("stale change stored: %s", st)
	}
	if p.facts[0].Status != cases.FactDisputed || !strings.Contains(p.views[0].badge.Text, "存争议") {
		t.Error("the panel did not read the case again")
	}
	top := w.Canvas().Overlays().Top()
	if top == nil || !findLabel(top, "刚在别处被修改过") {
		t.Fatal("no Chinese message about the change made elsewhere")
	}
	if !strings.Contains(cs.status.Text, "未保存") {
		t.Errorf("status line %q", cs.status.Text)
	}
	w.Canvas().Overlays().Remove(top)

	test.Tap(p.views[0].statuses[0]) // again, on the fresh version
	cs.wait()
	c, _ = s.Case(context.Background(), id)
	if st := c.Fact(fid).Status; st != cases.FactConfirmed {
		t.Fatalf("second try: %s", st)
	}
}

// Moves carry the order version too: a move behind the panel's back
// makes the panel's move stale.
func TestFactMoveConflict(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	id := addCase(t, s, "拖欠工资")
	cs := openCaseScreen(t, w, s, id)
	test.Tap(cs.stepBtns[1])
	p := cs.facts
	for _, text := range []string{"甲", "乙", "丙"} {
		typeCard(t, cs, text)
	}
	f := p.facts[2]
	e, _ := cases.NewEvent(id, &cases.FactMove{FactID: f.ID, Order: -5})
	e.BaseVersion = f.Versions.Order
	if _, err := s.Append(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	test.Tap(p.views[2].up)
	cs.wait()
	if got := shownTexts(p); !slices.Equal(got, []string{"丙", "甲", "乙"}) {
		t.Errorf("after the refused move the panel shows %q", got)
	}
	if top := w.Canvas().Overlays().Top(); top == nil || !findLabel(top, "刚在别处被修改过") {
		t.Error("no message about the move made elsewhere")
	}
}

// A card the domain refuses (too long) is explained with the domain's
// Chinese message, and the typed text comes back to the entry.
func TestFactTooLongKeepsText(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	id := addCase(t, s, "噪音")
	cs := openCaseScreen(t, w, s, id)
	test.Tap(cs.stepBtns[1])
	long := strings.Repeat("字", cases.MaxFactText+1)
	typeCard(t, cs, long)
	if len(cs.facts.facts) != 0 {
		t.Fatal("a too long card was added")
	}
	if cs.facts.entry.Text != long {
		t.Error("the typed text was lost")
	}
	if top := w.Canvas().Overlays().Top(); top == nil || !findLabel(top, "过长") {
		t.Error("no message saying the text is too long")
	}
}

// Ctrl+1 with no card selected says what to do instead of guessing.
func TestFactShortcutNeedsSelection(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	id := addCase(t, s, "噪音")
	cs := openCaseScreen(t, w, s, id)
	test.Tap(cs.stepBtns[1])
	pressKey(cs, fyne.Key1)
	if !strings.Contains(cs.status.Text, "请先点选一张卡片") {
		t.Errorf("status line %q", cs.status.Text)
	}
	test.Tap(cs.stepBtns[2]) // off step 2 the keys do nothing here
	typeCard(t, cs, "x")
	if len(cs.facts.facts) != 0 {
		t.Error("the hidden entry added a card")
	}
}

func TestMoveEventsRenumberWhenNoRoom(t *testing.T) {
	id := newID(t)
	mk := func(order float64) cases.FactCard { return cases.FactCard{ID: newID(t), Order: order} }
	facts := []cases.FactCard{mk(1), mk(1), mk(1)}
	evs, err := moveEvents(id, facts, 2, 1) // up, between two equal orders
	if err != nil {
		t.Fatal(err)
	}
	c := cases.Case{ID: id, Facts: facts}
	for _, e := range evs {
		pl, _ := cases.Decode(e)
		m := pl.(*cases.FactMove)
		c.Fact(m.FactID).Order = m.Order
	}
	got := c.CurrentFacts()
	if got[0].ID != facts[0].ID || got[1].ID != facts[2].ID || got[2].ID != facts[1].ID {
		t.Errorf("renumbered order %v", got)
	}
	// With room, one event between the neighbours.
	facts = []cases.FactCard{mk(1), mk(2), mk(3)}
	evs, _ = moveEvents(id, facts, 2, 1)
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	pl, _ := cases.Decode(evs[0])
	if o := pl.(*cases.FactMove).Order; o <= 1 || o >= 2 {
		t.Errorf("order %v not between 1 and 2", o)
	}
}

func TestSplitText(t *testing.T) {
	for _, c := range []struct{ in, a, b string }{
		{"村委会说余款被镇里扣下了，镇政府称已全额拨付到村", "村委会说余款被镇里扣下了", "镇政府称已全额拨付到村"},
		{"他说：我不同意。后来又同意了", "他说：我不同意。", "后来又同意了"},
		{"甲乙丙丁", "甲乙", "丙丁"},
		{"甲", "甲", ""},
		{"one two three four", "one two", "three four"},
	} {
		if a, b := splitText(c.in); a != c.a || b != c.b {
			t.Errorf("splitText(%q) = %q, %q", c.in, a, b)
		}
	}
}

// Step 2 with three cards in the three states, the second selected, in
// the desk's own Chinese font (so the layout does not depend on which
// fonts the machine has).
func TestFactsPanelMarkup(t *testing.T) {
	test.NewTempApp(t)
	test.ApplyTheme(t, NewTheme(loadWQY(t)))
	w := test.NewTempWindow(t, widget.NewLabel(""))
	p := newFactsPanel(w, func(caseOp) {}, func(string) {})
	mk := func(n byte, text string, st cases.FactStatus) cases.FactCard {
		return cases.FactCard{ID: uuid.UUID{15: n}, Text: text, Status: st, Order: float64(n)}
	}
	c := cases.Case{ID: uuid.UUID{15: 99}, Facts: []cases.FactCard{
		mk(1, "2019年3月村里征用我家承包地三亩", cases.FactConfirmed),
		mk(2, "至今只收到补偿款7.5万元", cases.FactPending),
		mk(3, "村委会说余款被镇里扣下了", cases.FactDisputed),
	}}
	p.show(c)
	p.onSelect(c.Facts[1].ID)
	w.SetContent(p.content())
	w.Resize(fyne.NewSize(800, 520))
	test.AssertRendersToMarkup(t, "facts_panel.xml", w.Canvas())
	save(t, "facts_panel.png", w.Canvas().Capture()) // for a look, with JIEFANG_THEME_PNG_DIR set
}

// labelTexts lists the texts of the labels under o.
func labelTexts(o fyne.CanvasObject) []string {
	var out []string
	walk(o, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			out = append(out, l.Text)
		}
	})
	return out
}

// A status set at the same time on another desk is shown on the card
// with both words, and choosing the status kept still records a change,
// which settles the conflict.
func TestFactConflictShown(t *testing.T) {
	test.NewTempApp(t)
	fid := uuid.UUID{15: 1}
	c := cases.Case{ID: uuid.UUID{15: 9},
		Facts:     []cases.FactCard{{ID: fid, Text: "甲", Status: cases.FactConfirmed, Versions: cases.FactVersions{Status: 1}}},
		Conflicts: []cases.Conflict{{Field: cases.FieldFactStatus, EntityID: fid, Kept: "confirmed", Other: "disputed"}},
	}
	note := conflictNote(c, fid)
	if !strings.Contains(note, "“存争议”") || !strings.Contains(note, "“已证实”") {
		t.Errorf("conflict note %q", note)
	}
	var ops []caseOp
	p := newFactsPanel(test.NewTempWindow(t, widget.NewLabel("")), func(op caseOp) { ops = append(ops, op) }, func(string) {})
	p.show(c)
	if !findLabel(p.views[0], "另一台设备") {
		t.Error("the card does not show the conflict")
	}
	p.setStatus(fid, cases.FactConfirmed)
	evs, err := ops[0].events(&c)
	if err != nil || len(evs) != 1 || evs[0].BaseVersion != 1 {
		t.Fatalf("re-choosing the kept status: %v %v", evs, err)
	}
	c.Conflicts[0].Resolved = true
	p.setStatus(fid, cases.FactConfirmed)
	if evs, _ := ops[1].events(&c); len(evs) != 0 {
		t.Error("choosing the status a card already has records a change")
	}
}
