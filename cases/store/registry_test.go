package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/registry"
)

func parseSnapshot(t *testing.T, k registry.Kind, text string) *registry.Snapshot {
	t.Helper()
	snap, err := registry.Parse(k, string(k)+".csv", strings.NewReader(text), registry.UTF8)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

const householdCSV = "person_id,name,household_no,relation,village,status,status_on\n" +
	"330523196503120115,陈大山,FL-0001,head,枫林村,resident,\n" +
	"330523193202020336,陈有根,FL-0001,parent,枫林村,deceased,2022-03-05\n" +
	"330523195807210124,林秀英,FL-0002,head,枫林村,resident,\n" + // bad check digit
	"33052319720814053x,孙立平,SQ-0208,head,石桥社区,resident,\n"

// An import keeps the good rows of a snapshot and reads them back; the
// next import of the kind replaces them whole; a snapshot without a good
// row, or with a row that does not validate, leaves the previous one.
// Snapshots are not events: nothing goes to the outbox.
func TestImportRegistryReplaces(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	first := parseSnapshot(t, registry.Household, householdCSV)
	if len(first.Rows) != 3 || len(first.Rejected) != 1 {
		t.Fatalf("parsed %d rows, %d rejected", len(first.Rows), len(first.Rejected))
	}
	prev, err := s.ImportRegistry(ctx, first)
	if err != nil || prev != nil {
		t.Fatalf("first import: %v, previous %v", err, prev)
	}
	got, err := s.RegistrySnapshot(ctx, registry.Household)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Rows, first.Rows) || got.Source != "household.csv" {
		t.Errorf("read back %+v, want %+v", got.Rows, first.Rows)
	}
	if got.Rows[2].Fields["person_id"] != "33052319720814053X" {
		t.Errorf("ID number not normalized: %v", got.Rows[2].Fields)
	}

	second := parseSnapshot(t, registry.Household, "person_id,name,household_no,relation,village,status,status_on\n"+
		"330523197909300225,吴美兰,TY-0107,head,桃源村,resident,\n")
	second.Source = "household-2024.csv"
	prev, err = s.ImportRegistry(ctx, second)
	if err != nil {
		t.Fatal(err)
	}
	if prev == nil || prev.Rows != 3 || prev.Rejected != 1 || prev.Source != "household.csv" {
		t.Errorf("previous %+v", prev)
	}
	d, err := s.RegistryData(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Residents) != 1 || d.Residents[0].Name != "吴美兰" || d.Residents[0].Ref.Source != "household-2024.csv" || d.Residents[0].Ref.Line != 2 {
		t.Errorf("after the second import: %+v", d.Residents)
	}

	empty := parseSnapshot(t, registry.Household, "person_id,name,household_no,relation,village,status,status_on\n"+
		"330523195807210124,林秀英,FL-0002,head,枫林村,resident,\n")
	if _, err := s.ImportRegistry(ctx, empty); !errors.Is(err, ErrEmptySnapshot) {
		t.Errorf("empty snapshot: %v", err)
	}
	forged := &registry.Snapshot{Kind: registry.Household, Source: "x.csv", Rows: []registry.Row{{Line: 2, Fields: map[string]string{"person_id": "1"}}}}
	if _, err := s.ImportRegistry(ctx, forged); err == nil {
		t.Error("a row that does not validate was stored")
	}
	snaps, err := s.RegistrySnapshots(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(snaps) != 1 || snaps[0].Kind != registry.Household || snaps[0].Rows != 1 || snaps[0].Source != "household-2024.csv" || snaps[0].ImportedAt.IsZero() {
		t.Errorf("snapshots %+v", snaps)
	}
	if _, err := s.RegistrySnapshot(ctx, registry.Tax); !errors.Is(err, ErrNotFound) {
		t.Errorf("tax: %v, want ErrNotFound", err)
	}
	if pending, err := s.Pending(ctx, 10); err != nil || len(pending) != 0 {
		t.Errorf("outbox: %v %v", pending, err)
	}
}

// The resettlement story checked from the store gives the alerts it
// gives from its files.
func TestRegistryStoryThroughTheStore(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	dir := "../registry/testdata/story"
	var snaps []registry.Snapshot
	for _, k := range registry.Kinds {
		b, err := os.ReadFile(filepath.Join(dir, string(k)+".csv"))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		snap := parseSnapshot(t, k, string(b))
		if _, err := s.ImportRegistry(ctx, snap); err != nil {
			t.Fatal(err)
		}
		snaps = append(snaps, *snap)
	}
	want, err := registry.NewData(snaps...)
	if err != nil {
		t.Fatal(err)
	}
	got, err := registry.Run(ctx, s, registry.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if w := registry.Check(want, nil, registry.Options{}); !reflect.DeepEqual(got, w) || len(got.Alerts) != 6 {
		t.Errorf("through the store: %d alerts %+v\nfrom the files: %d alerts", len(got.Alerts), got.Alerts, len(w.Alerts))
	}
}

// The rules see the current parties that carry an ID number, case by
// case, under the case's number.
func TestRegistryCaseParties(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	fullCase(t, s) // its parties: one superseded by a party without ID number, one withdrawn
	id := uuid.Must(uuid.NewV7())
	old, cur := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	if _, err := s.Append(ctx,
		ev(t, id, &cases.Opened{Channel: cases.ChannelVisit, Category: "安置房分配", Summary: "安置房分给了外村人"}),
		ev(t, id, &cases.PartyAdd{PartyID: old, Role: cases.RolePetitioner, Name: "陈大山", IDNumber: "330523196503120115", Village: "枫林村"}),
		ev(t, id, &cases.PartyAdd{PartyID: uuid.Must(uuid.NewV7()), Role: cases.RoleRespondent, Name: "孙立平", IDNumber: "33052319720814053X"}),
		ev(t, id, &cases.PartyAdd{PartyID: uuid.Must(uuid.NewV7()), Role: cases.RoleRespondent, Name: "石桥镇人民政府"}),
		ev(t, id, &cases.PartyAdd{PartyID: cur, Role: cases.RolePetitioner, Name: "陈大山", IDNumber: "330523196503120115", Village: "枫林村", Phone: "13800138000", Supersedes: old}),
	); err != nil {
		t.Fatal(err)
	}
	c, err := s.Case(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.RegistryCaseParties(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].CaseID != id || got[0].Number != c.Number() || len(got[0].Parties) != 2 {
		t.Fatalf("case parties %+v", got)
	}
	ps := got[0].Parties
	if ps[0].Name != "孙立平" || ps[0].Role != cases.RoleRespondent || ps[1].ID != cur || ps[1].Village != "枫林村" {
		t.Errorf("parties %+v", ps)
	}
}
