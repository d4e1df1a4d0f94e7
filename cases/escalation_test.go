package cases

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// triggerIDs makes n distinct case ids.
func triggerIDs(n int) []uuid.UUID {
	ids := make([]uuid.UUID, n)
	for i := range ids {
		ids[i] = uuid.Must(uuid.NewV7())
	}
	return ids
}

func TestEscalatedLevel(t *testing.T) {
	for cur, want := range map[MediationLevel]MediationLevel{
		LevelVillage:  LevelCounty,
		LevelTownship: LevelCounty,
		LevelCounty:   LevelCity,
		LevelCity:     LevelCity,
	} {
		if got := EscalatedLevel(cur); got != want {
			t.Errorf("EscalatedLevel(%s) = %s, want %s", cur, got, want)
		}
	}
}

// An escalation names a valid level, a rule, and 1 to 50 distinct cases;
// each refusal is a typed error with a Chinese message.
func TestEscalatedValidate(t *testing.T) {
	ok := Escalated{Level: LevelCounty, Rule: RuleCollective, Triggers: triggerIDs(3), Reason: "3件集体联名信访"}
	if err := ok.Validate(); err != nil {
		t.Fatalf("a good escalation refused: %v", err)
	}
	fifty := ok
	fifty.Triggers = triggerIDs(MaxEscalationTriggers)
	if err := fifty.Validate(); err != nil {
		t.Errorf("50 triggers refused: %v", err)
	}
	dup := triggerIDs(3)
	dup[2] = dup[0]
	for name, tc := range map[string]struct {
		change func(p *Escalated)
		field  string
		code   Code
	}{
		"no triggers":    {func(p *Escalated) { p.Triggers = nil }, "case.escalation_triggers", CodeRequired},
		"empty triggers": {func(p *Escalated) { p.Triggers = []uuid.UUID{} }, "case.escalation_triggers", CodeRequired},
		"51 triggers":    {func(p *Escalated) { p.Triggers = triggerIDs(MaxEscalationTriggers + 1) }, "case.escalation_triggers", CodeInvalid},
		"nil trigger":    {func(p *Escalated) { p.Triggers = []uuid.UUID{uuid.Must(uuid.NewV7()), uuid.Nil} }, "case.escalation_triggers", CodeRequired},
		"duplicate":      {func(p *Escalated) { p.Triggers = dup }, "case.escalation_triggers", CodeInvalid},
		"bad level":      {func(p *Escalated) { p.Level = "province" }, "case.mediation_level", CodeInvalid},
		"no level":       {func(p *Escalated) { p.Level = "" }, "case.mediation_level", CodeInvalid},
		"no rule":        {func(p *Escalated) { p.Rule = "" }, "case.escalation_rule", CodeInvalid},
		"bad rule":       {func(p *Escalated) { p.Rule = "集体" }, "case.escalation_rule", CodeInvalid},
		"long reason":    {func(p *Escalated) { p.Reason = strings.Repeat("长", MaxNoteText+1) }, "case.escalation_reason", CodeTooLong},
	} {
		p := ok
		tc.change(&p)
		v, isV := AsValidation(p.Validate())
		if !isV || v.Field != tc.field || v.Code != tc.code || !containsHan(v.Message) {
			t.Errorf("%s: got %+v, want %s %s with a Chinese message", name, v, tc.field, tc.code)
		}
		if _, err := NewEvent(uuid.Must(uuid.NewV7()), &p); err == nil {
			t.Errorf("%s: NewEvent took it", name)
		}
	}
}

