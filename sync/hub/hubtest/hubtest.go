// Package hubtest opens hub databases for tests: always a SQLite file,
// and a fresh PostgreSQL schema when JIEFANG_PG_URL names a server.
package hubtest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"jiefang/sync/hub"
)

// PGEnv names the environment variable with the PostgreSQL URL for tests.
const PGEnv = "JIEFANG_PG_URL"

// Backend is one kind of hub database a test runs on.
type Backend struct {
	Name string // "sqlite" or "postgres"
	// New makes a new, empty database location, removed when the test ends.
	New func(t testing.TB) Location
}

// Location names one hub database: a SQLite file or a PostgreSQL URL.
type Location struct {
	SQLite, PG string
}

// Open opens the database at l; the test closes it at its end.
func (l Location) Open(t testing.TB) *hub.Store {
	t.Helper()
	h, err := hub.Open(context.Background(), l.SQLite, l.PG)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

// Open opens a new, empty hub database of this kind.
func (b Backend) Open(t testing.TB) (*hub.Store, Location) {
	t.Helper()
	l := b.New(t)
	return l.Open(t), l
}

// Backends are SQLite, and PostgreSQL when JIEFANG_PG_URL is set.
func Backends() []Backend {
	bs := []Backend{{Name: "sqlite", New: func(t testing.TB) Location {
		return Location{SQLite: filepath.Join(t.TempDir(), "hub.db")}
	}}}
	if os.Getenv(PGEnv) != "" {
		bs = append(bs, Backend{Name: "postgres", New: func(t testing.TB) Location { return Location{PG: PostgresURL(t)} }})
	}
	return bs
}

// Each runs f once per backend, as subtests named after it.
func Each(t *testing.T, f func(t *testing.T, b Backend)) {
	for _, b := range Backends() {
		t.Run(b.Name, func(t *testing.T) { f(t, b) })
	}
}

// PostgresURL makes a fresh schema on the server of JIEFANG_PG_URL, drops
// it when the test ends, and returns a URL whose search path is that
// schema. It skips the test when no server is configured.
func PostgresURL(t testing.TB) string {
	base := os.Getenv(PGEnv)
	if base == "" {
		t.Skip(PGEnv + " not set")
	}
	u, drop, err := hub.ScratchSchema(context.Background(), base, "hubtest_")
	if err != nil {
		t.Fatalf("postgres at %s: %v", PGEnv, err)
	}
	t.Cleanup(drop)
	return u
}
