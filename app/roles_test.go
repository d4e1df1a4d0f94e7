package app

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/google/uuid"

	"jiefang/cases"
)

// addPerson types a name, chooses a role and taps 添加.
func addPerson(cs *screenUnderTest, name string, role cases.Role) {
	p := cs.roles
	test.Type(p.name, name)
	p.role.SetSelectedIndex(slices.Index(presentRoles, role))
	test.Tap(p.add)
	cs.wait()
}

// partyRowOf finds the shown row of the person named name.
func partyRowOf(t *testing.T, p *rolesPanel, name string) *partyRow {
	t.Helper()
	for _, r := range p.rows {
		if r.party.Name == name {
			return r
		}
	}
	t.Fatalf("no row for %q among %d", name, len(p.rows))
	return nil
}

type nameRole struct {
	name string
	role cases.Role
}

func currentNameRoles(parties []cases.Party) []nameRole {
	var out []nameRole
	for _, q := range parties {
		if q.Current() {
			out = append(out, nameRole{q.Name, q.Role})
		}
	}
	return out
}

// Step 3: people present are added with a role, the petitioner's choice
// of recorder and witness is recorded as a corrected party superseding
// the old one, a person added by mistake is removed, and all of it is in
// the database when it is opened again.
func TestRolesWorkflow(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	id := addCase(t, s, "宅基地纠纷")
	cs := openCaseScreen(t, w, s, id)
	test.Tap(cs.stepBtns[2])
	if cs.step != 3 {
		t.Fatalf("step %d shown", cs.step)
	}
	p := cs.roles
	if !findLabel(cs.panel, "还没有记下在场人员") {
		t.Error("the empty list is not explained")
	}
	if !p.hint.Visible() || !strings.Contains(p.hint.Text, "记录员和见证人") {
		t.Errorf("hint %q (visible %v)", p.hint.Text, p.hint.Visible())
	}

	addPerson(cs, "张三", cases.RolePetitioner)
	addPerson(cs, "  李四 ", cases.RoleStaff)
	addPerson(cs, "王五", cases.RoleRepresentative)
	addPerson(cs, "   ", cases.RoleStaff) // no name: nothing recorded
	if !strings.Contains(cs.status.Text, "姓名") {
		t.Errorf("without a name the status line reads %q", cs.status.Text)
	}
	p.name.SetText("")
	test.Type(p.name, "赵六")
	p.role.ClearSelected()
	test.Tap(p.add) // no role: nothing recorded, the name stays
	cs.wait()
	if p.name.Text != "赵六" || !strings.Contains(cs.status.Text, "选择角色") {
		t.Errorf("without a role: entry %q, status %q", p.name.Text, cs.status.Text)
	}
	p.name.SetText("")
	want := []nameRole{{"张三", cases.RolePetitioner}, {"李四", cases.RoleStaff}, {"王五", cases.RoleRepresentative}}
	if got := currentNameRoles(cs.c.Parties); !slices.Equal(got, want) {
		t.Fatalf("parties %v, want %v", got, want)
	}
	if !findLabel(cs.panel, "李四 · 工作人员") || !findLabel(cs.panel, "王五 · 代表") {
		t.Error("the list does not show name and role word")
	}

	oldLi := partyRowOf(t, p, "李四").party.ID
	test.Tap(partyRowOf(t, p, "李四").recorder)
	cs.wait()
	if !strings.Contains(p.hint.Text, "见证人") || strings.Contains(p.hint.Text, "记录员") {
		t.Errorf("with a recorder the hint reads %q", p.hint.Text)
	}
	if !partyRowOf(t, p, "李四").recorder.Disabled() {
		t.Error("设为记录员 still enabled for the recorder")
	}
	test.Tap(partyRowOf(t, p, "王五").witness)
	cs.wait()
	if p.hint.Visible() {
		t.Errorf("hint still shown: %q", p.hint.Text)
	}
	test.Tap(partyRowOf(t, p, "张三").remove)
	cs.wait()
	want = []nameRole{{"李四", cases.RoleRecorder}, {"王五", cases.RoleWitness}}
	if got := currentNameRoles(cs.c.Parties); !slices.Equal(got, want) {
		t.Fatalf("parties %v, want %v", got, want)
	}
	if len(p.rows) != 2 || findLabel(cs.panel, "张三") || !findLabel(cs.panel, "李四 · 记录员") || !findLabel(cs.panel, "王五 · 见证人") {
		t.Errorf("list after the changes: %q", labelTexts(p.list))
	}

	// Close the database and open it again: everything is there.
	cs.leave()
	s2 := reopen(t, s)
	ctx := context.Background()
	c, err := s2.Case(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got := currentNameRoles(c.Parties); !slices.Equal(got, want) {
		t.Errorf("stored parties %v, want %v", got, want)
	}
	if len(c.Parties) != 5 {
		t.Errorf("%d parties stored, want 5 (3 added, 2 role changes)", len(c.Parties))
	}
	var li, zhang cases.Party
	for _, q := range c.Parties {
		switch {
		case q.ID == oldLi:
			li = q
		case q.Name == "张三":
			zhang = q
		}
	}
	if li.Role != cases.RoleStaff || li.SupersededBy == uuid.Nil || li.Withdrawn {
		t.Errorf("李四's first record not kept as superseded: %+v", li)
	}
	if !zhang.Withdrawn || zhang.SupersededBy != uuid.Nil {
		t.Errorf("张三 not withdrawn: %+v", zhang)
	}
	if _, err := s2.Verify(ctx, nil); err != nil {
		t.Errorf("the log and the tables disagree: %v", err)
	}
}

func TestRolesHint(t *testing.T) {
	test.NewTempApp(t)
	for _, tc := range []struct {
		roles []cases.Role
		want  string
	}{
		{nil, "记录员和见证人"},
		{[]cases.Role{cases.RoleRecorder}, "还没有选定见证人"},
		{[]cases.Role{cases.RoleWitness, cases.RoleStaff}, "还没有选定记录员"},
		{[]cases.Role{cases.RoleWitness, cases.RoleRecorder}, ""},
	} {
		var ps []cases.Party
		for _, r := range tc.roles {
			ps = append(ps, cases.Party{Role: r})
		}
		got := rolesHint(ps)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("roles %v: hint %q, want %q", tc.roles, got, tc.want)
		}
	}
}
