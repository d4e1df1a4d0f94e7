package protocol

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// A USB bundle (U盘包) is a zip file written by a device that may never
// see a network, carried to a township desk and relayed by it to the
// hub. It holds:
//
//	manifest.json  BundleManifest
//	events.json    the device's unsent events, oldest first ([]Event)
//	blobs/<sum>    each evidence file listed in the manifest, stored
//	signature      64 bytes: ed25519 by the device key over
//	               "jiefang bundle 1\n" || SHA-256(manifest.json) || SHA-256(events.json)
//
// The manifest lists each blob's SHA-256 and size, so the signature
// covers the evidence files too; a reader checks each blob entry against
// its name. Only these names are read: any other entry refuses the file.
// A bundle whose blobs/ entries were left out (a "thin" bundle: a desk
// relays the files separately, by resumable upload) has the same
// signature and the same id.
//
// The signature proves integrity in transit, not who wrote it: the key is
// the manifest's own. The hub decides who: the device's registered key
// must be that key, or the manifest carries a one-time enrollment secret
// that binds the key to a new device.
const (
	BundleFormat = 1

	bundleManifest  = "manifest.json"
	bundleEvents    = "events.json"
	bundleSignature = "signature"
	bundleBlobDir   = "blobs/"
	bundleDomain    = "jiefang bundle 1\n"
)

// Limits of a bundle. A reader refuses a file beyond any of them before
// reading further.
const (
	MaxBundleManifest  = 2 << 20   // bytes of manifest.json
	MaxBundleEvents    = 32 << 20  // bytes of events.json, uncompressed
	MaxBundleBlobs     = 10_000    // evidence files in one bundle
	MaxBundleBlobSize  = 512 << 20 // one evidence file: the hub's upload limit
	MaxBundleBlobBytes = 4 << 30   // all evidence files of one bundle
	// MaxRelayBody limits a relay request: a bundle without its evidence
	// files, which travel by resumable upload.
	MaxRelayBody = MaxBundleManifest + MaxBundleEvents + 1<<20
)

// ErrBadBundle is wrapped by every refusal of ReadBundle: a file that is
// not a bundle, is damaged, or was changed after it was signed.
var ErrBadBundle = errors.New("not a valid bundle")

// ErrBlobDamaged is wrapped by WriteBundle's error for an evidence file
// whose content does not match its SHA-256 and size.
var ErrBlobDamaged = errors.New("evidence file does not match its SHA-256")

