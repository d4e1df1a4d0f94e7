package client

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"jiefang/sync/hub"
	"jiefang/sync/protocol"
)

// uploadHub is a hub's blob store behind a test server: tus uploads at
// protocol.PathUploads and HEAD at protocol.PathBlobs.
type uploadHub struct {
	dir   string
	store *hub.BlobStore
	srv   *httptest.Server
}

func newUploadHub(t *testing.T) *uploadHub {
	t.Helper()
	h := &uploadHub{dir: t.TempDir()}
	var err error
	if h.store, err = hub.OpenBlobStore(h.dir); err != nil {
		t.Fatal(err)
	}
	up, err := h.store.UploadHandler(protocol.PathUploads, nil)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(protocol.PathUploads, up)
	mux.HandleFunc("HEAD "+protocol.PathBlobs+"{sum}", func(w http.ResponseWriter, r *http.Request) {
		size, ok, err := h.store.Has(r.PathValue("sum"))
		if err != nil || !ok {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	})
	h.srv = httptest.NewServer(mux)
	t.Cleanup(h.srv.Close)
	return h
}

// check fails unless the hub holds exactly one blob, content, and
// nothing else (no partial upload).
func (h *uploadHub) check(t *testing.T, content []byte) {
	t.Helper()
	sum := sumHex(content)
	if n, err := h.store.Count(); n != 1 || err != nil {
		t.Fatalf("hub holds %d blobs (%v), want 1", n, err)
	}
	f, err := h.store.Open(sum)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	hash := sha256.New()
	if _, err := io.Copy(hash, f); err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(hash.Sum(nil)); got != sum {
		t.Fatalf("stored blob hashes to %s, want %s", got, sum)
	}
	if files := h.files(t); len(files) != 1 {
		t.Fatalf("files in the store: %v, want the blob only", files)
	}
}

// files lists the regular files in the hub's blob directory.
func (h *uploadHub) files(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(h.dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// httpSender sends to the hub at base over plain HTTP.
func httpSender(t *testing.T, base string) Sender {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	c := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	return func(ctx context.Context, method, path string, header http.Header, body []byte) (*http.Response, error) {
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
		if err != nil {
			return nil, err
		}
		if header != nil {
			req.Header = header.Clone()
		}
		return c.Do(req)
	}
}

// sendLog counts what a Sender was asked to send and can change PATCH
// bodies on the way.
type sendLog struct {
	mu        sync.Mutex
	requests  map[string]int // by method
	patchSent int64
	// corrupt, if set, may return a changed copy of a PATCH body; it is
	// told how many uploads were created so far.
	corrupt func(posts int, body []byte) []byte
}

func (l *sendLog) wrap(s Sender) Sender {
	return func(ctx context.Context, method, path string, header http.Header, body []byte) (*http.Response, error) {
		l.mu.Lock()
		if l.requests == nil {
			l.requests = map[string]int{}
		}
		l.requests[method]++
		if method == http.MethodPatch {
			l.patchSent += int64(len(body))
			if l.corrupt != nil {
				body = l.corrupt(l.requests[http.MethodPost], body)
			}
		}
		l.mu.Unlock()
		return s(ctx, method, path, header, body)
	}
}

func (l *sendLog) count(method string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.requests[method]
}

// cuttingProxy forwards HTTP/1.1 connections to a server and, when the
// PATCH body bytes it has forwarded in all reach the next of its cut
// offsets, closes both connections in the middle of that request body.
type cuttingProxy struct {
	ln     net.Listener
	target string
	wg     sync.WaitGroup

	mu        sync.Mutex
	cuts      []int64 // ascending offsets in the stream of PATCH body bytes
	forwarded int64   // PATCH body bytes forwarded
	made      int     // cuts made
	conns     int
}

func newCuttingProxy(t *testing.T, target string, cuts []int64) *cuttingProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cuttingProxy{ln: ln, target: target, cuts: cuts}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				p.relay(c)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		p.wg.Wait()
	})
	return p
}

