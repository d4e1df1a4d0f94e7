package app

import (
	"context"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"jiefang/cases"
)

// A whole reception through the desk window, as a receptionist does it:
// 新接待 and the intake form; the step 1 checklist and the petitioner
// view; five fact cards typed with Enter and set to all three states by
// button and keyboard, one split in two; the people present with the
// recorder and witness the petitioner chose; two photos whose EXIF dates
// put them in the timeline in the other order than they were added, one
// linked to a card; 结束接谈, which schedules the three follow-ups. Then
// the database is closed and opened again, and everything is there.
func TestFullReception(t *testing.T) {
	a := test.NewTempApp(t)
	s := newTestStore(t)
	ctx := context.Background()
	if err := s.SetActor(ctx, "王芳"); err != nil {
		t.Fatal(err)
	}
	d := NewDesk(a, Deps{Cases: s, DeviceCode: s.Device().Code})
	t.Cleanup(d.win.Close)
	ui := newTestUI()
	d.ui, d.home.ui = ui.do, ui.do
	d.Start()
	ui.settle(&d.home.busy)

	// 新接待: the intake form registers the case and its interview opens.
	test.Tap(d.home.newCase)
	f := d.home.intake
	if f == nil || f.form == nil {
		t.Fatal("新接待 did not open the intake form")
	}
	f.channel.SetSelected(lang.L(cases.ChannelVisit.Label()))
	f.category.SetText("征地补偿")
	test.Type(f.summary, "2019年村里征地，补偿款至今只拿到一半，要求补足余款")
	f.form.Submit()
	f.busy.Wait()
	ui.settle(&d.home.busy)
	if d.open == nil {
		t.Fatal("the registered case was not opened")
	}
	cs := &screenUnderTest{d.open, ui}
	cs.wait()
	id := cs.id
	if !cs.loaded || cs.step != 1 || cs.c.Category != "征地补偿" {
		t.Fatalf("interview not started at step 1 (loaded %v, step %d, category %q)", cs.loaded, cs.step, cs.c.Category)
	}

	// Step 1: two checklist items, and the petitioner view.
	test.Tap(cs.checks["圆桌"])
	test.Tap(cs.checks["递水"])
	cs.wait()
	test.Tap(cs.openView)
	if cs.petitioner == nil {
		t.Fatal("the petitioner view did not open")
	}

	// Step 2: five cards, three states, one split.
	test.Tap(cs.stepBtns[1])
	typed := []string{
		"2019年3月村里征用我家承包地三亩",
		"约定补偿款每亩5万元，共15万元",
		"至今只收到7.5万元",
		"村委会说余款被镇里扣下了，镇政府称已全额拨付到村",
		"信访人曾两次到镇里反映",
	}
	for _, text := range typed {
		typeCard(t, cs, text)
	}
	p := cs.facts
	if got := shownTexts(p); !slices.Equal(got, typed) {
		t.Fatalf("cards %q", got)
	}
	test.Tap(p.views[0].statuses[0]) // 已证实 by its button
	cs.wait()
	test.Tap(p.views[1])
	pressKey(cs, fyne.Key1) // 已证实 by Ctrl+1
	test.Tap(p.views[3])
	pressKey(cs, fyne.Key3) // 存争议 by Ctrl+3
	test.Tap(p.views[2])
	pressKey(cs, fyne.Key3)
	pressKey(cs, fyne.Key2) // and back to 待核实 by Ctrl+2
	test.Tap(p.views[3].split)
	if p.dlg == nil || len(p.dlgEntries) != 2 {
		t.Fatal("no split dialog")
	}
	p.dlg.Submit()
	cs.wait()
	wantTexts := []string{typed[0], typed[1], typed[2], "村委会说余款被镇里扣下了", "镇政府称已全额拨付到村", typed[4]}
	if got := shownTexts(p); !slices.Equal(got, wantTexts) {
		t.Fatalf("after the split: %q", got)
	}
	// The halves keep the card's 存争议; the second turns out to be
	// something to check.
	if got := factStatuses(p.facts[3:5]); !slices.Equal(got, []cases.FactStatus{cases.FactDisputed, cases.FactDisputed}) {
		t.Errorf("split halves %v, want both disputed", got)
	}
	test.Tap(p.views[4])
	pressKey(cs, fyne.Key2)
	wantStatus := []cases.FactStatus{cases.FactConfirmed, cases.FactConfirmed, cases.FactPending, cases.FactDisputed, cases.FactPending, cases.FactPending}
	if got := factStatuses(p.facts); !slices.Equal(got, wantStatus) {
		t.Fatalf("statuses %v, want %v", got, wantStatus)
	}
	if want := "已证实 2/6（33%） · 待核实 3 · 存争议 1"; p.progress.Text() != want {
		t.Errorf("progress %q, want %q", p.progress.Text(), want)
	}
	checkPetitioner(t, cs.caseScreen)

	// Step 3: the people present; the petitioner picks recorder and witness.
	test.Tap(cs.stepBtns[2])
	addPerson(cs, "张三", cases.RolePetitioner)
	addPerson(cs, "李四", cases.RoleStaff)
	addPerson(cs, "王五", cases.RoleRepresentative)
	test.Tap(partyRowOf(t, cs.roles, "李四").recorder)
	cs.wait()
	test.Tap(partyRowOf(t, cs.roles, "王五").witness)
	cs.wait()
	wantRoles := []nameRole{{"张三", cases.RolePetitioner}, {"李四", cases.RoleRecorder}, {"王五", cases.RoleWitness}}
	if got := currentNameRoles(cs.c.Parties); !slices.Equal(got, wantRoles) {
		t.Fatalf("parties %v, want %v", got, wantRoles)
	}

	// Step 4: two photos, the later one added first; the timeline puts
	// them in date order. The earlier is linked to card 1.
	test.Tap(cs.stepBtns[3])
	dir := t.TempDir()
	later := writeFile(t, dir, "补偿款收据.jpg", exifPhoto(t, "2020:01:15 10:00:00"))
	earlier := writeFile(t, dir, "征地协议.jpg", exifPhoto(t, "2019:03:20 09:30:00"))
	cs.evid.addFiles([]string{later, earlier})
	cs.wait()
	var order []string
	for _, r := range cs.evid.rows {
		order = append(order, r.item.FileName+" "+r.item.DocumentDate)
	}
	if want := []string{"征地协议.jpg 2019-03-20", "补偿款收据.jpg 2020-01-15"}; !slices.Equal(order, want) {
		t.Fatalf("timeline %q, want %q", order, want)
	}
	test.Tap(cs.evid.rows[0].links[0])
	cs.wait()
	if !findLabel(cs.panel, typed[0]) {
		t.Error("the timeline does not show the card the agreement supports")
	}

	// 结束接谈: the three follow-ups, due +48 h, +7 days and +30 days from
	// the end of the interview, shown in step 7.
	end := cases.Local(time.Date(2026, 3, 2, 2, 30, 0, 0, time.UTC))
	cs.follow.now = func() time.Time { return end }
	test.Tap(cs.finish)
	cs.wait()
	if cs.step != 7 || len(cs.follow.rows) != 3 {
		t.Fatalf("after 结束接谈: step %d, %d follow-ups shown", cs.step, len(cs.follow.rows))
	}
	wantDue := []time.Time{end.Add(48 * time.Hour), end.AddDate(0, 0, 7), end.AddDate(0, 0, 30)}
	checkFollowUps := func(fs []cases.FollowUp) {
		t.Helper()
		if len(fs) != 3 {
			t.Fatalf("%d follow-ups, want 3", len(fs))
		}
		for i, fu := range fs {
			if fu.Kind != cases.FollowUpKinds[i] || !fu.Due.Equal(wantDue[i]) {
				t.Errorf("follow-up %d: %s due %v, want %s due %v", i+1, fu.Kind, fu.Due, cases.FollowUpKinds[i], wantDue[i])
			}
		}
	}
	checkFollowUps(cs.c.FollowUps)
	test.Tap(cs.finish) // a second time: nothing more
	cs.wait()
	if len(cs.c.FollowUps) != 3 {
		t.Fatalf("%d follow-ups after finishing twice", len(cs.c.FollowUps))
	}

	// Close the database, open it again: all of it is there.
	test.Tap(cs.backBtn)
	ui.settle(&d.home.busy)
	c := reopenCase(t, s, id)
	if c.Category != "征地补偿" || c.Summary != "2019年村里征地，补偿款至今只拿到一半，要求补足余款" || c.Channel != cases.ChannelVisit {
		t.Errorf("reopened case: %q %q %s", c.Category, c.Summary, c.Channel)
	}
	if !slices.Equal(c.Steps[0].Checked, []string{"圆桌", "递水"}) {
		t.Errorf("step 1 checklist %q", c.Steps[0].Checked)
	}
	if got := factTexts(c.CurrentFacts()); !slices.Equal(got, wantTexts) {
		t.Errorf("reopened cards %q", got)
	}
	if got := factStatuses(c.CurrentFacts()); !slices.Equal(got, wantStatus) {
		t.Errorf("reopened statuses %v", got)
	}
	if got := currentNameRoles(c.Parties); !slices.Equal(got, wantRoles) {
		t.Errorf("reopened parties %v", got)
	}
	if len(c.Evidence) != 2 {
		t.Fatalf("reopened evidence: %d items", len(c.Evidence))
	}
	agreement, ok := evidenceByName(c, "征地协议.jpg")
	if !ok || agreement.DocumentDate != "2019-03-20" || len(agreement.Facts) != 1 || agreement.Facts[0] != c.CurrentFacts()[0].ID {
		t.Errorf("reopened agreement %+v", agreement)
	}
	checkFollowUps(c.FollowUps)
}
