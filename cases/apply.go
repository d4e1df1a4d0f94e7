package cases

import (
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
)

// Replay derives a case from its events, applied in log order.
func Replay(events []Event) (Case, error) {
	var c Case
	for i, e := range events {
		if err := Apply(&c, e); err != nil {
			return c, fmt.Errorf("cases: replay event %d (%s %s): %w", i, e.Type, e.ID, err)
		}
	}
	return c, nil
}

// Apply applies one event to c. It is the definition of what each event
// means; the store's projections must agree with it (jiefangctl verify
// checks that they do). A change to a mutable field whose base version is
// older than the field's current version is kept as a Conflict instead of
// overwriting the value.
func Apply(c *Case, e Event) error {
	p, err := Decode(e)
	if err != nil {
		return err
	}
	return ApplyDecoded(c, e, p)
}

// ApplyDecoded is Apply for an event whose payload p the caller has
// already decoded from it (with Decode).
func ApplyDecoded(c *Case, e Event, p Payload) error {
	if e.Type == CaseOpened {
		if c.ID != uuid.Nil {
			return invalid("case", CodeState, "案件已存在。", "case already opened")
		}
	} else if c.ID == uuid.Nil || c.ID != e.CaseID {
		return invalid("case", CodeUnknown, "找不到该案件。", "event for a case not opened")
	}
	if err := apply(c, e, p); err != nil {
		return err
	}
	c.UpdatedAt = e.At
	c.Events++
	return nil
}

