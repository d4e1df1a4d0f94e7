package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// syncMetaPrefix starts the metadata keys sync may write: the device's
// credential and the hub epoch. Other keys (device id, chain head) are
// the store's own.
const syncMetaPrefix = "sync."

// SetSyncMeta writes a sync metadata value (key starting "sync.").
func (s *Store) SetSyncMeta(ctx context.Context, key, value string) error {
	if !strings.HasPrefix(key, syncMetaPrefix) {
		return fmt.Errorf("store: %q is not a sync key", key)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.setMeta(ctx, key, value)
}

// Rejection is the hub's refusal of one event.
type Rejection struct {
	EventID uuid.UUID
	Code    string
	Message string // Chinese, as the hub wrote it
}

// Reject moves events the hub refused from the outbox to the rejected
// list, in one transaction. The events stay in the log.
func (s *Store) Reject(ctx context.Context, rs []Rejection) error {
	if len(rs) == 0 {
		return nil
	}
	at := s.now().UnixMilli()
	return s.writeTx(ctx, "reject", func(tx *sql.Tx) error {
		ids := make([]uuid.UUID, len(rs))
		for i, r := range rs {
			ids[i] = r.EventID
			if _, err := tx.ExecContext(ctx, `INSERT INTO rejected (event_id, code, message, at) VALUES (?, ?, ?, ?)
				ON CONFLICT (event_id) DO UPDATE SET code = excluded.code, message = excluded.message, at = excluded.at`,
				r.EventID[:], r.Code, r.Message, at); err != nil {
				return err
			}
		}
		return unqueue(ctx, tx, ids)
	})
}

// RejectedEvent is an event of the rejected list.
type RejectedEvent struct {
	Rejection
	CaseNumber string
	Type       string
	At         time.Time // when the hub refused it
}

// Rejected lists the events the hub refused, newest first.
func (s *Store) Rejected(ctx context.Context) ([]RejectedEvent, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT r.event_id, r.code, r.message, r.at, e.type, e.case_id
		FROM rejected r JOIN events e ON e.id = r.event_id ORDER BY r.at DESC`)
	if err != nil {
		return nil, fmt.Errorf("store: rejected: %w", err)
	}
	var out []RejectedEvent
	var caseIDs []uuid.UUID
	for rows.Next() {
		var r RejectedEvent
		var id, cid []byte
		var at int64
		if err := rows.Scan(&id, &r.Code, &r.Message, &at, &r.Type, &cid); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: rejected: %w", err)
		}
		r.EventID, _ = uuid.FromBytes(id)
		c, _ := uuid.FromBytes(cid)
		r.At = fromMS(at)
		out = append(out, r)
		caseIDs = append(caseIDs, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: rejected: %w", err)
	}
	for i, c := range caseIDs {
		err := s.r.QueryRowContext(ctx, `SELECT CASE official_number WHEN '' THEN provisional_number ELSE official_number END
			FROM cases WHERE id = ?`, c.String()).Scan(&out[i].CaseNumber)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("store: rejected: %w", err)
		}
	}
	return out, nil
}

// RejectedCount is how many events the hub refused: the length of
// Rejected without reading the list.
func (s *Store) RejectedCount(ctx context.Context) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM rejected`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: rejected: %w", err)
	}
	return n, nil
}

