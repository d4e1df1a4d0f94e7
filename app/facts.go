package app

import (
	"errors"
	"fmt"
	"image/color"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"jiefang/cases"
)

// factsPanel is step 2, 时间切片: the case's current fact cards in order,
// each with its status (已证实 / 待核实 / 存争议, coloured and in words),
// 编辑, 拆分, 上移 and 下移; the progress bar; and an entry where Enter adds
// a card. A tapped card is selected; Ctrl+1/2/3 set its status.
type factsPanel struct {
	win  fyne.Window
	do   func(caseOp) // records a change (the case screen's do)
	tell func(string) // writes on the case screen's status line

	progress *progressBar
	cards    *fyne.Container // a factCardView per current card, or the empty text
	scroll   *container.Scroll
	entry    *factEntry
	add      *widget.Button
	root     fyne.CanvasObject

	// Touched only on the UI goroutine:
	facts      []cases.FactCard // current cards, in display order, as shown
	views      []*factCardView
	selected   uuid.UUID
	toBottom   bool // scroll to the end at the next show (a card was added)
	bound      bool // the status shortcuts are on the window's canvas
	dlg        *dialog.FormDialog
	dlgEntries []*widget.Entry // the open 编辑 or 拆分 dialog's entries
}

// factKeys are the status shortcuts: Ctrl+1/2/3 (Cmd on macOS).
var factKeys = []struct {
	key    fyne.KeyName
	status cases.FactStatus
}{{fyne.Key1, cases.FactConfirmed}, {fyne.Key2, cases.FactPending}, {fyne.Key3, cases.FactDisputed}}

func factShortcut(k fyne.KeyName) *desktop.CustomShortcut {
	return &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}
}

func newFactsPanel(win fyne.Window, do func(caseOp), tell func(string)) *factsPanel {
	p := &factsPanel{win: win, do: do, tell: tell}
	p.progress = newProgressBar()
	p.cards = container.NewVBox()
	p.scroll = container.NewVScroll(p.cards)
	p.entry = newFactEntry(p.onShortcut)
	p.entry.SetPlaceHolder(lang.L("输入一条事实，按回车添加"))
	p.entry.OnSubmitted = func(string) { p.onAdd() }
	p.add = widget.NewButtonWithIcon(lang.L("添加"), theme.ContentAddIcon(), p.onAdd)
	hint := widget.NewLabel(lang.L("回车：添加卡片 · 点选卡片后 Ctrl+1 已证实 · Ctrl+2 待核实 · Ctrl+3 存争议"))
	hint.Wrapping = fyne.TextWrapWord
	p.root = container.NewBorder(
		p.progress,
		container.NewVBox(container.NewBorder(nil, nil, nil, p.add, p.entry), hint),
		nil, nil,
		p.scroll,
	)
	return p
}

func (p *factsPanel) content() fyne.CanvasObject { return p.root }

// bind puts the status shortcuts on the window's canvas while the panel
// is shown; unbind takes them off.
func (p *factsPanel) bind() {
	if p.bound {
		return
	}
	for _, k := range factKeys {
		st := k.status
		p.win.Canvas().AddShortcut(factShortcut(k.key), func(fyne.Shortcut) { p.onStatusKey(st) })
	}
	p.bound = true
}

func (p *factsPanel) unbind() {
	if !p.bound {
		return
	}
	for _, k := range factKeys {
		p.win.Canvas().RemoveShortcut(factShortcut(k.key))
	}
	if p.win.Canvas().Focused() == p.entry {
		p.win.Canvas().Unfocus() // keys must not go on into a hidden entry
	}
	p.bound = false
}

// onShortcut handles a status shortcut typed while the entry has the
// focus (a focused entry gets shortcuts before the canvas does).
func (p *factsPanel) onShortcut(s *desktop.CustomShortcut) bool {
	if !p.bound {
		return false
	}
	for _, k := range factKeys {
		if s.ShortcutName() == factShortcut(k.key).ShortcutName() {
			p.onStatusKey(k.status)
			return true
		}
	}
	return false
}

func (p *factsPanel) onStatusKey(st cases.FactStatus) {
	if p.index(p.selected) < 0 {
		p.tell(lang.L("请先点选一张卡片，再按 Ctrl+1/2/3。"))
		return
	}
	p.setStatus(p.selected, st)
}

