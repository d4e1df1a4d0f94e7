package app

import (
	"fmt"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"jiefang/cases"
)

// progressBar shows how much of a case's facts is settled: the confirmed
// share as a green bar, and beneath it the counts in words
// ("已证实 3/5（60%） · 待核实 1 · 存争议 1"). Its sizes follow the theme of
// where it sits, so inside the petitioner view's large theme it is large.
type progressBar struct {
	widget.BaseWidget
	progress cases.Progress
}

func newProgressBar() *progressBar {
	b := &progressBar{}
	b.ExtendBaseWidget(b)
	return b
}

// SetProgress shows p.
func (b *progressBar) SetProgress(p cases.Progress) {
	b.progress = p
	b.Refresh()
}

// Text is the line of words shown under the bar.
func (b *progressBar) Text() string { return progressText(b.progress) }

// progressText puts a fact progress into words.
func progressText(p cases.Progress) string {
	if p.Total() == 0 {
		return lang.L("还没有事实卡片")
	}
	pct := int(math.Round(p.Share() * 100))
	return fmt.Sprintf(lang.L("已证实 %d/%d（%d%%） · 待核实 %d · 存争议 %d"), p.Confirmed, p.Total(), pct, p.Pending, p.Disputed)
}

// CreateRenderer implements fyne.Widget.
func (b *progressBar) CreateRenderer() fyne.WidgetRenderer {
	r := &progressRenderer{
		bar:   b,
		track: canvas.NewRectangle(nil),
		fill:  canvas.NewRectangle(nil),
		text:  canvas.NewText("", nil),
	}
	r.Refresh()
	return r
}

// progressRenderer draws a progressBar: a track, the confirmed part of it
// filled, and the words below.
type progressRenderer struct {
	bar   *progressBar
	track *canvas.Rectangle
	fill  *canvas.Rectangle
	text  *canvas.Text
}

// barHeight is the bar's thickness: the height of a line of text.
func (r *progressRenderer) barHeight() float32 {
	return r.bar.Theme().Size(theme.SizeNameText) * 1.2
}

func (r *progressRenderer) gap() float32 {
	return r.bar.Theme().Size(theme.SizeNameInnerPadding) / 2
}

func (r *progressRenderer) Layout(size fyne.Size) {
	h := r.barHeight()
	r.track.Move(fyne.NewPos(0, 0))
	r.track.Resize(fyne.NewSize(size.Width, h))
	r.fill.Move(fyne.NewPos(0, 0))
	r.fill.Resize(fyne.NewSize(size.Width*float32(r.bar.progress.Share()), h))
	pad := r.bar.Theme().Size(theme.SizeNameInnerPadding) // as a label's text
	r.text.Move(fyne.NewPos(pad, h+r.gap()))
	r.text.Resize(fyne.NewSize(max(0, size.Width-pad), r.text.MinSize().Height))
}

func (r *progressRenderer) MinSize() fyne.Size {
	t := r.text.MinSize()
	pad := r.bar.Theme().Size(theme.SizeNameInnerPadding)
	return fyne.NewSize(max(t.Width+pad, 10*r.barHeight()), r.barHeight()+r.gap()+t.Height)
}

func (r *progressRenderer) Refresh() {
	th := r.bar.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.track.FillColor = th.Color(theme.ColorNameInputBackground, v)
	r.track.StrokeColor = th.Color(theme.ColorNameInputBorder, v)
	r.track.StrokeWidth = 1
	r.track.CornerRadius = th.Size(theme.SizeNameInputRadius)
	r.fill.FillColor = th.Color(theme.ColorNameSuccess, v)
	r.fill.CornerRadius = r.track.CornerRadius
	r.text.Text = r.bar.Text()
	r.text.Color = th.Color(theme.ColorNameForeground, v)
	r.text.TextSize = th.Size(theme.SizeNameText)
	r.text.TextStyle = fyne.TextStyle{Bold: true}
	r.Layout(r.bar.Size())
	r.track.Refresh()
	r.fill.Refresh()
	r.text.Refresh()
}

func (r *progressRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.track, r.fill, r.text}
}

func (r *progressRenderer) Destroy() {}
