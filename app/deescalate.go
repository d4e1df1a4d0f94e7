package app

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/triage"
)

// calmDown is how long a 冷静一下 pause lasts.
const calmDown = 5 * time.Minute

// deescalationTips are what step 6 reminds the receptionist of.
var deescalationTips = []string{
	"先听完，不打断，不争辩；复述对方的话，确认听懂了。",
	"声音放低、语速放慢；不站着俯视，不抱臂。",
	"把能办的和不能办的分开说清楚，不许做不到的承诺。",
	"情绪激动时先暂停，请对方喝口水，过几分钟再谈。",
	"出现过激言行时，按规定请同事或值班领导到场。",
}

// deescalatePanel is step 6, 情绪止损: the case's intensity score with its
// word (from screening, once it scores the case), reminders for calming a
// conversation, notes on how it went, and a 冷静一下 pause timer. Starting
// a pause is recorded as a note, so the log shows the conversation was
// paused.
type deescalatePanel struct {
	do     func(caseOp)
	tell   func(string)
	now    func() time.Time
	scorer *triage.Scorer // explains the score; nil: no explanation

	intensity  *widget.Label
	escalation *widget.Label // the automatic escalation, if any
	reasons    *widget.Label // why the score is what it is
	entry      *widget.Entry
	add        *widget.Button
	notes      *widget.Label
	timerText  *widget.Label
	timerBtn   *widget.Button
	root       fyne.CanvasObject

	// Touched only on the UI goroutine:
	until time.Time    // end of the running pause; zero when none
	tick  *time.Ticker // drives the countdown while a pause runs
	stop  chan struct{}
}

func newDeescalatePanel(do func(caseOp), tell func(string)) *deescalatePanel {
	p := &deescalatePanel{do: do, tell: tell, now: time.Now}
	p.intensity = widget.NewLabel("")
	p.intensity.TextStyle = fyne.TextStyle{Bold: true}
	p.escalation = newEscalationLabel()
	p.reasons = widget.NewLabel("")
	p.reasons.Wrapping = fyne.TextWrapWord
	p.reasons.Hide()
	tips := widget.NewLabel("· " + strings.Join(translated(deescalationTips), "\n· "))
	tips.Wrapping = fyne.TextWrapWord
	p.entry = widget.NewEntry()
	p.entry.SetPlaceHolder(lang.L("记下情绪变化、采取的措施，回车保存"))
	p.entry.OnSubmitted = func(string) { p.onAdd() }
	p.add = widget.NewButtonWithIcon(lang.L("记下"), theme.DocumentCreateIcon(), p.onAdd)
	p.notes = widget.NewLabel("")
	p.notes.Wrapping = fyne.TextWrapWord
	p.timerText = widget.NewLabel(lang.L("需要时可暂停接谈，冷静几分钟。"))
	p.timerBtn = widget.NewButtonWithIcon(lang.L("冷静一下"), theme.MediaPauseIcon(), p.onTimer)
	p.root = container.NewBorder(
		container.NewVBox(p.intensity, p.escalation, p.reasons, tips, widget.NewSeparator(),
			container.NewBorder(nil, nil, nil, p.timerBtn, p.timerText), widget.NewSeparator(),
			container.NewBorder(nil, nil, nil, p.add, p.entry)),
		nil, nil, nil,
		container.NewVScroll(p.notes))
	return p
}

func translated(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = lang.L(s)
	}
	return out
}

func (p *deescalatePanel) content() fyne.CanvasObject { return p.root }

// intensityText says the case's intensity in numbers and words; scored:
// the desk scores cases (a score of 0 is a score, not a missing one).
func intensityText(c cases.Case, scored bool) string {
	if !scored && c.Intensity == 0 && c.IntensityLevel == cases.IntensityGreen {
		return lang.L("情绪强度：尚未评分（三维甄别启用后显示）")
	}
	return fmt.Sprintf(lang.L("情绪强度：%d 分 · %s"), c.Intensity, lang.L(c.IntensityLevel.Label()))
}

// newEscalationLabel is the line that tells of an automatic escalation:
// bold, in the danger colour, hidden while there is none.
func newEscalationLabel() *widget.Label {
	l := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.DangerImportance
	l.Hide()
	return l
}

// escalationText says how case c was escalated automatically, and by
// which cases: by their numbers where numbers has them, else by the
// start of their ids. "" when c was not escalated.
func escalationText(c cases.Case, numbers map[uuid.UUID]string) string {
	x := c.Escalation
	if x == nil {
		return ""
	}
	level := lang.L(x.Level.Label() + "级")
	rule := lang.L(cases.EscalationRuleLabel(x.Rule))
	var line string
	if x.Rule == cases.RuleCollective {
		line = fmt.Sprintf(lang.L("已自动升级至%s：%d 件此前的集体信访与本案相似（规则：%s）"), level, len(x.Triggers), rule)
	} else {
		line = fmt.Sprintf(lang.L("已自动升级至%s：由 %d 件案件引起（规则：%s）"), level, len(x.Triggers), rule)
	}
	ids := make([]string, len(x.Triggers))
	for i, id := range x.Triggers {
		if n := numbers[id]; n != "" {
			ids[i] = n
		} else {
			ids[i] = id.String()[:8]
		}
	}
	line += "\n" + lang.L("引起升级的案件：") + strings.Join(ids, "、")
	if r := strings.TrimSpace(x.Reason); r != "" {
		line += "\n" + lang.L("升级理由：") + r
	}
	return line
}

