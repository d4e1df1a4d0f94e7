package hub

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// The schema's versions. Version 1 is schema_sqlite.sql and
// schema_postgres.sql, which a new database is made from and which stay
// as first released. Every later change is a step in
// migrations/<dialect>/NNNN_name.sql (numbered 2, 3, …, the same steps
// for both dialects), run in order on a new database right after the
// schema and on an older one when it is opened, each in the transaction
// that records the new version in meta (key schema_version; a database
// without the key is at version 1).
//
//go:embed migrations
var migrationFiles embed.FS

// metaSchemaVersion is the meta key holding the schema's version.
const metaSchemaVersion = "schema_version"

// ErrNewerSchema marks a database whose schema is newer than this
// program knows: a newer jiefang-hub made it, and this one leaves it
// untouched.
var ErrNewerSchema = errors.New("hub: the database was made by a newer jiefang-hub")

type migration struct {
	version int
	name    string
	sql     string
}

// migrations are the steps after version 1 for a dialect, in order.
func migrations(dialect string) ([]migration, error) {
	dir := "migrations/" + dialect
	ents, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("hub: migrations: %w", err)
	}
	var out []migration
	for _, e := range ents {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("hub: migration %s/%s is not NNNN_name.sql", dir, e.Name())
		}
		b, err := migrationFiles.ReadFile(dir + "/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: dialect + "/" + e.Name(), sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+2 {
			return nil, fmt.Errorf("hub: migrations are numbered 2, 3, …; found %s", m.name)
		}
	}
	return out, nil
}

// migrate brings the schema up to date inside tx, which init holds with
// every other writer locked out.
func (s *Store) migrate(ctx context.Context, tx *sql.Tx) error {
	ms, err := migrations(s.d.name)
	if err != nil {
		return err
	}
	latest := len(ms) + 1
	version := 1
	var v string
	switch err := s.queryRow(ctx, tx, `SELECT value FROM meta WHERE key = ?`, metaSchemaVersion).Scan(&v); {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return err
	default:
		if version, err = strconv.Atoi(v); err != nil || version < 1 {
			return fmt.Errorf("hub: schema version %q", v)
		}
	}
	if version > latest {
		return fmt.Errorf("%w (schema version %d, this one knows up to %d): 数据库由更新版本的 jiefang-hub 创建，请升级后再打开", ErrNewerSchema, version, latest)
	}
	for _, m := range ms[version-1:] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("hub: migration %s: %w", m.name, err)
		}
	}
	if v == strconv.Itoa(latest) {
		return nil
	}
	return s.setMeta(ctx, tx, metaSchemaVersion, strconv.Itoa(latest))
}
