package hub

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/tus/tusd/v2/pkg/filestore"
	"github.com/tus/tusd/v2/pkg/handler"
	"github.com/tus/tusd/v2/pkg/memorylocker"
	tusslog "golang.org/x/exp/slog" // the logger type tusd's Config takes

	"jiefang/sync/protocol"
)

// DefaultMaxBlobSize is the largest evidence file a BlobStore accepts
// when its MaxSize is not set.
const DefaultMaxBlobSize = 512 << 20

// ErrBadSum is wrapped by the errors of BlobStore methods given a name
// that is not a lowercase hex SHA-256: such a name never reaches the
// file system.
var ErrBadSum = errors.New("not a lowercase hex SHA-256")

// blobPartialDir is the subdirectory of a BlobStore's directory where
// tus uploads grow until their last byte arrives. Its name cannot be
// taken for the two-hex-digit directory of stored blobs.
const blobPartialDir = "partial"

// blobMetaKey is the Upload-Metadata key that carries the SHA-256 an
// upload must have.
const blobMetaKey = "sha256"

// BlobStore keeps evidence files on the hub by SHA-256 in a directory,
// received through resumable tus uploads. A stored blob is the file
// dir/<first 2 hex digits>/<sum>; it appears there, by a rename, only
// once its whole content has been checked against its sum. Uploads in
// progress live in dir/partial.
type BlobStore struct {
	// MaxSize is the largest upload accepted, in bytes; 0 means
	// DefaultMaxBlobSize. Set it before calling UploadHandler.
	MaxSize int64

	dir     string
	partial string
}

// OpenBlobStore opens (creating if needed) a blob store in dir.
func OpenBlobStore(dir string) (*BlobStore, error) {
	partial := filepath.Join(dir, blobPartialDir)
	if err := os.MkdirAll(partial, 0o750); err != nil {
		return nil, fmt.Errorf("hub: blobs: %w", err)
	}
	return &BlobStore{dir: dir, partial: partial}, nil
}

// isBlobSum reports whether s is 64 lowercase hex digits, the only names
// a blob may have.
func isBlobSum(s string) bool {
	return len(s) == 2*sha256.Size && isLowerHex(s)
}

// isUploadID reports whether s is an upload id as tusd makes them (32
// lowercase hex digits): other ids are refused before they reach tusd,
// which would turn them into paths.
func isUploadID(s string) bool {
	return len(s) == 32 && isLowerHex(s)
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// path is where the blob sum is stored; sum must be valid.
func (b *BlobStore) path(sum string) string {
	return filepath.Join(b.dir, sum[:2], sum)
}

// Has reports whether the blob sum is stored, and its size.
func (b *BlobStore) Has(sum string) (size int64, ok bool, err error) {
	if !isBlobSum(sum) {
		return 0, false, fmt.Errorf("hub: blobs: %w", ErrBadSum)
	}
	fi, err := os.Stat(b.path(sum))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return 0, false, nil
	case err != nil:
		return 0, false, fmt.Errorf("hub: blobs: %w", err)
	case !fi.Mode().IsRegular():
		return 0, false, fmt.Errorf("hub: blobs: %s is not a regular file", sum)
	}
	return fi.Size(), true, nil
}

// Open opens the stored blob sum for reading. The error wraps
// fs.ErrNotExist when the hub does not hold it.
func (b *BlobStore) Open(sum string) (*os.File, error) {
	if !isBlobSum(sum) {
		return nil, fmt.Errorf("hub: blobs: %w", ErrBadSum)
	}
	f, err := os.Open(b.path(sum))
	if err != nil {
		return nil, fmt.Errorf("hub: blobs: %w", err)
	}
	return f, nil
}

// Count is the number of stored blobs, for the hub's statistics.
func (b *BlobStore) Count() (int64, error) {
	dirs, err := os.ReadDir(b.dir)
	if err != nil {
		return 0, fmt.Errorf("hub: blobs: count: %w", err)
	}
	var n int64
	for _, d := range dirs {
		if !d.IsDir() || len(d.Name()) != 2 || !isLowerHex(d.Name()) {
			continue
		}
		files, err := os.ReadDir(filepath.Join(b.dir, d.Name()))
		if err != nil {
			return 0, fmt.Errorf("hub: blobs: count: %w", err)
		}
		for _, f := range files {
			if f.Type().IsRegular() && isBlobSum(f.Name()) && f.Name()[:2] == d.Name() {
				n++
			}
		}
	}
	return n, nil
}

