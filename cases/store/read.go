package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
)

// querier is what reads need from *sql.DB and *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

func parseID(s string) (uuid.UUID, error) {
	if s == "" {
		return uuid.Nil, nil
	}
	return uuid.Parse(s)
}

// ErrNotFound is returned for a case that is not in the store.
var ErrNotFound = errors.New("store: case not found")

// Case loads a case, with everything recorded about it, from the
// projections.
func (s *Store) Case(ctx context.Context, id uuid.UUID) (cases.Case, error) {
	return loadCase(ctx, s.r, id)
}

func loadCase(ctx context.Context, q querier, id uuid.UUID) (cases.Case, error) {
	cid := id.String()
	c := cases.Case{ID: id}
	var created, updated, escAt int64
	var esc cases.Escalation
	var escTriggers string
	err := q.QueryRowContext(ctx, `SELECT provisional_number, official_number, channel, category, summary, signers,
		status, status_ver, mediation_level, level_ver, assignee, assignee_ver, category_ver,
		intensity, intensity_level, created_at, updated_at, events,
		escalated_at, escalation_level, escalation_rule, escalation_triggers, escalation_reason FROM cases WHERE id = ?`, cid).Scan(
		&c.ProvisionalNumber, &c.OfficialNumber, &c.Channel, &c.Category, &c.Summary, &c.Signers,
		&c.Status, &c.Versions.Status, &c.MediationLevel, &c.Versions.MediationLevel, &c.Assignee, &c.Versions.Assignee, &c.Versions.Category,
		&c.Intensity, &c.IntensityLevel, &created, &updated, &c.Events,
		&escAt, &esc.Level, &esc.Rule, &escTriggers, &esc.Reason)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("store: load case %s: %w", cid, err)
	}
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
	if esc.Rule != "" { // every escalation names its rule
		esc.At = fromMS(escAt)
		for _, s := range strings.Fields(escTriggers) {
			u, err := parseID(s)
			if err != nil {
				return c, fmt.Errorf("store: load case %s: escalation trigger: %w", cid, err)
			}
			esc.Triggers = append(esc.Triggers, u)
		}
		c.Escalation = &esc
	}
	load := func(what, query string, scan func(*sql.Rows) error) error {
		rows, err := q.QueryContext(ctx, query, cid)
		if err != nil {
			return fmt.Errorf("store: load %s of %s: %w", what, cid, err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return fmt.Errorf("store: load %s of %s: %w", what, cid, err)
			}
		}
		return rows.Err()
	}
	err = load("parties", `SELECT id, role, name, id_number, phone, address, village, added_at, superseded_by, withdrawn FROM parties WHERE case_id = ? ORDER BY seq`,
		func(r *sql.Rows) error {
			var p cases.Party
			var id, sup string
			var at int64
			if err := r.Scan(&id, &p.Role, &p.Name, &p.IDNumber, &p.Phone, &p.Address, &p.Village, &at, &sup, &p.Withdrawn); err != nil {
				return err
			}
			p.AddedAt = fromMS(at)
			return appendParsed(&c.Parties, p, func(p *cases.Party) (err error) {
				if p.ID, err = parseID(id); err == nil {
					p.SupersededBy, err = parseID(sup)
				}
				return err
			})
		})
	if err != nil {
		return c, err
	}
	err = load("facts", `SELECT id, text, status, status_ver, ord, ord_ver, supersedes, superseded_by, added_at FROM facts WHERE case_id = ? ORDER BY seq`,
		func(r *sql.Rows) error {
			var f cases.FactCard
			var id, sups, sup string
			var at int64
			if err := r.Scan(&id, &f.Text, &f.Status, &f.Versions.Status, &f.Order, &f.Versions.Order, &sups, &sup, &at); err != nil {
				return err
			}
			f.AddedAt = fromMS(at)
			return appendParsed(&c.Facts, f, func(f *cases.FactCard) (err error) {
				if f.ID, err = parseID(id); err != nil {
					return err
				}
				if f.SupersededBy, err = parseID(sup); err != nil {
					return err
				}
				for _, s := range strings.Fields(sups) {
					u, err := parseID(s)
					if err != nil {
						return err
					}
					f.Supersedes = append(f.Supersedes, u)
				}
				return nil
			})
		})
	if err != nil {
		return c, err
	}
	err = load("evidence", `SELECT id, sha256, file_name, media_type, size, document_date, date_ver, added_at FROM evidence WHERE case_id = ? ORDER BY seq`,
		func(r *sql.Rows) error {
			var e cases.Evidence
			var id string
			var at int64
			if err := r.Scan(&id, &e.SHA256, &e.FileName, &e.MediaType, &e.Size, &e.DocumentDate, &e.Versions.Date, &at); err != nil {
				return err
			}
			e.AddedAt = fromMS(at)
			return appendParsed(&c.Evidence, e, func(e *cases.Evidence) (err error) { e.ID, err = parseID(id); return err })
		})
	if err != nil {
		return c, err
	}
	err = load("evidence links", `SELECT evidence_id, fact_id FROM evidence_facts WHERE case_id = ? ORDER BY seq, pos`,
		func(r *sql.Rows) error {
			var eid, fid string
			if err := r.Scan(&eid, &fid); err != nil {
				return err
			}
			f, err := parseID(fid)
			if err != nil {
				return err
			}
			for i := range c.Evidence {
				if c.Evidence[i].ID.String() == eid {
					c.Evidence[i].Facts = append(c.Evidence[i].Facts, f)
					return nil
				}
			}
			return fmt.Errorf("link to unknown evidence %s", eid)
		})
	if err != nil {
		return c, err
	}
	err = load("follow-ups", `SELECT id, kind, due, done_at, outcome, satisfaction FROM followups WHERE case_id = ? ORDER BY seq`,
		func(r *sql.Rows) error {
			var f cases.FollowUp
			var id string
			var due, done int64
			if err := r.Scan(&id, &f.Kind, &due, &done, &f.Outcome, &f.Satisfaction); err != nil {
				return err
			}
			f.Due, f.DoneAt = fromMS(due), fromMS(done)
			return appendParsed(&c.FollowUps, f, func(f *cases.FollowUp) (err error) { f.ID, err = parseID(id); return err })
		})
	if err != nil {
		return c, err
	}
	err = load("notes", `SELECT id, text, actor, at FROM notes WHERE case_id = ? ORDER BY seq`,
		func(r *sql.Rows) error {
			var n cases.Note
			var id string
			var at int64
			if err := r.Scan(&id, &n.Text, &n.Actor, &at); err != nil {
				return err
			}
			n.At = fromMS(at)
			return appendParsed(&c.Notes, n, func(n *cases.Note) (err error) { n.ID, err = parseID(id); return err })
		})
	if err != nil {
		return c, err
	}
	err = load("steps", `SELECT step, done, at FROM steps WHERE case_id = ?`,
		func(r *sql.Rows) error {
			var step int
			var st cases.StepState
			var at int64
			if err := r.Scan(&step, &st.Done, &at); err != nil {
				return err
			}
			if step < 1 || step > cases.StepCount {
				return fmt.Errorf("step %d out of range", step)
			}
			st.At = fromMS(at)
			c.Steps[step-1] = st
			return nil
		})
	if err != nil {
		return c, err
	}
	err = load("articles", `SELECT article, title FROM case_articles WHERE case_id = ? ORDER BY seq`,
		func(r *sql.Rows) error {
			var a cases.PinnedArticle
			if err := r.Scan(&a.Article, &a.Title); err != nil {
				return err
			}
			c.Articles = append(c.Articles, a)
			return nil
		})
	if err != nil {
		return c, err
	}
	err = load("step checks", `SELECT step, item FROM step_checks WHERE case_id = ? ORDER BY step, item`,
		func(r *sql.Rows) error {
			var step int
			var item string
			if err := r.Scan(&step, &item); err != nil {
				return err
			}
			if step < 1 || step > cases.StepCount {
				return fmt.Errorf("step %d out of range", step)
			}
			c.Steps[step-1].Checked = append(c.Steps[step-1].Checked, item)
			return nil
		})
	if err != nil {
		return c, err
	}
	err = load("conflicts", `SELECT field, entity_id, kept, other, event_id, resolved FROM conflicts WHERE case_id = ? ORDER BY n`,
		func(r *sql.Rows) error {
			var k cases.Conflict
			var ent, ev string
			if err := r.Scan(&k.Field, &ent, &k.Kept, &k.Other, &ev, &k.Resolved); err != nil {
				return err
			}
			return appendParsed(&c.Conflicts, k, func(k *cases.Conflict) (err error) {
				if k.EntityID, err = parseID(ent); err == nil {
					k.EventID, err = parseID(ev)
				}
				return err
			})
		})
	return c, err
}