func (p *cuttingProxy) relay(client net.Conn) {
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		client.Close()
		return
	}
	p.mu.Lock()
	p.conns++
	p.mu.Unlock()
	var once sync.Once
	closeBoth := func() {
		once.Do(func() {
			client.Close()
			server.Close()
		})
	}
	defer closeBoth()
	p.wg.Add(1)
	go func() { // answers go back untouched
		defer p.wg.Done()
		io.Copy(client, server)
		closeBoth()
	}()
	in := bufio.NewReader(client)
	buf := make([]byte, 32<<10)
	for {
		req, err := http.ReadRequest(in)
		if err != nil || len(req.TransferEncoding) > 0 {
			return
		}
		var head bytes.Buffer
		fmt.Fprintf(&head, "%s %s HTTP/1.1\r\nHost: %s\r\n", req.Method, req.RequestURI, req.Host)
		req.Header.Del("Content-Length")
		if req.ContentLength > 0 {
			fmt.Fprintf(&head, "Content-Length: %d\r\n", req.ContentLength)
		}
		req.Header.Write(&head)
		head.WriteString("\r\n")
		if _, err := server.Write(head.Bytes()); err != nil {
			return
		}
		for pos := int64(0); pos < req.ContentLength; {
			n := min(int64(len(buf)), req.ContentLength-pos)
			if req.Method == http.MethodPatch {
				p.mu.Lock()
				if len(p.cuts) > 0 {
					until := p.cuts[0] - p.forwarded
					if until <= 0 && pos > 0 { // strictly inside this body
						p.cuts = p.cuts[1:]
						p.made++
						p.mu.Unlock()
						return
					}
					n = min(n, max(until, 1))
				}
				p.mu.Unlock()
			}
			if _, err := io.ReadFull(req.Body, buf[:n]); err != nil {
				return
			}
			if _, err := server.Write(buf[:n]); err != nil {
				return
			}
			pos += n
			if req.Method == http.MethodPatch {
				p.mu.Lock()
				p.forwarded += n
				p.mu.Unlock()
			}
		}
	}
}

func sumHex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func randomBytes(seed byte, n int) []byte {
	b := make([]byte, n)
	rand.NewChaCha8([32]byte{seed}).Read(b)
	return b
}

func TestUploadBlobResumesThroughCutConnections(t *testing.T) {
	const size = 20 << 20
	content := randomBytes(1, size)
	sum := sumHex(content)
	h := newUploadHub(t)

	rng := rand.New(rand.NewPCG(2026, 5))
	var cuts []int64
	for len(cuts) < 5 {
		if c := rng.Int64N(size-1) + 1; !slices.Contains(cuts, c) {
			cuts = append(cuts, c)
		}
	}
	slices.Sort(cuts)
	proxy := newCuttingProxy(t, h.srv.Listener.Addr().String(), cuts)

	var log sendLog
	send := log.wrap(httpSender(t, "http://"+proxy.ln.Addr().String()))
	start := time.Now()
	sent, err := UploadBlob(context.Background(), send, sum, size, bytes.NewReader(content), 0)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	proxy.mu.Lock()
	made, conns := proxy.made, proxy.conns
	proxy.mu.Unlock()
	t.Logf("20 MiB through %d cuts (cut at %v): sent %d PATCH body bytes = %.4f × size in %d PATCH, %d HEAD, %d POST over %d connections, %v",
		made, cuts, sent, float64(sent)/size, log.count(http.MethodPatch), log.count(http.MethodHead), log.count(http.MethodPost), conns, elapsed)
	if made != 5 {
		t.Fatalf("the proxy cut %d times, want 5", made)
	}
	if sent != log.patchSent {
		t.Fatalf("UploadBlob reports %d bytes sent, the sender saw %d", sent, log.patchSent)
	}
	if sent <= size || float64(sent) > 1.2*size {
		t.Fatalf("sent %d bytes for %d: want more than the size (cuts lose bytes) and at most 1.2 times it", sent, size)
	}
	if n := log.count(http.MethodPost); n != 1 {
		t.Fatalf("%d uploads created: cuts should resume, not restart", n)
	}
	h.check(t, content)

	// Once more: the hub has it, nothing is sent.
	var again sendLog
	sent, err = UploadBlob(context.Background(), again.wrap(httpSender(t, h.srv.URL)), sum, size, bytes.NewReader(content), 0)
	if err != nil || sent != 0 || again.count(http.MethodHead) != 1 || len(again.requests) != 1 {
		t.Fatalf("second upload: sent %d, %v, requests %v; want only one HEAD", sent, err, again.requests)
	}
}

