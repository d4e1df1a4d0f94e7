package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/uuid"

	"jiefang/cases"
)

// Events the hub refused leave the outbox for the rejected list, which
// names their case; the count agrees with the list.
func TestRejectMovesEventsOutOfTheOutbox(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	id := uuid.Must(uuid.NewV7())
	stored, err := s.Append(ctx, ev(t, id, &cases.Opened{Channel: cases.ChannelVisit, Category: "噪音", Summary: "夜间施工"}),
		ev(t, id, &cases.NoteAdd{NoteID: uuid.Must(uuid.NewV7()), Text: "已登记"}))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Reject(ctx, []Rejection{{EventID: stored[1].ID, Code: "bad_event", Message: "格式不对"}}); err != nil {
		t.Fatal(err)
	}
	n, err := s.RejectedCount(ctx)
	if err != nil || n != 1 {
		t.Fatalf("count %d %v", n, err)
	}
	list, err := s.Rejected(ctx)
	if err != nil || len(list) != 1 || list[0].EventID != stored[1].ID || list[0].CaseNumber == "" || list[0].Message != "格式不对" {
		t.Fatalf("list %+v %v", list, err)
	}
	pending, _ := s.Pending(ctx, 10)
	if len(pending) != 1 || pending[0].ID != stored[0].ID {
		t.Fatalf("outbox after the refusal: %d events", len(pending))
	}
}

