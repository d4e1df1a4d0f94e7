package hub_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/sync/hub"
	"jiefang/sync/hub/hubtest"
	"jiefang/sync/protocol"
)

// relayHub is a hub with the units 青山县 → 东镇, 西镇 and one enrolled
// desk of 东镇 that relays.
type relayHub struct {
	store *hub.Store
	blobs *hub.BlobStore
	srv   *httptest.Server
	desk  string
	key   ed25519.PrivateKey
}

func newRelayHub(t *testing.T, b hubtest.Backend) *relayHub {
	t.Helper()
	ctx := context.Background()
	h, _ := b.Open(t)
	for _, u := range [][2]string{{"青山县", ""}, {"东镇", "青山县"}, {"西镇", "青山县"}} {
		if _, err := h.AddUnit(ctx, u[0], u[1]); err != nil {
			t.Fatal(err)
		}
	}
	blobs, err := hub.OpenBlobStore(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	handler, err := hub.NewServer(h, blobs, nil).Handler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	rh := &relayHub{store: h, blobs: blobs, srv: srv, desk: "desk-a"}
	rh.key = rh.enroll(t, "desk-a", "东镇")
	return rh
}

// enroll enrolls device id in unit with a new key.
func (rh *relayHub) enroll(t *testing.T, id, unit string) ed25519.PrivateKey {
	t.Helper()
	ctx := context.Background()
	pub, key, _ := ed25519.GenerateKey(rand.Reader)
	secret, err := rh.store.NewEnrollment(ctx, unit)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rh.store.Redeem(ctx, protocol.EnrollRequest{Version: protocol.Version, Secret: secret, DeviceID: id, DeviceCode: "CODE", PublicKey: pub}); err != nil {
		t.Fatal(err)
	}
	return key
}

// relay posts a bundle as the relaying desk and decodes the answer.
func (rh *relayHub) relay(t *testing.T, bundle []byte) (int, protocol.RelayResponse, protocol.Error) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, rh.srv.URL+protocol.PathRelay, bytes.NewReader(bundle))
	req.Header.Set(protocol.HeaderVersion, strconv.Itoa(protocol.Version))
	protocol.Sign(req, rh.desk, rh.key, bundle)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var ok protocol.RelayResponse
	var pe protocol.Error
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(raw, &ok); err != nil {
			t.Fatal(err)
		}
	} else {
		json.Unmarshal(raw, &pe)
	}
	return resp.StatusCode, ok, pe
}

// worker is a device's events and key, for bundles written by hand.
type worker struct {
	id   string
	key  ed25519.PrivateKey
	evs  []protocol.Event
	seq  int64
	prev string
}

func newWorker() *worker {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	return &worker{id: uuid.Must(uuid.NewV7()).String(), key: key}
}

// add records events for a case (a new one when caseID is nil).
func (w *worker) add(t *testing.T, caseID uuid.UUID, ps ...cases.Payload) uuid.UUID {
	t.Helper()
	if caseID == uuid.Nil {
		caseID = uuid.Must(uuid.NewV7())
	}
	for _, p := range ps {
		e, err := cases.NewEvent(caseID, p)
		if err != nil {
			t.Fatal(err)
		}
		w.seq++
		e.ID, e.Actor, e.DeviceID, e.DeviceSeq, e.PrevHash = uuid.Must(uuid.NewV7()), "网格员", w.id, w.seq, w.prev
		e.At = time.Now().UTC().Truncate(time.Millisecond)
		e.Hash = e.ComputeHash()
		w.prev = e.Hash
		w.evs = append(w.evs, protocol.FromEvent(e))
	}
	return caseID
}

