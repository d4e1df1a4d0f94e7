package demo

import (
	"math/rand/v2"
	"slices"
	"sort"
	"time"
)

// chinaZone is China Standard Time (UTC+8, no daylight saving), where the
// desk's working hours are.
var chinaZone = time.FixedZone("CST", 8*60*60)

// generator holds what is decided once per run.
type generator struct {
	opts         Options
	start, until time.Time
	blobs        [3][]blob
	opens        []int64 // opening times of the cases, Unix ms, ascending
	members      map[int]memberRef
	clusters     []clusterPlan
	official     map[int]int // year → last official serial handed out
	monthWeights [12][]int   // category weights by month of the year
	// matters are the clusters' matters (see reserved): no other case
	// is about one of them.
	matters map[string]bool
}

type memberRef struct{ cluster, pos int }

// clusterPlan is a planted cluster: one matter, several cases.
type clusterPlan struct {
	cat        *compiledCategory
	v          vals // the shared matter: place, firm, project, respondent
	person     bool // the respondent is a person
	cases      []int
	collective []bool
	templates  []int    // summary template of each member
	summaries  []string // summaries written so far, kept distinct
}

func newGenerator(opts Options) *generator {
	until := opts.Until.UTC().Truncate(time.Millisecond)
	g := &generator{
		opts: opts, until: until, start: until.Add(-Span),
		members: map[int]memberRef{}, official: map[int]int{}, matters: map[string]bool{},
	}
	for m := range g.monthWeights {
		w := make([]int, len(cats))
		for i, c := range cats {
			w[i] = c.weight * 10
			switch {
			case c.name == "拖欠工资" && (m == 0 || m == 11):
				w[i] *= 3 // before the Spring Festival
			case c.name == "祖坟" && (m == 2 || m == 3):
				w[i] = w[i] * 5 / 2 // around Qingming
			case c.name == "噪音" && m >= 5 && m <= 7:
				w[i] = w[i] * 3 / 2 // summer nights
			}
		}
		g.monthWeights[m] = w
	}
	return g
}

// plan draws the opening times of all cases and places the clusters.
func (g *generator) plan() {
	r := g.stream(streamPlan, 0)
	n := g.opts.Cases
	g.opens = make([]int64, n)
	for i := range g.opens {
		g.opens[i] = g.openingTime(r).UnixMilli()
	}
	slices.Sort(g.opens)
	g.placeClusters(r)
}

// openingTime draws when a case is opened: mostly working hours on
// working days, China time.
func (g *generator) openingTime(r *rand.Rand) time.Time {
	startDay := time.Date(g.start.In(chinaZone).Year(), g.start.In(chinaZone).Month(), g.start.In(chinaZone).Day(), 0, 0, 0, 0, chinaZone)
	days := int(g.until.Sub(startDay).Hours()/24) + 1
	for {
		day := startDay.AddDate(0, 0, r.IntN(days))
		if wd := day.Weekday(); (wd == time.Saturday || wd == time.Sunday) && r.IntN(5) > 0 {
			continue
		}
		var minute int
		switch p := r.IntN(100); {
		case p < 48:
			minute = 8*60 + 30 + r.IntN(200) // morning
		case p < 90:
			minute = 14*60 + r.IntN(210) // afternoon
		default:
			minute = 7*60 + r.IntN(15*60) // online and phone, any time of day
		}
		t := day.Add(time.Duration(minute)*time.Minute + time.Duration(r.IntN(60000))*time.Millisecond)
		if t.Before(g.start) || t.After(g.until.Add(-2*time.Hour)) {
			continue
		}
		return t.UTC()
	}
}

// clusterCount is how many clusters N cases get: one per 500 cases, at
// least 3 from 50 cases on.
func clusterCount(n int) int {
	k := n / 500
	switch {
	case n >= 50 && k < 3:
		k = 3
	case n < 50:
		k = n / 20
	}
	return k
}

