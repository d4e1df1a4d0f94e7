package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
)

// openCase writes a township case and returns its id.
func openCase(t *testing.T, s *Store, summary string, signers int) uuid.UUID {
	t.Helper()
	id := uuid.Must(uuid.NewV7())
	if _, err := s.Append(context.Background(), ev(t, id, &cases.Opened{Channel: cases.ChannelVisit, Category: "征地补偿", Summary: summary, Signers: signers})); err != nil {
		t.Fatal(err)
	}
	return id
}

func escalation(t *testing.T, id uuid.UUID, level cases.MediationLevel, base int64, triggers ...uuid.UUID) cases.Event {
	t.Helper()
	e := ev(t, id, &cases.Escalated{Level: level, Rule: cases.RuleCollective, Triggers: triggers, Reason: "此前3件相似的集体信访"})
	e.BaseVersion = base
	return e
}

// listing is the case list's row of id.
func listing(t *testing.T, s *Store, id uuid.UUID) cases.Listing {
	t.Helper()
	ls, err := s.ListCases(context.Background(), cases.ListQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if l.ID == id {
			return l
		}
	}
	t.Fatalf("case %s not listed", id)
	return cases.Listing{}
}

// An escalation raises the level and is recorded: in the projection at
// once and after the database file is opened again, in the case list
// and the search results, and verify finds the projections equal to the
// log. Other cases stay unescalated.
func TestEscalationSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "desk.db")
	now := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	s, err := Open(path, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	if err := s.SetActor(ctx, "王接待"); err != nil {
		t.Fatal(err)
	}
	t1 := openCase(t, s, "东山村征地补偿款未发放", 15)
	t2 := openCase(t, s, "西山村征地补偿款未发放", 9)
	t3 := openCase(t, s, "南山村征地补偿款未发放", 22)
	id := openCase(t, s, "北山村征地补偿款未发放", 30)
	if _, err := s.Append(ctx, escalation(t, id, cases.EscalatedLevel(cases.LevelTownship), 0, t1, t2, t3)); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		c, _ := loadsAsReplay(t, s, id)
		x := c.Escalation
		if c.MediationLevel != cases.LevelCounty || c.Versions.MediationLevel != 1 || c.HasOpenConflict() {
			t.Errorf("%s: level %s v%d, conflicts %+v", when, c.MediationLevel, c.Versions.MediationLevel, c.Conflicts)
		}
		if x == nil || !x.At.Equal(now) || x.Level != cases.LevelCounty || x.Rule != cases.RuleCollective || x.Reason != "此前3件相似的集体信访" ||
			len(x.Triggers) != 3 || x.Triggers[0] != t1 || x.Triggers[1] != t2 || x.Triggers[2] != t3 {
			t.Errorf("%s: escalation %+v", when, x)
		}
		if l := listing(t, s, id); !l.Escalated || l.MediationLevel != cases.LevelCounty {
			t.Errorf("%s: listing %+v", when, l)
		}
		if l := listing(t, s, t1); l.Escalated {
			t.Errorf("%s: a case never escalated is listed as escalated", when)
		}
		if c, _ := loadsAsReplay(t, s, t1); c.Escalation != nil {
			t.Errorf("%s: a case never escalated has an escalation: %+v", when, c.Escalation)
		}
		found, err := s.Search(ctx, "北山村", 10)
		if err != nil || len(found) != 1 || !found[0].Escalated {
			t.Errorf("%s: search %+v %v", when, found, err)
		}
		if _, err := s.Verify(ctx, nil); err != nil {
			t.Errorf("%s: %v", when, err)
		}
	}
	check("after the append")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(path, Options{Now: func() time.Time { return now }}); err != nil {
		t.Fatal(err)
	}
	check("after reopening")
	numbers, err := s.CaseNumbers(ctx, []uuid.UUID{t1, t3, uuid.Must(uuid.NewV7())})
	c1, _ := s.Case(ctx, t1)
	c3, _ := s.Case(ctx, t3)
	if err != nil || len(numbers) != 2 || numbers[t1] != c1.Number() || numbers[t3] != c3.Number() || numbers[t1] == "" {
		t.Errorf("case numbers %v %v", numbers, err)
	}
}

