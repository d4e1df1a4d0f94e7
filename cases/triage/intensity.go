package triage

import (
	"fmt"
	"slices"
	"strings"

	"jiefang/cases"
)

// Intensity is the score of what a petitioner says or writes: 0–100,
// its band (red above 80, amber 50–80, green below 50), and the reasons,
// each with the words that fired it.
type Intensity struct {
	Score   int
	Level   cases.IntensityLevel
	Reasons []Reason
}

// Reason is one signal found in a text, with the words that fired it
// and the points it added. Words that did not count for their signal
// come as a reason of what cancelled them: 否认 (negated: 我不是来闹事的),
// with the points of a denial, or 他人所为或转述 (said of someone else),
// with none.
type Reason struct {
	Signal Signal
	Label  string // Chinese, e.g. 威胁暴力
	Words  []string
	Points int
}

// String is the reason as staff read it: 威胁暴力：炸、拼命（+85）.
func (r Reason) String() string {
	words := strings.Join(r.Words, "、")
	switch {
	case len(r.Words) == 0:
		return fmt.Sprintf("%s（%+d）", r.Label, r.Points)
	case r.Points == 0:
		return r.Label + "，不计分：" + words
	}
	return fmt.Sprintf("%s：%s（%+d）", r.Label, words, r.Points)
}

// Strings are the reasons as staff read them.
func (in Intensity) Strings() []string {
	out := make([]string, len(in.Reasons))
	for i, r := range in.Reasons {
		out[i] = r.String()
	}
	return out
}

// The reach of the words that cancel a signal word after them.
const (
	negationReach       = 6  // characters between a negator and the word
	singleNegationReach = 1  // for a one-character negator (不砸, 没去北京)
	othersReach         = 10 // for reported speech and what others did
	capScore            = 80 // the most a text without danger can score
	maxExtraWords       = 2  // further words of a signal add a quarter of its points each, up to this many
)

// blockers between a negator and a word make it a condition, not a
// negation: 不给说法就去…, 没办法只能去….
var blockers = [][]rune{[]rune("就"), []rune("便"), []rune("才"), []rune("只能"), []rune("只好"), []rune("只有"),
	[]rune("否则"), []rune("不然"), []rune("也要"), []rune("还要"), []rune("非要"), []rune("偏要")}

// A negator right after one of these starts a condition: 再不…, 如果不….
var conditionStarts = "再如果要是若假万"

// Scorer scores texts against a lexicon. It is built once and is safe
// for concurrent use.
type Scorer struct {
	defs []signalDef
	m    *matcher
	// the signals the rules name
	threat, selfHarm, veiled, disruption, escalation sigID
	collective, media, imminent, conditional, calm   sigID
	long, repeated, negation, others                 sigID
}

// NewScorer builds a scorer from lex.
func NewScorer(lex *Lexicon) *Scorer {
	id := func(s Signal) sigID { i, _ := sigOf(s); return i }
	return &Scorer{
		defs: slices.Clone(lex.defs), m: newMatcher(slices.Clone(lex.entries)),
		long: id(SignalLong), repeated: id(SignalRepeated), collective: id(SignalCollective),
		threat: id(SignalThreat), selfHarm: id(SignalSelfHarm), veiled: id(SignalVeiled),
		negation: id(SignalNegation), others: id(SignalOthers), conditional: id(SignalConditional),
		imminent: id(SignalImminent), calm: id(SignalCalm), escalation: id(SignalEscalation),
		disruption: id(SignalDisruption), media: id(SignalMedia),
	}
}

// Score scores text. The points of the reasons add up to the score,
// within 0–100: each signal found gives its points (its strongest word's
// points, and a quarter more for each further word, up to two); an
// ultimatum or a date (最后通牒, 行动在即) counts only beside a danger or
// an action; 咨询建议 takes points off unless there is a danger. Red
// needs a danger (violence, self-harm, a veiled threat) or an action
// (disruption, escalation beyond the county) together with another
// action, a collective, the media, a date or an ultimatum; otherwise the
// score stops at 80, and a reason says so.
func (s *Scorer) Score(text string) Intensity {
	rs := normalise(text) // one rune for each rune of text
	orig := []rune(text)
	ms := s.m.find(rs, make([]match, 0, 16))
	ms = s.findCounts(rs, ms)
	ms = dropExceptions(ms)

	// Cancel the signal words that a negator or reported speech precedes.
	var cancelled [2][]match // by negation, by others
	kept := ms[:0]
	for _, m := range ms {
		if c := s.cancelledBy(rs, m, ms); c >= 0 {
			cancelled[c] = append(cancelled[c], m)
			continue
		}
		kept = append(kept, m)
	}
	ms = dropOverlaps(kept)

	bySig := make([][]match, len(signals))
	for _, m := range ms {
		if signals[m.sig].role != roleSuppressor {
			bySig[m.sig] = append(bySig[m.sig], m)
		}
	}
	danger := len(bySig[s.threat]) > 0 || len(bySig[s.selfHarm]) > 0 || len(bySig[s.veiled]) > 0
	actions := 0
	for _, a := range []sigID{s.disruption, s.escalation} {
		if len(bySig[a]) > 0 {
			actions++
		}
	}
	// An ultimatum counts when a danger or an action follows it in the
	// same sentence; a date, when there is a danger or an action at all.
	var ultimatums []match
	for _, c := range bySig[s.conditional] {
		if s.followedByThreat(rs, c, bySig) {
			ultimatums = append(ultimatums, c)
		}
	}
	bySig[s.conditional] = ultimatums
	if !danger && actions == 0 {
		bySig[s.imminent] = nil
	}
	if danger {
		bySig[s.calm] = nil
	}
	redOpen := danger || actions > 0 && (actions > 1 || len(bySig[s.collective]) > 0 || len(bySig[s.media]) > 0 ||
		len(bySig[s.imminent]) > 0 || len(bySig[s.conditional]) > 0)

	var in Intensity
	var uncounted []Reason
	sum := 0
	for id, list := range bySig {
		if len(list) == 0 {
			continue
		}
		r := s.reason(sigID(id), orig, list)
		sum += r.Points
		in.Reasons = append(in.Reasons, r)
	}
	// A cancelled word does not count for its signal; the negation or
	// reported speech gives the points of its header, once.
	for c, sig := range []sigID{s.negation, s.others} {
		if len(cancelled[c]) == 0 {
			continue
		}
		r := Reason{Signal: signals[sig].name, Label: s.defs[sig].label, Words: words(orig, cancelled[c]), Points: s.defs[sig].weight}
		if r.Points == 0 {
			uncounted = append(uncounted, r)
			continue
		}
		sum += r.Points
		in.Reasons = append(in.Reasons, r)
	}
	slices.SortStableFunc(in.Reasons, func(a, b Reason) int { return b.Points - a.Points })
	if !redOpen && sum > capScore {
		in.Reasons = append(in.Reasons, Reason{Signal: SignalCap, Label: "未见暴力、自伤、隐含威胁或迫近的行动，最高80分", Points: capScore - sum})
		sum = capScore
	}
	in.Reasons = append(in.Reasons, uncounted...)
	in.Score = min(max(sum, 0), 100)
	in.Level = cases.LevelForIntensity(in.Score)
	return in
}

