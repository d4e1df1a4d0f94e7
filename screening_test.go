package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/registry"
	"jiefang/cases/store"
)

// The desk's registry checks give a case the alerts about its parties —
// from the resettlement story's snapshots — and nothing to a case about
// someone else, and say which rules could not run.
func TestDeskRegistryAlerts(t *testing.T) {
	ctx := context.Background()
	s := openDesk(t)
	dir := filepath.Join("cases", "registry", "testdata", "story")
	files, err := filepath.Glob(filepath.Join(dir, "*.csv"))
	if err != nil || len(files) == 0 {
		t.Fatalf("story fixtures: %v %v", files, err)
	}
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		k := registry.Kind(strings.TrimSuffix(filepath.Base(path), ".csv"))
		snap, err := registry.Parse(k, filepath.Base(path), f, registry.UTF8)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportRegistry(ctx, snap); err != nil {
			t.Fatal(err)
		}
	}
	newCase := func(name, id string) cases.Case {
		t.Helper()
		cid := uuid.Must(uuid.NewV7())
		o, err := cases.NewEvent(cid, &cases.Opened{Channel: cases.ChannelVisit, Category: "拆迁安置", Summary: "安置房分配不公"})
		if err != nil {
			t.Fatal(err)
		}
		p, err := cases.NewEvent(cid, &cases.PartyAdd{PartyID: uuid.Must(uuid.NewV7()), Role: cases.RolePetitioner, Name: name, IDNumber: id})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Append(ctx, o, p); err != nil {
			t.Fatal(err)
		}
		c, err := s.Case(ctx, cid)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	flagged := newCase("刘强", "330523198204150153") // a flat, and no household record
	other := newCase("钱多多", "110101199003071233")
	d := &deskRegistry{s: s}
	got, err := d.Alerts(ctx, flagged)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Alerts) == 0 || !strings.Contains(got.Alerts[0].Explanation, "刘强") && !strings.Contains(got.Alerts[0].Explanation, "刘*") {
		t.Fatalf("alerts for 刘强's case: %+v", got.Alerts)
	}
	if !slices.Contains(got.NotRun, "被执行人欠款期间取得房产") {
		t.Errorf("not run: %v (the story has no enforcement snapshot)", got.NotRun)
	}
	none, err := d.Alerts(ctx, other)
	if err != nil || len(none.Alerts) != 0 {
		t.Errorf("alerts for an unrelated case: %+v %v", none.Alerts, err)
	}
}

// openDesk opens a desk store in a new database file, with a staff name.
func openDesk(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), "desk.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.SetActor(context.Background(), "王芳"); err != nil {
		t.Fatal(err)
	}
	return s
}