func apply(c *Case, e Event, p Payload) error {
	switch p := p.(type) {
	case *Opened:
		*c = Case{
			ID: e.CaseID, ProvisionalNumber: p.Number, Channel: p.Channel,
			Category: p.Category, Summary: p.Summary, Signers: p.Signers,
			Status: StatusReceived, MediationLevel: p.Level, IntensityLevel: IntensityGreen,
			CreatedAt: e.At,
		}
		if c.MediationLevel == "" {
			c.MediationLevel = LevelTownship
		}
	case *Revised:
		c.Channel, c.Summary, c.Signers = p.Channel, p.Summary, p.Signers
	case *StatusChanged:
		return change(c, e, FieldStatus, c.ID, &c.Versions.Status, &c.Status, p.Status, text)
	case *LevelChanged:
		return change(c, e, FieldMediationLevel, c.ID, &c.Versions.MediationLevel, &c.MediationLevel, p.Level, text)
	case *Assigned:
		return change(c, e, FieldAssignee, c.ID, &c.Versions.Assignee, &c.Assignee, p.Assignee, text)
	case *CategoryChanged:
		return change(c, e, FieldCategory, c.ID, &c.Versions.Category, &c.Category, p.Category, text)
	case *Numbered:
		c.OfficialNumber = p.Number
	case *IntensityScored:
		c.Intensity, c.IntensityLevel = p.Score, p.Level
	case *Escalated:
		return escalate(c, e, p)
	case *PartyAdd:
		return addParty(c, e, p)
	case *PartyWithdraw:
		q := c.party(p.PartyID)
		if q == nil {
			return unknown("party", p.PartyID)
		}
		q.Withdrawn = true
	case *FactAdd:
		return addFact(c, e, p)
	case *FactStatusChange:
		f := c.Fact(p.FactID)
		if f == nil {
			return unknown("fact", p.FactID)
		}
		return change(c, e, FieldFactStatus, f.ID, &f.Versions.Status, &f.Status, p.Status, text)
	case *FactMove:
		f := c.Fact(p.FactID)
		if f == nil {
			return unknown("fact", p.FactID)
		}
		return change(c, e, FieldFactOrder, f.ID, &f.Versions.Order, &f.Order, p.Order, FormatOrder)
	case *EvidenceAdd:
		return addEvidence(c, e, p)
	case *EvidenceLink:
		ev, err := c.linkTargets(p.EvidenceID, p.FactID)
		if err != nil {
			return err
		}
		if !slices.Contains(ev.Facts, p.FactID) {
			ev.Facts = append(ev.Facts, p.FactID)
		}
	case *EvidenceUnlink:
		ev, err := c.linkTargets(p.EvidenceID, p.FactID)
		if err != nil {
			return err
		}
		ev.Facts = slices.DeleteFunc(ev.Facts, func(id uuid.UUID) bool { return id == p.FactID })
		if len(ev.Facts) == 0 {
			ev.Facts = nil
		}
	case *EvidenceDate:
		// Not after the day following the event's own time: the time
		// is part of the event, so every replay judges alike.
		if err := CheckDocumentDate(p.Date, e.At); err != nil {
			return err
		}
		ev := c.evidence(p.EvidenceID)
		if ev == nil {
			return unknown("evidence", p.EvidenceID)
		}
		return change(c, e, FieldEvidenceDate, ev.ID, &ev.Versions.Date, &ev.DocumentDate, p.Date, text)
	case *FollowUpSchedule:
		if c.followUp(p.FollowUpID) != nil {
			return duplicate("followup", p.FollowUpID)
		}
		c.FollowUps = append(c.FollowUps, FollowUp{ID: p.FollowUpID, Kind: p.Kind, Due: ms(p.Due)})
	case *FollowUpReschedule:
		f := c.followUp(p.FollowUpID)
		if f == nil {
			return unknown("followup", p.FollowUpID)
		}
		f.Due = ms(p.Due)
	case *FollowUpComplete:
		f := c.followUp(p.FollowUpID)
		if f == nil {
			return unknown("followup", p.FollowUpID)
		}
		f.DoneAt, f.Outcome, f.Satisfaction = e.At, p.Outcome, p.Satisfaction
		if p.Satisfaction == Dissatisfied {
			// 不满意 reopens the case: a change of status that follows
			// from the outcome, counted as a status version.
			c.Status = StatusReopened
			c.Versions.Status++
			c.resolve(FieldStatus, c.ID)
		}
	case *NoteAdd:
		for _, n := range c.Notes {
			if n.ID == p.NoteID {
				return duplicate("note", p.NoteID)
			}
		}
		c.Notes = append(c.Notes, Note{ID: p.NoteID, Text: p.Text, Actor: e.Actor, At: e.At})
	case *StepProgress:
		c.Steps[p.Step-1].Done, c.Steps[p.Step-1].At = p.Done, e.At
	case *ArticlePin:
		i := slices.IndexFunc(c.Articles, func(a PinnedArticle) bool { return a.Article == p.Article })
		switch {
		case p.Pinned && i < 0:
			c.Articles = append(c.Articles, PinnedArticle{Article: p.Article, Title: p.Title})
		case p.Pinned:
			c.Articles[i].Title = p.Title
		case i >= 0:
			c.Articles = slices.Delete(c.Articles, i, i+1)
			if len(c.Articles) == 0 {
				c.Articles = nil
			}
		}
	case *StepCheck:
		st := &c.Steps[p.Step-1]
		i, found := slices.BinarySearch(st.Checked, p.Item)
		switch {
		case p.Checked && !found:
			st.Checked = slices.Insert(st.Checked, i, p.Item)
		case !p.Checked && found:
			st.Checked = slices.Delete(st.Checked, i, i+1)
			if len(st.Checked) == 0 {
				st.Checked = nil
			}
		}
	default:
		return fmt.Errorf("cases: no rule for %T", p)
	}
	return nil
}

// change applies a change to a mutable field. Based on the current
// version it applies and resolves open conflicts on the field; based on an
// older one it records a conflict and keeps the current value.
func change[T any](c *Case, e Event, f Field, entity uuid.UUID, ver *int64, cur *T, next T, show func(T) string) error {
	switch {
	case e.BaseVersion == *ver:
		*cur = next
		*ver++
		c.resolve(f, entity)
	case e.BaseVersion > *ver:
		return invalid(string(f), CodeState, "修改基于一个尚未收到的版本，请先同步。", fmt.Sprintf("base version %d ahead of %d", e.BaseVersion, *ver))
	default:
		c.Conflicts = append(c.Conflicts, Conflict{Field: f, EntityID: entity, Kept: show(*cur), Other: show(next), EventID: e.ID})
	}
	return nil
}

func text[T ~string](v T) string { return string(v) }

