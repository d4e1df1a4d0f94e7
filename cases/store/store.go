package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// applicationID marks a database as ours in its header ("JFDK").
const applicationID = 0x4A46444B

// Store is an open desk database. Its methods are safe for concurrent use;
// appends are serialized on one writer connection, reads use a pool.
type Store struct {
	path    string
	blobDir string
	w       *sql.DB // the one writer connection
	r       *sql.DB // readers
	now     func() time.Time

	mu    sync.Mutex // serializes appends; guards head, stmts
	head  chainHead
	stmts map[string]*sql.Stmt

	device Device
	actor  atomic.Pointer[string] // the staff member; read without waiting for an append
	// openConflicts is whether any conflict is undecided; while none is,
	// changes skip looking for conflicts to resolve. Guarded by mu.
	openConflicts bool
}

// Device is this installation: its id (the device_id of its events) and
// its short code, used in provisional case numbers.
type Device struct {
	ID   string
	Code string
}

type chainHead struct {
	seq  int64
	hash string
}

// Options adjust Open. The zero value is right for production.
type Options struct {
	Now func() time.Time // clock for event times; time.Now when nil
}

// Open opens the database at path, creating it (and its directory) when
// missing. A file that is not a Jiefang database, is damaged, or was
// written by a newer version is refused with an *OpenError and left as it
// is.
func Open(path string, opts Options) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: create data directory: %w", err)
	}
	if err := inspect(path); err != nil {
		return nil, err
	}
	s := &Store{
		path:    path,
		blobDir: blobDir(path),
		now:     opts.Now,
		stmts:   map[string]*sql.Stmt{},
	}
	if s.now == nil {
		s.now = time.Now
	}
	var err error
	if s.w, err = sql.Open("sqlite", dsn(path, false)); err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s.w.SetMaxOpenConns(1)
	s.w.SetConnMaxIdleTime(0)
	if err := s.migrate(context.Background()); err != nil {
		s.w.Close()
		return nil, err
	}
	if s.r, err = sql.Open("sqlite", dsn(path, true)); err != nil {
		s.w.Close()
		return nil, fmt.Errorf("store: open readers %s: %w", path, err)
	}
	s.r.SetMaxOpenConns(4)
	if err := s.loadDevice(context.Background()); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// blobDir is where a database keeps its evidence files: beside it, named
// after it (jiefang.db → jiefang.blobs), so the desk's files and the demo
// database's never mix.
func blobDir(path string) string {
	return strings.TrimSuffix(path, filepath.Ext(path)) + ".blobs"
}

// dsn builds the connection string: pragmas travel in the DSN so every
// connection of the pool gets them.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)", "busy_timeout(10000)", "cache_size(-32000)", "temp_store(MEMORY)"} {
		q.Add("_pragma", p)
	}
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + filepath.ToSlash(path) + "?" + q.Encode()
}

// inspect refuses, without writing anything, a file that is not ours or
// that this version cannot read.
func inspect(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: open %s: %w", path, err)
	}
	head := make([]byte, 100)
	n, err := io.ReadFull(f, head)
	f.Close()
	if n == 0 {
		return nil // an empty file becomes a new database
	}
	if err != nil || !bytes.HasPrefix(head, []byte("SQLite format 3\x00")) {
		return &OpenError{Path: path, Kind: NotDatabase,
			Message: "该文件不是接访台数据库（也不是SQLite数据库）。文件未被改动。请检查路径，或用 --db 指定正确的数据库文件。"}
	}
	ro, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return fmt.Errorf("store: open %s: %w", path, err)
	}
	defer ro.Close()
	corrupt := func(err error) error {
		return &OpenError{Path: path, Kind: Corrupt, Err: err,
			Message: "数据库文件已损坏，无法读取。文件未被改动。请从备份恢复，或联系县级信息化人员。"}
	}
	var appID, tables int
	if err := ro.QueryRow("PRAGMA application_id").Scan(&appID); err != nil {
		return corrupt(err)
	}
	if err := ro.QueryRow("SELECT count(*) FROM sqlite_master").Scan(&tables); err != nil {
		return corrupt(err)
	}
	if appID != applicationID {
		if tables == 0 && appID == 0 {
			return nil // an empty SQLite file: ours to set up
		}
		return &OpenError{Path: path, Kind: NotJiefang,
			Message: "该文件是其他程序的SQLite数据库，不是接访台数据库。文件未被改动。请用 --db 指定接访台的数据库文件。"}
	}
	var version int
	if err := ro.QueryRow("SELECT version FROM schema_version").Scan(&version); err != nil {
		return corrupt(err)
	}
	if latest := len(mustMigrations()); version > latest {
		return &OpenError{Path: path, Kind: NewerSchema,
			Err:     fmt.Errorf("schema version %d, this program knows up to %d", version, latest),
			Message: fmt.Sprintf("该数据库由更新版本的接访台创建（数据版本 %d，本程序最高支持 %d）。文件未被改动。请升级接访台后再打开。", version, latest)}
	}
	return nil
}

type migration struct {
	version int
	name    string
	sql     string
}

