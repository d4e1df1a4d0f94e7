package demo

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/store"
)

var testUntil = time.Date(2026, 3, 1, 4, 0, 0, 0, time.UTC)

func openStore(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), "demo.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func generate(t testing.TB, n int, seed uint64) (*store.Store, Result) {
	t.Helper()
	s := openStore(t)
	res, err := Generate(context.Background(), s, Options{Cases: n, Seed: seed, Until: testUntil})
	if err != nil {
		t.Fatal(err)
	}
	return s, res
}

// allCases loads every case of the store, oldest first.
func allCases(t testing.TB, s *store.Store) []cases.Case {
	t.Helper()
	ctx := context.Background()
	var out []cases.Case
	var after *cases.Cursor
	for {
		page, err := s.ListCases(ctx, cases.ListQuery{Limit: 500, After: after})
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range page {
			c, err := s.Case(ctx, l.ID)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, c)
		}
		if len(page) < 500 {
			break
		}
		last := page[len(page)-1]
		after = &cases.Cursor{UpdatedAt: last.UpdatedAt, ID: last.ID}
	}
	slices.SortFunc(out, func(a, b cases.Case) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return bytes.Compare(a.ID[:], b.ID[:])
	})
	return out
}

func TestGenerate(t *testing.T) {
	ctx := context.Background()
	var progress []int
	s := openStore(t)
	res, err := Generate(ctx, s, Options{Cases: 300, Seed: 7, Until: testUntil,
		Progress: func(done, total int) {
			if total != 300 {
				t.Errorf("progress total %d", total)
			}
			progress = append(progress, done)
		}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Cases != 300 || len(progress) == 0 || progress[len(progress)-1] != 300 {
		t.Fatalf("result %+v, progress %v", res, progress)
	}
	rep, err := s.Verify(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Cases != 300 || rep.Events != int64(res.Events) {
		t.Fatalf("verify report %+v, result %+v", rep, res)
	}
	if perCase := float64(res.Events) / float64(res.Cases); perCase < 12 || perCase > 25 {
		t.Errorf("%.1f events per case, want 12–25", perCase)
	}
	demo, err := s.IsDemo(ctx)
	if err != nil || !demo {
		t.Fatalf("IsDemo = %v, %v", demo, err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Blobs != int64(res.Blobs) || res.Blobs < 20 {
		t.Errorf("blobs: stats %d, result %d", st.Blobs, res.Blobs)
	}

	all := allCases(t, s)
	if len(all) != 300 {
		t.Fatalf("%d cases listed", len(all))
	}
	seenCat := map[string]int{}
	seenFact := map[cases.FactStatus]int{}
	seenStatus := map[cases.Status]int{}
	seenLevel := map[cases.IntensityLevel]int{}
	seenRole := map[cases.Role]int{}
	var numbered, collective, followupsDone, dissatisfied, overdue, evidence int
	from := testUntil.Add(-Span)
	for _, c := range all {
		seenCat[c.Category]++
		seenStatus[c.Status]++
		seenLevel[c.IntensityLevel]++
		if c.CreatedAt.Before(from) || c.UpdatedAt.After(testUntil) {
			t.Errorf("case %s: %v–%v outside the span", c.ID, c.CreatedAt, c.UpdatedAt)
		}
		if !strings.HasPrefix(c.ProvisionalNumber, s.Device().Code+"-") {
			t.Errorf("provisional number %q", c.ProvisionalNumber)
		}
		if c.OfficialNumber != "" {
			numbered++
			if len(c.OfficialNumber) != 12 || !strings.HasPrefix(c.OfficialNumber, "XF20") {
				t.Errorf("official number %q", c.OfficialNumber)
			}
		}
		if c.Signers >= 5 {
			collective++
		}
		for _, f := range c.Facts {
			seenFact[f.Status]++
		}
		reps := 0
		for _, p := range c.Parties {
			seenRole[p.Role]++
			if p.Role == cases.RoleRepresentative {
				reps++
			}
			if p.IDNumber != "" {
				if err := cases.ValidateIDNumber(p.IDNumber); err != nil {
					t.Errorf("party %s: id %s: %v", p.Name, p.IDNumber, err)
				}
			}
			if p.Phone != "" && (len(p.Phone) != 11 || p.Phone[0] != '1' || p.Phone[1] < '3') {
				t.Errorf("phone %q", p.Phone)
			}
		}
		if reps > cases.MaxRepresentatives || (c.Signers >= 5) != (reps > 0) {
			t.Errorf("case %s: %d signers, %d representatives", c.ID, c.Signers, reps)
		}
		for _, f := range c.FollowUps {
			if f.Overdue(testUntil) {
				overdue++
			}
			if f.Done() {
				followupsDone++
				if f.Satisfaction == cases.Dissatisfied {
					dissatisfied++
				}
			}
		}
		evidence += len(c.Evidence)
		if c.Intensity < 0 || c.Intensity > 100 || c.IntensityLevel != cases.LevelForIntensity(c.Intensity) {
			t.Errorf("intensity %d %s", c.Intensity, c.IntensityLevel)
		}
	}
	for _, name := range []string{"征地补偿", "社保", "采光", "噪音", "祖坟", "宅基地", "执行难", "拖欠工资", "拆迁安置", "环境污染"} {
		if seenCat[name] == 0 {
			t.Errorf("no case of category %s (seen %v)", name, seenCat)
		}
	}
	for _, st := range cases.FactStatuses {
		if seenFact[st] == 0 {
			t.Errorf("no fact card %s", st)
		}
	}
	for _, st := range []cases.Status{cases.StatusConcluded, cases.StatusInProgress, cases.StatusNotAccepted} {
		if seenStatus[st] == 0 {
			t.Errorf("no case %s (seen %v)", st, seenStatus)
		}
	}
	if g, a, r := seenLevel[cases.IntensityGreen], seenLevel[cases.IntensityAmber], seenLevel[cases.IntensityRed]; g <= a || a <= r || r == 0 {
		t.Errorf("intensity levels %v: want mostly green, some amber, a few red", seenLevel)
	}
	for _, role := range []cases.Role{cases.RolePetitioner, cases.RoleRespondent, cases.RoleRepresentative, cases.RoleRecorder, cases.RoleWitness} {
		if seenRole[role] == 0 {
			t.Errorf("no party in role %s", role)
		}
	}
	if numbered < 150 || numbered == 300 || collective == 0 || followupsDone == 0 || dissatisfied == 0 || overdue == 0 || evidence == 0 {
		t.Errorf("numbered %d, collective %d, follow-ups done %d, dissatisfied %d, overdue %d, evidence %d",
			numbered, collective, followupsDone, dissatisfied, overdue, evidence)
	}

	// Planted clusters.
	if len(res.Clusters) < 3 {
		t.Fatalf("%d clusters, want at least 3", len(res.Clusters))
	}
	byID := map[uuid.UUID]cases.Case{}
	for _, c := range all {
		byID[c.ID] = c
	}
	escalating := 0
	for _, cl := range res.Clusters {
		if len(cl.Members) < 4 || len(cl.Members) > 8 {
			t.Errorf("cluster of %d cases", len(cl.Members))
		}
		if cl.CollectiveCount() >= 3 {
			escalating++
		}
		summaries := map[string]bool{}
		var first, last time.Time
		for i, m := range cl.Members {
			c, ok := byID[m.CaseID]
			if !ok {
				t.Fatalf("cluster case %s not stored", m.CaseID)
			}
			if summaries[c.Summary] {
				t.Errorf("cluster %s/%s: summary repeated: %s", cl.Category, cl.Village, c.Summary)
			}
			summaries[c.Summary] = true
			if m.Collective != (c.Signers >= 5) || m.Signers != c.Signers {
				t.Errorf("member %+v, case signers %d", m, c.Signers)
			}
			if c.Category != cl.Category && c.Category != catByName[cl.Category].related {
				t.Errorf("cluster %s has a case of %s", cl.Category, c.Category)
			}
			if !hasParty(c, cases.RoleRespondent, cl.Respondent) {
				t.Errorf("cluster case %s lacks respondent %s", c.ID, cl.Respondent)
			}
			if i == 0 {
				first = c.CreatedAt
			}
			last = c.CreatedAt
		}
		if last.Sub(first) < 30*24*time.Hour {
			t.Errorf("cluster %s spans only %v", cl.Category, last.Sub(first))
		}
	}
	if escalating == 0 || escalating == len(res.Clusters) {
		t.Errorf("%d of %d clusters with 3+ collective petitions; want some but not all", escalating, len(res.Clusters))
	}
}

func hasParty(c cases.Case, role cases.Role, name string) bool {
	for _, p := range c.Parties {
		if p.Role == role && p.Name == name {
			return true
		}
	}
	return false
}

// fingerprint is what must not change between runs with the same options.
type fingerprint struct {
	summaries, numbers, officials []string
	caseIDs, eventIDs             []uuid.UUID
}

func fingerprintOf(t *testing.T, s *store.Store) fingerprint {
	t.Helper()
	var f fingerprint
	code := s.Device().Code
	for _, c := range allCases(t, s) {
		f.summaries = append(f.summaries, c.Summary)
		num, ok := strings.CutPrefix(c.ProvisionalNumber, code)
		if !ok {
			t.Fatalf("number %q without device code %s", c.ProvisionalNumber, code)
		}
		f.numbers = append(f.numbers, num)
		f.officials = append(f.officials, c.OfficialNumber)
		f.caseIDs = append(f.caseIDs, c.ID)
		evs, err := s.Events(context.Background(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			f.eventIDs = append(f.eventIDs, e.ID)
		}
	}
	return f
}

func TestDeterministic(t *testing.T) {
	a, ra := generate(t, 120, 42)
	b, rb := generate(t, 120, 42)
	if a.Device().Code == b.Device().Code {
		t.Log("both databases drew the same device code")
	}
	fa, fb := fingerprintOf(t, a), fingerprintOf(t, b)
	for name, eq := range map[string]bool{
		"summaries":  slices.Equal(fa.summaries, fb.summaries),
		"numbers":    slices.Equal(fa.numbers, fb.numbers),
		"officials":  slices.Equal(fa.officials, fb.officials),
		"case ids":   slices.Equal(fa.caseIDs, fb.caseIDs),
		"event ids":  slices.Equal(fa.eventIDs, fb.eventIDs),
		"event sums": ra.Events == rb.Events,
	} {
		if !eq {
			t.Errorf("same seed, different %s", name)
		}
	}
	if len(ra.Clusters) != len(rb.Clusters) {
		t.Fatalf("clusters %d vs %d", len(ra.Clusters), len(rb.Clusters))
	}
	for i := range ra.Clusters {
		if !slices.Equal(ra.Clusters[i].CaseIDs(), rb.Clusters[i].CaseIDs()) {
			t.Errorf("cluster %d differs", i)
		}
	}

	c, _ := generate(t, 120, 43)
	fc := fingerprintOf(t, c)
	same := 0
	for i := range fa.summaries {
		if fa.summaries[i] == fc.summaries[i] {
			same++
		}
	}
	if same > 3 || slices.Equal(fa.caseIDs, fc.caseIDs) || slices.Equal(fa.eventIDs, fc.eventIDs) {
		t.Errorf("another seed gave the same data (%d equal summaries)", same)
	}
}

func TestEventIDsAreVersion7AtEventTime(t *testing.T) {
	s, _ := generate(t, 20, 1)
	for _, c := range allCases(t, s) {
		evs, err := s.Events(context.Background(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		prev := time.Time{}
		for _, e := range evs {
			if e.ID.Version() != 7 || e.ID.Variant() != uuid.RFC4122 {
				t.Fatalf("event id %s: version %d variant %v", e.ID, e.ID.Version(), e.ID.Variant())
			}
			sec, nsec := e.ID.Time().UnixTime()
			if ms := sec*1000 + nsec/1e6; ms != e.At.UnixMilli() {
				t.Fatalf("event id %s carries %d ms, event at %d", e.ID, ms, e.At.UnixMilli())
			}
			if e.At.Before(prev) {
				t.Fatalf("case %s: events out of time order", c.ID)
			}
			prev = e.At
			if e.Actor == "" {
				t.Fatalf("event without actor")
			}
		}
	}
}

func TestCancel(t *testing.T) {
	s := openStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	res, err := Generate(ctx, s, Options{Cases: 2000, Seed: 3, Until: testUntil, Progress: func(done, total int) {
		if done >= 300 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if res.Cases >= 2000 || res.Cases < 300 || res.Cases%casesPerBatch != 0 {
		t.Fatalf("cancelled run stored %d cases", res.Cases)
	}
	st, err := s.Stats(context.Background())
	if err != nil || st.Cases != int64(res.Cases) || st.Events != int64(res.Events) {
		t.Fatalf("stats %+v, result %+v, %v", st, res, err)
	}
	if _, err := s.Verify(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
}

func TestOptionsChecked(t *testing.T) {
	s := openStore(t)
	if _, err := Generate(context.Background(), s, Options{Cases: 0, Until: testUntil}); err == nil {
		t.Error("0 cases accepted")
	}
	if _, err := Generate(context.Background(), s, Options{Cases: 5}); err == nil {
		t.Error("missing Until accepted")
	}
}

func TestTemplatesCompile(t *testing.T) {
	for _, c := range cats {
		if len(c.summaries) < 4 || len(c.facts) < 6 || len(c.evidence) < 3 || len(c.outcomes) < 3 {
			t.Errorf("%s: %d summaries, %d facts, %d evidence kinds, %d outcomes", c.name, len(c.summaries), len(c.facts), len(c.evidence), len(c.outcomes))
		}
		if c.collective && len(c.clusterSummaries) < 4 {
			t.Errorf("%s: only %d summaries name the matter", c.name, len(c.clusterSummaries))
		}
		statuses := map[cases.FactStatus]bool{}
		for _, f := range c.facts {
			statuses[f.status] = true
		}
		if len(statuses) != 3 {
			t.Errorf("%s: fact templates cover %v", c.name, statuses)
		}
		if c.related != "" && catByName[c.related] == nil {
			t.Errorf("%s: related category %q unknown", c.name, c.related)
		}
		var used topics
		for i, st := range c.topics {
			if st == 0 {
				t.Errorf("%s: summary %d has no topic", c.name, i)
			}
			used |= st
			facts, outcomes := 0, 0
			for _, f := range c.facts {
				if f.topics.fits(st) {
					facts++
				}
			}
			for _, o := range c.outcomeTopics {
				if o.fits(st) {
					outcomes++
				}
			}
			if facts < 3 || outcomes == 0 {
				t.Errorf("%s: summary %d fits %d facts and %d outcomes", c.name, i, facts, outcomes)
			}
		}
		var tagged topics
		for _, f := range c.facts {
			tagged |= f.topics
		}
		for _, o := range append(c.outcomeTopics, c.evidenceTopics...) {
			tagged |= o
		}
		if stray := tagged &^ used; stray != 0 {
			t.Errorf("%s: topics %b tagged but no summary is about them", c.name, stray)
		}
		for _, e := range c.evidence {
			if _, ok := textBlobFor[e.name]; e.blob == blobText && !ok {
				t.Errorf("%s: text evidence %s has no file", c.name, e.name)
			}
		}
	}
}

func TestIDNumbers(t *testing.T) {
	r := (&generator{opts: Options{Seed: 9}}).stream(streamCase, 1)
	for i := 0; i < 2000; i++ {
		p := newPerson(r, testUntil, 18, 90, i%2 == 0)
		if err := cases.ValidateIDNumber(p.id); err != nil {
			t.Fatalf("%s: %v", p.id, err)
		}
		if male := (p.id[16]-'0')%2 == 1; male != p.male {
			t.Fatalf("%s: sex digit does not match", p.id)
		}
		if err := cases.ValidatePhone(p.phone); err != nil || len(p.phone) != 11 || p.phone[1] < '3' {
			t.Fatalf("phone %s: %v", p.phone, err)
		}
	}
}
