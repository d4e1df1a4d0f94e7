package demo

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
)

// action is one change to a case before it becomes an event: the builder
// writes a case's story out of order, then sorts it by time and only then
// works out the base versions, as a desk applying the changes in time
// order would have had them.
type action struct {
	at    time.Time
	n     int // creation order: ties keep it
	p     cases.Payload
	field cases.Field // the mutable field changed; "" for append-only events
	fact  int         // index of the fact card, for fact fields
	actor string
}

// builder writes one case.
type builder struct {
	g          *generator
	r          *rand.Rand
	c          *compiledCategory
	v          vals
	t0         time.Time
	clock      time.Time // the interview's running time
	acts       []action
	facts      []builtFact
	receiver   string
	supervisor string
	topics     topics // of the summary: facts, evidence and outcome fit it
}

type builtFact struct {
	id         uuid.UUID
	tpl        int
	status     cases.FactStatus
	superseded bool
}

// add records an action at t.
func (b *builder) add(t time.Time, actor string, p cases.Payload) *action {
	b.acts = append(b.acts, action{at: t, n: len(b.acts), p: p, actor: actor, fact: -1})
	return &b.acts[len(b.acts)-1]
}

// change records a change to a mutable field.
func (b *builder) change(t time.Time, actor string, f cases.Field, fact int, p cases.Payload) {
	a := b.add(t, actor, p)
	a.field, a.fact = f, fact
}

// tick advances the interview clock by lo to hi minutes and returns it.
func (b *builder) tick(lo, hi int) time.Time {
	b.clock = b.clock.Add(time.Duration(lo*60+b.r.IntN((hi-lo)*60+1))*time.Second + time.Duration(b.r.IntN(1000))*time.Millisecond)
	return b.clock
}

// workAt is a time in working hours (China time) days after from,
// moved off weekends, and always after from.
func (b *builder) workAt(from time.Time, days int) time.Time {
	l := from.In(chinaZone)
	d := time.Date(l.Year(), l.Month(), l.Day()+days, 0, 0, 0, 0, chinaZone)
	switch d.Weekday() {
	case time.Saturday:
		d = d.AddDate(0, 0, 2)
	case time.Sunday:
		d = d.AddDate(0, 0, 1)
	}
	t := d.Add(time.Duration(8*3600+30*60+b.r.IntN(9*3600))*time.Second + time.Duration(b.r.IntN(1000))*time.Millisecond)
	if !t.After(from) {
		t = from.Add(time.Duration(10+b.r.IntN(120)) * time.Minute)
	}
	return t.UTC()
}

// between is a working-hours time after a and, where there is room,
// before b.
func (b *builder) between(a, z time.Time) time.Time {
	days := int(z.Sub(a).Hours() / 24)
	if days < 1 {
		return a.Add(z.Sub(a) / 2).Add(time.Minute)
	}
	t := b.workAt(a, b.r.IntN(days))
	if !t.Before(z) {
		t = a.Add(z.Sub(a) / 2)
	}
	return t
}

// newID makes a UUIDv7 for time t: 48 bits of Unix milliseconds, the
// version and variant bits, and 74 bits from the seeded generator.
func newID(r *rand.Rand, t time.Time) uuid.UUID {
	var u uuid.UUID
	ms := uint64(t.UnixMilli())
	for i := 0; i < 6; i++ {
		u[i] = byte(ms >> (40 - 8*i))
	}
	a, z := r.Uint64(), r.Uint64()
	u[6] = 0x70 | byte(a>>60)&0x0f
	u[7] = byte(a >> 52)
	u[8] = 0x80 | byte(a>>46)&0x3f
	for i := 9; i < 16; i++ {
		u[i] = byte(z >> (8 * (i - 9)))
	}
	return u
}

// text renders a template with the case's values.
func (b *builder) text(t tpl) string { return t.text(&b.v, b.r) }

func (b *builder) pickText(ts []tpl) string { return b.text(ts[b.r.IntN(len(ts))]) }

