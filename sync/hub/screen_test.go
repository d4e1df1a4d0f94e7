package hub_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/store"
	"jiefang/cases/triage"
	"jiefang/sync/hub"
	"jiefang/sync/hub/hubtest"
	"jiefang/sync/protocol"
)

// screenDesk is a real desk enrolled with a hub as a device of a township.
type screenDesk struct {
	s   *store.Store
	dev hub.Device
}

func newScreenDesk(t *testing.T, rh *relayHub, name, unit string) *screenDesk {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(filepath.Join(t.TempDir(), name), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.SetActor(ctx, "王芳"); err != nil {
		t.Fatal(err)
	}
	rh.enroll(t, s.Device().ID, unit)
	dev, err := rh.store.Device(ctx, s.Device().ID)
	if err != nil {
		t.Fatal(err)
	}
	return &screenDesk{s: s, dev: dev}
}

// add records a case opened at at with a petitioner of village and a
// respondent, and returns its id and its events on the wire.
func (d *screenDesk) add(t *testing.T, at time.Time, category, summary string, signers int, village, respondent string) (uuid.UUID, []protocol.Event) {
	t.Helper()
	id := uuid.Must(uuid.NewV7())
	var evs []cases.Event
	for _, p := range []cases.Payload{
		&cases.Opened{Channel: cases.ChannelLetter, Category: category, Summary: summary, Signers: signers},
		&cases.PartyAdd{PartyID: uuid.Must(uuid.NewV7()), Role: cases.RolePetitioner, Name: "联系人" + id.String()[:8], Village: village},
		&cases.PartyAdd{PartyID: uuid.Must(uuid.NewV7()), Role: cases.RoleRespondent, Name: respondent},
	} {
		e, err := cases.NewEvent(id, p)
		if err != nil {
			t.Fatal(err)
		}
		e.At = at
		evs = append(evs, e)
	}
	stored, err := d.s.Append(context.Background(), evs...)
	if err != nil {
		t.Fatal(err)
	}
	return id, wire(stored)
}

// pull applies to the desk what the hub has for it and returns the
// events pulled.
func (d *screenDesk) pull(t *testing.T, h *hub.Store) []cases.Event {
	t.Helper()
	ctx := context.Background()
	ps, more, err := h.Pull(ctx, d.dev, 0, 5000)
	if err != nil || more {
		t.Fatalf("pull: %v (more %v)", err, more)
	}
	evs := make([]cases.Event, len(ps))
	for i, p := range ps {
		evs[i] = p.Event.ToEvent()
	}
	if len(ps) > 0 {
		if _, err := d.s.ApplyPulled(ctx, h.Epoch(), ps[len(ps)-1].Seq, evs); err != nil {
			t.Fatal(err)
		}
	}
	return evs
}

// hubChain checks the chain of the events the hub wrote itself — every
// one numbered from 1 without a gap, carrying the previous one's hash and
// matching its own — and returns them.
func hubChain(t *testing.T, h *hub.Store) []cases.Event {
	t.Helper()
	ps, more, err := h.Pull(context.Background(), hub.Device{UnitPath: "/"}, 0, 5000)
	if err != nil || more {
		t.Fatalf("pull: %v (more %v)", err, more)
	}
	var own []cases.Event
	prev := ""
	for _, p := range ps {
		e := p.Event.ToEvent()
		if e.DeviceID != h.DeviceID() {
			continue
		}
		own = append(own, e)
		if e.DeviceSeq != int64(len(own)) || e.PrevHash != prev || e.ComputeHash() != e.Hash {
			t.Fatalf("hub chain broken at its event %d: %+v", len(own), e)
		}
		prev = e.Hash
	}
	return own
}

// escalations are the hub's case.escalated events.
func escalations(t *testing.T, own []cases.Event) map[uuid.UUID]*cases.Escalated {
	t.Helper()
	out := map[uuid.UUID]*cases.Escalated{}
	for _, e := range own {
		if e.Type != cases.CaseEscalated {
			continue
		}
		pl, err := cases.Decode(e)
		if err != nil {
			t.Fatal(err)
		}
		if _, dup := out[e.CaseID]; dup {
			t.Errorf("case %s escalated twice", e.CaseID)
		}
		out[e.CaseID] = pl.(*cases.Escalated)
	}
	return out
}

func sortedIDs(ids []uuid.UUID) []uuid.UUID {
	ids = slices.Clone(ids)
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	return ids
}

// screenFixture is two townships' desks on one hub: 东镇's desk holds
// three collective petitions of one matter (a firm polluting a village),
// opened months apart; 西镇's desk a later case of the same matter and an
// unrelated one; both hold unrelated background cases, so that the
// village and the firm are rare terms.
type screenFixture struct {
	rh                   *relayHub
	a, b                 *screenDesk
	aEvs, bEvs           []protocol.Event
	triggers             []uuid.UUID
	matter, plain        uuid.UUID
	background           []uuid.UUID
	aBackground, aMatter []protocol.Event
}

func newScreenFixture(t *testing.T, bk hubtest.Backend) *screenFixture {
	f := &screenFixture{rh: newRelayHub(t, bk)}
	f.a = newScreenDesk(t, f.rh, "a.db", "东镇")
	f.b = newScreenDesk(t, f.rh, "b.db", "西镇")
	now := time.Now().UTC()
	villages := []string{"东山村", "石桥村", "柳河村", "桃园村", "青龙村"}
	categories := []string{"噪音", "其他", "环境污染", "拖欠工资", "宅基地"}
	for i := 0; i < 30; i++ {
		d := f.a
		if i%2 == 1 {
			d = f.b
		}
		id, evs := d.add(t, now.AddDate(0, -i, -3), categories[i%5], fmt.Sprintf("邻居违建挡住采光，请求拆除（第%d件）。", i), 1+i%3,
			villages[i%5], "邻居"+string(rune('甲'+i)))
		f.background = append(f.background, id)
		if d == f.a {
			f.aBackground = append(f.aBackground, evs...)
		} else {
			f.bEvs = append(f.bEvs, evs...)
		}
	}
	for i, text := range []string{
		"凤形村三十六户村民联名反映：华盛化工厂向小河偷排废水，鱼塘的鱼大量死亡。",
		"华盛化工厂夜间向小河偷排废水，凤形村二十户村民联名要求关停。",
		"凤形村村民集体反映华盛化工厂偷排废水污染小河，庄稼减产。",
	} {
		id, evs := f.a.add(t, now.AddDate(0, -6+i, 0), "环境污染", text, 20+i, "凤形村", "华盛化工有限公司")
		f.triggers = append(f.triggers, id)
		f.aMatter = append(f.aMatter, evs...)
	}
	f.aEvs = append(slices.Clone(f.aBackground), f.aMatter...)
	var evs []protocol.Event
	f.matter, evs = f.b.add(t, now, "环境污染", "华盛化工厂偷排废水的问题一直没有解决，凤形村十五户再次联名反映。", 15, "凤形村", "华盛化工有限公司")
	f.bEvs = append(f.bEvs, evs...)
	f.plain, evs = f.b.add(t, now, "其他", "小区物业乱收停车费。", 1, "石桥村", "物业公司")
	f.bEvs = append(f.bEvs, evs...)
	return f
}

func (f *screenFixture) push(t *testing.T, d *screenDesk, evs []protocol.Event, want protocol.Outcome) {
	t.Helper()
	rs, err := f.rh.store.Push(context.Background(), d.dev, evs)
	if err != nil {
		t.Fatal(err)
	}
	if n := outcomes(rs)[want]; n != len(evs) {
		t.Fatalf("push: %v, want all %s", outcomes(rs), want)
	}
}

// checkEscalated checks that the hub's chain verifies and carries exactly
// one escalation, of the later case of the matter, to the county, by the
// collective rule, triggered by the three petitions.
func (f *screenFixture) checkEscalated(t *testing.T) {
	t.Helper()
	own := hubChain(t, f.rh.store)
	escs := escalations(t, own)
	p := escs[f.matter]
	if len(escs) != 1 || p == nil {
		t.Fatalf("hub escalations %+v, want one for case %s", escs, f.matter)
	}
	if p.Rule != cases.RuleCollective || p.Level != cases.LevelCounty || !slices.Equal(sortedIDs(p.Triggers), sortedIDs(f.triggers)) {
		t.Errorf("escalation %+v, want to the county by the collective rule, triggered by %v", p, f.triggers)
	}
	for _, e := range own {
		if e.Type == cases.CaseEscalated && (e.Actor != "上级平台" || e.BaseVersion != 0) {
			t.Errorf("escalation event %+v: want the hub's actor and the case's level version 0", e)
		}
	}
}

// The hub runs the collective rule over the cases of every township: 西镇's
// case of a matter on which 东镇 had three collective petitions is
// escalated by an event on the hub's chain, which 西镇's desk pulls; an
// unrelated case is not; pushing the same events again writes nothing.
func TestHubEscalatesAcrossTownships(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, bk hubtest.Backend) {
		ctx := context.Background()
		f := newScreenFixture(t, bk)
		h := f.rh.store
		f.push(t, f.a, f.aEvs, protocol.Applied)
		if escs := escalations(t, hubChain(t, h)); len(escs) != 0 {
			t.Fatalf("escalations before the later case arrived: %+v", escs)
		}
		f.push(t, f.b, f.bEvs, protocol.Applied)
		f.checkEscalated(t)

		st, _ := h.Stats(ctx)
		f.push(t, f.a, f.aEvs, protocol.Duplicate)
		f.push(t, f.b, f.bEvs, protocol.Duplicate)
		if again, _ := h.Stats(ctx); again != st {
			t.Errorf("pushed again: %+v, was %+v", again, st)
		}
		f.checkEscalated(t)

		// 西镇's desk pulls the escalation; 东镇's, whose scope the case is
		// not in, does not.
		pulled := f.b.pull(t, h)
		if !slices.ContainsFunc(pulled, func(e cases.Event) bool { return e.Type == cases.CaseEscalated && e.CaseID == f.matter }) {
			t.Fatal("西镇's desk did not pull the escalation")
		}
		if slices.ContainsFunc(f.a.pull(t, h), func(e cases.Event) bool { return e.Type == cases.CaseEscalated }) {
			t.Error("东镇's desk pulled an escalation of a case outside its scope")
		}
		c, err := f.b.s.Case(ctx, f.matter)
		if err != nil {
			t.Fatal(err)
		}
		if c.MediationLevel != cases.LevelCounty || c.Escalation == nil || c.Escalation.Rule != cases.RuleCollective || c.HasOpenConflict() {
			t.Errorf("西镇's desk after pulling: level %s, escalation %+v, conflicts %+v", c.MediationLevel, c.Escalation, c.Conflicts)
		}
		if pc, _ := f.b.s.Case(ctx, f.plain); pc.Escalation != nil || pc.MediationLevel != cases.LevelTownship {
			t.Errorf("the unrelated case: %+v", pc.Escalation)
		}
		if _, err := f.b.s.Verify(ctx, nil); err != nil {
			t.Error(err)
		}
		// A change to the case that the desk makes after pulling is based
		// on the escalated level: no conflict on the hub.
		decide, _ := cases.NewEvent(f.matter, &cases.LevelChanged{Level: cases.LevelCity, Reason: "县里移交"})
		decide.BaseVersion = c.Versions.MediationLevel
		stored, err := f.b.s.Append(ctx, decide)
		if err != nil {
			t.Fatal(err)
		}
		f.push(t, f.b, wire(stored), protocol.Applied)
		if flagged, _ := h.CaseConflict(ctx, f.matter); flagged {
			t.Error("the hub flags the escalated case after a change based on it")
		}
	})
}

