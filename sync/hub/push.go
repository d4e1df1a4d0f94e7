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

// Queries a push runs for every event, prepared once (Store.prepared).
const (
	qQuarantine   = `INSERT INTO quarantine (id, device_id, code, event, received_at) VALUES (?, ?, ?, ?, ?)`
	qCaseConflict = `UPDATE cases SET conflict = ? WHERE case_id = ?`
)

var pushQueries = []string{qQuarantine, qCaseConflict, caseEventsQuery}

// hubActor is the actor of the events the hub writes itself.
const hubActor = "上级平台"

// DeviceID is the device id of the events the hub writes itself (official
// case numbers, automatic escalations): one hash chain per epoch.
func (s *Store) DeviceID() string { return "hub-" + s.epoch }

// pusher carries one push transaction and the hub's own chain within it.
type pusher struct {
	s     *Store
	tx    *sql.Tx
	ctx   context.Context
	at    int64
	dev   Device
	seq   int64      // last hub sequence used
	head  *chainHead // the hub's own chain: read on first use, written back at the end
	stmts map[string]*sql.Stmt
	cases map[uuid.UUID]*caseState // what the group touches; nil: not on the hub
	known map[uuid.UUID]stored     // events of the group's ids already stored, and those stored now

	// Rows waiting to be written in multi-row INSERTs (flush): one round
	// trip for many rows matters on PostgreSQL.
	eventRows, caseRows, blobRows [][]any
}

// stored is what the hub keeps of an event to answer a duplicate.
type stored struct {
	seq  int64
	hash string
}

// stmt is query prepared for this push's transaction. The statement is
// prepared once per connection and kept (Store.prepared): parsing SQL for
// every event would cost more than running it.
func (p *pusher) stmt(query string) (*sql.Stmt, error) {
	if st, ok := p.stmts[query]; ok {
		return st, nil
	}
	db, err := p.s.prepared(query)
	if err != nil {
		return nil, err
	}
	st := p.tx.StmtContext(p.ctx, db)
	p.stmts[query] = st
	return st, nil
}

func (p *pusher) exec(query string, args ...any) (sql.Result, error) {
	st, err := p.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(p.ctx, args...)
}

type chainHead struct {
	seq  int64
	hash string
}

// Push stores the events a device pushed, in one transaction (shared
// with the pushes of other devices waiting at the same moment), and answers
// each: applied (with its new hub sequence); conflict (stored, but it
// changed a mutable field changed concurrently: both values are kept and
// the case is flagged); duplicate (an event stored before with the same
// content: its original sequence and outcome); or rejected (not stored:
// another device's event, content not matching its hash, an invalid
// event, a case outside the device's unit, or an id stored before with
// other content — the original stays untouched and the newcomer goes to
// quarantine).
//
// An event the hub cannot read at all (an unknown type, a malformed
// payload) refuses the whole batch with a *protocol.Error naming it, and
// nothing is stored.
//
// Once the events are committed, and before the answer, the hub screens
// the cases they changed by the collective rule and writes the
// escalations it calls for (screen.go), so that a pull right after the
// push brings them; a failure there is logged and does not fail the push.
func (s *Store) Push(ctx context.Context, dev Device, evs []protocol.Event) ([]protocol.PushResult, error) {
	payloads := make([]cases.Payload, len(evs))
	for i, w := range evs {
		pl, err := cases.Decode(w.ToEvent())
		if err != nil {
			pe := protocol.NewError(protocol.CodeBadEvent, err.Error())
			pe.EventID = w.ID.String()
			return nil, pe
		}
		payloads[i] = pl
	}
	req := &pushRequest{dev: dev, evs: evs, payloads: payloads, out: make([]protocol.PushResult, len(evs)), done: make(chan error, 1)}
	select {
	case s.pushes <- req:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-s.closed:
		return nil, errors.New("hub: push: the hub is closing")
	}
	// Once queued the push is applied whatever happens to ctx: the reply
	// may be lost, and the device then pushes again and hears duplicate.
	select {
	case err := <-req.done:
		if err != nil {
			return nil, fmt.Errorf("hub: push: %w", err)
		}
		return req.out, nil
	case <-s.committed:
		return nil, errors.New("hub: push: the hub closed before applying it")
	}
}

// pushRequest is one device's batch waiting for the committer.
type pushRequest struct {
	dev      Device
	evs      []protocol.Event
	payloads []cases.Payload
	out      []protocol.PushResult
	done     chan error
}