// bundle writes the worker's events and files as a bundle.
func (w *worker) bundle(t *testing.T, secret string, demo bool, files ...[]byte) []byte {
	t.Helper()
	byName := map[string][]byte{}
	m := protocol.BundleManifest{DeviceID: w.id, DeviceCode: "WK01", Enrollment: secret, Demo: demo, CreatedAt: time.Now()}
	for _, f := range files {
		s := sha256.Sum256(f)
		sum := hex.EncodeToString(s[:])
		byName[sum] = f
		m.Blobs = append(m.Blobs, protocol.BundleBlob{SHA256: sum, Size: int64(len(f))})
	}
	var buf bytes.Buffer
	err := protocol.WriteBundle(&buf, m, w.evs, w.key, func(sum string) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(byName[sum])), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func opened(summary string) *cases.Opened {
	return &cases.Opened{Channel: cases.ChannelVisit, Category: "道路", Summary: summary}
}

// The hub enrolls a bundle's unknown device with its one-time secret,
// stores the evidence files the request carries (checked against their
// sums), and pushes the events as the bundle's device: its scope, not
// the relaying desk's, decides. Relaying again answers duplicates.
func TestRelayEnrollsAndPushesAsTheBundlesDevice(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, b hubtest.Backend) {
		ctx := context.Background()
		rh := newRelayHub(t, b)
		// A desk of 东镇 has a case; the 西镇 worker's bundle adds a note to
		// it (out of its scope) and opens a case of its own.
		rh.enroll(t, "desk-dong", "东镇")
		other := newWorker()
		other.id = "desk-dong"
		dongCase := other.add(t, uuid.Nil, opened("东镇的案件"))
		dev, _ := rh.store.Device(ctx, "desk-dong")
		if _, err := rh.store.Push(ctx, dev, other.evs); err != nil {
			t.Fatal(err)
		}

		w := newWorker()
		photo := bytes.Repeat([]byte{0xFF, 0xD8, 0x42}, 10_000)
		s := sha256.Sum256(photo)
		sum := hex.EncodeToString(s[:])
		w.add(t, uuid.Nil, opened("西镇村道塌方"), &cases.EvidenceAdd{EvidenceID: uuid.Must(uuid.NewV7()), SHA256: sum,
			FileName: "a.jpg", MediaType: "image/jpeg", Size: int64(len(photo))})
		w.add(t, dongCase, &cases.NoteAdd{NoteID: uuid.Must(uuid.NewV7()), Text: "越界"})
		secret, err := rh.store.NewEnrollment(ctx, "西镇")
		if err != nil {
			t.Fatal(err)
		}
		bundle := w.bundle(t, secret, false, photo)

		status, resp, pe := rh.relay(t, bundle)
		if status != http.StatusOK {
			t.Fatalf("relay: %d %+v", status, pe)
		}
		if !resp.Enrolled || resp.Device != w.id || resp.Blobs != 1 || len(resp.Results) != 3 {
			t.Fatalf("answer %+v", resp)
		}
		want := []protocol.Outcome{protocol.Applied, protocol.Applied, protocol.Rejected}
		for i, r := range resp.Results {
			if r.Outcome != want[i] || r.ID != w.evs[i].ID {
				t.Errorf("event %d: %+v, want %s", i, r, want[i])
			}
		}
		if resp.Results[2].Code != protocol.CodeOutOfScope {
			t.Errorf("the note on 东镇's case: %+v", resp.Results[2])
		}
		d, err := rh.store.Device(ctx, w.id)
		if err != nil || d.Unit != "西镇" || !bytes.Equal(d.PublicKey, w.key.Public().(ed25519.PublicKey)) {
			t.Fatalf("worker device %+v %v", d, err)
		}
		if size, ok, err := rh.blobs.Has(sum); err != nil || !ok || size != int64(len(photo)) {
			t.Errorf("photo stored: %d %v %v", size, ok, err)
		}
		if ok, _ := rh.store.BlobInScope(ctx, d, sum); !ok {
			t.Error("the photo is not linked to the worker's case")
		}
		st, _ := rh.store.Stats(ctx)
		if st.Quarantined != 1 || st.Cases != 2 {
			t.Errorf("hub %+v", st)
		}
		// The same bundle again: duplicates, the enrollment not redone.
		status, again, _ := rh.relay(t, bundle)
		if status != http.StatusOK || again.Enrolled || again.Results[0].Outcome != protocol.Duplicate || again.Results[0].Seq != resp.Results[0].Seq {
			t.Fatalf("again: %d %+v", status, again)
		}
		if st2, _ := rh.store.Stats(ctx); st2.Events != st.Events {
			t.Errorf("relaying again stored events: %d → %d", st.Events, st2.Events)
		}
	})
}

