package client

import (
	"context"
	"fmt"

	"jiefang/cases"
	"jiefang/sync/protocol"
)

// Inbox is what pulling needs from the desk's store (cases/store
// implements it).
type Inbox interface {
	PullCursor(ctx context.Context) (epoch string, after int64, err error)
	ApplyPulled(ctx context.Context, epoch string, after int64, evs []cases.Event) (int, error)
}

// Source serves pulls.
type Source interface {
	Pull(ctx context.Context, req protocol.PullRequest) (protocol.PullResponse, error)
}

// PullOnce fetches one page of events after the desk's cursor and stores
// them with the new cursor in one transaction. A hub of another epoch than
// the cursor's (restored from a backup) is read again from the start;
// events the desk has are skipped. It returns how many events were new and
// whether more are waiting.
func PullOnce(ctx context.Context, in Inbox, src Source, limit int) (int, bool, error) {
	epoch, after, err := in.PullCursor(ctx)
	if err != nil {
		return 0, false, fmt.Errorf("client: pull: %w", err)
	}
	resp, err := src.Pull(ctx, protocol.PullRequest{Version: protocol.Version, Epoch: epoch, After: after, Limit: limit})
	if err != nil {
		return 0, false, fmt.Errorf("client: pull: %w", err)
	}
	if epoch != "" && resp.Epoch != epoch && after > 0 {
		// A new epoch: the cursor means nothing there. Start over.
		if resp, err = src.Pull(ctx, protocol.PullRequest{Version: protocol.Version, Epoch: resp.Epoch, After: 0, Limit: limit}); err != nil {
			return 0, false, fmt.Errorf("client: pull: %w", err)
		}
		after = 0
	}
	evs := make([]cases.Event, len(resp.Events))
	next := after
	for i, p := range resp.Events {
		evs[i] = p.Event.ToEvent()
		next = p.Seq
	}
	n, err := in.ApplyPulled(ctx, resp.Epoch, next, evs)
	if err != nil {
		return 0, false, fmt.Errorf("client: pull: %w", err)
	}
	return n, resp.More, nil
}