// show renders the case's current cards; it runs after every reload.
func (p *factsPanel) show(c cases.Case) {
	p.facts = c.CurrentFacts()
	p.progress.SetProgress(c.FactProgress())
	if p.index(p.selected) < 0 {
		p.selected = uuid.Nil
	}
	p.views = p.views[:0]
	objs := make([]fyne.CanvasObject, 0, len(p.facts))
	for i, f := range p.facts {
		v := newFactCardView(p, f, i, len(p.facts), conflictNote(c, f.ID))
		v.setSelected(f.ID == p.selected)
		p.views = append(p.views, v)
		objs = append(objs, v)
	}
	if len(objs) == 0 {
		empty := widget.NewLabel(lang.L("还没有事实卡片。在下面输入信访人反映的一件事，按回车添加。"))
		empty.Wrapping = fyne.TextWrapWord
		empty.Importance = widget.LowImportance
		objs = append(objs, empty)
	}
	p.cards.Objects = objs
	p.cards.Refresh()
	if p.toBottom {
		p.toBottom = false
		p.scrollToEnd()
	}
}

// scrollToEnd shows the last card. The scroller measures its content by
// its current size, which is stale right after new cards went in, and a
// wrapped text knows its height only once it knows its width: so the
// cards are laid out twice at the scroller's width first.
func (p *factsPanel) scrollToEnd() {
	w := p.scroll.Size().Width
	for range 2 {
		p.cards.Resize(fyne.NewSize(w, p.cards.MinSize().Height))
	}
	p.scroll.ScrollToBottom()
}

// conflictNote describes an undecided concurrent change to a card's
// status or position, or is "".
func conflictNote(c cases.Case, id uuid.UUID) string {
	var notes []string
	for _, k := range c.Conflicts {
		if k.Resolved || k.EntityID != id {
			continue
		}
		switch k.Field {
		case cases.FieldFactStatus:
			notes = append(notes, fmt.Sprintf(lang.L("另一台设备同时把它标为“%s”，现在是“%s”：请核对后重新选择状态。"),
				lang.L(cases.FactStatus(k.Other).Label()), lang.L(cases.FactStatus(k.Kept).Label())))
		case cases.FieldFactOrder:
			notes = append(notes, lang.L("另一台设备同时移动了这张卡片：请核对位置后再移动一次。"))
		}
	}
	return strings.Join(notes, "\n")
}

func (p *factsPanel) index(id uuid.UUID) int {
	if id == uuid.Nil {
		return -1
	}
	for i, f := range p.facts {
		if f.ID == id {
			return i
		}
	}
	return -1
}

// onSelect selects a card (tapped).
func (p *factsPanel) onSelect(id uuid.UUID) {
	p.selected = id
	for _, v := range p.views {
		v.setSelected(v.fact.ID == id)
	}
}

// errGone is what the user is told about a card that is no longer
// current when a change to it comes to be saved.
func errGone() error {
	return &userMessage{lang.L("这张卡片已被修改或拆分，请在最新的卡片上再操作。")}
}

// current finds the current (not superseded) card id in c, with its
// position among the current cards.
func current(c *cases.Case, id uuid.UUID) ([]cases.FactCard, int) {
	facts := c.CurrentFacts()
	for i, f := range facts {
		if f.ID == id {
			return facts, i
		}
	}
	return facts, -1
}

func openConflict(c *cases.Case, f cases.Field, id uuid.UUID) bool {
	for _, k := range c.Conflicts {
		if !k.Resolved && k.Field == f && k.EntityID == id {
			return true
		}
	}
	return false
}

// setStatus records card id's new status, based on the status version
// the card had when last read.
func (p *factsPanel) setStatus(id uuid.UUID, st cases.FactStatus) {
	p.onSelect(id)
	p.do(caseOp{events: func(c *cases.Case) ([]cases.Event, error) {
		facts, i := current(c, id)
		if i < 0 {
			return nil, errGone()
		}
		f := facts[i]
		if f.Status == st && !openConflict(c, cases.FieldFactStatus, id) {
			return nil, nil
		}
		e, err := cases.NewEvent(c.ID, &cases.FactStatusChange{FactID: id, Status: st})
		e.BaseVersion = f.Versions.Status
		return []cases.Event{e}, err
	}})
}

// onAdd adds the entry's text as a new card, 待核实, after the last one.
func (p *factsPanel) onAdd() {
	text := strings.TrimSpace(p.entry.Text)
	if text == "" || !p.bound { // bound: the panel is shown
		return
	}
	id, err := uuid.NewV7()
	if err != nil {
		p.tell(err.Error())
		return
	}
	p.entry.SetText("")
	p.do(caseOp{
		events: func(c *cases.Case) ([]cases.Event, error) {
			order := 1.0
			for _, f := range c.CurrentFacts() {
				order = max(order, f.Order+1)
			}
			e, err := cases.NewEvent(c.ID, &cases.FactAdd{FactID: id, Text: text, Status: cases.FactPending, Order: order})
			return []cases.Event{e}, err
		},
		done: func() { p.selected, p.toBottom = id, true },
		failed: func() {
			if p.entry.Text == "" {
				p.entry.SetText(text) // give the text back to fix
			}
		},
	})
}