// maxGroup bounds how many events one commit takes from waiting pushes.
const maxGroup = 5000

// commit applies pushes as they arrive: each transaction takes every push
// waiting at that moment (group commit), so that many devices pushing at
// once share one durable commit instead of queueing for one each. If a
// group fails, its pushes are applied again one by one, so that one
// push's failure is its own. After the commit, and before the replies,
// breadth screening runs on the cases the group changed (screenPushed):
// in transactions of its own, so that it never costs a pushed event, and
// before the replies, so that a desk pulling right after its push gets
// the escalations its cases called for.
func (s *Store) commit() {
	defer close(s.committed)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { // a screening under way stops when the hub closes
		<-s.closed
		cancel()
	}()
	for {
		var first *pushRequest
		select {
		case first = <-s.pushes:
		case <-s.closed:
			return
		}
		group, n := []*pushRequest{first}, len(first.evs)
	more:
		for n < maxGroup {
			select {
			case r := <-s.pushes:
				group, n = append(group, r), n+len(r.evs)
			default:
				break more
			}
		}
		errs := make([]error, len(group))
		if err := s.applyGroup(group); err != nil && len(group) > 1 {
			for i, r := range group {
				errs[i] = s.applyGroup([]*pushRequest{r})
			}
		} else {
			for i := range errs {
				errs[i] = err
			}
		}
		s.screenPushed(ctx, group, errs)
		for i, r := range group {
			r.done <- errs[i]
		}
	}
}

// applyGroup applies pushes in one transaction.
func (s *Store) applyGroup(group []*pushRequest) error {
	ctx := context.Background()
	return s.write(ctx, func(tx *sql.Tx) error {
		p, err := s.newPusher(ctx, tx)
		if err != nil {
			return err
		}
		if err := p.prefetch(group); err != nil {
			return err
		}
		for _, r := range group {
			p.dev = r.dev
			for i, w := range r.evs {
				res, err := p.pushOne(w, r.payloads[i])
				if err != nil {
					return fmt.Errorf("event %s: %w", w.ID, err)
				}
				r.out[i] = res
			}
		}
		if err := p.flush(); err != nil {
			return err
		}
		if err := p.saveHead(); err != nil {
			return err
		}
		if s.beforeCommit != nil {
			s.beforeCommit()
		}
		return nil
	})
}

// newPusher starts writing events in tx, after the last hub sequence.
func (s *Store) newPusher(ctx context.Context, tx *sql.Tx) (*pusher, error) {
	p := &pusher{s: s, tx: tx, ctx: ctx, at: s.now().UnixMilli(), stmts: map[string]*sql.Stmt{},
		cases: map[uuid.UUID]*caseState{}, known: map[uuid.UUID]stored{}}
	if err := s.queryRow(ctx, tx, `SELECT COALESCE(max(seq), 0) FROM events`).Scan(&p.seq); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *pusher) pushOne(w protocol.Event, payload cases.Payload) (protocol.PushResult, error) {
	r := protocol.PushResult{ID: w.ID}
	reject := func(c protocol.Code) (protocol.PushResult, error) {
		r.Outcome, r.Code, r.Message = protocol.Rejected, c, c.Message()
		raw, err := json.Marshal(w)
		if err != nil {
			return r, err
		}
		_, err = p.exec(qQuarantine, w.ID[:], p.dev.ID, string(c), string(raw), p.at)
		return r, err
	}
	e := w.ToEvent()
	switch {
	case w.DeviceID != p.dev.ID:
		return reject(protocol.CodeWrongDevice)
	case e.ComputeHash() != e.Hash:
		return reject(protocol.CodeHashInvalid)
	case e.ID == uuid.Nil || e.CaseID == uuid.Nil || e.Type == cases.CaseNumbered:
		return reject(protocol.CodeBadEvent)
	}
	if old, ok := p.known[e.ID]; ok {
		if old.hash != e.Hash {
			return reject(protocol.CodeIDReused)
		}
		r.Outcome, r.Seq = protocol.Duplicate, old.seq
		return r, nil
	}

	cs := p.cases[e.CaseID]
	switch {
	case cs != nil && e.Type == cases.CaseOpened:
		return reject(protocol.CodeBadEvent) // a second opening of a case
	case cs != nil && !strings.HasPrefix(cs.unitPath, p.dev.UnitPath):
		return reject(protocol.CodeOutOfScope)
	case cs == nil && e.Type != cases.CaseOpened:
		return reject(protocol.CodeUnknownCase)
	case cs == nil:
		cs = &caseState{unitPath: p.dev.UnitPath, c: &cases.Case{}}
		p.cases[e.CaseID] = cs
		p.caseRows = append(p.caseRows, []any{e.CaseID[:], cs.unitPath})
	}

	r.Outcome = protocol.Applied
	var err error
	conflict, err := p.apply(cs, e, payload)
	if err != nil {
		return r, err
	}
	if conflict {
		r.Outcome = protocol.Conflict
	}
	if r.Seq, err = p.insert(e, cs.unitPath, r.Outcome); err != nil {
		return r, err
	}
	switch pl := payload.(type) {
	case *cases.Opened:
		// The first acknowledgement of a case gives it its official number.
		if err := p.number(e, cs.unitPath); err != nil {
			return r, err
		}
	case *cases.EvidenceAdd:
		p.blobRows = append(p.blobRows, []any{pl.SHA256, e.CaseID[:]})
	}
	return r, nil
}

