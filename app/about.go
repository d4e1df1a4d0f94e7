package app

import (
	"fmt"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// Version is the desk's version as FyneApp.toml gives it (main reads the
// file, embedded; the Windows resources and the installer take the same).
type Version struct {
	Number string // e.g. "0.1.0"; "": not known
	Build  int    // FyneApp.toml's Build
}

// text is the version line of the About box, e.g. 版本 0.1.0（内部版本 1）.
func (v Version) text() string {
	if v.Number == "" {
		return lang.L("版本未知")
	}
	return fmt.Sprintf(lang.L("版本 %s（内部版本 %d）"), v.Number, v.Build)
}

// aboutLines are what the About box says below the name: the version,
// the data directory if known (dataDir "" if not), what the desk needs of
// Windows, and that uninstalling keeps the data.
func aboutLines(v Version, dataDir string) []string {
	lines := []string{v.text()}
	if dataDir != "" {
		lines = append(lines, fmt.Sprintf(lang.L("数据目录：%s"), dataDir))
	}
	return append(lines,
		lang.L("运行要求：Windows 10 或更高版本；显卡支持 OpenGL 2.1（有些远程桌面和虚拟机的显示驱动不支持）。"),
		lang.L("卸载接访台不会删除数据目录里的案件和证据文件。"))
}

// showAbout opens the 关于接访台 box over win.
func showAbout(win fyne.Window, v Version, dataDir string) dialog.Dialog {
	name := widget.NewLabelWithStyle("接访台 Jiefang Desk", // the product name, in both languages
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	box := container.NewVBox(name)
	for _, l := range aboutLines(v, dataDir) {
		w := widget.NewLabel(l)
		w.Wrapping = fyne.TextWrapWord
		w.Selectable = true // a version or a path to read out on the phone, or copy
		box.Add(w)
	}
	d := dialog.NewCustom(lang.L("关于接访台"), lang.L("关闭"), box, win)
	d.Resize(fyne.NewSize(520, 300))
	d.Show()
	return d
}

// dataInUse is the folder of the database open now; "" if not known.
func (e *SettingsEnv) dataInUse() string {
	if e == nil || e.Database == "" {
		return ""
	}
	return filepath.Dir(e.Database)
}
