package hub

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"jiefang/legal"
)

// StoredLaw is the official text of a law held by the hub, as listed.
type StoredLaw struct {
	Code       string // "xfgztl"
	Title      string // "信访工作条例"
	Version    string // "2022-02-25", or "" when the text is undated
	Source     string // the name of the file it was imported from
	Articles   int
	ImportedAt time.Time
}

// LawImport is what ImportLaw did with a law (the same shape as the
// desk's store.LawImport).
type LawImport struct {
	// Imported is whether the law given is now the stored one.
	Imported bool
	// Previous is the law stored under the same code before: replaced
	// when Imported, otherwise kept because it is newer or of the same
	// version. Nil when there was none.
	Previous *StoredLaw
}

// metaLawsGeneration counts the imports that changed the laws table.
const metaLawsGeneration = "laws_generation"

// ImportLaw stores the official text of a law (legal.ParseMarkdown)
// unless the hub holds a version of it that is as new or newer
// (legal.Newer: a later date wins, a dated version wins over an undated
// one, and an equal version changes nothing). A law stored counts as a
// change of LawsGeneration, which a serving hub watches.
func (s *Store) ImportLaw(ctx context.Context, l *legal.Law) (LawImport, error) {
	if l == nil || l.Root == nil {
		return LawImport{}, errors.New("hub: import law: nil")
	}
	body, err := legal.Marshal(l)
	if err != nil {
		return LawImport{}, fmt.Errorf("hub: import law: %w", err)
	}
	var res LawImport
	err = s.write(ctx, func(tx *sql.Tx) error {
		res = LawImport{}
		old, err := s.storedLaw(ctx, tx, l.Code)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		default:
			res.Previous = &old
			if !legal.Newer(l, &legal.Law{Version: old.Version}) {
				return nil
			}
		}
		res.Imported = true
		if _, err := s.exec(ctx, tx, `INSERT INTO laws (code, title, version, source, articles, imported_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET title = excluded.title, version = excluded.version, source = excluded.source,
			articles = excluded.articles, imported_at = excluded.imported_at, body = excluded.body`,
			l.Code, l.Title, l.Version, l.Source, len(l.Articles()), s.now().UnixMilli(), body); err != nil {
			return err
		}
		gen, err := s.lawsGeneration(ctx, tx)
		if err != nil {
			return err
		}
		return s.setMeta(ctx, tx, metaLawsGeneration, strconv.FormatInt(gen+1, 10))
	})
	if err != nil {
		return LawImport{}, fmt.Errorf("hub: import law %s: %w", l.Code, err)
	}
	return res, nil
}

const lawColumns = `code, title, version, source, articles, imported_at`

func scanLaw(row interface{ Scan(...any) error }) (StoredLaw, error) {
	var l StoredLaw
	var at int64
	err := row.Scan(&l.Code, &l.Title, &l.Version, &l.Source, &l.Articles, &at)
	l.ImportedAt = time.UnixMilli(at)
	return l, err
}

func (s *Store) storedLaw(ctx context.Context, q querier, code string) (StoredLaw, error) {
	return scanLaw(s.queryRow(ctx, q, `SELECT `+lawColumns+` FROM laws WHERE code = ?`, code))
}

// Laws lists the official texts the hub holds, by code.
func (s *Store) Laws(ctx context.Context) ([]StoredLaw, error) {
	rows, err := s.query(ctx, s.r, `SELECT `+lawColumns+` FROM laws ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("hub: laws: %w", err)
	}
	defer rows.Close()
	var out []StoredLaw
	for rows.Next() {
		l, err := scanLaw(rows)
		if err != nil {
			return nil, fmt.Errorf("hub: laws: %w", err)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("hub: laws: %w", err)
	}
	return out, nil
}

// ErrUnreadableLaw marks a stored law that legal.Unmarshal refuses (one
// written by a newer jiefang-hub, say).
var ErrUnreadableLaw = errors.New("stored law does not read")

// ImportedLaws reads every official text the hub holds, by code, for
// legal.NewLibrary. A stored law that does not read is left out and
// named in the error, which then wraps ErrUnreadableLaw and comes with
// the laws that did read; any other error comes with no laws.
func (s *Store) ImportedLaws(ctx context.Context) ([]*legal.Law, error) {
	rows, err := s.query(ctx, s.r, `SELECT code, body FROM laws ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("hub: imported laws: %w", err)
	}
	defer rows.Close()
	var out []*legal.Law
	var bad []error
	for rows.Next() {
		var code string
		var body []byte
		if err := rows.Scan(&code, &body); err != nil {
			return nil, fmt.Errorf("hub: imported laws: %w", err)
		}
		l, err := legal.Unmarshal(body)
		if err == nil && l.Code != code {
			err = fmt.Errorf("stored as %s, reads as %s", code, l.Code)
		}
		if err != nil {
			bad = append(bad, fmt.Errorf("hub: stored law %s: %w: %w", code, ErrUnreadableLaw, err))
			continue
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("hub: imported laws: %w", err)
	}
	return out, errors.Join(bad...)
}

// LawsGeneration counts the imports that have changed the stored laws:
// one read of a row by its key, cheap enough to ask often, and the way a
// serving hub learns of an import made by another process on its
// database.
func (s *Store) LawsGeneration(ctx context.Context) (int64, error) {
	gen, err := s.lawsGeneration(ctx, s.r)
	if err != nil {
		return 0, fmt.Errorf("hub: laws generation: %w", err)
	}
	return gen, nil
}

func (s *Store) lawsGeneration(ctx context.Context, q querier) (int64, error) {
	var v string
	err := s.queryRow(ctx, q, `SELECT value FROM meta WHERE key = ?`, metaLawsGeneration).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(v, 10, 64)
}
