// Package hub is the county hub's side of sync: it stores every device's
// pushed events once, in one hub sequence, answers each with applied,
// duplicate, conflict or rejected (keeping what it refused in
// quarantine), gives each new case its official number, keeps units,
// devices and enrollment codes, and serves each device the events of its
// unit's subtree in sequence order, over HTTP(S). It also keeps the
// official text of laws imported into it and serves the statute pages
// to anyone (StatutesPath). Storage is SQLite (embedded default) or
// PostgreSQL, through one code path.
package hub

import (
	"context"
	"crypto/rand"
	"database/sql"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

var (
	//go:embed schema_sqlite.sql
	sqliteSchema string
	//go:embed schema_postgres.sql
	postgresSchema string
)

// dialect is what differs between the two databases.
type dialect struct {
	name   string
	schema string
	// lock is run first in every writing transaction. SQLite needs none:
	// its one connection and immediate transactions serialize writers.
	lock string
	// exists tells whether the schema has been created.
	exists string
}

var (
	sqliteDialect = dialect{name: "sqlite", schema: sqliteSchema,
		exists: `SELECT count(*) FROM sqlite_master WHERE name = 'events'`}
	postgresDialect = dialect{name: "postgres", schema: postgresSchema,
		lock:   `SELECT pg_advisory_xact_lock(7283041)`,
		exists: `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'events'`}
)

// Store is a hub database.
type Store struct {
	db    *sql.DB // writes (on SQLite, its one connection)
	r     *sql.DB // reads: on SQLite a pool of read-only connections, which WAL lets run beside the writer
	d     dialect
	epoch string
	now   func() time.Time

	beforeCommit func() // fault tests: runs inside a push transaction, before its commit
	beforeWarm   func() // tests: runs in WarmScreening before the index is built

	stmts map[string]*sql.Stmt // pushQueries, prepared when the store opens

	pushes    chan *pushRequest // to the committer
	closed    chan struct{}     // closed by Close
	committed chan struct{}     // closed when the committer has stopped
	closeOnce sync.Once

	// Breadth screening after pushes (screen.go): the committer's index,
	// whether it is off, and where it logs.
	scr          screener
	screeningOff atomic.Bool
	log          atomic.Pointer[slog.Logger]
}

// prepared is one of pushQueries, prepared on the database. They are
// prepared when the store opens: later, a push transaction may hold the
// only SQLite connection.
func (s *Store) prepared(query string) (*sql.Stmt, error) {
	st, ok := s.stmts[query]
	if !ok {
		return nil, fmt.Errorf("hub: query not prepared: %.60s", query)
	}
	return st, nil
}

func (s *Store) prepare(ctx context.Context) error {
	s.stmts = map[string]*sql.Stmt{}
	for _, q := range pushQueries {
		st, err := s.db.PrepareContext(ctx, s.rebind(q))
		if err != nil {
			return fmt.Errorf("hub: prepare %.60s: %w", q, err)
		}
		s.stmts[q] = st
	}
	return nil
}

// Open opens the hub database named by exactly one of sqlitePath and
// pgURL, creating its schema if it is new.
func Open(ctx context.Context, sqlitePath, pgURL string) (*Store, error) {
	switch {
	case pgURL != "" && sqlitePath != "":
		return nil, errors.New("hub: give either --db or --pg, not both")
	case pgURL != "":
		return OpenPostgres(ctx, pgURL)
	case sqlitePath != "":
		return OpenSQLite(sqlitePath)
	}
	return nil, errors.New("hub: no database: give --db PATH (SQLite) or --pg URL (PostgreSQL)")
}

// OpenSQLite opens (creating if needed) a hub database at path.
func OpenSQLite(path string) (*Store, error) {
	dsn := func(extra ...string) string {
		q := url.Values{}
		for _, p := range append([]string{"journal_mode(WAL)", "synchronous(FULL)", "busy_timeout(10000)", "foreign_keys(1)"}, extra...) {
			q.Add("_pragma", p)
		}
		q.Set("_txlock", "immediate")
		return "file:" + filepath.ToSlash(path) + "?" + q.Encode()
	}
	db, err := sql.Open("sqlite", dsn())
	if err != nil {
		return nil, fmt.Errorf("hub: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1) // one writer
	s, err := open(context.Background(), db, nil, sqliteDialect)
	if err != nil {
		return nil, err
	}
	if s.r, err = sql.Open("sqlite", dsn("query_only(1)")); err != nil {
		s.Close()
		return nil, fmt.Errorf("hub: open %s: %w", path, err)
	}
	s.r.SetMaxOpenConns(4)
	return s, nil
}

// OpenPostgres opens (creating the schema if needed) a hub database on
// PostgreSQL.
func OpenPostgres(ctx context.Context, pgURL string) (*Store, error) {
	db, err := sql.Open("pgx", pgURL)
	if err != nil {
		return nil, fmt.Errorf("hub: open PostgreSQL: %w", err)
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	return open(ctx, db, db, postgresDialect)
}

func open(ctx context.Context, db, r *sql.DB, d dialect) (*Store, error) {
	s := &Store{db: db, r: r, d: d, now: time.Now}
	if err := s.init(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.prepare(ctx); err != nil {
		db.Close()
		return nil, err
	}
	s.pushes, s.closed, s.committed = make(chan *pushRequest, 64), make(chan struct{}), make(chan struct{})
	go s.commit()
	return s, nil
}

// rebind turns the ? placeholders of query into PostgreSQL's $n. None of
// the queries has a ? inside a string literal.
func (s *Store) rebind(query string) string {
	if s.d.name != "postgres" {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// querier is a *sql.DB or a *sql.Tx.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Store) exec(ctx context.Context, q querier, query string, args ...any) (sql.Result, error) {
	return q.ExecContext(ctx, s.rebind(query), args...)
}

func (s *Store) query(ctx context.Context, q querier, query string, args ...any) (*sql.Rows, error) {
	return q.QueryContext(ctx, s.rebind(query), args...)
}

func (s *Store) queryRow(ctx context.Context, q querier, query string, args ...any) *sql.Row {
	return q.QueryRowContext(ctx, s.rebind(query), args...)
}

// write runs f in a writing transaction, serialized with every other.
func (s *Store) write(ctx context.Context, f func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if s.d.lock != "" {
		if _, err := tx.ExecContext(ctx, s.d.lock); err != nil {
			return err
		}
	}
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// metaBackup marks a copy made by Backup: opened as a live hub, it takes
// a new epoch, since devices may hold events the copy lacks.
const metaBackup = "restored_copy"

// init creates the schema on a new database and reads the epoch, which a
// new database, or a copy restored from backup, gets fresh.
func (s *Store) init(ctx context.Context) error {
	var tables int
	if err := s.db.QueryRowContext(ctx, s.d.exists).Scan(&tables); err != nil {
		return fmt.Errorf("hub: read schema: %w", err)
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if tables == 0 {
			if _, err := tx.ExecContext(ctx, s.d.schema); err != nil {
				return err
			}
			if err := s.newEpoch(ctx, tx); err != nil {
				return err
			}
			return s.migrate(ctx, tx)
		}
		if err := s.migrate(ctx, tx); err != nil {
			return err
		}
		var v string
		err := s.queryRow(ctx, tx, `SELECT value FROM meta WHERE key = ?`, metaBackup).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := s.exec(ctx, tx, `DELETE FROM meta WHERE key = ?`, metaBackup); err != nil {
			return err
		}
		return s.newEpoch(ctx, tx)
	})
	if errors.Is(err, ErrNewerSchema) {
		return err
	}
	if err != nil {
		return fmt.Errorf("hub: create schema: %w", err)
	}
	if err := s.queryRow(ctx, s.db, `SELECT value FROM meta WHERE key = 'epoch'`).Scan(&s.epoch); err != nil {
		return fmt.Errorf("hub: read epoch: %w", err)
	}
	return nil
}

// newEpoch gives the hub a new epoch, and with it a new chain for the
// events it writes itself.
func (s *Store) newEpoch(ctx context.Context, tx *sql.Tx) error {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return fmt.Errorf("epoch: %w", err)
	}
	if err := s.setMeta(ctx, tx, "epoch", hex.EncodeToString(b)); err != nil {
		return err
	}
	_, err := s.exec(ctx, tx, `DELETE FROM meta WHERE key = 'chain_head'`)
	return err
}

// NewEpoch gives the hub a new epoch. Run it after restoring a PostgreSQL
// hub from a dump, so that devices re-push what they hold and re-pull.
func (s *Store) NewEpoch(ctx context.Context) error {
	if err := s.write(ctx, func(tx *sql.Tx) error { return s.newEpoch(ctx, tx) }); err != nil {
		return fmt.Errorf("hub: new epoch: %w", err)
	}
	return s.queryRow(ctx, s.db, `SELECT value FROM meta WHERE key = 'epoch'`).Scan(&s.epoch)
}

func (s *Store) setMeta(ctx context.Context, q querier, key, value string) error {
	_, err := s.exec(ctx, q, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// Epoch identifies this hub's history; cursors of another epoch are void.
func (s *Store) Epoch() string { return s.epoch }

// Dialect is "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.d.name }

// Close stops taking pushes, lets the committer finish what it has
// queued, and closes the database.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { close(s.closed) })
	<-s.committed
	if s.r != nil && s.r != s.db {
		s.r.Close()
	}
	return s.db.Close()
}

// Stats counts what the hub database holds.
type Stats struct {
	Events      int64 `json:"events"`
	Cases       int64 `json:"cases"`
	Blobs       int64 `json:"blobs"`
	Devices     int64 `json:"devices"`
	Quarantined int64 `json:"quarantined"`
}

// Stats counts stored events, the cases they open, enrolled devices
// (revoked ones included) and quarantined events. Blobs are counted by
// the blob store.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	err := s.queryRow(ctx, s.r, `SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM cases),
		(SELECT count(*) FROM devices), (SELECT count(*) FROM quarantine)`).Scan(&st.Events, &st.Cases, &st.Devices, &st.Quarantined)
	if err != nil {
		return st, fmt.Errorf("hub: stats: %w", err)
	}
	return st, nil
}

// Backup writes a consistent copy of a SQLite hub to out while it serves.
// The copy is marked so that a hub started on it takes a new epoch.
func (s *Store) Backup(ctx context.Context, out string) error {
	if s.d.name != "sqlite" {
		return errors.New("hub: backup: PostgreSQL hubs are backed up with pg_dump (see README)")
	}
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, out); err != nil {
		return fmt.Errorf("hub: backup to %s: %w", out, err)
	}
	c, err := sql.Open("sqlite", "file:"+filepath.ToSlash(out))
	if err != nil {
		return fmt.Errorf("hub: backup: %w", err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, '1')`, metaBackup); err != nil {
		return fmt.Errorf("hub: backup: mark copy: %w", err)
	}
	return c.Close()
}
