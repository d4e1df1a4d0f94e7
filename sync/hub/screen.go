package hub

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/triage"
	"jiefang/sync/protocol"
)

// Breadth screening (广度) on the hub: the collective-signature rule
// (triage.Escalation) run over the hub's whole scope — the cases of every
// township — where a desk runs it over the cases it holds. The hub keeps
// a similarity index of its cases (triage.Index, read from Corpus), built
// when a push first needs it and kept current with the cases each push
// changes. After a push group commits, the writer goroutine screens the
// cases it changed and writes the case.escalated events the rule calls
// for on the hub's own chain, like its case.numbered events, so that the
// desks of the case's unit pull them. A failure there is logged: the
// pushed events are committed already.

// comparedBy reports whether events of type t change what breadth
// screening compares a case by (triage.DocOf): its text, its parties, its
// category. The desk screens after the same events.
func comparedBy(t cases.EventType) bool {
	switch t {
	case cases.CaseOpened, cases.CaseRevised, cases.CaseCategoryChanged, cases.FactAdded, cases.PartyAdded, cases.PartyWithdrawn:
		return true
	}
	return false
}

// Corpus is the hub's cases, replayed from its events, as a triage.Corpus.
// A case whose events do not replay (which the hub stores all the same,
// without conflict detection) is left out, as if the hub did not hold it.
type Corpus struct{ s *Store }

// Corpus returns the hub's cases as a triage.Corpus.
func (s *Store) Corpus() *Corpus { return &Corpus{s: s} }

// Docs calls fn with the triage.DocOf of every case, in the order of
// their ids. It streams the events in case and hub order (the index
// events_case), holding one case at a time.
func (c *Corpus) Docs(ctx context.Context, fn func(triage.Doc) error) error {
	rows, err := c.s.query(ctx, c.s.r, `SELECT `+eventColumns+` FROM events ORDER BY case_id, seq`)
	if err != nil {
		return fmt.Errorf("hub: corpus: %w", err)
	}
	return replayRows(rows, func(c *cases.Case) error { return fn(triage.DocOf(c)) })
}

// Doc returns the triage.DocOf of one case; an error wrapping
// triage.ErrNotFound if the hub has no such case or its events do not
// replay.
func (c *Corpus) Doc(ctx context.Context, id uuid.UUID) (triage.Doc, error) {
	cs, err := c.s.replayCases(ctx, c.s.r, []uuid.UUID{id})
	if err != nil {
		return triage.Doc{}, err
	}
	if cs[id] == nil {
		return triage.Doc{}, fmt.Errorf("%w: %s", triage.ErrNotFound, id)
	}
	return triage.DocOf(cs[id]), nil
}

// replayCases replays cases from the hub's events read through q, 500
// cases a query. A case the hub has no events of, or whose events do
// not replay, is not in the map.
func (s *Store) replayCases(ctx context.Context, q querier, ids []uuid.UUID) (map[uuid.UUID]*cases.Case, error) {
	out := make(map[uuid.UUID]*cases.Case, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), 500)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id[:]
		}
		rows, err := s.query(ctx, q, `SELECT `+eventColumns+` FROM events WHERE case_id IN (`+placeholders(n)+`) ORDER BY case_id, seq`, args...)
		if err != nil {
			return nil, fmt.Errorf("hub: read cases: %w", err)
		}
		if err := replayRows(rows, func(c *cases.Case) error {
			out[c.ID] = c
			return nil
		}); err != nil {
			return nil, fmt.Errorf("hub: read cases: %w", err)
		}
		ids = ids[n:]
	}
	return out, nil
}

