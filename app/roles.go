package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"jiefang/cases"
)

// presentRoles are the roles a person present at the interview can be
// given on step 3, in the order the role select offers them.
var presentRoles = []cases.Role{cases.RolePetitioner, cases.RoleRepresentative, cases.RoleRecorder, cases.RoleWitness, cases.RoleStaff}

// rolesPanel is step 3, 角色代入: the people recorded on the case (the
// current parties, each with its role word), a form to add a person
// present, and for each person 设为记录员, 设为见证人 (the petitioner's
// choice, recorded as a corrected party that supersedes the old one) and
// 移除 (a withdrawal; the record stays in the log).
type rolesPanel struct {
	win  fyne.Window
	do   func(caseOp)
	tell func(string)

	list *fyne.Container // a partyRow per current party, or the empty text
	hint *widget.Label   // no recorder or witness chosen yet
	name *widget.Entry
	role *widget.Select
	add  *widget.Button
	root fyne.CanvasObject

	// Touched only on the UI goroutine:
	parties []cases.Party // current parties, as shown
	rows    []*partyRow
}

// partyRow is one person on the panel.
type partyRow struct {
	party    cases.Party
	label    *widget.Label
	recorder *widget.Button
	witness  *widget.Button
	remove   *widget.Button
}

func newRolesPanel(win fyne.Window, do func(caseOp), tell func(string)) *rolesPanel {
	p := &rolesPanel{win: win, do: do, tell: tell}
	p.list = container.NewVBox()
	p.hint = widget.NewLabel("")
	p.hint.Wrapping = fyne.TextWrapWord
	p.hint.Importance = widget.WarningImportance
	p.name = widget.NewEntry()
	p.name.SetPlaceHolder(lang.L("在场人员姓名"))
	p.name.OnSubmitted = func(string) { p.onAdd() }
	opts := make([]string, len(presentRoles))
	for i, r := range presentRoles {
		opts[i] = lang.L(r.Label())
	}
	p.role = widget.NewSelect(opts, nil)
	p.role.PlaceHolder = lang.L("选择角色")
	p.add = widget.NewButtonWithIcon(lang.L("添加"), theme.ContentAddIcon(), p.onAdd)
	form := container.NewBorder(nil, nil, widget.NewLabel(lang.L("添加在场人员")), container.NewHBox(p.role, p.add), p.name)
	p.root = container.NewBorder(
		p.hint,
		container.NewVBox(widget.NewSeparator(), form),
		nil, nil,
		container.NewVScroll(p.list),
	)
	return p
}

func (p *rolesPanel) content() fyne.CanvasObject { return p.root }

// show renders the case's current parties; it runs after every reload.
func (p *rolesPanel) show(c cases.Case) {
	p.parties = p.parties[:0]
	for _, q := range c.Parties {
		if q.Current() {
			p.parties = append(p.parties, q)
		}
	}
	p.rows = p.rows[:0]
	objs := make([]fyne.CanvasObject, 0, len(p.parties))
	for _, q := range p.parties {
		r := p.newRow(q)
		p.rows = append(p.rows, r)
		objs = append(objs, container.NewBorder(nil, nil, nil,
			container.NewHBox(r.recorder, r.witness, r.remove), r.label))
	}
	if len(objs) == 0 {
		empty := widget.NewLabel(lang.L("还没有记下在场人员。在下面填写姓名、选择角色后添加。"))
		empty.Wrapping = fyne.TextWrapWord
		empty.Importance = widget.LowImportance
		objs = append(objs, empty)
	}
	p.list.Objects = objs
	p.list.Refresh()
	p.hint.SetText(rolesHint(p.parties))
	if p.hint.Text == "" {
		p.hint.Hide()
	} else {
		p.hint.Show()
	}
}

