package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
)

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "desk.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.SetActor(context.Background(), "王接待"); err != nil {
		t.Fatal(err)
	}
	return s
}

// downgradeAndReopen runs undo (SQL that takes back what later migrations
// made), marks the database as schema version, closes s and opens the
// file again, so that the migrations after version run on real data. The
// store it returns is closed at the test's end.
func downgradeAndReopen(t *testing.T, s *Store, version int, undo ...string) *Store {
	t.Helper()
	for _, q := range append(undo, fmt.Sprintf(`UPDATE schema_version SET version = %d`, version)) {
		if _, err := s.w.ExecContext(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	path := s.Path()
	s.Close()
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func ev(t *testing.T, caseID uuid.UUID, p cases.Payload) cases.Event {
	t.Helper()
	e, err := cases.NewEvent(caseID, p)
	if err != nil {
		t.Fatalf("%T: %v", p, err)
	}
	return e
}

// fullCase writes a case touching every event type and returns its id.
func fullCase(t *testing.T, s *Store) uuid.UUID {
	t.Helper()
	ctx := context.Background()
	id := uuid.Must(uuid.NewV7())
	f1, f2, f3, f4 := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	p1, p2 := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	e1 := uuid.Must(uuid.NewV7())
	fu := uuid.Must(uuid.NewV7())
	first := []cases.Event{
		ev(t, id, &cases.Opened{Channel: cases.ChannelVisit, Category: "征地补偿", Summary: "村里征地补偿款至今未发放到户，要求核实面积。", Signers: 1}),
		ev(t, id, &cases.PartyAdd{PartyID: p1, Role: cases.RolePetitioner, Name: "李桂芳", IDNumber: "11010519491231002X", Phone: "13800138000", Village: "东山村"}),
		ev(t, id, &cases.PartyAdd{PartyID: p2, Role: cases.RoleRespondent, Name: "东山村村委会"}),
		ev(t, id, &cases.FactAdd{FactID: f1, Text: "2019年征收承包地3亩", Status: cases.FactConfirmed, Order: 1}),
		ev(t, id, &cases.FactAdd{FactID: f2, Text: "补偿款按每亩2万元计算", Status: cases.FactPending, Order: 2}),
		ev(t, id, &cases.EvidenceAdd{EvidenceID: e1, SHA256: strings.Repeat("ab", 32), FileName: "征收协议.jpg", MediaType: "image/jpeg", Size: 1000, DocumentDate: "2019-05-01", Facts: []uuid.UUID{f1}}),
		ev(t, id, &cases.FollowUpSchedule{FollowUpID: fu, Kind: cases.FollowUpCall, Due: time.Now().Add(48 * time.Hour)}),
		ev(t, id, &cases.NoteAdd{NoteID: uuid.Must(uuid.NewV7()), Text: "情绪平稳，愿意等待核实。"}),
		ev(t, id, &cases.StepProgress{Step: 2, Done: true}),
	}
	if _, err := s.Append(ctx, first...); err != nil {
		t.Fatal(err)
	}
	status := ev(t, id, &cases.StatusChanged{Status: cases.StatusAccepted})
	fs := ev(t, id, &cases.FactStatusChange{FactID: f2, Status: cases.FactDisputed})
	mv := ev(t, id, &cases.FactMove{FactID: f2, Order: 0.5})
	if _, err := s.Append(ctx, status, fs, mv); err != nil {
		t.Fatal(err)
	}
	rest := []cases.Event{
		ev(t, id, &cases.FactAdd{FactID: f3, Text: "补偿款每亩应为2.5万元", Status: cases.FactDisputed, Order: 2, Supersedes: []uuid.UUID{f2}}),
		ev(t, id, &cases.FactAdd{FactID: f4, Text: "村委会称已发放一半", Status: cases.FactPending, Order: 3, Supersedes: []uuid.UUID{f2}}),
		ev(t, id, &cases.EvidenceLink{EvidenceID: e1, FactID: f3}),
		ev(t, id, &cases.EvidenceUnlink{EvidenceID: e1, FactID: f1}),
		ev(t, id, &cases.EvidenceDate{EvidenceID: e1, Date: "2019-04-30"}),
		ev(t, id, &cases.PartyAdd{PartyID: uuid.Must(uuid.NewV7()), Role: cases.RolePetitioner, Name: "李桂芬", Supersedes: p1}),
		ev(t, id, &cases.PartyWithdraw{PartyID: p2}),
		ev(t, id, &cases.FollowUpComplete{FollowUpID: fu, Outcome: "称补偿仍未到位", Satisfaction: cases.Dissatisfied}),
		ev(t, id, &cases.IntensityScored{Score: 62, Level: cases.IntensityAmber}),
		ev(t, id, &cases.Numbered{Number: "XF-2026-000123"}),
	}
	if _, err := s.Append(ctx, rest...); err != nil {
		t.Fatal(err)
	}
	lv := ev(t, id, &cases.LevelChanged{Level: cases.LevelCounty})
	asg := ev(t, id, &cases.Assigned{Assignee: "张科长"})
	cat := ev(t, id, &cases.CategoryChanged{Category: "土地征收"})
	rev := ev(t, id, &cases.Revised{Channel: cases.ChannelVisit, Summary: "征地补偿款未足额发放。", Signers: 6})
	if _, err := s.Append(ctx, lv, asg, cat, rev); err != nil {
		t.Fatal(err)
	}
	return id
}

// loadsAsReplay checks that a case loads from the projections exactly as
// cases.Replay derives it from its events, and returns both.
func loadsAsReplay(t *testing.T, s *Store, id uuid.UUID) (cases.Case, []cases.Event) {
	t.Helper()
	ctx := context.Background()
	got, err := s.Case(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := s.Events(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	want, err := cases.Replay(evs)
	if err != nil {
		t.Fatal(err)
	}
	if d := diffCase(want, got); d != "" {
		t.Fatalf("case %s: projection differs from replay: %s", id, d)
	}
	return got, evs
}

func TestAppendProjectsLikeReplay(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	id := fullCase(t, s)
	got, evs := loadsAsReplay(t, s, id)
	if got.Status != cases.StatusReopened || got.Versions.Status != 2 {
		t.Errorf("dissatisfied follow-up should reopen: status %s v%d", got.Status, got.Versions.Status)
	}
	if n := len(got.CurrentFacts()); n != 3 {
		t.Errorf("current facts = %d, want 3 (one superseded by a split)", n)
	}
	if p := got.FactProgress(); p.Confirmed != 1 || p.Disputed != 1 || p.Pending != 1 {
		t.Errorf("progress = %+v", p)
	}
	if !strings.HasPrefix(got.ProvisionalNumber, s.Device().Code+"-") || got.Number() != "XF-2026-000123" {
		t.Errorf("numbers: provisional %q, shown %q", got.ProvisionalNumber, got.Number())
	}
	rep, err := s.Verify(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Cases != 1 || rep.Events != int64(len(evs)) || rep.DeviceEvents != rep.Events {
		t.Errorf("report %+v, events %d", rep, len(evs))
	}
}

func TestStaleChangeRefused(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	id := fullCase(t, s)
	c, _ := s.Case(ctx, id)
	stale := ev(t, id, &cases.StatusChanged{Status: cases.StatusConcluded})
	stale.BaseVersion = c.Versions.Status - 1
	_, err := s.Append(ctx, stale)
	if !cases.IsConflict(err) {
		t.Fatalf("stale change: got %v, want a conflict", err)
	}
	fresh := stale
	fresh.BaseVersion = c.Versions.Status
	if _, err := s.Append(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	after, _ := s.Case(ctx, id)
	if after.Status != cases.StatusConcluded {
		t.Errorf("status = %s", after.Status)
	}
}

func TestAppendIsAtomic(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	id := uuid.Must(uuid.NewV7())
	good := ev(t, id, &cases.Opened{Channel: cases.ChannelPhone, Summary: "噪音扰民"})
	bad := ev(t, id, &cases.FactStatusChange{FactID: uuid.Must(uuid.NewV7()), Status: cases.FactConfirmed})
	_, err := s.Append(ctx, good, bad)
	if v, ok := cases.AsValidation(err); !ok || v.Code != cases.CodeUnknown {
		t.Fatalf("got %v, want unknown-record validation error", err)
	}
	st, _ := s.Stats(ctx)
	if st.Events != 0 || st.Cases != 0 || st.Outbox != 0 {
		t.Fatalf("a failed batch left %+v", st)
	}
	// The chain continues from where it was.
	if _, err := s.Append(ctx, good); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Verify(ctx, nil); err != nil {
		t.Fatal(err)
	}
}

func TestValidationRefusesBadInput(t *testing.T) {
	s := openTemp(t)
	id := uuid.Must(uuid.NewV7())
	_, err := cases.NewEvent(id, &cases.PartyAdd{PartyID: uuid.Must(uuid.NewV7()), Role: cases.RolePetitioner, Name: "张三", IDNumber: "110105194912310021"})
	v, ok := cases.AsValidation(err)
	if !ok || v.Field != "party.id_number" || !strings.Contains(v.Message, "校验位") {
		t.Fatalf("bad check digit: %v", err)
	}
	raw := cases.Event{CaseID: id, Type: cases.CaseOpened, Payload: []byte(`{"channel":"fax"}`)}
	if _, err := s.Append(context.Background(), raw); err == nil {
		t.Fatal("unknown channel accepted")
	}
}

func TestSearchFindsTwoCharacterWords(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	id := fullCase(t, s)
	other := uuid.Must(uuid.NewV7())
	if _, err := s.Append(ctx, ev(t, other, &cases.Opened{Channel: cases.ChannelLetter, Category: "采光", Summary: "新建楼房挡住采光，冬天屋里晒不到太阳。"})); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]uuid.UUID{
		"征地": id, "补偿款": id, "采光": other, "晒不到": other, "李桂芳": id, "情绪 核实": id, "光": other, "征": id,
	} {
		got, err := s.Search(ctx, q, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].ID != want {
			t.Errorf("search %q: got %d results %v", q, len(got), got)
		}
	}
	for _, q := range []string{"社保", "采光补偿", "地征"} {
		if got, _ := s.Search(ctx, q, 10); len(got) != 0 {
			t.Errorf("search %q found %d cases, want none", q, len(got))
		}
	}
}

func TestListNewestFirstWithCursor(t *testing.T) {
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	s, err := Open(filepath.Join(t.TempDir(), "d.db"), Options{Now: func() time.Time { now = now.Add(time.Minute); return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	s.SetActor(ctx, "王接待")
	var ids []uuid.UUID
	for i := 0; i < 7; i++ {
		id := uuid.Must(uuid.NewV7())
		ids = append(ids, id)
		if _, err := s.Append(ctx, ev(t, id, &cases.Opened{Channel: cases.ChannelVisit, Summary: "第" + string(rune('一'+i)) + "件"})); err != nil {
			t.Fatal(err)
		}
	}
	page, err := s.ListCases(ctx, cases.ListQuery{Limit: 4})
	if err != nil || len(page) != 4 || page[0].ID != ids[6] {
		t.Fatalf("first page: %v %v", page, err)
	}
	last := page[3]
	next, err := s.ListCases(ctx, cases.ListQuery{Limit: 4, After: &cases.Cursor{UpdatedAt: last.UpdatedAt, ID: last.ID}})
	if err != nil || len(next) != 3 || next[2].ID != ids[0] {
		t.Fatalf("second page: %v %v", next, err)
	}
	if want := s.Device().Code + "-20260301-0007"; page[0].Number != want {
		t.Errorf("number %q, want %q", page[0].Number, want)
	}
}

func TestVerifyCatchesTampering(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	fullCase(t, s)
	if _, err := s.w.ExecContext(ctx, `UPDATE facts SET status = 'confirmed' WHERE text = '村委会称已发放一半'`); err != nil {
		t.Fatal(err)
	}
	var p *Problem
	if _, err := s.Verify(ctx, nil); !errors.As(err, &p) || !strings.Contains(p.What, "Facts") {
		t.Fatalf("edited projection: got %v", err)
	}
	if _, err := s.w.ExecContext(ctx, `UPDATE facts SET status = 'pending' WHERE text = '村委会称已发放一半'`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Verify(ctx, nil); err != nil {
		t.Fatalf("restored projection: %v", err)
	}
	edit := `UPDATE events SET payload = replace(payload, '3亩', '5亩') WHERE type = 'fact.added'`
	if _, err := s.w.ExecContext(ctx, edit); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("editing an event: got %v, want the append-only refusal", err)
	}
	if _, err := s.w.ExecContext(ctx, `DELETE FROM events WHERE type = 'note.added'`); err == nil {
		t.Fatal("an event was deleted")
	}
	// Someone who removes the guard can change an event; verify notices.
	if _, err := s.w.ExecContext(ctx, `DROP TRIGGER events_append_only_update`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, edit); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Verify(ctx, nil); !errors.As(err, &p) || !strings.Contains(p.What, "hash") {
		t.Fatalf("edited event: got %v", err)
	}
}

func TestCancelledAppendStoresNothing(t *testing.T) {
	s := openTemp(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e := ev(t, uuid.Must(uuid.NewV7()), &cases.Opened{Channel: cases.ChannelVisit, Summary: "祖坟被占"})
	if _, err := s.Append(ctx, e); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if st, _ := s.Stats(context.Background()); st.Events != 0 || st.Cases != 0 {
		t.Fatalf("cancelled append stored %+v", st)
	}
}

func TestBlobsStoredOnceBesideTheirDatabase(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	sum, n, err := s.PutBlob(ctx, strings.NewReader("收据：2023年3月补偿款5000元"), "text/plain")
	if err != nil {
		t.Fatal(err)
	}
	again, _, err := s.PutBlob(ctx, strings.NewReader("收据：2023年3月补偿款5000元"), "text/plain")
	if err != nil || again != sum {
		t.Fatalf("second put: %s %v", again, err)
	}
	if want := strings.TrimSuffix(s.Path(), ".db") + ".blobs"; !strings.HasPrefix(s.BlobPath(sum), want) {
		t.Errorf("blob at %s, want under %s", s.BlobPath(sum), want)
	}
	r, err := s.OpenBlob(sum)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b := make([]byte, n+1)
	k, _ := r.Read(b)
	if string(b[:k]) != "收据：2023年3月补偿款5000元" {
		t.Errorf("read back %q", b[:k])
	}
	if st, _ := s.Stats(ctx); st.Blobs != 1 {
		t.Errorf("blobs = %d", st.Blobs)
	}
	if _, err := s.OpenBlob("../../etc/passwd"); err == nil {
		t.Error("a path was accepted as a blob sum")
	}
}

func TestEvidenceLinksOnlyFactsOfTheCase(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	a, b := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	fa := uuid.Must(uuid.NewV7())
	fb := uuid.Must(uuid.NewV7())
	for _, e := range []cases.Event{
		ev(t, a, &cases.Opened{Channel: cases.ChannelVisit, Summary: "甲"}),
		ev(t, a, &cases.FactAdd{FactID: fa, Text: "甲的事实", Status: cases.FactPending}),
		ev(t, b, &cases.Opened{Channel: cases.ChannelVisit, Summary: "乙"}),
		ev(t, b, &cases.FactAdd{FactID: fb, Text: "乙的事实", Status: cases.FactPending}),
	} {
		if _, err := s.Append(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	sum := strings.Repeat("0f", 32)
	other := ev(t, a, &cases.EvidenceAdd{EvidenceID: uuid.Must(uuid.NewV7()), SHA256: sum, FileName: "照片.jpg", Facts: []uuid.UUID{fb}})
	_, err := s.Append(ctx, other)
	if v, ok := cases.AsValidation(err); !ok || v.Code != cases.CodeUnknown {
		t.Fatalf("evidence linked to another case's fact card: got %v", err)
	}
	twice := ev(t, a, &cases.EvidenceAdd{EvidenceID: uuid.Must(uuid.NewV7()), SHA256: sum, FileName: "照片.jpg", Facts: []uuid.UUID{fa, fa}})
	if _, err := s.Append(ctx, twice); err != nil {
		t.Fatal(err)
	}
	c, _ := s.Case(ctx, a)
	if len(c.Evidence) != 1 || len(c.Evidence[0].Facts) != 1 {
		t.Fatalf("evidence %+v", c.Evidence)
	}
	if _, err := s.Verify(ctx, nil); err != nil {
		t.Fatal(err)
	}
}
