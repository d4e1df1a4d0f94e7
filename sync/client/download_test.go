package client

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/store"
	"jiefang/sync/hub/hubtest"
	"jiefang/sync/protocol"
)

// addEvidence stores content on desk and records it as evidence of the
// case id, with the size recorded as given (the file's own when < 0).
func addEvidence(t *testing.T, desk *store.Store, id uuid.UUID, name string, content []byte, size int64) string {
	t.Helper()
	ctx := context.Background()
	sum, n, err := desk.PutBlob(ctx, bytes.NewReader(content), "image/jpeg")
	if err != nil {
		t.Fatal(err)
	}
	if size < 0 {
		size = n
	}
	ev, err := cases.NewEvent(id, &cases.EvidenceAdd{EvidenceID: uuid.Must(uuid.NewV7()), SHA256: sum, FileName: name, MediaType: "image/jpeg", Size: size})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := desk.Append(ctx, ev); err != nil {
		t.Fatal(err)
	}
	return sum
}

// blobFiles lists every file under desk's blob directory, temporary ones
// included, relative to it.
func blobFiles(t *testing.T, desk *store.Store) []string {
	t.Helper()
	dir := strings.TrimSuffix(desk.Path(), filepath.Ext(desk.Path())) + ".blobs"
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// wantBlob fails unless desk holds content at BlobPath(sum).
func wantBlob(t *testing.T, desk *store.Store, sum string, content []byte) {
	t.Helper()
	got, err := os.ReadFile(desk.BlobPath(sum))
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(desk.Path()), err)
	}
	if !bytes.Equal(got, content) {
		t.Fatalf("%s: the evidence file differs from desk A's (%d bytes, want %d)", filepath.Base(desk.Path()), len(got), len(content))
	}
}

// wantNoBlob fails if desk holds anything for sum, or any file but those
// named in keep (temporary files of a download included), or lists it as
// stored.
func wantNoBlob(t *testing.T, desk *store.Store, sum string, keep ...string) {
	t.Helper()
	if _, err := os.Stat(desk.BlobPath(sum)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a file is at the blob's place: %v", err)
	}
	if files := blobFiles(t, desk); !slices.Equal(files, keep) {
		t.Fatalf("blob directory holds %q, want %q", files, keep)
	}
	if st, _ := desk.Stats(context.Background()); st.Blobs != int64(len(keep)) {
		t.Fatalf("the store records %d evidence files, want %d", st.Blobs, len(keep))
	}
	missing, err := desk.MissingBlobs(context.Background(), 10)
	if err != nil || !slices.ContainsFunc(missing, func(b store.Blob) bool { return b.SHA256 == sum }) {
		t.Fatalf("the file is not missing any more: %v %v", missing, err)
	}
}

// round runs one round for desk with its remote adjusted by set.
func round(ctx context.Context, t *testing.T, desk *store.Store, set func(*Remote)) (Report, error) {
	t.Helper()
	r := remoteOf(t, desk, 0)
	if set != nil {
		set(r)
	}
	return Round(ctx, desk, r)
}

// Desk A adds a photo to a case and syncs, uploading it; desk B of the
// same township pulls the case and, in the same round, gets the photo,
// byte for byte, recorded as one the hub holds (never uploaded or
// exported by B). The next round fetches nothing.
func TestPulledEvidenceIsDownloaded(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, bk hubtest.Backend) {
		ctx := context.Background()
		h := startHub(t, bk)
		dir := t.TempDir()
		a, b := openDesk(t, dir, "a.db", "王芳"), openDesk(t, dir, "b.db", "李强")
		h.enroll(t, a, "东镇")
		h.enroll(t, b, "东镇")
		id := openCase(t, a, "宅基地边界争议")
		photo := randomBytes(7, 3<<20+17)
		sum := addEvidence(t, a, id, "院墙.jpg", photo, -1)
		if rep := syncRound(t, a); rep.Blobs != 1 || rep.Downloaded != 0 {
			t.Fatalf("desk A's round: %+v, want the photo uploaded and nothing downloaded", rep)
		}
		rep := syncRound(t, b)
		if rep.Downloaded != 1 || rep.DownloadedBytes != int64(len(photo)) || rep.DownloadSkipped+rep.DownloadFailed != 0 || rep.Blobs != 0 {
			t.Fatalf("desk B's round: %+v, want the photo downloaded", rep)
		}
		wantBlob(t, b, sum, photo)
		if files := blobFiles(t, b); !slices.Equal(files, []string{sum[:2] + "/" + sum}) {
			t.Fatalf("desk B's blob directory: %q", files)
		}
		c, err := b.Case(ctx, id)
		if err != nil || len(c.Evidence) != 1 || c.Evidence[0].SHA256 != sum {
			t.Fatalf("desk B's case: %+v %v", c.Evidence, err)
		}
		if rc, err := b.OpenBlob(sum); err != nil {
			t.Fatal(err)
		} else {
			rc.Close()
		}
		if missing, err := b.MissingBlobs(ctx, 10); err != nil || len(missing) != 0 {
			t.Fatalf("still missing on desk B: %v %v", missing, err)
		}
		if pending, err := b.PendingBlobs(ctx, 10); err != nil || len(pending) != 0 {
			t.Fatalf("desk B would upload or export the downloaded file: %v %v", pending, err)
		}
		if rep := syncRound(t, b); rep.Downloaded+rep.DownloadSkipped+rep.DownloadFailed+rep.Blobs != 0 {
			t.Fatalf("desk B's next round: %+v, want nothing moved", rep)
		}
	})
}

