package protocol

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
)

// testBundle writes a bundle of n events of one device and the given
// evidence files.
func testBundle(t *testing.T, n int, files ...[]byte) ([]byte, ed25519.PrivateKey) {
	t.Helper()
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	m := BundleManifest{DeviceID: "dev-1", DeviceCode: "K7QX", Enrollment: "SECRET", CreatedAt: time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC)}
	blobs := map[string][]byte{}
	for _, f := range files {
		s := sha256.Sum256(f)
		sum := hex.EncodeToString(s[:])
		blobs[sum] = f
		m.Blobs = append(m.Blobs, BundleBlob{SHA256: sum, Size: int64(len(f))})
	}
	id := uuid.Must(uuid.NewV7())
	var evs []Event
	prev := ""
	for i := 0; i < n; i++ {
		e, err := cases.NewEvent(id, &cases.NoteAdd{NoteID: uuid.Must(uuid.NewV7()), Text: fmt.Sprintf("第%d次走访", i)})
		if err != nil {
			t.Fatal(err)
		}
		e.ID, e.Actor, e.DeviceID, e.DeviceSeq, e.PrevHash = uuid.Must(uuid.NewV7()), "网格员", "dev-1", int64(i+1), prev
		e.At = time.Date(2026, 11, 28, 9, 0, i, 0, time.UTC)
		e.Hash = e.ComputeHash()
		prev = e.Hash
		evs = append(evs, FromEvent(e))
	}
	var buf bytes.Buffer
	err := WriteBundle(&buf, m, evs, key, func(sum string) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(blobs[sum])), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), key
}

func read(data []byte) (*Bundle, error) { return ReadBundle(bytes.NewReader(data), int64(len(data))) }

func TestBundleRoundTrip(t *testing.T) {
	photo := bytes.Repeat([]byte("JPEG"), 5000)
	data, key := testBundle(t, 3, photo, []byte("扫描件"))
	b, err := read(data)
	if err != nil {
		t.Fatal(err)
	}
	m := b.Manifest
	if m.Format != BundleFormat || m.Version != Version || m.Events != 3 || len(b.Events) != 3 || m.Enrollment != "SECRET" ||
		!bytes.Equal(m.PublicKey, key.Public().(ed25519.PublicKey)) || !b.Complete() || len(b.ID) != 64 {
		t.Fatalf("read back %+v, %d events", m, len(b.Events))
	}
	for _, e := range b.Events {
		if w := e.ToEvent(); w.ComputeHash() != w.Hash {
			t.Fatalf("event %s changed its hash in the bundle", e.ID)
		}
	}
	rc, err := b.OpenBlob(m.Blobs[0].SHA256)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, photo) {
		t.Fatal("evidence file changed")
	}
	// A thin copy has the same id and content, and no files.
	thin, err := b.Thin()
	if err != nil {
		t.Fatal(err)
	}
	tb, err := read(thin)
	if err != nil {
		t.Fatal(err)
	}
	if tb.ID != b.ID || tb.Complete() || tb.HasBlob(m.Blobs[0].SHA256) || !reflect.DeepEqual(tb.Events, b.Events) {
		t.Fatalf("thin copy: id %s vs %s, complete %v", tb.ID, b.ID, tb.Complete())
	}
	if len(thin) >= len(data)-len(photo) {
		t.Errorf("thin copy of %d bytes, full one %d with a %d-byte file", len(thin), len(data), len(photo))
	}
}

// Flipping any one byte of a bundle file either refuses it or leaves
// everything that is signed as it was (a byte of zip bookkeeping the
// reader does not use, such as a local header's copy of a name or a
// time): never a different content that passes.
func TestBundleEveryFlippedByte(t *testing.T) {
	data, _ := testBundle(t, 2, []byte("现场照片"))
	orig, err := read(data)
	if err != nil {
		t.Fatal(err)
	}
	want := contentOf(t, orig)
	refused := 0
	for i := range data {
		bad := bytes.Clone(data)
		bad[i] ^= 0x01
		b, err := read(bad)
		if err != nil {
			if !errors.Is(err, ErrBadBundle) {
				t.Fatalf("byte %d: refused without ErrBadBundle: %v", i, err)
			}
			refused++
			continue
		}
		if b.ID != orig.ID || !reflect.DeepEqual(contentOf(t, b), want) {
			t.Fatalf("byte %d flipped: a different content passed", i)
		}
	}
	if refused < len(data)/2 {
		t.Errorf("only %d of %d flips refused", refused, len(data))
	}
	t.Logf("%d of %d single-byte flips refused; the rest changed nothing signed", refused, len(data))
}