// caseState is what a push knows of a case it touches.
type caseState struct {
	unitPath string
	flagged  bool        // the case's conflict flag as stored
	c        *cases.Case // the case as the hub holds it; nil until a change to a mutable field needs it
	broken   bool        // the hub's events of the case do not replay: no conflict detection for it
}

// isMutable reports whether events of type t change a mutable field (an
// automatic escalation changes the mediation level).
func isMutable(t cases.EventType) bool {
	switch t {
	case cases.CaseStatusChanged, cases.CaseLevelChanged, cases.CaseAssigned, cases.CaseCategoryChanged,
		cases.FactStatusChanged, cases.FactMoved, cases.EvidenceDated, cases.CaseEscalated:
		return true
	}
	return false
}

// apply keeps the case as the hub holds it up to date with e and reports
// whether e was a concurrent change to a mutable field (kept as a
// conflict, both values). The case is replayed from the hub's events the
// first time a change to a mutable field needs it, and is kept for the
// rest of the push; the case's conflict flag follows its open conflicts.
func (p *pusher) apply(cs *caseState, e cases.Event, payload cases.Payload) (bool, error) {
	if cs.broken || (cs.c == nil && !isMutable(e.Type)) {
		return false, nil
	}
	if cs.c == nil {
		if err := p.flush(); err != nil { // the case's events of this group, too
			return false, err
		}
		st, err := p.stmt(caseEventsQuery)
		if err != nil {
			return false, err
		}
		evs, err := p.s.caseEvents(p.ctx, st, e.CaseID)
		if err != nil {
			return false, err
		}
		c, err := cases.Replay(evs)
		if err != nil {
			// The hub stores what devices recorded even when it cannot
			// replay it; conflict detection needs a replayable case.
			cs.broken = true
			return false, nil
		}
		cs.c = &c
	}
	before := len(cs.c.Conflicts)
	if err := cases.ApplyDecoded(cs.c, e, payload); err != nil {
		cs.broken = true
		return false, nil
	}
	if open := cs.c.HasOpenConflict(); open != cs.flagged {
		flag := 0
		if open {
			flag = 1
		}
		if _, err := p.exec(qCaseConflict, flag, e.CaseID[:]); err != nil {
			return false, err
		}
		cs.flagged = open
	}
	return len(cs.c.Conflicts) > before, nil
}

// insert stores e (at the next flush) with the next hub sequence.
func (p *pusher) insert(e cases.Event, unitPath string, outcome protocol.Outcome) (int64, error) {
	p.seq++
	p.eventRows = append(p.eventRows, []any{p.seq, e.ID[:], e.CaseID[:], string(e.Type), string(e.Payload), e.Actor, e.DeviceID,
		e.DeviceSeq, e.BaseVersion, e.At.UnixMilli(), e.PrevHash, e.Hash, string(outcome), unitPath, p.at})
	p.known[e.ID] = stored{seq: p.seq, hash: e.Hash}
	return p.seq, nil
}

