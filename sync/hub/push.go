package hub

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/sync/protocol"
)

// hubActor is the actor of the events the hub writes itself.
const hubActor = "上级平台"

// DeviceID is the device id of the events the hub writes itself (official
// case numbers): one hash chain per epoch.
func (s *Store) DeviceID() string { return "hub-" + s.epoch }

// pusher carries one push transaction and the hub's own chain within it.
type pusher struct {
	s    *Store
	tx   *sql.Tx
	ctx  context.Context
	at   int64
	dev  Device
	seq  int64      // last hub sequence used
	head *chainHead // the hub's own chain: read on first use, written back at the end
}

type chainHead struct {
	seq  int64
	hash string
}

// Push stores the events a device pushed, in one transaction, and answers
// each: applied (with its new hub sequence); conflict (stored, but it
// changed a mutable field changed concurrently: both values are kept and
// the case is flagged); duplicate (an event stored before with the same
// content: its original sequence and outcome); or rejected (not stored:
// another device's event, content not matching its hash, an invalid
// event, a case outside the device's unit, or an id stored before with
// other content — the original stays untouched and the newcomer goes to
// quarantine).
func (s *Store) Push(ctx context.Context, dev Device, evs []protocol.Event) ([]protocol.PushResult, error) {
	out := make([]protocol.PushResult, len(evs))
	err := s.write(ctx, func(tx *sql.Tx) error {
		p := &pusher{s: s, tx: tx, ctx: ctx, at: s.now().UnixMilli(), dev: dev}
		if err := s.queryRow(ctx, tx, `SELECT COALESCE(max(seq), 0) FROM events`).Scan(&p.seq); err != nil {
			return err
		}
		for i, w := range evs {
			r, err := p.pushOne(w)
			if err != nil {
				return fmt.Errorf("event %s: %w", w.ID, err)
			}
			out[i] = r
		}
		if err := p.saveHead(); err != nil {
			return err
		}
		if s.beforeCommit != nil {
			s.beforeCommit()
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("hub: push: %w", err)
	}
	return out, nil
}

func (p *pusher) pushOne(w protocol.Event) (protocol.PushResult, error) {
	ctx, tx, s := p.ctx, p.tx, p.s
	r := protocol.PushResult{ID: w.ID}
	reject := func(c protocol.Code) (protocol.PushResult, error) {
		r.Outcome, r.Code, r.Message = protocol.Rejected, c, c.Message()
		raw, err := json.Marshal(w)
		if err != nil {
			return r, err
		}
		_, err = s.exec(ctx, tx, `INSERT INTO quarantine (id, device_id, code, event, received_at) VALUES (?, ?, ?, ?, ?)`,
			w.ID[:], p.dev.ID, string(c), string(raw), p.at)
		return r, err
	}
	e := w.ToEvent()
	switch {
	case w.DeviceID != p.dev.ID:
		return reject(protocol.CodeWrongDevice)
	case e.ComputeHash() != e.Hash:
		return reject(protocol.CodeHashInvalid)
	}
	payload, err := cases.Decode(e)
	if err != nil || e.ID == uuid.Nil || e.CaseID == uuid.Nil || e.Type == cases.CaseNumbered {
		return reject(protocol.CodeBadEvent)
	}
	var seq int64
	var hash string
	err = s.queryRow(ctx, tx, `SELECT seq, hash FROM events WHERE id = ?`, e.ID[:]).Scan(&seq, &hash)
	switch {
	case err == nil && hash == e.Hash:
		r.Outcome, r.Seq = protocol.Duplicate, seq
		return r, nil
	case err == nil:
		return reject(protocol.CodeIDReused)
	case !errors.Is(err, sql.ErrNoRows):
		return r, err
	}

	var unitPath string
	err = s.queryRow(ctx, tx, `SELECT unit_path FROM cases WHERE case_id = ?`, e.CaseID[:]).Scan(&unitPath)
	switch {
	case err == nil && e.Type == cases.CaseOpened:
		return reject(protocol.CodeBadEvent) // a second opening of a case
	case err == nil && !strings.HasPrefix(unitPath, p.dev.UnitPath):
		return reject(protocol.CodeOutOfScope)
	case errors.Is(err, sql.ErrNoRows) && e.Type != cases.CaseOpened:
		return reject(protocol.CodeUnknownCase)
	case errors.Is(err, sql.ErrNoRows):
		unitPath = p.dev.UnitPath
		if _, err := s.exec(ctx, tx, `INSERT INTO cases (case_id, unit_path) VALUES (?, ?)`, e.CaseID[:], unitPath); err != nil {
			return r, err
		}
	case err != nil:
		return r, err
	}

	r.Outcome = protocol.Applied
	if isMutable(e.Type) {
		conflict, err := p.checkConflict(e)
		if err != nil {
			return r, err
		}
		if conflict {
			r.Outcome = protocol.Conflict
		}
	}
	if r.Seq, err = p.insert(e, unitPath, r.Outcome); err != nil {
		return r, err
	}
	switch pl := payload.(type) {
	case *cases.Opened:
		// The first acknowledgement of a case gives it its official number.
		if err := p.number(e, unitPath); err != nil {
			return r, err
		}
	case *cases.EvidenceAdd:
		if _, err := s.exec(ctx, tx, `INSERT INTO blob_cases (sha, case_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, pl.SHA256, e.CaseID[:]); err != nil {
			return r, err
		}
	}
	return r, nil
}

// isMutable reports whether events of type t change a mutable field.
func isMutable(t cases.EventType) bool {
	switch t {
	case cases.CaseStatusChanged, cases.CaseLevelChanged, cases.CaseAssigned, cases.CaseCategoryChanged,
		cases.FactStatusChanged, cases.FactMoved:
		return true
	}
	return false
}

// checkConflict replays the case as the hub holds it, applies e, and
// reports whether e was a concurrent change (kept as a conflict). It
// keeps the case's conflict flag up to date: a change based on the
// current version resolves the field's open conflicts.
func (p *pusher) checkConflict(e cases.Event) (bool, error) {
	evs, err := p.s.caseEvents(p.ctx, p.tx, e.CaseID)
	if err != nil {
		return false, err
	}
	c, err := cases.Replay(evs)
	if err != nil {
		// The hub stores what devices recorded even when it cannot
		// replay it; conflict detection needs a replayable case.
		return false, nil
	}
	before := len(c.Conflicts)
	if err := cases.Apply(&c, e); err != nil {
		return false, nil
	}
	flag := 0
	if c.HasOpenConflict() {
		flag = 1
	}
	if _, err := p.s.exec(p.ctx, p.tx, `UPDATE cases SET conflict = ? WHERE case_id = ?`, flag, e.CaseID[:]); err != nil {
		return false, err
	}
	return len(c.Conflicts) > before, nil
}

func (p *pusher) insert(e cases.Event, unitPath string, outcome protocol.Outcome) (int64, error) {
	p.seq++
	_, err := p.s.exec(p.ctx, p.tx, `INSERT INTO events (seq, id, case_id, type, payload, actor, device_id, device_seq, base_version, at, prev_hash, hash, outcome, unit_path, received_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.seq, e.ID[:], e.CaseID[:], string(e.Type), string(e.Payload), e.Actor, e.DeviceID, e.DeviceSeq, e.BaseVersion,
		e.At.UnixMilli(), e.PrevHash, e.Hash, string(outcome), unitPath, p.at)
	if err != nil {
		return 0, err
	}
	return p.seq, nil
}

// number writes the hub's case.numbered event for a newly opened case:
// XF + the year (China time) the hub received it + a six-digit counter of
// that year, the event chained to the hub's previous one.
func (p *pusher) number(opened cases.Event, unitPath string) error {
	year := cases.Local(time.UnixMilli(p.at)).Year() // the hub's clock: device clocks are informational
	key := fmt.Sprintf("number/%d", year)
	var n int64
	if err := p.s.queryRow(p.ctx, p.tx, `INSERT INTO meta (key, value) VALUES (?, '1')
		ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(meta.value AS BIGINT) + 1 AS TEXT) RETURNING value`, key).Scan(&n); err != nil {
		return fmt.Errorf("official number: %w", err)
	}
	e, err := cases.NewEvent(opened.CaseID, &cases.Numbered{Number: fmt.Sprintf("XF%d%06d", year, n)})
	if err != nil {
		return err
	}
	if p.head == nil {
		p.head = &chainHead{}
		var v string
		err := p.s.queryRow(p.ctx, p.tx, `SELECT value FROM meta WHERE key = 'chain_head'`).Scan(&v)
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
	if _, err := p.insert(e, unitPath, protocol.Applied); err != nil {
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
	if err := p.s.setMeta(p.ctx, p.tx, "chain_head", fmt.Sprintf("%d %s", p.head.seq, p.head.hash)); err != nil {
		return fmt.Errorf("hub chain head: %w", err)
	}
	return nil
}
