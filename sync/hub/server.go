package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"jiefang/legal"
	"jiefang/sync/protocol"
)

// Server serves the sync protocol over HTTP(S).
type Server struct {
	store *Store
	blobs *BlobStore
	log   *slog.Logger
	// MaxBody limits a request body; a push of a full batch stays far
	// below it.
	MaxBody int64
	// MaxRelayBody limits the body of a relayed USB bundle, which may
	// carry more events than a push.
	MaxRelayBody int64

	// Statutes is the library of the statute pages; Handler builds one
	// (NewStatutes, checking for imports every DefaultStatutesCheck)
	// when it is nil.
	Statutes *Statutes

	mu   sync.Mutex
	seen map[string]time.Time // last-seen written per device, at most once a minute
}

// NewServer serves store and blobs. log gets one line per request with
// device ids, paths, counts and codes only: never personal data.
func NewServer(store *Store, blobs *BlobStore, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Server{store: store, blobs: blobs, log: log, MaxBody: 16 << 20, MaxRelayBody: protocol.MaxRelayBody, seen: map[string]time.Time{}}
}

// Handler is the hub's HTTP handler.
func (s *Server) Handler() (http.Handler, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+protocol.PathHello, s.hello)
	mux.HandleFunc("POST "+protocol.PathEnroll, s.enroll)
	mux.Handle("POST "+protocol.PathPush, s.authed(s.push))
	mux.Handle("POST "+protocol.PathPull, s.authed(s.pull))
	mux.Handle("POST "+protocol.PathRelay, s.authed(s.relay))
	mux.Handle("HEAD "+protocol.PathBlobs+"{sum}", s.authed(s.blobHead))
	mux.Handle("GET "+protocol.PathBlobs+"{sum}", s.authed(s.blobGet))
	// The statute pages answer anyone: no device, no signature.
	if s.Statutes == nil {
		st, err := NewStatutes(context.Background(), s.store, DefaultStatutesCheck, s.log)
		if err != nil {
			return nil, err
		}
		s.Statutes = st
	}
	mux.Handle(StatutesPath, legal.Pages(s.Statutes.Library, legal.PagesOptions{Prefix: strings.TrimSuffix(StatutesPath, "/")}))
	if s.blobs != nil {
		up, err := s.blobs.UploadHandler(protocol.PathUploads, nil)
		if err != nil {
			return nil, fmt.Errorf("hub: uploads: %w", err)
		}
		mux.Handle(protocol.PathUploads, s.authed(func(w http.ResponseWriter, r *http.Request, _ Device) { up.ServeHTTP(w, r) }))
	}
	return mux, nil
}

// statusOf maps a protocol code to its HTTP status: the one place where
// that is decided.
func statusOf(c protocol.Code) int {
	switch c {
	case protocol.CodeBadVersion, protocol.CodeBadRequest, protocol.CodeBadEvent:
		return http.StatusBadRequest
	case protocol.CodeUnauthorized:
		return http.StatusUnauthorized
	case protocol.CodeRevoked, protocol.CodeOutOfScope, protocol.CodeDemoDatabase, protocol.CodeBundleRefused:
		return http.StatusForbidden
	case protocol.CodeEnrollInvalid, protocol.CodeNotFound:
		return http.StatusNotFound
	case protocol.CodeEnrollUsed:
		return http.StatusConflict
	case protocol.CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	case protocol.CodeBlobMismatch, protocol.CodeBundleInvalid:
		return http.StatusUnprocessableEntity
	}
	return http.StatusInternalServerError
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var pe *protocol.Error
	if !errors.As(err, &pe) {
		s.log.Error("request failed", "path", r.URL.Path, "err", err)
		pe = protocol.NewError(protocol.CodeInternal, "")
	}
	s.log.Info("refused", "path", r.URL.Path, "code", pe.Code, "device", r.Header.Get(protocol.HeaderDevice))
	writeJSON(w, statusOf(pe.Code), pe)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// readBody reads at most limit bytes of the body.
func readBody(r *http.Request, limit int64) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, protocol.NewError(protocol.CodeBadRequest, "reading body: "+err.Error())
	}
	if int64(len(body)) > limit {
		return nil, protocol.NewError(protocol.CodeTooLarge, "")
	}
	return body, nil
}

// decode reads a JSON body strictly: unknown fields and trailing data
// are refused.
func decode(body []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return protocol.NewError(protocol.CodeBadRequest, "json: "+err.Error())
	}
	if d.More() {
		return protocol.NewError(protocol.CodeBadRequest, "json: data after the request")
	}
	return nil
}

func checkVersion(v int) error {
	if !protocol.Accepts(v) {
		return protocol.NewError(protocol.CodeBadVersion, fmt.Sprintf("version %d; this hub serves %v", v, protocol.Accepted()))
	}
	return nil
}

type deviceHandler func(w http.ResponseWriter, r *http.Request, dev Device)

