package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/google/uuid"

	"jiefang/cases/store"
	"jiefang/sync/protocol"
)

// Local is what a sync round needs from the desk's store (cases/store
// implements it).
type Local interface {
	Outbox
	Inbox
	Keyring
	Reject(ctx context.Context, rs []store.Rejection) error
	Requeue(ctx context.Context) error
	PendingBlobs(ctx context.Context, limit int) ([]store.Blob, error)
	MarkUploaded(ctx context.Context, sum string) error
	BlobPath(sum string) string
	// Evidence files of pulled cases, fetched from the hub.
	MissingBlobs(ctx context.Context, limit int) ([]store.Blob, error)
	KeepBlob(ctx context.Context, sum string, size int64, r io.Reader) error
	MissedBlobs(ctx context.Context, ms []store.BlobMiss) error
	// USB bundles of other devices, imported here to be relayed.
	PendingRelays(ctx context.Context) ([]store.Relay, error)
	RelayBundle(ctx context.Context, id string) ([]byte, error)
	MarkRelayed(ctx context.Context, id string, rejected int) error
	RelayFailed(ctx context.Context, id, message string) error
}

// Report says what one round moved.
type Report struct {
	Pushed    int // events the hub answered for (stored now or before)
	Rejected  int // events the hub refused, moved to the rejected list
	Pulled    int // new events from the hub
	Blobs     int // evidence files uploaded
	BlobBytes int64
	NewEpoch  bool // the hub was restored: everything was sent again

	// Evidence files of pulled cases. Skipped and failed ones are asked
	// for again in a later round.
	Downloaded      int   // fetched from the hub and stored here
	DownloadedBytes int64 // their bytes
	DownloadSkipped int   // the hub does not have them yet (the desk that added them has not uploaded them)
	DownloadFailed  int   // refused: content not matching the evidence record, or the download cut or stalled

	Relayed       int    // USB bundles of other devices the hub took
	RelayedEvents int    // their events the hub stored (now or before)
	RelayRejected int    // their events the hub refused: in the hub's quarantine
	RelayRefused  int    // bundles the hub refused as a whole: they keep waiting here
	RelayErr      string // Chinese: why the first of those was refused
}

// Batch is how many events go in one push.
const Batch = 200

// Round runs one sync round: push every pending event, relay the USB
// bundles imported here, upload evidence files (the desk's own and those
// of the bundles), pull until the hub has nothing more, then download a
// bounded number of the evidence files of pulled cases that this desk
// does not hold yet (downloadBlobs). A hub of a new epoch (restored from
// a backup) first gets everything this device recorded again, and is
// pulled from the start. A bundle the hub refuses, or an evidence file it
// does not have or sends wrong, does not fail the round: it waits,
// counted in the report.
func Round(ctx context.Context, local Local, r *Remote) (Report, error) {
	var rep Report
	hello, err := r.Hello(ctx)
	if err != nil {
		return rep, err
	}
	if !protocol.Accepts(hello.Version) {
		return rep, protocol.NewError(protocol.CodeBadVersion, fmt.Sprintf("hub speaks version %d", hello.Version))
	}
	if hello.Epoch != r.cred.Epoch {
		if r.cred.Epoch != "" {
			if err := local.Requeue(ctx); err != nil {
				return rep, err
			}
			rep.NewEpoch = true
		}
		r.cred.Epoch = hello.Epoch
		if err := SaveCredential(ctx, local, r.cred); err != nil {
			return rep, err
		}
	}
	batch := r.Batch
	if batch <= 0 {
		batch = Batch
	}
	for {
		n, rejected, err := PushOnce(ctx, local, r, batch)
		var pe *protocol.Error
		if errors.As(err, &pe) && pe.Code == protocol.CodeBadEvent && pe.EventID != "" {
			// The hub cannot read one event: set it aside and go on.
			id, perr := uuid.Parse(pe.EventID)
			if perr != nil {
				return rep, err
			}
			if err := local.Reject(ctx, []store.Rejection{{EventID: id, Code: string(pe.Code), Message: pe.Message}}); err != nil {
				return rep, err
			}
			rep.Rejected++
			continue
		}
		if err != nil {
			return rep, err
		}
		if len(rejected) > 0 {
			rs := make([]store.Rejection, len(rejected))
			for i, x := range rejected {
				rs[i] = store.Rejection{EventID: x.ID, Code: string(x.Code), Message: x.Message}
			}
			if err := local.Reject(ctx, rs); err != nil {
				return rep, err
			}
		}
		rep.Pushed += n - len(rejected)
		rep.Rejected += len(rejected)
		if n < batch {
			break
		}
	}
	if err := relayBundles(ctx, local, r, &rep); err != nil {
		return rep, err
	}
	if err := uploadBlobs(ctx, local, r, &rep); err != nil {
		return rep, err
	}
	for {
		n, more, err := PullOnce(ctx, local, r, 1000)
		if err != nil {
			return rep, err
		}
		rep.Pulled += n
		if !more {
			break
		}
	}
	if err := downloadBlobs(ctx, local, r, &rep); err != nil {
		return rep, err
	}
	return rep, nil
}

func uploadBlobs(ctx context.Context, local Local, r *Remote, rep *Report) error {
	for {
		blobs, err := local.PendingBlobs(ctx, 20)
		if err != nil || len(blobs) == 0 {
			return err
		}
		for _, b := range blobs {
			sent, err := uploadFile(ctx, r, local.BlobPath(b.SHA256), b)
			if err != nil {
				return err
			}
			if err := local.MarkUploaded(ctx, b.SHA256); err != nil {
				return err
			}
			rep.Blobs++
			rep.BlobBytes += sent
		}
	}
}

func uploadFile(ctx context.Context, r *Remote, path string, b store.Blob) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("client: evidence file %s: %w", b.SHA256, err)
	}
	defer f.Close()
	var src io.ReaderAt = f
	sent, err := UploadBlob(ctx, r.send, b.SHA256, b.Size, src, 0)
	if err != nil {
		return sent, fmt.Errorf("client: upload %s: %w", b.SHA256, err)
	}
	return sent, nil
}

// ErrNotEnrolled is returned when the desk has no credential yet.
var ErrNotEnrolled = errors.New("client: not enrolled: paste an enrollment code in 连接上级")
