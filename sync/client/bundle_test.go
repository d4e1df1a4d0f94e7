package client

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/store"
	"jiefang/sync/hub/hubtest"
	"jiefang/sync/protocol"
)

// recordWithEvidence records, on a grid worker's desk, a case with a
// photo as evidence, and returns the case id, the photo's sum and bytes.
func recordWithEvidence(t *testing.T, w *store.Store) (uuid.UUID, string, []byte) {
	t.Helper()
	ctx := context.Background()
	id := openCase(t, w, "村道塌方无人修")
	photo := bytes.Repeat([]byte("现场照片 JPEG "), 3000)
	sum, size, err := w.PutBlob(ctx, bytes.NewReader(photo), "image/jpeg")
	if err != nil {
		t.Fatal(err)
	}
	ev, err := cases.NewEvent(id, &cases.EvidenceAdd{EvidenceID: uuid.Must(uuid.NewV7()), SHA256: sum, FileName: "塌方.jpg", MediaType: "image/jpeg", Size: size})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Append(ctx, ev); err != nil {
		t.Fatal(err)
	}
	return id, sum, photo
}

// offlineCode is an enrollment code of a hub nobody asks: exporting and
// importing never go online.
func offlineCode() string {
	return protocol.EnrollmentCode{URL: "http://127.0.0.1:9", Secret: "NEVERASKED"}.String()
}

func usbPath(t *testing.T, name string) string {
	dir := filepath.Join(t.TempDir(), "U盘")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, name)
}

// A grid worker's device that has never been online records a case with
// evidence and exports a bundle carrying its unit's enrollment code.
// Desk A of the same township imports it and syncs: the hub enrolls the
// worker's device with the bundle's key, stores its events (numbering the
// case) and its photo, and desk B of the township pulls the case. A's
// relay list keeps only a receipt. When the worker later comes online
// with a code of its own, its events, still in its outbox, are answered
// as duplicates.
func TestBundleRelayedThroughDesk(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, bk hubtest.Backend) {
		ctx := context.Background()
		h := startHub(t, bk)
		dir := t.TempDir()
		w := openDesk(t, dir, "worker.db", "网格员张三")
		a, b := openDesk(t, dir, "a.db", "王芳"), openDesk(t, dir, "b.db", "李强")
		h.enroll(t, a, "东镇")
		h.enroll(t, b, "东镇")
		id, sum, photo := recordWithEvidence(t, w)

		path := usbPath(t, "网格员.jfb")
		ex, err := ExportBundle(ctx, w, path, h.code(t, "东镇"))
		if err != nil {
			t.Fatal(err)
		}
		if ex.Events != 3 || ex.Blobs != 1 || ex.BlobBytes != int64(len(photo)) || !ex.Enrollment || ex.Size < int64(len(photo)) {
			t.Fatalf("export %+v", ex)
		}
		if st, _ := w.Stats(ctx); st.Outbox != 3 {
			t.Fatalf("exporting acknowledged events: outbox %d", st.Outbox)
		}
		cred, ok, _ := LoadCredential(ctx, w)
		if !ok || cred.Enrolled() || cred.HubURL != h.srv.URL {
			t.Fatalf("pending credential %+v %v", cred, ok)
		}

		im, err := ImportBundle(ctx, a, path)
		if err != nil {
			t.Fatal(err)
		}
		if im.Already || im.DeviceID != w.Device().ID || im.Events != 3 || im.Blobs != 1 || !im.Enrollment {
			t.Fatalf("import %+v", im)
		}
		rep := syncRound(t, a)
		if rep.Relayed != 1 || rep.RelayedEvents != 3 || rep.RelayRejected != 0 || rep.RelayRefused != 0 || rep.Blobs != 1 {
			t.Fatalf("desk A's round %+v", rep)
		}
		if rep.Pulled != 4 {
			t.Errorf("desk A pulled %d, want the worker's 3 events and the official number", rep.Pulled)
		}

		dev, err := h.store.Device(ctx, w.Device().ID)
		if err != nil {
			t.Fatalf("the worker's device is not enrolled: %v", err)
		}
		if dev.Unit != "东镇" || !bytes.Equal(dev.PublicKey, cred.Key.Public().(ed25519.PublicKey)) || dev.Code != w.Device().Code {
			t.Errorf("enrolled as %+v", dev)
		}
		if st, _ := h.store.Stats(ctx); st.Events != 4 || st.Devices != 3 || st.Quarantined != 0 {
			t.Errorf("hub %+v, want the worker's 3 events and an official number", st)
		}
		if waiting, _ := a.PendingRelays(ctx); len(waiting) != 0 {
			t.Errorf("bundles still waiting on A: %+v", waiting)
		}
		if rs, _ := a.Relays(ctx); len(rs) != 1 || rs[0].Waiting() {
			t.Errorf("A's receipts: %+v", rs)
		} else if _, err := a.RelayBundle(ctx, rs[0].ID); !errors.Is(err, store.ErrRelayed) {
			t.Errorf("A still holds the relayed bundle's bytes: %v", err)
		}

		syncRound(t, b)
		c, err := b.Case(ctx, id)
		if err != nil {
			t.Fatalf("desk B does not see the worker's case: %v", err)
		}
		if !strings.HasPrefix(c.Number(), "XF") || c.Summary != "村道塌方无人修" || len(c.Evidence) != 1 || c.Evidence[0].SHA256 != sum {
			t.Errorf("desk B's copy: number %q, %+v", c.Number(), c.Evidence)
		}
		if got := fetchBlob(t, b, sum); !bytes.Equal(got, photo) {
			t.Errorf("the hub serves %d bytes for the photo, want %d", len(got), len(photo))
		}

		// Later the worker gets online with a code of its own: the key of
		// its bundles is kept, and what the hub has is answered duplicate.
		h.enroll(t, w, "东镇")
		rep = syncRound(t, w)
		if rep.Pushed != 3 || rep.Rejected != 0 {
			t.Fatalf("worker's first online round %+v", rep)
		}
		if st, _ := h.store.Stats(ctx); st.Events != 4 || st.Devices != 3 {
			t.Errorf("the worker's online sync stored its events twice: %+v", st)
		}
		if again, _ := h.store.Device(ctx, w.Device().ID); !bytes.Equal(again.PublicKey, dev.PublicKey) {
			t.Error("enrolling online changed the worker's key")
		}
		if st, _ := w.Stats(ctx); st.Outbox != 0 {
			t.Errorf("worker outbox %d after its round", st.Outbox)
		}
	})
}