// The petitions that trigger the rule may reach the hub after the later
// case (东镇's desk was offline): the hub escalates the later case when
// they arrive. A fact card added later to the escalated case does not
// escalate it again.
func TestHubEscalatesWhenTriggersArriveLate(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, bk hubtest.Backend) {
		ctx := context.Background()
		f := newScreenFixture(t, bk)
		f.push(t, f.b, f.bEvs, protocol.Applied)
		f.push(t, f.a, f.aBackground, protocol.Applied)
		if escs := escalations(t, hubChain(t, f.rh.store)); len(escs) != 0 {
			t.Fatalf("escalations before the petitions arrived: %+v", escs)
		}
		f.push(t, f.a, f.aMatter, protocol.Applied)
		f.checkEscalated(t)

		f.b.pull(t, f.rh.store)
		fact, _ := cases.NewEvent(f.matter, &cases.FactAdd{FactID: uuid.Must(uuid.NewV7()), Text: "华盛化工仍在夜间排污", Status: cases.FactPending})
		stored, err := f.b.s.Append(ctx, fact)
		if err != nil {
			t.Fatal(err)
		}
		f.push(t, f.b, wire(stored), protocol.Applied)
		f.checkEscalated(t)
	})
}

// With screening off, the hub writes no escalation.
func TestHubScreeningOff(t *testing.T) {
	f := newScreenFixture(t, hubtest.Backends()[0])
	hub.SetScreening(f.rh.store, false)
	f.push(t, f.a, f.aEvs, protocol.Applied)
	f.push(t, f.b, f.bEvs, protocol.Applied)
	if escs := escalations(t, hubChain(t, f.rh.store)); len(escs) != 0 {
		t.Fatalf("escalations with screening off: %+v", escs)
	}
}

