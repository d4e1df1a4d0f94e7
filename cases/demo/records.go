package demo

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
)

// summary writes the case's summary; a collective petition says so up
// front. A summary repeating an earlier member of its cluster word for
// word is written again, up to ten times.
func (b *builder) summary(ti int, collective bool, cp *clusterPlan) string {
	var buf [512]byte
	for try := 0; ; try++ {
		s := buf[:0]
		if collective {
			s = pick2(b.r, b.c.groupPrefix).render(s, &b.v, b.r)
		}
		s = b.c.summaries[ti].render(s, &b.v, b.r)
		text := string(s)
		if cp == nil {
			return text
		}
		if try == 10 || !slices.Contains(cp.summaries, text) {
			cp.summaries = append(cp.summaries, text)
			return text
		}
	}
}

// respondent names who the case is about, fitting the summary: the
// person it names, the shop it names, or else a body.
func (b *builder) respondent(ti int, cp *clusterPlan) (name string, person bool) {
	if cp != nil {
		return cp.v[sRespondent], cp.person
	}
	t := b.c.summaries[ti]
	var pool [8]respondent
	n := 0
	for _, rs := range b.c.respondents {
		var fits bool
		switch {
		case t.uses(sNeighbor):
			fits = rs.person
		case t.uses(sShop):
			fits = rs.shop
		default:
			fits = !rs.person && !rs.shop
		}
		if fits && n < len(pool) {
			pool[n] = rs
			n++
		}
	}
	if n == 0 {
		rs := b.c.respondents[b.r.IntN(len(b.c.respondents))]
		return b.text(rs.t), rs.person
	}
	rs := pool[b.r.IntN(n)]
	return b.text(rs.t), rs.person
}

// petitioner makes the petitioner of the case.
func (b *builder) petitioner() cases.PartyAdd {
	minAge, maxAge := 28, 78
	switch b.c.name {
	case "祖坟":
		minAge, maxAge = 45, 85
	case "拖欠工资":
		minAge, maxAge = 20, 58
	case "社保":
		minAge, maxAge = 45, 75
	}
	away := (b.c.name == "拖欠工资" && b.chance(35)) || b.chance(2)
	p := newPerson(b.r, b.t0, minAge, maxAge, away)
	pa := cases.PartyAdd{Role: cases.RolePetitioner, Name: p.name, IDNumber: p.id, Phone: p.phone}
	if away {
		pa.Address = "暂住" + countyName + b.v[sTown] + "集镇" + itoa(1+b.r.IntN(200)) + "号"
	} else {
		pa.Address = countyName + b.v[sTown] + b.v[sVillage] + b.v[sGroup] + itoa(1+b.r.IntN(80)) + "号"
		pa.Village = b.v[sVillage]
	}
	if maxAge > 80 && b.chance(15) {
		pa.Phone = "" // an old person without a phone of their own
	}
	return pa
}

// villager makes another person of the case's village with role set
// later.
func (b *builder) villager(minAge, maxAge int) cases.PartyAdd {
	p := newPerson(b.r, b.t0, minAge, maxAge, false)
	return cases.PartyAdd{Name: p.name, IDNumber: p.id, Phone: p.phone, Village: b.v[sVillage],
		Address: countyName + b.v[sTown] + b.v[sVillage] + pick(b.r, groupNumerals) + itoa(1+b.r.IntN(80)) + "号"}
}

func withID(p cases.PartyAdd, id uuid.UUID, role cases.Role) *cases.PartyAdd {
	p.PartyID, p.Role = id, role
	return &p
}

// surnameOf returns the surname of a Chinese name.
func surnameOf(name string) string {
	if strings.HasPrefix(name, "欧阳") {
		return "欧阳"
	}
	for _, r := range name {
		return string(r)
	}
	return ""
}

// textBlobFor maps a text evidence kind to the pool file written for it
// (see paperText).
var textBlobFor = map[string]int{
	"补偿款领取收据": 0, "欠条": 1, "银行流水": 2, "工友证明": 3, "热线工单记录": 4, "噪声检测记录": 5,
	"过渡费发放记录": 6, "社保缴费记录": 7, "调解笔录": 8, "住院费用清单": 9, "房屋过户信息": 10,
	"出警回执": 11, "环保举报记录": 12,
}

// evidence records an item of evidence of kind k, with one of the pool's
// files.
func (b *builder) evidence(k evidenceKind, id uuid.UUID) *cases.EvidenceAdd {
	r := b.r
	pool := b.g.blobs[k.blob]
	bl := pool[r.IntN(len(pool))]
	if i, ok := textBlobFor[k.name]; ok && k.blob == blobText && i < len(pool) {
		bl = pool[i]
	}
	ev := &cases.EvidenceAdd{EvidenceID: id, SHA256: bl.sum, FileName: k.name + bl.ext, MediaType: bl.mediaType, Size: bl.size}
	if !b.chance(10) { // some papers and photos carry no date
		ev.DocumentDate = b.documentDate(k.old)
	}
	if len(b.facts) > 0 && b.chance(80) {
		f := b.facts[r.IntN(len(b.facts))]
		for _, g := range b.facts {
			if g.status == cases.FactConfirmed {
				f = g // evidence mostly backs what is confirmed
				break
			}
		}
		ev.Facts = []uuid.UUID{f.id}
	}
	return ev
}

// documentDate is the date on a paper or photo: in the year of the matter
// for old papers, in the weeks before the visit for recent ones.
func (b *builder) documentDate(old bool) string {
	visit := b.t0.In(chinaZone)
	var d time.Time
	if old {
		year, _ := strconv.Atoi(b.v[sYear])
		d = time.Date(year, time.Month(1+b.r.IntN(12)), 1+b.r.IntN(28), 0, 0, 0, 0, chinaZone)
	}
	if !old || !d.Before(visit) {
		d = visit.AddDate(0, 0, -b.r.IntN(90))
	}
	var buf [10]byte
	return string(d.AppendFormat(buf[:0], time.DateOnly))
}

// intensity draws the score of what the petitioner said: mostly calm,
// sometimes tense, seldom alarming; groups and graves run hotter.
func (b *builder) intensity(collective bool) int {
	red, amber := 3, 20
	if collective {
		red, amber = 12, 35
	}
	if b.c.name == "祖坟" || b.c.name == "拆迁安置" {
		red += 3
	}
	switch p := b.r.IntN(100); {
	case p < red:
		return 81 + b.r.IntN(18)
	case p < red+amber:
		return 50 + b.r.IntN(31)
	default:
		return 8 + b.r.IntN(42)
	}
}

func (b *builder) satisfaction(percentSatisfied int) cases.Satisfaction {
	if b.chance(percentSatisfied) {
		return cases.Satisfied
	}
	return cases.MostlySatisfied
}

// followUpActor is who makes a follow-up: mostly the receptionist who
// took the case.
func (b *builder) followUpActor() string {
	if b.chance(70) {
		return b.receiver
	}
	return pickStaff(b.r, receptionists, float64(b.t0.Sub(b.g.start))/float64(Span))
}

// officialNumber hands out the hub's next number for the year of t:
// XF, the year, six digits. Other desks' cases take numbers in between.
func (g *generator) officialNumber(r *rand.Rand, t time.Time) string {
	y := t.In(chinaZone).Year()
	g.official[y] += 1 + r.IntN(3)
	n := g.official[y]
	var d [6]byte
	for i := 5; i >= 0; i-- {
		d[i] = byte('0' + n%10)
		n /= 10
	}
	return "XF" + itoa(y) + string(d[:])
}
