package app

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"jiefang/cases"
)

// SimilarCases finds the cases like a case (breadth, 广度) for the
// 三维甄别 view. The desk declares it; main wires it to cases/triage.
type SimilarCases interface {
	// Similar are the cases most like c, most alike first.
	Similar(ctx context.Context, c cases.Case, limit int) ([]SimilarCase, error)
	// Escalation is the collective rule's verdict on c as it now is:
	// the payload of the event that escalates it, or nil.
	Escalation(ctx context.Context, c cases.Case) (*cases.Escalated, error)
}

// RegistryChecks finds the registry anomalies about a case (depth, 深度)
// for the 三维甄别 view. The desk declares it; main wires it to
// cases/registry.
type RegistryChecks interface {
	// Alerts are the registry anomalies that concern c, and the checks
	// that could not run.
	Alerts(ctx context.Context, c cases.Case) (RegistryCheck, error)
}

// RegistryCheck is what the registries say about a case.
type RegistryCheck struct {
	Alerts []RegistryAlert
	// NotRun names the checks that could not run for want of a registry
	// (none imported yet, or not that kind): no alert from them is not a
	// clean result.
	NotRun []string
}

// SimilarCase is a case like the one shown, and why.
type SimilarCase struct {
	ID       uuid.UUID
	Number   string
	Category string
	Summary  string
	Score    float64 // 0–1
	// Collective: a collective petition (five signers or more, or a
	// group visit).
	Collective bool
	Why        []string // what they share, in words
}

// RegistryAlert is an anomaly found in the registries, explained.
type RegistryAlert struct {
	Title       string // the rule, in words
	Explanation string // the facts that fired it
}

// similarShown is how many similar cases the view lists.
const similarShown = 10

// screeningPanel is the case's 三维甄别: its intensity with the reasons,
// the cases like it (a tap opens one), and the registry alerts about its
// parties. It reads off the UI goroutine each time it is shown.
type screeningPanel struct {
	similarCases SimilarCases   // nil: not available on this desk
	registry     RegistryChecks // nil: not available on this desk
	open         func(id uuid.UUID)
	ui           func(func())
	busy         *sync.WaitGroup

	intensity  *widget.Label
	escalation *widget.Label // the automatic escalation, if any
	reasons    *widget.Label
	similar    *fyne.Container
	alerts     *fyne.Container
	root       fyne.CanvasObject

	// Touched only on the UI goroutine:
	gen int // bumps with each load; late results of older loads are dropped
}