// UploadHandler serves the tus protocol (core and creation: no
// termination, concatenation, deferred length or download) for request
// paths under basePath (protocol.PathUploads); mount it there as is, the
// prefix is stripped here. Creating an upload needs Upload-Length (at
// most MaxSize) and the Upload-Metadata key "sha256" with the 64
// lowercase hex digits the content must hash to; other metadata is
// dropped, so that no file name is kept. When the last byte arrives the
// whole file is hashed: if it matches, it moves (a rename) to its place
// in the store and onStored, when not nil, is called; if not, the upload
// is deleted and the last PATCH is answered 422 with a JSON
// protocol.Error of code blob_mismatch, so that the client starts over.
// Completing the upload of a blob already stored succeeds, and calls
// onStored again: it must be idempotent. If onStored fails, the request
// is answered 500 but the blob stays stored. Refusals by this handler are
// JSON protocol.Errors; tusd's own ones (a wrong offset, 409; an unknown
// upload, 404) are its plain text. tusd logs nothing.
func (b *BlobStore) UploadHandler(basePath string, onStored func(sum string, size int64) error) (http.Handler, error) {
	if !strings.HasPrefix(basePath, "/") {
		return nil, fmt.Errorf("hub: blobs: upload path %q does not start with /", basePath)
	}
	if !strings.HasSuffix(basePath, "/") {
		basePath += "/"
	}
	maxSize := b.MaxSize
	if maxSize <= 0 {
		maxSize = DefaultMaxBlobSize
	}
	store := filestore.New(b.partial)
	store.DirModePerm, store.FileModePerm = 0o750, 0o640
	composer := handler.NewStoreComposer()
	composer.UseCore(store) // no terminater, concater, length deferrer or content server
	composer.UseLocker(memorylocker.New())
	tus, err := handler.NewHandler(handler.Config{
		StoreComposer:        composer,
		BasePath:             basePath,
		MaxSize:              maxSize,
		DisableDownload:      true,
		DisableTermination:   true,
		DisableConcatenation: true,
		Cors:                 &handler.CorsConfig{Disable: true},
		// A logger that never logs: request lines could carry what a
		// device sent, and the hub's own log says what is needed.
		Logger: tusslog.New(tusslog.NewTextHandler(io.Discard, &tusslog.HandlerOptions{Level: tusslog.Level(1 << 30)})),
		PreUploadCreateCallback: func(ev handler.HookEvent) (handler.HTTPResponse, handler.FileInfoChanges, error) {
			sum := ev.Upload.MetaData[blobMetaKey]
			if ev.Upload.SizeIsDeferred || ev.Upload.IsPartial || ev.Upload.IsFinal || !isBlobSum(sum) {
				return handler.HTTPResponse{}, handler.FileInfoChanges{},
					blobRefusal(http.StatusBadRequest, protocol.CodeBadRequest, "upload needs Upload-Length and Upload-Metadata sha256 (64 lowercase hex digits)")
			}
			return handler.HTTPResponse{}, handler.FileInfoChanges{MetaData: handler.MetaData{blobMetaKey: sum}}, nil
		},
		PreFinishResponseCallback: func(ev handler.HookEvent) (handler.HTTPResponse, error) {
			return handler.HTTPResponse{}, b.finish(ev.Upload, onStored)
		},
	})
	if err != nil {
		return nil, fmt.Errorf("hub: blobs: %w", err)
	}
	inner := http.StripPrefix(strings.TrimSuffix(basePath, "/"), tus)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, basePath)
		switch {
		case !ok || rest != "" && !isUploadID(rest):
			writeBlobError(w, r, http.StatusNotFound, protocol.NewError(protocol.CodeNotFound, "no such upload"))
			return
		case rest == "" && r.Method == http.MethodPost:
			if pe, status := checkCreation(r.Header, maxSize); pe != nil {
				writeBlobError(w, r, status, pe)
				return
			}
		}
		inner.ServeHTTP(w, r)
	}), nil
}

// checkCreation refuses an upload creation without a definite, allowed
// length before tusd sees it, so that every such refusal is a JSON
// protocol.Error.
func checkCreation(h http.Header, maxSize int64) (*protocol.Error, int) {
	if h.Get("Upload-Defer-Length") != "" || h.Get("Upload-Concat") != "" {
		return protocol.NewError(protocol.CodeBadRequest, "deferred length and concatenation are not served"), http.StatusBadRequest
	}
	size, err := strconv.ParseInt(h.Get("Upload-Length"), 10, 64)
	switch {
	case err != nil || size < 0:
		return protocol.NewError(protocol.CodeBadRequest, "missing or invalid Upload-Length"), http.StatusBadRequest
	case size > maxSize:
		return protocol.NewError(protocol.CodeTooLarge, fmt.Sprintf("an evidence file may have at most %d bytes", maxSize)), http.StatusRequestEntityTooLarge
	}
	return nil, 0
}

