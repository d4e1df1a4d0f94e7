// Package hub is the county hub's side of sync: it stores every device's
// pushed events once, in one hub sequence, answers each with applied,
// duplicate or rejected (keeping what it refused in quarantine), gives
// each new case its official number, and serves them back in sequence
// order. This is the storage core on SQLite; the HTTP handlers, units and
// scopes, enrollment, conflict flags, blobs and PostgreSQL build on it.
package hub

import (
	"context"
	"crypto/rand"
	"database/sql"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"time"

	"github.com/google/uuid"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"jiefang/cases"
	"jiefang/sync/protocol"
)

//go:embed schema.sql
var schema string

// Store is a hub database.
type Store struct {
	db    *sql.DB // one connection: pushes are serialized
	epoch string
	now   func() time.Time
}

// OpenSQLite opens (creating if needed) a hub database at path.
func OpenSQLite(path string) (*Store, error) {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "busy_timeout(10000)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("hub: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	s := &Store{db: db, now: time.Now}
	if err := s.init(context.Background()); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// init creates the schema on a new database and reads the epoch, which a
// new database (or, later, a restored one) gets fresh.
func (s *Store) init(ctx context.Context) error {
	var tables int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = 'events'`).Scan(&tables); err != nil {
		return fmt.Errorf("hub: read schema: %w", err)
	}
	if tables == 0 {
		b := make([]byte, 8)
		if _, err := rand.Read(b); err != nil {
			return fmt.Errorf("hub: epoch: %w", err)
		}
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("hub: create schema: %w", err)
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, schema); err != nil {
			return fmt.Errorf("hub: create schema: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('epoch', ?)`, hex.EncodeToString(b)); err != nil {
			return fmt.Errorf("hub: create schema: %w", err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("hub: create schema: %w", err)
		}
	}
	if err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'epoch'`).Scan(&s.epoch); err != nil {
		return fmt.Errorf("hub: read epoch: %w", err)
	}
	return nil
}

// Epoch identifies this hub's history; cursors of another epoch are void.
func (s *Store) Epoch() string { return s.epoch }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// hubActor is the actor of the events the hub writes itself.
const hubActor = "上级平台"

// DeviceID is the device id of the events the hub writes itself (official
// case numbers): one hash chain per epoch.
func (s *Store) DeviceID() string { return "hub-" + s.epoch }

// pusher carries one push transaction and the hub's own chain within it.
type pusher struct {
	s      *Store
	tx     *sql.Tx
	ctx    context.Context
	at     int64
	head   *chainHead // read on first use, written back at the end
	device string
}

type chainHead struct {
	seq  int64
	hash string
}

// Push stores the events a device pushed, in one transaction, and answers
// each: applied (with its new hub sequence), duplicate (an event stored
// before with the same content: its original sequence and outcome), or
// rejected (not stored: another device's event, content not matching its
// hash, an invalid event, or an id stored before with other content — the
// original stays untouched and the newcomer goes to quarantine).
func (s *Store) Push(ctx context.Context, deviceID string, evs []protocol.Event) ([]protocol.PushResult, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("hub: push: %w", err)
	}
	defer tx.Rollback()
	p := &pusher{s: s, tx: tx, ctx: ctx, at: s.now().UnixMilli(), device: deviceID}
	out := make([]protocol.PushResult, len(evs))
	for i, w := range evs {
		r, err := p.pushOne(w)
		if err != nil {
			return nil, fmt.Errorf("hub: push event %s: %w", w.ID, err)
		}
		out[i] = r
	}
	if err := p.saveHead(); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("hub: push: %w", err)
	}
	return out, nil
}

func (p *pusher) pushOne(w protocol.Event) (protocol.PushResult, error) {
	ctx, tx, deviceID, at := p.ctx, p.tx, p.device, p.at
	r := protocol.PushResult{ID: w.ID}
	reject := func(c protocol.Code) (protocol.PushResult, error) {
		r.Outcome, r.Code, r.Message = protocol.Rejected, c, c.Message()
		raw, err := json.Marshal(w)
		if err != nil {
			return r, err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO quarantine (id, device_id, code, event, received_at) VALUES (?, ?, ?, ?, ?)`,
			w.ID[:], deviceID, string(c), string(raw), at)
		return r, err
	}
	e := w.ToEvent()
	switch {
	case w.DeviceID != deviceID:
		return reject(protocol.CodeWrongDevice)
	case e.ComputeHash() != e.Hash:
		return reject(protocol.CodeHashInvalid)
	}
	if _, err := cases.Decode(e); err != nil || e.ID == uuid.Nil || e.CaseID == uuid.Nil {
		return reject(protocol.CodeBadEvent)
	}
	var seq int64
	var hash, outcome string
	err := tx.QueryRowContext(ctx, `SELECT seq, hash, outcome FROM events WHERE id = ?`, e.ID[:]).Scan(&seq, &hash, &outcome)
	switch {
	case err == nil && hash == e.Hash:
		r.Outcome, r.Seq = protocol.Duplicate, seq
		return r, nil
	case err == nil:
		return reject(protocol.CodeIDReused)
	case !errors.Is(err, sql.ErrNoRows):
		return r, err
	}
	if r.Seq, err = p.insert(e); err != nil {
		return r, err
	}
	r.Outcome = protocol.Applied
	if e.Type == cases.CaseOpened {
		// The first acknowledgement of a case gives it its official number.
		if err := p.number(e); err != nil {
			return r, err
		}
	}
	return r, nil
}

