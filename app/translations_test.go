package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"jiefang/cases"
)

// Every interface string passed to lang.L has an English translation and
// an entry in the Chinese file (which keeps Fyne from logging misses).
func TestTranslationsComplete(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	call := regexp.MustCompile(`lang\.L\("((?:[^"\\]|\\.)*)"\)`)
	keys := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = true
		}
	}
	// Labels of the domain's values, shown through lang.L.
	for _, c := range cases.Channels {
		keys[c.Label()] = true
	}
	for _, st := range cases.Statuses {
		keys[st.Label()] = true
	}
	for _, l := range cases.MediationLevels {
		keys[l.Label()+"级"] = true
	}
	for _, l := range []cases.IntensityLevel{cases.IntensityGreen, cases.IntensityAmber, cases.IntensityRed} {
		keys[l.Label()] = true
	}
	for _, st := range cases.FactStatuses {
		keys[st.Label()] = true
	}
	for _, n := range cases.StepNames {
		keys[n] = true
	}
	keys[cases.EscalationRuleLabel(cases.RuleCollective)] = true
	if len(keys) < 10 {
		t.Fatalf("found only %d strings; is the pattern right?", len(keys))
	}
	for _, lang := range []string{"en", "zh_Hans"} {
		b, err := os.ReadFile(filepath.Join("..", "assets", "translations", lang+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var tr map[string]string
		if err := json.Unmarshal(b, &tr); err != nil {
			t.Fatalf("%s.json: %v", lang, err)
		}
		for k := range keys {
			if tr[k] == "" {
				t.Errorf("%s.json lacks %q", lang, k)
			}
		}
	}
}
