package hub

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"jiefang/sync/protocol"
)

// blobHub is a BlobStore's upload handler on a test server, recording
// what it reports stored.
type blobHub struct {
	dir   string
	store *BlobStore
	srv   *httptest.Server

	mu     sync.Mutex
	stored []string // "sum size" per onStored call
}

func newBlobHub(t *testing.T, maxSize int64) *blobHub {
	t.Helper()
	h := &blobHub{dir: t.TempDir()}
	var err error
	if h.store, err = OpenBlobStore(h.dir); err != nil {
		t.Fatal(err)
	}
	h.store.MaxSize = maxSize
	up, err := h.store.UploadHandler(protocol.PathUploads, func(sum string, size int64) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.stored = append(h.stored, sum+" "+strconv.FormatInt(size, 10))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(protocol.PathUploads, up)
	h.srv = httptest.NewServer(mux)
	t.Cleanup(h.srv.Close)
	return h
}

// tus sends one tus request and returns the answer with its body read.
func (h *blobHub) tus(t *testing.T, method, path string, header map[string]string, body []byte) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, h.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Tus-Resumable", "1.0.0")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// create starts an upload announcing sum and size and returns its path.
func (h *blobHub) create(t *testing.T, sum string, size int) string {
	t.Helper()
	resp, body := h.tus(t, http.MethodPost, protocol.PathUploads, map[string]string{
		"Upload-Length":   strconv.Itoa(size),
		"Upload-Metadata": "sha256 " + base64.StdEncoding.EncodeToString([]byte(sum)) + ",filename " + base64.StdEncoding.EncodeToString([]byte("张三的信访件.pdf")),
	}, nil)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	loc := resp.Header.Get("Location")
	i := strings.Index(loc, protocol.PathUploads)
	if i < 0 {
		t.Fatalf("create: Location %q", loc)
	}
	return loc[i:]
}

// patch sends content at offset and returns the status and the new offset.
func (h *blobHub) patch(t *testing.T, path string, offset int, content []byte) (int, string, []byte) {
	t.Helper()
	resp, body := h.tus(t, http.MethodPatch, path, map[string]string{
		"Upload-Offset": strconv.Itoa(offset),
		"Content-Type":  "application/offset+octet-stream",
	}, content)
	return resp.StatusCode, resp.Header.Get("Upload-Offset"), body
}

// files lists the regular files under the store's directory.
func (h *blobHub) files(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(h.dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			rel, _ := filepath.Rel(h.dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sumOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func wantProtocolError(t *testing.T, body []byte, code protocol.Code) {
	t.Helper()
	var pe protocol.Error
	if err := json.Unmarshal(body, &pe); err != nil || pe.Code != code || pe.Message == "" {
		t.Fatalf("answer %q, want a protocol error %s", body, code)
	}
}

func TestBlobUploadCreationRefusedWithoutGoodSum(t *testing.T) {
	h := newBlobHub(t, 1000)
	good := sumOf([]byte("x"))
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	for name, hd := range map[string]map[string]string{
		"no metadata":       {"Upload-Length": "1"},
		"other metadata":    {"Upload-Length": "1", "Upload-Metadata": "filename " + b64("a.pdf")},
		"empty sum":         {"Upload-Length": "1", "Upload-Metadata": "sha256 "},
		"uppercase sum":     {"Upload-Length": "1", "Upload-Metadata": "sha256 " + b64(strings.ToUpper(good))},
		"short sum":         {"Upload-Length": "1", "Upload-Metadata": "sha256 " + b64(good[:63])},
		"long sum":          {"Upload-Length": "1", "Upload-Metadata": "sha256 " + b64(good+"0")},
		"not hex":           {"Upload-Length": "1", "Upload-Metadata": "sha256 " + b64("zz"+good[2:])},
		"path in sum":       {"Upload-Length": "1", "Upload-Metadata": "sha256 " + b64("../../"+good[6:])},
		"sum not base64":    {"Upload-Length": "1", "Upload-Metadata": "sha256 " + good},
		"no length":         {"Upload-Metadata": "sha256 " + b64(good)},
		"negative length":   {"Upload-Length": "-1", "Upload-Metadata": "sha256 " + b64(good)},
		"deferred length":   {"Upload-Defer-Length": "1", "Upload-Metadata": "sha256 " + b64(good)},
		"concatenated":      {"Upload-Length": "1", "Upload-Concat": "partial", "Upload-Metadata": "sha256 " + b64(good)},
		"length not number": {"Upload-Length": "1e3", "Upload-Metadata": "sha256 " + b64(good)},
	} {
		resp, body := h.tus(t, http.MethodPost, protocol.PathUploads, hd, nil)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d %s, want 400", name, resp.StatusCode, body)
			continue
		}
		wantProtocolError(t, body, protocol.CodeBadRequest)
	}
	resp, body := h.tus(t, http.MethodPost, protocol.PathUploads, map[string]string{
		"Upload-Length": "1001", "Upload-Metadata": "sha256 " + b64(good)}, nil)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("over MaxSize: %d %s, want 413", resp.StatusCode, body)
	}
	wantProtocolError(t, body, protocol.CodeTooLarge)
	if f := h.files(t); len(f) != 0 {
		t.Fatalf("refused creations left files %v", f)
	}
}

func TestBlobBadSumRefused(t *testing.T) {
	h := newBlobHub(t, 0)
	good := sumOf([]byte("x"))
	for _, bad := range []string{"", "../../../etc/passwd", strings.ToUpper(good), good[:63], good + "0",
		"../" + good[3:], good[:62] + "/.", "g" + good[1:]} {
		if _, ok, err := h.store.Has(bad); !errors.Is(err, ErrBadSum) || ok {
			t.Errorf("Has(%q) = %v, %v", bad, ok, err)
		}
		if f, err := h.store.Open(bad); !errors.Is(err, ErrBadSum) || errors.Is(err, fs.ErrNotExist) {
			if f != nil {
				f.Close()
			}
			t.Errorf("Open(%q): %v", bad, err)
		}
	}
	if _, ok, err := h.store.Has(good); ok || err != nil {
		t.Fatalf("Has(absent) = %v, %v", ok, err)
	}
	if _, err := h.store.Open(good); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Open(absent): %v, want fs.ErrNotExist", err)
	}
	// Upload ids are checked before tusd turns them into paths.
	for _, p := range []string{"../../etc/passwd", "..%2f..%2fsecret", "abc", strings.Repeat("A", 32), "x/" + good[:32]} {
		resp, _ := h.tus(t, http.MethodHead, protocol.PathUploads+p, nil, nil)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("HEAD upload %q: %d, want 404", p, resp.StatusCode)
		}
	}
}