func newScreeningPanel(open func(uuid.UUID), ui func(func()), busy *sync.WaitGroup) *screeningPanel {
	p := &screeningPanel{open: open, ui: ui, busy: busy}
	p.intensity = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.escalation = newEscalationLabel()
	p.reasons = widget.NewLabel("")
	p.reasons.Wrapping = fyne.TextWrapWord
	p.similar = container.NewVBox()
	p.alerts = container.NewVBox()
	heading := func(s string) *widget.Label {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	p.root = container.NewVScroll(container.NewVBox(
		p.escalation,
		heading(lang.L("强度")), p.intensity, p.reasons, widget.NewSeparator(),
		heading(lang.L("广度：相似案件")), p.similar, widget.NewSeparator(),
		heading(lang.L("深度：登记库核查")), p.alerts,
	))
	return p
}

func (p *screeningPanel) content() fyne.CanvasObject { return p.root }

// show puts case c on the panel: its automatic escalation and its
// intensity at once (as d shows and explains them), similar cases and
// alerts when read. On the UI goroutine.
func (p *screeningPanel) show(c cases.Case, d *deescalatePanel) {
	setEscalation(p.escalation, d.escalation.Text)
	p.intensity.SetText(intensityText(c, d.scorer != nil))
	p.intensity.Importance = levelImportance(c.IntensityLevel)
	p.intensity.Refresh()
	p.reasons.SetText(d.reasons.Text)
	p.gen++
	gen := p.gen
	if p.similarCases == nil {
		p.similar.Objects = []fyne.CanvasObject{lowLabel(lang.L("这台电脑没有启用相似案件查找。"))}
	} else {
		p.similar.Objects = []fyne.CanvasObject{lowLabel(lang.L("正在查找相似案件…"))}
	}
	if p.registry == nil {
		p.alerts.Objects = []fyne.CanvasObject{lowLabel(lang.L("这台电脑没有启用登记库核查。"))}
	} else {
		p.alerts.Objects = []fyne.CanvasObject{lowLabel(lang.L("正在核查登记库…"))}
	}
	p.similar.Refresh()
	p.alerts.Refresh()
	if p.similarCases == nil && p.registry == nil {
		return
	}
	similar, registry := p.similarCases, p.registry
	p.busy.Add(1)
	go func() {
		defer p.busy.Done()
		ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
		defer cancel()
		var sim []SimilarCase
		var check RegistryCheck
		var serr, aerr error
		if similar != nil {
			sim, serr = similar.Similar(ctx, c, similarShown)
		}
		if registry != nil {
			check, aerr = registry.Alerts(ctx, c)
		}
		p.ui(func() {
			if gen != p.gen {
				return
			}
			if similar != nil {
				p.showSimilar(sim, serr)
			}
			if registry != nil {
				p.showAlerts(check, aerr)
			}
		})
	}()
}

func (p *screeningPanel) showSimilar(sim []SimilarCase, err error) {
	var objs []fyne.CanvasObject
	switch {
	case err != nil:
		objs = append(objs, lowLabel(lang.L("查找相似案件失败：")+err.Error()))
	case len(sim) == 0:
		objs = append(objs, lowLabel(lang.L("近5年没有找到相似的案件。")))
	}
	for _, m := range sim {
		id := m.ID
		label := fmt.Sprintf(lang.L("%s【%s】相似度 %d%%"), m.Number, m.Category, int(m.Score*100+0.5))
		if m.Collective {
			label += lang.L(" · 集体信访")
		}
		b := widget.NewButton(label, func() { p.open(id) })
		b.Alignment = widget.ButtonAlignLeading
		detail := widget.NewLabel(m.Summary)
		detail.Wrapping = fyne.TextWrapWord
		objs = append(objs, b, detail)
		if len(m.Why) > 0 {
			why := widget.NewLabel(lang.L("相同之处：") + strings.Join(m.Why, "；"))
			why.Wrapping = fyne.TextWrapWord
			objs = append(objs, why)
		}
	}
	p.similar.Objects = objs
	p.similar.Refresh()
}

func (p *screeningPanel) showAlerts(check RegistryCheck, err error) {
	var objs []fyne.CanvasObject
	switch {
	case err != nil:
		objs = append(objs, lowLabel(lang.L("核查登记库失败：")+err.Error()))
	case len(check.Alerts) == 0 && len(check.NotRun) == 0:
		objs = append(objs, lowLabel(lang.L("登记库里没有发现与本案当事人有关的异常。")))
	case len(check.Alerts) == 0:
		objs = append(objs, lowLabel(lang.L("已有的登记库里没有发现与本案当事人有关的异常。")))
	}
	if len(check.NotRun) > 0 {
		objs = append(objs, lowLabel(lang.L("缺少登记库，未能核查：")+strings.Join(check.NotRun, "；")+lang.L("。导入方法：jiefangctl registry import。")))
	}
	for _, a := range check.Alerts {
		title := widget.NewLabelWithStyle(a.Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		title.Importance = widget.DangerImportance
		text := widget.NewLabel(a.Explanation)
		text.Wrapping = fyne.TextWrapWord
		objs = append(objs, title, text)
	}
	p.alerts.Objects = objs
	p.alerts.Refresh()
}

// lowLabel is a wrapped label in the quiet colour.
func lowLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.LowImportance
	return l
}

// levelImportance is how an intensity level is coloured; its word goes
// with it everywhere.
func levelImportance(l cases.IntensityLevel) widget.Importance {
	switch l {
	case cases.IntensityRed:
		return widget.DangerImportance
	case cases.IntensityAmber:
		return widget.WarningImportance
	}
	return widget.MediumImportance
}
