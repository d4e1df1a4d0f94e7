package hub_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/store"
	"jiefang/sync/hub"
	"jiefang/sync/hub/hubtest"
	"jiefang/sync/protocol"
)

// served is a hub over HTTP with one township and one device enrolled.
type served struct {
	h    *hub.Store
	srv  *httptest.Server
	dev  string
	key  ed25519.PrivateKey
	logs *bytes.Buffer
}

func serve(t *testing.T, b hubtest.Backend) *served {
	t.Helper()
	ctx := context.Background()
	h, _ := b.Open(t)
	if _, err := h.AddUnit(ctx, "东镇", ""); err != nil {
		t.Fatal(err)
	}
	blobs, err := hub.OpenBlobStore(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	handler, err := hub.NewServer(h, blobs, slog.New(slog.NewTextHandler(logs, nil))).Handler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	pub, key, _ := ed25519.GenerateKey(rand.Reader)
	secret, _ := h.NewEnrollment(ctx, "东镇")
	if _, err := h.Redeem(ctx, protocol.EnrollRequest{Version: protocol.Version, Secret: secret, DeviceID: "dev-1", PublicKey: pub}); err != nil {
		t.Fatal(err)
	}
	return &served{h: h, srv: srv, dev: "dev-1", key: key, logs: logs}
}

// do sends a request signed by the device (unless key is nil) and
// returns the status and the protocol error code, if any.
func (s *served) do(t *testing.T, path string, version int, key ed25519.PrivateKey, body []byte) (int, protocol.Error) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+path, bytes.NewReader(body))
	if version != 0 {
		req.Header.Set(protocol.HeaderVersion, strconv.Itoa(version))
	}
	if key != nil {
		protocol.Sign(req, s.dev, key, body)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var pe protocol.Error
	json.Unmarshal(raw, &pe)
	return resp.StatusCode, pe
}

// A device event on the wire, signed into the device's chain.
func wireEvent(t *testing.T, dev string, typ cases.EventType, payload string) protocol.Event {
	e := cases.Event{ID: uuid.Must(uuid.NewV7()), CaseID: uuid.Must(uuid.NewV7()), Type: typ, Payload: json.RawMessage(payload),
		Actor: "王芳", DeviceID: dev, DeviceSeq: 1}
	e.Hash = e.ComputeHash()
	return protocol.FromEvent(e)
}

// Every malformed, unauthenticated or unreadable request gets a 4xx with a
// clear code and leaves nothing stored.
func TestRequestsRefusedWithNothingStored(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, b hubtest.Backend) {
		s := serve(t, b)
		push := func(evs ...protocol.Event) []byte {
			raw, _ := json.Marshal(protocol.PushRequest{Version: protocol.Version, Events: evs})
			return raw
		}
		good := push()
		_, otherKey, _ := ed25519.GenerateKey(rand.Reader)
		unknown := wireEvent(t, s.dev, "case.teleported", `{}`)
		badPayload := wireEvent(t, s.dev, cases.CaseOpened, `{"channel":"信鸽","summary":""}`)
		big := bytes.Repeat([]byte(" "), 17<<20)
		cases := []struct {
			name    string
			version int
			key     ed25519.PrivateKey
			body    []byte
			status  int
			code    protocol.Code
		}{
			{"no version", 0, s.key, good, 400, protocol.CodeBadVersion},
			{"future version", protocol.Version + 1, s.key, good, 400, protocol.CodeBadVersion},
			{"unsigned", protocol.Version, nil, good, 401, protocol.CodeUnauthorized},
			{"signed by another key", protocol.Version, otherKey, good, 401, protocol.CodeUnauthorized},
			{"bad json", protocol.Version, s.key, []byte(`{"version":1,"events":[`), 400, protocol.CodeBadRequest},
			{"wrong types", protocol.Version, s.key, []byte(`{"version":"1","events":{}}`), 400, protocol.CodeBadRequest},
			{"unknown field", protocol.Version, s.key, []byte(`{"version":1,"events":[],"drop":true}`), 400, protocol.CodeBadRequest},
			{"unknown event type", protocol.Version, s.key, push(unknown), 400, protocol.CodeBadEvent},
			{"invalid payload", protocol.Version, s.key, push(badPayload), 400, protocol.CodeBadEvent},
			{"too large", protocol.Version, s.key, big, 413, protocol.CodeTooLarge},
		}
		for _, c := range cases {
			status, pe := s.do(t, protocol.PathPush, c.version, c.key, c.body)
			if status != c.status || pe.Code != c.code || pe.Message == "" {
				t.Errorf("%s: %d %+v, want %d %s with a message", c.name, status, pe, c.status, c.code)
			}
		}
		if _, pe := s.do(t, protocol.PathPush, protocol.Version, s.key, push(unknown)); pe.EventID != unknown.ID.String() {
			t.Errorf("an unreadable event is not named: %+v", pe)
		}
		if st, _ := s.h.Stats(context.Background()); st.Events != 0 || st.Quarantined != 0 {
			t.Fatalf("refused requests stored something: %+v", st)
		}
		if err := s.h.Revoke(context.Background(), s.dev); err != nil {
			t.Fatal(err)
		}
		if status, pe := s.do(t, protocol.PathPull, protocol.Version, s.key, []byte(`{"version":1}`)); status != 403 || pe.Code != protocol.CodeRevoked {
			t.Errorf("revoked device: %d %+v", status, pe)
		}
	})
}