// ms is t in UTC at the millisecond precision times are stored with.
func ms(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// FormatOrder renders a fact order for a conflict record.
func FormatOrder(v float64) string { return fmt.Sprintf("%g", v) }

func (c *Case) resolve(f Field, entity uuid.UUID) {
	for i := range c.Conflicts {
		if k := &c.Conflicts[i]; k.Field == f && k.EntityID == entity {
			k.Resolved = true
		}
	}
}

// escalate applies an automatic escalation: the level change is a change
// to the mutable mediation level, as LevelChanged is (a concurrent change
// becomes a conflict), and the escalation is recorded either way.
func escalate(c *Case, e Event, p *Escalated) error {
	if err := p.CheckCase(c.ID); err != nil {
		return err
	}
	if err := change(c, e, FieldMediationLevel, c.ID, &c.Versions.MediationLevel, &c.MediationLevel, p.Level, text); err != nil {
		return err
	}
	c.Escalation = &Escalation{At: e.At, Level: p.Level, Rule: p.Rule, Triggers: slices.Clone(p.Triggers), Reason: p.Reason}
	return nil
}

func addParty(c *Case, e Event, p *PartyAdd) error {
	if c.party(p.PartyID) != nil {
		return duplicate("party", p.PartyID)
	}
	if p.Supersedes != uuid.Nil {
		old := c.party(p.Supersedes)
		if old == nil {
			return unknown("party", p.Supersedes)
		}
		if old.SupersededBy == uuid.Nil {
			old.SupersededBy = p.PartyID
		}
	}
	c.Parties = append(c.Parties, Party{
		ID: p.PartyID, Role: p.Role, Name: p.Name, IDNumber: p.IDNumber, Phone: p.Phone,
		Address: p.Address, Village: p.Village, AddedAt: e.At,
	})
	return nil
}

func addFact(c *Case, e Event, p *FactAdd) error {
	if c.Fact(p.FactID) != nil {
		return duplicate("fact", p.FactID)
	}
	for _, s := range p.Supersedes {
		if c.Fact(s) == nil {
			return unknown("fact", s)
		}
	}
	for _, s := range p.Supersedes {
		// The first card to supersede another is recorded; a split's
		// second card, or a concurrent edit, leaves the mark as it is.
		if old := c.Fact(s); old.SupersededBy == uuid.Nil {
			old.SupersededBy = p.FactID
		}
	}
	c.Facts = append(c.Facts, FactCard{
		ID: p.FactID, Text: p.Text, Status: p.Status, Order: p.Order,
		Supersedes: slices.Clone(p.Supersedes), AddedAt: e.At,
	})
	return nil
}

func addEvidence(c *Case, e Event, p *EvidenceAdd) error {
	for _, ev := range c.Evidence {
		if ev.ID == p.EvidenceID {
			return duplicate("evidence", p.EvidenceID)
		}
	}
	var facts []uuid.UUID
	for _, f := range p.Facts {
		if c.Fact(f) == nil {
			return unknown("fact", f)
		}
		if !slices.Contains(facts, f) {
			facts = append(facts, f)
		}
	}
	c.Evidence = append(c.Evidence, Evidence{
		ID: p.EvidenceID, SHA256: p.SHA256, FileName: p.FileName, MediaType: p.MediaType,
		Size: p.Size, DocumentDate: p.DocumentDate, Facts: facts, AddedAt: e.At,
	})
	return nil
}

func (c *Case) party(id uuid.UUID) *Party {
	for i := range c.Parties {
		if c.Parties[i].ID == id {
			return &c.Parties[i]
		}
	}
	return nil
}

func (c *Case) followUp(id uuid.UUID) *FollowUp {
	for i := range c.FollowUps {
		if c.FollowUps[i].ID == id {
			return &c.FollowUps[i]
		}
	}
	return nil
}

func (c *Case) evidence(id uuid.UUID) *Evidence {
	for i := range c.Evidence {
		if c.Evidence[i].ID == id {
			return &c.Evidence[i]
		}
	}
	return nil
}

func (c *Case) linkTargets(evidence, fact uuid.UUID) (*Evidence, error) {
	if c.Fact(fact) == nil {
		return nil, unknown("fact", fact)
	}
	if ev := c.evidence(evidence); ev != nil {
		return ev, nil
	}
	return nil, unknown("evidence", evidence)
}

func unknown(what string, id uuid.UUID) error {
	return invalid(what, CodeUnknown, "找不到所引用的记录，请刷新后重试。", fmt.Sprintf("unknown %s %s", what, id))
}

func duplicate(what string, id uuid.UUID) error {
	return invalid(what, CodeState, "该记录已存在。", fmt.Sprintf("duplicate %s %s", what, id))
}
