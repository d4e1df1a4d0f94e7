package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/report"
)

// datedCase writes a case with two evidence items, 协议.jpg dated
// 2019-05-01 and 收据.jpg dated 2020-01-01, and returns their ids.
func datedCase(t *testing.T, s *Store) (id, agreement, receipt uuid.UUID) {
	t.Helper()
	id, agreement, receipt = uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	if _, err := s.Append(context.Background(),
		ev(t, id, &cases.Opened{Channel: cases.ChannelVisit, Category: "征地补偿", Summary: "补偿款至今只拿到一半"}),
		ev(t, id, &cases.EvidenceAdd{EvidenceID: agreement, SHA256: strings.Repeat("ab", 32), FileName: "协议.jpg", MediaType: "image/jpeg", Size: 10, DocumentDate: "2019-05-01"}),
		ev(t, id, &cases.EvidenceAdd{EvidenceID: receipt, SHA256: strings.Repeat("cd", 32), FileName: "收据.jpg", MediaType: "image/jpeg", Size: 10, DocumentDate: "2020-01-01"}),
	); err != nil {
		t.Fatal(err)
	}
	return id, agreement, receipt
}

func timelineNames(c cases.Case) string {
	var names []string
	for _, e := range report.TimelineOrder(c) {
		names = append(names, e.FileName+" "+e.DocumentDate)
	}
	return strings.Join(names, ", ")
}

func dated(t *testing.T, id, eid uuid.UUID, date string, base int64) cases.Event {
	t.Helper()
	e := ev(t, id, &cases.EvidenceDate{EvidenceID: eid, Date: date})
	e.BaseVersion = base
	return e
}

// An edited date is in the projection at once and after the database is
// opened again, the timeline follows it, and the log still replays to
// the same case. A change based on an older version of the date, to an
// unknown item, or to a date after tomorrow is refused with nothing
// written.
func TestEvidenceDateEditedSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "desk.db")
	now := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC) // 09:00 on 2 March in China
	s, err := Open(path, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	if err := s.SetActor(ctx, "王接待"); err != nil {
		t.Fatal(err)
	}
	id, agreement, receipt := datedCase(t, s)
	c, _ := s.Case(ctx, id)
	if got := timelineNames(c); got != "协议.jpg 2019-05-01, 收据.jpg 2020-01-01" {
		t.Fatalf("timeline before: %s", got)
	}
	if _, err := s.Append(ctx, dated(t, id, receipt, "2018-06-01", 0)); err != nil {
		t.Fatal(err)
	}
	c, _ = loadsAsReplay(t, s, id)
	if got := timelineNames(c); got != "收据.jpg 2018-06-01, 协议.jpg 2019-05-01" {
		t.Errorf("timeline after the edit: %s", got)
	}
	if e := c.Evidence[1]; !e.DateEdited() || e.Versions.Date != 1 || c.Evidence[0].DateEdited() {
		t.Errorf("edit not recorded: %+v", c.Evidence)
	}

	st, _ := s.Stats(ctx)
	for name, bad := range map[string]struct {
		e    cases.Event
		code cases.Code
	}{
		"stale":   {dated(t, id, receipt, "2017-01-01", 0), cases.CodeConflict},
		"unknown": {dated(t, id, uuid.Must(uuid.NewV7()), "2017-01-01", 0), cases.CodeUnknown},
		"future":  {dated(t, id, agreement, "2026-03-04", 0), cases.CodeInvalid},
	} {
		_, err := s.Append(ctx, bad.e)
		if v, ok := cases.AsValidation(err); !ok || v.Code != bad.code {
			t.Errorf("%s: got %v, want %s", name, err, bad.code)
		}
	}
	if after, _ := s.Stats(ctx); after.Events != st.Events || after.Outbox != st.Outbox {
		t.Errorf("refused changes were written: %+v, before %+v", after, st)
	}
	// Tomorrow in China time is allowed; so is clearing a date.
	if _, err := s.Append(ctx, dated(t, id, agreement, "2026-03-03", 0), dated(t, id, agreement, "", 1)); err != nil {
		t.Fatal(err)
	}

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	c, _ = loadsAsReplay(t, s, id)
	if got := timelineNames(c); got != "收据.jpg 2018-06-01, 协议.jpg " {
		t.Errorf("timeline after reopening: %s", got)
	}
	if v := c.Evidence[0].Versions.Date; v != 2 {
		t.Errorf("agreement's date version %d after reopening, want 2", v)
	}
	if _, err := s.Verify(ctx, nil); err != nil {
		t.Fatal(err)
	}
}

