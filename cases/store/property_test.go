package store

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
)

// TestRandomHistoriesProjectLikeApply appends random but valid histories —
// supersedes, splits, links and unlinks and relinks, status and order
// changes, evidence dates set and cleared, automatic escalations,
// withdrawals, reschedules, dissatisfied follow-ups — in random batch sizes, and checks that the
// SQL projections equal cases.Apply's replay of the log (Verify) and that
// each case loads as its replay.
func TestRandomHistoriesProjectLikeApply(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 2))
	t.Logf("seed %d", seed)
	var ids []uuid.UUID
	for c := 0; c < 40; c++ {
		h := newHistory(rng)
		evs := h.events(t, 30+rng.IntN(40))
		ids = append(ids, h.id)
		for len(evs) > 0 {
			n := min(len(evs), 1+rng.IntN(12))
			if _, err := s.Append(ctx, evs[:n]...); err != nil {
				t.Fatalf("seed %d: case %d: %v", seed, c, err)
			}
			evs = evs[n:]
		}
	}
	if _, err := s.Verify(ctx, nil); err != nil {
		t.Fatalf("seed %d: %v", seed, err)
	}
	for _, id := range ids {
		loadsAsReplay(t, s, id)
	}
}

// history builds one case's events, tracking what exists and the
// versions of mutable fields so that every event is valid.
type history struct {
	rng       *rand.Rand
	id        uuid.UUID
	c         cases.Case // the state so far, by cases.Apply
	evidence  []uuid.UUID
	followUps []uuid.UUID
}

func newHistory(rng *rand.Rand) *history {
	return &history{rng: rng, id: uuid.Must(uuid.NewV7())}
}

