package store

import (
	"context"
	"crypto/sha256"
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
	if err := os.MkdirAll(s.blobDir, 0o700); err != nil {
		return "", 0, fmt.Errorf("store: blob directory: %w", err)
	}
	tmp, err := os.CreateTemp(s.blobDir, "incoming-*")
	if err != nil {
		return "", 0, fmt.Errorf("store: blob: %w", err)
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), r)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", 0, fmt.Errorf("store: write blob: %w", err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	dst := s.BlobPath(sum)
	if _, err := os.Stat(dst); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return "", 0, fmt.Errorf("store: blob directory: %w", err)
		}
		if err := os.Rename(tmp.Name(), dst); err != nil {
			return "", 0, fmt.Errorf("store: keep blob: %w", err)
		}
	}
	_, err = s.w.ExecContext(ctx, `INSERT INTO blobs (sha256, size, media_type, stored_at) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`,
		sum, n, mediaType, s.now().UnixMilli())
	if err != nil {
		return "", 0, fmt.Errorf("store: record blob: %w", err)
	}
	return sum, n, nil
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