func TestRelayRefusals(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, b hubtest.Backend) {
		ctx := context.Background()
		rh := newRelayHub(t, b)
		secret := func() string {
			s, err := rh.store.NewEnrollment(ctx, "东镇")
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		w := newWorker()
		w.add(t, uuid.Nil, opened("路灯不亮"))

		used := secret()
		first := newWorker()
		first.add(t, uuid.Nil, opened("已入网的设备"))
		if status, _, pe := rh.relay(t, first.bundle(t, used, false)); status != http.StatusOK {
			t.Fatalf("first: %d %+v", status, pe)
		}
		revoked := newWorker()
		revoked.add(t, uuid.Nil, opened("被停用的设备"))
		if status, _, _ := rh.relay(t, revoked.bundle(t, secret(), false)); status != http.StatusOK {
			t.Fatal(status)
		}
		if err := rh.store.Revoke(ctx, revoked.id); err != nil {
			t.Fatal(err)
		}
		otherKey := newWorker()
		otherKey.id = "desk-a" // the relaying desk's id, another key

		tampered := w.bundle(t, secret(), false)
		tampered[len(tampered)/3] ^= 0x01 // may hit the signed content or the zip's own bookkeeping
		if _, err := protocol.ReadBundle(bytes.NewReader(tampered), int64(len(tampered))); err == nil {
			tampered = []byte("PK\x03\x04 not a zip at all")
		}

		for _, tc := range []struct {
			name   string
			bundle []byte
			status int
			code   protocol.Code
		}{
			{"no enrollment code", w.bundle(t, "", false), http.StatusForbidden, protocol.CodeBundleRefused},
			{"unknown code", w.bundle(t, "NOSUCHCODE", false), http.StatusNotFound, protocol.CodeEnrollInvalid},
			{"code used by another device", w.bundle(t, used, false), http.StatusConflict, protocol.CodeEnrollUsed},
			{"demo database", w.bundle(t, secret(), true), http.StatusForbidden, protocol.CodeDemoDatabase},
			{"device revoked", revoked.bundle(t, "", false), http.StatusForbidden, protocol.CodeBundleRefused},
			{"enrolled with another key", otherKey.bundle(t, secret(), false), http.StatusForbidden, protocol.CodeBundleRefused},
			{"tampered", tampered, http.StatusUnprocessableEntity, protocol.CodeBundleInvalid},
		} {
			before, _ := rh.store.Stats(ctx)
			status, _, pe := rh.relay(t, tc.bundle)
			if status != tc.status || pe.Code != tc.code || pe.Message == "" {
				t.Errorf("%s: %d %+v, want %d %s", tc.name, status, pe, tc.status, tc.code)
			}
			if after, _ := rh.store.Stats(ctx); after != before {
				t.Errorf("%s: the refused bundle changed the hub: %+v → %+v", tc.name, before, after)
			}
		}
		if _, err := rh.store.Device(ctx, w.id); err == nil {
			t.Error("a refused bundle enrolled its device")
		}
		// A desk the hub does not know cannot relay.
		rh.desk = "stranger"
		if status, _, pe := rh.relay(t, w.bundle(t, secret(), false)); status != http.StatusUnauthorized || pe.Code != protocol.CodeUnauthorized {
			t.Errorf("unknown relaying desk: %d %+v", status, pe)
		}
	})
}

// Put stores a blob only when its content matches its name.
func TestBlobStorePut(t *testing.T) {
	bs, err := hub.OpenBlobStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("收据扫描件")
	s := sha256.Sum256(data)
	sum := hex.EncodeToString(s[:])
	if err := bs.Put(sum, bytes.NewReader([]byte("别的内容"))); err == nil {
		t.Fatal("content of another sum stored")
	}
	if _, ok, _ := bs.Has(sum); ok {
		t.Fatal("a mismatching blob is stored")
	}
	if err := bs.Put("../../etc/passwd", bytes.NewReader(data)); err == nil {
		t.Fatal("a path taken for a sum")
	}
	for i := 0; i < 2; i++ {
		if err := bs.Put(sum, bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
	}
	f, err := bs.Open(sum)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(got, data) {
		t.Fatal("stored content differs")
	}
	if n, _ := bs.Count(); n != 1 {
		t.Errorf("%d blobs stored", n)
	}
}
