package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// The start error window shows the reason, copies it, and 退出 closes it.
func TestStartErrorWindow(t *testing.T) {
	a := test.NewTempApp(t)
	msg := "数据库文件 D:\\接访\\jiefang.db 不是接访台的数据库。"
	e := newStartError(a, msg)
	e.win.Show()
	if !findLabel(e.win.Content(), msg) || !findLabel(e.win.Content(), "接访台无法启动") {
		t.Fatal("the window does not show the reason")
	}
	for _, b := range buttons(e.win.Content()) {
		if b.Text == "复制" {
			test.Tap(b)
		}
	}
	if got := a.Clipboard().Content(); got != msg {
		t.Errorf("copied %q", got)
	}
	closed := false
	e.win.SetOnClosed(func() { closed = true })
	for _, b := range buttons(e.win.Content()) {
		if b.Text == "退出" {
			test.Tap(b)
		}
	}
	if !closed {
		t.Error("退出 did not close the window")
	}
}

// buttons lists the buttons under o.
func buttons(o fyne.CanvasObject) []*widget.Button {
	var out []*widget.Button
	walk(o, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok {
			out = append(out, b)
		}
	})
	return out
}