func (h *history) events(t *testing.T, n int) []cases.Event {
	t.Helper()
	var out []cases.Event
	add := func(p cases.Payload, base int64) {
		e, err := cases.NewEvent(h.id, p)
		if err != nil {
			t.Fatalf("%T: %v", p, err)
		}
		e.BaseVersion = base
		// Apply to the local state with stand-in envelope fields, only
		// to know what exists next.
		probe := e
		probe.ID, probe.At, probe.Actor = uuid.Must(uuid.NewV7()), time.Now(), "x"
		if err := cases.Apply(&h.c, probe); err != nil {
			t.Fatalf("%T: %v", p, err)
		}
		out = append(out, e)
	}
	add(&cases.Opened{Channel: cases.Channels[h.rng.IntN(4)], Category: "噪音", Summary: "夜间施工噪音"}, 0)
	pick := func(ids []uuid.UUID) uuid.UUID { return ids[h.rng.IntN(len(ids))] }
	currentFacts := func() []uuid.UUID {
		var ids []uuid.UUID
		for _, f := range h.c.CurrentFacts() {
			ids = append(ids, f.ID)
		}
		return ids
	}
	for len(out) < n {
		facts := currentFacts()
		switch k := h.rng.IntN(16); {
		case k < 3 || len(facts) == 0:
			add(&cases.FactAdd{FactID: uuid.Must(uuid.NewV7()), Text: "事实" + uuid.NewString()[:4], Status: cases.FactStatuses[h.rng.IntN(3)], Order: h.rng.Float64()}, 0)
		case k == 3: // edit or split
			old := pick(facts)
			for i := 0; i < 1+h.rng.IntN(2); i++ {
				add(&cases.FactAdd{FactID: uuid.Must(uuid.NewV7()), Text: "改" + uuid.NewString()[:4], Status: cases.FactPending, Order: h.rng.Float64(), Supersedes: []uuid.UUID{old}}, 0)
			}
		case k == 4:
			f := h.c.Fact(pick(facts))
			add(&cases.FactStatusChange{FactID: f.ID, Status: cases.FactStatuses[h.rng.IntN(3)]}, f.Versions.Status)
		case k == 5:
			f := h.c.Fact(pick(facts))
			add(&cases.FactMove{FactID: f.ID, Order: h.rng.Float64() * 10}, f.Versions.Order)
		case k == 6:
			id := uuid.Must(uuid.NewV7())
			h.evidence = append(h.evidence, id)
			add(&cases.EvidenceAdd{EvidenceID: id, SHA256: "ab" + uuid.NewString()[:0] + "cdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
				FileName: "证据.jpg", MediaType: "image/jpeg", Size: 10, Facts: []uuid.UUID{pick(facts), pick(facts)}}, 0)
		case k == 7 && len(h.evidence) > 0:
			if h.rng.IntN(3) == 0 {
				e := h.c.Evidence[h.rng.IntN(len(h.c.Evidence))]
				add(&cases.EvidenceDate{EvidenceID: e.ID, Date: []string{"", "2018-03-15", "2019-05-01"}[h.rng.IntN(3)]}, e.Versions.Date)
			} else {
				add(&cases.EvidenceLink{EvidenceID: pick(h.evidence), FactID: pick(facts)}, 0)
			}
		case k == 8 && len(h.evidence) > 0:
			add(&cases.EvidenceUnlink{EvidenceID: pick(h.evidence), FactID: pick(facts)}, 0)
		case k == 9:
			add(&cases.StatusChanged{Status: cases.Statuses[h.rng.IntN(len(cases.Statuses))]}, h.c.Versions.Status)
		case k == 10:
			if h.rng.IntN(3) == 0 {
				triggers := make([]uuid.UUID, 1+h.rng.IntN(5))
				for i := range triggers {
					triggers[i] = uuid.Must(uuid.NewV7())
				}
				add(&cases.Escalated{Level: cases.EscalatedLevel(h.c.MediationLevel), Rule: cases.RuleCollective, Triggers: triggers,
					Reason: []string{"", "相似集体访"}[h.rng.IntN(2)]}, h.c.Versions.MediationLevel)
			} else {
				add(&cases.LevelChanged{Level: cases.MediationLevels[h.rng.IntN(4)]}, h.c.Versions.MediationLevel)
			}
		case k == 11:
			id := uuid.Must(uuid.NewV7())
			h.followUps = append(h.followUps, id)
			add(&cases.FollowUpSchedule{FollowUpID: id, Kind: cases.FollowUpKinds[h.rng.IntN(3)], Due: time.Now().Add(time.Duration(h.rng.IntN(1000)) * time.Hour)}, 0)
		case k == 12 && len(h.followUps) > 0:
			if h.rng.IntN(2) == 0 {
				add(&cases.FollowUpReschedule{FollowUpID: pick(h.followUps), Due: time.Now().Add(72 * time.Hour)}, 0)
			} else {
				add(&cases.FollowUpComplete{FollowUpID: pick(h.followUps), Outcome: "已回访", Satisfaction: cases.Satisfactions[h.rng.IntN(3)]}, 0)
			}
		case k == 13:
			switch h.rng.IntN(6) {
			case 0:
				add(&cases.Assigned{Assignee: []string{"", "李科长", "王主任"}[h.rng.IntN(3)]}, h.c.Versions.Assignee)
			case 1:
				add(&cases.CategoryChanged{Category: []string{"噪音", "环境污染"}[h.rng.IntN(2)]}, h.c.Versions.Category)
			case 2:
				add(&cases.Revised{Channel: cases.ChannelLetter, Summary: "补充：" + uuid.NewString()[:6], Signers: h.rng.IntN(30)}, 0)
			case 3:
				add(&cases.Numbered{Number: "XF2026" + uuid.NewString()[:6]}, 0)
			case 4:
				score := h.rng.IntN(101)
				add(&cases.IntensityScored{Score: score, Level: cases.LevelForIntensity(score)}, 0)
			default:
				add(&cases.NoteAdd{NoteID: uuid.Must(uuid.NewV7()), Text: "备注" + uuid.NewString()[:4]}, 0)
			}
		default:
			p := uuid.Must(uuid.NewV7())
			add(&cases.PartyAdd{PartyID: p, Role: cases.Roles[h.rng.IntN(len(cases.Roles))], Name: "张三"}, 0)
			if h.rng.IntN(3) == 0 {
				add(&cases.PartyWithdraw{PartyID: p}, 0)
			}
			add(&cases.StepProgress{Step: 1 + h.rng.IntN(7), Done: h.rng.IntN(2) == 0}, 0)
			for k := h.rng.IntN(3); k > 0; k-- {
				arts := []string{"xfgztl/34", "xfgztl/35", "tdglf/48"}
				add(&cases.ArticlePin{Article: arts[h.rng.IntN(len(arts))], Title: "第" + uuid.NewString()[:2] + "条", Pinned: h.rng.IntN(3) > 0}, 0)
			}
			for k := h.rng.IntN(4); k > 0; k-- {
				items := []string{"圆桌", "撤桌牌", "递水", "方言/语速"}
				add(&cases.StepCheck{Step: 1 + h.rng.IntN(2), Item: items[h.rng.IntN(len(items))], Checked: h.rng.IntN(3) > 0}, 0)
			}
		}
	}
	return out
}