// The hub's corpus gives, for every case, the Doc that DocOf gives for
// the case a desk holding all its events replays; Doc of an unknown case
// is ErrNotFound.
func TestHubCorpus(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, bk hubtest.Backend) {
		ctx := context.Background()
		f := newScreenFixture(t, bk)
		h := f.rh.store
		hub.SetScreening(h, false)
		f.push(t, f.a, f.aEvs, protocol.Applied)
		f.push(t, f.b, f.bEvs, protocol.Applied)
		all := append(append(slices.Clone(f.background), f.triggers...), f.matter, f.plain)
		n := 0
		err := h.Corpus().Docs(ctx, func(d triage.Doc) error {
			n++
			one, err := h.Corpus().Doc(ctx, d.ID)
			if err != nil {
				return err
			}
			desk := f.a.s
			if slices.Contains([]uuid.UUID{f.matter, f.plain}, d.ID) || !slices.ContainsFunc(f.aEvs, func(e protocol.Event) bool { return e.CaseID == d.ID }) {
				desk = f.b.s
			}
			c, err := desk.Case(ctx, d.ID)
			if err != nil {
				return err
			}
			want := triage.DocOf(&c)
			if fmt.Sprint(d) != fmt.Sprint(want) || fmt.Sprint(one) != fmt.Sprint(want) {
				return fmt.Errorf("case %s: Docs %+v, Doc %+v, the desk's %+v", d.ID, d, one, want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n != len(all) {
			t.Errorf("Docs gave %d cases, want %d", n, len(all))
		}
		if _, err := h.Corpus().Doc(ctx, uuid.Must(uuid.NewV7())); !errors.Is(err, triage.ErrNotFound) {
			t.Errorf("an unknown case: %v", err)
		}
		x, err := triage.Build(ctx, h.Corpus())
		if err != nil || x.Len() != len(all) {
			t.Fatalf("index of %d cases, %v; want %d", x.Len(), err, len(all))
		}
	})
}

// A hub that builds its index in the background at start screens, once it
// is ready, the cases pushed while it was being built: 西镇's later case,
// pushed meanwhile, is escalated with the next push after it.
func TestHubWarmScreening(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, bk hubtest.Backend) {
		f := newScreenFixture(t, bk)
		h := f.rh.store
		hub.SetScreening(h, false)
		f.push(t, f.a, f.aEvs, protocol.Applied) // as pushed before a restart
		hub.SetScreening(h, true)
		release := make(chan struct{})
		hub.SetBeforeWarm(h, func() { <-release })
		done := h.WarmScreening(context.Background())
		f.push(t, f.b, f.bEvs, protocol.Applied) // while the index is being built
		if escs := escalations(t, hubChain(t, h)); len(escs) != 0 {
			t.Fatalf("escalations before the index was ready: %+v", escs)
		}
		close(release)
		<-done
		_, next := f.b.add(t, time.Now().UTC(), "其他", "路灯坏了没人修。", 1, "石桥村", "镇政府")
		f.push(t, f.b, next, protocol.Applied)
		f.checkEscalated(t)
	})
}