func (p *pusher) insert(e cases.Event) (int64, error) {
	res, err := p.tx.ExecContext(p.ctx, `INSERT INTO events (id, case_id, type, payload, actor, device_id, device_seq, base_version, at, prev_hash, hash, outcome, received_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID[:], e.CaseID[:], string(e.Type), string(e.Payload), e.Actor, e.DeviceID, e.DeviceSeq, e.BaseVersion,
		e.At.UnixMilli(), e.PrevHash, e.Hash, string(protocol.Applied), p.at)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// number writes the hub's case.numbered event for a newly opened case:
// XF + the year (China time) the case was opened + a six-digit counter of
// that year, the event chained to the hub's previous one.
func (p *pusher) number(opened cases.Event) error {
	year := cases.Local(opened.At).Year()
	key := fmt.Sprintf("number/%d", year)
	var n int64
	if err := p.tx.QueryRowContext(p.ctx, `INSERT INTO meta (key, value) VALUES (?, '1')
		ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1 RETURNING value`, key).Scan(&n); err != nil {
		return fmt.Errorf("official number: %w", err)
	}
	e, err := cases.NewEvent(opened.CaseID, &cases.Numbered{Number: fmt.Sprintf("XF%d%06d", year, n)})
	if err != nil {
		return err
	}
	if p.head == nil {
		p.head = &chainHead{}
		var v string
		err := p.tx.QueryRowContext(p.ctx, `SELECT value FROM meta WHERE key = 'chain_head'`).Scan(&v)
		if err == nil {
			_, err = fmt.Sscanf(v, "%d %s", &p.head.seq, &p.head.hash)
		}
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("hub chain head: %w", err)
		}
	}
	if e.ID, err = uuid.NewV7(); err != nil {
		return err
	}
	e.At = time.UnixMilli(p.at).UTC()
	e.Actor, e.DeviceID, e.DeviceSeq, e.PrevHash = hubActor, p.s.DeviceID(), p.head.seq+1, p.head.hash
	e.Hash = e.ComputeHash()
	if _, err := p.insert(e); err != nil {
		return err
	}
	p.head.seq, p.head.hash = e.DeviceSeq, e.Hash
	return nil
}

// saveHead writes the hub's chain head if this push extended it.
func (p *pusher) saveHead() error {
	if p.head == nil {
		return nil
	}
	_, err := p.tx.ExecContext(p.ctx, `INSERT INTO meta (key, value) VALUES ('chain_head', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
		fmt.Sprintf("%d %s", p.head.seq, p.head.hash))
	if err != nil {
		return fmt.Errorf("hub: chain head: %w", err)
	}
	return nil
}

// Pull returns up to limit stored events after hub sequence after, in
// sequence order, and whether more follow.
func (s *Store) Pull(ctx context.Context, after int64, limit int) ([]protocol.Pulled, bool, error) {
	if limit <= 0 || limit > 5000 {
		limit = 1000
	}
	rows, err := s.db.QueryContext(ctx, `SELECT seq, id, case_id, type, payload, actor, device_id, device_seq, base_version, at, prev_hash, hash
		FROM events WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit+1)
	if err != nil {
		return nil, false, fmt.Errorf("hub: pull: %w", err)
	}
	defer rows.Close()
	var out []protocol.Pulled
	for rows.Next() {
		var p protocol.Pulled
		var id, cid []byte
		var payload string
		var at int64
		if err := rows.Scan(&p.Seq, &id, &cid, &p.Event.Type, &payload, &p.Event.Actor, &p.Event.DeviceID, &p.Event.DeviceSeq,
			&p.Event.BaseVersion, &at, &p.Event.PrevHash, &p.Event.Hash); err != nil {
			return nil, false, fmt.Errorf("hub: pull: %w", err)
		}
		if p.Event.ID, err = uuid.FromBytes(id); err != nil {
			return nil, false, fmt.Errorf("hub: pull: event %d: %w", p.Seq, err)
		}
		if p.Event.CaseID, err = uuid.FromBytes(cid); err != nil {
			return nil, false, fmt.Errorf("hub: pull: event %d: %w", p.Seq, err)
		}
		p.Event.Payload = json.RawMessage(payload)
		p.Event.At = time.UnixMilli(at).UTC()
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("hub: pull: %w", err)
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}

// Stats counts stored and quarantined events and the cases they open.
type Stats struct {
	Events      int64 `json:"events"`
	Cases       int64 `json:"cases"`
	Quarantined int64 `json:"quarantined"`
}

// Stats counts what the hub holds.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	err := s.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM events WHERE type = 'case.opened'),
		(SELECT count(*) FROM quarantine)`).Scan(&st.Events, &st.Cases, &st.Quarantined)
	if err != nil {
		return st, fmt.Errorf("hub: stats: %w", err)
	}
	return st, nil
}
