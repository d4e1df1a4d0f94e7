package client

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"jiefang/sync/protocol"
)

// Sender sends one request to the hub: path is relative to the hub's base
// URL (e.g. "/v1/uploads/abc"), the caller's implementation adds
// authentication. body may be nil.
type Sender func(ctx context.Context, method, path string, header http.Header, body []byte) (*http.Response, error)

// Limits of UploadBlob.
const (
	// DefaultUploadChunk is the PATCH body size when none is given.
	DefaultUploadChunk = 512 << 10
	// maxUploadRestarts bounds how often an upload starts over with a
	// fresh tus upload after the first one (blob_mismatch, or the upload
	// vanished from the hub).
	maxUploadRestarts = 3
	// maxUploadFailures bounds the transient failures (network errors,
	// 5xx, a locked upload) in a row, without the hub's offset moving
	// forward in between.
	maxUploadFailures = 20
	// Backoff after a transient failure: doubling from the first to the
	// last.
	uploadBackoffFirst = 100 * time.Millisecond
	uploadBackoffMax   = 5 * time.Second
)

// tusVersion is the tus protocol version spoken.
const tusVersion = "1.0.0"

// UploadBlob makes sure the hub holds the blob sum of size bytes read
// from src: HEAD protocol.PathBlobs+sum first (200: already there,
// nothing sent), else create a tus upload (POST protocol.PathUploads with
// Tus-Resumable 1.0.0, Upload-Length, Upload-Metadata "sha256 <base64 of
// hex sum>"), then PATCH chunks of chunk bytes (DefaultUploadChunk when
// chunk <= 0; bodies are buffered because the caller signs them). After a
// failed or cut PATCH it asks the upload's offset with HEAD and continues
// from there (resume, not restart). A blob_mismatch answer, or an upload
// the hub no longer has while the blob is not stored either, restarts
// with a fresh upload, at most 3 times. Transient failures (network
// errors, 5xx, 423) are retried with a backoff that respects ctx, up to
// 20 in a row without progress. It returns how many body bytes it handed
// to send in PATCH requests in total, cut ones included. A refusal is
// returned wrapping the hub's *protocol.Error when the answer carries one.
func UploadBlob(ctx context.Context, send Sender, sum string, size int64, src io.ReaderAt, chunk int) (sent int64, err error) {
	if !isHexSum(sum) {
		return 0, fmt.Errorf("client: upload blob: %q is not a lowercase hex SHA-256", sum)
	}
	if size < 0 {
		return 0, fmt.Errorf("client: upload blob %s: negative size %d", sum, size)
	}
	if chunk <= 0 {
		chunk = DefaultUploadChunk
	}
	u := &blobUpload{ctx: ctx, send: send, sum: sum, size: size, src: src, chunk: chunk}
	has, err := u.hubHas()
	if err != nil {
		return 0, fmt.Errorf("client: upload blob %s: %w", sum, err)
	}
	if has {
		return 0, nil
	}
	for restarts := 0; ; restarts++ {
		err := u.upload()
		var again uploadStartOver
		switch {
		case err == nil:
			return u.sent, nil
		case errors.As(err, &again) && restarts < maxUploadRestarts:
			continue
		}
		return u.sent, fmt.Errorf("client: upload blob %s: %w", sum, err)
	}
}

// uploadStartOver is the reason a tus upload is abandoned for a fresh one.
type uploadStartOver struct{ err error }

func (s uploadStartOver) Error() string { return "starting over: " + s.err.Error() }
func (s uploadStartOver) Unwrap() error { return s.err }

// blobUpload is one UploadBlob call.
type blobUpload struct {
	ctx   context.Context
	send  Sender
	sum   string
	size  int64
	src   io.ReaderAt
	chunk int

	sent     int64 // PATCH body bytes handed to send
	failures int   // transient failures since the hub's offset last moved
}

// tusAnswer is a hub response, its body read (up to a limit).
type tusAnswer struct {
	status int
	header http.Header
	body   []byte
}