// appendParsed finishes v with parse and appends it to list.
func appendParsed[T any](list *[]T, v T, parse func(*T) error) error {
	if err := parse(&v); err != nil {
		return err
	}
	*list = append(*list, v)
	return nil
}

// Events returns a case's events in the order they were applied here.
func (s *Store) Events(ctx context.Context, caseID uuid.UUID) ([]cases.Event, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+eventColumns+` FROM events WHERE case_id = ? ORDER BY seq`, caseID[:])
	if err != nil {
		return nil, fmt.Errorf("store: events of %s: %w", caseID, err)
	}
	defer rows.Close()
	var out []cases.Event
	for rows.Next() {
		e, _, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("store: events of %s: %w", caseID, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

const eventColumns = `seq, id, case_id, type, payload, actor, device_id, device_seq, base_version, at, prev_hash, hash`

func scanEvent(r *sql.Rows) (cases.Event, int64, error) {
	var e cases.Event
	var seq, at int64
	var id, cid []byte
	var payload string
	if err := r.Scan(&seq, &id, &cid, &e.Type, &payload, &e.Actor, &e.DeviceID, &e.DeviceSeq, &e.BaseVersion, &at, &e.PrevHash, &e.Hash); err != nil {
		return e, 0, err
	}
	var err error
	if e.ID, err = uuid.FromBytes(id); err != nil {
		return e, seq, fmt.Errorf("event %d: bad id: %w", seq, err)
	}
	if e.CaseID, err = uuid.FromBytes(cid); err != nil {
		return e, seq, fmt.Errorf("event %d: bad case id: %w", seq, err)
	}
	e.Payload = []byte(payload)
	e.At = fromMS(at)
	return e, seq, nil
}

// listingColumns are the columns scanListing reads, in its order.
const listingColumns = `id, provisional_number, official_number, channel, category, substr(summary, 1, 120), status, mediation_level, signers, intensity, intensity_level, escalation_rule <> '', created_at, updated_at`

func scanListing(r *sql.Rows) (cases.Listing, error) {
	var l cases.Listing
	var id, prov, off string
	var created, updated int64
	if err := r.Scan(&id, &prov, &off, &l.Channel, &l.Category, &l.Summary, &l.Status, &l.MediationLevel, &l.Signers, &l.Intensity, &l.IntensityLevel, &l.Escalated, &created, &updated); err != nil {
		return l, err
	}
	var err error
	l.ID, err = uuid.Parse(id)
	l.Number = prov
	if off != "" {
		l.Number = off
	}
	l.CreatedAt, l.UpdatedAt = fromMS(created), fromMS(updated)
	return l, err
}

// ListCases returns a page of cases, most recently changed first.
func (s *Store) ListCases(ctx context.Context, q cases.ListQuery) ([]cases.Listing, error) {
	if q.Limit <= 0 {
		q.Limit = 50
	}
	var where []string
	var args []any
	if q.Status != "" {
		where = append(where, "status = ?")
		args = append(args, string(q.Status))
	}
	if q.Now.IsZero() {
		q.Now = time.Now()
	}
	// Current cards are those not superseded; each filter is an EXISTS
	// probe by case, on the tables' (case_id, …) keys.
	const current = `f.case_id = cases.id AND f.superseded_by = ''`
	switch q.Facts {
	case "":
	case cases.FactsDisputed, cases.FactsPending:
		where = append(where, `EXISTS (SELECT 1 FROM facts f WHERE `+current+` AND f.status = ?)`)
		args = append(args, string(q.Facts))
	case cases.FactsAllConfirmed:
		where = append(where, `EXISTS (SELECT 1 FROM facts f WHERE `+current+`)
			AND NOT EXISTS (SELECT 1 FROM facts f WHERE `+current+` AND f.status <> 'confirmed')`)
	default:
		return nil, fmt.Errorf("store: list cases: unknown fact filter %q", q.Facts)
	}
	switch q.FollowUps {
	case "":
	case cases.FollowUpsDueToday:
		where = append(where, `EXISTS (SELECT 1 FROM followups u WHERE u.case_id = cases.id AND u.done_at = 0 AND u.due <= ?)`)
		args = append(args, cases.EndOfDay(q.Now).UnixMilli())
	case cases.FollowUpsOverdue:
		where = append(where, `EXISTS (SELECT 1 FROM followups u WHERE u.case_id = cases.id AND u.done_at = 0 AND u.due < ?)`)
		args = append(args, q.Now.UnixMilli())
	default:
		return nil, fmt.Errorf("store: list cases: unknown follow-up filter %q", q.FollowUps)
	}
	if q.After != nil {
		at := q.After.UpdatedAt.UnixMilli()
		where = append(where, "(updated_at < ? OR (updated_at = ? AND id > ?))")
		args = append(args, at, at, q.After.ID.String())
	}
	query := `SELECT ` + listingColumns + ` FROM cases`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += ` ORDER BY updated_at DESC, id LIMIT ?`
	args = append(args, q.Limit)
	return s.listings(ctx, query, args...)
}

func (s *Store) listings(ctx context.Context, query string, args ...any) ([]cases.Listing, error) {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list cases: %w", err)
	}
	defer rows.Close()
	var out []cases.Listing
	for rows.Next() {
		l, err := scanListing(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list cases: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// Search finds cases whose text (summary, category, fact cards, notes,
// names) contains every term of query, the most recently written text
// first, at most limit cases.
func (s *Store) Search(ctx context.Context, query string, limit int) ([]cases.Listing, error) {
	expr := matchExpr(query)
	if expr == "" {
		return nil, nil
	}
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.r.QueryContext(ctx, `SELECT e.case_id FROM search JOIN events e ON e.seq = search.rowid
		WHERE search MATCH ? ORDER BY search.rowid DESC`, expr)
	if err != nil {
		return nil, fmt.Errorf("store: search %q: %w", query, err)
	}
	var ids []string
	seen := map[string]bool{}
	for rows.Next() && len(ids) < limit {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: search %q: %w", query, err)
		}
		u, err := uuid.FromBytes(raw)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: search %q: bad case id: %w", query, err)
		}
		id := u.String()
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: search %q: %w", query, err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	found, err := s.listings(ctx, `SELECT `+listingColumns+` FROM cases WHERE id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, args...)
	if err != nil {
		return nil, err
	}
	rank := make(map[uuid.UUID]int, len(ids))
	for i, id := range ids {
		rank[uuid.MustParse(id)] = i
	}
	out := make([]cases.Listing, len(found))
	for _, l := range found {
		out[rank[l.ID]] = l
	}
	return out, nil
}

// Stats counts what the store holds.
type Stats struct {
	Cases  int64 `json:"cases"`
	Events int64 `json:"events"`
	Outbox int64 `json:"outbox"`
	Blobs  int64 `json:"blobs"`
}

// Stats counts cases, events, unsent events and stored evidence files.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	err := s.r.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM events),
		(SELECT coalesce(sum(last_seq - first_seq + 1), 0) FROM outbox), (SELECT count(*) FROM blobs)`).Scan(&st.Cases, &st.Events, &st.Outbox, &st.Blobs)
	if err != nil {
		return st, fmt.Errorf("store: stats: %w", err)
	}
	return st, nil
}

// Agenda lists the open follow-ups due by the end of now's day (China
// time), overdue first, then by due time: the 今日待办 panel.
func (s *Store) Agenda(ctx context.Context, now time.Time, limit int) ([]cases.AgendaItem, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.r.QueryContext(ctx, `SELECT u.case_id, u.id, u.kind, u.due,
			CASE c.official_number WHEN '' THEN c.provisional_number ELSE c.official_number END, substr(c.summary, 1, 60)
		FROM followups u JOIN cases c ON c.id = u.case_id
		WHERE u.done_at = 0 AND u.due <= ? ORDER BY u.due LIMIT ?`, cases.EndOfDay(now).UnixMilli(), limit)
	if err != nil {
		return nil, fmt.Errorf("store: agenda: %w", err)
	}
	defer rows.Close()
	var out []cases.AgendaItem
	for rows.Next() {
		var a cases.AgendaItem
		var cid, fid, kind string
		var due int64
		if err := rows.Scan(&cid, &fid, &kind, &due, &a.CaseNumber, &a.Summary); err != nil {
			return nil, fmt.Errorf("store: agenda: %w", err)
		}
		if a.CaseID, err = parseID(cid); err != nil {
			return nil, fmt.Errorf("store: agenda: %w", err)
		}
		if a.FollowUpID, err = parseID(fid); err != nil {
			return nil, fmt.Errorf("store: agenda: %w", err)
		}
		a.Kind, a.Due = cases.FollowUpKind(kind), fromMS(due)
		a.Overdue = a.Due.Before(now)
		out = append(out, a)
	}
	return out, rows.Err()
}