func (b *builder) chance(percent int) bool { return b.r.IntN(100) < percent }

// buildCase appends the events of case i to out.
func (g *generator) buildCase(i int, out []cases.Event) ([]cases.Event, *clusterMember, error) {
	r := g.stream(streamCase, uint64(i))
	t0 := time.UnixMilli(g.opens[i]).UTC()
	b := &builder{g: g, r: r, t0: t0, clock: t0, acts: make([]action, 0, 40)}
	ref, inCluster := g.members[i]
	var cp *clusterPlan
	if inCluster {
		cp = &g.clusters[ref.cluster]
		b.c = cp.cat
	} else {
		b.c = &cats[pickWeighted(r, g.monthWeights[t0.In(chinaZone).Month()-1])]
	}
	c := b.c
	fillValues(r, &b.v, c, t0)
	for try := 0; cp == nil && try < 16 && g.reserved(c, &b.v); try++ {
		fillValues(r, &b.v, c, t0)
	}
	if cp != nil {
		for _, s := range matterSlots {
			b.v[s] = cp.v[s]
		}
		year, _ := strconv.Atoi(b.v[sYear])
		b.v[sYears] = itoa(max(1, t0.In(chinaZone).Year()-year))
	}
	share := float64(t0.Sub(g.start)) / float64(Span)
	b.receiver = pickStaff(r, receptionists, share)
	b.supervisor = pickStaff(r, supervisors, share)

	collective := c.collective && b.chance(4)
	if cp != nil {
		collective = cp.collective[ref.pos]
	}
	signers := 1
	if collective {
		signers = 5 + r.IntN(56)
		b.v[sHouseholds] = itoa(signers)
	}
	var level cases.MediationLevel // "" is township
	switch p := r.IntN(100); {
	case !collective && p < 12:
		level = cases.LevelVillage
	case collective && p < 25:
		level = cases.LevelCounty
	}
	channel := cases.Channels[pickWeighted(r, []int{42, 15, 27, 16})]
	if collective || level == cases.LevelVillage {
		channel = cases.ChannelVisit
	}
	intake := b.receiver
	if level == cases.LevelVillage {
		intake = b.v[sGrid] // a grid worker took it in the village
	}

	// The summary, and who it is about.
	ti := r.IntN(len(c.summaries))
	if cp != nil {
		ti = cp.templates[ref.pos]
	}
	b.topics = c.topics[ti]
	summary := b.summary(ti, collective, cp)
	respName, respPerson := b.respondent(ti, cp)

	opened := &cases.Opened{Channel: channel, Category: c.name, Summary: summary, Signers: signers, Level: level}
	refiled := c.related != "" && b.chance(3)
	if refiled {
		opened.Category = c.related
	}
	caseID := newID(r, t0)
	b.add(t0, intake, opened)
	visit := channel == cases.ChannelVisit
	steps := 7 // an interview cut short leaves the last steps undone
	if b.chance(12) {
		steps = 4 + r.IntN(3)
	}
	step := func(n int) {
		if visit && n <= steps {
			b.add(b.tick(0, 2), intake, &cases.StepProgress{Step: n, Done: true})
		}
	}
	if visit && steps >= 1 && b.chance(30) {
		for _, item := range []string{"圆桌", "撤桌牌", "递水", "方言/语速"} {
			if !b.chance(5) {
				b.add(b.tick(0, 1), intake, &cases.StepCheck{Step: 1, Item: item, Checked: true})
			}
		}
	}
	step(1)

	// Parties.
	petitioner := b.petitioner()
	petitionerID := newID(r, b.tick(1, 3))
	b.add(b.clock, intake, withID(petitioner, petitionerID, cases.RolePetitioner))
	resp := &cases.PartyAdd{PartyID: newID(r, b.tick(0, 1)), Role: cases.RoleRespondent, Name: respName}
	if respPerson {
		resp.Village = b.v[sVillage]
		if b.chance(40) {
			resp.Phone = mobile(r)
		}
	}
	b.add(b.clock, intake, resp)
	if collective {
		for k := 1 + r.IntN(cases.MaxRepresentatives); k > 0; k-- {
			p := b.villager(30, 70)
			b.add(b.tick(0, 2), intake, withID(p, newID(r, b.clock), cases.RoleRepresentative))
		}
	}

	// Fact cards.
	nf := 3
	if b.chance(25) {
		nf = 4
	}
	for j, k := range b.choose(len(c.facts), nf, func(k int) bool { return c.facts[k].topics.fits(b.topics) }) {
		f := builtFact{id: newID(r, b.tick(1, 4)), tpl: k, status: c.facts[k].status}
		b.add(b.clock, intake, &cases.FactAdd{FactID: f.id, Text: b.text(c.facts[k].t), Status: f.status, Order: float64(j + 1)})
		b.facts = append(b.facts, f)
	}
	step(2)
	var witness uuid.UUID
	if visit && b.chance(12) {
		name := personName(r, surnameOf(petitioner.Name), r.IntN(2) == 0)
		if b.chance(40) {
			name = b.v[sGrid]
		}
		b.add(b.tick(0, 1), intake, &cases.PartyAdd{PartyID: newID(r, b.clock), Role: cases.RoleRecorder, Name: name})
	}
	if visit && b.chance(12) {
		witness = newID(r, b.tick(0, 1))
		b.add(b.clock, intake, &cases.PartyAdd{PartyID: witness, Role: cases.RoleWitness, Name: personName(r, "", r.IntN(2) == 0), Village: b.v[sVillage], Phone: mobile(r)})
	}
	step(3)

	// Evidence.
	ne := []int{0, 1, 2, 3}[pickWeighted(r, []int{35, 40, 20, 5})]
	for _, k := range b.choose(len(c.evidence), ne, func(k int) bool { return c.evidenceTopics[k].fits(b.topics) }) {
		b.add(b.clock, intake, b.evidence(c.evidence[k], newID(r, b.tick(1, 5))))
	}
	if ne > 0 {
		step(4)
	}
	step(5)

	// De-escalation: the intensity score.
	score := b.intensity(collective)
	b.add(b.tick(1, 3), intake, &cases.IntensityScored{Score: score, Level: cases.LevelForIntensity(score)})
	step(6)
	switch p := r.IntN(100); {
	case p < 45:
		b.add(b.tick(1, 3), intake, &cases.NoteAdd{NoteID: newID(r, b.clock), Text: b.pickText(tGenericNotes)})
	case p < 75:
		b.add(b.tick(1, 3), intake, &cases.NoteAdd{NoteID: newID(r, b.clock), Text: b.pickText(c.notes)})
	}
	if witness != uuid.Nil && b.chance(10) {
		b.add(b.tick(0, 1), intake, &cases.PartyWithdraw{PartyID: witness, Reason: "误录，该见证人未到场。"})
	}

	// The follow-up loop, scheduled as the interview ends. A field visit
	// follows a visit to the desk; letters and calls get a call and a
	// look-back.
	te := b.tick(1, 3)
	var fu [3]uuid.UUID
	for k, kind := range cases.FollowUpKinds {
		if kind == cases.FollowUpVisit && !visit {
			continue
		}
		fu[k] = newID(r, te)
		b.add(te, intake, &cases.FollowUpSchedule{FollowUpID: fu[k], Kind: kind, Due: kind.DefaultDue(te).UTC()})
	}
	step(7)

	// After the interview.
	if t := t0.Add(time.Duration(2*3600+r.IntN(70*3600)) * time.Second); b.chance(88) && !t.After(g.until) {
		b.add(t, b.receiver, &cases.Numbered{Number: g.officialNumber(r, t)})
	}
	if refiled {
		b.change(b.workAt(t0, r.IntN(3)), b.receiver, cases.FieldCategory, -1, &cases.CategoryChanged{Category: c.name})
	}
	if b.chance(3) {
		b.add(b.workAt(t0, 1+r.IntN(4)), b.receiver, &cases.Revised{Channel: channel, Summary: summary + b.pickText(tSupplements), Signers: signers})
	}
	if b.chance(3) {
		fixed := petitioner
		fixed.Phone = mobile(r)
		fixed.Supersedes = petitionerID
		t := b.workAt(t0, 1+r.IntN(10))
		fixed.PartyID = newID(r, t)
		b.add(t, b.receiver, &fixed)
	}
	assignee := b.v[sDept] + " " + personName(r, "", r.IntN(3) > 0)
	b.change(b.workAt(t0, r.IntN(2)), b.supervisor, cases.FieldAssignee, -1, &cases.Assigned{Assignee: assignee})

	// Follow-ups done on time or late.
	callAt := b.workAt(te, 1)
	switch {
	case b.chance(20):
		callAt = te.Add(time.Duration(60+r.IntN(180)) * time.Minute)
	case b.chance(5):
		callAt = b.workAt(te, 3+r.IntN(2))
	}
	visitDays := 2 + r.IntN(5)
	if !visit {
		// no field visit
	} else if b.chance(5) {
		b.add(b.workAt(te, 1+r.IntN(2)), b.receiver, &cases.FollowUpReschedule{FollowUpID: fu[1], Due: cases.FollowUpVisit.DefaultDue(te).AddDate(0, 0, 3).UTC()})
		visitDays = 7 + r.IntN(3)
	} else if b.chance(6) {
		visitDays = 8 + r.IntN(5)
	}
	visitAt := b.workAt(te, visitDays)
	lookAt := b.workAt(te, 24+r.IntN(6))
	if b.chance(6) {
		lookAt = b.workAt(te, 31+r.IntN(8))
	}
	// In the last months some follow-ups slip: they show as overdue.
	recent := g.until.Sub(t0) < 120*24*time.Hour
	slipped := func() bool { return recent && b.chance(12) }
	if !slipped() {
		b.add(callAt, b.followUpActor(), &cases.FollowUpComplete{FollowUpID: fu[0], Outcome: b.pickText(tCall), Satisfaction: b.satisfaction(70)})
	}
	if visit && !slipped() {
		b.add(visitAt, b.followUpActor(), &cases.FollowUpComplete{FollowUpID: fu[1], Outcome: b.pickText(tVisit), Satisfaction: b.satisfaction(70)})
	}

	// Acceptance, handling, conclusion.
	ta := b.workAt(t0, 1+r.IntN(10))
	status := func(t time.Time, actor string, s cases.Status, reason string) {
		b.change(t, actor, cases.FieldStatus, -1, &cases.StatusChanged{Status: s, Reason: reason})
	}
	if cp == nil && !collective && b.chance(c.notAccept) {
		reason := b.pickText(tRefusals)
		if c.refusal != nil && b.chance(70) {
			reason = b.text(c.refusal)
		}
		status(ta, b.supervisor, cases.StatusNotAccepted, reason)
		b.add(lookAt, b.followUpActor(), &cases.FollowUpComplete{FollowUpID: fu[2], Outcome: b.pickText(tMostly), Satisfaction: b.satisfaction(40)})
		return b.finish(caseID, out, inCluster, ref, signers, collective)
	}
	status(ta, b.supervisor, cases.StatusAccepted, b.pickText(tAccept))
	tin := ta.Add(time.Duration(60+r.IntN(180)) * time.Minute)
	if b.chance(60) {
		tin = b.workAt(ta, 1+r.IntN(3))
	}
	if b.chance(75) { // simple matters go from accepted straight to concluded
		status(tin, b.receiver, cases.StatusInProgress, b.pickText(tStart))
	}
	dissatisfied := b.chance(7)
	if collective {
		dissatisfied = b.chance(15)
	}
	tc := b.workAt(ta, 8+r.IntN(48))
	if !dissatisfied && b.chance(4) {
		tc = b.workAt(ta, 62+r.IntN(26))
		b.add(b.workAt(ta, 55+r.IntN(4)), b.supervisor, &cases.NoteAdd{NoteID: newID(r, ta), Text: extensionNote})
	}
	if dissatisfied && !tc.Before(lookAt) {
		tc = b.between(tin.Add(24*time.Hour), lookAt)
	}
	b.handle(tin, tc, level)
	status(tc, b.receiver, cases.StatusConcluded, b.outcome())

	if !dissatisfied {
		if slipped() {
			return b.finish(caseID, out, inCluster, ref, signers, collective)
		}
		done := &cases.FollowUpComplete{FollowUpID: fu[2], Satisfaction: cases.Satisfied}
		switch {
		case lookAt.Before(tc): // still being handled: the look-back checks progress
			done.Outcome, done.Satisfaction = b.pickText(tLookProgress), b.satisfaction(45)
		case b.chance(35):
			done.Outcome, done.Satisfaction = b.pickText(tMostly), cases.MostlySatisfied
		default:
			done.Outcome = b.pickText(tSatisfied)
		}
		b.add(lookAt, b.followUpActor(), done)
		if b.chance(8) {
			calmer := max(5, score-10-r.IntN(25))
			b.add(b.workAt(tc, 0), b.receiver, &cases.IntensityScored{Score: calmer, Level: cases.LevelForIntensity(calmer)})
		}
		return b.finish(caseID, out, inCluster, ref, signers, collective)
	}

	// 不满意: the case reopens, often goes up a level, and is handled
	// again.
	b.add(lookAt, b.followUpActor(), &cases.FollowUpComplete{FollowUpID: fu[2], Outcome: b.pickText(tDissatisfied), Satisfaction: cases.Dissatisfied})
	angrier := min(98, score+10+r.IntN(25))
	b.add(lookAt.Add(time.Duration(5+r.IntN(30))*time.Minute), b.receiver, &cases.IntensityScored{Score: angrier, Level: cases.LevelForIntensity(angrier)})
	b.add(lookAt.Add(time.Duration(40+r.IntN(120))*time.Minute), b.receiver, &cases.NoteAdd{NoteID: newID(r, lookAt), Text: b.pickText(tReopenNotes)})
	t2 := b.workAt(lookAt, 1+r.IntN(3))
	if up := b.levelAbove(b.finalLevel(level)); up != "" && b.chance(50) {
		b.change(t2, b.supervisor, cases.FieldMediationLevel, -1, &cases.LevelChanged{Level: up, Reason: b.pickText(tLevelUp[up])})
	}
	tin2 := b.workAt(t2, 1+r.IntN(3))
	status(tin2, b.receiver, cases.StatusInProgress, b.pickText(tStart))
	tc2 := b.workAt(tin2, 15+r.IntN(30))
	status(tc2, b.receiver, cases.StatusConcluded, b.outcome())
	again := newID(r, tc2)
	b.add(tc2.Add(time.Hour), b.receiver, &cases.FollowUpSchedule{FollowUpID: again, Kind: cases.FollowUpLookBack, Due: cases.FollowUpLookBack.DefaultDue(tc2).UTC()})
	b.add(b.workAt(tc2, 25+r.IntN(5)), b.followUpActor(), &cases.FollowUpComplete{FollowUpID: again, Outcome: b.pickText(tMostly), Satisfaction: b.satisfaction(50)})
	return b.finish(caseID, out, inCluster, ref, signers, collective)
}