// fetchBlob gets an evidence file from the hub as desk d.
func fetchBlob(t *testing.T, d *store.Store, sum string) []byte {
	t.Helper()
	cred, _, _ := LoadCredential(context.Background(), d)
	r, err := NewRemote(cred)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := r.send(context.Background(), http.MethodGet, protocol.PathBlobs+sum, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET blob: %s", resp.Status)
	}
	data, _ := io.ReadAll(resp.Body)
	return data
}

// Importing a bundle twice, or a copy of it zipped anew, keeps one; once
// relayed, importing it again and syncing changes nothing at the hub. A
// later bundle of the same device, holding the same events again (export
// acknowledges nothing), is answered duplicate.
func TestBundleImportTwiceChangesNothing(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, bk hubtest.Backend) {
		ctx := context.Background()
		h := startHub(t, bk)
		dir := t.TempDir()
		w, a := openDesk(t, dir, "worker.db", "网格员张三"), openDesk(t, dir, "a.db", "王芳")
		h.enroll(t, a, "东镇")
		recordWithEvidence(t, w)
		path := usbPath(t, "first.jfb")
		if _, err := ExportBundle(ctx, w, path, h.code(t, "东镇")); err != nil {
			t.Fatal(err)
		}
		first, err := ImportBundle(ctx, a, path)
		if err != nil {
			t.Fatal(err)
		}
		_, blobBytes, _ := a.PendingCounts(ctx)
		copyPath := usbPath(t, "copy.jfb")
		os.WriteFile(copyPath, rezip(t, path, nil), 0o600)
		for _, p := range []string{path, copyPath} {
			again, err := ImportBundle(ctx, a, p)
			if err != nil || !again.Already || again.Relayed || again.ID != first.ID {
				t.Fatalf("import of %s again: %+v %v", filepath.Base(p), again, err)
			}
		}
		if rs, _ := a.Relays(ctx); len(rs) != 1 {
			t.Fatalf("%d relay rows, want 1", len(rs))
		}
		if _, b, _ := a.PendingCounts(ctx); b != blobBytes {
			t.Errorf("evidence waiting for upload grew from %d to %d bytes", blobBytes, b)
		}
		if rep := syncRound(t, a); rep.Relayed != 1 {
			t.Fatalf("round %+v", rep)
		}
		before, _ := h.store.Stats(ctx)

		again, err := ImportBundle(ctx, a, path)
		if err != nil || !again.Already || !again.Relayed {
			t.Fatalf("import after relay: %+v %v", again, err)
		}
		if rep := syncRound(t, a); rep.Relayed != 0 || rep.RelayRefused != 0 {
			t.Errorf("a relayed bundle was sent again: %+v", rep)
		}
		// The worker records more and exports again: the new bundle holds
		// the first one's events too.
		openCase(t, w, "灌溉渠堵塞")
		second := usbPath(t, "second.jfb")
		if ex, err := ExportBundle(ctx, w, second, ""); err != nil || ex.Events != 5 || !ex.Enrollment {
			t.Fatalf("second export %+v %v", ex, err)
		}
		if _, err := ImportBundle(ctx, a, second); err != nil {
			t.Fatal(err)
		}
		rep := syncRound(t, a)
		if rep.Relayed != 1 || rep.RelayedEvents != 5 || rep.RelayRejected != 0 {
			t.Fatalf("second bundle: %+v", rep)
		}
		after, _ := h.store.Stats(ctx)
		if after.Events != before.Events+3 || after.Devices != before.Devices || after.Quarantined != 0 {
			t.Errorf("hub before %+v, after %+v: want only the new case's 2 events and its number", before, after)
		}
	})
}