func TestBlobStoredAtItsPath(t *testing.T) {
	h := newBlobHub(t, 0)
	content := bytes.Repeat([]byte("证据"), 5000)
	sum := sumOf(content)
	path := h.create(t, sum, len(content))
	if st, off, body := h.patch(t, path, 0, content[:7000]); st != http.StatusNoContent || off != "7000" {
		t.Fatalf("first PATCH: %d offset %s %s", st, off, body)
	}
	if st, _, body := h.patch(t, path, 6000, content[6000:]); st != http.StatusConflict {
		t.Fatalf("PATCH at a wrong offset: %d %s, want 409", st, body)
	}
	resp, _ := h.tus(t, http.MethodHead, path, nil, nil)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Upload-Offset") != "7000" {
		t.Fatalf("HEAD: %d offset %s", resp.StatusCode, resp.Header.Get("Upload-Offset"))
	}
	if got := resp.Header.Get("Upload-Metadata"); strings.Contains(got, "filename") {
		t.Fatalf("metadata besides the sum kept: %q", got)
	}
	if n, _ := h.store.Count(); n != 0 {
		t.Fatalf("Count during the upload = %d", n)
	}
	if st, off, body := h.patch(t, path, 7000, content[7000:]); st != http.StatusNoContent || off != strconv.Itoa(len(content)) {
		t.Fatalf("last PATCH: %d offset %s %s", st, off, body)
	}

	want := []string{sum[:2] + "/" + sum}
	if f := h.files(t); len(f) != 1 || f[0] != want[0] {
		t.Fatalf("files %v, want %v (and nothing partial)", f, want)
	}
	got, err := os.ReadFile(filepath.Join(h.dir, sum[:2], sum))
	if err != nil || !bytes.Equal(got, content) {
		t.Fatalf("stored file: %v, equal %v", err, bytes.Equal(got, content))
	}
	if n, err := h.store.Count(); n != 1 || err != nil {
		t.Fatalf("Count = %d, %v", n, err)
	}
	if size, ok, err := h.store.Has(sum); !ok || err != nil || size != int64(len(content)) {
		t.Fatalf("Has = %d %v %v", size, ok, err)
	}
	f, err := h.store.Open(sum)
	if err != nil {
		t.Fatal(err)
	}
	read, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(read, content) {
		t.Fatal("Open reads other content")
	}
	if resp, _ := h.tus(t, http.MethodHead, path, nil, nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("HEAD on a finished upload: %d, want 404", resp.StatusCode)
	}

	// The same content again: accepted, still one blob.
	path = h.create(t, sum, len(content))
	if st, _, body := h.patch(t, path, 0, content); st != http.StatusNoContent {
		t.Fatalf("duplicate upload: %d %s", st, body)
	}
	if f := h.files(t); len(f) != 1 {
		t.Fatalf("after a duplicate: files %v", f)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	size := strconv.Itoa(len(content))
	if len(h.stored) != 2 || h.stored[0] != sum+" "+size || h.stored[1] != h.stored[0] {
		t.Fatalf("onStored calls %v", h.stored)
	}
}

func TestBlobMismatchDeletesTheUpload(t *testing.T) {
	h := newBlobHub(t, 0)
	content := []byte("the evidence as announced")
	sum := sumOf(content)
	path := h.create(t, sum, len(content))
	bad := bytes.Clone(content)
	bad[3] ^= 1
	st, _, body := h.patch(t, path, 0, bad)
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("PATCH with other content: %d %s, want 422", st, body)
	}
	wantProtocolError(t, body, protocol.CodeBlobMismatch)
	if f := h.files(t); len(f) != 0 {
		t.Fatalf("a refused upload left files %v", f)
	}
	if resp, _ := h.tus(t, http.MethodHead, path, nil, nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("HEAD on a refused upload: %d, want 404", resp.StatusCode)
	}
	if n, _ := h.store.Count(); n != 0 || len(h.stored) != 0 {
		t.Fatalf("Count %d, onStored %v after a mismatch", n, h.stored)
	}
}

func TestBlobEmptyStoredAtCreation(t *testing.T) {
	h := newBlobHub(t, 0)
	sum := sumOf(nil)
	h.create(t, sum, 0)
	if size, ok, err := h.store.Has(sum); !ok || size != 0 || err != nil {
		t.Fatalf("empty blob: Has = %d %v %v", size, ok, err)
	}
}