// BundleBlob is one evidence file of a bundle.
type BundleBlob struct {
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// BundleManifest describes a bundle and the device that wrote it.
type BundleManifest struct {
	Format     int    `json:"format"`  // BundleFormat
	Version    int    `json:"version"` // the sync protocol version of the writer
	DeviceID   string `json:"device_id"`
	DeviceCode string `json:"device_code"`
	PublicKey  []byte `json:"public_key"` // ed25519, the key that signed the bundle
	// Enrollment is the one-time secret of an enrollment code, from a
	// device the hub may not know yet: the hub redeems it for this device
	// and key. Only the secret: a hub address from a bundle is never used.
	Enrollment string       `json:"enrollment,omitempty"`
	Demo       bool         `json:"demo"`       // the device's database holds demo data
	CreatedAt  time.Time    `json:"created_at"` // the device's clock: informational
	Events     int          `json:"events"`
	Blobs      []BundleBlob `json:"blobs"`
}

func bundleSigningInput(manifest, events []byte) []byte {
	m, e := sha256.Sum256(manifest), sha256.Sum256(events)
	in := append([]byte(bundleDomain), m[:]...)
	return append(in, e[:]...)
}

// WriteBundle writes a bundle of events (oldest first) to w, signed with
// key. Format, Version, PublicKey and Events of m are filled in here; its
// Blobs are the evidence files to include, each read through open and
// checked against its sum and size while it is copied.
func WriteBundle(w io.Writer, m BundleManifest, events []Event, key ed25519.PrivateKey, open func(sum string) (io.ReadCloser, error)) error {
	m.Format, m.Version, m.Events = BundleFormat, Version, len(events)
	m.PublicKey = key.Public().(ed25519.PublicKey)
	if m.Blobs == nil {
		m.Blobs = []BundleBlob{}
	}
	if events == nil {
		events = []Event{}
	}
	if err := checkManifest(&m); err != nil {
		return fmt.Errorf("protocol: write bundle: %w", err)
	}
	manifest, err := json.MarshalIndent(m, "", "\t")
	if err != nil {
		return fmt.Errorf("protocol: write bundle: %w", err)
	}
	evs, err := json.Marshal(events)
	if err != nil {
		return fmt.Errorf("protocol: write bundle: %w", err)
	}
	if len(manifest) > MaxBundleManifest || len(evs) > MaxBundleEvents {
		return fmt.Errorf("protocol: write bundle: %d events and %d evidence files are more than one bundle holds", len(events), len(m.Blobs))
	}
	zw := zip.NewWriter(w)
	put := func(name string, method uint16, data []byte) error {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: m.CreatedAt})
		if err == nil {
			_, err = f.Write(data)
		}
		return err
	}
	if err := put(bundleManifest, zip.Deflate, manifest); err != nil {
		return fmt.Errorf("protocol: write bundle: %w", err)
	}
	if err := put(bundleEvents, zip.Deflate, evs); err != nil {
		return fmt.Errorf("protocol: write bundle: %w", err)
	}
	if err := put(bundleSignature, zip.Store, ed25519.Sign(key, bundleSigningInput(manifest, evs))); err != nil {
		return fmt.Errorf("protocol: write bundle: %w", err)
	}
	for _, b := range m.Blobs {
		// Evidence files are photos and scans, compressed already: stored.
		f, err := zw.CreateHeader(&zip.FileHeader{Name: bundleBlobDir + b.SHA256, Method: zip.Store, Modified: m.CreatedAt})
		if err != nil {
			return fmt.Errorf("protocol: write bundle: %w", err)
		}
		if err := copyBlob(f, b, open); err != nil {
			return fmt.Errorf("protocol: write bundle: evidence file %s: %w", b.SHA256, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("protocol: write bundle: %w", err)
	}
	return nil
}

func copyBlob(w io.Writer, b BundleBlob, open func(string) (io.ReadCloser, error)) error {
	r, err := open(b.SHA256)
	if err != nil {
		return err
	}
	defer r.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), io.LimitReader(r, b.Size+1))
	if err != nil {
		return err
	}
	if got := hex.EncodeToString(h.Sum(nil)); n != b.Size || got != b.SHA256 {
		return fmt.Errorf("%w: it has %d bytes with SHA-256 %s, not %d bytes: it was changed or damaged", ErrBlobDamaged, n, got, b.Size)
	}
	return nil
}

// Bundle is a bundle read and verified by ReadBundle.
type Bundle struct {
	Manifest BundleManifest
	Events   []Event
	// ID names the bundle's content: the hex SHA-256 of what its
	// signature covers. Two files with the same signed content (a copy,
	// a thin copy, a copy re-zipped) have the same ID.
	ID string

	manifest, events, signature []byte
	blobs                       map[string]*zip.File // the blob entries present
}

// ReadBundle reads a bundle from r (size bytes) and verifies it: its
// signature against the manifest's key, and every blob entry present
// against its name and the manifest's size. Blobs listed but absent (a
// thin bundle) are allowed; Complete tells. Any refusal wraps
// ErrBadBundle.
func ReadBundle(r io.ReaderAt, size int64) (*Bundle, error) {
	b, err := readBundle(r, size)
	if err != nil {
		return nil, fmt.Errorf("protocol: %w: %w", ErrBadBundle, err)
	}
	return b, nil
}

