package app

import (
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"jiefang/cases"
)

const (
	dueDateLayout = "2006-01-02"
	dueTimeLayout = "15:04"
)

// followUpsPanel is step 7, 回访闭环: with no follow-ups yet, 安排回访
// schedules the call (+48 h), the visit (+7 days) and the look-back
// (+30 days) at once; each follow-up then shows its kind, its due time in
// China time and its state (待回访, 已逾期 in red with the word, 已完成 with
// outcome and satisfaction), with 改期 and 完成. 不满意 reopens the case.
type followUpsPanel struct {
	win  fyne.Window
	do   func(caseOp)
	tell func(string)
	now  func() time.Time

	schedule *widget.Button
	reopened *widget.Label // the case was reopened after a 不满意 follow-up
	list     *fyne.Container
	root     fyne.CanvasObject

	// Touched only on the UI goroutine:
	followUps []cases.FollowUp // as shown
	rows      []*followUpRow
	dlg       *dialog.FormDialog // the open 改期 or 完成 dialog
	dlgDate   *widget.Entry      // 改期
	dlgTime   *widget.Entry      // 改期
	dlgResult *widget.Entry      // 完成: the outcome
	dlgSat    *widget.RadioGroup // 完成: the satisfaction
}

// followUpRow is one follow-up on the panel.
type followUpRow struct {
	followUp   cases.FollowUp
	kind       *widget.Label
	due        *widget.Label
	state      *widget.Label
	reschedule *widget.Button
	complete   *widget.Button
}