// move moves card id by delta places (-1 up, +1 down).
func (p *factsPanel) move(id uuid.UUID, delta int) {
	p.onSelect(id)
	p.do(caseOp{events: func(c *cases.Case) ([]cases.Event, error) {
		facts, i := current(c, id)
		if i < 0 {
			return nil, errGone()
		}
		j := i + delta
		if j < 0 || j >= len(facts) {
			return nil, nil
		}
		return moveEvents(c.ID, facts, i, j)
	}})
}

// moveEvents moves facts[i] to place j: one FactMove with an order
// between its new neighbours or, when there is no room left between them
// (equal orders, or halved too often), a FactMove for every card whose
// place number changes, renumbering them 1, 2, 3… Each carries the order
// version of its card.
func moveEvents(caseID uuid.UUID, facts []cases.FactCard, i, j int) ([]cases.Event, error) {
	rest := make([]cases.FactCard, 0, len(facts))
	rest = append(rest, facts[:i]...)
	rest = append(rest, facts[i+1:]...)
	var order float64
	ok := true
	switch {
	case j > 0 && j < len(rest):
		lo, hi := rest[j-1].Order, rest[j].Order
		order = lo + (hi-lo)/2
		ok = lo < order && order < hi
	case j > 0:
		order = rest[j-1].Order + 1
	default:
		order = rest[0].Order - 1
	}
	mv := func(f cases.FactCard, order float64) (cases.Event, error) {
		e, err := cases.NewEvent(caseID, &cases.FactMove{FactID: f.ID, Order: order})
		e.BaseVersion = f.Versions.Order
		return e, err
	}
	if ok {
		e, err := mv(facts[i], order)
		return []cases.Event{e}, err
	}
	want := make([]cases.FactCard, 0, len(facts))
	want = append(want, rest[:j]...)
	want = append(want, facts[i])
	want = append(want, rest[j:]...)
	var evs []cases.Event
	for k, f := range want {
		if f.Order == float64(k+1) {
			continue
		}
		e, err := mv(f, float64(k+1))
		if err != nil {
			return nil, err
		}
		evs = append(evs, e)
	}
	return evs, nil
}

// onEdit opens the 编辑 dialog for card id.
func (p *factsPanel) onEdit(id uuid.UUID) {
	i := p.index(id)
	if i < 0 {
		return
	}
	p.onSelect(id)
	e := factTextEntry(p.facts[i].Text)
	p.openDialog(lang.L("编辑事实卡片"), []*widget.FormItem{widget.NewFormItem(lang.L("内容"), e)}, []*widget.Entry{e},
		func() { p.saveEdit(id, e.Text) })
}

// onSplit opens the 拆分 dialog for card id: its text cut in two at the
// punctuation mark nearest the middle, each part to be corrected.
func (p *factsPanel) onSplit(id uuid.UUID) {
	i := p.index(id)
	if i < 0 {
		return
	}
	p.onSelect(id)
	a, b := splitText(p.facts[i].Text)
	ea, eb := factTextEntry(a), factTextEntry(b)
	p.openDialog(lang.L("拆分事实卡片"), []*widget.FormItem{
		widget.NewFormItem(lang.L("第一张"), ea),
		widget.NewFormItem(lang.L("第二张"), eb),
	}, []*widget.Entry{ea, eb}, func() { p.saveSplit(id, ea.Text, eb.Text) })
}

func factTextEntry(text string) *widget.Entry {
	e := widget.NewMultiLineEntry()
	e.Wrapping = fyne.TextWrapWord
	e.SetMinRowsVisible(3)
	e.SetText(text)
	e.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New(lang.L("请填写内容"))
		}
		return nil
	}
	return e
}

func (p *factsPanel) openDialog(title string, items []*widget.FormItem, entries []*widget.Entry, save func()) {
	var d *dialog.FormDialog
	d = dialog.NewForm(title, lang.L("保存"), lang.L("取消"), items, func(ok bool) {
		if p.dlg == d {
			p.dlg, p.dlgEntries = nil, nil
		}
		if ok {
			save()
		}
	}, p.win)
	p.dlg, p.dlgEntries = d, entries
	d.Resize(fyne.NewSize(640, 130+100*float32(len(entries))))
	d.Show()
	p.win.Canvas().Focus(entries[0])
}