// exchange sends one request and reads its answer.
func (u *blobUpload) exchange(method, path string, header http.Header, body []byte) (*tusAnswer, error) {
	resp, err := u.send(u.ctx, method, path, header, body)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return nil, err
	}
	return &tusAnswer{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// tusRetryable are tusd's error codes (the start of its plain-text
// answers) that mean "ask the offset and go on": the body arrived cut,
// another request held the upload, the offsets disagree.
var tusRetryable = []string{"ERR_UNEXPECTED_EOF", "ERR_UPLOAD_INTERRUPTED", "ERR_MISMATCHED_OFFSET",
	"ERR_UPLOAD_LOCKED", "ERR_LOCK_TIMEOUT", "ERR_CONNECTION_RESET", "ERR_READ_TIMEOUT"}

// tusTransient reports whether a failed exchange is worth trying again.
func tusTransient(a *tusAnswer, err error) bool {
	if err != nil {
		return true
	}
	switch {
	case a.status >= 500, a.status == http.StatusLocked, a.status == http.StatusRequestTimeout,
		a.status == http.StatusTooManyRequests, a.status == http.StatusConflict:
		return true
	}
	for _, code := range tusRetryable {
		if bytes.HasPrefix(a.body, []byte(code)) {
			return true
		}
	}
	return false
}

// refusal is the error an answer carries: the hub's protocol.Error when
// its body is one, else the status and the start of the body.
func (a *tusAnswer) refusal() error {
	var pe protocol.Error
	if json.Unmarshal(a.body, &pe) == nil && pe.Code != "" {
		return &pe
	}
	text := strings.TrimSpace(string(a.body))
	if len(text) > 200 {
		text = text[:200]
	}
	return fmt.Errorf("hub answered %d %q", a.status, text)
}

// isMismatch reports whether the hub refused the content as not matching
// its sum.
func (a *tusAnswer) isMismatch() bool {
	var pe *protocol.Error
	return errors.As(a.refusal(), &pe) && pe.Code == protocol.CodeBlobMismatch
}

// failed counts a transient failure and waits before the next try. It
// gives up, returning the cause, after maxUploadFailures in a row.
func (u *blobUpload) failed(what string, a *tusAnswer, err error) error {
	if ctxErr := u.ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	if err == nil {
		err = a.refusal()
	}
	u.failures++
	if u.failures >= maxUploadFailures {
		return fmt.Errorf("%s: giving up after %d failures in a row: %w", what, u.failures, err)
	}
	wait := uploadBackoffMax
	if u.failures < 16 {
		wait = min(uploadBackoffFirst<<(u.failures-1), uploadBackoffMax)
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-u.ctx.Done():
		return u.ctx.Err()
	case <-t.C:
		return nil
	}
}

// tusHeader is the header of every tus request, plus the given pairs.
func tusHeader(kv ...string) http.Header {
	h := http.Header{"Tus-Resumable": {tusVersion}}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

// hubHas asks whether the hub holds the blob.
func (u *blobUpload) hubHas() (bool, error) {
	for {
		a, err := u.exchange(http.MethodHead, protocol.PathBlobs+u.sum, nil, nil)
		switch {
		case err == nil && a.status == http.StatusOK:
			return true, nil
		case err == nil && a.status == http.StatusNotFound:
			return false, nil
		case !tusTransient(a, err):
			return false, fmt.Errorf("ask for blob: %w", a.refusal())
		}
		if err := u.failed("ask for blob", a, err); err != nil {
			return false, err
		}
	}
}

// upload runs one tus upload from creation to its last byte. It returns
// an uploadStartOver error when a fresh upload should be tried.
func (u *blobUpload) upload() error {
	path, err := u.create()
	if err != nil || path == "" {
		return err // a "" path: an empty blob, stored at creation
	}
	var offset int64
	for offset < u.size {
		n := min(int64(u.chunk), u.size-offset)
		body := make([]byte, n) // not reused: a transport may still read a body after a failed request
		if k, err := u.src.ReadAt(body, offset); int64(k) != n {
			return fmt.Errorf("read bytes %d-%d: %w", offset, offset+n, orUnexpectedEOF(err))
		}
		u.sent += n
		a, err := u.exchange(http.MethodPatch, path, tusHeader("Upload-Offset", strconv.FormatInt(offset, 10),
			"Content-Type", "application/offset+octet-stream"), body)
		if err == nil && (a.status == http.StatusNoContent || a.status == http.StatusOK) {
			next, perr := strconv.ParseInt(a.header.Get("Upload-Offset"), 10, 64)
			if perr == nil && next > offset && next <= u.size {
				offset = next
				u.failures = 0
				continue // at u.size the hub has checked and stored the blob in this request
			}
			err = fmt.Errorf("hub answered offset %q after %d", a.header.Get("Upload-Offset"), offset)
		}
		switch {
		case err == nil && a.status == http.StatusNotFound:
			return u.vanished()
		case err == nil && a.isMismatch():
			return uploadStartOver{a.refusal()}
		case err == nil && !tusTransient(a, nil):
			return fmt.Errorf("send bytes %d-%d: %w", offset, offset+n, a.refusal())
		}
		if err := u.failed("send", a, err); err != nil {
			return err
		}
		resumed, err := u.offset(path)
		if err != nil || resumed < 0 {
			return err // resumed < 0: the blob is stored after all
		}
		if resumed > offset {
			u.failures = 0
		}
		offset = resumed
		if offset == u.size {
			// Every byte arrived but the hub did not store the blob (it
			// failed while checking it): only a fresh upload can finish.
			return u.vanished()
		}
	}
	return nil
}

// create makes a tus upload and returns its path; "" for an empty blob,
// which the hub checks and stores at creation.
func (u *blobUpload) create() (string, error) {
	meta := "sha256 " + base64.StdEncoding.EncodeToString([]byte(u.sum))
	for {
		a, err := u.exchange(http.MethodPost, protocol.PathUploads, tusHeader("Upload-Length", strconv.FormatInt(u.size, 10),
			"Upload-Metadata", meta), nil)
		switch {
		case err == nil && a.status == http.StatusCreated:
			if u.size == 0 {
				return "", nil
			}
			path, err := uploadLocationPath(a.header.Get("Location"))
			if err != nil {
				return "", fmt.Errorf("create upload: %w", err)
			}
			return path, nil
		case err == nil && a.isMismatch():
			return "", uploadStartOver{a.refusal()}
		case !tusTransient(a, err):
			return "", fmt.Errorf("create upload: %w", a.refusal())
		}
		if err := u.failed("create upload", a, err); err != nil {
			return "", err
		}
	}
}

// offset asks the hub how much of the upload at path it holds. It
// returns -1 if the upload is gone because the blob is stored, and a
// uploadStartOver error if it is gone and the blob is not stored.
func (u *blobUpload) offset(path string) (int64, error) {
	for {
		a, err := u.exchange(http.MethodHead, path, tusHeader(), nil)
		if err == nil && a.status == http.StatusOK || err == nil && a.status == http.StatusNoContent {
			off, perr := strconv.ParseInt(a.header.Get("Upload-Offset"), 10, 64)
			if perr == nil && off >= 0 && off <= u.size {
				return off, nil
			}
			err = fmt.Errorf("hub answered offset %q", a.header.Get("Upload-Offset"))
		}
		switch {
		case err == nil && a.status == http.StatusNotFound:
			return -1, u.vanished()
		case err == nil && !tusTransient(a, nil):
			return 0, fmt.Errorf("ask upload offset: %w", a.refusal())
		}
		if err := u.failed("ask upload offset", a, err); err != nil {
			return 0, err
		}
	}
}

// vanished handles an upload that is gone or cannot complete: done if
// the blob is stored (the answer to its last PATCH was lost), else a
// fresh upload is needed.
func (u *blobUpload) vanished() error {
	has, err := u.hubHas()
	switch {
	case err != nil:
		return err
	case has:
		return nil
	}
	return uploadStartOver{errors.New("the hub holds neither the upload nor the blob")}
}

// uploadLocationPath reduces a Location header, absolute or relative to the
// uploads path, to its path.
func uploadLocationPath(loc string) (string, error) {
	if loc == "" {
		return "", errors.New("no Location in the tusAnswer")
	}
	ref, err := url.Parse(loc)
	if err != nil {
		return "", fmt.Errorf("Location %q: %w", loc, err)
	}
	p := (&url.URL{Path: protocol.PathUploads}).ResolveReference(ref).EscapedPath()
	if p == "" || p == "/" || p == protocol.PathUploads {
		return "", fmt.Errorf("Location %q names no upload", loc)
	}
	return p, nil
}

// isHexSum reports whether s is 64 lowercase hex digits.
func isHexSum(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// orUnexpectedEOF is err, or io.ErrUnexpectedEOF when err is nil.
func orUnexpectedEOF(err error) error {
	if err != nil {
		return err
	}
	return io.ErrUnexpectedEOF
}
