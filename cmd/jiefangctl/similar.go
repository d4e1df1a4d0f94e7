package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/store"
	"jiefang/cases/triage"
)

// similarOut is what triage similar --json writes.
type similarOut struct {
	CaseID  uuid.UUID      `json:"case_id"`
	Number  string         `json:"number"`
	Cases   int            `json:"cases"` // cases the index holds
	Matches []similarMatch `json:"matches"`
	// Collective is the collective rule's verdict on the case.
	Collective collectiveOut `json:"collective"`
}

type similarMatch struct {
	Number string `json:"number"`
	triage.Match
}

type collectiveOut struct {
	// Triggers are the earlier collective petitions similar enough.
	Triggers []uuid.UUID `json:"triggers"`
	// Escalates: the rule escalates the case as it now is (enough
	// triggers, not escalated by the rule before, neither concluded nor
	// not accepted).
	Escalates bool `json:"escalates"`
	// Escalated is set when the case was escalated already (by any rule).
	Escalated bool `json:"escalated"`
}

// triageSimilar lists the cases most similar to one case, with why, and
// what the collective rule makes of it:
//
//	jiefangctl triage similar [--db PATH] --case ID|NUMBER [--limit N] [--json]
func triageSimilar(ctx context.Context, e env, args []string) error {
	fs, db := flags("triage similar", e)
	ref := fs.String("case", "", "案件 id 或编号 / the case's id or number")
	limit := fs.Int("limit", 10, "最多列出几件 / most cases listed")
	asJSON := fs.Bool("json", false, "输出一个 JSON 对象 / write one JSON object")
	if err := parse(fs, args); err != nil {
		return flagError(err)
	}
	if *ref == "" {
		return usageError("需要 --case（案件 id 或编号）/ --case is required")
	}
	if *limit < 1 {
		return usageError("--limit 应为正整数")
	}
	s, err := open(e, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	id, err := s.FindCase(ctx, *ref)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("没有案件 %q (no such case)", *ref)
	}
	if err != nil {
		return err
	}
	c, err := s.Case(ctx, id)
	if err != nil {
		return err
	}
	start := time.Now()
	x, err := triage.Build(ctx, s.Corpus())
	if err != nil {
		return err
	}
	built := time.Since(start)
	start = time.Now()
	ms, err := triage.Similar(x, id, *limit)
	if err != nil {
		return err
	}
	searched := time.Since(start)
	p, trig, err := triage.Escalation(x, &c)
	if err != nil {
		return err
	}
	if p == nil && trig == nil { // already escalated, or closed: the triggers still tell
		if trig, err = triage.CollectiveTriggers(x, id); err != nil {
			return err
		}
	}
	out := similarOut{CaseID: id, Number: c.Number(), Cases: x.Len(), Matches: []similarMatch{},
		Collective: collectiveOut{Triggers: []uuid.UUID{}, Escalates: p != nil, Escalated: c.Escalation != nil}}
	for _, m := range trig {
		out.Collective.Triggers = append(out.Collective.Triggers, m.CaseID)
	}
	ids := make([]uuid.UUID, len(ms))
	for i, m := range ms {
		ids[i] = m.CaseID
	}
	numbers, err := s.CaseNumbers(ctx, ids)
	if err != nil {
		return err
	}
	for _, m := range ms {
		out.Matches = append(out.Matches, similarMatch{Number: numbers[m.CaseID], Match: m})
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprintf(e.stdout, "案件 %s 的相似案件（五年内，共比对 %d 件；建索引 %v，查询 %v）\n", out.Number, out.Cases,
		built.Round(time.Millisecond), searched.Round(time.Microsecond))
	if len(ms) == 0 {
		fmt.Fprintln(e.stdout, "没有相似案件 / no similar case")
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "相似度\t文本\t当事人等\t编号\t受理日期\t类别\t集体\t相同之处")
	for _, m := range out.Matches {
		coll := ""
		if m.Collective {
			coll = fmt.Sprintf("是（%d人）", m.Signers)
		}
		fmt.Fprintf(tw, "%.2f\t%.2f\t%.2f\t%s\t%s\t%s\t%s\t%s\n", m.Similarity, m.Text, m.Parties, m.Number,
			cases.Local(m.At).Format("2006-01-02"), m.Category, coll, strings.Join(m.Reasons(), "；"))
	}
	tw.Flush()
	switch {
	case out.Collective.Escalated:
		fmt.Fprintf(e.stdout, "本案已升级（%s）。\n", c.Escalation.Reason)
	case out.Collective.Escalates:
		fmt.Fprintf(e.stdout, "集体联名规则：此前五年内 %d 件相似的集体信访，本案应自动升级。\n", len(trig))
	case len(trig) >= triage.CollectiveCases:
		fmt.Fprintf(e.stdout, "集体联名规则：此前五年内 %d 件相似的集体信访，但本案%s，不再升级。\n", len(trig), c.Status.Label())
	default:
		fmt.Fprintf(e.stdout, "集体联名规则：此前五年内相似的集体信访 %d 件（满 %d 件自动升级）。\n", len(trig), triage.CollectiveCases)
	}
	return nil
}

// escalateActor is the actor of the escalations triage escalate records
// in a database that has no staff name (a demo database).
const escalateActor = "集体联名规则"

// idCorpus is a corpus that notes the ids of the cases it gives.
type idCorpus struct {
	triage.Corpus
	ids []uuid.UUID
}

func (c *idCorpus) Docs(ctx context.Context, fn func(triage.Doc) error) error {
	return c.Corpus.Docs(ctx, func(d triage.Doc) error {
		c.ids = append(c.ids, d.ID)
		return fn(d)
	})
}

// triageEscalate runs the collective rule over every case of the
// database and records the escalations it calls for, as the desk does
// for each case it changes: for a database filled before the rule
// existed, or by jiefangctl demo.
//
//	jiefangctl triage escalate [--db PATH] [--dry-run] [--quiet]
func triageEscalate(ctx context.Context, e env, args []string) error {
	fs, db := flags("triage escalate", e)
	dry := fs.Bool("dry-run", false, "只列出，不记录 / list, record nothing")
	quiet := fs.Bool("quiet", false, "不显示进度 / no progress output")
	s, err := parseAndOpen(e, fs, db, args)
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	corpus := &idCorpus{Corpus: s.Corpus()}
	x, err := triage.Build(ctx, corpus)
	if err != nil {
		return err
	}
	escalated, last := 0, time.Now()
	for i, id := range corpus.ids {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !*quiet && time.Since(last) > 2*time.Second {
			last = time.Now()
			fmt.Fprintf(e.stderr, "集体联名规则 %d/%d 件 (%.0f%%)\n", i, len(corpus.ids), 100*float64(i)/float64(len(corpus.ids)))
		}
		// Most cases have fewer triggers than the rule needs: only the
		// others are read whole.
		trig, err := triage.CollectiveTriggers(x, id)
		if err != nil {
			return err
		}
		if len(trig) < triage.CollectiveCases {
			continue
		}
		c, err := s.Case(ctx, id)
		if err != nil {
			return err
		}
		p, _, err := triage.Escalation(x, &c)
		if err != nil || p == nil {
			if err != nil {
				return err
			}
			continue
		}
		escalated++
		fmt.Fprintf(e.stdout, "%s\t%s → %s\t%s\n", c.Number(), c.MediationLevel.Label(), p.Level.Label(), p.Reason)
		if *dry {
			continue
		}
		ev, err := cases.NewEvent(id, p)
		if err != nil {
			return err
		}
		ev.BaseVersion = c.Versions.MediationLevel
		if actor, _ := s.Actor(ctx); actor == "" {
			ev.Actor = escalateActor // the rule, run by hand on a database without a staff name
		}
		if _, err := s.Append(ctx, ev); err != nil {
			return fmt.Errorf("escalate %s: %w", c.Number(), err)
		}
	}
	verb := "升级"
	if *dry {
		verb = "应升级（未记录）"
	}
	fmt.Fprintf(e.stdout, "共 %d 件，%s %d 件，用时 %.1fs\n", len(corpus.ids), verb, escalated, time.Since(start).Seconds())
	return nil
}