// Desk A's events reach the hub before its photo (here: pushed alone).
// Desk B's round skips the photo quietly and keeps nothing; once A has
// uploaded it, B's next round fetches it.
func TestEvidenceNotOnHubIsFetchedLater(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, bk hubtest.Backend) {
		ctx := context.Background()
		h := startHub(t, bk)
		dir := t.TempDir()
		a, b := openDesk(t, dir, "a.db", "王芳"), openDesk(t, dir, "b.db", "李强")
		h.enroll(t, a, "东镇")
		h.enroll(t, b, "东镇")
		id := openCase(t, a, "宅基地边界争议")
		photo := randomBytes(8, 200<<10)
		sum := addEvidence(t, a, id, "院墙.jpg", photo, -1)
		if n, _, err := PushOnce(ctx, a, remoteOf(t, a, 0), Batch); err != nil || n != 3 {
			t.Fatalf("push: %d %v", n, err)
		}
		rep := syncRound(t, b)
		if rep.Pulled == 0 || rep.DownloadSkipped != 1 || rep.Downloaded+rep.DownloadFailed != 0 {
			t.Fatalf("desk B's round: %+v, want the case pulled and the photo skipped", rep)
		}
		if c, err := b.Case(ctx, id); err != nil || len(c.Evidence) != 1 {
			t.Fatalf("desk B's case: %+v %v", c, err)
		}
		wantNoBlob(t, b, sum)
		if rep := syncRound(t, a); rep.Blobs != 1 {
			t.Fatalf("desk A's round: %+v, want the photo uploaded", rep)
		}
		if rep := syncRound(t, b); rep.Downloaded != 1 || rep.DownloadSkipped != 0 {
			t.Fatalf("desk B's later round: %+v, want the photo downloaded", rep)
		}
		wantBlob(t, b, sum, photo)
	})
}

// Files the hub does not have cost a round few requests once they were
// missed: 25 are all asked for in the first round, 20 in the next; once
// uploaded, all come in one round.
func TestMissedEvidenceIsAskedForSparingly(t *testing.T) {
	h := startHub(t, hubtest.Backends()[0])
	ctx := context.Background()
	dir := t.TempDir()
	a, b := openDesk(t, dir, "a.db", "王芳"), openDesk(t, dir, "b.db", "李强")
	h.enroll(t, a, "东镇")
	p := newBlobProxy(t, h)
	p.enroll(t, h, b, "东镇")
	id := openCase(t, a, "宅基地边界争议")
	asks := &p.gets
	for i := range 25 {
		addEvidence(t, a, id, "照片"+strconv.Itoa(i)+".jpg", randomBytes(byte(40+i), 1000+i), -1)
	}
	if _, _, err := PushOnce(ctx, a, remoteOf(t, a, 0), Batch); err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{25, 20} {
		asks.Store(0)
		if rep := syncRound(t, b); rep.DownloadSkipped != want || asks.Load() != int64(want) {
			t.Fatalf("round %d: %+v, %d asks, want %d skipped", i+1, rep, asks.Load(), want)
		}
	}
	syncRound(t, a)
	if rep := syncRound(t, b); rep.Downloaded != 25 || rep.DownloadSkipped != 0 {
		t.Fatalf("after the upload: %+v, want all 25 downloaded", rep)
	}
	if missing, err := b.MissingBlobs(ctx, 100); err != nil || len(missing) != 0 {
		t.Fatalf("still missing: %v %v", missing, err)
	}
}

// blobProxy stands between a desk and the hub, counts evidence
// downloads and does to them what its mode says: "flip" a byte, "cut" the
// connection halfway, or "hang" halfway until the desk goes away.
type blobProxy struct {
	srv  *httptest.Server
	mode atomic.Pointer[string]
	gets atomic.Int64  // evidence downloads asked for
	hung chan struct{} // a hanging download has sent half its body
}

