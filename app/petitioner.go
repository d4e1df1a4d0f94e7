package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"jiefang/cases"
)

// petitionerView is the window the petitioner looks at (step 1, 空间置换):
// in large type and plain words, the request, how much of it is settled
// (the progress bar), the fact cards with their status words and, once
// articles are pinned in step 5, each with our plain-words summary and a
// QR code the petitioner can scan to keep it on their phone. It shows
// no staff names, titles or ranks, and no case number. Fyne has no
// monitor API: the receptionist drags it to the second screen (or the
// laptop turned around) and presses F11 for full screen. The case screen
// calls show after every reload, so it follows the interview live.
type petitionerView struct {
	win      fyne.Window
	summary  *widget.Label
	progress *progressBar
	cards    *fyne.Container
	lib      *statutes       // for the pinned articles' summaries and QR codes; nil: titles only
	lawsHead *widget.Label   // 与您的事情有关的法律规定, shown when articles are pinned
	laws     *fyne.Container // the pinned articles
	body     *container.ThemeOverride
	closed   func() // told when the window closes; nil once closed from here
}

// petitionerQR is the side of a pinned article's QR code in the view.
const petitionerQR = 220

func newPetitionerView(a fyne.App, lib *statutes, closed func()) *petitionerView {
	v := &petitionerView{win: a.NewWindow(lang.L("事实核对")), lib: lib, closed: closed}
	v.summary = widget.NewLabel("")
	v.summary.Wrapping = fyne.TextWrapWord
	v.progress = newProgressBar()
	v.cards = container.NewVBox()
	v.lawsHead = widget.NewLabelWithStyle(lang.L("与您的事情有关的法律规定"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.laws = container.NewVBox()
	top := container.NewVBox(
		widget.NewLabelWithStyle(lang.L("核实进度"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		v.progress,
		widget.NewSeparator(),
	)
	body := container.NewVBox(
		widget.NewLabelWithStyle(lang.L("您反映的事情"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		v.summary,
		widget.NewLabelWithStyle(lang.L("我们一起核对的事实"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		v.cards,
		v.lawsHead,
		v.laws,
	)
	v.body = container.NewThemeOverride(
		container.NewPadded(container.NewBorder(top, nil, nil, nil, container.NewVScroll(body))),
		&largeTheme{Theme: a.Settings().Theme()},
	)
	v.win.SetContent(v.body)
	v.win.Resize(fyne.NewSize(1024, 768))
	v.win.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		switch k.Name {
		case fyne.KeyF11:
			v.win.SetFullScreen(!v.win.FullScreen())
		case fyne.KeyEscape:
			v.win.SetFullScreen(false)
		}
	})
	v.win.SetOnClosed(func() {
		if v.closed != nil {
			v.closed()
		}
	})
	return v
}

// show puts the case on the view. It must be called on the UI goroutine.
func (v *petitionerView) show(c cases.Case) {
	v.summary.SetText(strings.TrimSpace(c.Summary))
	v.progress.SetProgress(c.FactProgress())
	facts := c.CurrentFacts()
	objs := make([]fyne.CanvasObject, 0, len(facts))
	variant := fyne.CurrentApp().Settings().ThemeVariant()
	th := v.body.Theme
	for i, f := range facts {
		col := th.Color(statusColorName(f.Status), variant)
		bg := canvas.NewRectangle(tint(col))
		bg.StrokeColor, bg.StrokeWidth = col, 1
		bg.CornerRadius = th.Size(theme.SizeNameInputRadius)
		stripe := canvas.NewRectangle(col)
		stripe.SetMinSize(fyne.NewSize(12, 12))
		word := widget.NewLabelWithStyle(fmt.Sprintf("%d · %s", i+1, lang.L(f.Status.Label())), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		text := widget.NewLabel(f.Text)
		text.Wrapping = fyne.TextWrapWord
		objs = append(objs, container.NewStack(bg, container.NewBorder(nil, nil, stripe, nil,
			container.NewBorder(nil, nil, word, nil, text))))
	}
	if len(objs) == 0 {
		objs = append(objs, widget.NewLabel(lang.L("还没有记下事实。")))
	}
	v.cards.Objects = objs
	v.showArticles(c)
	v.body.Refresh() // the new cards take the large theme
}

// showArticles lists the articles pinned to the case in pin order: the
// law and article, our summary and the QR code holding them. An article
// pinned by a citation the library does not have shows its citation.
func (v *petitionerView) showArticles(c cases.Case) {
	variant := fyne.CurrentApp().Settings().ThemeVariant()
	th := v.body.Theme
	objs := make([]fyne.CanvasObject, 0, len(c.Articles))
	for _, a := range c.Articles {
		name := a.Title
		if name == "" {
			name = a.Article
		}
		summary := ""
		var qr fyne.CanvasObject
		if n := v.lib.node(a.Article); n != nil {
			name, summary = v.lib.citation(n), n.Summary
			if res, err := v.lib.qrCode(n); err == nil {
				img := canvas.NewImageFromResource(res)
				img.FillMode = canvas.ImageFillContain
				img.SetMinSize(fyne.NewSize(petitionerQR, petitionerQR))
				qr = container.NewVBox(img, widget.NewLabelWithStyle(lang.L("手机扫码保存"), fyne.TextAlignCenter, fyne.TextStyle{}))
			}
		}
		title := widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		title.Wrapping = fyne.TextWrapWord
		text := container.NewVBox(title)
		if summary != "" {
			sum := widget.NewLabel(summary)
			sum.Wrapping = fyne.TextWrapWord
			text.Add(sum)
		}
		bg := canvas.NewRectangle(th.Color(theme.ColorNameInputBackground, variant))
		bg.StrokeColor, bg.StrokeWidth = th.Color(theme.ColorNameSeparator, variant), 1
		bg.CornerRadius = th.Size(theme.SizeNameInputRadius)
		objs = append(objs, container.NewStack(bg, container.NewPadded(container.NewBorder(nil, nil, nil, qr, text))))
	}
	v.laws.Objects = objs
	setVisible(v.lawsHead, len(objs) > 0)
	setVisible(v.laws, len(objs) > 0)
}

// close closes the window without telling the case screen, which knows.
func (v *petitionerView) close() {
	v.closed = nil
	v.win.Close()
}

// largeTheme is the petitioner view's theme: the app's, with text twice
// as large and more room around it.
type largeTheme struct{ fyne.Theme }

// Size implements fyne.Theme.
func (t *largeTheme) Size(n fyne.ThemeSizeName) float32 {
	s := t.Theme.Size(n)
	switch n {
	case theme.SizeNameText, theme.SizeNameHeadingText, theme.SizeNameSubHeadingText, theme.SizeNameCaptionText:
		return 2 * s
	case theme.SizeNamePadding, theme.SizeNameInnerPadding, theme.SizeNameLineSpacing:
		return 1.5 * s
	}
	return s
}

var _ fyne.Theme = (*largeTheme)(nil)
