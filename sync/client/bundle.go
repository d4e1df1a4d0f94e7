package client

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"jiefang/cases"
	"jiefang/cases/store"
	"jiefang/sync/protocol"
)

// USB bundles (U盘包): a grid worker's device that never sees a network
// writes its unsent events and evidence files to a signed file
// (protocol.WriteBundle); a township desk imports it and relays it to the
// hub on its next sync.
//
// Exporting acknowledges nothing: the events stay in the outbox and the
// files stay pending, so that a lost or damaged USB stick loses nothing.
// Every export therefore carries everything still unsent, and when the
// device later syncs online the hub answers what it got by bundle as
// duplicates.

// bundleEnrollmentKey keeps the secret of the enrollment code a device
// gave to its first export, so that every bundle carries it until the
// device is enrolled online: whichever bundle reaches the hub first
// enrolls it.
const bundleEnrollmentKey = "sync.bundle_enrollment"

// ExportStore is what exporting needs from the desk's store (cases/store
// implements it).
type ExportStore interface {
	Keyring
	Device() store.Device
	IsDemo(ctx context.Context) (bool, error)
	Pending(ctx context.Context, limit int) ([]cases.Event, error)
	PendingBlobs(ctx context.Context, limit int) ([]store.Blob, error)
	OpenBlob(sum string) (io.ReadCloser, error)
}

// ExportSummary says what a bundle holds.
type ExportSummary struct {
	Path       string
	DeviceID   string
	DeviceCode string
	Events     int
	Blobs      int
	BlobBytes  int64
	Size       int64 // of the file
	Enrollment bool  // it carries an enrollment code for the hub to redeem
}

// maxExportEvents bounds how many events one bundle takes (far above
// what fits in protocol.MaxBundleEvents).
const maxExportEvents = 1_000_000

// ExportBundle writes every event of the outbox and every evidence file
// not yet uploaded to a bundle at path, signed with the device's key.
// The file appears whole or not at all. A device never enrolled gives
// enrollCode, a one-time code of its unit: the key pair is made now and
// kept as a pending credential (as Enroll keeps one before asking the
// hub), and the code's secret goes into this and later bundles. Nothing
// is acknowledged.
func ExportBundle(ctx context.Context, st ExportStore, path, enrollCode string) (ExportSummary, error) {
	sum := ExportSummary{Path: path, DeviceID: st.Device().ID, DeviceCode: st.Device().Code}
	demo, err := st.IsDemo(ctx)
	if err != nil {
		return sum, err
	}
	if demo {
		// The hub refuses it too; saying so now saves a trip.
		return sum, &userError{msg: protocol.CodeDemoDatabase.Message(), err: errors.New("client: export: a demo database")}
	}
	key, secret, err := bundleKey(ctx, st, sum.DeviceID, enrollCode)
	if err != nil {
		return sum, err
	}
	sum.Enrollment = secret != ""
	evs, err := st.Pending(ctx, maxExportEvents)
	if err != nil {
		return sum, fmt.Errorf("client: export: %w", err)
	}
	blobs, err := st.PendingBlobs(ctx, protocol.MaxBundleBlobs+1)
	if err != nil {
		return sum, fmt.Errorf("client: export: %w", err)
	}
	m := protocol.BundleManifest{DeviceID: sum.DeviceID, DeviceCode: sum.DeviceCode, Enrollment: secret,
		Demo: demo, CreatedAt: time.Now().UTC().Truncate(time.Second), Blobs: make([]protocol.BundleBlob, len(blobs))}
	for i, b := range blobs {
		m.Blobs[i] = protocol.BundleBlob{SHA256: b.SHA256, Size: b.Size}
		sum.BlobBytes += b.Size
	}
	sum.Events, sum.Blobs = len(evs), len(blobs)
	if len(evs) >= maxExportEvents || len(blobs) > protocol.MaxBundleBlobs || sum.BlobBytes > protocol.MaxBundleBlobBytes {
		return sum, &userError{msg: "待上传的记录或证据文件太多，一个U盘包装不下。请带设备到能联网的地方同步。",
			err: fmt.Errorf("client: export: %d events, %d evidence files of %d bytes: more than one bundle holds", len(evs), len(blobs), sum.BlobBytes)}
	}
	wire := make([]protocol.Event, len(evs))
	for i, e := range evs {
		wire[i] = protocol.FromEvent(e)
	}
	sum.Size, err = writeFileAtomic(path, func(w io.Writer) error {
		return protocol.WriteBundle(w, m, wire, key, st.OpenBlob)
	})
	switch {
	case errors.Is(err, protocol.ErrBlobDamaged) || errors.Is(err, fs.ErrNotExist) && !errors.Is(err, errOutDir):
		return sum, &userError{msg: "本机有证据文件缺失或已损坏（与登记的校验值不符），U盘包未生成。请运行 jiefangctl verify，并联系县级信息化人员。",
			err: fmt.Errorf("client: export: %w", err)}
	case err != nil:
		return sum, &userError{msg: "写U盘包失败，文件未生成。请检查U盘是否插好、路径是否正确、空间是否足够。（" + err.Error() + "）",
			err: fmt.Errorf("client: export: %w", err)}
	}
	return sum, nil
}