// replayRows replays the cases of rows of eventColumns ordered by case
// and hub sequence, calling fn with each case whose events replay, and
// closes rows.
func replayRows(rows *sql.Rows, fn func(*cases.Case) error) error {
	defer rows.Close()
	var cur *cases.Case
	var curID uuid.UUID
	broken := false
	emit := func() error {
		if cur == nil || broken {
			return nil
		}
		return fn(cur)
	}
	for rows.Next() {
		p, err := scanPulledRow(rows)
		if err != nil {
			return err
		}
		e := p.Event.ToEvent()
		if cur == nil || e.CaseID != curID {
			if err := emit(); err != nil {
				return err
			}
			cur, curID, broken = &cases.Case{}, e.CaseID, false
		}
		if broken {
			continue
		}
		// As for the push's conflict detection: a case whose events do
		// not replay is stored all the same, and left out here.
		if err := cases.Apply(cur, e); err != nil {
			broken = true
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return emit()
}

// SetLog makes the hub log what breadth screening does after pushes:
// escalations written (case ids, rule, level, counts) and failures. By
// default nothing is logged.
func (s *Store) SetLog(l *slog.Logger) { s.log.Store(l) }

func (s *Store) logger() *slog.Logger {
	if l := s.log.Load(); l != nil {
		return l
	}
	return discardLog
}

var discardLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// screener is the hub's similarity index. Only the writer goroutine
// (commit) uses it; WarmScreening builds one beside it and hands it over
// through warm.
type screener struct {
	x *triage.Index // nil until first needed, and again after a failure

	warm    chan warmIndex // the index WarmScreening built; nil: none under way
	warming bool           // the committer waits for warm, not building its own
}

// warmIndex is an index built from every event up to seq; x nil if the
// build failed.
type warmIndex struct {
	x   *triage.Index
	seq int64
}

// WarmScreening builds the similarity index in the background, so that
// the first pushes after the hub starts need not wait for it; until it is
// ready pushes are not screened, and the cases they changed are screened
// when it is. Call it once, after Open and before pushes arrive; a hub
// that does not call it builds the index on the first push that needs
// it. The channel returned is closed when the build is over.
func (s *Store) WarmScreening(ctx context.Context) <-chan struct{} {
	ch, done := make(chan warmIndex, 1), make(chan struct{})
	s.scr.warm, s.scr.warming = ch, true
	// Where the log stands is read now, before any push the index may
	// miss: the cases changed after it are screened when it is adopted.
	var w warmIndex
	err := s.r.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM events`).Scan(&w.seq)
	go func() {
		defer close(done)
		start := time.Now()
		if err == nil && s.beforeWarm != nil {
			s.beforeWarm()
		}
		if err == nil {
			w.x, err = triage.Build(ctx, s.Corpus())
		}
		if err != nil {
			s.logger().Error("screening index", "err", err)
			w.x = nil
		} else {
			s.logger().Info("screening index built", "cases", w.x.Len(), "ms", time.Since(start).Milliseconds())
		}
		ch <- w
	}()
	return done
}

// adoptWarm takes the index WarmScreening built, once it is ready, and
// returns the cases changed since it was read: they are screened with
// the next push's. ok is false while it is still being built.
func (s *Store) adoptWarm(ctx context.Context) (changed []uuid.UUID, ok bool, err error) {
	var w warmIndex
	select {
	case w = <-s.scr.warm:
	default:
		return nil, false, nil
	}
	s.scr.warming = false
	if w.x == nil {
		return nil, true, nil // the committer builds its own
	}
	rows, err := s.query(ctx, s.r, `SELECT DISTINCT case_id FROM events WHERE seq > ?`, w.seq)
	if err != nil {
		return nil, false, fmt.Errorf("screening: cases changed since the index: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, false, err
		}
		id, err := uuid.FromBytes(b)
		if err != nil {
			return nil, false, err
		}
		changed = append(changed, id)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	s.scr.x = w.x
	return changed, true, nil
}

// screenPushed screens the cases changed by the pushes of a committed
// group (errs[i] nil: group[i] was applied). A failure is logged, and
// the index dropped, to be built again when next needed: it may have
// missed a change.
func (s *Store) screenPushed(ctx context.Context, group []*pushRequest, errs []error) {
	if s.screeningOff.Load() {
		return
	}
	var touched []uuid.UUID
	seen := map[uuid.UUID]bool{}
	for i, r := range group {
		if errs[i] != nil {
			continue
		}
		for k, res := range r.out {
			id := r.evs[k].CaseID
			if (res.Outcome == protocol.Applied || res.Outcome == protocol.Conflict) && comparedBy(cases.EventType(r.evs[k].Type)) && !seen[id] {
				seen[id] = true
				touched = append(touched, id)
			}
		}
	}
	if s.scr.warming {
		changed, ok, err := s.adoptWarm(ctx)
		if err != nil {
			s.logger().Error("screening", "err", err)
			return
		}
		if !ok {
			return // screened when the index is ready
		}
		for _, id := range changed {
			if !seen[id] {
				seen[id] = true
				touched = append(touched, id)
			}
		}
	}
	if len(touched) == 0 {
		return
	}
	if err := s.screen(ctx, touched); err != nil {
		s.scr.x = nil
		if ctx.Err() == nil {
			s.logger().Error("screening", "cases", len(touched), "err", err)
		}
	}
}

// screen brings the index up to date with the touched cases and applies
// the collective rule to them, and to the cases opened after a touched
// collective petition that is similar enough to be one of their triggers
// (a desk that was offline pushes its earlier petitions after a later
// case of the same matter arrived from another township). It writes the
// escalations the rule calls for.
func (s *Store) screen(ctx context.Context, touched []uuid.UUID) error {
	if s.scr.x == nil {
		start := time.Now()
		x, err := triage.Build(ctx, s.Corpus())
		if err != nil {
			return err
		}
		s.scr.x = x
		s.logger().Info("screening index built", "cases", x.Len(), "ms", time.Since(start).Milliseconds())
	}
	x := s.scr.x
	held, err := s.replayCases(ctx, s.r, touched)
	if err != nil {
		return err
	}
	var check []uuid.UUID
	for _, id := range touched {
		c := held[id]
		if c == nil {
			x.Remove(id)
			continue
		}
		if err := x.Put(triage.DocOf(c)); err != nil {
			return err
		}
		check = append(check, id)
	}
	var later []uuid.UUID
	seen := map[uuid.UUID]bool{}
	for _, id := range check {
		d, ok := x.Doc(id)
		if !ok || !d.Collective {
			continue
		}
		// The cases sharing enough of its parties (a score the same seen
		// from either case) are those it may trigger; Escalation decides.
		ms, err := x.Search(id, triage.Query{Limit: -1, MinParties: triage.CollectiveMinParties})
		if err != nil {
			return err
		}
		for _, m := range ms {
			if _, ok := held[m.CaseID]; !ok && !seen[m.CaseID] && m.At.After(d.At) {
				seen[m.CaseID] = true
				later = append(later, m.CaseID)
			}
		}
	}
	if len(later) > 0 {
		more, err := s.replayCases(ctx, s.r, later)
		if err != nil {
			return err
		}
		for _, id := range later {
			if c := more[id]; c != nil {
				held[id] = c
				check = append(check, id)
			}
		}
	}
	var escs []escalation
	for _, id := range check {
		c := held[id]
		p, _, err := triage.Escalation(x, c)
		if err != nil {
			return err
		}
		if p != nil {
			escs = append(escs, escalation{c: c, p: p})
		}
	}
	if len(escs) == 0 {
		return nil
	}
	written, err := s.writeEscalations(ctx, escs)
	if err != nil {
		return err
	}
	for _, es := range written {
		s.logger().Info("escalated", "case", es.c.ID, "rule", es.p.Rule, "level", es.p.Level, "triggers", len(es.p.Triggers))
	}
	return nil
}

// escalation is a case.escalated event to write for case c.
type escalation struct {
	c *cases.Case
	p *cases.Escalated
}

// writeEscalations writes case.escalated events on the hub's chain, in
// one transaction of their own, each based on the case's mediation level
// as stored (Versions.MediationLevel). A case changed since it was
// screened (only a push running beside could do it) is left for its next
// screening. It returns those written.
func (s *Store) writeEscalations(ctx context.Context, escs []escalation) ([]escalation, error) {
	var written []escalation
	err := s.write(ctx, func(tx *sql.Tx) error {
		written = written[:0]
		p, err := s.newPusher(ctx, tx)
		if err != nil {
			return err
		}
		for _, es := range escs {
			id := es.c.ID
			cs := &caseState{}
			if err := s.queryRow(ctx, tx, `SELECT unit_path, conflict = 1 FROM cases WHERE case_id = ?`, id[:]).Scan(&cs.unitPath, &cs.flagged); err != nil {
				return fmt.Errorf("case %s: %w", id, err)
			}
			now, err := s.replayCases(ctx, tx, []uuid.UUID{id})
			if err != nil {
				return err
			}
			c := now[id]
			if c == nil || c.Versions.MediationLevel != es.c.Versions.MediationLevel || c.Escalation != nil && c.Escalation.Rule == es.p.Rule {
				continue
			}
			cs.c = c
			e, err := p.chain(id, es.p, c.Versions.MediationLevel, cs.unitPath)
			if err != nil {
				return fmt.Errorf("case %s: %w", id, err)
			}
			// As a pushed change: the case's conflict flag follows its open
			// conflicts (a change based on the current level decides an
			// open conflict on the level, as a desk's escalation does).
			if _, err := p.apply(cs, e, es.p); err != nil {
				return fmt.Errorf("case %s: %w", id, err)
			}
			written = append(written, es)
		}
		if err := p.flush(); err != nil {
			return err
		}
		return p.saveHead()
	})
	if err != nil {
		return nil, fmt.Errorf("write escalations: %w", err)
	}
	return written, nil
}