// handle writes what happens between the start of handling and its
// conclusion: level changes, fact cards settled or corrected, evidence
// linked, progress notes.
func (b *builder) handle(tin, tc time.Time, level cases.MediationLevel) {
	r := b.r
	lt := tin
	if level == cases.LevelVillage && b.chance(50) {
		lt = b.between(lt, tc)
		b.change(lt, b.supervisor, cases.FieldMediationLevel, -1, &cases.LevelChanged{Level: cases.LevelTownship, Reason: b.pickText(tLevelUp[cases.LevelTownship])})
		level = cases.LevelTownship
	}
	if (level == "" || level == cases.LevelTownship) && b.chance(8) {
		lt = b.between(lt, tc)
		b.change(lt, b.supervisor, cases.FieldMediationLevel, -1, &cases.LevelChanged{Level: cases.LevelCounty, Reason: b.pickText(tLevelUp[cases.LevelCounty])})
		level = cases.LevelCounty
	}
	if level == cases.LevelCounty && b.chance(10) {
		lt = b.between(lt, tc)
		b.change(lt, b.supervisor, cases.FieldMediationLevel, -1, &cases.LevelChanged{Level: cases.LevelCity, Reason: b.pickText(tLevelUp[cases.LevelCity])})
	}
	orig := len(b.facts) // cards of the interview; a correction adds one later
	if orig > 1 && b.chance(4) {
		k := orig - 1
		b.change(b.between(tin, tc), b.receiver, cases.FieldFactOrder, k, &cases.FactMove{FactID: b.facts[k].id, Order: 0.5})
	}
	if ev := b.firstEvidence(); ev != uuid.Nil && orig > 0 && b.chance(6) {
		fact := b.facts[r.IntN(orig)].id
		t := b.between(tin, tc)
		b.add(t, b.receiver, &cases.EvidenceLink{EvidenceID: ev, FactID: fact})
		if b.chance(15) {
			b.add(b.between(t, tc), b.receiver, &cases.EvidenceUnlink{EvidenceID: ev, FactID: fact})
		}
	}
	corrected := -1 // a pending card whose figures get corrected
	if b.chance(6) {
		for k, f := range b.facts {
			if t := b.c.facts[f.tpl].t; f.status == cases.FactPending && (t.uses(sWan) || t.uses(sYuan) || t.uses(sMu) || t.uses(sTenth) || t.uses(sArea)) {
				corrected = k
				break
			}
		}
	}
	for k := range b.facts {
		f := &b.facts[k]
		if k == corrected {
			continue
		}
		var next cases.FactStatus
		switch {
		case f.status == cases.FactPending && b.chance(70):
			next = cases.FactConfirmed
			if b.chance(35) {
				next = cases.FactDisputed
			}
		case f.status == cases.FactDisputed && b.chance(20):
			next = cases.FactConfirmed
		default:
			continue
		}
		b.change(b.between(tin, tc), b.receiver, cases.FieldFactStatus, k, &cases.FactStatusChange{FactID: f.id, Status: next})
	}
	if corrected >= 0 {
		old := b.facts[corrected]
		fresh := b.v
		fresh[sWan], fresh[sYuan], fresh[sMu] = decimal(12+r.IntN(470)), itoa((20+r.IntN(960))*100), decimal(5+r.IntN(80))
		fresh[sTenth], fresh[sArea] = itoa(1+r.IntN(9)), itoa(60+r.IntN(260))
		t := b.between(tin, tc)
		f := builtFact{id: newID(r, t), tpl: old.tpl, status: cases.FactPending}
		if b.chance(50) {
			f.status = cases.FactConfirmed
		}
		b.add(t, b.receiver, &cases.FactAdd{FactID: f.id, Text: b.c.facts[old.tpl].t.text(&fresh, r), Status: f.status,
			Order: float64(corrected+1) + 0.5, Supersedes: []uuid.UUID{old.id}})
		b.facts[corrected].superseded = true
		b.facts = append(b.facts, f)
	}
	if b.chance(30) {
		t := b.between(tin, tc)
		b.add(t, b.receiver, &cases.NoteAdd{NoteID: newID(r, t), Text: b.pickText(tProgressNotes)})
	}
	if b.chance(4) {
		t := b.between(tin, tc)
		b.change(t, b.supervisor, cases.FieldAssignee, -1, &cases.Assigned{Assignee: b.v[sDept] + " " + personName(r, "", true)})
	}
}

