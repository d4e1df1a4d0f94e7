package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// startError is the window that says why the desk could not start. On
// Windows the desk has no console, so a message on stderr is never seen:
// without this window a double-click would seem to do nothing.
type startError struct {
	win     fyne.Window
	details *widget.Label // the error, selectable to copy and send on
}

// ShowStartError shows msg, why the desk could not start, with what to
// do, and runs a until the window is closed.
func ShowStartError(a fyne.App, msg string) {
	newStartError(a, msg).win.ShowAndRun()
}

func newStartError(a fyne.App, msg string) *startError {
	e := &startError{win: a.NewWindow(lang.L("接访台无法启动"))}
	head := widget.NewLabelWithStyle(lang.L("接访台无法启动。"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	what := widget.NewLabel(lang.L("原因写在下面。数据没有改动。请按提示处理后重新打开；处理不了，请把下面的文字复制发给负责电脑的同事。"))
	what.Wrapping = fyne.TextWrapWord
	e.details = widget.NewLabel(msg)
	e.details.Wrapping = fyne.TextWrapWord
	e.details.Selectable = true
	cp := widget.NewButtonWithIcon(lang.L("复制"), theme.ContentCopyIcon(), func() {
		a.Clipboard().SetContent(msg)
	})
	quit := widget.NewButtonWithIcon(lang.L("退出"), theme.CancelIcon(), e.win.Close)
	quit.Importance = widget.HighImportance
	e.win.SetContent(container.NewPadded(container.NewBorder(
		container.NewVBox(head, what), container.NewHBox(layout.NewSpacer(), cp, quit), nil, nil, container.NewVScroll(e.details))))
	e.win.Resize(fyne.NewSize(640, 360))
	return e
}
