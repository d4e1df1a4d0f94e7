package client

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/store"
	"jiefang/sync/hub"
	"jiefang/sync/hub/hubtest"
	"jiefang/sync/protocol"
)

// testHub is a hub served over HTTP on loopback with the unit tree
// 青山县 → 东镇, 西镇.
type testHub struct {
	store *hub.Store
	srv   *httptest.Server
}

func startHub(t *testing.T, b hubtest.Backend) *testHub {
	t.Helper()
	h, _ := b.Open(t)
	return serveHub(t, h)
}

func serveHub(t *testing.T, h *hub.Store) *testHub {
	t.Helper()
	ctx := context.Background()
	blobs, err := hub.OpenBlobStore(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	handler, err := hub.NewServer(h, blobs, nil).Handler()
	if err != nil {
		t.Fatal(err)
	}
	if units, _ := h.Units(ctx); len(units) == 0 {
		for _, u := range [][2]string{{"青山县", ""}, {"东镇", "青山县"}, {"西镇", "青山县"}} {
			if _, err := h.AddUnit(ctx, u[0], u[1]); err != nil {
				t.Fatal(err)
			}
		}
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return &testHub{store: h, srv: srv}
}

// code makes a one-time enrollment code for a device of unit.
func (h *testHub) code(t *testing.T, unit string) string {
	t.Helper()
	secret, err := h.store.NewEnrollment(context.Background(), unit)
	if err != nil {
		t.Fatal(err)
	}
	return protocol.EnrollmentCode{URL: h.srv.URL, Secret: secret}.String()
}

// openDesk opens a desk store in dir with a staff member set.
func openDesk(t *testing.T, dir, name, staff string) *store.Store {
	t.Helper()
	s, err := store.Open(filepath.Join(dir, name), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.SetActor(context.Background(), staff); err != nil {
		t.Fatal(err)
	}
	return s
}

// enroll enrolls a desk with the hub as a device of unit.
func (h *testHub) enroll(t *testing.T, desk *store.Store, unit string) {
	t.Helper()
	dev := DeviceInfo{ID: desk.Device().ID, Code: desk.Device().Code}
	if _, err := Enroll(context.Background(), desk, dev, h.code(t, unit)); err != nil {
		t.Fatal(err)
	}
}

// syncRound runs one round for an enrolled desk.
func syncRound(t *testing.T, desk *store.Store) Report {
	t.Helper()
	ctx := context.Background()
	cred, ok, err := LoadCredential(ctx, desk)
	if err != nil || !ok {
		t.Fatalf("no credential: %v", err)
	}
	r, err := NewRemote(cred)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Round(ctx, desk, r)
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return rep
}

// openCase records a case with one fact card on desk.
func openCase(t *testing.T, desk *store.Store, summary string) uuid.UUID {
	t.Helper()
	id := uuid.Must(uuid.NewV7())
	o, _ := cases.NewEvent(id, &cases.Opened{Channel: cases.ChannelVisit, Category: "宅基地", Summary: summary})
	f, _ := cases.NewEvent(id, &cases.FactAdd{FactID: uuid.Must(uuid.NewV7()), Text: "两家院墙相距不足一米", Status: cases.FactPending})
	if _, err := desk.Append(context.Background(), o, f); err != nil {
		t.Fatal(err)
	}
	return id
}
