package main

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
)

// The desk's breadth screening on a real store: three earlier collective
// petitions from one village against one firm are the new case's similar
// cases, and the collective rule escalates it to the county, naming them;
// a case stored after the index was built is found (the index catches up
// with the store); an unrelated case is not escalated.
func TestDeskSimilarEscalates(t *testing.T) {
	ctx := context.Background()
	s := openDesk(t)
	now := time.Now().UTC()
	add := func(at time.Time, category, summary string, signers int, village, respondent string) uuid.UUID {
		t.Helper()
		cid := uuid.Must(uuid.NewV7())
		ps := []cases.Payload{
			&cases.Opened{Channel: cases.ChannelVisit, Category: category, Summary: summary, Signers: signers},
			&cases.PartyAdd{PartyID: uuid.Must(uuid.NewV7()), Role: cases.RoleRepresentative, Name: "代表" + summary[:3], Village: village},
			&cases.PartyAdd{PartyID: uuid.Must(uuid.NewV7()), Role: cases.RoleRespondent, Name: respondent},
		}
		var evs []cases.Event
		for _, p := range ps {
			e, err := cases.NewEvent(cid, p)
			if err != nil {
				t.Fatal(err)
			}
			e.At = at
			evs = append(evs, e)
		}
		if _, err := s.Append(ctx, evs...); err != nil {
			t.Fatal(err)
		}
		return cid
	}
	// Unrelated cases, so that a village and a firm are rare terms.
	for i := 0; i < 30; i++ {
		add(now.AddDate(0, -i, -3), []string{"噪音", "其他", "环境污染"}[i%3], "邻居违建挡住采光，请求拆除。", 1, []string{"东山村", "石桥村", "柳河村"}[i%3], "邻居"+string(rune('甲'+i)))
	}
	var earlier []uuid.UUID
	for i, text := range []string{
		"凤形村三十六户村民联名反映：华盛化工厂向小河偷排废水，鱼塘的鱼大量死亡。",
		"华盛化工夜间焚烧废料，刺鼻气味飘进凤形村，二十户村民联名要求关停。",
		"凤形村村民集体反映华盛化工的粉尘污染，庄稼叶子上全是灰。",
	} {
		earlier = append(earlier, add(now.AddDate(0, -6+i, 0), "环境污染", text, 20+i, "凤形村", "华盛化工有限公司"))
	}
	d := &deskSimilar{s: s}
	d.Warm(ctx) // built before the new case is stored
	id := add(now, "环境污染", "华盛化工有限公司排污问题一直没有解决，凤形村十五户再次联名反映。", 15, "凤形村", "华盛化工有限公司")
	c, err := s.Case(ctx, id)
	if err != nil {
		t.Fatal(err)
	}

	sim, err := d.Similar(ctx, c, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []uuid.UUID
	for _, m := range sim[:min(3, len(sim))] {
		got = append(got, m.ID)
		if !m.Collective || m.Number == "" || len(m.Why) == 0 {
			t.Errorf("similar case %+v: want collective, numbered, explained", m)
		}
	}
	slices.SortFunc(got, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	if !slices.Equal(got, earlier) {
		t.Fatalf("best three similar cases %v, want the three earlier petitions %v", got, earlier)
	}

	p, err := d.Escalation(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if p == nil {
		t.Fatalf("the collective rule did not escalate the case; similar: %+v", sim)
	}
	trig := slices.Clone(p.Triggers)
	slices.SortFunc(trig, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	if p.Level != cases.LevelCounty || p.Rule != cases.RuleCollective || !slices.Equal(trig, earlier) {
		t.Errorf("escalation %+v, want to the county, triggered by %v", p, earlier)
	}
	if err := p.Validate(); err != nil {
		t.Errorf("the escalation does not validate: %v", err)
	}

	plain := add(now, "其他", "小区物业乱收停车费。", 1, "石桥村", "物业公司")
	pc, _ := s.Case(ctx, plain)
	if p, err := d.Escalation(ctx, pc); err != nil || p != nil {
		t.Errorf("an unrelated case: %+v, %v", p, err)
	}
}
