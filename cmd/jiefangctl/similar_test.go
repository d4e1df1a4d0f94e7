package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/demo"
	"jiefang/cases/store"
)

// triage similar lists a planted cluster's cases as the similar cases of
// its member, with reasons, and says the collective rule escalates the
// member that three earlier collective petitions of its cluster precede.
func TestTriageSimilar(t *testing.T) {
	// A new petition about the matter of a demo cluster that holds three
	// collective petitions or more: the rule escalates it (the cluster's
	// own cases are mostly concluded by now, and the rule leaves those).
	until := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	db := filepath.Join(t.TempDir(), "desk.db")
	s, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := demo.Generate(context.Background(), s, demo.Options{Cases: 1000, Seed: 2, Until: until})
	if err != nil {
		t.Fatal(err)
	}
	var cl demo.Cluster
	for _, c := range res.Clusters {
		if c.CollectiveCount() >= 3 {
			cl = c
			break
		}
	}
	if len(cl.Members) == 0 {
		t.Fatal("no demo cluster with three collective petitions")
	}
	target := again(t, s, cl.Members[len(cl.Members)-1].CaseID, until)
	s.Close()
	code, out, errs := ctl(t, "triage", "similar", "--db", db, "--case", target.String(), "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got similarOut
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !got.Collective.Escalates {
		t.Errorf("the rule does not escalate a new petition after %d collective ones: %+v", cl.CollectiveCount(), got.Collective)
	}
	mates := cl.CaseIDs()
	found := 0
	for _, m := range got.Matches {
		if slices.Contains(mates, m.CaseID) {
			found++
			if m.Number == "" || len(m.Reasons()) == 0 {
				t.Errorf("match %+v: no number or no reasons", m)
			}
		}
	}
	if found != min(len(mates), 10) {
		t.Errorf("%d of the %d cluster members among the similar cases", found, len(mates))
	}
	// The rule's verdict: the earlier collective petitions of the
	// cluster that are similar enough (how many is the rule's business,
	// tested in cases/triage).
	if len(got.Collective.Triggers) < 3 {
		t.Errorf("collective rule: %+v", got.Collective)
	}
	for _, id := range got.Collective.Triggers {
		if !slices.Contains(mates, id) {
			t.Errorf("trigger %s is not of the cluster", id)
		}
	}

	// The table says the same; bad input is refused.
	verdict := "相似的集体信访 " + strconv.Itoa(len(got.Collective.Triggers)) + " 件"
	if got.Collective.Escalates {
		verdict = strconv.Itoa(len(got.Collective.Triggers)) + " 件相似的集体信访，本案应自动升级"
	}
	code, out, errs = ctl(t, "triage", "similar", "--db", db, "--case", target.String())
	if code != 0 || !strings.Contains(out, verdict) || !strings.Contains(out, "相似度") {
		t.Errorf("table (exit %d), want %q:\n%s", code, verdict, out)
	}

	// triage escalate records what the rule says over the whole
	// database: the case among the escalations if and only if the rule
	// escalates it, nothing on a dry run, nothing twice.
	code, out, errs = ctl(t, "triage", "escalate", "--db", db, "--dry-run", "--quiet")
	if code != 0 || strings.Contains(out, got.Number) != got.Collective.Escalates || !strings.Contains(out, "未记录") {
		t.Fatalf("dry run (exit %d, escalates %v):\n%s%s", code, got.Collective.Escalates, out, errs)
	}
	dry := strings.Count(out, "\n") - 1
	if code, out, errs = ctl(t, "triage", "escalate", "--db", db, "--quiet"); code != 0 || strings.Count(out, "\n")-1 != dry {
		t.Fatalf("escalate (exit %d), want %d escalations:\n%s%s", code, dry, out, errs)
	}
	if code, out, _ = ctl(t, "triage", "escalate", "--db", db, "--quiet"); code != 0 || !strings.Contains(out, "升级 0 件") {
		t.Errorf("second run (exit %d):\n%s", code, out)
	}
	s, err = store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Case(context.Background(), target)
	s.Close()
	if err != nil || c.Escalation == nil || c.MediationLevel != cases.LevelCounty {
		t.Errorf("stored case: escalation %+v, level %s (%v)", c.Escalation, c.MediationLevel, err)
	}
	if code, out, errs := ctl(t, "verify", "--db", db); code != 0 {
		t.Errorf("verify after escalations: %s%s", out, errs)
	}

	if code, _, errs := ctl(t, "triage", "similar", "--db", db); code != 2 || !strings.Contains(errs, "--case") {
		t.Errorf("no --case: exit %d, %s", code, errs)
	}
	if code, _, errs := ctl(t, "triage", "similar", "--db", db, "--case", "XF2099000001"); code == 0 || !strings.Contains(errs, "没有案件") {
		t.Errorf("unknown case: exit %d, %s", code, errs)
	}
}

// again stores a new petition, opened at at, about the matter of case
// id: its category and summary, its parties by name, role and village.
func again(t *testing.T, s *store.Store, id uuid.UUID, at time.Time) uuid.UUID {
	t.Helper()
	ctx := context.Background()
	c, err := s.Case(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	nid := uuid.Must(uuid.NewV7())
	ps := []cases.Payload{&cases.Opened{Channel: cases.ChannelVisit, Category: c.Category, Summary: c.Summary, Signers: 1}}
	for _, p := range c.Parties {
		if p.Current() {
			ps = append(ps, &cases.PartyAdd{PartyID: uuid.Must(uuid.NewV7()), Role: p.Role, Name: p.Name, Village: p.Village})
		}
	}
	var evs []cases.Event
	for _, p := range ps {
		e, err := cases.NewEvent(nid, p)
		if err != nil {
			t.Fatal(err)
		}
		e.At, e.Actor = at, "王芳"
		evs = append(evs, e)
	}
	if _, err := s.Append(ctx, evs...); err != nil {
		t.Fatal(err)
	}
	return nid
}
