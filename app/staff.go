package app

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// staffPrompt asks for the staff member's name, recorded as the actor of
// every event until staff accounts exist.
type staffPrompt struct {
	win   fyne.Window
	cases CaseStore
	done  func()
	name  *widget.Entry
}

func newStaffPrompt(win fyne.Window, cs CaseStore, done func()) *staffPrompt {
	p := &staffPrompt{win: win, cases: cs, done: done, name: widget.NewEntry()}
	p.name.SetPlaceHolder(lang.L("例如：王芳"))
	return p
}

func (p *staffPrompt) show() {
	items := []*widget.FormItem{widget.NewFormItem(lang.L("您的姓名"), p.name)}
	d := dialog.NewForm(lang.L("欢迎使用接访台"), lang.L("确定"), lang.L("稍后"), items, func(ok bool) {
		if ok {
			p.onSave()
		}
	}, p.win)
	p.name.OnSubmitted = func(string) { d.Submit() } // Enter confirms
	d.Resize(fyne.NewSize(420, 200))
	d.Show()
	p.win.Canvas().Focus(p.name)
}

// staffName is the staff name typed as text, trimmed, or an error in
// Chinese if it is empty or longer than 50 characters. The first-start
// prompt and the settings screen both check names with it.
func staffName(text string) (string, error) {
	name := strings.TrimSpace(text)
	if name == "" || len([]rune(name)) > 50 {
		return "", errors.New(lang.L("请填写您的姓名（1到50个字）。每条记录都会写明经办人。"))
	}
	return name, nil
}

func (p *staffPrompt) onSave() {
	name, err := staffName(p.name.Text)
	if err != nil {
		d := dialog.NewError(err, p.win)
		d.SetOnClosed(p.show)
		d.Show()
		return
	}
	if err := p.cases.SetActor(context.Background(), name); err != nil {
		dialog.ShowError(err, p.win)
		return
	}
	if p.done != nil {
		p.done()
	}
}
