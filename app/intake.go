package app

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/triage"
)

// intakeCategories are offered in the intake form; staff may type another.
func intakeCategories() []string {
	return []string{"征地补偿", "宅基地", "社保", "采光", "噪音", "祖坟", "执行难", "拖欠工资", "拆迁安置", "环境污染", "邻里纠纷", "其他"}
}

// intakeForm registers a new case: channel, category, the petitioner's
// request in their words, and the signer count of a collective petition.
// A refused form comes back with everything typed still in it.
type intakeForm struct {
	win     fyne.Window
	cases   CaseStore
	created func(id uuid.UUID, number string)
	scorer  *triage.Scorer // scores the new case's text; nil: none
	similar SimilarCases   // the collective rule for the new case; nil: none
	ui      func(func())   // runs the result on the UI goroutine: fyne.Do (tests queue it)
	busy    sync.WaitGroup // the save under way (tests wait on it)

	channel  *widget.RadioGroup
	category *widget.SelectEntry
	summary  *widget.Entry
	signers  *widget.Entry
	form     *dialog.FormDialog
}

func newIntakeForm(win fyne.Window, cs CaseStore, created func(id uuid.UUID, number string)) *intakeForm {
	f := &intakeForm{win: win, cases: cs, created: created, ui: fyne.Do}
	labels := make([]string, len(cases.Channels))
	for i, c := range cases.Channels {
		labels[i] = lang.L(c.Label())
	}
	f.channel = widget.NewRadioGroup(labels, nil)
	f.channel.Horizontal = true
	f.channel.Required = true
	f.channel.SetSelected(labels[0])
	f.category = widget.NewSelectEntry(intakeCategories())
	f.category.SetPlaceHolder(lang.L("选择或输入类别"))
	f.summary = widget.NewMultiLineEntry()
	f.summary.SetPlaceHolder(lang.L("信访人的诉求，尽量用他自己的话"))
	f.summary.SetMinRowsVisible(5)
	f.summary.Wrapping = fyne.TextWrapWord
	f.signers = widget.NewEntry()
	f.signers.SetPlaceHolder(lang.L("个人来访可不填"))
	return f
}

func (f *intakeForm) show() {
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("渠道"), f.channel),
		widget.NewFormItem(lang.L("类别"), f.category),
		widget.NewFormItem(lang.L("诉求摘要"), f.summary),
		widget.NewFormItem(lang.L("联名人数"), f.signers),
	}
	f.form = dialog.NewForm(lang.L("新接待"), lang.L("登记"), lang.L("取消"), items, func(ok bool) {
		if ok {
			f.onSubmit()
		}
	}, f.win)
	f.form.Resize(fyne.NewSize(640, 420))
	f.form.Show()
	f.win.Canvas().Focus(f.category)
}

// event builds the case.opened event from the form, or says what to fix.
func (f *intakeForm) event() (cases.Event, error) {
	var ch cases.Channel
	for _, c := range cases.Channels {
		if lang.L(c.Label()) == f.channel.Selected {
			ch = c
		}
	}
	signers := 0
	if s := strings.TrimSpace(f.signers.Text); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return cases.Event{}, &cases.ValidationError{Field: "case.signers", Code: cases.CodeInvalid, Message: "联名人数请填写数字，如 12；个人来访可不填。"}
		}
		signers = n
	}
	if strings.TrimSpace(f.summary.Text) == "" {
		return cases.Event{}, &cases.ValidationError{Field: "case.summary", Code: cases.CodeRequired, Message: "请填写诉求摘要：信访人要反映什么、要求什么。"}
	}
	id, err := uuid.NewV7()
	if err != nil {
		return cases.Event{}, err
	}
	return cases.NewEvent(id, &cases.Opened{
		Channel: ch, Category: strings.TrimSpace(f.category.Text),
		Summary: strings.TrimSpace(f.summary.Text), Signers: signers,
	})
}

func (f *intakeForm) onSubmit() {
	e, err := f.event()
	if err != nil {
		f.refuse(err)
		return
	}
	f.busy.Add(1)
	go func() {
		defer f.busy.Done()
		f.save(e)
	}()
}

// save stores the new case off the UI goroutine (the store may be busy
// with a sync) and reports back on it.
func (f *intakeForm) save(e cases.Event) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	stored, err := f.cases.Append(ctx, e)
	if err == nil {
		// The new case's intensity and the collective rule. Should they
		// fail, the case is there all the same, and the next change of
		// its text screens it again.
		if c, cerr := f.cases.Case(ctx, e.CaseID); cerr == nil {
			screenChange(ctx, f.cases, f.scorer, f.similar, c, stored)
		}
	}
	f.ui(func() {
		if err != nil {
			f.refuse(err)
			return
		}
		var o cases.Opened
		if p, err := cases.Decode(stored[0]); err == nil {
			o = *p.(*cases.Opened)
		}
		f.created(stored[0].CaseID, o.Number)
	})
}

// refuse explains what is wrong and brings the form back as it was.
func (f *intakeForm) refuse(err error) {
	msg := err.Error()
	if v, ok := cases.AsValidation(err); ok && v.Message != "" {
		msg = v.Message
	}
	d := dialog.NewError(errors.New(msg), f.win)
	d.SetOnClosed(f.show)
	d.Show()
}