// The payload on the wire, and back through Decode.
func TestEscalatedJSON(t *testing.T) {
	cid := uuid.Must(uuid.NewV7())
	a, b := uuid.MustParse("0192a3b4-c5d6-7e8f-9012-3456789abcde"), uuid.MustParse("0192a3b4-c5d6-7e8f-9012-3456789abcdf")
	e, err := NewEvent(cid, &Escalated{Level: LevelCounty, Rule: RuleCollective, Triggers: []uuid.UUID{a, b}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"level":"county","rule":"collective","triggers":["0192a3b4-c5d6-7e8f-9012-3456789abcde","0192a3b4-c5d6-7e8f-9012-3456789abcdf"]}`
	if e.Type != "case.escalated" || string(e.Payload) != want {
		t.Errorf("%s %s", e.Type, e.Payload)
	}
	p, err := Decode(Event{CaseID: cid, Type: CaseEscalated, Payload: json.RawMessage(want)})
	if x, ok := p.(*Escalated); err != nil || !ok || x.Level != LevelCounty || len(x.Triggers) != 2 || x.Triggers[1] != b {
		t.Errorf("decoded %+v, %v", p, err)
	}
	bad := Event{CaseID: cid, Type: CaseEscalated, Payload: json.RawMessage(`{"level":"county","rule":"collective","triggers":[]}`)}
	if _, err := Decode(bad); err == nil {
		t.Error("Decode took an escalation without triggers")
	}
}

// escalatedCase is a township case with its opening applied.
func escalatedCase(t *testing.T) (Case, uuid.UUID) {
	t.Helper()
	id := uuid.Must(uuid.NewV7())
	c, err := Replay([]Event{mustEvent(t, id, &Opened{Channel: ChannelVisit, Summary: "征地补偿款未发放", Signers: 12})})
	if err != nil {
		t.Fatal(err)
	}
	return c, id
}

// An escalation raises the level as a level change does (counted as a
// version of the level) and records itself on the case.
func TestEscalatedApply(t *testing.T) {
	c, id := escalatedCase(t)
	trig := triggerIDs(3)
	e := mustEvent(t, id, &Escalated{Level: EscalatedLevel(c.MediationLevel), Rule: RuleCollective, Triggers: trig, Reason: "相似集体访3件"})
	if err := Apply(&c, e); err != nil {
		t.Fatal(err)
	}
	if c.MediationLevel != LevelCounty || c.Versions.MediationLevel != 1 || c.HasOpenConflict() {
		t.Fatalf("level %s v%d, conflicts %+v", c.MediationLevel, c.Versions.MediationLevel, c.Conflicts)
	}
	x := c.Escalation
	if x == nil || !x.At.Equal(e.At) || x.Level != LevelCounty || x.Rule != RuleCollective || x.Reason != "相似集体访3件" || len(x.Triggers) != 3 || x.Triggers[0] != trig[0] || x.Triggers[2] != trig[2] {
		t.Fatalf("escalation %+v", x)
	}
	if c.Events != 2 || !c.UpdatedAt.Equal(e.At) {
		t.Errorf("events %d, updated %v", c.Events, c.UpdatedAt)
	}
	// The case keeps its own copy of the triggers.
	trig[0] = uuid.Nil
	if c.Escalation.Triggers[0] == uuid.Nil {
		t.Error("the escalation shares its triggers with the payload")
	}
	// A second escalation, based on the current version, replaces it.
	again := mustEvent(t, id, &Escalated{Level: EscalatedLevel(c.MediationLevel), Rule: RuleCollective, Triggers: triggerIDs(4)})
	again.BaseVersion = 1
	if err := Apply(&c, again); err != nil {
		t.Fatal(err)
	}
	if c.MediationLevel != LevelCity || c.Escalation.Level != LevelCity || len(c.Escalation.Triggers) != 4 || c.Escalation.Reason != "" {
		t.Errorf("after the second escalation: level %s, %+v", c.MediationLevel, c.Escalation)
	}
}

// A case cannot trigger its own escalation; the refused event changes
// nothing. A base version never seen is refused too.
func TestEscalatedRefused(t *testing.T) {
	c, id := escalatedCase(t)
	self := mustEvent(t, id, &Escalated{Level: LevelCounty, Rule: RuleCollective, Triggers: []uuid.UUID{uuid.Must(uuid.NewV7()), id}})
	v, ok := AsValidation(Apply(&c, self))
	if !ok || v.Field != "case.escalation_triggers" || v.Code != CodeInvalid || !containsHan(v.Message) {
		t.Errorf("own trigger: got %+v", v)
	}
	ahead := mustEvent(t, id, &Escalated{Level: LevelCounty, Rule: RuleCollective, Triggers: triggerIDs(3)})
	ahead.BaseVersion = 4
	if err := Apply(&c, ahead); err == nil {
		t.Error("an escalation based on a version never seen was applied")
	}
	if c.Escalation != nil || c.MediationLevel != LevelTownship || c.Versions.MediationLevel != 0 || c.Events != 1 {
		t.Errorf("a refused escalation changed the case: level %s v%d, %+v, events %d", c.MediationLevel, c.Versions.MediationLevel, c.Escalation, c.Events)
	}
}

// A level change and an escalation from the same version: the first to
// arrive sets the level, the second is kept beside it as a conflict on
// the level, and the escalation is recorded either way.
func TestEscalatedConflict(t *testing.T) {
	for _, first := range []string{"level change", "escalation"} {
		t.Run(first, func(t *testing.T) {
			c, id := escalatedCase(t)
			lv := mustEvent(t, id, &LevelChanged{Level: LevelVillage, Reason: "村里先调解"})
			esc := mustEvent(t, id, &Escalated{Level: LevelCounty, Rule: RuleCollective, Triggers: triggerIDs(3)})
			evs, kept, other, second := []Event{lv, esc}, LevelVillage, LevelCounty, esc.ID
			if first == "escalation" {
				evs, kept, other, second = []Event{esc, lv}, LevelCounty, LevelVillage, lv.ID
			}
			for _, e := range evs {
				if err := Apply(&c, e); err != nil {
					t.Fatal(err)
				}
			}
			if c.MediationLevel != kept || c.Versions.MediationLevel != 1 {
				t.Fatalf("level %s v%d, want %s kept", c.MediationLevel, c.Versions.MediationLevel, kept)
			}
			if len(c.Conflicts) != 1 || !c.HasOpenConflict() {
				t.Fatalf("conflicts %+v", c.Conflicts)
			}
			k := c.Conflicts[0]
			if k.Field != FieldMediationLevel || k.EntityID != id || k.Kept != string(kept) || k.Other != string(other) || k.EventID != second {
				t.Errorf("conflict %+v", k)
			}
			if c.Escalation == nil || c.Escalation.Level != LevelCounty || len(c.Escalation.Triggers) != 3 {
				t.Errorf("escalation not recorded: %+v", c.Escalation)
			}
			// A change based on the current version decides it.
			decide := mustEvent(t, id, &LevelChanged{Level: LevelCounty})
			decide.BaseVersion = 1
			if err := Apply(&c, decide); err != nil {
				t.Fatal(err)
			}
			if c.HasOpenConflict() || c.MediationLevel != LevelCounty {
				t.Errorf("after deciding: level %s, conflicts %+v", c.MediationLevel, c.Conflicts)
			}
		})
	}
}

func TestEscalationRuleLabel(t *testing.T) {
	if got := EscalationRuleLabel(RuleCollective); got != "集体联名" {
		t.Errorf("collective: %q", got)
	}
	if got := EscalationRuleLabel("repeat_visits"); got != "repeat_visits" {
		t.Errorf("a rule this program does not know: %q", got)
	}
}
