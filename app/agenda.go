package app

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"jiefang/cases"
)

// filterBar holds the home list's filters: by status, by the state of the
// fact cards, by open follow-ups. They apply to the list, not to search
// results.
type filterBar struct {
	status, facts, followUps *widget.Select
	box                      *fyne.Container
}

// filter choices: the label shown and the value it stands for.
type choice[T ~string] struct {
	label string
	value T
}

func statusChoices() []choice[cases.Status] {
	out := []choice[cases.Status]{{lang.L("全部状态"), ""}}
	for _, s := range cases.Statuses {
		out = append(out, choice[cases.Status]{lang.L(s.Label()), s})
	}
	return out
}

func factChoices() []choice[cases.FactFilter] {
	return []choice[cases.FactFilter]{{lang.L("全部事实卡片"), ""}, {lang.L("有存争议"), cases.FactsDisputed},
		{lang.L("有待核实"), cases.FactsPending}, {lang.L("全部已证实"), cases.FactsAllConfirmed}}
}

func followUpChoices() []choice[cases.FollowUpFilter] {
	return []choice[cases.FollowUpFilter]{{lang.L("全部回访"), ""}, {lang.L("今日到期"), cases.FollowUpsDueToday},
		{lang.L("已逾期"), cases.FollowUpsOverdue}}
}

func labels[T ~string](cs []choice[T]) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.label
	}
	return out
}

func valueOf[T ~string](cs []choice[T], label string) T {
	for _, c := range cs {
		if c.label == label {
			return c.value
		}
	}
	return ""
}

func newFilterBar(changed func()) *filterBar {
	f := &filterBar{}
	mk := func(opts []string) *widget.Select {
		s := widget.NewSelect(opts, nil)
		s.SetSelectedIndex(0)
		s.OnChanged = func(string) { changed() }
		return s
	}
	f.status = mk(labels(statusChoices()))
	f.facts = mk(labels(factChoices()))
	f.followUps = mk(labels(followUpChoices()))
	f.box = container.NewHBox(widget.NewLabel(lang.L("筛选")), f.status, f.facts, f.followUps)
	return f
}

// query is the list query the filters choose.
func (f *filterBar) query(limit int) cases.ListQuery {
	return cases.ListQuery{Limit: limit,
		Status:    valueOf(statusChoices(), f.status.Selected),
		Facts:     valueOf(factChoices(), f.facts.Selected),
		FollowUps: valueOf(followUpChoices(), f.followUps.Selected)}
}

// active reports whether a filter other than 全部 is chosen.
func (f *filterBar) active() bool {
	q := f.query(0)
	return q.Status != "" || q.Facts != "" || q.FollowUps != ""
}

// setEnabled enables the filters (disabled while a search is shown: they
// do not apply to search results).
func (f *filterBar) setEnabled(on bool) {
	for _, s := range []*widget.Select{f.status, f.facts, f.followUps} {
		if on {
			s.Enable()
		} else {
			s.Disable()
		}
	}
}

// agendaPanel is 今日待办: the follow-ups due today and those overdue,
// overdue first and marked with the word 逾期 as well as in red.
type agendaPanel struct {
	items []cases.AgendaItem
	list  *widget.List
	title *widget.Label
	empty *widget.Label
	open  func(cases.AgendaItem)
	now   func() time.Time // the desk's clock
	box   fyne.CanvasObject
}

func newAgendaPanel(now func() time.Time, open func(cases.AgendaItem)) *agendaPanel {
	p := &agendaPanel{open: open, now: now}
	p.title = widget.NewLabelWithStyle(lang.L("今日待办"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.empty = widget.NewLabel(lang.L("今天没有到期的回访。"))
	p.empty.Wrapping = fyne.TextWrapWord
	p.list = widget.NewList(func() int { return len(p.items) }, newAgendaRow,
		func(i widget.ListItemID, o fyne.CanvasObject) { fillAgendaRow(o, p.items[i], p.now()) })
	p.list.OnSelected = func(i widget.ListItemID) {
		p.list.UnselectAll()
		if i >= 0 && i < len(p.items) && p.open != nil {
			p.open(p.items[i])
		}
	}
	p.box = container.NewBorder(p.title, nil, nil, nil, container.NewStack(p.list, container.NewVBox(p.empty)))
	return p
}

// show puts a freshly read agenda on the panel; on the UI goroutine.
func (p *agendaPanel) show(items []cases.AgendaItem) {
	p.items = items
	overdue := 0
	for _, it := range items {
		if it.Overdue {
			overdue++
		}
	}
	p.title.SetText(fmt.Sprintf(lang.L("今日待办 %d 项（逾期 %d）"), len(items), overdue))
	if len(items) == 0 {
		p.empty.Show()
	} else {
		p.empty.Hide()
	}
	p.list.Refresh()
}

func newAgendaRow() fyne.CanvasObject {
	when := canvas.NewText("", theme.Color(theme.ColorNameForeground))
	when.TextStyle = fyne.TextStyle{Bold: true}
	what := widget.NewLabel("")
	what.Truncation = fyne.TextTruncateEllipsis
	return container.NewVBox(container.NewPadded(when), what)
}

// agendaWhen is the first line of an agenda row: 逾期 or 今日, the kind
// and the due time.
func agendaWhen(it cases.AgendaItem, now time.Time) string {
	word := lang.L("今日")
	if it.Overdue {
		word = lang.L("逾期")
		if days := int(now.Sub(it.Due).Hours() / 24); days >= 1 {
			word = fmt.Sprintf(lang.L("逾期%d天"), days)
		}
	}
	return word + " · " + lang.L(it.Kind.Label()) + " · " + cases.Local(it.Due).Format("01-02 15:04")
}

func fillAgendaRow(o fyne.CanvasObject, it cases.AgendaItem, now time.Time) {
	box := o.(*fyne.Container)
	when := box.Objects[0].(*fyne.Container).Objects[0].(*canvas.Text)
	when.Text = agendaWhen(it, now)
	when.Color = theme.Color(theme.ColorNameForeground)
	if it.Overdue {
		when.Color = theme.Color(theme.ColorNameError)
	}
	when.Refresh()
	box.Objects[1].(*widget.Label).SetText(it.CaseNumber + "  " + it.Summary)
}

// fetchAgenda reads the agenda off the UI goroutine.
func fetchAgenda(cs CaseStore, now time.Time) ([]cases.AgendaItem, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return cs.Agenda(ctx, now, 200)
}