// finish checks a complete upload against its sum and stores it, or
// deletes it. The upload's lock is held.
func (b *BlobStore) finish(info handler.FileInfo, onStored func(string, int64) error) error {
	sum := info.MetaData[blobMetaKey]
	if !isBlobSum(sum) || !isUploadID(info.ID) {
		return blobRefusal(http.StatusInternalServerError, protocol.CodeInternal, "")
	}
	partial := filepath.Join(b.partial, info.ID)
	discard := func() {
		os.Remove(partial)
		os.Remove(partial + ".info")
	}
	got, n, err := hashFile(partial)
	if err != nil {
		return fmt.Errorf("hub: blobs: finish upload: %w", err)
	}
	if n != info.Size || got != sum {
		discard()
		return blobRefusal(http.StatusUnprocessableEntity, protocol.CodeBlobMismatch,
			fmt.Sprintf("received %d bytes with SHA-256 %s, announced %d bytes with %s", n, got, info.Size, sum))
	}
	_, had, err := b.Has(sum)
	if err != nil {
		return err
	}
	if had {
		discard()
	} else {
		dest := b.path(sum)
		if err := os.MkdirAll(filepath.Dir(dest), 0o750); err != nil {
			return fmt.Errorf("hub: blobs: store %s: %w", sum, err)
		}
		if err := os.Rename(partial, dest); err != nil {
			return fmt.Errorf("hub: blobs: store %s: %w", sum, err)
		}
		syncDir(filepath.Dir(dest))
		os.Remove(partial + ".info") // the upload is gone: HEAD on it answers 404 from now on
	}
	if onStored != nil {
		if err := onStored(sum, n); err != nil {
			return blobRefusal(http.StatusInternalServerError, protocol.CodeInternal, "")
		}
	}
	return nil
}

// hashFile is the hex SHA-256 and the size of the file at path, which is
// flushed to disk on the way.
func hashFile(path string) (string, int64, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	if err := f.Sync(); err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// syncDir flushes a directory entry to disk where the system allows it
// (Windows does not sync directories; there it is skipped).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// blobRefusal is a tusd error answered as a JSON protocol.Error.
func blobRefusal(status int, code protocol.Code, detail string) handler.Error {
	pe := protocol.NewError(code, detail)
	body, _ := json.Marshal(pe) // strings only: cannot fail
	return handler.Error{
		ErrorCode: "ERR_" + strings.ToUpper(string(code)),
		Message:   pe.Error(),
		HTTPResponse: handler.HTTPResponse{
			StatusCode: status,
			Body:       string(body) + "\n",
			Header:     handler.HTTPHeader{"Content-Type": "application/json"},
		},
	}
}

// writeBlobError answers a request refused before tusd saw it.
func writeBlobError(w http.ResponseWriter, r *http.Request, status int, pe *protocol.Error) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Tus-Resumable", "1.0.0")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		json.NewEncoder(w).Encode(pe)
	}
}

// Put stores the blob sum read from r, which must hash to sum and hold
// at most MaxSize bytes (DefaultMaxBlobSize when 0): it is written to a
// temporary file in the partial directory, flushed, checked, and renamed
// into place, so that a stored blob is always whole and right. A blob
// already stored is kept and r is not read. Content that does not match
// sum is refused with a *protocol.Error of code blob_mismatch, and
// nothing is stored.
func (b *BlobStore) Put(sum string, r io.Reader) error {
	_, had, err := b.Has(sum)
	if err != nil || had {
		return err
	}
	maxSize := b.MaxSize
	if maxSize <= 0 {
		maxSize = DefaultMaxBlobSize
	}
	tmp, err := os.CreateTemp(b.partial, "put-*")
	if err != nil {
		return fmt.Errorf("hub: blobs: store %s: %w", sum, err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	h := sha256.New()
	err = tmp.Chmod(0o640) // as the files of tus uploads
	var n int64
	if err == nil {
		n, err = io.Copy(io.MultiWriter(tmp, h), io.LimitReader(r, maxSize+1))
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("hub: blobs: store %s: %w", sum, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); n > maxSize || got != sum {
		return fmt.Errorf("hub: blobs: store %s: %w", sum, protocol.NewError(protocol.CodeBlobMismatch,
			fmt.Sprintf("received %d bytes with SHA-256 %s", n, got)))
	}
	dest := b.path(sum)
	if err := os.MkdirAll(filepath.Dir(dest), 0o750); err != nil {
		return fmt.Errorf("hub: blobs: store %s: %w", sum, err)
	}
	if err := os.Rename(tmp.Name(), dest); err != nil {
		return fmt.Errorf("hub: blobs: store %s: %w", sum, err)
	}
	syncDir(filepath.Dir(dest))
	return nil
}
