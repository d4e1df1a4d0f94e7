package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// BlobPath is where the evidence file with this SHA-256 (hex) is kept.
func (s *Store) BlobPath(sum string) string {
	return filepath.Join(s.blobDir, sum[:2], sum)
}

// PutBlob stores an evidence file by its SHA-256 and returns the hex sum
// and size. The file is written to a temporary name, synced, and renamed,
// so a crash leaves either the whole file or none; storing the same
// content twice keeps one copy.
func (s *Store) PutBlob(ctx context.Context, r io.Reader, mediaType string) (string, int64, error) {
	tmp, sum, n, err := s.writeTemp(r)
	if tmp != "" {
		defer os.Remove(tmp)
	}
	if err != nil {
		return "", 0, err
	}
	dst := s.BlobPath(sum)
	if _, err := os.Stat(dst); errors.Is(err, fs.ErrNotExist) {
		if err := s.rename(tmp, dst); err != nil {
			return "", 0, err
		}
	}
	_, err = s.w.ExecContext(ctx, `INSERT INTO blobs (sha256, size, media_type, stored_at) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`,
		sum, n, mediaType, s.now().UnixMilli())
	if err != nil {
		return "", 0, fmt.Errorf("store: record blob: %w", err)
	}
	return sum, n, nil
}

// ErrBlobMismatch is returned by KeepBlob for content that is not the
// evidence file asked for: another SHA-256, or another size.
var ErrBlobMismatch = errors.New("store: evidence file does not match its SHA-256 or size")

// KeepBlob stores an evidence file fetched from the hub, which must be
// the file with SHA-256 sum (hex) of size bytes, as a case's evidence
// record says. It reads r (at most size+1 bytes) to a temporary file and
// puts it in place only if both match; then it records the file as one
// the hub holds (so it is never uploaded or exported again) and takes it
// off the misses. Anything else keeps nothing: content that does not
// match (ErrBlobMismatch), a read error, ctx ending.
func (s *Store) KeepBlob(ctx context.Context, sum string, size int64, r io.Reader) error {
	if !isSum(sum) || size < 0 {
		return fmt.Errorf("store: keep blob: bad sum %q or size %d", sum, size)
	}
	tmp, got, n, err := s.writeTemp(io.LimitReader(ctxReader{ctx, r}, size+1))
	if tmp != "" {
		defer os.Remove(tmp)
	}
	if err != nil {
		return fmt.Errorf("store: keep blob %s: %w", sum, err)
	}
	if got != sum || n != size {
		return fmt.Errorf("%w: %s: got %d bytes hashing to %s, want %d bytes", ErrBlobMismatch, sum, n, got, size)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: keep blob %s: %w", sum, err)
	}
	// A file already in place (left by a crash before it was recorded)
	// is kept if it is right, replaced if not.
	if dst := s.BlobPath(sum); !fileHas(dst, sum, size) {
		if err := s.rename(tmp, dst); err != nil {
			return err
		}
	}
	return s.writeTx(ctx, "keep blob", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO blobs (sha256, size, media_type, stored_at, uploaded)
			VALUES (?1, ?2, coalesce((SELECT media_type FROM evidence WHERE sha256 = ?1 LIMIT 1), ''), ?3, 1)
			ON CONFLICT (sha256) DO UPDATE SET uploaded = 1`, sum, size, s.now().UnixMilli())
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM blob_misses WHERE sha256 = ?`, sum)
		return err
	})
}

// writeTemp copies r to a new temporary file in the blob directory,
// synced, and returns its name (to be removed by the caller, also after
// an error when not ""), the hex SHA-256 and size of what was written.
func (s *Store) writeTemp(r io.Reader) (name, sum string, n int64, err error) {
	if err := os.MkdirAll(s.blobDir, 0o700); err != nil {
		return "", "", 0, fmt.Errorf("store: blob directory: %w", err)
	}
	tmp, err := os.CreateTemp(s.blobDir, "incoming-*")
	if err != nil {
		return "", "", 0, fmt.Errorf("store: blob: %w", err)
	}
	h := sha256.New()
	n, err = io.Copy(io.MultiWriter(tmp, h), r)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return tmp.Name(), "", 0, fmt.Errorf("store: write blob: %w", err)
	}
	return tmp.Name(), hex.EncodeToString(h.Sum(nil)), n, nil
}

// rename puts a written temporary file at its place dst.
func (s *Store) rename(tmp, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return fmt.Errorf("store: blob directory: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return fmt.Errorf("store: keep blob: %w", err)
	}
	return nil
}

// fileHas reports whether the file at path is size bytes hashing to sum.
func fileHas(path, sum string, size int64) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(f, size+1))
	return err == nil && n == size && hex.EncodeToString(h.Sum(nil)) == sum
}

// isSum reports whether sum is a lowercase hex SHA-256.
func isSum(sum string) bool {
	if len(sum) != 2*sha256.Size {
		return false
	}
	for _, c := range sum {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// ctxReader reads r until ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// OpenBlob opens a stored evidence file.
func (s *Store) OpenBlob(sum string) (io.ReadCloser, error) {
	if b, err := hex.DecodeString(sum); err != nil || len(b) != sha256.Size {
		return nil, fmt.Errorf("store: bad blob sum %q", sum)
	}
	f, err := os.Open(s.BlobPath(sum))
	if err != nil {
		return nil, fmt.Errorf("store: open blob: %w", err)
	}
	return f, nil
}
