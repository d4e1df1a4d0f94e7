package store

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"jiefang/cases"
)

// Events the hub refused leave the outbox for the rejected list, which
// names their case; the count agrees with the list.
func TestRejectMovesEventsOutOfTheOutbox(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	id := uuid.Must(uuid.NewV7())
	stored, err := s.Append(ctx, ev(t, id, &cases.Opened{Channel: cases.ChannelVisit, Category: "噪音", Summary: "夜间施工"}),
		ev(t, id, &cases.NoteAdd{NoteID: uuid.Must(uuid.NewV7()), Text: "已登记"}))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Reject(ctx, []Rejection{{EventID: stored[1].ID, Code: "bad_event", Message: "格式不对"}}); err != nil {
		t.Fatal(err)
	}
	n, err := s.RejectedCount(ctx)
	if err != nil || n != 1 {
		t.Fatalf("count %d %v", n, err)
	}
	list, err := s.Rejected(ctx)
	if err != nil || len(list) != 1 || list[0].EventID != stored[1].ID || list[0].CaseNumber == "" || list[0].Message != "格式不对" {
		t.Fatalf("list %+v %v", list, err)
	}
	pending, _ := s.Pending(ctx, 10)
	if len(pending) != 1 || pending[0].ID != stored[0].ID {
		t.Fatalf("outbox after the refusal: %d events", len(pending))
	}
}
