package store

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/demo"
	"jiefang/cases/triage"
)

// The corpus gives, for every case of a real store, the Doc that
// triage.DocOf gives for the case replayed from its events; Doc gives the
// same one case at a time; ChangedCases names the cases an append
// touched.
func TestCorpusMatchesReplay(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	res, err := demo.Generate(ctx, s, demo.Options{Cases: 300, Seed: 3, Until: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	var docs []triage.Doc
	if err := s.Corpus().Docs(ctx, func(d triage.Doc) error { docs = append(docs, d); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(docs) != res.Cases {
		t.Fatalf("corpus gave %d cases, the store has %d", len(docs), res.Cases)
	}
	withFacts, withParties := 0, 0
	for _, d := range docs {
		evs, err := s.Events(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		c, err := cases.Replay(evs)
		if err != nil {
			t.Fatal(err)
		}
		want := triage.DocOf(&c)
		if !sameDoc(d, want) {
			t.Fatalf("case %s:\ncorpus %+v\nreplay %+v", d.ID, d, want)
		}
		one, err := s.Corpus().Doc(ctx, d.ID)
		if err != nil || !sameDoc(one, want) {
			t.Fatalf("Doc(%s) = %+v, %v", d.ID, one, err)
		}
		if len(c.CurrentFacts()) > 0 {
			withFacts++
		}
		if len(d.People) > 0 {
			withParties++
		}
	}
	if withFacts == 0 || withParties == 0 {
		t.Fatalf("%d cases with facts, %d with people: the comparison proves little", withFacts, withParties)
	}
	if _, err := s.Corpus().Doc(ctx, uuid.New()); !errors.Is(err, triage.ErrNotFound) {
		t.Errorf("Doc of an unknown case: %v, want triage.ErrNotFound", err)
	}

	ids, last, err := s.ChangedCases(ctx, 0)
	if err != nil || len(ids) != res.Cases || last != int64(res.Events) {
		t.Fatalf("ChangedCases(0): %d cases, last %d, %v; want %d, %d", len(ids), last, err, res.Cases, res.Events)
	}
	e, err := cases.NewEvent(docs[7].ID, &cases.FactAdd{FactID: uuid.New(), Text: "新补充的事实。", Status: cases.FactPending})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(ctx, e); err != nil {
		t.Fatal(err)
	}
	ids, next, err := s.ChangedCases(ctx, last)
	if err != nil || !slices.Equal(ids, []uuid.UUID{docs[7].ID}) || next != last+1 {
		t.Errorf("ChangedCases after one append: %v, %d, %v", ids, next, err)
	}
	if ids, again, _ := s.ChangedCases(ctx, next); len(ids) != 0 || again != next {
		t.Errorf("ChangedCases with nothing new: %v, %d", ids, again)
	}
}

// sameDoc compares Docs, order aside (the corpus reads cards and parties
// in id order, DocOf in display and log order; the index sees a bag of
// terms either way).
func sameDoc(a, b triage.Doc) bool {
	la, lb := strings.Split(a.Text, "\n"), strings.Split(b.Text, "\n")
	slices.Sort(la[1:])
	slices.Sort(lb[1:])
	sortPeople := func(p []triage.Person) []triage.Person {
		p = slices.Clone(p)
		slices.SortFunc(p, func(x, y triage.Person) int { return strings.Compare(x.Name+x.IDNumber, y.Name+y.IDNumber) })
		return p
	}
	sorted := func(v []string) []string { v = slices.Clone(v); slices.Sort(v); return v }
	return slices.Equal(la, lb) && a.At.Equal(b.At) && reflect.DeepEqual(sortPeople(a.People), sortPeople(b.People)) &&
		slices.Equal(sorted(a.Respondents), sorted(b.Respondents)) && slices.Equal(sorted(a.Places), sorted(b.Places)) &&
		a.ID == b.ID && a.Category == b.Category && a.Signers == b.Signers && a.Collective == b.Collective
}
