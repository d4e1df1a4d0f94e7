package app

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"jiefang/assets"
	"jiefang/cases"
	"jiefang/cases/triage"
)

func testScorer(t *testing.T) *triage.Scorer {
	t.Helper()
	lex, problems, err := triage.LoadLexicon(assets.Triage, nil)
	if err != nil || len(problems) > 0 {
		t.Fatalf("word lists: %v %v", err, problems)
	}
	return triage.NewScorer(lex)
}

// A fact card that threatens violence makes this desk record the case's
// new intensity, red, with the words shown in step 6; changing a card's
// status (no new text) and looking at the case record nothing more.
func TestTextChangesRescore(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	id := addCase(t, s, "补偿款至今只拿到一半")
	cs := openCaseScreen(t, w, s, id)
	cs.scorer = testScorer(t)
	cs.calm.scorer = cs.scorer
	scored := func() int {
		t.Helper()
		evs, err := s.Events(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range evs {
			if e.Type == cases.CaseIntensityScored {
				n++
			}
		}
		return n
	}
	test.Tap(cs.stepBtns[1])
	typeCard(t, cs, "再不给说法我就去把村委会炸了")
	c, _ := s.Case(context.Background(), id)
	if scored() != 1 || c.IntensityLevel != cases.IntensityRed || c.Intensity <= 80 {
		t.Fatalf("after a threat: %d scorings, %d %s", scored(), c.Intensity, c.IntensityLevel)
	}
	pressKey(cs, fyne.Key1) // a status: no new text
	cs.load()
	cs.wait()
	if scored() != 1 {
		t.Errorf("%d scorings after a status change and a reload, want 1", scored())
	}
	test.Tap(cs.stepBtns[5])
	if !strings.Contains(cs.calm.intensity.Text, "红色") {
		t.Errorf("step 6 reads %q", cs.calm.intensity.Text)
	}
	if !strings.Contains(cs.calm.reasons.Text, "炸") {
		t.Errorf("step 6 does not say why: %q", cs.calm.reasons.Text)
	}
}