func TestEnrollmentRefusals(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, b hubtest.Backend) {
		s := serve(t, b)
		ctx := context.Background()
		pub, _, _ := ed25519.GenerateKey(rand.Reader)
		enroll := func(req protocol.EnrollRequest) (int, protocol.Error) {
			req.Version = protocol.Version
			raw, _ := json.Marshal(req)
			return s.do(t, protocol.PathEnroll, 0, nil, raw)
		}
		secret, _ := s.h.NewEnrollment(ctx, "东镇")
		if status, pe := enroll(protocol.EnrollRequest{Secret: secret, DeviceID: "demo-1", PublicKey: pub, Demo: true}); status != 403 || pe.Code != protocol.CodeDemoDatabase || !strings.Contains(pe.Message, "演示") {
			t.Errorf("demo database: %d %+v", status, pe)
		}
		if status, pe := enroll(protocol.EnrollRequest{Secret: "NOSUCHCODE", DeviceID: "d-2", PublicKey: pub}); status != 404 || pe.Code != protocol.CodeEnrollInvalid {
			t.Errorf("unknown code: %d %+v", status, pe)
		}
		if status, _ := enroll(protocol.EnrollRequest{Secret: secret, DeviceID: "d-2", PublicKey: pub}); status != 200 {
			t.Fatalf("a fresh code after the demo refusal: %d", status)
		}
		if status, _ := enroll(protocol.EnrollRequest{Secret: secret, DeviceID: "d-2", PublicKey: pub}); status != 200 {
			t.Errorf("the same device retrying after a lost reply: %d", status)
		}
		other, _, _ := ed25519.GenerateKey(rand.Reader)
		if status, pe := enroll(protocol.EnrollRequest{Secret: secret, DeviceID: "d-3", PublicKey: other}); status != 409 || pe.Code != protocol.CodeEnrollUsed {
			t.Errorf("a used code: %d %+v", status, pe)
		}
		devs, _ := s.h.Devices(ctx)
		if len(devs) != 2 || devs[0].ID != "d-2" || devs[0].Unit != "东镇" {
			t.Errorf("devices %+v, want d-2 and dev-1 of 东镇", devs)
		}
	})
}

// The hub's log names devices, paths and counts: never what petitioners
// said or who they are.
func TestHubLogHasNoPersonalData(t *testing.T) {
	b := hubtest.Backends()[0]
	s := serve(t, b)
	desk, err := store.Open(filepath.Join(t.TempDir(), "desk.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer desk.Close()
	ctx := context.Background()
	desk.SetActor(ctx, "王芳")
	id := uuid.Must(uuid.NewV7())
	o, _ := cases.NewEvent(id, &cases.Opened{Channel: cases.ChannelVisit, Category: "征地补偿", Summary: "张秀英反映征地补偿款未到位"})
	p, _ := cases.NewEvent(id, &cases.PartyAdd{PartyID: uuid.Must(uuid.NewV7()), Role: cases.RolePetitioner, Name: "张秀英",
		IDNumber: "11010519491231002X", Phone: "13800138000"})
	evs, err := desk.Append(ctx, o, p)
	if err != nil {
		t.Fatal(err)
	}
	s.dev = desk.Device().ID
	pub, key, _ := ed25519.GenerateKey(rand.Reader)
	secret, _ := s.h.NewEnrollment(ctx, "东镇")
	s.h.Redeem(ctx, protocol.EnrollRequest{Version: protocol.Version, Secret: secret, DeviceID: s.dev, PublicKey: pub})
	raw, _ := json.Marshal(protocol.PushRequest{Version: protocol.Version, Events: []protocol.Event{protocol.FromEvent(evs[0]), protocol.FromEvent(evs[1])}})
	if status, pe := s.do(t, protocol.PathPush, protocol.Version, key, raw); status != 200 {
		t.Fatalf("push: %d %+v", status, pe)
	}
	raw[len(raw)/2] ^= 1
	s.do(t, protocol.PathPush, protocol.Version, key, raw) // a refused one is logged too
	log := s.logs.String()
	if !strings.Contains(log, s.dev) {
		t.Fatalf("the log does not even name the device: %q", log)
	}
	for _, secret := range []string{"张秀英", "11010519491231002X", "13800138000", "征地补偿款"} {
		if strings.Contains(log, secret) {
			t.Errorf("the hub logged %q", secret)
		}
	}
}
