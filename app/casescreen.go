package app

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/triage"
)

const (
	caseTimeout   = 10 * time.Second // reading or writing one case
	headerSummary = 160              // summary characters shown in the header
)

// caseOp is one change the user made. Its events are built when its turn
// comes, from the case as last loaded, so that changes made in quick
// succession each carry the version the one before produced.
type caseOp struct {
	// events returns what to append; none: nothing to record. An error
	// is shown to the user.
	events func(c *cases.Case) ([]cases.Event, error)
	done   func() // optional: after the events are stored, before the case is shown again
	failed func() // optional: the events were refused (give back what the user typed)
	saved  string // optional: said on the status line after 已保存 once the events are stored
}

// caseScreen is one case in the main window: a header (number, category,
// status, summary), the seven steps of the interview on the left, the
// current step's panel on the right and a status line. Every change is
// appended to the store at once, then the case is read again and shown,
// here and in the petitioner view if it is open.
type caseScreen struct {
	app   fyne.App
	win   fyne.Window
	cases CaseStore
	id    uuid.UUID
	back  func() // back to the case list

	backBtn   *widget.Button
	number    *widget.Label
	meta      *widget.Label
	summary   *widget.Label
	stepBtns  [cases.StepCount]*widget.Button
	finish    *widget.Button  // 结束接谈: schedules the follow-ups, shows step 7
	screenBtn *widget.Button  // 三维甄别: intensity, similar cases, registry alerts
	panel     *fyne.Container // holds the current step's panel
	status    *widget.Label
	facts     *factsPanel
	roles     *rolesPanel
	follow    *followUpsPanel
	calm      *deescalatePanel
	legal     *legalPanel
	evid      *evidencePanel
	root      fyne.CanvasObject

	// Touched only on the UI goroutine:
	c          cases.Case
	loaded     bool
	step       int                      // the step shown, 1…7; 0 until the case is loaded
	done       *widget.Check            // the shown step's 本步已完成
	checks     map[string]*widget.Check // step 1's checklist, by item, while step 1 is shown
	setting    bool                     // done is being set from the case, not by the user
	openView   *widget.Button
	petitioner *petitionerView // the open petitioner view, if any
	queue      []caseOp        // changes waiting for the one being saved
	saving     bool
	left       bool                 // the screen was left: late results are dropped
	triggers   map[uuid.UUID]string // numbers of the cases that triggered the case's escalation, as far as known

	scorer *triage.Scorer // scores the case's text when this desk changes it; nil: none
	screen *screeningPanel
	// openOther shows another case in place of this one (a similar case
	// tapped in 三维甄别); nil: similar cases are listed only.
	openOther func(id uuid.UUID)

	ui   func(func())   // runs a background result on the UI goroutine: fyne.Do (tests queue it)
	busy sync.WaitGroup // background work not yet applied on the UI goroutine (tests wait on it)
}