func TestUploadBlobStartsOverAfterMismatch(t *testing.T) {
	const size = 3*DefaultUploadChunk/2 + 1000
	content := randomBytes(2, size)
	sum := sumHex(content)
	h := newUploadHub(t)
	patches := 0
	log := sendLog{corrupt: func(posts int, body []byte) []byte {
		patches++
		if posts != 1 || patches != 2 {
			return body
		}
		bad := bytes.Clone(body)
		bad[len(bad)/2] ^= 0x20
		return bad
	}}
	sent, err := UploadBlob(context.Background(), log.wrap(httpSender(t, h.srv.URL)), sum, size, bytes.NewReader(content), 0)
	if err != nil {
		t.Fatal(err)
	}
	if posts := log.count(http.MethodPost); posts != 2 || sent != 2*size {
		t.Fatalf("%d uploads created, %d bytes sent; want 2 and %d", posts, sent, 2*size)
	}
	h.check(t, content)
}

func TestUploadBlobGivesUpOnRepeatedMismatch(t *testing.T) {
	content := randomBytes(3, 100_000)
	h := newUploadHub(t)
	log := sendLog{corrupt: func(_ int, body []byte) []byte {
		bad := bytes.Clone(body)
		bad[0] ^= 1
		return bad
	}}
	sent, err := UploadBlob(context.Background(), log.wrap(httpSender(t, h.srv.URL)), sumHex(content), int64(len(content)), bytes.NewReader(content), 0)
	var pe *protocol.Error
	if !errors.As(err, &pe) || pe.Code != protocol.CodeBlobMismatch {
		t.Fatalf("err = %v, want the hub's blob_mismatch", err)
	}
	if posts := log.count(http.MethodPost); posts != 1+maxUploadRestarts || sent != int64(posts*len(content)) {
		t.Fatalf("%d uploads created, %d bytes sent; want %d uploads", posts, sent, 1+maxUploadRestarts)
	}
	if n, _ := h.store.Count(); n != 0 {
		t.Fatalf("%d blobs stored", n)
	}
	if files := h.files(t); len(files) != 0 {
		t.Fatalf("files left on the hub: %v", files)
	}
}

func TestUploadBlobStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	calls := 0
	down := func(ctx context.Context, method, path string, header http.Header, body []byte) (*http.Response, error) {
		calls++
		return nil, errors.New("connection refused")
	}
	start := time.Now()
	_, err := UploadBlob(ctx, down, sumHex(nil), 0, bytes.NewReader(nil), 0)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second || calls < 2 {
		t.Fatalf("err %v after %v and %d calls; want retries, then the context's deadline", err, time.Since(start), calls)
	}
}

func TestUploadBlobRefusalCarriesTheHubError(t *testing.T) {
	refuse := func(ctx context.Context, method, path string, header http.Header, body []byte) (*http.Response, error) {
		rec := httptest.NewRecorder()
		rec.Header().Set("Content-Type", "application/json")
		rec.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(rec, `{"code":%q,"message":"x"}`, protocol.CodeUnauthorized)
		return rec.Result(), nil
	}
	_, err := UploadBlob(context.Background(), refuse, sumHex(nil), 0, bytes.NewReader(nil), 0)
	var pe *protocol.Error
	if !errors.As(err, &pe) || pe.Code != protocol.CodeUnauthorized {
		t.Fatalf("err = %v, want the hub's unauthorized", err)
	}
}

func TestUploadLocationPath(t *testing.T) {
	for loc, want := range map[string]string{
		"https://hub.example:8443/v1/uploads/0a1b": "/v1/uploads/0a1b",
		"/v1/uploads/0a1b":                         "/v1/uploads/0a1b",
		"0a1b":                                     "/v1/uploads/0a1b",
		"":                                         "",
		"https://hub.example/":                     "",
	} {
		got, err := uploadLocationPath(loc)
		if got != want || (err != nil) != (want == "") {
			t.Errorf("uploadLocationPath(%q) = %q, %v; want %q", loc, got, err, want)
		}
	}
}