// placeClusters picks each cluster's matter and its member cases, spread
// over months.
func (g *generator) placeClusters(r *rand.Rand) {
	n := g.opts.Cases
	k := clusterCount(n)
	var collective []*compiledCategory
	for i := range cats {
		if cats[i].collective {
			collective = append(collective, &cats[i])
		}
	}
	order := r.Perm(len(collective))
	taken := make([]bool, n)
	for c := 0; c < k; c++ {
		cr := g.stream(streamCluster, uint64(c))
		p := clusterPlan{cat: collective[order[c%len(collective)]]}
		size := min(4+cr.IntN(5), n/k)
		gaps := make([]int64, size)
		var span int64
		for j := 1; j < size; j++ {
			gaps[j] = int64(18+cr.IntN(55)) * 24 * 3600 * 1000 // 18–72 days apart
			span += gaps[j]
		}
		first, last := g.opens[0], g.opens[n-1]
		anchor := first
		if last-first > span {
			anchor += cr.Int64N(last - first - span)
		}
		t := anchor
		for j := 0; j < size; j++ {
			t += gaps[j]
			i := nearestFree(g.opens, taken, t)
			if i < 0 {
				break
			}
			taken[i] = true
			p.cases = append(p.cases, i)
		}
		sort.Ints(p.cases)
		// Even-numbered clusters carry three or more collective petitions
		// (screening escalates them); odd-numbered ones two at most.
		nc := cr.IntN(3)
		if c%2 == 0 {
			nc = min(3+cr.IntN(3), len(p.cases))
		}
		p.collective = make([]bool, len(p.cases))
		for _, j := range cr.Perm(len(p.cases))[:min(nc, len(p.cases))] {
			p.collective[j] = true
		}
		tmpl := cr.Perm(len(p.cat.clusterSummaries))
		for j := range p.cases {
			p.templates = append(p.templates, p.cat.clusterSummaries[tmpl[j%len(tmpl)]])
		}
		for try := 0; ; try++ {
			p.v, p.person = g.matter(cr, p.cat, time.UnixMilli(g.opens[p.cases[0]]))
			if try == 8 || !g.reserved(p.cat, &p.v) {
				break
			}
		}
		for _, k := range matterKeys(p.cat, &p.v) {
			g.matters[k] = true
		}
		for j, i := range p.cases {
			g.members[i] = memberRef{cluster: c, pos: j}
		}
		g.clusters = append(g.clusters, p)
	}
}

// nearestFree finds the case opened nearest to t that is not yet in a
// cluster; -1 if none is left.
func nearestFree(opens []int64, taken []bool, t int64) int {
	i := sort.Search(len(opens), func(i int) bool { return opens[i] >= t })
	lo, hi := i-1, i
	for lo >= 0 || hi < len(opens) {
		if hi < len(opens) && !taken[hi] && (lo < 0 || taken[lo] || opens[hi]-t <= t-opens[lo]) {
			return hi
		}
		if lo >= 0 && !taken[lo] {
			return lo
		}
		lo--
		hi++
	}
	return -1
}

// matter fills the values a cluster's cases share: where, who, what.
func (g *generator) matter(r *rand.Rand, c *compiledCategory, t time.Time) (vals, bool) {
	var v vals
	fillValues(r, &v, c, t)
	// The first body named in the category is the usual one: the village
	// committee for land, the firm for wages and pollution.
	for _, rs := range c.respondents {
		if !rs.person && !rs.shop {
			v[sRespondent] = rs.t.text(&v, r)
			return v, false
		}
	}
	v[sRespondent] = v[sNeighbor]
	return v, true
}

// matterKeys are what makes a case about a matter: its category with its
// village, and the firm and project it may name.
func matterKeys(c *compiledCategory, v *vals) [3]string {
	return [3]string{c.name + "|" + v[sVillage], "firm|" + v[sCompany], "project|" + v[sProject]}
}

// reserved reports whether values v of a case of category c are about a
// cluster's matter. Cases outside a cluster are kept off the clusters'
// matters, so that a cluster holds every case about its matter: the
// planted clusters are then a true answer key for breadth screening's
// recall, not one blurred by unplanned cases about the same thing.
func (g *generator) reserved(c *compiledCategory, v *vals) bool {
	for _, k := range matterKeys(c, v) {
		if g.matters[k] {
			return true
		}
	}
	return false
}

// matterSlots are the values cluster members share.
var matterSlots = []slot{sTown, sVillage, sCompany, sProject, sYear, sMonth, sPrice, sRespondent, sRiver, sShop, sDept, sNeighbor, sDistance, sSide, sRoad, sPhase, sFloors, sGap}
