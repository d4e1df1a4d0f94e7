package app

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/store"
)

func newID(t *testing.T) uuid.UUID {
	t.Helper()
	id, err := uuid.NewV7()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// reopen closes s and opens its database file again: what was recorded
// survives closing the desk.
func reopen(t *testing.T, s *store.Store) *store.Store {
	t.Helper()
	path := s.Path()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s2.Close() })
	return s2
}

// reopenCase reopens s and reads case id from it.
func reopenCase(t *testing.T, s *store.Store, id uuid.UUID) cases.Case {
	t.Helper()
	c, err := reopen(t, s).Case(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