// splitText cuts s in two after the punctuation mark or space nearest its
// middle, or at the middle if it has none. A comma or the like left at the
// end of the first part goes.
func splitText(s string) (string, string) {
	r := []rune(strings.TrimSpace(s))
	if len(r) < 2 {
		return string(r), ""
	}
	mid := len(r) / 2
	cut := -1
	for d := 0; d < len(r); d++ {
		for _, k := range []int{mid + d, mid - d} {
			if k > 0 && k < len(r) && (unicode.IsPunct(r[k-1]) || unicode.IsSpace(r[k-1])) {
				cut = k
				break
			}
		}
		if cut >= 0 {
			break
		}
	}
	if cut < 0 {
		cut = mid
	}
	return strings.TrimRight(strings.TrimSpace(string(r[:cut])), "，,、；;：:"), strings.TrimSpace(string(r[cut:]))
}

// saveEdit records an edit: a new card with the text, in the old card's
// place and status, superseding it.
func (p *factsPanel) saveEdit(id uuid.UUID, text string) {
	text = strings.TrimSpace(text)
	nid, err := uuid.NewV7()
	if err != nil {
		p.tell(err.Error())
		return
	}
	p.do(caseOp{
		events: func(c *cases.Case) ([]cases.Event, error) {
			facts, i := current(c, id)
			if i < 0 {
				return nil, errGone()
			}
			f := facts[i]
			if text == f.Text {
				return nil, nil
			}
			e, err := cases.NewEvent(c.ID, &cases.FactAdd{FactID: nid, Text: text, Status: f.Status, Order: f.Order, Supersedes: []uuid.UUID{id}})
			return []cases.Event{e}, err
		},
		done: func() { p.selected = nid },
	})
}

// saveSplit records a split: two new cards, both superseding the old one,
// in its place and with its status, appended together.
func (p *factsPanel) saveSplit(id uuid.UUID, a, b string) {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	ida, err := uuid.NewV7()
	if err != nil {
		p.tell(err.Error())
		return
	}
	idb, err := uuid.NewV7()
	if err != nil {
		p.tell(err.Error())
		return
	}
	p.do(caseOp{
		events: func(c *cases.Case) ([]cases.Event, error) {
			facts, i := current(c, id)
			if i < 0 {
				return nil, errGone()
			}
			f := facts[i]
			second := f.Order + 1
			if i+1 < len(facts) {
				// Between the old card and the next; on a tie the
				// second card still follows the first, which was
				// stored before it.
				second = f.Order
				if mid := f.Order + (facts[i+1].Order-f.Order)/2; f.Order < mid && mid < facts[i+1].Order {
					second = mid
				}
			}
			ea, err := cases.NewEvent(c.ID, &cases.FactAdd{FactID: ida, Text: a, Status: f.Status, Order: f.Order, Supersedes: []uuid.UUID{id}})
			if err != nil {
				return nil, err
			}
			eb, err := cases.NewEvent(c.ID, &cases.FactAdd{FactID: idb, Text: b, Status: f.Status, Order: second, Supersedes: []uuid.UUID{id}})
			return []cases.Event{ea, eb}, err
		},
		done: func() { p.selected = ida },
	})
}

// statusColorName is the theme colour of a fact status.
func statusColorName(st cases.FactStatus) fyne.ThemeColorName {
	switch st {
	case cases.FactConfirmed:
		return theme.ColorNameSuccess
	case cases.FactDisputed:
		return theme.ColorNameError
	default:
		return theme.ColorNameWarning
	}
}

// statusImportance is the button style of a fact status.
func statusImportance(st cases.FactStatus) widget.Importance {
	switch st {
	case cases.FactConfirmed:
		return widget.SuccessImportance
	case cases.FactDisputed:
		return widget.DangerImportance
	default:
		return widget.WarningImportance
	}
}

// tint is c made faint, as a background under ordinary text.
func tint(c color.Color) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 0x38}
}

// factCardView is one fact card on the panel: its number and status word,
// its text, the three status buttons, and 编辑 / 拆分 / 上移 / 下移. The
// card is tinted and striped in its status colour; a selected card has a
// thick border. Tapping it selects it.
type factCardView struct {
	widget.BaseWidget
	panel *factsPanel
	fact  cases.FactCard

	bg       *canvas.Rectangle
	stripe   *canvas.Rectangle
	badge    *widget.Label
	text     *widget.Label
	statuses [3]*widget.Button // in the order of cases.FactStatuses
	edit     *widget.Button
	split    *widget.Button
	up       *widget.Button
	down     *widget.Button
	content  fyne.CanvasObject
	selected bool
}