func readBundle(r io.ReaderAt, size int64) (*Bundle, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, err
	}
	if len(zr.File) > MaxBundleBlobs+3 {
		return nil, fmt.Errorf("%d entries", len(zr.File))
	}
	b := &Bundle{blobs: map[string]*zip.File{}}
	var entries = map[string]*zip.File{}
	for _, f := range zr.File {
		name := f.Name
		sum, isBlob := strings.CutPrefix(name, bundleBlobDir)
		switch {
		case name == bundleManifest || name == bundleEvents || name == bundleSignature:
		case isBlob && isHexSum(sum):
		default:
			return nil, fmt.Errorf("unexpected entry %q", name)
		}
		if entries[name] != nil {
			return nil, fmt.Errorf("entry %q twice", name)
		}
		entries[name] = f
	}
	for _, name := range []string{bundleManifest, bundleEvents, bundleSignature} {
		if entries[name] == nil {
			return nil, fmt.Errorf("no %s", name)
		}
	}
	if b.manifest, err = readEntry(entries[bundleManifest], MaxBundleManifest); err != nil {
		return nil, err
	}
	if b.events, err = readEntry(entries[bundleEvents], MaxBundleEvents); err != nil {
		return nil, err
	}
	if b.signature, err = readEntry(entries[bundleSignature], ed25519.SignatureSize); err != nil {
		return nil, err
	}
	if err := strictJSON(b.manifest, &b.Manifest); err != nil {
		return nil, fmt.Errorf("%s: %w", bundleManifest, err)
	}
	m := &b.Manifest
	if m.Format != BundleFormat {
		return nil, fmt.Errorf("format %d; this program reads format %d", m.Format, BundleFormat)
	}
	if len(m.PublicKey) != ed25519.PublicKeySize || len(b.signature) != ed25519.SignatureSize {
		return nil, errors.New("no ed25519 key or signature")
	}
	in := bundleSigningInput(b.manifest, b.events)
	if !ed25519.Verify(m.PublicKey, in, b.signature) {
		return nil, errors.New("the signature does not match the content: the bundle was changed after it was written")
	}
	sum := sha256.Sum256(in)
	b.ID = hex.EncodeToString(sum[:])
	if err := checkManifest(m); err != nil {
		return nil, err
	}
	if err := strictJSON(b.events, &b.Events); err != nil {
		return nil, fmt.Errorf("%s: %w", bundleEvents, err)
	}
	if len(b.Events) != m.Events {
		return nil, fmt.Errorf("%d events, the manifest says %d", len(b.Events), m.Events)
	}
	for _, e := range b.Events {
		if e.DeviceID != m.DeviceID {
			return nil, fmt.Errorf("event %s is of device %s, not of the bundle's device", e.ID, e.DeviceID)
		}
	}
	listed := map[string]BundleBlob{}
	for _, bl := range m.Blobs {
		listed[bl.SHA256] = bl
	}
	for name, f := range entries {
		s, ok := strings.CutPrefix(name, bundleBlobDir)
		if !ok {
			continue
		}
		bl, ok := listed[s]
		if !ok {
			return nil, fmt.Errorf("evidence file %s is not in the manifest", s)
		}
		if err := verifyBlob(f, bl); err != nil {
			return nil, fmt.Errorf("evidence file %s: %w", s, err)
		}
		b.blobs[s] = f
	}
	return b, nil
}