func mustMigrations() []migration {
	ms, err := migrations()
	if err != nil {
		panic(err) // embedded files are part of the build
	}
	return ms
}

// migrations lists the embedded NNNN_name.sql files in order.
func migrations() ([]migration, error) {
	ents, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range ents {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("store: migration file %q is not NNNN_name.sql", e.Name())
		}
		b, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("store: migrations must be numbered 1, 2, …; found %s", m.name)
		}
	}
	return out, nil
}

// migrate brings the schema up to date, each migration in its own
// transaction together with its version row.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL) STRICT`); err != nil {
		return fmt.Errorf("store: create version table: %w", err)
	}
	var version int
	err = s.w.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&version)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := s.w.ExecContext(ctx, fmt.Sprintf(`PRAGMA application_id = %d`, applicationID)); err != nil {
			return fmt.Errorf("store: mark database: %w", err)
		}
		if _, err := s.w.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (0)`); err != nil {
			return fmt.Errorf("store: init version: %w", err)
		}
	} else if err != nil {
		return fmt.Errorf("store: read schema version: %w", err)
	}
	for _, m := range ms[version:] {
		tx, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("store: migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE schema_version SET version = ?`, m.version); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: migration %s: %w", m.name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("store: migration %s: %w", m.name, err)
		}
	}
	return nil
}

// loadDevice reads this installation's identity, creating it on first
// open, and the head of its hash chain.
func (s *Store) loadDevice(ctx context.Context) error {
	id, err := s.Meta(ctx, metaDeviceID)
	if err != nil {
		return err
	}
	if id == "" {
		u, err := uuid.NewV7()
		if err != nil {
			return fmt.Errorf("store: new device id: %w", err)
		}
		code, err := newDeviceCode()
		if err != nil {
			return err
		}
		tx, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("store: create device: %w", err)
		}
		defer tx.Rollback()
		for k, v := range map[string]string{metaDeviceID: u.String(), metaDeviceCode: code, metaCreatedAt: s.now().UTC().Format(time.RFC3339)} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)`, k, v); err != nil {
				return fmt.Errorf("store: create device: %w", err)
			}
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("store: create device: %w", err)
		}
		id = u.String()
	}
	code, err := s.Meta(ctx, metaDeviceCode)
	if err != nil {
		return err
	}
	s.device = Device{ID: id, Code: code}
	actor, err := s.Meta(ctx, metaActor)
	if err != nil {
		return err
	}
	s.actor.Store(&actor)
	if err := s.w.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM conflicts WHERE resolved = 0)`).Scan(&s.openConflicts); err != nil {
		return fmt.Errorf("store: read conflicts: %w", err)
	}
	head, err := s.Meta(ctx, metaChainHead)
	if err != nil {
		return err
	}
	if head != "" {
		if _, err := fmt.Sscanf(head, "%d %s", &s.head.seq, &s.head.hash); err != nil {
			return fmt.Errorf("store: read chain head %q: %w", head, err)
		}
	}
	return nil
}

// deviceCodeAlphabet leaves out 0/O and 1/I/L, which are easy to misread.
const deviceCodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

func newDeviceCode() (string, error) {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("store: device code: %w", err)
	}
	for i := range b {
		b[i] = deviceCodeAlphabet[int(b[i])%len(deviceCodeAlphabet)]
	}
	return string(b), nil
}

// Meta keys.
const (
	metaDeviceID   = "device_id"
	metaDeviceCode = "device_code"
	metaCreatedAt  = "created_at"
	metaActor      = "actor"
	metaDemo       = "demo"
	metaChainHead  = "chain_head"  // "device_seq hash" of this device's last event
	metaPullCursor = "pull_cursor" // "epoch hub_seq" where the last pull ended
)

// Meta returns a metadata value, "" when unset.
func (s *Store) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.w.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: read %s: %w", key, err)
	}
	return v, nil
}

func (s *Store) setMeta(ctx context.Context, key, value string) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("store: write %s: %w", key, err)
	}
	return nil
}

// Device returns this installation's identity.
func (s *Store) Device() Device { return s.device }

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Actor is the staff member recorded on events when none is given; ""
// until set on first start. It is held in memory: no database read.
func (s *Store) Actor(ctx context.Context) (string, error) {
	return *s.actor.Load(), nil
}

// SetActor records the staff member's name.
func (s *Store) SetActor(ctx context.Context, name string) error {
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 50 {
		return errors.New("store: staff name must be 1–50 characters")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.setMeta(ctx, metaActor, name); err != nil {
		return err
	}
	s.actor.Store(&name)
	return nil
}

// IsDemo reports whether the database holds demo data; sync refuses to
// enroll such a database.
func (s *Store) IsDemo(ctx context.Context) (bool, error) {
	v, err := s.Meta(ctx, metaDemo)
	return v == "1", err
}

// MarkDemo marks the database as holding demo data.
func (s *Store) MarkDemo(ctx context.Context) error { return s.setMeta(ctx, metaDemo, "1") }

// Close closes the database.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.stmts {
		st.Close()
	}
	var errs []error
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	if s.w != nil {
		errs = append(errs, s.w.Close())
	}
	return errors.Join(errs...)
}