// Events pulled from another desk change the date the same way; a
// concurrent change (based on the version this desk had already changed)
// is kept beside the value in force as a conflict on the item, and a
// later change based on the current version decides it.
func TestEvidenceDatePulledConflict(t *testing.T) {
	ctx := context.Background()
	src := openTemp(t)
	id, agreement, receipt := datedCase(t, src)
	evs, err := src.Events(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	dst := openTemp(t)
	if _, err := dst.ApplyPulled(ctx, "e1", 3, evs); err != nil {
		t.Fatal(err)
	}
	// Both desks change the agreement's date from version 0; the source
	// also dates the receipt.
	if _, err := dst.Append(ctx, dated(t, id, agreement, "2019-04-30", 0)); err != nil {
		t.Fatal(err)
	}
	theirs, err := src.Append(ctx, dated(t, id, agreement, "2019-06-01", 0), dated(t, id, receipt, "2018-01-01", 0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dst.ApplyPulled(ctx, "e1", 5, theirs); err != nil {
		t.Fatal(err)
	}
	c, _ := loadsAsReplay(t, dst, id)
	if c.Evidence[0].DocumentDate != "2019-04-30" || c.Evidence[1].DocumentDate != "2018-01-01" {
		t.Errorf("dates %q %q, want this desk's agreement date kept and the receipt dated", c.Evidence[0].DocumentDate, c.Evidence[1].DocumentDate)
	}
	if len(c.Conflicts) != 1 || !c.HasOpenConflict() {
		t.Fatalf("conflicts %+v", c.Conflicts)
	}
	k := c.Conflicts[0]
	if k.Field != cases.FieldEvidenceDate || k.EntityID != agreement || k.Kept != "2019-04-30" || k.Other != "2019-06-01" || k.EventID != theirs[0].ID {
		t.Errorf("conflict %+v", k)
	}
	if _, err := dst.Append(ctx, dated(t, id, agreement, "2019-06-01", c.Evidence[0].Versions.Date)); err != nil {
		t.Fatal(err)
	}
	c, _ = loadsAsReplay(t, dst, id)
	if c.HasOpenConflict() || c.Evidence[0].DocumentDate != "2019-06-01" {
		t.Errorf("after deciding: %+v, conflicts %+v", c.Evidence[0], c.Conflicts)
	}
	if _, err := dst.Verify(ctx, nil); err != nil {
		t.Fatal(err)
	}
}

// A database made before evidence dates could be edited (schema 4)
// opens with its items at date version 0, and their dates can be edited.
func TestEvidenceDateMigration(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	id, agreement, _ := datedCase(t, s)
	// Back to schema 4: what migrations 5 and 6 made goes, and the
	// columns migration 9 adds (7 and 8 can run again as they are).
	s = downgradeAndReopen(t, s, 4, append([]string{`ALTER TABLE evidence DROP COLUMN date_ver`, `DROP TABLE blob_misses`, `DROP INDEX evidence_sha256`},
		dropEscalationColumns...)...)
	c, _ := loadsAsReplay(t, s, id)
	if c.Evidence[0].Versions.Date != 0 || c.Evidence[0].DocumentDate != "2019-05-01" {
		t.Fatalf("after the migration: %+v", c.Evidence[0])
	}
	if _, err := s.Append(ctx, dated(t, id, agreement, "2019-05-02", 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Verify(ctx, nil); err != nil {
		t.Fatal(err)
	}
}