// reason sums the points of one signal's matches; its words are taken
// from the text as written.
func (s *Scorer) reason(id sigID, orig []rune, list []match) Reason {
	d := s.defs[id]
	ws := words(orig, list)
	best := 0
	for _, m := range list {
		p := d.weight
		if m.hasPoints {
			p = m.points
		}
		if abs(p) > abs(best) {
			best = p
		}
	}
	extra := min(len(ws)-1, maxExtraWords) * (d.weight / 4)
	return Reason{Signal: signals[id].name, Label: d.label, Words: ws, Points: best + extra}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// words are the distinct texts of ms, in the order they appear.
func words(rs []rune, ms []match) []string {
	slices.SortStableFunc(ms, func(a, b match) int { return a.start - b.start })
	var out []string
	for _, m := range ms {
		w := string(rs[m.start:m.end])
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// dropExceptions removes the exceptions, and the words of their signal
// that overlap them (砸 in 砸锅卖铁).
func dropExceptions(ms []match) []match {
	var ex []match
	for _, m := range ms {
		if m.except {
			ex = append(ex, m)
		}
	}
	if len(ex) == 0 {
		return ms
	}
	out := ms[:0]
next:
	for _, m := range ms {
		if m.except {
			continue
		}
		for _, x := range ex {
			if x.sig == m.sig && x.start < m.end && m.start < x.end {
				continue next
			}
		}
		out = append(out, m)
	}
	return out
}

// dropOverlaps keeps, of the matches of one signal that overlap, the
// longest (the first of equals): 好几趟, not 几趟 too.
func dropOverlaps(ms []match) []match {
	out := ms[:0]
next:
	for i, m := range ms {
		for j, o := range ms {
			if i == j || o.sig != m.sig || o.end <= m.start || m.end <= o.start {
				continue
			}
			lo, lm := o.end-o.start, m.end-m.start
			if lo > lm || lo == lm && (o.start < m.start || o.start == m.start && j < i) {
				continue next
			}
		}
		out = append(out, m)
	}
	return out
}

// cancelledBy says whether a negator (0) or reported speech (1) cancels
// m, or -1.
func (s *Scorer) cancelledBy(rs []rune, m match, ms []match) int {
	var byNeg, byOthers bool
	switch m.sig {
	case s.threat, s.disruption, s.escalation, s.collective, s.media:
		byNeg, byOthers = true, true
	case s.selfHarm:
		byNeg = true
	default:
		return -1
	}
	for _, c := range ms {
		if c.end > m.start {
			continue
		}
		gap := m.start - c.end
		switch {
		case c.sig == s.negation && byNeg:
			reach := negationReach
			if c.single {
				reach = singleNegationReach
			}
			if gap > reach || startsCondition(rs, c.start) || !plainBetween(rs, c.end, m.start) {
				continue
			}
			return 0
		case c.sig == s.others && byOthers:
			if gap > othersReach || !plainBetween(rs, c.end, m.start) {
				continue
			}
			return 1
		}
	}
	return -1
}

// startsCondition reports whether the negator at i follows 再, 如果, 要是…
func startsCondition(rs []rune, i int) bool {
	for k := max(0, i-2); k < i; k++ {
		if runeIn(rs[k], conditionStarts) {
			return true
		}
	}
	return false
}

// plainBetween reports whether rs[from:to] is in one clause and holds no
// blocker.
func plainBetween(rs []rune, from, to int) bool {
	for k := from; k < to; k++ {
		if isClauseEnd(rs[k]) {
			return false
		}
		for _, b := range blockers {
			if hasPrefixAt(rs[:to], k, b) {
				return false
			}
		}
	}
	return true
}

// followedByThreat reports whether a danger or an action starts after
// the condition c starts, in the same sentence.
func (s *Scorer) followedByThreat(rs []rune, c match, bySig [][]match) bool {
	for _, id := range []sigID{s.threat, s.selfHarm, s.veiled, s.disruption, s.escalation} {
		for _, m := range bySig[id] {
			if m.start > c.start && !slices.ContainsFunc(rs[c.start:m.start], isSentenceEnd) {
				return true
			}
		}
	}
	return false
}