// bundleKey is the device key that signs bundles, and the enrollment
// secret they carry ("" once the device is enrolled).
func bundleKey(ctx context.Context, k Keyring, deviceID, enrollCode string) (ed25519.PrivateKey, string, error) {
	cred, ok, err := LoadCredential(ctx, k)
	if err != nil {
		return nil, "", err
	}
	if enrollCode == "" {
		if !ok {
			return nil, "", &userError{msg: "本机还没有连接过上级，也没有密钥：第一次导出U盘包时请加上本单位的入网码（--enroll 入网码）。",
				err: errors.New("client: export: no credential and no enrollment code")}
		}
		if cred.Enrolled() {
			return cred.Key, "", nil
		}
		secret, err := k.Meta(ctx, bundleEnrollmentKey)
		return cred.Key, secret, err
	}
	if ok && cred.Enrolled() {
		return nil, "", &userError{msg: "本机已经连接上级，导出U盘包不需要入网码；请去掉 --enroll 再导出。",
			err: errors.New("client: export: enrolled already, enrollment code given")}
	}
	ec, err := protocol.ParseEnrollmentCode(enrollCode)
	if err != nil {
		return nil, "", fmt.Errorf("client: export: %w", err)
	}
	// The key of an earlier pending credential for the same hub is kept:
	// a bundle written with it may be on its way, and the hub must
	// recognise the device in both.
	if !ok || cred.HubURL != ec.URL {
		_, key, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, "", fmt.Errorf("client: export: key: %w", err)
		}
		cred = Credential{Key: key}
	}
	cred.HubURL, cred.Fingerprint, cred.DeviceID = ec.URL, ec.Fingerprint, deviceID
	if err := SaveCredential(ctx, k, cred); err != nil {
		return nil, "", fmt.Errorf("client: export: %w", err)
	}
	if err := k.SetSyncMeta(ctx, bundleEnrollmentKey, ec.Secret); err != nil {
		return nil, "", fmt.Errorf("client: export: %w", err)
	}
	return cred.Key, ec.Secret, nil
}

// errOutDir wraps a failure to create the bundle file.
var errOutDir = errors.New("cannot create the bundle file")