// An escalation naming its own case, or based on a level version this
// desk has moved past, is refused with nothing written.
func TestEscalationRefused(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	other := openCase(t, s, "相似案件", 10)
	id := openCase(t, s, "本案", 10)
	if _, err := s.Append(ctx, ev(t, id, &cases.LevelChanged{Level: cases.LevelVillage})); err != nil {
		t.Fatal(err)
	}
	st, _ := s.Stats(ctx)
	for name, bad := range map[string]struct {
		e    cases.Event
		code cases.Code
	}{
		"own trigger": {escalation(t, id, cases.LevelCounty, 1, other, id), cases.CodeInvalid},
		"stale":       {escalation(t, id, cases.LevelCounty, 0, other), cases.CodeConflict},
		"ahead":       {escalation(t, id, cases.LevelCounty, 5, other), cases.CodeConflict},
	} {
		_, err := s.Append(ctx, bad.e)
		if v, ok := cases.AsValidation(err); !ok || v.Code != bad.code {
			t.Errorf("%s: got %v, want %s", name, err, bad.code)
		}
	}
	if after, _ := s.Stats(ctx); after.Events != st.Events || after.Outbox != st.Outbox {
		t.Errorf("refused escalations were written: %+v, before %+v", after, st)
	}
	c, _ := loadsAsReplay(t, s, id)
	if c.Escalation != nil || c.MediationLevel != cases.LevelVillage || listing(t, s, id).Escalated {
		t.Errorf("after the refusals: level %s, %+v", c.MediationLevel, c.Escalation)
	}
}

// An escalation pulled from another desk meets this desk's level change
// made from the same version: the level in force stays, the escalation's
// level is kept beside it as a conflict, and the escalation is recorded
// all the same, as cases.Apply has it.
func TestEscalationPulledConflict(t *testing.T) {
	ctx := context.Background()
	src := openTemp(t)
	other := openCase(t, src, "相似案件", 10)
	id := openCase(t, src, "本案", 10)
	evs, err := src.Events(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	dst := openTemp(t)
	if _, err := dst.ApplyPulled(ctx, "e1", 1, evs); err != nil {
		t.Fatal(err)
	}
	if _, err := dst.Append(ctx, ev(t, id, &cases.LevelChanged{Level: cases.LevelVillage, Reason: "村里先调解"})); err != nil {
		t.Fatal(err)
	}
	theirs, err := src.Append(ctx, escalation(t, id, cases.LevelCounty, 0, other))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dst.ApplyPulled(ctx, "e1", 2, theirs); err != nil {
		t.Fatal(err)
	}
	c, _ := loadsAsReplay(t, dst, id)
	if c.MediationLevel != cases.LevelVillage || len(c.Conflicts) != 1 || !c.HasOpenConflict() {
		t.Fatalf("level %s, conflicts %+v", c.MediationLevel, c.Conflicts)
	}
	k := c.Conflicts[0]
	if k.Field != cases.FieldMediationLevel || k.Kept != string(cases.LevelVillage) || k.Other != string(cases.LevelCounty) || k.EventID != theirs[0].ID {
		t.Errorf("conflict %+v", k)
	}
	if x := c.Escalation; x == nil || x.Level != cases.LevelCounty || len(x.Triggers) != 1 || x.Triggers[0] != other {
		t.Errorf("escalation %+v", x)
	}
	if !listing(t, dst, id).Escalated {
		t.Error("the escalated case is not listed as escalated")
	}
	if _, err := dst.Verify(ctx, nil); err != nil {
		t.Fatal(err)
	}
}

// A database made before escalations (schema 8) opens with every case
// unescalated, and its cases can then be escalated.
func TestEscalationMigration(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	other := openCase(t, s, "相似案件", 10)
	id := openCase(t, s, "本案", 10)
	s = downgradeAndReopen(t, s, 8, dropEscalationColumns...)
	if c, _ := loadsAsReplay(t, s, id); c.Escalation != nil || listing(t, s, id).Escalated {
		t.Fatalf("after the migration: %+v", c.Escalation)
	}
	if err := s.SetActor(ctx, "王接待"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(ctx, escalation(t, id, cases.LevelCounty, 0, other)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Verify(ctx, nil); err != nil {
		t.Fatal(err)
	}
}

// dropEscalationColumns undoes migration 9, for tests that take a
// database back to an older schema.
var dropEscalationColumns = []string{
	`ALTER TABLE cases DROP COLUMN escalated_at`,
	`ALTER TABLE cases DROP COLUMN escalation_level`,
	`ALTER TABLE cases DROP COLUMN escalation_rule`,
	`ALTER TABLE cases DROP COLUMN escalation_triggers`,
	`ALTER TABLE cases DROP COLUMN escalation_reason`,
}