func newBlobProxy(t *testing.T, h *testHub) *blobProxy {
	t.Helper()
	p := &blobProxy{hung: make(chan struct{}, 1)}
	p.setMode("")
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, protocol.PathBlobs) {
			p.gets.Add(1)
		}
		body, _ := io.ReadAll(r.Body)
		out, err := http.NewRequestWithContext(r.Context(), r.Method, h.srv.URL+r.URL.RequestURI(), bytes.NewReader(body))
		if err != nil {
			t.Error(err)
			return
		}
		out.Header = r.Header.Clone()
		resp, err := h.srv.Client().Do(out)
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		answer, err := io.ReadAll(resp.Body)
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		for k, vs := range resp.Header {
			w.Header()[k] = vs
		}
		mode := *p.mode.Load()
		if mode == "" || r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, protocol.PathBlobs) || resp.StatusCode != http.StatusOK {
			w.WriteHeader(resp.StatusCode)
			w.Write(answer)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(answer)))
		half := len(answer) / 2
		switch mode {
		case "flip":
			answer[half] ^= 0x20
			w.WriteHeader(http.StatusOK)
			w.Write(answer)
		case "cut":
			w.WriteHeader(http.StatusOK)
			w.Write(answer[:half])
			panic(http.ErrAbortHandler)
		case "hang":
			w.WriteHeader(http.StatusOK)
			w.Write(answer[:half])
			w.(http.Flusher).Flush()
			select {
			case p.hung <- struct{}{}:
			default:
			}
			<-r.Context().Done()
		}
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *blobProxy) setMode(m string) { p.mode.Store(&m) }

// enroll enrolls desk as a device of unit that reaches the hub through p.
func (p *blobProxy) enroll(t *testing.T, h *testHub, desk *store.Store, unit string) {
	t.Helper()
	secret, err := h.store.NewEnrollment(context.Background(), unit)
	if err != nil {
		t.Fatal(err)
	}
	code := protocol.EnrollmentCode{URL: p.srv.URL, Secret: secret}.String()
	if _, err := Enroll(context.Background(), desk, DeviceInfo{ID: desk.Device().ID, Code: desk.Device().Code}, code); err != nil {
		t.Fatal(err)
	}
}

// A download whose content does not match the evidence record (a byte
// flipped on the way, the connection cut halfway) is refused: the round
// goes on, counts it, and keeps nothing, not even a temporary file. The
// next clean round fetches it.
func TestCorruptedDownloadIsRefused(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, bk hubtest.Backend) {
		h := startHub(t, bk)
		dir := t.TempDir()
		a, b := openDesk(t, dir, "a.db", "王芳"), openDesk(t, dir, "b.db", "李强")
		h.enroll(t, a, "东镇")
		p := newBlobProxy(t, h)
		p.enroll(t, h, b, "东镇")
		id := openCase(t, a, "宅基地边界争议")
		photo := randomBytes(9, 1<<20)
		sum := addEvidence(t, a, id, "院墙.jpg", photo, -1)
		syncRound(t, a)
		for _, mode := range []string{"flip", "cut"} {
			p.setMode(mode)
			rep := syncRound(t, b)
			if rep.DownloadFailed != 1 || rep.Downloaded+rep.DownloadSkipped != 0 {
				t.Fatalf("%s: desk B's round: %+v, want the download refused", mode, rep)
			}
			wantNoBlob(t, b, sum)
		}
		p.setMode("")
		if rep := syncRound(t, b); rep.Downloaded != 1 || rep.DownloadFailed != 0 {
			t.Fatalf("desk B's clean round: %+v, want the photo downloaded", rep)
		}
		wantBlob(t, b, sum, photo)
	})
}

// An evidence record whose size is not the file's: the file, though its
// SHA-256 is right, is refused without being read, and asked for again
// later (each time refused). The other evidence files come.
func TestDownloadOfWrongSizeIsRefused(t *testing.T) {
	h := startHub(t, hubtest.Backends()[0])
	dir := t.TempDir()
	a, b := openDesk(t, dir, "a.db", "王芳"), openDesk(t, dir, "b.db", "李强")
	h.enroll(t, a, "东镇")
	h.enroll(t, b, "东镇")
	id := openCase(t, a, "宅基地边界争议")
	wrong, right := []byte("照片：院墙"), []byte("照片：界桩，与院墙相距不足一米")
	bad := addEvidence(t, a, id, "院墙.jpg", wrong, int64(len(wrong))+1)
	good := addEvidence(t, a, id, "界桩.jpg", right, -1)
	syncRound(t, a)
	for i := range 2 {
		rep := syncRound(t, b)
		if rep.DownloadFailed != 1 || rep.Downloaded != 1-i {
			t.Fatalf("desk B's round %d: %+v, want one refused and the other downloaded once", i+1, rep)
		}
		wantNoBlob(t, b, bad, good[:2]+"/"+good)
		wantBlob(t, b, good, right)
	}
}