// contentOf is everything a reader takes from a bundle.
func contentOf(t *testing.T, b *Bundle) []any {
	out := []any{b.Manifest, b.Events}
	for _, bl := range b.Manifest.Blobs {
		rc, err := b.OpenBlob(bl.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}

// rezip copies a bundle, changing or adding entries.
func rezip(t *testing.T, data []byte, change func(name string, content []byte) []byte, extra map[string][]byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	write := func(name string, content []byte) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(content)
	}
	for _, f := range zr.File {
		rc, _ := f.Open()
		content, _ := io.ReadAll(rc)
		rc.Close()
		if content = change(f.Name, content); content != nil {
			write(f.Name, content)
		}
	}
	for name, content := range extra {
		write(name, content)
	}
	zw.Close()
	return buf.Bytes()
}

func TestBundleRefusals(t *testing.T) {
	data, _ := testBundle(t, 2, []byte("现场照片"))
	keep := func(string, []byte) []byte { return nil }
	same := func(_ string, c []byte) []byte { return c }
	flip := func(prefix string) func(string, []byte) []byte {
		return func(name string, c []byte) []byte {
			if strings.HasPrefix(name, prefix) {
				c = bytes.Clone(c)
				c[len(c)/2] ^= 0x20
			}
			return c
		}
	}
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"not a zip", []byte("PK but not really"), "zip"},
		{"re-zipped unchanged", rezip(t, data, same, nil), ""},
		{"events changed", rezip(t, data, flip("events.json"), nil), "signature"},
		{"manifest changed", rezip(t, data, flip("manifest.json"), nil), ""},
		{"evidence file changed", rezip(t, data, flip("blobs/"), nil), "evidence file"},
		{"signature changed", rezip(t, data, flip("signature"), nil), "signature"},
		{"an entry added", rezip(t, data, same, map[string][]byte{"readme.txt": []byte("hi")}), "unexpected entry"},
		{"a path outside", rezip(t, data, same, map[string][]byte{"blobs/../../etc/passwd": []byte("x")}), "unexpected entry"},
		{"an unlisted file", rezip(t, data, same, map[string][]byte{"blobs/" + strings.Repeat("ab", 32): []byte("x")}), "not in the manifest"},
		{"no signature", rezip(t, data, func(n string, c []byte) []byte {
			if n == "signature" {
				return nil
			}
			return c
		}, nil), "no signature"},
		{"empty", rezip(t, data, keep, nil), "no manifest.json"},
		{"signed by another key", rezip(t, data, func(n string, c []byte) []byte {
			if n == "signature" {
				return ed25519.Sign(other, []byte("x"))
			}
			return c
		}, nil), "signature"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := read(tc.data)
			if tc.name == "re-zipped unchanged" {
				if err != nil {
					t.Fatalf("a faithful copy refused: %v", err)
				}
				return
			}
			if err == nil || !errors.Is(err, ErrBadBundle) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want a refusal about %q", err, tc.want)
			}
		})
	}
}

// A file that lies about its size in the zip headers is read no further
// than the limit.
func TestBundleBoundedRead(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("manifest.json")
	w.Write(bytes.Repeat([]byte(" "), MaxBundleManifest+10)) // deflates to almost nothing
	w, _ = zw.Create("events.json")
	w.Write([]byte("[]"))
	w, _ = zw.Create("signature")
	w.Write(make([]byte, ed25519.SignatureSize))
	zw.Close()
	_, err := read(buf.Bytes())
	if err == nil || !strings.Contains(err.Error(), "at most") {
		t.Fatalf("an oversized manifest: %v", err)
	}
}

func TestWriteBundleChecksFiles(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	m := BundleManifest{DeviceID: "dev-1", Blobs: []BundleBlob{{SHA256: strings.Repeat("0", 64), Size: 4}}}
	err := WriteBundle(io.Discard, m, nil, key, func(string) (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader("abcd")), nil
	})
	if err == nil || !strings.Contains(err.Error(), "changed or damaged") {
		t.Fatalf("a damaged evidence file was written: %v", err)
	}
}
