package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
)

// The home screen's filters narrow the list, and 今日待办 lists today's
// and overdue follow-ups, overdue first and marked with a word.
func TestHomeFiltersAndAgenda(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	ctx := context.Background()
	now := time.Now()
	later := now.Add(cases.EndOfDay(now).Sub(now) / 2) // later today, in China time
	mk := func(summary string, status cases.FactStatus, due time.Time) uuid.UUID {
		id := addCase(t, s, summary)
		f, _ := cases.NewEvent(id, &cases.FactAdd{FactID: newID(t), Text: "事实", Status: status})
		u, _ := cases.NewEvent(id, &cases.FollowUpSchedule{FollowUpID: newID(t), Kind: cases.FollowUpCall, Due: due})
		if _, err := s.Append(ctx, f, u); err != nil {
			t.Fatal(err)
		}
		return id
	}
	overdue := mk("补偿款未到位", cases.FactDisputed, now.Add(-50*time.Hour))
	mk("邻居建房挡光", cases.FactPending, later)
	mk("社保断缴", cases.FactConfirmed, now.Add(10*24*time.Hour))

	ui := newTestUI()
	h := newHomeScreen(w, Deps{Cases: s, DeviceCode: "QS01"})
	h.ui = ui.do
	var opened []uuid.UUID
	h.open = func(id uuid.UUID, _ string) { opened = append(opened, id) }
	w.SetContent(h.content())
	h.refresh()
	ui.settle(&h.busy)
	if len(h.rows) != 3 {
		t.Fatalf("%d rows without filters", len(h.rows))
	}
	if len(h.agenda.items) != 2 || !h.agenda.items[0].Overdue || h.agenda.items[0].Summary != "补偿款未到位" || h.agenda.items[1].Overdue {
		t.Fatalf("agenda %+v", h.agenda.items)
	}
	if got := agendaWhen(h.agenda.items[0], now); !strings.HasPrefix(got, "逾期2天 · 电话回访") {
		t.Errorf("overdue row says %q", got)
	}
	if got := agendaWhen(h.agenda.items[1], now); !strings.HasPrefix(got, "今日 · 电话回访") {
		t.Errorf("today's row says %q", got)
	}
	if !strings.Contains(h.agenda.title.Text, "2") || !strings.Contains(h.agenda.title.Text, "逾期 1") {
		t.Errorf("agenda title %q", h.agenda.title.Text)
	}

	for _, c := range []struct {
		sel  func()
		want string
	}{
		{func() { h.filters.facts.SetSelected("有存争议") }, "补偿款未到位"},
		{func() { h.filters.facts.SetSelected("有待核实") }, "邻居建房挡光"},
		{func() {
			h.filters.facts.SetSelected("全部事实卡片")
			h.filters.followUps.SetSelected("已逾期")
		}, "补偿款未到位"},
	} {
		c.sel()
		ui.settle(&h.busy)
		if len(h.rows) != 1 || h.rows[0].Summary != c.want {
			t.Errorf("filtered to %d rows %+v, want only %s", len(h.rows), h.rows, c.want)
		}
	}
	h.filters.followUps.SetSelected("今日到期")
	h.filters.status.SetSelected(cases.StatusConcluded.Label())
	ui.settle(&h.busy)
	if len(h.rows) != 0 || h.empty.Text != "没有符合筛选条件的案件。" {
		t.Errorf("no match: %d rows, empty text %q", len(h.rows), h.empty.Text)
	}
	// Tapping an agenda row opens its case.
	h.agenda.list.Select(0)
	if len(opened) != 1 || opened[0] != overdue {
		t.Errorf("tapping the overdue follow-up opened %v", opened)
	}
}

func TestStatusLineCountsFilteredCases(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	addCase(t, s, "补偿款未到位")
	ui := newTestUI()
	h := newHomeScreen(w, Deps{Cases: s, DeviceCode: "QS01"})
	h.ui = ui.do
	w.SetContent(h.content())
	h.filters.facts.SetSelected("有存争议")
	ui.settle(&h.busy)
	if !strings.Contains(h.status.Text, "符合筛选的 0 件") {
		t.Errorf("status line %q", h.status.Text)
	}
}

// The list reads more as it is scrolled towards its end: every case once,
// most recently changed first, however many there are.
func TestListPagesAsItScrolls(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	ctx := context.Background()
	s.SetActor(ctx, "王芳")
	var evs []cases.Event
	for i := 0; i < 130; i++ {
		e, _ := cases.NewEvent(newID(t), &cases.Opened{Channel: cases.ChannelVisit, Category: "噪音", Summary: "夜间施工噪音"})
		evs = append(evs, e)
	}
	if _, err := s.Append(ctx, evs...); err != nil {
		t.Fatal(err)
	}
	ui := newTestUI()
	h := newHomeScreen(w, Deps{Cases: s, DeviceCode: "QS01"})
	h.ui, h.page = ui.do, 50
	w.SetContent(h.content())
	h.refresh()
	ui.settle(&h.busy)
	if len(h.rows) != 50 || !h.more {
		t.Fatalf("first page: %d rows, more %v", len(h.rows), h.more)
	}
	if !strings.Contains(h.status.Text, "最近更新的 50 件（向下滚动看更多）") {
		t.Errorf("status line with more to read: %q", h.status.Text)
	}
	for pages := 0; h.more && pages < 10; pages++ {
		h.list.UpdateItem(len(h.rows)-1, h.list.CreateItem()) // the last row comes into view
		ui.settle(&h.busy)
	}
	if len(h.rows) != 130 || h.more {
		t.Fatalf("after scrolling: %d rows, more %v", len(h.rows), h.more)
	}
	seen := map[uuid.UUID]bool{}
	for i, r := range h.rows {
		if seen[r.ID] {
			t.Fatalf("row %d repeats case %s", i, r.ID)
		}
		seen[r.ID] = true
		if i > 0 && r.UpdatedAt.After(h.rows[i-1].UpdatedAt) {
			t.Fatalf("row %d is newer than the row above it", i)
		}
	}
}