func newFollowUpsPanel(win fyne.Window, do func(caseOp), tell func(string)) *followUpsPanel {
	p := &followUpsPanel{win: win, do: do, tell: tell, now: time.Now}
	p.schedule = widget.NewButtonWithIcon(lang.L("安排回访"), theme.ContentAddIcon(), p.onSchedule)
	p.schedule.Importance = widget.HighImportance
	p.reopened = widget.NewLabelWithStyle(lang.L("信访人对回访不满意，案件已重新办理。"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.reopened.Wrapping = fyne.TextWrapWord
	p.reopened.Importance = widget.DangerImportance
	p.reopened.Hide()
	p.list = container.NewVBox()
	p.root = container.NewBorder(container.NewVBox(p.reopened, container.NewHBox(p.schedule)), nil, nil, nil,
		container.NewVScroll(p.list))
	return p
}

func (p *followUpsPanel) content() fyne.CanvasObject { return p.root }

// show renders the case's follow-ups; it runs after every reload.
func (p *followUpsPanel) show(c cases.Case) {
	p.followUps = append(p.followUps[:0], c.FollowUps...)
	if len(p.followUps) == 0 {
		p.schedule.Show()
	} else {
		p.schedule.Hide()
	}
	dissatisfied := false
	for _, f := range p.followUps {
		dissatisfied = dissatisfied || (f.Done() && f.Satisfaction == cases.Dissatisfied)
	}
	if dissatisfied && c.Status == cases.StatusReopened {
		p.reopened.Show()
	} else {
		p.reopened.Hide()
	}
	now := p.now()
	p.rows = p.rows[:0]
	objs := make([]fyne.CanvasObject, 0, len(p.followUps))
	for _, f := range p.followUps {
		r := p.newRow(f, now)
		p.rows = append(p.rows, r)
		objs = append(objs, container.NewBorder(nil, nil, nil,
			container.NewHBox(r.reschedule, r.complete),
			container.NewVBox(container.NewHBox(r.kind, r.due), r.state)))
		objs = append(objs, widget.NewSeparator())
	}
	if len(objs) == 0 {
		empty := widget.NewLabel(lang.L("还没有安排回访。按“安排回访”一次排好电话回访（48小时内）、现场走访（7日内）和回头看（30日内）。"))
		empty.Wrapping = fyne.TextWrapWord
		empty.Importance = widget.LowImportance
		objs = append(objs, empty)
	}
	p.list.Objects = objs
	p.list.Refresh()
}

func (p *followUpsPanel) newRow(f cases.FollowUp, now time.Time) *followUpRow {
	r := &followUpRow{followUp: f}
	r.kind = widget.NewLabelWithStyle(lang.L(f.Kind.Label()), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.due = widget.NewLabel(lang.L("期限") + " " + cases.Local(f.Due).Format(dueDateLayout+" "+dueTimeLayout))
	r.state = widget.NewLabel("")
	r.state.Wrapping = fyne.TextWrapWord
	switch {
	case f.Done():
		st := lang.L("已完成") + " · " + lang.L(f.Satisfaction.Label())
		if o := strings.TrimSpace(f.Outcome); o != "" {
			st += " · " + o
		}
		r.state.SetText(st)
		r.state.Importance = widget.SuccessImportance
		if f.Satisfaction == cases.Dissatisfied {
			r.state.Importance = widget.DangerImportance
		}
	case f.Overdue(now):
		r.state.SetText(lang.L("已逾期"))
		r.state.Importance = widget.DangerImportance
		r.state.TextStyle.Bold = true
	default:
		r.state.SetText(lang.L("待回访"))
	}
	id := f.ID
	r.reschedule = widget.NewButtonWithIcon(lang.L("改期"), theme.HistoryIcon(), func() { p.onReschedule(id) })
	r.complete = widget.NewButtonWithIcon(lang.L("完成"), theme.ConfirmIcon(), func() { p.onComplete(id, "") })
	if f.Done() {
		r.reschedule.Disable()
		r.complete.Disable()
	}
	return r
}

// onSchedule schedules the three follow-ups, due from now, in one append.
func (p *followUpsPanel) onSchedule() {
	now := p.now()
	ids := make([]uuid.UUID, len(cases.FollowUpKinds))
	for i := range ids {
		id, err := uuid.NewV7()
		if err != nil {
			p.tell(err.Error())
			return
		}
		ids[i] = id
	}
	p.do(caseOp{events: func(c *cases.Case) ([]cases.Event, error) {
		if len(c.FollowUps) > 0 {
			return nil, nil // scheduled meanwhile
		}
		var evs []cases.Event
		for i, k := range cases.FollowUpKinds {
			e, err := cases.NewEvent(c.ID, &cases.FollowUpSchedule{FollowUpID: ids[i], Kind: k, Due: k.DefaultDue(now)})
			if err != nil {
				return nil, err
			}
			evs = append(evs, e)
		}
		return evs, nil
	}})
}

func (p *followUpsPanel) find(id uuid.UUID) (cases.FollowUp, bool) {
	for _, f := range p.followUps {
		if f.ID == id {
			return f, true
		}
	}
	return cases.FollowUp{}, false
}

// errFollowUpGone is what the user is told about a follow-up no longer
// open when a change to it comes to be saved.
func errFollowUpGone() error {
	return &userMessage{lang.L("这次回访已完成或不存在，请在最新的列表上再操作。")}
}

// openFollowUp finds follow-up id in c, not yet done.
func openFollowUp(c *cases.Case, id uuid.UUID) (cases.FollowUp, bool) {
	for _, f := range c.FollowUps {
		if f.ID == id && !f.Done() {
			return f, true
		}
	}
	return cases.FollowUp{}, false
}

// parseDue reads a date (YYYY-MM-DD) and a time (HH:MM) in China time.
func parseDue(date, clock string) (time.Time, error) {
	loc := cases.Local(time.Time{}).Location()
	return time.ParseInLocation(dueDateLayout+" "+dueTimeLayout, strings.TrimSpace(date)+" "+strings.TrimSpace(clock), loc)
}

// onReschedule opens the 改期 dialog for follow-up id, at its current due.
func (p *followUpsPanel) onReschedule(id uuid.UUID) {
	f, ok := p.find(id)
	if !ok {
		return
	}
	due := cases.Local(f.Due)
	p.dlgDate = widget.NewEntry()
	p.dlgDate.SetText(due.Format(dueDateLayout))
	p.dlgDate.Validator = func(s string) error {
		if _, err := time.Parse(dueDateLayout, strings.TrimSpace(s)); err != nil {
			return errors.New(lang.L("日期格式应为“年-月-日”，如2026-03-15。"))
		}
		return nil
	}
	p.dlgTime = widget.NewEntry()
	p.dlgTime.SetText(due.Format(dueTimeLayout))
	p.dlgTime.Validator = func(s string) error {
		if _, err := time.Parse(dueTimeLayout, strings.TrimSpace(s)); err != nil {
			return errors.New(lang.L("时间格式应为“时:分”，如09:30。"))
		}
		return nil
	}
	dateE, timeE := p.dlgDate, p.dlgTime
	p.openDialog(lang.L("回访改期")+" · "+lang.L(f.Kind.Label()), []*widget.FormItem{
		widget.NewFormItem(lang.L("日期"), dateE),
		widget.NewFormItem(lang.L("时间"), timeE),
	}, func() {
		due, err := parseDue(dateE.Text, timeE.Text)
		if err != nil {
			p.tell(lang.L("日期或时间格式不对，未改期。"))
			return
		}
		p.saveReschedule(id, due)
	})
	p.win.Canvas().Focus(dateE)
}

func (p *followUpsPanel) saveReschedule(id uuid.UUID, due time.Time) {
	p.do(caseOp{events: func(c *cases.Case) ([]cases.Event, error) {
		f, ok := openFollowUp(c, id)
		if !ok {
			return nil, errFollowUpGone()
		}
		if f.Due.Equal(due) {
			return nil, nil
		}
		e, err := cases.NewEvent(c.ID, &cases.FollowUpReschedule{FollowUpID: id, Due: due})
		return []cases.Event{e}, err
	}})
}

// satisfactionWords are the satisfaction radio's options, in the order
// of cases.Satisfactions.
func satisfactionWords() []string {
	out := make([]string, len(cases.Satisfactions))
	for i, s := range cases.Satisfactions {
		out[i] = lang.L(s.Label())
	}
	return out
}

// onComplete opens the 完成 dialog for follow-up id; outcome is given
// back when the dialog opens again after a refusal.
func (p *followUpsPanel) onComplete(id uuid.UUID, outcome string) {
	f, ok := p.find(id)
	if !ok {
		return
	}
	words := satisfactionWords()
	p.dlgResult = widget.NewMultiLineEntry()
	p.dlgResult.Wrapping = fyne.TextWrapWord
	p.dlgResult.SetMinRowsVisible(3)
	p.dlgResult.SetPlaceHolder(lang.L("回访情况：信访人反映的问题是否解决、还有什么诉求"))
	p.dlgResult.SetText(outcome)
	p.dlgSat = widget.NewRadioGroup(words, nil)
	p.dlgSat.Horizontal = true
	resultE, sat := p.dlgResult, p.dlgSat
	p.openDialog(lang.L("回访完成")+" · "+lang.L(f.Kind.Label()), []*widget.FormItem{
		widget.NewFormItem(lang.L("回访结果"), resultE),
		widget.NewFormItem(lang.L("满意度"), sat),
	}, func() {
		var s cases.Satisfaction
		for i, w := range words {
			if w == sat.Selected {
				s = cases.Satisfactions[i]
			}
		}
		p.saveComplete(id, strings.TrimSpace(resultE.Text), s)
	})
	p.win.Canvas().Focus(resultE)
}

func (p *followUpsPanel) saveComplete(id uuid.UUID, outcome string, s cases.Satisfaction) {
	op := caseOp{
		events: func(c *cases.Case) ([]cases.Event, error) {
			if s == "" {
				return nil, &userMessage{lang.L("请选择满意度：满意、基本满意或不满意。")}
			}
			if _, ok := openFollowUp(c, id); !ok {
				return nil, errFollowUpGone()
			}
			e, err := cases.NewEvent(c.ID, &cases.FollowUpComplete{FollowUpID: id, Outcome: outcome, Satisfaction: s})
			return []cases.Event{e}, err
		},
	}
	if s == "" {
		op.failed = func() { p.onComplete(id, outcome) } // open again with what was typed
	}
	if s == cases.Dissatisfied {
		op.saved = lang.L("信访人不满意，案件已重新办理")
	}
	p.do(op)
}

func (p *followUpsPanel) openDialog(title string, items []*widget.FormItem, save func()) {
	var d *dialog.FormDialog
	d = dialog.NewForm(title, lang.L("保存"), lang.L("取消"), items, func(ok bool) {
		if p.dlg == d {
			p.dlg = nil
		}
		if ok {
			save()
		}
	}, p.win)
	p.dlg = d
	d.Resize(fyne.NewSize(560, 300))
	d.Show()
}