// rolesHint says which of recorder and witness the petitioner has not
// chosen yet, or is "".
func rolesHint(parties []cases.Party) string {
	var recorder, witness bool
	for _, q := range parties {
		recorder = recorder || q.Role == cases.RoleRecorder
		witness = witness || q.Role == cases.RoleWitness
	}
	switch {
	case !recorder && !witness:
		return lang.L("信访人还没有选定记录员和见证人：请信访人从在场人员中选定。")
	case !recorder:
		return lang.L("信访人还没有选定记录员。")
	case !witness:
		return lang.L("信访人还没有选定见证人。")
	}
	return ""
}

func (p *rolesPanel) newRow(q cases.Party) *partyRow {
	r := &partyRow{party: q}
	r.label = widget.NewLabelWithStyle(q.Name+" · "+lang.L(q.Role.Label()), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.label.Truncation = fyne.TextTruncateEllipsis
	id := q.ID
	r.recorder = widget.NewButton(lang.L("设为记录员"), func() { p.setRole(id, cases.RoleRecorder) })
	r.witness = widget.NewButton(lang.L("设为见证人"), func() { p.setRole(id, cases.RoleWitness) })
	r.remove = widget.NewButtonWithIcon(lang.L("移除"), theme.DeleteIcon(), func() { p.withdraw(id) })
	r.remove.Importance = widget.LowImportance
	if q.Role == cases.RoleRecorder {
		r.recorder.Disable()
	}
	if q.Role == cases.RoleWitness {
		r.witness.Disable()
	}
	return r
}

// errPartyGone is what the user is told about a person no longer current
// when a change to them comes to be saved.
func errPartyGone() error {
	return &userMessage{lang.L("这个人的记录已被修改或移除，请在最新的名单上再操作。")}
}

// currentParty finds the current party id in c.
func currentParty(c *cases.Case, id uuid.UUID) (cases.Party, bool) {
	for _, q := range c.Parties {
		if q.ID == id && q.Current() {
			return q, true
		}
	}
	return cases.Party{}, false
}

// onAdd records the person typed in the form with the role chosen.
func (p *rolesPanel) onAdd() {
	name := strings.TrimSpace(p.name.Text)
	if name == "" {
		p.tell(lang.L("请填写在场人员的姓名。"))
		return
	}
	i := p.role.SelectedIndex()
	if i < 0 {
		p.tell(lang.L("请为在场人员选择角色。"))
		return
	}
	role := presentRoles[i]
	id, err := uuid.NewV7()
	if err != nil {
		p.tell(err.Error())
		return
	}
	p.name.SetText("")
	p.do(caseOp{
		events: func(c *cases.Case) ([]cases.Event, error) {
			e, err := cases.NewEvent(c.ID, &cases.PartyAdd{PartyID: id, Role: role, Name: name})
			return []cases.Event{e}, err
		},
		failed: func() {
			if p.name.Text == "" {
				p.name.SetText(name) // give the name back to fix
			}
		},
	})
}

// setRole records person id in role: a new party with the same details
// and the role, superseding the old one.
func (p *rolesPanel) setRole(id uuid.UUID, role cases.Role) {
	nid, err := uuid.NewV7()
	if err != nil {
		p.tell(err.Error())
		return
	}
	p.do(caseOp{events: func(c *cases.Case) ([]cases.Event, error) {
		q, ok := currentParty(c, id)
		if !ok {
			return nil, errPartyGone()
		}
		if q.Role == role {
			return nil, nil
		}
		e, err := cases.NewEvent(c.ID, &cases.PartyAdd{
			PartyID: nid, Role: role, Name: q.Name, IDNumber: q.IDNumber, Phone: q.Phone,
			Address: q.Address, Village: q.Village, Supersedes: id,
		})
		return []cases.Event{e}, err
	}})
}

// withdraw records person id as removed.
func (p *rolesPanel) withdraw(id uuid.UUID) {
	p.do(caseOp{events: func(c *cases.Case) ([]cases.Event, error) {
		if _, ok := currentParty(c, id); !ok {
			return nil, errPartyGone()
		}
		e, err := cases.NewEvent(c.ID, &cases.PartyWithdraw{PartyID: id})
		return []cases.Event{e}, err
	}})
}
