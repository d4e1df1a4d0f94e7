package demo

import (
	"strings"

	"jiefang/cases"
)

// compiledCategory is a category with its templates compiled.
type compiledCategory struct {
	*category
	index       int
	respondents []respondent
	summaries   []tpl
	topics      []topics // of each summary
	// clusterSummaries are the summaries that name the shared matter (a
	// firm, a project or a village), usable for planted clusters.
	clusterSummaries []int
	facts            []factTpl
	notes            []tpl
	outcomes         []tpl
	outcomeTopics    []topics
	evidenceTopics   []topics
	refusal          tpl
	groupPrefix      []tpl
}

// topics is a set of topic letters a–z; the empty set fits everything.
type topics uint32

// fits reports whether an item about t suits a summary about s.
func (t topics) fits(s topics) bool { return t == 0 || s == 0 || t&s != 0 }

// parseTopics splits a leading "#abc " off a text.
func parseTopics(s string) (topics, string) {
	if !strings.HasPrefix(s, "#") {
		return 0, s
	}
	tags, rest, ok := strings.Cut(s[1:], " ")
	if !ok || tags == "" {
		panic("demo: malformed topic tags in " + s)
	}
	return topicSet(tags), rest
}

func topicSet(tags string) topics {
	var t topics
	for _, c := range tags {
		if c < 'a' || c > 'z' {
			panic("demo: topic tags are letters a–z: " + tags)
		}
		t |= 1 << (c - 'a')
	}
	return t
}

type respondent struct {
	t      tpl
	person bool // a person (the {邻居} slot), not a body
	shop   bool
}

type factTpl struct {
	t      tpl
	status cases.FactStatus
	topics topics
}

var (
	cats                                             = compileCategories()
	catByName                                        = indexCategories(cats)
	tGenericNotes, tProgressNotes, tReopenNotes      = compileAll(genericNotes...), compileAll(progressNotes...), compileAll(reopenNotes...)
	tCall, tVisit                                    = compileAll(callOutcomes...), compileAll(visitOutcomes...)
	tSatisfied, tMostly, tDissatisfied               = compileAll(satisfiedOutcome...), compileAll(mostlyOutcome...), compileAll(dissatisfiedOut...)
	tLookProgress                                    = compileAll(progressLookBack...)
	tRefusals, tAccept, tStart                       = compileAll(refusals...), compileAll(acceptReasons...), compileAll(startReasons...)
	tGenericOutcomes, tSupplements, tCollectivePrefs = compileAll(genericOutcomes...), compileAll(supplements...), compileAll(collectivePrefix...)
	tLevelUp                                         = compileLevelReasons()
)

func compileCategories() []compiledCategory {
	out := make([]compiledCategory, len(categorySpecs))
	for i := range categorySpecs {
		c := &categorySpecs[i]
		cc := compiledCategory{category: c, index: i, notes: compileAll(c.notes...)}
		for _, s := range c.summaries {
			t, body := parseTopics(s)
			cc.summaries, cc.topics = append(cc.summaries, compile(body)), append(cc.topics, t)
		}
		for _, s := range c.outcomes {
			t, body := parseTopics(s)
			cc.outcomes, cc.outcomeTopics = append(cc.outcomes, compile(body)), append(cc.outcomeTopics, t)
		}
		for _, e := range c.evidence {
			cc.evidenceTopics = append(cc.evidenceTopics, topicSet(e.tags))
		}
		for _, r := range c.respondents {
			person := strings.HasPrefix(r, "人:")
			cc.respondents = append(cc.respondents, respondent{t: compile(strings.TrimPrefix(r, "人:")), person: person, shop: strings.Contains(r, "{店}")})
		}
		for _, f := range c.facts {
			st := map[string]cases.FactStatus{"实": cases.FactConfirmed, "待": cases.FactPending, "争": cases.FactDisputed}
			prefix, body, ok := strings.Cut(f, ":")
			if _, known := st[prefix]; !ok || !known {
				panic("demo: fact template without 实:/待:/争: prefix: " + f)
			}
			t, body := parseTopics(body)
			cc.facts = append(cc.facts, factTpl{t: compile(body), status: st[prefix], topics: t})
		}
		cc.groupPrefix = compileAll(c.groupPrefix...)
		if len(cc.groupPrefix) == 0 {
			cc.groupPrefix = tCollectivePrefs
		}
		if c.refusal != "" {
			cc.refusal = compile(c.refusal)
		}
		for j, t := range cc.summaries {
			if t.uses(sCompany) || t.uses(sProject) {
				cc.clusterSummaries = append(cc.clusterSummaries, j)
			}
		}
		if len(cc.clusterSummaries) < 4 {
			for j, t := range cc.summaries {
				if t.uses(sVillage) && !t.uses(sCompany) && !t.uses(sProject) {
					cc.clusterSummaries = append(cc.clusterSummaries, j)
				}
			}
		}
		out[i] = cc
	}
	return out
}

func indexCategories(cs []compiledCategory) map[string]*compiledCategory {
	m := make(map[string]*compiledCategory, len(cs))
	for i := range cs {
		m[cs[i].name] = &cs[i]
	}
	return m
}

func compileLevelReasons() map[cases.MediationLevel][]tpl {
	m := make(map[cases.MediationLevel][]tpl, len(levelUpReasons))
	for l, rs := range levelUpReasons {
		m[l] = compileAll(rs...)
	}
	return m
}

// uses reports whether the template refers to slot s.
func (t tpl) uses(s slot) bool {
	for _, g := range t {
		if g.kind == segSlot && g.slot == s {
			return true
		}
	}
	return false
}

// Categories lists the category names the demo writes, in a fixed order.
func Categories() []string {
	out := make([]string, len(cats))
	for i, c := range cats {
		out[i] = c.name
	}
	return out
}
