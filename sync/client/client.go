// Package client is the desk's side of sync. This first part pushes the
// outbox: it sends the oldest unacknowledged events to the hub and takes
// out of the outbox every event the hub has stored. Pull, blobs, USB
// bundles and the HTTP transport build on it.
package client

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/sync/protocol"
)

// Outbox is what pushing needs from the desk's store (cases/store
// implements it).
type Outbox interface {
	Pending(ctx context.Context, limit int) ([]cases.Event, error)
	Acknowledge(ctx context.Context, ids []uuid.UUID) error
}

// Hub takes a push for this device and answers each event.
type Hub interface {
	Push(ctx context.Context, events []protocol.Event) ([]protocol.PushResult, error)
}

// PushOnce sends up to batch pending events and acknowledges those the
// hub stored (applied, duplicate or conflict). It returns how many were
// sent and the hub's answers for those it rejected, which stay in the
// outbox for the desk to show. If the hub's reply is lost, nothing is
// acknowledged and the next push sends the same events again, which the
// hub answers as duplicates.
func PushOnce(ctx context.Context, out Outbox, hub Hub, batch int) (int, []protocol.PushResult, error) {
	evs, err := out.Pending(ctx, batch)
	if err != nil {
		return 0, nil, fmt.Errorf("client: push: %w", err)
	}
	if len(evs) == 0 {
		return 0, nil, nil
	}
	wire := make([]protocol.Event, len(evs))
	for i, e := range evs {
		wire[i] = protocol.FromEvent(e)
	}
	results, err := hub.Push(ctx, wire)
	if err != nil {
		return 0, nil, fmt.Errorf("client: push: %w", err)
	}
	if len(results) != len(evs) {
		return 0, nil, fmt.Errorf("client: push: hub answered %d of %d events", len(results), len(evs))
	}
	var stored []uuid.UUID
	var rejected []protocol.PushResult
	for i, r := range results {
		if r.ID != evs[i].ID {
			return 0, nil, fmt.Errorf("client: push: answer %d is for event %s, not %s", i, r.ID, evs[i].ID)
		}
		if r.Outcome == protocol.Rejected {
			rejected = append(rejected, r)
			continue
		}
		stored = append(stored, r.ID)
	}
	if err := out.Acknowledge(ctx, stored); err != nil {
		return 0, nil, fmt.Errorf("client: push: %w", err)
	}
	return len(evs), rejected, nil
}