// rezip copies a bundle file entry by entry, passing each through change
// (nil: unchanged).
func rezip(t *testing.T, path string, change func(name string, content []byte) []byte) []byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, _ := f.Open()
		content, _ := io.ReadAll(rc)
		rc.Close()
		if change != nil {
			content = change(f.Name, content)
		}
		fw, _ := zw.Create(f.Name)
		fw.Write(content)
	}
	zw.Close()
	return buf.Bytes()
}

// flipIn flips one byte in the middle of the entries whose name starts
// with prefix.
func flipIn(prefix string) func(string, []byte) []byte {
	return func(name string, c []byte) []byte {
		if strings.HasPrefix(name, prefix) {
			c = bytes.Clone(c)
			c[len(c)/2] ^= 0x01
		}
		return c
	}
}

// A bundle changed after export (one byte of events.json, or of an
// evidence file) is refused with a clear message and nothing is kept;
// so is a bundle of the importing desk's own device.
func TestTamperedBundleRefused(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w, a := openDesk(t, dir, "worker.db", "网格员张三"), openDesk(t, dir, "a.db", "王芳")
	recordWithEvidence(t, w)
	path := usbPath(t, "bundle.jfb")
	if _, err := ExportBundle(ctx, w, path, offlineCode()); err != nil {
		t.Fatal(err)
	}
	for _, prefix := range []string{"events.json", "blobs/", "manifest.json"} {
		bad := usbPath(t, "bad.jfb")
		os.WriteFile(bad, rezip(t, path, flipIn(prefix)), 0o600)
		_, err := ImportBundle(ctx, a, bad)
		if err == nil {
			t.Fatalf("a bundle with a byte of %s flipped was imported", prefix)
		}
		if msg := UserMessage(err); msg != errBadBundle || !errors.Is(err, protocol.ErrBadBundle) {
			t.Errorf("%s flipped: message %q, error %v", prefix, msg, err)
		}
	}
	if rs, _ := a.Relays(ctx); len(rs) != 0 {
		t.Errorf("a tampered bundle was kept: %+v", rs)
	}
	if st, _ := a.Stats(ctx); st.Blobs != 0 {
		t.Errorf("a tampered bundle's files were kept: %d", st.Blobs)
	}
	// The untouched file still imports.
	if _, err := ImportBundle(ctx, a, path); err != nil {
		t.Fatal(err)
	}
	if _, err := ImportBundle(ctx, w, path); err == nil || !strings.Contains(UserMessage(err), "本机自己导出") {
		t.Errorf("a desk imported its own bundle: %v", err)
	}
	if _, err := ImportBundle(ctx, a, filepath.Join(dir, "nowhere.jfb")); err == nil || !strings.Contains(UserMessage(err), "打不开") {
		t.Errorf("a missing file: %v", err)
	}
}