// authed checks the protocol version, reads the body and checks it is
// signed by an enrolled, not revoked device, then calls h with that device
// and the body put back for reading.
func (s *Server) authed(h deviceHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := strconv.Atoi(r.Header.Get(protocol.HeaderVersion))
		if err != nil {
			s.fail(w, r, protocol.NewError(protocol.CodeBadVersion, "no "+protocol.HeaderVersion+" header"))
			return
		}
		if err := checkVersion(v); err != nil {
			s.fail(w, r, err)
			return
		}
		limit := s.MaxBody
		if r.URL.Path == protocol.PathRelay {
			limit = s.MaxRelayBody
		}
		body, err := readBody(r, limit)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		dev, err := s.store.Device(r.Context(), r.Header.Get(protocol.HeaderDevice))
		switch {
		case errors.Is(err, ErrNoDevice):
			s.fail(w, r, protocol.NewError(protocol.CodeUnauthorized, "unknown device"))
			return
		case err != nil:
			s.fail(w, r, err)
			return
		case !protocol.VerifySignature(r, dev.PublicKey, body):
			s.fail(w, r, protocol.NewError(protocol.CodeUnauthorized, "bad signature"))
			return
		case dev.Revoked:
			s.fail(w, r, protocol.NewError(protocol.CodeRevoked, ""))
			return
		}
		s.touch(r.Context(), dev.ID)
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		h(w, r, dev)
	})
}

// touch records the device as seen, at most once a minute.
func (s *Server) touch(ctx context.Context, id string) {
	now := time.Now()
	s.mu.Lock()
	due := now.Sub(s.seen[id]) > time.Minute
	if due {
		s.seen[id] = now
	}
	s.mu.Unlock()
	if due {
		if err := s.store.Touch(ctx, id, now); err != nil {
			s.log.Error("last seen", "device", id, "err", err)
		}
	}
}

func (s *Server) hello(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, protocol.Hello{Version: protocol.Version, Accepts: protocol.Accepted(),
		Epoch: s.store.Epoch(), Software: "jiefang-hub"})
}

func (s *Server) enroll(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r, 64<<10)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req protocol.EnrollRequest
	if err := decode(body, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := checkVersion(req.Version); err != nil {
		s.fail(w, r, err)
		return
	}
	dev, err := s.store.Redeem(r.Context(), req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("enrolled", "device", dev.ID, "unit", dev.Unit)
	writeJSON(w, http.StatusOK, protocol.EnrollResponse{Version: protocol.Version, Epoch: s.store.Epoch(), Unit: dev.Unit})
}

// readRequest reads an authenticated request's JSON body into req and
// checks the version it carries; on failure it has answered.
func (s *Server) readRequest(w http.ResponseWriter, r *http.Request, req interface{ ProtocolVersion() int }) bool {
	body, _ := io.ReadAll(r.Body) // authed has read and limited it
	err := decode(body, req)
	if err == nil {
		err = checkVersion(req.ProtocolVersion())
	}
	if err != nil {
		s.fail(w, r, err)
		return false
	}
	return true
}

// outcomes counts push results by outcome, for the log.
func outcomes(results []protocol.PushResult) []any {
	counts := map[protocol.Outcome]int{}
	for _, res := range results {
		counts[res.Outcome]++
	}
	return []any{"applied", counts[protocol.Applied], "duplicate", counts[protocol.Duplicate],
		"conflict", counts[protocol.Conflict], "rejected", counts[protocol.Rejected]}
}

func (s *Server) push(w http.ResponseWriter, r *http.Request, dev Device) {
	var req protocol.PushRequest
	if !s.readRequest(w, r, &req) {
		return
	}
	start := time.Now()
	results, err := s.store.Push(r.Context(), dev, req.Events)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("push", append([]any{"device", dev.ID, "events", len(req.Events)},
		append(outcomes(results), "ms", time.Since(start).Milliseconds())...)...)
	writeJSON(w, http.StatusOK, protocol.PushResponse{Version: protocol.Version, Epoch: s.store.Epoch(), Results: results})
}

func (s *Server) pull(w http.ResponseWriter, r *http.Request, dev Device) {
	var req protocol.PullRequest
	if !s.readRequest(w, r, &req) {
		return
	}
	after := req.After
	if req.Epoch != s.store.Epoch() {
		after = 0 // a cursor of another epoch means nothing here
	}
	evs, more, err := s.store.Pull(r.Context(), dev, after, req.Limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, protocol.PullResponse{Version: protocol.Version, Epoch: s.store.Epoch(), Events: evs, More: more})
}

func validSum(sum string) bool {
	if len(sum) != 64 {
		return false
	}
	for _, c := range sum {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// blobHead answers whether the hub holds a blob, so that a device skips
// uploading it. Knowing a hash is needed to ask.
func (s *Server) blobHead(w http.ResponseWriter, r *http.Request, dev Device) {
	sum := r.PathValue("sum")
	if !validSum(sum) || s.blobs == nil {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	size, ok, err := s.blobs.Has(sum)
	if err != nil || !ok {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	w.WriteHeader(http.StatusOK)
}

// blobGet serves a blob to a device whose scope has a case that refers
// to it.
func (s *Server) blobGet(w http.ResponseWriter, r *http.Request, dev Device) {
	sum := r.PathValue("sum")
	if !validSum(sum) || s.blobs == nil {
		s.fail(w, r, protocol.NewError(protocol.CodeNotFound, ""))
		return
	}
	ok, err := s.store.BlobInScope(r.Context(), dev, sum)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !ok {
		s.fail(w, r, protocol.NewError(protocol.CodeOutOfScope, ""))
		return
	}
	f, err := s.blobs.Open(sum)
	if err != nil {
		s.fail(w, r, protocol.NewError(protocol.CodeNotFound, ""))
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	http.ServeContent(w, r, sum, time.Time{}, f)
}
