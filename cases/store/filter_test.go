package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
)

// The home screen's filters: by the state of a case's current fact cards
// and by its open follow-ups; and the 今日待办 agenda.
func TestListFiltersAndAgenda(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 28, 3, 0, 0, 0, time.UTC) // 11:00 in China
	mk := func(summary string, statuses []cases.FactStatus, dues ...time.Time) uuid.UUID {
		id := uuid.Must(uuid.NewV7())
		evs := []cases.Event{ev(t, id, &cases.Opened{Channel: cases.ChannelVisit, Category: "宅基地", Summary: summary})}
		var first uuid.UUID
		for i, st := range statuses {
			f := uuid.Must(uuid.NewV7())
			if i == 0 {
				first = f
			}
			evs = append(evs, ev(t, id, &cases.FactAdd{FactID: f, Text: "事实", Status: st, Order: float64(i)}))
		}
		if len(statuses) > 0 && summary == "争议已改写" {
			// The disputed card is superseded by a confirmed one: no longer current.
			evs = append(evs, ev(t, id, &cases.FactAdd{FactID: uuid.Must(uuid.NewV7()), Text: "改写", Status: cases.FactConfirmed, Supersedes: []uuid.UUID{first}}))
		}
		for i, d := range dues {
			evs = append(evs, ev(t, id, &cases.FollowUpSchedule{FollowUpID: uuid.Must(uuid.NewV7()), Kind: cases.FollowUpKinds[i], Due: d}))
		}
		if _, err := s.Append(ctx, evs...); err != nil {
			t.Fatal(err)
		}
		return id
	}
	disputed := mk("有争议", []cases.FactStatus{cases.FactConfirmed, cases.FactDisputed}, now.Add(-26*time.Hour))
	pending := mk("待核实", []cases.FactStatus{cases.FactPending}, now.Add(5*time.Hour))
	confirmed := mk("全部证实", []cases.FactStatus{cases.FactConfirmed, cases.FactConfirmed}, now.Add(12*time.Hour)) // 23:00 in China: still today
	rewritten := mk("争议已改写", []cases.FactStatus{cases.FactDisputed}, now.Add(30*24*time.Hour))
	empty := mk("没有卡片", nil)
	// A follow-up done does not count.
	doneFU := uuid.Must(uuid.NewV7())
	if _, err := s.Append(ctx, ev(t, empty, &cases.FollowUpSchedule{FollowUpID: doneFU, Kind: cases.FollowUpCall, Due: now.Add(-time.Hour)}),
		ev(t, empty, &cases.FollowUpComplete{FollowUpID: doneFU, Outcome: "已回访", Satisfaction: cases.Satisfied})); err != nil {
		t.Fatal(err)
	}
	ids := func(q cases.ListQuery) []uuid.UUID {
		t.Helper()
		q.Now = now
		ls, err := s.ListCases(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []uuid.UUID
		for _, l := range ls {
			out = append(out, l.ID)
		}
		slices.SortFunc(out, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
		return out
	}
	sorted := func(u ...uuid.UUID) []uuid.UUID {
		slices.SortFunc(u, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
		return u
	}
	for _, c := range []struct {
		name string
		q    cases.ListQuery
		want []uuid.UUID
	}{
		{"all", cases.ListQuery{}, sorted(disputed, pending, confirmed, rewritten, empty)},
		{"has disputed", cases.ListQuery{Facts: cases.FactsDisputed}, sorted(disputed)},
		{"has pending", cases.ListQuery{Facts: cases.FactsPending}, sorted(pending)},
		{"all confirmed", cases.ListQuery{Facts: cases.FactsAllConfirmed}, sorted(confirmed, rewritten)},
		{"due today", cases.ListQuery{FollowUps: cases.FollowUpsDueToday}, sorted(disputed, pending, confirmed)},
		{"overdue", cases.ListQuery{FollowUps: cases.FollowUpsOverdue}, sorted(disputed)},
		{"disputed and overdue", cases.ListQuery{Facts: cases.FactsDisputed, FollowUps: cases.FollowUpsOverdue}, sorted(disputed)},
		{"pending and overdue", cases.ListQuery{Facts: cases.FactsPending, FollowUps: cases.FollowUpsOverdue}, nil},
	} {
		if got := ids(c.q); !slices.Equal(got, c.want) {
			t.Errorf("%s: %d cases %v, want %d %v", c.name, len(got), got, len(c.want), c.want)
		}
	}
	if _, err := s.ListCases(ctx, cases.ListQuery{Facts: "maybe"}); err == nil {
		t.Error("an unknown filter was accepted")
	}

	agenda, err := s.Agenda(ctx, now, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(agenda) != 3 || agenda[0].CaseID != disputed || !agenda[0].Overdue || agenda[1].CaseID != pending || agenda[1].Overdue ||
		agenda[2].CaseID != confirmed || agenda[0].Summary != "有争议" || agenda[0].CaseNumber == "" || agenda[0].Kind != cases.FollowUpCall {
		t.Fatalf("agenda %+v", agenda)
	}
}
