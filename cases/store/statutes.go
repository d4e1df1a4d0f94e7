package store

// The official text of laws, imported on this desk (jiefangctl legal
// import) and merged with the shipped summaries by legal.NewLibrary.
//
// Imported laws are reference data, not case records: they are not
// events, take no part in the log or its hash chain, are not in the
// outbox and are not synced. Each desk imports its own; Verify does not
// look at them. The store speaks legal's types (*legal.Law, legal.Newer)
// rather than bytes, so that the version rule lives in one place and a
// law is stored only if it reads back; package legal imports nothing of
// the desk, so the arrow stays one-way.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"jiefang/legal"
)

// StoredLaw is an imported law as the store lists it, without its text.
type StoredLaw struct {
	Code       string // xfgztl
	Title      string // 信访工作条例
	Version    string // the text's date, YYYY-MM-DD, or "" when unknown
	Source     string // the file it was imported from
	Articles   int
	ImportedAt time.Time
}

// LawImport is what ImportLaw did with a law.
type LawImport struct {
	// Imported is whether the law given is now the stored one.
	Imported bool
	// Previous is the law stored under the same code before: replaced
	// when Imported, otherwise kept because it is newer or of the same
	// version. Nil when there was none.
	Previous *StoredLaw
}

// ImportLaw stores the official text of a law (from legal.ParseMarkdown)
// under its code, unless this desk holds a version as new already. The
// newest version wins (legal.Newer): a later date replaces an earlier
// one, a dated text replaces an undated one; an older, undated or
// same-dated text leaves the stored law as it is and reports it in
// Previous. A law that would not read back (legal.Marshal, then
// legal.Unmarshal) or whose version is not YYYY-MM-DD is refused.
func (s *Store) ImportLaw(ctx context.Context, law *legal.Law) (LawImport, error) {
	if law == nil || law.Root == nil {
		return LawImport{}, errors.New("store: import law: nil")
	}
	if law.Version != "" {
		if _, err := time.Parse(time.DateOnly, law.Version); err != nil {
			return LawImport{}, fmt.Errorf("store: import law %s: version %q is not YYYY-MM-DD", law.Code, law.Version)
		}
	}
	body, err := legal.Marshal(law)
	if err != nil {
		return LawImport{}, fmt.Errorf("store: import law: %w", err)
	}
	back, err := legal.Unmarshal(body)
	if err != nil {
		return LawImport{}, fmt.Errorf("store: import law: %w", err)
	}
	articles := len(back.Articles())
	var res LawImport
	err = s.writeTx(ctx, "import law "+law.Code, func(tx *sql.Tx) error {
		prev, err := scanStoredLaw(tx.QueryRowContext(ctx, `SELECT `+storedLawColumns+` FROM statutes WHERE code = ?`, law.Code))
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		default:
			res.Previous = &prev
			if !legal.Newer(law, &legal.Law{Version: prev.Version}) {
				return nil
			}
		}
		res.Imported = true
		_, err = tx.ExecContext(ctx, `INSERT INTO statutes (code, title, version, source, articles, imported_at, body)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET title = excluded.title, version = excluded.version, source = excluded.source,
				articles = excluded.articles, imported_at = excluded.imported_at, body = excluded.body`,
			law.Code, law.Title, law.Version, law.Source, articles, s.now().UnixMilli(), body)
		return err
	})
	if err != nil {
		return LawImport{}, err
	}
	return res, nil
}

const storedLawColumns = `code, title, version, source, articles, imported_at`

func scanStoredLaw(sc interface{ Scan(...any) error }) (StoredLaw, error) {
	var l StoredLaw
	var at int64
	if err := sc.Scan(&l.Code, &l.Title, &l.Version, &l.Source, &l.Articles, &at); err != nil {
		return l, err
	}
	l.ImportedAt = fromMS(at)
	return l, nil
}

// StoredLaws lists the imported laws by code, without their text.
func (s *Store) StoredLaws(ctx context.Context) ([]StoredLaw, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+storedLawColumns+` FROM statutes ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("store: stored laws: %w", err)
	}
	defer rows.Close()
	var out []StoredLaw
	for rows.Next() {
		l, err := scanStoredLaw(rows)
		if err != nil {
			return nil, fmt.Errorf("store: stored laws: %w", err)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: stored laws: %w", err)
	}
	return out, nil
}

// ErrUnreadableLaw marks an imported law that legal.Unmarshal refuses
// (damaged, or written by a newer version of the desk).
var ErrUnreadableLaw = errors.New("stored law does not read")

// ImportedLaws reads every imported law, by code, for legal.NewLibrary.
// A law that does not read is left out and named in the error, which
// then wraps ErrUnreadableLaw and comes with the laws that did read, so
// that the desk can still show them; any other error comes with no laws.
func (s *Store) ImportedLaws(ctx context.Context) ([]*legal.Law, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT code, body FROM statutes ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("store: imported laws: %w", err)
	}
	defer rows.Close()
	var laws []*legal.Law
	var errs []error
	for rows.Next() {
		var code string
		var body []byte
		if err := rows.Scan(&code, &body); err != nil {
			return nil, fmt.Errorf("store: imported laws: %w", err)
		}
		law, err := legal.Unmarshal(body)
		if err == nil && law.Code != code {
			err = fmt.Errorf("stored as %s, reads as %s", code, law.Code)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("store: imported law %s: %w: %w", code, ErrUnreadableLaw, err))
			continue
		}
		laws = append(laws, law)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: imported laws: %w", err)
	}
	return laws, errors.Join(errs...)
}
