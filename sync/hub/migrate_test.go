package hub

import (
	"slices"
	"strings"
	"testing"
)

// Both dialects have the same steps, numbered from 2 (version 1 is the
// schema file).
func TestMigrationsMatch(t *testing.T) {
	lite, err := migrations("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	pg, err := migrations("postgres")
	if err != nil {
		t.Fatal(err)
	}
	names := func(ms []migration) []string {
		var out []string
		for _, m := range ms {
			_, name, _ := strings.Cut(m.name, "/")
			out = append(out, name)
		}
		return out
	}
	if !slices.Equal(names(lite), names(pg)) || len(lite) == 0 {
		t.Errorf("SQLite steps %q, PostgreSQL %q", names(lite), names(pg))
	}
}
