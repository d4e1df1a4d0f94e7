package store

// Registry snapshots for the depth screening (jiefangctl registry import
// and check; see cases/registry).
//
// Like imported laws, snapshots are reference data, not case records:
// they are not events, take no part in the log or its hash chain, are
// not in the outbox and are not synced; Verify does not look at them.
// The store speaks registry's types: registry validates, the store keeps
// the rows that passed and hands them back, and validates them again on
// the way in and out (registry.NewData), so a row that does not read is
// never stored.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/registry"
)

// The store is what the depth rules read (registry.Run).
var _ registry.Source = (*Store)(nil)

// RegistrySnapshot is an imported snapshot as the store lists it,
// without its rows.
type RegistrySnapshot struct {
	Kind       registry.Kind
	Source     string // the file it was imported from
	Rows       int    // rows kept
	Rejected   int    // rows refused at import
	ImportedAt time.Time
}

// ErrEmptySnapshot refuses a snapshot without a good row: the kind's
// previous snapshot stays.
var ErrEmptySnapshot = errors.New("snapshot has no good rows")

// ImportRegistry stores a parsed snapshot in place of the previous
// snapshot of its kind, atomically: afterwards the kind has exactly the
// snapshot's good rows. It returns the snapshot replaced, nil if none.
// A snapshot with no good rows is refused (ErrEmptySnapshot) and the
// previous one kept, and so is one whose rows do not validate.
func (s *Store) ImportRegistry(ctx context.Context, snap *registry.Snapshot) (*RegistrySnapshot, error) {
	if snap == nil || !snap.Kind.Valid() {
		return nil, errors.New("store: import registry: no snapshot of a known kind")
	}
	if len(snap.Rows) == 0 {
		return nil, fmt.Errorf("store: import registry %s: %w", snap.Kind, ErrEmptySnapshot)
	}
	if _, err := registry.NewData(*snap); err != nil {
		return nil, fmt.Errorf("store: import registry: %w", err)
	}
	var prev *RegistrySnapshot
	err := s.writeTx(ctx, "import registry "+string(snap.Kind), func(tx *sql.Tx) error {
		p, err := scanRegistrySnapshot(tx.QueryRowContext(ctx, `SELECT `+registrySnapshotColumns+` FROM registry_snapshots WHERE kind = ?`, snap.Kind))
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		default:
			prev = &p
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM registry_rows WHERE kind = ?`, snap.Kind); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO registry_snapshots (kind, source, rows, rejected, imported_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (kind) DO UPDATE SET source = excluded.source, rows = excluded.rows, rejected = excluded.rejected,
				imported_at = excluded.imported_at`,
			snap.Kind, snap.Source, len(snap.Rows), len(snap.Rejected), s.now().UnixMilli())
		if err != nil {
			return err
		}
		ins, err := tx.PrepareContext(ctx, `INSERT INTO registry_rows (kind, line, subject, fields) VALUES (?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for _, r := range snap.Rows {
			fields, err := json.Marshal(r.Fields)
			if err != nil {
				return err
			}
			if _, err := ins.ExecContext(ctx, snap.Kind, r.Line, r.Subject(snap.Kind), string(fields)); err != nil {
				return fmt.Errorf("line %d: %w", r.Line, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return prev, nil
}

const registrySnapshotColumns = `kind, source, rows, rejected, imported_at`

func scanRegistrySnapshot(sc interface{ Scan(...any) error }) (RegistrySnapshot, error) {
	var r RegistrySnapshot
	var at int64
	if err := sc.Scan(&r.Kind, &r.Source, &r.Rows, &r.Rejected, &at); err != nil {
		return r, err
	}
	r.ImportedAt = fromMS(at)
	return r, nil
}

// RegistrySnapshots lists the imported snapshots in registry.Kinds order.
func (s *Store) RegistrySnapshots(ctx context.Context) ([]RegistrySnapshot, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+registrySnapshotColumns+` FROM registry_snapshots`)
	if err != nil {
		return nil, fmt.Errorf("store: registry snapshots: %w", err)
	}
	defer rows.Close()
	byKind := map[registry.Kind]RegistrySnapshot{}
	for rows.Next() {
		r, err := scanRegistrySnapshot(rows)
		if err != nil {
			return nil, fmt.Errorf("store: registry snapshots: %w", err)
		}
		byKind[r.Kind] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: registry snapshots: %w", err)
	}
	var out []RegistrySnapshot
	for _, k := range registry.Kinds {
		if r, ok := byKind[k]; ok {
			out = append(out, r)
		}
	}
	return out, nil
}

// RegistrySnapshot reads the snapshot of one kind with its rows, in line
// order; ErrNotFound when none was imported.
func (s *Store) RegistrySnapshot(ctx context.Context, k registry.Kind) (*registry.Snapshot, error) {
	return registrySnapshot(ctx, s.r, k)
}

func registrySnapshot(ctx context.Context, q querier, k registry.Kind) (*registry.Snapshot, error) {
	meta, err := scanRegistrySnapshot(q.QueryRowContext(ctx, `SELECT `+registrySnapshotColumns+` FROM registry_snapshots WHERE kind = ?`, k))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: registry %s: %w", k, err)
	}
	rows, err := q.QueryContext(ctx, `SELECT line, fields FROM registry_rows WHERE kind = ? ORDER BY line`, k)
	if err != nil {
		return nil, fmt.Errorf("store: registry %s: %w", k, err)
	}
	defer rows.Close()
	snap := &registry.Snapshot{Kind: k, Source: meta.Source, Rows: make([]registry.Row, 0, meta.Rows)}
	for rows.Next() {
		var r registry.Row
		var fields string
		if err := rows.Scan(&r.Line, &fields); err != nil {
			return nil, fmt.Errorf("store: registry %s: %w", k, err)
		}
		if err := json.Unmarshal([]byte(fields), &r.Fields); err != nil {
			return nil, fmt.Errorf("store: registry %s line %d: %w", k, r.Line, err)
		}
		snap.Rows = append(snap.Rows, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: registry %s: %w", k, err)
	}
	return snap, nil
}

// RegistryData reads every imported snapshot as typed records, for the
// rules (registry.Source), in one read transaction so that an import
// running meanwhile is seen whole or not at all.
func (s *Store) RegistryData(ctx context.Context) (*registry.Data, error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("store: registry data: %w", err)
	}
	defer tx.Rollback()
	var snaps []registry.Snapshot
	for _, k := range registry.Kinds {
		snap, err := registrySnapshot(ctx, tx, k)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		snaps = append(snaps, *snap)
	}
	d, err := registry.NewData(snaps...)
	if err != nil {
		return nil, fmt.Errorf("store: registry data: %w", err)
	}
	return d, nil
}

// RegistryCaseParties lists, case by case in the order cases were
// opened, the current parties that carry an ID number: the people the
// rules can match against the registries (registry.Source).
func (s *Store) RegistryCaseParties(ctx context.Context) ([]registry.CaseParties, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT p.case_id, c.provisional_number, c.official_number, p.id, p.role, p.name, p.id_number, p.village
		FROM parties p JOIN cases c ON c.id = p.case_id
		WHERE p.superseded_by = '' AND p.withdrawn = 0 AND p.id_number <> ''
		ORDER BY c.n, p.seq`)
	if err != nil {
		return nil, fmt.Errorf("store: case parties: %w", err)
	}
	defer rows.Close()
	var out []registry.CaseParties
	for rows.Next() {
		var cid, prov, official, pid string
		var p cases.Party
		if err := rows.Scan(&cid, &prov, &official, &pid, &p.Role, &p.Name, &p.IDNumber, &p.Village); err != nil {
			return nil, fmt.Errorf("store: case parties: %w", err)
		}
		id, err := uuid.Parse(cid)
		if err != nil {
			return nil, fmt.Errorf("store: case parties: case id %q: %w", cid, err)
		}
		if p.ID, err = uuid.Parse(pid); err != nil {
			return nil, fmt.Errorf("store: case parties: party id %q: %w", pid, err)
		}
		if len(out) == 0 || out[len(out)-1].CaseID != id {
			number := official
			if number == "" {
				number = prov
			}
			out = append(out, registry.CaseParties{CaseID: id, Number: number})
		}
		last := &out[len(out)-1]
		last.Parties = append(last.Parties, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: case parties: %w", err)
	}
	return out, nil
}
