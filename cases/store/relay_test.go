package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"testing"
)

// A bundle waits until the hub takes it; then its bytes go and the row
// stays as the receipt. Adding the same bundle again, before or after,
// changes nothing.
func TestRelayLifecycle(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	a := Relay{ID: "aaaa", DeviceID: "dev-w", DeviceCode: "W2X9", Events: 5, Blobs: 1, Enrollment: true, Bundle: []byte("PK thin bundle")}
	b := Relay{ID: "bbbb", DeviceID: "dev-v", DeviceCode: "V3Y8", Events: 2, Bundle: []byte("PK another")}
	for _, r := range []Relay{a, b} {
		got, added, err := s.AddRelay(ctx, r)
		if err != nil || !added || got.ID != r.ID || !got.Waiting() || got.ImportedAt.IsZero() || got.Enrollment != r.Enrollment {
			t.Fatalf("add %s: %+v %v %v", r.ID, got, added, err)
		}
	}
	again := a
	again.Events, again.Bundle = 99, []byte("other bytes")
	if got, added, err := s.AddRelay(ctx, again); err != nil || added || got.Events != 5 {
		t.Fatalf("adding again: %+v %v %v", got, added, err)
	}
	waiting, err := s.PendingRelays(ctx)
	if err != nil || len(waiting) != 2 || waiting[0].ID != "aaaa" || waiting[0].Bundle != nil {
		t.Fatalf("waiting %+v %v", waiting, err)
	}
	if data, err := s.RelayBundle(ctx, "aaaa"); err != nil || !bytes.Equal(data, a.Bundle) {
		t.Fatalf("bytes %q %v", data, err)
	}

	if err := s.RelayFailed(ctx, "bbbb", "被上级拒收：密钥不一致"); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkRelayed(ctx, "aaaa", 1); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkRelayed(ctx, "aaaa", 1); err == nil {
		t.Error("a relayed bundle marked relayed twice")
	}
	if _, err := s.RelayBundle(ctx, "aaaa"); !errors.Is(err, ErrRelayed) {
		t.Errorf("bytes of a relayed bundle: %v", err)
	}
	waiting, _ = s.PendingRelays(ctx)
	if len(waiting) != 1 || waiting[0].ID != "bbbb" || waiting[0].Error == "" {
		t.Fatalf("waiting after relay: %+v", waiting)
	}
	// Importing the relayed bundle again: the receipt answers.
	if got, added, err := s.AddRelay(ctx, a); err != nil || added || got.Waiting() || got.Rejected != 1 {
		t.Fatalf("re-import of a relayed bundle: %+v %v %v", got, added, err)
	}
	all, err := s.Relays(ctx)
	if err != nil || len(all) != 2 || all[0].ID != "bbbb" || all[1].RelayedAt.IsZero() {
		t.Fatalf("list %+v %v", all, err)
	}

	// The bytes are really gone from the file, not only hidden.
	raw, err := sql.Open("sqlite", s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int
	if err := raw.QueryRow(`SELECT count(*) FROM relay WHERE bundle IS NOT NULL`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d bundles with bytes, want 1: %v", n, err)
	}
}

func TestAddRelayNeedsBytes(t *testing.T) {
	s := openTemp(t)
	if _, _, err := s.AddRelay(context.Background(), Relay{ID: "x", DeviceID: "d"}); err == nil {
		t.Fatal("a bundle without bytes was kept")
	}
}
