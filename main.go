// Jiefang is the 接访台 desktop app: the reception desk for petition work.
package main

import (
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("cn.jiefang.desk")
	w := a.NewWindow("接访台")
	w.SetContent(widget.NewLabel("接访台"))
	w.ShowAndRun()
}