// showEscalation shows c's automatic escalation, if any; numbers are the
// numbers of the cases that triggered it, as far as known. On the UI
// goroutine.
func (p *deescalatePanel) showEscalation(c cases.Case, numbers map[uuid.UUID]string) {
	setEscalation(p.escalation, escalationText(c, numbers))
}

// setEscalation puts an escalation's text on its label, hiding the label
// when there is none.
func setEscalation(l *widget.Label, text string) {
	l.SetText(text)
	if text == "" {
		l.Hide()
	} else {
		l.Show()
	}
}

// show puts a freshly read case on the panel; on the UI goroutine.
func (p *deescalatePanel) show(c cases.Case) {
	p.intensity.SetText(intensityText(c, p.scorer != nil))
	p.showReasons(c)
	p.intensity.Importance = levelImportance(c.IntensityLevel)
	p.intensity.Refresh()
	var lines []string
	for i := len(c.Notes) - 1; i >= 0; i-- {
		n := c.Notes[i]
		lines = append(lines, fmt.Sprintf("%s %s：%s", cases.Local(n.At).Format("01-02 15:04"), n.Actor, n.Text))
	}
	if len(lines) == 0 {
		lines = []string{lang.L("还没有备注。")}
	}
	p.notes.SetText(strings.Join(lines, "\n"))
}

// showReasons lists why the case scores what it does: each signal with
// the words that fired it. They are worked out again from the case's
// text, as the score was; viewing never writes.
func (p *deescalatePanel) showReasons(c cases.Case) {
	if p.scorer == nil {
		p.reasons.Hide()
		return
	}
	rs := p.scorer.Score(triage.CaseText(c)).Strings()
	if len(rs) == 0 {
		rs = []string{lang.L("没有发现激烈、威胁或集体行动的言辞。")}
	}
	p.reasons.SetText(lang.L("评分依据：") + "\n· " + strings.Join(rs, "\n· "))
	p.reasons.Show()
}

// onAdd records the typed note.
func (p *deescalatePanel) onAdd() {
	text := strings.TrimSpace(p.entry.Text)
	if text == "" {
		return
	}
	p.entry.SetText("")
	p.note(text, func() { p.entry.SetText(text) })
}

func (p *deescalatePanel) note(text string, failed func()) {
	p.do(caseOp{
		events: func(c *cases.Case) ([]cases.Event, error) {
			e, err := cases.NewEvent(c.ID, &cases.NoteAdd{NoteID: uuid.Must(uuid.NewV7()), Text: text})
			return []cases.Event{e}, err
		},
		failed: failed,
	})
}

// onTimer starts a pause, or ends the one running.
func (p *deescalatePanel) onTimer() {
	if !p.until.IsZero() {
		p.endPause(lang.L("暂停已结束，可以继续接谈。"))
		return
	}
	p.until = p.now().Add(calmDown)
	p.note(fmt.Sprintf(lang.L("暂停接谈，冷静一下（%d分钟）。"), int(calmDown/time.Minute)), nil)
	p.timerBtn.SetText(lang.L("继续接谈"))
	p.timerBtn.SetIcon(theme.MediaPlayIcon())
	p.tick, p.stop = time.NewTicker(time.Second), make(chan struct{})
	tick, stop := p.tick, p.stop
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				fyne.Do(p.update)
			}
		}
	}()
	p.update()
}

// update shows the time left of the pause; on the UI goroutine.
func (p *deescalatePanel) update() {
	if p.until.IsZero() {
		return
	}
	left := p.until.Sub(p.now())
	if left <= 0 {
		p.endPause(lang.L("冷静时间到，可以继续接谈。"))
		return
	}
	p.timerText.SetText(fmt.Sprintf(lang.L("冷静一下：还剩 %02d:%02d"), int(left.Minutes()), int(left.Seconds())%60))
}

// endPause stops the countdown and says msg.
func (p *deescalatePanel) endPause(msg string) {
	if p.tick != nil {
		p.tick.Stop()
		close(p.stop)
		p.tick = nil
	}
	p.until = time.Time{}
	p.timerText.SetText(msg)
	p.timerBtn.SetText(lang.L("冷静一下"))
	p.timerBtn.SetIcon(theme.MediaPauseIcon())
}

// leave stops a running countdown when the case screen is left.
func (p *deescalatePanel) leave() {
	if !p.until.IsZero() {
		p.endPause("")
	}
}
