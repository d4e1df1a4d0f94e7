package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"jiefang/cases"
)

// legalPanel is step 5, 法律导航: the case's category, which will suggest
// articles once the statute tree is loaded, and the articles pinned to
// the case for its legal guide — pinned here by citation, taken off with
// 取下. Each change is recorded at once.
type legalPanel struct {
	win fyne.Window
	do  func(caseOp)

	category *widget.Label
	recat    *widget.Button      // 改类别
	dlg      *dialog.FormDialog  // the open 改类别 dialog, if any
	dlgCat   *widget.SelectEntry // its category
	current  string              // the category shown
	entry    *widget.Entry
	pin      *widget.Button
	list     *fyne.Container
	root     fyne.CanvasObject
}

func newLegalPanel(win fyne.Window, do func(caseOp)) *legalPanel {
	p := &legalPanel{win: win, do: do}
	p.category = widget.NewLabel("")
	p.category.TextStyle = fyne.TextStyle{Bold: true}
	p.recat = widget.NewButtonWithIcon(lang.L("改类别"), theme.DocumentCreateIcon(), p.onRecategorize)
	note := widget.NewLabel(lang.L("法条树和按类别推荐的法条将随法律库提供。现在可以先把要给信访人讲的法条记在这里，打印法律指引时会用到。"))
	note.Wrapping = fyne.TextWrapWord
	note.Importance = widget.LowImportance
	p.entry = widget.NewEntry()
	p.entry.SetPlaceHolder(lang.L("法条，如：信访工作条例 第三十四条"))
	p.entry.OnSubmitted = func(string) { p.onPin() }
	p.pin = widget.NewButtonWithIcon(lang.L("钉住"), theme.ContentAddIcon(), p.onPin)
	p.list = container.NewVBox()
	p.root = container.NewBorder(
		container.NewVBox(container.NewHBox(p.category, p.recat), note, container.NewBorder(nil, nil, nil, p.pin, p.entry), widget.NewSeparator()),
		nil, nil, nil, container.NewVScroll(p.list))
	return p
}

func (p *legalPanel) content() fyne.CanvasObject { return p.root }

// show puts a freshly read case on the panel; on the UI goroutine.
func (p *legalPanel) show(c cases.Case) {
	p.current = c.Category
	cat := c.Category
	if cat == "" {
		cat = lang.L("未分类")
	}
	p.category.SetText(fmt.Sprintf(lang.L("案件类别：%s"), cat))
	p.list.RemoveAll()
	if len(c.Articles) == 0 {
		p.list.Add(widget.NewLabel(lang.L("还没有钉住的法条。")))
	}
	for i, a := range c.Articles {
		article := a.Article
		title := a.Title
		if title == "" {
			title = article
		}
		off := widget.NewButtonWithIcon(lang.L("取下"), theme.ContentRemoveIcon(), func() { p.setPinned(article, "", false) })
		p.list.Add(container.NewBorder(nil, nil, nil, off, widget.NewLabel(fmt.Sprintf("%d. %s", i+1, title))))
	}
	p.list.Refresh()
}

// onPin pins the typed citation.
func (p *legalPanel) onPin() {
	text := strings.Join(strings.Fields(p.entry.Text), " ")
	if text == "" {
		return
	}
	p.entry.SetText("")
	p.do(caseOp{
		events: func(c *cases.Case) ([]cases.Event, error) {
			e, err := cases.NewEvent(c.ID, &cases.ArticlePin{Article: text, Title: text, Pinned: true})
			return []cases.Event{e}, err
		},
		failed: func() { p.entry.SetText(text) },
	})
}

// setPinned pins or takes off an article.
func (p *legalPanel) setPinned(article, title string, on bool) {
	p.do(caseOp{events: func(c *cases.Case) ([]cases.Event, error) {
		e, err := cases.NewEvent(c.ID, &cases.ArticlePin{Article: article, Title: title, Pinned: on})
		return []cases.Event{e}, err
	}})
}

// onRecategorize asks for the case's category (one of the usual ones, or
// typed), to put right a category chosen or typed wrongly at intake.
func (p *legalPanel) onRecategorize() {
	p.dlgCat = widget.NewSelectEntry(intakeCategories())
	p.dlgCat.SetText(p.current)
	items := []*widget.FormItem{widget.NewFormItem(lang.L("类别"), p.dlgCat)}
	var d *dialog.FormDialog
	d = dialog.NewForm(lang.L("改类别"), lang.L("保存"), lang.L("取消"), items, func(ok bool) {
		if p.dlg == d {
			p.dlg = nil
		}
		if ok {
			p.setCategory(strings.TrimSpace(p.dlgCat.Text))
		}
	}, p.win)
	p.dlg = d
	d.Resize(fyne.NewSize(480, 180))
	d.Show()
	p.win.Canvas().Focus(p.dlgCat)
}

// setCategory records category as the case's category, unless it is
// that already; a category that is too long or empty is refused with
// the reason on the status line.
func (p *legalPanel) setCategory(category string) {
	p.do(caseOp{events: func(c *cases.Case) ([]cases.Event, error) {
		if category == c.Category {
			return nil, nil
		}
		e, err := cases.NewEvent(c.ID, &cases.CategoryChanged{Category: category})
		e.BaseVersion = c.Versions.Category
		return []cases.Event{e}, err
	}, saved: fmt.Sprintf(lang.L("类别改为“%s”"), category)})
}
