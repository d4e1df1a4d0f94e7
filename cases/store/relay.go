package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Relay is a USB bundle of another device, imported on this desk to be
// relayed to the hub.
type Relay struct {
	ID         string // the bundle's id: the SHA-256 of its signed content
	DeviceID   string // the device that wrote it
	DeviceCode string
	Events     int
	Blobs      int
	Enrollment bool // it carries a one-time enrollment code
	Bundle     []byte
	ImportedAt time.Time
	RelayedAt  time.Time // zero while it waits
	Rejected   int       // its events the hub refused, kept in the hub's quarantine
	Error      string    // the hub's last refusal of the whole bundle, Chinese
}

// Waiting reports whether the bundle still waits for the hub.
func (r Relay) Waiting() bool { return r.RelayedAt.IsZero() }

const relayColumns = `id, device_id, device_code, events, blobs, enrollment, imported_at, relayed_at, rejected, error`

func scanRelay(sc interface{ Scan(...any) error }) (Relay, error) {
	var r Relay
	var imported int64
	var relayed sql.NullInt64
	if err := sc.Scan(&r.ID, &r.DeviceID, &r.DeviceCode, &r.Events, &r.Blobs, &r.Enrollment, &imported, &relayed, &r.Rejected, &r.Error); err != nil {
		return r, err
	}
	r.ImportedAt = fromMS(imported)
	if relayed.Valid {
		r.RelayedAt = fromMS(relayed.Int64)
	}
	return r, nil
}

// AddRelay keeps a bundle (its evidence files already stored with
// PutBlob) until the hub takes it. A bundle with the same id imported
// before, waiting or relayed, is left as it is: added is false and the
// row returned is the earlier one.
func (s *Store) AddRelay(ctx context.Context, r Relay) (Relay, bool, error) {
	if r.ID == "" || r.DeviceID == "" || len(r.Bundle) == 0 {
		return Relay{}, false, errors.New("store: relay: a bundle needs an id, a device and its bytes")
	}
	var added bool
	var out Relay
	err := s.writeTx(ctx, "relay", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO relay (id, device_id, device_code, events, blobs, enrollment, bundle, imported_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
			r.ID, r.DeviceID, r.DeviceCode, r.Events, r.Blobs, r.Enrollment, r.Bundle, s.now().UnixMilli())
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		added = n == 1
		out, err = scanRelay(tx.QueryRowContext(ctx, `SELECT `+relayColumns+` FROM relay WHERE id = ?`, r.ID))
		return err
	})
	if err != nil {
		return Relay{}, false, err
	}
	return out, added, nil
}

// Relays lists the imported bundles, those waiting first, then by import
// time; without their bytes.
func (s *Store) Relays(ctx context.Context) ([]Relay, error) {
	return s.relays(ctx, `SELECT `+relayColumns+` FROM relay ORDER BY relayed_at IS NOT NULL, imported_at, id`)
}

// PendingRelays lists the bundles waiting for the hub, oldest first,
// without their bytes (RelayBundle reads them one at a time).
func (s *Store) PendingRelays(ctx context.Context) ([]Relay, error) {
	return s.relays(ctx, `SELECT `+relayColumns+` FROM relay WHERE relayed_at IS NULL ORDER BY imported_at, id`)
}

func (s *Store) relays(ctx context.Context, query string) ([]Relay, error) {
	rows, err := s.r.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("store: relay: %w", err)
	}
	defer rows.Close()
	var out []Relay
	for rows.Next() {
		r, err := scanRelay(rows)
		if err != nil {
			return nil, fmt.Errorf("store: relay: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: relay: %w", err)
	}
	return out, nil
}

// ErrRelayed is returned for the bytes of a bundle the hub has taken.
var ErrRelayed = errors.New("store: the bundle was relayed already")

// RelayBundle reads the bytes of a waiting bundle.
func (s *Store) RelayBundle(ctx context.Context, id string) ([]byte, error) {
	var b []byte
	err := s.r.QueryRowContext(ctx, `SELECT bundle FROM relay WHERE id = ?`, id).Scan(&b)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("store: relay: no bundle %s", id)
	case err != nil:
		return nil, fmt.Errorf("store: relay: %w", err)
	case b == nil:
		return nil, ErrRelayed
	}
	return b, nil
}

// MarkRelayed records that the hub took the bundle, rejected of its
// events going to the hub's quarantine, and drops its bytes: the row
// stays as the receipt.
func (s *Store) MarkRelayed(ctx context.Context, id string, rejected int) error {
	return s.writeTx(ctx, "relayed", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE relay SET bundle = NULL, relayed_at = ?, rejected = ?, error = '' WHERE id = ? AND relayed_at IS NULL`,
			s.now().UnixMilli(), rejected, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("no waiting bundle %s", id)
		}
		return nil
	})
}

// RelayFailed records why the hub refused a bundle; it keeps waiting.
func (s *Store) RelayFailed(ctx context.Context, id, message string) error {
	return s.writeTx(ctx, "relay refused", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE relay SET error = ? WHERE id = ? AND relayed_at IS NULL`, message, id)
		return err
	})
}
