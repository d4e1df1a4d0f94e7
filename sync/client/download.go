package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"jiefang/cases/store"
	"jiefang/sync/protocol"
)

// Evidence files of cases pulled from the hub come after their events:
// each round, after the pull, fetches a bounded number of the files that
// evidence records here refer to and this desk does not hold.

// Limits of the downloads of one round (Remote.DownloadFiles and
// Remote.DownloadBytes when set).
const (
	// DownloadFiles is how many evidence files one round fetches.
	DownloadFiles = 50
	// DownloadBytes is how many bytes of evidence files one round
	// fetches; a larger file still comes when it is the first.
	DownloadBytes = 64 << 20
	// downloadAsks bounds the files one round asks for, including those
	// the hub does not have yet. After downloadRetries files that the hub
	// did not give before and does not give again, the round asks no
	// more of those: files it never gets (their desk lost them) cost a
	// round few requests.
	downloadAsks    = 200
	downloadRetries = 20
	// downloadStall is how long a download may go without a byte. A
	// download has no overall deadline (a large file on a slow line takes
	// what it takes: under the client's 5 minutes it could never come),
	// only this, the dial and TLS timeouts and the wait for the answer.
	downloadStall = 60 * time.Second
)

// errStalled ends a download that received nothing for the stall time.
var errStalled = errors.New("client: download stalled")

// blobMiss is a download that did not bring its file for a reason of
// that file alone: the round goes on, and the file waits behind the
// others (store.MissedBlobs) for a later round.
type blobMiss struct {
	absent bool   // the hub does not have it (yet), or will not give it: 404, 403
	reason string // a short code, kept with the miss
	err    error
}

func (m *blobMiss) Error() string { return "client: download: " + m.reason + ": " + m.err.Error() }
func (m *blobMiss) Unwrap() error { return m.err }

// downloadBlobs fetches evidence files that cases here refer to and this
// desk lacks (store.MissingBlobs: smallest first, those missed before
// last), up to the round's limits in files and bytes. A file the hub does
// not have yet is skipped quietly; one whose content does not match its
// evidence record, or whose download is cut or stalls, is refused and
// counted; either is asked for again in a later round. A network failure,
// a refusal of the device, a failure of this desk, or ctx ending fails
// the round; nothing half-downloaded is ever kept.
func downloadBlobs(ctx context.Context, local Local, r *Remote, rep *Report) error {
	maxFiles, maxBytes := r.DownloadFiles, r.DownloadBytes
	if maxFiles <= 0 {
		maxFiles = DownloadFiles
	}
	if maxBytes <= 0 {
		maxBytes = DownloadBytes
	}
	missing, err := local.MissingBlobs(ctx, downloadAsks)
	if err != nil {
		return err
	}
	var misses []store.BlobMiss
	files, bytes := 0, int64(0) // files and bytes that came (refused ones included)
	missedAgain := 0
	for _, b := range missing {
		if files >= maxFiles || b.Misses > 0 && missedAgain >= downloadRetries {
			break // (the files after one missed before were all missed before)
		}
		if files > 0 && bytes+b.Size > maxBytes {
			continue // a smaller one may still fit
		}
		n, err := r.downloadBlob(ctx, b.SHA256, b.Size, func(body io.Reader) error {
			return local.KeepBlob(ctx, b.SHA256, b.Size, body)
		})
		var miss *blobMiss
		switch {
		case err == nil:
			rep.Downloaded++
			rep.DownloadedBytes += n
		case errors.As(err, &miss):
			misses = append(misses, store.BlobMiss{SHA256: b.SHA256, Reason: miss.reason})
			if b.Misses > 0 {
				missedAgain++
			}
			if miss.absent {
				rep.DownloadSkipped++
				continue
			}
			rep.DownloadFailed++
		default:
			if ctx.Err() == nil {
				local.MissedBlobs(ctx, misses) // the round fails with err anyway
			}
			return err
		}
		files++
		bytes += n
	}
	return local.MissedBlobs(ctx, misses)
}

// downloadBlob fetches the evidence file sum of size bytes (GET
// protocol.PathBlobs+sum) and hands its body to keep, which checks it and
// puts it in place (store.KeepBlob) or keeps nothing. It returns how many
// bytes keep read. The errors for this file alone are *blobMiss.
func (r *Remote) downloadBlob(ctx context.Context, sum string, size int64, keep func(io.Reader) error) (int64, error) {
	stall := r.stall
	if stall <= 0 {
		stall = downloadStall
	}
	dctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	watchdog := time.AfterFunc(stall, func() { cancel(errStalled) })
	defer watchdog.Stop()
	fail := func(err error) error {
		if ctx.Err() == nil && errors.Is(context.Cause(dctx), errStalled) {
			return &blobMiss{reason: "stalled", err: errStalled}
		}
		return fmt.Errorf("client: download %s: %w", sum, err)
	}

	req, err := r.request(dctx, http.MethodGet, protocol.PathBlobs+sum, nil, nil)
	if err != nil {
		return 0, fmt.Errorf("client: download %s: %w", sum, err)
	}
	// Not r.hc: its overall deadline would cut a large file on a slow
	// line every time. The same transport, so the same pinned TLS.
	resp, err := (&http.Client{Transport: r.hc.Transport}).Do(req)
	if err != nil {
		return 0, fail(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		if err != nil {
			return 0, fail(err)
		}
		return 0, answerMiss(sum, resp.StatusCode, raw)
	}
	if resp.ContentLength >= 0 && resp.ContentLength != size {
		return 0, &blobMiss{reason: "size", err: fmt.Errorf("%s: the hub sends %d bytes, the evidence record says %d", sum, resp.ContentLength, size)}
	}
	body := &watchedBody{r: resp.Body, watchdog: watchdog, stall: stall}
	err = keep(body)
	switch {
	case err == nil:
		return body.n, nil
	case ctx.Err() != nil:
		return body.n, fmt.Errorf("client: download %s: %w", sum, ctx.Err())
	case errors.Is(context.Cause(dctx), errStalled):
		return body.n, &blobMiss{reason: "stalled", err: errStalled}
	case body.err != nil:
		return body.n, &blobMiss{reason: "cut", err: body.err}
	case errors.Is(err, store.ErrBlobMismatch):
		return body.n, &blobMiss{reason: "mismatch", err: err}
	}
	return body.n, err // this desk failed to store it
}

// answerMiss is the error of a download the hub answered with status and
// body raw (not 200): a 404, or a 403 for the case's scope, is a miss of
// this file; any other answer, the device revoked among them, is not.
func answerMiss(sum string, status int, raw []byte) error {
	var pe protocol.Error
	var err error = &statusError{code: status}
	if json.Unmarshal(raw, &pe) == nil && pe.Code != "" {
		err = &pe
	}
	switch {
	case status == http.StatusNotFound,
		status == http.StatusForbidden && (pe.Code == "" || pe.Code == protocol.CodeOutOfScope):
		reason := string(pe.Code)
		if reason == "" {
			reason = "http " + strconv.Itoa(status)
		}
		return &blobMiss{absent: true, reason: reason, err: err}
	}
	return fmt.Errorf("client: download %s: %w", sum, err)
}

// watchedBody reads a download's body, putting the stall watchdog off at
// every byte, and keeps how much it read and the read error (other than
// the end).
type watchedBody struct {
	r        io.Reader
	watchdog *time.Timer
	stall    time.Duration
	n        int64
	err      error
}

func (w *watchedBody) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	if n > 0 {
		w.watchdog.Reset(w.stall)
		w.n += int64(n)
	}
	if err != nil && err != io.EOF {
		w.err = err
	}
	return n, err
}