// The round is cancelled while a download hangs halfway: the round ends
// with the cancellation, and nothing of the file is kept. The same
// download stalling (nothing more for the stall time) is given up, the
// round going on. A later round fetches it.
func TestCancelledDownloadKeepsNothing(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, bk hubtest.Backend) {
		h := startHub(t, bk)
		dir := t.TempDir()
		a, b := openDesk(t, dir, "a.db", "王芳"), openDesk(t, dir, "b.db", "李强")
		h.enroll(t, a, "东镇")
		p := newBlobProxy(t, h)
		p.enroll(t, h, b, "东镇")
		id := openCase(t, a, "宅基地边界争议")
		photo := randomBytes(10, 2<<20)
		sum := addEvidence(t, a, id, "院墙.jpg", photo, -1)
		syncRound(t, a)
		p.setMode("hang")

		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		r := remoteOf(t, b, 0)
		var cancelled Report
		done := make(chan error, 1)
		go func() {
			var err error
			cancelled, err = Round(ctx, b, r)
			done <- err
		}()
		select {
		case <-p.hung:
		case err := <-done:
			t.Fatalf("the round ended before the download hung: %v", err)
		case <-time.After(30 * time.Second):
			t.Fatal("the download never started")
		}
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) || cancelled.Downloaded+cancelled.DownloadFailed+cancelled.DownloadSkipped != 0 {
				t.Fatalf("cancelled round: %+v %v, want context.Canceled and no download counted", cancelled, err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the round does not end when cancelled")
		}
		wantNoBlob(t, b, sum)

		start := time.Now()
		rep, err := round(context.Background(), t, b, func(r *Remote) { r.stall = 300 * time.Millisecond })
		if err != nil || rep.DownloadFailed != 1 || rep.Downloaded != 0 {
			t.Fatalf("stalled round: %+v %v, want the download given up and the round done", rep, err)
		}
		if took := time.Since(start); took > 20*time.Second {
			t.Errorf("the stalled download was given up after %v", took)
		}
		wantNoBlob(t, b, sum)

		p.setMode("")
		if rep := syncRound(t, b); rep.Downloaded != 1 {
			t.Fatalf("desk B's later round: %+v, want the photo downloaded", rep)
		}
		wantBlob(t, b, sum, photo)
	})
}

// One round fetches at most DownloadFiles files and DownloadBytes bytes,
// smallest first; a file larger than DownloadBytes still comes, alone.
func TestDownloadsAreBoundedPerRound(t *testing.T) {
	h := startHub(t, hubtest.Backends()[0])
	dir := t.TempDir()
	a, b := openDesk(t, dir, "a.db", "王芳"), openDesk(t, dir, "b.db", "李强")
	h.enroll(t, a, "东镇")
	h.enroll(t, b, "东镇")
	id := openCase(t, a, "宅基地边界争议")
	var sums []string
	var contents [][]byte
	for i, size := range []int{30 << 10, 10 << 10, 20 << 10, 40 << 10} {
		c := randomBytes(byte(20+i), size)
		sums = append(sums, addEvidence(t, a, id, "照片"+strconv.Itoa(i)+".jpg", c, -1))
		contents = append(contents, c)
	}
	syncRound(t, a)
	has := func() []int {
		var out []int
		for i, s := range sums {
			if _, err := os.Stat(b.BlobPath(s)); err == nil {
				wantBlob(t, b, s, contents[i])
				out = append(out, i)
			}
		}
		return out
	}
	ctx := context.Background()
	steps := []struct {
		set   func(*Remote)
		files int
		bytes int64
		have  []int
	}{
		{func(r *Remote) { r.DownloadFiles = 2 }, 2, 30 << 10, []int{1, 2}},
		{func(r *Remote) { r.DownloadBytes = 35 << 10 }, 1, 30 << 10, []int{0, 1, 2}},
		{func(r *Remote) { r.DownloadBytes = 1 << 10 }, 1, 40 << 10, []int{0, 1, 2, 3}},
	}
	for i, s := range steps {
		rep, err := round(ctx, t, b, s.set)
		if err != nil || rep.Downloaded != s.files || rep.DownloadedBytes != s.bytes {
			t.Fatalf("round %d: %+v %v, want %d files of %d bytes", i+1, rep, err, s.files, s.bytes)
		}
		if got := has(); !slices.Equal(got, s.have) {
			t.Fatalf("after round %d desk B has files %v, want %v", i+1, got, s.have)
		}
	}
}
