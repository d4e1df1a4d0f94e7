package store

import (
	"context"
	"testing"

	"github.com/google/uuid"
)

func TestAcknowledgeShrinksAndSplitsTheOutbox(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	fullCase(t, s) // four appends
	pending, err := s.Pending(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := s.Stats(ctx)
	if int64(len(pending)) != st.Events || st.Outbox != st.Events {
		t.Fatalf("pending %d, stats %+v", len(pending), st)
	}
	for i := 1; i < len(pending); i++ {
		if pending[i].DeviceSeq != pending[i-1].DeviceSeq+1 {
			t.Fatal("pending events out of order")
		}
	}
	// Acknowledge the first, one in the middle of a range, and the last.
	mid := len(pending) / 2
	acked := []uuid.UUID{pending[0].ID, pending[mid].ID, pending[len(pending)-1].ID, uuid.Must(uuid.NewV7())}
	if err := s.Acknowledge(ctx, acked); err != nil {
		t.Fatal(err)
	}
	left, err := s.Pending(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != len(pending)-3 {
		t.Fatalf("%d left, want %d", len(left), len(pending)-3)
	}
	for _, e := range left {
		for _, a := range acked {
			if e.ID == a {
				t.Fatalf("acknowledged event %s still pending", a)
			}
		}
	}
	if st, _ := s.Stats(ctx); st.Outbox != int64(len(left)) {
		t.Errorf("stats outbox %d, pending %d", st.Outbox, len(left))
	}
	// Acknowledging again changes nothing; acknowledging the rest empties it.
	if err := s.Acknowledge(ctx, acked); err != nil {
		t.Fatal(err)
	}
	var rest []uuid.UUID
	for _, e := range left {
		rest = append(rest, e.ID)
	}
	if err := s.Acknowledge(ctx, rest); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.Stats(ctx); st.Outbox != 0 {
		t.Errorf("outbox %d after acknowledging everything", st.Outbox)
	}
	if _, err := s.Verify(ctx, nil); err != nil {
		t.Fatal(err)
	}
}