// Evidence files that evidence records refer to and the store does not
// hold are missing: smallest first, those missed since behind the rest,
// in the order of their misses. A file stored here (the desk's own, or
// kept after a download) is not missing.
func TestMissingBlobs(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	own := []byte("本机拍的照片")
	ownSum, ownSize, err := s.PutBlob(ctx, bytes.NewReader(own), "image/jpeg")
	if err != nil {
		t.Fatal(err)
	}
	small, big, other := strings.Repeat("ab", 32), strings.Repeat("cd", 32), strings.Repeat("ef", 32)
	id := uuid.Must(uuid.NewV7())
	add := func(sum string, size int64) cases.Event {
		return ev(t, id, &cases.EvidenceAdd{EvidenceID: uuid.Must(uuid.NewV7()), SHA256: sum, FileName: "照片.jpg", MediaType: "image/jpeg", Size: size})
	}
	if _, err := s.Append(ctx, ev(t, id, &cases.Opened{Channel: cases.ChannelVisit, Category: "噪音", Summary: "夜间施工"}),
		add(big, 3000), add(ownSum, ownSize), add(small, 10), add(other, 2000), add(small, 10)); err != nil {
		t.Fatal(err)
	}
	order := func() []string {
		t.Helper()
		bs, err := s.MissingBlobs(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, b := range bs {
			out = append(out, fmt.Sprintf("%s:%d", b.SHA256[:2], b.Size))
		}
		return out
	}
	for _, step := range []struct {
		miss string
		want []string
	}{
		{"", []string{"ab:10", "ef:2000", "cd:3000"}},
		{small, []string{"ef:2000", "cd:3000", "ab:10"}},
		{big, []string{"ef:2000", "ab:10", "cd:3000"}},
		{small, []string{"ef:2000", "cd:3000", "ab:10"}},
		{other, []string{"cd:3000", "ab:10", "ef:2000"}},
	} {
		if step.miss != "" {
			if err := s.MissedBlobs(ctx, []BlobMiss{{SHA256: step.miss, Reason: "absent"}}); err != nil {
				t.Fatal(err)
			}
		}
		if got := order(); !slices.Equal(got, step.want) {
			t.Fatalf("after a miss of %.2s: %v, want %v", step.miss, got, step.want)
		}
	}
	// Misses recorded together keep their order.
	if err := s.MissedBlobs(ctx, []BlobMiss{{SHA256: small, Reason: "cut"}, {SHA256: big, Reason: "absent"}}); err != nil {
		t.Fatal(err)
	}
	bs, err := s.MissingBlobs(ctx, 10)
	if err != nil || len(bs) != 3 {
		t.Fatalf("%v %v", bs, err)
	}
	if bs[0].SHA256 != other || bs[0].Misses != 1 || bs[1].SHA256 != small || bs[1].Misses != 3 || bs[2].SHA256 != big || bs[2].Misses != 2 {
		t.Fatalf("after two misses at once: %+v", bs)
	}
	if bs, err := s.MissingBlobs(ctx, 1); err != nil || len(bs) != 1 || bs[0].SHA256 != other {
		t.Fatalf("limit 1: %v %v", bs, err)
	}
}

// KeepBlob puts a downloaded file in place only if it is the file asked
// for; otherwise it keeps nothing, not even a temporary file. A kept file
// is no longer missing, and is not to be uploaded.
func TestKeepBlob(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	content := []byte("证据：收据一张，金额三千元")
	sum := fmt.Sprintf("%x", sha256.Sum256(content))
	id := uuid.Must(uuid.NewV7())
	if _, err := s.Append(ctx, ev(t, id, &cases.Opened{Channel: cases.ChannelVisit, Category: "拖欠工资", Summary: "工地欠薪"}),
		ev(t, id, &cases.EvidenceAdd{EvidenceID: uuid.Must(uuid.NewV7()), SHA256: sum, FileName: "收据.jpg", MediaType: "image/jpeg", Size: int64(len(content))})); err != nil {
		t.Fatal(err)
	}
	nothingKept := func(what string) {
		t.Helper()
		if ents, _ := os.ReadDir(s.blobDir); len(ents) != 0 {
			t.Fatalf("%s: the blob directory holds %d entries", what, len(ents))
		}
		if bs, _ := s.MissingBlobs(ctx, 10); len(bs) != 1 {
			t.Fatalf("%s: missing %v", what, bs)
		}
	}
	flipped := bytes.Clone(content)
	flipped[3] ^= 1
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	for _, c := range []struct {
		what     string
		ctx      context.Context
		r        io.Reader
		mismatch bool
	}{
		{"a byte flipped", ctx, bytes.NewReader(flipped), true},
		{"one byte more", ctx, bytes.NewReader(append(bytes.Clone(content), '!')), true},
		{"one byte less", ctx, bytes.NewReader(content[:len(content)-1]), true},
		{"a read error halfway", ctx, io.MultiReader(bytes.NewReader(content[:5]), iotest.ErrReader(io.ErrUnexpectedEOF)), false},
		{"cancelled", cancelled, bytes.NewReader(content), false},
	} {
		err := s.KeepBlob(c.ctx, sum, int64(len(content)), c.r)
		if err == nil || errors.Is(err, ErrBlobMismatch) != c.mismatch {
			t.Fatalf("%s: %v", c.what, err)
		}
		nothingKept(c.what)
	}
	if err := s.KeepBlob(ctx, "../"+sum[3:], int64(len(content)), bytes.NewReader(content)); err == nil {
		t.Fatal("a bad sum was accepted")
	}
	if err := s.MissedBlobs(ctx, []BlobMiss{{SHA256: sum, Reason: "mismatch"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.KeepBlob(ctx, sum, int64(len(content)), bytes.NewReader(content)); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(s.BlobPath(sum))
	if err != nil || !bytes.Equal(got, content) {
		t.Fatalf("kept file: %q %v", got, err)
	}
	if bs, err := s.MissingBlobs(ctx, 10); err != nil || len(bs) != 0 {
		t.Fatalf("still missing: %v %v", bs, err)
	}
	if bs, err := s.PendingBlobs(ctx, 10); err != nil || len(bs) != 0 {
		t.Fatalf("a downloaded file waits for upload: %v %v", bs, err)
	}
	var misses int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM blob_misses`).Scan(&misses); err != nil || misses != 0 {
		t.Fatalf("misses left: %d %v", misses, err)
	}
	// Kept again (a crash between the rename and the record), the file is
	// kept once; a damaged file at its place is replaced.
	if err := os.WriteFile(s.BlobPath(sum), flipped, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.KeepBlob(ctx, sum, int64(len(content)), bytes.NewReader(content)); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(s.BlobPath(sum)); !bytes.Equal(got, content) {
		t.Fatalf("damaged file not replaced: %q", got)
	}
	if st, _ := s.Stats(ctx); st.Blobs != 1 {
		t.Fatalf("%d blobs recorded", st.Blobs)
	}
}