func TestExportNeedsAKeyOrACode(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w := openDesk(t, dir, "worker.db", "网格员张三")
	openCase(t, w, "路灯不亮")
	path := usbPath(t, "b.jfb")
	_, err := ExportBundle(ctx, w, path, "")
	if err == nil || !strings.Contains(UserMessage(err), "入网码") {
		t.Fatalf("export without key or code: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Error("a failed export left a file")
	}
	if _, err := ExportBundle(ctx, w, path, "JF1-garbage"); err == nil {
		t.Fatal("a malformed code was taken")
	}
	// The second export without a code reuses the key and the code.
	if _, err := ExportBundle(ctx, w, path, offlineCode()); err != nil {
		t.Fatal(err)
	}
	first, _, _ := LoadCredential(ctx, w)
	if _, err := ExportBundle(ctx, w, path, ""); err != nil {
		t.Fatal(err)
	}
	second, _, _ := LoadCredential(ctx, w)
	if !first.Key.Equal(second.Key) {
		t.Error("a second export made a new key")
	}
	m := manifestOf(t, path)
	if m.Enrollment != "NEVERASKED" || !bytes.Equal(m.PublicKey, first.Key.Public().(ed25519.PublicKey)) || m.DeviceID != w.Device().ID {
		t.Errorf("second bundle's manifest %+v", m)
	}
	// A missing directory, and an evidence file damaged on this desk:
	// refused, no file written.
	if _, err := ExportBundle(ctx, w, filepath.Join(dir, "no-such-dir", "b.jfb"), ""); err == nil || !strings.Contains(UserMessage(err), "写U盘包失败") {
		t.Errorf("export into a missing directory: %v", err)
	}
	_, sum, _ := recordWithEvidence(t, w)
	if err := os.WriteFile(w.BlobPath(sum), []byte("被改动的照片"), 0o600); err != nil {
		t.Fatal(err)
	}
	damaged := usbPath(t, "damaged.jfb")
	if _, err := ExportBundle(ctx, w, damaged, ""); err == nil || !strings.Contains(UserMessage(err), "证据文件缺失或已损坏") {
		t.Errorf("export with a damaged evidence file: %v", err)
	}
	if ents, _ := os.ReadDir(filepath.Dir(damaged)); len(ents) != 0 {
		t.Errorf("a failed export left %d files", len(ents))
	}
	d := openDesk(t, dir, "demo.db", "演示")
	d.MarkDemo(ctx)
	if _, err := ExportBundle(ctx, d, usbPath(t, "demo.jfb"), offlineCode()); err == nil || !strings.Contains(UserMessage(err), "演示") {
		t.Errorf("a demo database exported: %v", err)
	}
}

func manifestOf(t *testing.T, path string) protocol.BundleManifest {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	rc, err := zr.Open("manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var m protocol.BundleManifest
	if err := json.NewDecoder(rc).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// A bundle of a device the hub knows with another key is refused (403,
// bundle_refused): it keeps waiting on the desk with the hub's reason,
// the desk's own sync goes on, and nothing of the bundle is stored.
func TestBundleOfDeviceWithAnotherKeyRefused(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, bk hubtest.Backend) {
		ctx := context.Background()
		h := startHub(t, bk)
		dir := t.TempDir()
		w, a := openDesk(t, dir, "worker.db", "网格员张三"), openDesk(t, dir, "a.db", "王芳")
		h.enroll(t, w, "东镇")
		h.enroll(t, a, "东镇")
		openCase(t, w, "路灯不亮")
		// The worker's device id, but a key the hub never saw.
		cred, _, _ := LoadCredential(ctx, w)
		_, cred.Key, _ = ed25519.GenerateKey(rand.Reader)
		if err := SaveCredential(ctx, w, cred); err != nil {
			t.Fatal(err)
		}
		path := usbPath(t, "forged.jfb")
		if ex, err := ExportBundle(ctx, w, path, ""); err != nil || ex.Enrollment {
			t.Fatalf("export %+v %v", ex, err)
		}
		if _, err := ImportBundle(ctx, a, path); err != nil {
			t.Fatal(err)
		}
		openCase(t, a, "楼上漏水")

		// The refusal does not end the round, and the next round tries
		// again.
		for round, pushed := range []int{2, 0} {
			rep := syncRound(t, a)
			if rep.Pushed != pushed || rep.Relayed != 0 || rep.RelayRefused != 1 || !strings.Contains(rep.RelayErr, "拒收") {
				t.Fatalf("round %d: %+v", round+1, rep)
			}
		}
		waiting, _ := a.PendingRelays(ctx)
		if len(waiting) != 1 || !strings.Contains(waiting[0].Error, protocol.CodeBundleRefused.Message()) {
			t.Fatalf("the refused bundle: %+v", waiting)
		}
		if st, _ := h.store.Stats(ctx); st.Events != 3 || st.Quarantined != 0 {
			t.Errorf("hub %+v: want desk A's 2 events and a number, nothing of the bundle", st)
		}
		// On the wire: 403 with the code.
		data, err := a.RelayBundle(ctx, waiting[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		acred, _, _ := LoadCredential(ctx, a)
		r, _ := NewRemote(acred)
		resp, err := r.send(ctx, http.MethodPost, protocol.PathRelay, nil, data)
		if err != nil {
			t.Fatal(err)
		}
		var pe protocol.Error
		json.NewDecoder(resp.Body).Decode(&pe)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden || pe.Code != protocol.CodeBundleRefused {
			t.Errorf("hub answered %s %+v", resp.Status, pe)
		}
	})
}
