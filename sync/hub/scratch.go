package hub

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
)

// ScratchSchema makes a new, empty schema named prefix + random hex on the
// PostgreSQL server of pgURL, for a hub that must not touch any other
// data (tests, benchmarks). It returns a URL whose search path is that
// schema and a function that drops it.
func ScratchSchema(ctx context.Context, pgURL, prefix string) (string, func(), error) {
	u, err := url.Parse(pgURL)
	if err != nil {
		return "", nil, fmt.Errorf("hub: PostgreSQL URL: %w", err)
	}
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	schema := prefix + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", pgURL)
	if err != nil {
		return "", nil, fmt.Errorf("hub: open PostgreSQL: %w", err)
	}
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("hub: create schema: %w", err)
	}
	drop := func() {
		admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}