func newFactCardView(p *factsPanel, f cases.FactCard, i, n int, note string) *factCardView {
	v := &factCardView{panel: p, fact: f}
	v.ExtendBaseWidget(v)
	id := f.ID
	v.bg = canvas.NewRectangle(color.Transparent)
	v.bg.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	v.stripe = canvas.NewRectangle(color.Transparent)
	v.stripe.SetMinSize(fyne.NewSize(8, 8))
	v.badge = widget.NewLabelWithStyle(fmt.Sprintf("%d · %s", i+1, lang.L(f.Status.Label())), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.text = widget.NewLabel(f.Text)
	v.text.Wrapping = fyne.TextWrapWord
	row := container.NewHBox()
	for k, st := range cases.FactStatuses {
		b := widget.NewButton(lang.L(st.Label()), func() { p.setStatus(id, st) })
		if st == f.Status {
			b.Importance = statusImportance(st)
			b.Icon = theme.ConfirmIcon() // the chosen one is marked, not only coloured
		}
		v.statuses[k] = b
		row.Add(b)
	}
	v.edit = widget.NewButtonWithIcon(lang.L("编辑"), theme.DocumentCreateIcon(), func() { p.onEdit(id) })
	v.split = widget.NewButtonWithIcon(lang.L("拆分"), theme.ContentCutIcon(), func() { p.onSplit(id) })
	v.up = widget.NewButtonWithIcon(lang.L("上移"), theme.MoveUpIcon(), func() { p.move(id, -1) })
	v.down = widget.NewButtonWithIcon(lang.L("下移"), theme.MoveDownIcon(), func() { p.move(id, +1) })
	for _, b := range []*widget.Button{v.edit, v.split, v.up, v.down} {
		b.Importance = widget.LowImportance
	}
	if i == 0 {
		v.up.Disable()
	}
	if i == n-1 {
		v.down.Disable()
	}
	row.Add(layout.NewSpacer())
	row.Add(v.edit)
	row.Add(v.split)
	row.Add(v.up)
	row.Add(v.down)
	body := container.NewVBox(container.NewBorder(nil, nil, v.badge, nil, v.text), row)
	if note != "" {
		l := widget.NewLabelWithStyle(note, fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.DangerImportance
		body.Add(l)
	}
	v.content = container.NewStack(v.bg, container.NewBorder(nil, nil, v.stripe, nil, container.NewPadded(body)))
	v.applyColors()
	return v
}

// Tapped selects the card.
func (v *factCardView) Tapped(*fyne.PointEvent) { v.panel.onSelect(v.fact.ID) }

func (v *factCardView) setSelected(on bool) {
	if v.selected == on {
		return
	}
	v.selected = on
	v.applyColors()
	v.bg.Refresh()
}

func (v *factCardView) applyColors() {
	th := v.Theme()
	variant := fyne.CurrentApp().Settings().ThemeVariant()
	c := th.Color(statusColorName(v.fact.Status), variant)
	v.bg.FillColor = tint(c)
	v.stripe.FillColor = c
	v.bg.StrokeWidth = 1
	v.bg.StrokeColor = c
	if v.selected {
		v.bg.StrokeWidth = 3
		v.bg.StrokeColor = th.Color(theme.ColorNamePrimary, variant)
	}
}

// Refresh takes up a changed theme.
func (v *factCardView) Refresh() {
	v.applyColors()
	v.BaseWidget.Refresh()
}

// CreateRenderer implements fyne.Widget.
func (v *factCardView) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(v.content)
}

// factEntry is the entry for a new card. A focused entry receives
// shortcuts before the window's canvas does, so it passes the status
// shortcuts on to the panel.
type factEntry struct {
	widget.Entry
	shortcut func(*desktop.CustomShortcut) bool
}

func newFactEntry(shortcut func(*desktop.CustomShortcut) bool) *factEntry {
	e := &factEntry{shortcut: shortcut}
	e.ExtendBaseWidget(e)
	return e
}

// TypedShortcut implements fyne.Shortcutable.
func (e *factEntry) TypedShortcut(s fyne.Shortcut) {
	if cs, ok := s.(*desktop.CustomShortcut); ok && e.shortcut != nil && e.shortcut(cs) {
		return
	}
	e.Entry.TypedShortcut(s)
}
