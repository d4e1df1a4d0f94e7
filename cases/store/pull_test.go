package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

func TestApplyPulledRefusesTamperedEventsWhole(t *testing.T) {
	ctx := context.Background()
	src := openTemp(t)
	fullCase(t, src)
	id := fullCase(t, src)
	evs, err := src.Events(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	dst, err := Open(filepath.Join(t.TempDir(), "other.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	tampered := append(evs[:0:0], evs...)
	tampered[3].Actor = "冒名"
	if _, err := dst.ApplyPulled(ctx, "e1", 9, tampered); !errors.Is(err, ErrPulledHash) {
		t.Fatalf("got %v, want ErrPulledHash", err)
	}
	if st, _ := dst.Stats(ctx); st.Events != 0 {
		t.Fatalf("a refused pull stored %d events", st.Events)
	}
	if epoch, after, _ := dst.PullCursor(ctx); epoch != "" || after != 0 {
		t.Fatalf("cursor moved to %s %d", epoch, after)
	}
	n, err := dst.ApplyPulled(ctx, "e1", 9, evs)
	if err != nil || n != len(evs) {
		t.Fatalf("applied %d of %d: %v", n, len(evs), err)
	}
	if n, _ := dst.ApplyPulled(ctx, "e1", 10, evs); n != 0 {
		t.Errorf("a second pull of the same events added %d", n)
	}
	if epoch, after, _ := dst.PullCursor(ctx); epoch != "e1" || after != 10 {
		t.Errorf("cursor %s %d", epoch, after)
	}
	rep, err := dst.Verify(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.ForeignEvents != int64(len(evs)) || rep.DeviceEvents != 0 {
		t.Errorf("report %+v", rep)
	}
	if st, _ := dst.Stats(ctx); st.Outbox != 0 {
		t.Errorf("pulled events in the outbox: %d", st.Outbox)
	}
}