// Requeue puts every event this device recorded back in the outbox, for a
// hub restored from a backup that may lack some; the hub answers those it
// has as duplicates. Rejected events stay out.
func (s *Store) Requeue(ctx context.Context) error {
	return s.writeTx(ctx, "requeue", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM outbox`); err != nil {
			return err
		}
		// Runs of consecutive local sequence numbers of this device's
		// events become outbox ranges.
		_, err := tx.ExecContext(ctx, `INSERT INTO outbox (first_seq, last_seq)
			SELECT min(seq), max(seq) FROM (
				SELECT seq, seq - row_number() OVER (ORDER BY seq) AS run FROM events
				WHERE device_id = ? AND id NOT IN (SELECT event_id FROM rejected))
			GROUP BY run`, s.device.ID)
		return err
	})
}

// PendingCounts returns how many events wait in the outbox and how many
// bytes of evidence wait for upload.
func (s *Store) PendingCounts(ctx context.Context) (events, bytes int64, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT (SELECT COALESCE(sum(last_seq - first_seq + 1), 0) FROM outbox),
		(SELECT COALESCE(sum(size), 0) FROM blobs WHERE uploaded = 0)`).Scan(&events, &bytes)
	if err != nil {
		return 0, 0, fmt.Errorf("store: pending: %w", err)
	}
	return events, bytes, nil
}

// Blob is a stored evidence file, or one missing here (MissingBlobs).
type Blob struct {
	SHA256 string
	Size   int64
	Misses int // MissingBlobs: how often the hub did not give it (MissedBlobs)
}

// PendingBlobs lists up to limit evidence files not yet uploaded.
func (s *Store) PendingBlobs(ctx context.Context, limit int) ([]Blob, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT sha256, size FROM blobs WHERE uploaded = 0 ORDER BY stored_at LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: pending blobs: %w", err)
	}
	defer rows.Close()
	var out []Blob
	for rows.Next() {
		var b Blob
		if err := rows.Scan(&b.SHA256, &b.Size); err != nil {
			return nil, fmt.Errorf("store: pending blobs: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// MarkUploaded records that the hub holds the blob.
func (s *Store) MarkUploaded(ctx context.Context, sum string) error {
	return s.writeTx(ctx, "blob uploaded", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE blobs SET uploaded = 1 WHERE sha256 = ?`, sum)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errors.New("no blob " + sum)
		}
		return nil
	})
}

// MissingBlobs lists up to limit evidence files that cases here refer to
// and this desk does not hold: those of cases pulled from the hub. Files
// not asked for yet come first, smallest first (the most thumbnails of
// step 4 soonest, and a large file never holds up the small ones); then
// those the hub did not give (MissedBlobs), the longest ago first, so one
// the hub never gets cannot hold up the rest. Size is as the evidence
// record says; a sum recorded with two sizes is listed with each.
func (s *Store) MissingBlobs(ctx context.Context, limit int) ([]Blob, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT e.sha256, e.size, coalesce(max(m.tries), 0) FROM evidence e
		LEFT JOIN blob_misses m ON m.sha256 = e.sha256
		WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = e.sha256)
		GROUP BY e.sha256, e.size
		ORDER BY coalesce(max(m.seq), 0), e.size, e.sha256 LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: missing blobs: %w", err)
	}
	defer rows.Close()
	var out []Blob
	for rows.Next() {
		var b Blob
		if err := rows.Scan(&b.SHA256, &b.Size, &b.Misses); err != nil {
			return nil, fmt.Errorf("store: missing blobs: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// BlobMiss is an ask for a missing evidence file that did not bring it.
type BlobMiss struct {
	SHA256 string
	Reason string // a short code, for whoever looks: not_found, mismatch, cut…
}

// MissedBlobs records, in one transaction and in their order, asks to
// the hub that did not bring missing evidence files: each goes behind
// the other missing files until it is stored (KeepBlob).
func (s *Store) MissedBlobs(ctx context.Context, ms []BlobMiss) error {
	if len(ms) == 0 {
		return nil
	}
	return s.writeTx(ctx, "blobs missed", func(tx *sql.Tx) error {
		for _, m := range ms {
			if _, err := tx.ExecContext(ctx, `INSERT INTO blob_misses (sha256, seq, tries, reason)
				VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 FROM blob_misses), 1, ?2)
				ON CONFLICT (sha256) DO UPDATE SET seq = excluded.seq, tries = tries + 1, reason = excluded.reason`,
				m.SHA256, m.Reason); err != nil {
				return err
			}
		}
		return nil
	})
}