// writeFileAtomic writes path through a temporary file beside it,
// flushed and renamed, and returns its size.
func writeFileAtomic(path string, write func(io.Writer) error) (int64, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".jiefang-bundle-*")
	if err != nil {
		return 0, fmt.Errorf("%w: %w", errOutDir, err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	err = write(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	var size int64
	if err == nil {
		size, err = tmp.Seek(0, io.SeekCurrent)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	return size, err
}

// RelayStore is what importing a bundle needs from the desk's store
// (cases/store implements it).
type RelayStore interface {
	Device() store.Device
	PutBlob(ctx context.Context, r io.Reader, mediaType string) (string, int64, error)
	AddRelay(ctx context.Context, r store.Relay) (store.Relay, bool, error)
}

// ImportSummary says what an imported bundle holds.
type ImportSummary struct {
	ID         string
	DeviceID   string
	DeviceCode string
	Events     int
	Blobs      int
	BlobBytes  int64
	Enrollment bool
	// Already: the bundle was imported before; nothing changed.
	// Relayed tells whether the hub has taken it since.
	Already bool
	Relayed bool
}

// errBadBundle is the desk's message for a bundle that does not verify.
const errBadBundle = "U盘包校验失败：文件已损坏，或在导出后被改动过，已拒绝导入，本机未保存任何内容。请让网格员重新导出一份。"

// ImportBundle verifies the bundle file at path (its signature, and every
// evidence file against its SHA-256) and keeps it for relaying: the
// evidence files join the desk's own files waiting for upload, the rest
// waits in the relay list. A damaged or changed bundle is refused and
// nothing is kept; so is a bundle of this desk's own device. Importing a
// bundle again changes nothing (ImportSummary.Already).
func ImportBundle(ctx context.Context, st RelayStore, path string) (ImportSummary, error) {
	var sum ImportSummary
	f, err := os.Open(path)
	if err != nil {
		return sum, &userError{msg: "打不开U盘包文件，请检查路径和U盘。（" + err.Error() + "）", err: fmt.Errorf("client: import: %w", err)}
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return sum, fmt.Errorf("client: import: %w", err)
	}
	b, err := protocol.ReadBundle(f, fi.Size())
	if err != nil {
		return sum, &userError{msg: errBadBundle, err: fmt.Errorf("client: import %s: %w", filepath.Base(path), err)}
	}
	m := b.Manifest
	sum = ImportSummary{ID: b.ID, DeviceID: m.DeviceID, DeviceCode: m.DeviceCode, Events: len(b.Events),
		Blobs: len(m.Blobs), Enrollment: m.Enrollment != ""}
	for _, bl := range m.Blobs {
		sum.BlobBytes += bl.Size
	}
	switch {
	case m.DeviceID == st.Device().ID:
		return sum, &userError{msg: "这是本机自己导出的U盘包，不能导入本机；本机联网同步即可上传这些记录。",
			err: errors.New("client: import: a bundle of this desk's own device")}
	case !b.Complete():
		return sum, &userError{msg: errBadBundle, err: fmt.Errorf("client: import %s: %w: evidence files missing", filepath.Base(path), protocol.ErrBadBundle)}
	}
	thin, err := b.Thin()
	if err != nil {
		return sum, err
	}
	for _, bl := range m.Blobs {
		if err := importBlob(ctx, st, b, bl); err != nil {
			return sum, err
		}
	}
	r, added, err := st.AddRelay(ctx, store.Relay{ID: b.ID, DeviceID: m.DeviceID, DeviceCode: m.DeviceCode,
		Events: len(b.Events), Blobs: len(m.Blobs), Enrollment: m.Enrollment != "", Bundle: thin})
	if err != nil {
		return sum, fmt.Errorf("client: import: %w", err)
	}
	sum.Already, sum.Relayed = !added, !r.Waiting()
	return sum, nil
}

// importBlob stores one evidence file of a verified bundle with the
// desk's own. The file is read again from the USB stick, so its sum is
// checked again.
func importBlob(ctx context.Context, st RelayStore, b *protocol.Bundle, bl protocol.BundleBlob) error {
	rc, err := b.OpenBlob(bl.SHA256)
	if err != nil {
		return &userError{msg: errBadBundle, err: fmt.Errorf("client: import: %w", err)}
	}
	defer rc.Close()
	got, n, err := st.PutBlob(ctx, io.LimitReader(rc, bl.Size+1), "application/octet-stream")
	if err != nil {
		return fmt.Errorf("client: import: %w", err)
	}
	if got != bl.SHA256 || n != bl.Size {
		return &userError{msg: errBadBundle, err: fmt.Errorf("client: import: evidence file %s changed while it was read", bl.SHA256)}
	}
	return nil
}

// relayBundles sends every waiting bundle to the hub (without its
// evidence files, which the round uploads with the desk's own). A bundle
// the hub took is marked relayed; its refused events are in the hub's
// quarantine and counted. A bundle the hub refuses for good (it does not
// verify, its device is not accepted, its enrollment code is used)
// keeps waiting with the hub's reason, and the round goes on. A failure
// of the network, of the hub, or of this desk's own credential ends the
// round.
func relayBundles(ctx context.Context, local Local, r *Remote, rep *Report) error {
	waiting, err := local.PendingRelays(ctx)
	if err != nil {
		return err
	}
	for _, w := range waiting {
		data, err := local.RelayBundle(ctx, w.ID)
		if err != nil {
			return err
		}
		resp, err := sendRelay(ctx, r, data)
		if err != nil {
			if !bundleRefused(err) {
				return err
			}
			msg := fmt.Sprintf("U盘包（设备 %s，%d 条记录）被上级拒收：%s", w.DeviceCode, w.Events, UserMessage(err))
			if err := local.RelayFailed(ctx, w.ID, msg); err != nil {
				return err
			}
			rep.RelayRefused++
			if rep.RelayErr == "" {
				rep.RelayErr = msg
			}
			continue
		}
		if resp.Bundle != w.ID || resp.Device != w.DeviceID || len(resp.Results) != w.Events {
			return fmt.Errorf("client: relay: hub answered for bundle %s of %s with %d results, sent %s of %s with %d events",
				resp.Bundle, resp.Device, len(resp.Results), w.ID, w.DeviceID, w.Events)
		}
		rejected := 0
		for _, res := range resp.Results {
			if res.Outcome == protocol.Rejected {
				rejected++
			}
		}
		if err := local.MarkRelayed(ctx, w.ID, rejected); err != nil {
			return err
		}
		rep.Relayed++
		rep.RelayedEvents += len(resp.Results) - rejected
		rep.RelayRejected += rejected
	}
	return nil
}

// sendRelay posts one bundle.
func sendRelay(ctx context.Context, r *Remote, data []byte) (protocol.RelayResponse, error) {
	var resp protocol.RelayResponse
	hr, err := r.send(ctx, http.MethodPost, protocol.PathRelay, http.Header{"Content-Type": {"application/zip"}}, data)
	if err != nil {
		return resp, fmt.Errorf("client: relay: %w", err)
	}
	return resp, readAnswer(hr, protocol.PathRelay, &resp)
}

// bundleRefused reports whether err is the hub's refusal of the bundle
// itself, which retrying does not change, rather than a failure of the
// network, of the hub, or of this desk's credential.
func bundleRefused(err error) bool {
	var pe *protocol.Error
	if errors.As(err, &pe) {
		switch pe.Code {
		case protocol.CodeUnauthorized, protocol.CodeRevoked, protocol.CodeBadVersion, protocol.CodeInternal:
			return false
		}
		return true // too large too: a bundle does not shrink by waiting
	}
	var se *statusError
	if errors.As(err, &se) {
		// A hub without the relay route answers 404 or 405 in plain text.
		return se.code >= 400 && se.code < 500 && se.code != http.StatusTooManyRequests && se.code != http.StatusRequestTimeout
	}
	return false
}