// prefetch reads, for a whole group, which of its events the hub already
// holds and the cases it touches: two queries per 500 ids instead of two
// per event.
func (p *pusher) prefetch(group []*pushRequest) error {
	var ids, caseIDs []any
	seenCase := map[uuid.UUID]bool{}
	for _, r := range group {
		for _, w := range r.evs {
			ids = append(ids, w.ID[:])
			if !seenCase[w.CaseID] {
				seenCase[w.CaseID] = true
				caseIDs = append(caseIDs, w.CaseID[:])
			}
		}
	}
	err := p.inChunks(`SELECT id, seq, hash FROM events WHERE id IN `, ids, func(rows *sql.Rows) error {
		var id []byte
		var st stored
		if err := rows.Scan(&id, &st.seq, &st.hash); err != nil {
			return err
		}
		u, err := uuid.FromBytes(id)
		p.known[u] = st
		return err
	})
	if err != nil {
		return err
	}
	return p.inChunks(`SELECT case_id, unit_path, conflict = 1 FROM cases WHERE case_id IN `, caseIDs, func(rows *sql.Rows) error {
		var id []byte
		cs := &caseState{}
		if err := rows.Scan(&id, &cs.unitPath, &cs.flagged); err != nil {
			return err
		}
		u, err := uuid.FromBytes(id)
		p.cases[u] = cs
		return err
	})
}

// inChunks runs query (ending in "IN ") over args, 500 at a time.
func (p *pusher) inChunks(query string, args []any, row func(*sql.Rows) error) error {
	for len(args) > 0 {
		n := min(len(args), 500)
		rows, err := p.s.query(p.ctx, p.tx, query+"("+placeholders(n)+")", args[:n]...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := row(rows); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		args = args[n:]
	}
	return nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// flush writes the waiting rows with multi-row INSERTs.
func (p *pusher) flush() error {
	for _, w := range []struct {
		head string
		rows *[][]any
	}{
		{`INSERT INTO cases (case_id, unit_path) VALUES `, &p.caseRows},
		{`INSERT INTO events (seq, id, case_id, type, payload, actor, device_id, device_seq, base_version, at, prev_hash, hash, outcome, unit_path, received_at) VALUES `, &p.eventRows},
		{`INSERT INTO blob_cases (sha, case_id) VALUES `, &p.blobRows},
	} {
		rows := *w.rows
		for len(rows) > 0 {
			n := min(len(rows), 400)
			row := "(" + placeholders(len(rows[0])) + ")"
			query := w.head + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
			if strings.Contains(w.head, "blob_cases") {
				query += " ON CONFLICT DO NOTHING"
			}
			args := make([]any, 0, n*len(rows[0]))
			for _, r := range rows[:n] {
				args = append(args, r...)
			}
			if _, err := p.s.exec(p.ctx, p.tx, query, args...); err != nil {
				return err
			}
			rows = rows[n:]
		}
		*w.rows = nil
	}
	return nil
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
	_, err := p.chain(opened.CaseID, &cases.Numbered{Number: fmt.Sprintf("XF%d%06d", year, n)}, 0, unitPath)
	return err
}

// chain stores (at the next flush) an event the hub writes itself, with
// payload pl, on the hub's own hash chain: actor hubActor, device
// s.DeviceID(), the chain's next number and the previous event's hash, the
// hub's clock. It is stored with the next hub sequence under the case's
// unit, so that the desks of the unit pull it like any event of the case.
// saveHead writes the chain's new head.
func (p *pusher) chain(caseID uuid.UUID, pl cases.Payload, baseVersion int64, unitPath string) (cases.Event, error) {
	e, err := cases.NewEvent(caseID, pl)
	if err != nil {
		return e, err
	}
	if p.head == nil {
		p.head = &chainHead{}
		var v string
		err := p.s.queryRow(p.ctx, p.tx, `SELECT value FROM meta WHERE key = 'chain_head'`).Scan(&v)
		if err == nil {
			_, err = fmt.Sscanf(v, "%d %s", &p.head.seq, &p.head.hash)
		}
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return e, fmt.Errorf("hub chain head: %w", err)
		}
	}
	if e.ID, err = uuid.NewV7(); err != nil {
		return e, err
	}
	e.At = time.UnixMilli(p.at).UTC()
	e.Actor, e.DeviceID, e.DeviceSeq, e.PrevHash, e.BaseVersion = hubActor, p.s.DeviceID(), p.head.seq+1, p.head.hash, baseVersion
	e.Hash = e.ComputeHash()
	if _, err := p.insert(e, unitPath, protocol.Applied); err != nil {
		return e, err
	}
	p.head.seq, p.head.hash = e.DeviceSeq, e.Hash
	return e, nil
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