func (b *builder) firstEvidence() uuid.UUID {
	for _, a := range b.acts {
		if e, ok := a.p.(*cases.EvidenceAdd); ok {
			return e.EvidenceID
		}
	}
	return uuid.Nil
}

// finalLevel is the level the case stands at after the actions so far.
func (b *builder) finalLevel(start cases.MediationLevel) cases.MediationLevel {
	level := start
	if level == "" {
		level = cases.LevelTownship
	}
	for _, a := range b.acts {
		if l, ok := a.p.(*cases.LevelChanged); ok {
			level = l.Level
		}
	}
	return level
}

func (b *builder) levelAbove(l cases.MediationLevel) cases.MediationLevel {
	for i, m := range cases.MediationLevels {
		if m == l && i+1 < len(cases.MediationLevels) {
			return cases.MediationLevels[i+1]
		}
	}
	return ""
}

// finish sorts the case's actions by time, drops what lies after Until,
// and turns the rest into events with base versions, ids and actors.
func (b *builder) finish(caseID uuid.UUID, out []cases.Event, inCluster bool, ref memberRef, signers int, collective bool) ([]cases.Event, *clusterMember, error) {
	slices.SortFunc(b.acts, func(x, y action) int {
		if c := x.at.Compare(y.at); c != 0 {
			return c
		}
		return cmp.Compare(x.n, y.n)
	})
	var ver cases.Versions
	factVer := make([]cases.FactVersions, len(b.facts))
	intensity := 0
	for i := range b.acts {
		a := &b.acts[i]
		if a.at.After(b.g.until) {
			continue
		}
		var base int64
		switch a.field {
		case cases.FieldStatus:
			base = ver.Status
			ver.Status++
		case cases.FieldMediationLevel:
			base = ver.MediationLevel
			ver.MediationLevel++
		case cases.FieldAssignee:
			base = ver.Assignee
			ver.Assignee++
		case cases.FieldCategory:
			base = ver.Category
			ver.Category++
		case cases.FieldFactStatus:
			base = factVer[a.fact].Status
			factVer[a.fact].Status++
		case cases.FieldFactOrder:
			base = factVer[a.fact].Order
			factVer[a.fact].Order++
		}
		switch p := a.p.(type) {
		case *cases.FollowUpComplete:
			if p.Satisfaction == cases.Dissatisfied {
				ver.Status++ // 不满意 reopens the case
			}
		case *cases.IntensityScored:
			if p.Score == intensity {
				continue // written only when it changes
			}
			intensity = p.Score
		}
		e, err := cases.NewEvent(caseID, a.p)
		if err != nil {
			return out, nil, fmt.Errorf("demo: case %s: %s: %w", caseID, a.p.EventType(), err)
		}
		e.ID = newID(b.r, a.at)
		e.At = a.at
		e.Actor = a.actor
		e.BaseVersion = base
		out = append(out, e)
	}
	if !inCluster {
		return out, nil, nil
	}
	return out, &clusterMember{cluster: ref.cluster, Member: Member{CaseID: caseID, Signers: signers, Collective: collective}}, nil
}

// choose picks up to k distinct indices below n that pass fits, in random
// order.
func (b *builder) choose(n, k int, fits func(int) bool) []int {
	out := make([]int, 0, k)
	for _, i := range b.r.Perm(n) {
		if len(out) == k {
			break
		}
		if fits(i) {
			out = append(out, i)
		}
	}
	return out
}

// outcome writes how the case was concluded, fitting its summary.
func (b *builder) outcome() string {
	if b.chance(15) {
		return b.pickText(tGenericOutcomes)
	}
	c := b.c
	fit := b.choose(len(c.outcomes), 1, func(k int) bool { return c.outcomeTopics[k].fits(b.topics) })
	if len(fit) == 0 {
		return b.pickText(tGenericOutcomes)
	}
	return b.text(c.outcomes[fit[0]])
}