// checkManifest checks what the manifest says, apart from the signature.
func checkManifest(m *BundleManifest) error {
	switch {
	case !Accepts(m.Version):
		return fmt.Errorf("protocol version %d", m.Version)
	case m.DeviceID == "" || len(m.DeviceID) > 100:
		return errors.New("no device id")
	case m.Events < 0:
		return errors.New("negative event count")
	case len(m.Blobs) > MaxBundleBlobs:
		return fmt.Errorf("%d evidence files; at most %d", len(m.Blobs), MaxBundleBlobs)
	}
	seen := map[string]bool{}
	var total int64
	for _, bl := range m.Blobs {
		switch {
		case !isHexSum(bl.SHA256):
			return fmt.Errorf("evidence file name %q is not a lowercase hex SHA-256", bl.SHA256)
		case seen[bl.SHA256]:
			return fmt.Errorf("evidence file %s listed twice", bl.SHA256)
		case bl.Size < 0 || bl.Size > MaxBundleBlobSize:
			return fmt.Errorf("evidence file %s of %d bytes; at most %d", bl.SHA256, bl.Size, MaxBundleBlobSize)
		}
		seen[bl.SHA256] = true
		total += bl.Size
	}
	if total > MaxBundleBlobBytes {
		return fmt.Errorf("%d bytes of evidence files; at most %d", total, int64(MaxBundleBlobBytes))
	}
	return nil
}

// readEntry reads a whole entry of at most limit bytes, whatever its
// header claims.
func readEntry(f *zip.File, limit int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, fmt.Errorf("%s: %d bytes, at most %d", f.Name, f.UncompressedSize64, limit)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: more than %d bytes", f.Name, limit)
	}
	return data, nil
}

// verifyBlob hashes a blob entry, reading at most one byte more than
// the manifest's size.
func verifyBlob(f *zip.File, bl BundleBlob) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(rc, bl.Size+1))
	if err != nil {
		return err
	}
	if n != bl.Size || hex.EncodeToString(h.Sum(nil)) != bl.SHA256 {
		return errors.New("the content does not match its SHA-256 and size: it was changed or damaged")
	}
	return nil
}

func strictJSON(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errors.New("data after the value")
	}
	return nil
}

func isHexSum(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Complete reports whether every evidence file the manifest lists is in
// the bundle.
func (b *Bundle) Complete() bool { return len(b.blobs) == len(b.Manifest.Blobs) }

// HasBlob reports whether the evidence file sum is in the bundle.
func (b *Bundle) HasBlob(sum string) bool { return b.blobs[sum] != nil }

// OpenBlob opens the evidence file sum of the bundle. The content was
// verified by ReadBundle; a reader that needs certainty (the file may
// have changed since) checks the sum again.
func (b *Bundle) OpenBlob(sum string) (io.ReadCloser, error) {
	f := b.blobs[sum]
	if f == nil {
		return nil, fmt.Errorf("protocol: bundle %s: no evidence file %s", b.ID, sum)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("protocol: bundle %s: evidence file %s: %w", b.ID, sum, err)
	}
	return rc, nil
}

// Thin is the bundle without its evidence files: the same manifest,
// events and signature, so the same ID. A desk relays it, and the files
// by resumable upload.
func (b *Bundle) Thin() ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range []struct {
		name   string
		method uint16
		data   []byte
	}{{bundleManifest, zip.Deflate, b.manifest}, {bundleEvents, zip.Deflate, b.events}, {bundleSignature, zip.Store, b.signature}} {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: e.method, Modified: b.Manifest.CreatedAt})
		if err == nil {
			_, err = f.Write(e.data)
		}
		if err != nil {
			return nil, fmt.Errorf("protocol: thin bundle: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("protocol: thin bundle: %w", err)
	}
	return buf.Bytes(), nil
}

// RelayResponse answers a relayed bundle: one result per event of the
// bundle, in order, as for a push by the bundle's device.
type RelayResponse struct {
	Version  int    `json:"version"`
	Epoch    string `json:"epoch"`
	Bundle   string `json:"bundle"`   // the bundle's ID
	Device   string `json:"device"`   // the bundle's device
	Enrolled bool   `json:"enrolled"` // its enrollment secret was redeemed now
	// Blobs counts the evidence files the request carried, now stored;
	// a thin bundle carries none.
	Blobs   int          `json:"blobs"`
	Results []PushResult `json:"results"`
}