func newCaseScreen(a fyne.App, win fyne.Window, cs CaseStore, id uuid.UUID, back func()) *caseScreen {
	s := &caseScreen{app: a, win: win, cases: cs, id: id, back: back, ui: fyne.Do}
	s.backBtn = widget.NewButtonWithIcon(lang.L("返回列表"), theme.NavigateBackIcon(), s.onBack)
	s.number = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.meta = widget.NewLabel("")
	s.summary = widget.NewLabel(lang.L("正在读取案件…"))
	s.summary.Wrapping = fyne.TextWrapWord
	steps := container.NewVBox(widget.NewLabelWithStyle(lang.L("七步接谈"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for i := range s.stepBtns {
		n := i + 1
		b := widget.NewButton("", func() { s.showStep(n) })
		b.Alignment = widget.ButtonAlignLeading
		b.IconPlacement = widget.ButtonIconTrailingText
		s.stepBtns[i] = b
		steps.Add(b)
	}
	s.updateSteps()
	// The stepper is as wide as its widest line can get, so that a step
	// marked done does not shift the panel beside it.
	var wide float32
	for i := range s.stepBtns {
		b := widget.NewButtonWithIcon(stepLabel(i+1, true), theme.ConfirmIcon(), nil)
		b.IconPlacement = widget.ButtonIconTrailingText
		wide = max(wide, b.MinSize().Width)
	}
	strut := canvas.NewRectangle(color.Transparent)
	strut.SetMinSize(fyne.NewSize(wide, 0))
	steps.Add(strut)
	s.finish = widget.NewButtonWithIcon(lang.L("结束接谈"), theme.MailSendIcon(), s.onFinish)
	s.screenBtn = widget.NewButtonWithIcon(lang.L("三维甄别"), theme.SearchIcon(), s.showScreening)
	s.screenBtn.Alignment = widget.ButtonAlignLeading
	steps.Add(widget.NewSeparator())
	steps.Add(s.finish)
	steps.Add(s.screenBtn)
	s.panel = container.NewStack()
	s.status = widget.NewLabel("")
	s.status.Truncation = fyne.TextTruncateEllipsis
	s.facts = newFactsPanel(win, s.do, s.tell)
	s.roles = newRolesPanel(win, s.do, s.tell)
	s.follow = newFollowUpsPanel(win, s.do, s.tell)
	s.calm = newDeescalatePanel(s.do, s.tell)
	s.screen = newScreeningPanel(func(id uuid.UUID) {
		if s.openOther != nil {
			s.openOther(id)
		}
	}, func(f func()) { s.ui(f) }, &s.busy)
	s.legal = newLegalPanel(win, s.do, s.tell, func(f func()) { s.ui(f) }, &s.busy)
	s.evid = newEvidencePanel(win, cs, s.do, s.tell, func(f func()) { s.ui(f) }, &s.busy)

	header := container.NewBorder(nil, nil, container.NewVBox(s.backBtn), nil,
		container.NewVBox(container.NewHBox(s.number, s.meta), s.summary))
	s.root = container.NewBorder(
		container.NewVBox(container.NewPadded(header), widget.NewSeparator()),
		container.NewVBox(widget.NewSeparator(), s.status),
		container.NewHBox(container.NewPadded(steps), widget.NewSeparator()),
		nil,
		container.NewPadded(s.panel),
	)
	return s
}

func (s *caseScreen) content() fyne.CanvasObject { return s.root }

// load reads the case off the UI goroutine and shows it. It must be
// called on the UI goroutine.
func (s *caseScreen) load() {
	apply := s.ui
	s.busy.Add(1)
	go func() {
		defer s.busy.Done()
		ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
		defer cancel()
		c, err := s.cases.Case(ctx, s.id)
		triggers := triggerNumbers(ctx, s.cases, c)
		apply(func() {
			if s.left {
				return
			}
			s.triggers = triggers
			if err != nil {
				s.tell(lang.L("读取案件失败：") + err.Error())
				if !s.loaded {
					s.summary.SetText(lang.L("读取案件失败，请返回列表后重新打开。"))
				}
				return
			}
			s.show(c)
		})
	}()
}

// show puts a freshly read case on the screen and in the petitioner view.
func (s *caseScreen) show(c cases.Case) {
	if s.loaded && c.Events < s.c.Events {
		return // an older read arriving late
	}
	s.c, s.loaded = c, true
	s.number.SetText(c.Number())
	cat := c.Category
	if cat == "" {
		cat = lang.L("未分类")
	}
	s.meta.SetText("【" + cat + "】 " + lang.L(c.Status.Label()))
	sum := []rune(strings.TrimSpace(c.Summary))
	if len(sum) > headerSummary {
		sum = append(sum[:headerSummary], '…')
	}
	s.summary.SetText(string(sum))
	s.facts.show(c)
	s.roles.show(c)
	s.follow.show(c)
	s.calm.show(c)
	s.calm.showEscalation(c, s.triggers)
	s.legal.show(c)
	s.evid.show(c)
	switch s.step {
	case 0:
		s.showStep(firstOpenStep(c))
	case screeningView:
		s.screen.show(c, s.calm)
	default:
		s.updateSteps()
		s.updateDone()
	}
	if s.petitioner != nil {
		s.petitioner.show(c)
	}
}

// caseNumbers is what a CaseStore may also offer (the store does): the
// numbers of cases by id, those it does not hold left out.
type caseNumbers interface {
	CaseNumbers(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]string, error)
}

// triggerNumbers reads the numbers of the cases that triggered c's
// automatic escalation, when cs can tell them; nil when c was not
// escalated or they cannot be read (the cases are then named by the
// start of their ids). Off the UI goroutine.
func triggerNumbers(ctx context.Context, cs CaseStore, c cases.Case) map[uuid.UUID]string {
	n, ok := cs.(caseNumbers)
	if !ok || c.Escalation == nil {
		return nil
	}
	m, err := n.CaseNumbers(ctx, c.Escalation.Triggers)
	if err != nil {
		return nil
	}
	return m
}

// firstOpenStep is where an opened case starts: the first step not done.
func firstOpenStep(c cases.Case) int {
	for i, st := range c.Steps {
		if !st.Done {
			return i + 1
		}
	}
	return cases.StepCount
}

// stepLabel is a step's line in the stepper: number, name and, once done,
// the word 已完成 (the button adds a check mark icon: the mark alone would
// not be read out, the word alone is easy to miss).
func stepLabel(n int, done bool) string {
	l := fmt.Sprintf("%d  %s", n, lang.L(cases.StepNames[n-1]))
	if done {
		l += "  · " + lang.L("已完成")
	}
	return l
}

func (s *caseScreen) updateSteps() {
	for i, b := range s.stepBtns {
		done := s.c.Steps[i].Done
		b.Text = stepLabel(i+1, done)
		b.Icon = nil
		if done {
			// A check mark icon rather than the ✓ character: it looks the
			// same whatever font the desk found.
			b.Icon = theme.ConfirmIcon()
		}
		b.Importance = widget.MediumImportance
		if i+1 == s.step {
			b.Importance = widget.HighImportance
		}
		b.Refresh()
	}
}

func (s *caseScreen) updateDone() {
	if s.done == nil || s.step == 0 {
		return
	}
	s.setting = true
	s.done.SetChecked(s.c.Steps[s.step-1].Done)
	for item, ch := range s.checks {
		ch.SetChecked(slices.Contains(s.c.Steps[0].Checked, item))
	}
	s.setting = false
}

// spaceChecklist is step 1's checklist: the item as recorded, and what
// it asks of the receptionist.
var spaceChecklist = []struct{ item, hint string }{
	{"圆桌", "围坐圆桌，不隔着柜台或办公桌"},
	{"撤桌牌", "撤下职务桌牌，以平等身份交谈"},
	{"递水", "递上一杯水，请信访人先坐下歇一歇"},
	{"方言/语速", "用信访人熟悉的方言，放慢语速"},
}

// checklist builds step 1's checklist; each tick is recorded at once.
func (s *caseScreen) checklist() fyne.CanvasObject {
	s.checks = map[string]*widget.Check{}
	box := container.NewVBox()
	for _, it := range spaceChecklist {
		item := it.item
		ch := widget.NewCheck(lang.L(item)+"："+lang.L(it.hint), func(on bool) {
			if !s.setting {
				s.onCheck(1, item, on)
			}
		})
		s.checks[item] = ch
		box.Add(ch)
	}
	return box
}

// onCheck records a checklist item of step n as ticked or not.
func (s *caseScreen) onCheck(n int, item string, on bool) {
	s.do(caseOp{events: func(c *cases.Case) ([]cases.Event, error) {
		if slices.Contains(c.Steps[n-1].Checked, item) == on {
			return nil, nil
		}
		e, err := cases.NewEvent(c.ID, &cases.StepCheck{Step: n, Item: item, Checked: on})
		return []cases.Event{e}, err
	}})
}

// showStep makes step n the current one.
func (s *caseScreen) showStep(n int) {
	if !s.loaded || n < 1 || n > cases.StepCount {
		return
	}
	s.leaveStep(n)
	s.step = n
	s.checks = nil
	s.done = widget.NewCheck(lang.L("本步已完成"), func(on bool) {
		if !s.setting {
			s.onStepDone(n, on)
		}
	})
	title := widget.NewLabelWithStyle(fmt.Sprintf(lang.L("第%d步 · %s"), n, lang.L(cases.StepNames[n-1])), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	intro := widget.NewLabel(stepIntro(n))
	intro.Wrapping = fyne.TextWrapWord
	var body fyne.CanvasObject
	switch n {
	case 1:
		s.openView = widget.NewButtonWithIcon(lang.L("打开信访人视图"), theme.ComputerIcon(), s.onOpenPetitionerView)
		s.openView.Importance = widget.HighImportance
		how := widget.NewLabel(lang.L("信访人视图是另一个窗口：只有诉求、事实卡片和核实进度，字大，不显示职务和姓名。把它拖到第二块屏幕或转向信访人的笔记本上，按 F11 全屏（Esc 退出全屏）。它随您的记录自动更新。"))
		how.Wrapping = fyne.TextWrapWord
		body = container.NewVBox(s.checklist(), widget.NewSeparator(), container.NewHBox(s.openView), how)
	case 2:
		body = s.facts.content()
	case 3:
		body = s.roles.content()
	case 4:
		body = s.evid.content()
	case 5:
		body = s.legal.content()
	case 6:
		body = s.calm.content()
	case 7:
		body = s.follow.content()
	}
	s.updateDone()
	panel := container.NewBorder(container.NewVBox(title, intro), container.NewVBox(widget.NewSeparator(), s.done), nil, nil, body)
	s.panel.Objects = []fyne.CanvasObject{panel}
	s.panel.Refresh()
	s.updateSteps()
	if n == 2 {
		s.facts.bind()
		s.win.Canvas().Focus(s.facts.entry)
	}
	if n == 4 {
		s.evid.bind()
	}
}

// stepIntro says in a sentence what step n is for.
func stepIntro(n int) string {
	switch n {
	case 1:
		return lang.L("安排好谈话的环境，让信访人看到自己的事情被一条条记下。")
	case 2:
		return lang.L("把信访人反映的事情拆成一条条事实卡片，逐条标明已证实、待核实或存争议。")
	case 3:
		return lang.L("请信访人为在场人员选定角色（记录员、见证人），记下谁担任了什么角色。")
	case 4:
		return lang.L("把信访人带来的材料扫描或拍照，整理成证据时间轴。")
	case 5:
		return lang.L("查找相关法条，打印法律指引交信访人带回。")
	case 6:
		return lang.L("留意信访人的情绪强度，必要时按提示缓和气氛。")
	default:
		return lang.L("安排回访：48小时内电话回访，7日内现场走访，30日内回头看。")
	}
}

// onFinish ends the interview: the three follow-ups are scheduled from
// now (unless the case has some already) and step 7 shows them, to be
// rescheduled there if the petitioner asks for other days.
func (s *caseScreen) onFinish() {
	if !s.loaded {
		return
	}
	if len(s.c.FollowUps) == 0 {
		s.follow.onSchedule()
	}
	s.showStep(cases.StepCount)
}

// screeningView is the step number of the 三维甄别 view, shown in the
// steps' place but not one of them.
const screeningView = cases.StepCount + 1

// showScreening shows the case's screening: intensity, similar cases,
// registry alerts.
func (s *caseScreen) showScreening() {
	if !s.loaded {
		return
	}
	s.leaveStep(screeningView)
	s.step = screeningView
	s.checks, s.done = nil, nil
	title := widget.NewLabelWithStyle(lang.L("三维甄别"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	intro := widget.NewLabel(lang.L("强度看信访人的言辞，广度看近5年的相似案件，深度看登记库里当事人的异常变化。每一项都写明依据。"))
	intro.Wrapping = fyne.TextWrapWord
	s.panel.Objects = []fyne.CanvasObject{container.NewBorder(container.NewVBox(title, intro), nil, nil, nil, s.screen.content())}
	s.panel.Refresh()
	s.updateSteps()
	s.screenBtn.Importance = widget.HighImportance
	s.screenBtn.Refresh()
	s.screen.show(s.c, s.calm)
}

// leaveStep lets the step shown go before step n is shown.
func (s *caseScreen) leaveStep(n int) {
	if s.step == 2 && n != 2 {
		s.facts.unbind()
	}
	if s.step == 4 && n != 4 {
		s.evid.unbind()
	}
	if s.step == screeningView && n != screeningView {
		s.screenBtn.Importance = widget.MediumImportance
		s.screenBtn.Refresh()
	}
}

// onStepDone records step n as done or not done.
func (s *caseScreen) onStepDone(n int, done bool) {
	s.do(caseOp{events: func(c *cases.Case) ([]cases.Event, error) {
		if c.Steps[n-1].Done == done {
			return nil, nil
		}
		e, err := cases.NewEvent(c.ID, &cases.StepProgress{Step: n, Done: done})
		return []cases.Event{e}, err
	}})
}

// do records a change: now if nothing is being saved, else after the
// changes before it. It must be called on the UI goroutine.
func (s *caseScreen) do(op caseOp) {
	if !s.loaded || s.left {
		return
	}
	s.queue = append(s.queue, op)
	if !s.saving {
		s.next()
	}
}

// next saves the first waiting change off the UI goroutine, reads the
// case again and shows it, then goes on with the next change.
func (s *caseScreen) next() {
	for len(s.queue) > 0 && !s.left {
		op := s.queue[0]
		s.queue = s.queue[1:]
		evs, err := op.events(&s.c)
		if err != nil {
			s.refuse(op, err)
			continue
		}
		if len(evs) == 0 {
			continue
		}
		s.saving = true
		s.tell(lang.L("正在保存…"))
		apply := s.ui
		s.busy.Add(1)
		go func() {
			defer s.busy.Done()
			ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
			defer cancel()
			_, err := s.cases.Append(ctx, evs...)
			c, lerr := s.cases.Case(ctx, s.id)
			var serr error // the intensity or the escalation could not be recorded
			if err == nil && lerr == nil {
				if scored, e := screenChange(ctx, s.cases, s.scorer, s.screen.similarCases, c, evs); e != nil {
					serr = e
				} else {
					c = scored
				}
			}
			var triggers map[uuid.UUID]string
			if lerr == nil {
				triggers = triggerNumbers(ctx, s.cases, c)
			}
			apply(func() {
				s.saving = false
				if s.left {
					return
				}
				if err == nil && op.done != nil {
					op.done()
				}
				if lerr == nil {
					s.triggers = triggers
					s.show(c)
				}
				switch {
				case err != nil:
					s.refuse(op, err)
				case lerr != nil:
					s.tell(lang.L("已保存，但重新读取案件失败：") + lerr.Error())
				default:
					msg := fmt.Sprintf(lang.L("已保存 %s"), cases.Local(time.Now()).Format("15:04:05"))
					if op.saved != "" {
						msg += " · " + op.saved
					}
					if serr != nil {
						msg += " · " + lang.L("甄别结果未能记录：") + serr.Error()
					}
					s.tell(msg)
				}
				s.next()
			})
		}()
		return
	}
}

// refuse tells the user why a change was not recorded. A change based on
// a version that another change (another desk, a sync) has overtaken is
// dropped with the changes queued behind it; the case has been read
// again, and the user looks before acting again.
func (s *caseScreen) refuse(op caseOp, err error) {
	if op.failed != nil {
		op.failed()
	}
	if cases.IsConflict(err) {
		s.queue = nil
		msg := lang.L("这一项刚在别处被修改过（例如另一台设备同步来的更改），您的这次修改没有保存。已载入最新内容，请核对后再操作一次。")
		s.tell(lang.L("修改未保存：内容已在别处更新"))
		dialog.ShowInformation(lang.L("内容已更新"), msg, s.win)
		return
	}
	msg := lang.L("保存失败：") + err.Error()
	if v, ok := cases.AsValidation(err); ok && v.Message != "" {
		msg = v.Message
	}
	var u *userMessage
	if errors.As(err, &u) {
		msg = u.msg
	}
	s.tell(msg)
	dialog.ShowError(errors.New(msg), s.win)
}

// userMessage is an error whose text is for the user as it is.
type userMessage struct{ msg string }

func (e *userMessage) Error() string { return e.msg }

// tell writes msg on the status line.
func (s *caseScreen) tell(msg string) { s.status.SetText(msg) }

// onOpenPetitionerView opens the petitioner view, or brings it to the
// front if it is open.
func (s *caseScreen) onOpenPetitionerView() {
	if s.petitioner != nil {
		s.petitioner.win.RequestFocus()
		return
	}
	var v *petitionerView
	v = newPetitionerView(s.app, s.legal.lib, func() {
		if s.petitioner == v {
			s.petitioner = nil
		}
	})
	s.petitioner = v
	v.show(s.c)
	v.win.Show()
}

func (s *caseScreen) onBack() {
	s.leave()
	if s.back != nil {
		s.back()
	}
}

// leave ends the screen: the shortcuts go, the petitioner view closes
// (the next petitioner must not see this case), late results are
// dropped. Calling it again does nothing.
func (s *caseScreen) leave() {
	if s.left {
		return
	}
	s.left = true
	s.queue = nil
	s.facts.unbind()
	s.evid.unbind()
	s.calm.leave()
	s.legal.leave()
	if s.petitioner != nil {
		s.petitioner.close()
		s.petitioner = nil
	}
}
