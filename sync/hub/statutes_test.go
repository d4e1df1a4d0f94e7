package hub_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"jiefang/legal"
	"jiefang/sync/hub"
	"jiefang/sync/hub/hubtest"
	"jiefang/sync/protocol"
)

// xfMarkdown is a small official text of 信访工作条例, version given by
// the file name.
const xfMarkdown = `# 信访工作条例

<!-- INFO END -->

## 第四章 信访事项的办理

第三十四条 信访事项应当自受理之日起60日内办结。

第三十五条 信访人对处理意见不服的，可以请求复查。
`

// parseLaw reads a Markdown text as if from the file name.
func parseLaw(t *testing.T, name, text string) *legal.Law {
	t.Helper()
	l, err := legal.ParseMarkdown(name, strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// The newest version of a law wins, a dated one over an undated one; an
// older or equal version leaves the stored one and says which it kept.
func TestImportLawNewestWins(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, b hubtest.Backend) {
		h, _ := b.Open(t)
		ctx := context.Background()
		gen := func() int64 {
			t.Helper()
			g, err := h.LawsGeneration(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return g
		}
		if g := gen(); g != 0 {
			t.Fatalf("a new hub at generation %d", g)
		}
		steps := []struct {
			file     string
			imported bool
			previous string // the version held before, "-" for none
			gen      int64
		}{
			{"信访工作条例.md", true, "-", 1},                          // undated, into an empty table
			{"信访工作条例（旧）.md", false, "", 1},                       // undated again: as new, kept
			{"信访工作条例(2022-02-25).md", true, "", 2},               // dated beats undated
			{"信访工作条例(2022-02-25) 副本.md", false, "2022-02-25", 2}, // the same version
			{"信访工作条例(2005-01-10).md", false, "2022-02-25", 2},    // older
			{"信访工作条例.md", false, "2022-02-25", 2},                // undated after dated
			{"信访工作条例(2023-01-01).md", true, "2022-02-25", 3},
		}
		for _, s := range steps {
			res, err := h.ImportLaw(ctx, parseLaw(t, s.file, xfMarkdown))
			if err != nil {
				t.Fatal(err)
			}
			prev := "-"
			if p := res.Previous; p != nil {
				prev = p.Version
				if p.Code != "xfgztl" || p.Articles != 2 || p.Source == "" || p.ImportedAt.IsZero() {
					t.Errorf("%s: previous %+v", s.file, p)
				}
			}
			if res.Imported != s.imported || prev != s.previous || gen() != s.gen {
				t.Errorf("%s: imported %v, previous version %q, generation %d; want %v, %q, %d", s.file, res.Imported, prev, gen(), s.imported, s.previous, s.gen)
			}
		}
		td := parseLaw(t, "土地管理法(2019-08-26).md", "# 中华人民共和国土地管理法\n\n<!-- INFO END -->\n\n第一条 为了加强土地管理，制定本法。\n")
		if res, err := h.ImportLaw(ctx, td); err != nil || !res.Imported {
			t.Fatalf("another law: %+v %v", res, err)
		}
		laws, err := h.Laws(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(laws) != 2 || laws[0].Code != "tdglf" || laws[1].Code != "xfgztl" || laws[1].Title != "信访工作条例" ||
			laws[1].Source != "信访工作条例(2023-01-01).md" || laws[1].Version != "2023-01-01" || laws[1].ImportedAt.IsZero() ||
			time.Since(laws[1].ImportedAt) > time.Minute {
			t.Errorf("stored laws %+v", laws)
		}
		imported, err := h.ImportedLaws(ctx)
		if err != nil || len(imported) != 2 {
			t.Fatalf("imported laws: %d %v", len(imported), err)
		}
		xf := imported[1]
		if xf.Code != "xfgztl" || xf.Version != "2023-01-01" || xf.Article(34).FullText() != "信访事项应当自受理之日起60日内办结。" || xf.Article(34).Parent.ID != "xfgztl/ch4" {
			t.Errorf("read back: %+v", xf)
		}
	})
}

// A hub database made before the laws table (schema version 1) gets it
// when opened, its data untouched; a database of a newer schema is
// refused and left as it is.
func TestSchemaMigratesOldDatabase(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, b hubtest.Backend) {
		ctx := context.Background()
		loc := b.New(t)
		driver, dsn, file := "sqlite", "file:"+loc.SQLite, "schema_sqlite.sql"
		if loc.PG != "" {
			driver, dsn, file = "pgx", loc.PG, "schema_postgres.sql"
		}
		v1, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := sql.Open(driver, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		for _, q := range []string{string(v1), `INSERT INTO meta (key, value) VALUES ('epoch', 'e1')`,
			`INSERT INTO units (id, name, level, path) VALUES (1, '青山县', 'county', '/1/')`} {
			if _, err := raw.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		h, err := hub.Open(ctx, loc.SQLite, loc.PG)
		if err != nil {
			t.Fatalf("open a version 1 database: %v", err)
		}
		if units, err := h.Units(ctx); err != nil || len(units) != 1 || units[0].Name != "青山县" || h.Epoch() != "e1" {
			t.Errorf("after migrating: units %+v (%v), epoch %s", units, err, h.Epoch())
		}
		if res, err := h.ImportLaw(ctx, parseLaw(t, "信访工作条例(2022-02-25).md", xfMarkdown)); err != nil || !res.Imported {
			t.Errorf("import after migrating: %+v %v", res, err)
		}
		h.Close()
		var version string
		if err := raw.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'schema_version'`).Scan(&version); err != nil || version != "2" {
			t.Errorf("schema version %q (%v), want 2", version, err)
		}
		// Opening again changes nothing.
		h = loc.Open(t)
		if laws, err := h.Laws(ctx); err != nil || len(laws) != 1 {
			t.Errorf("reopened: %+v %v", laws, err)
		}
		h.Close()

		if _, err := raw.ExecContext(ctx, `UPDATE meta SET value = '99' WHERE key = 'schema_version'`); err != nil {
			t.Fatal(err)
		}
		if h, err := hub.Open(ctx, loc.SQLite, loc.PG); !errors.Is(err, hub.ErrNewerSchema) || !strings.Contains(err.Error(), "99") {
			if err == nil {
				h.Close()
			}
			t.Errorf("a newer schema: %v", err)
		}
		if err := raw.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'schema_version'`).Scan(&version); err != nil || version != "99" {
			t.Errorf("the newer database was changed: %q %v", version, err)
		}
	})
}

// get fetches a page of the served hub without signing anything.
func get(t *testing.T, method, url string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(body)
}

// The statute pages answer anyone; every sync endpoint still wants a
// signed request from an enrolled device.
func TestStatutePagesArePublic(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, b hubtest.Backend) {
		s := serve(t, b)
		for _, path := range []string{"/statutes/", "/statutes/xfgztl", "/statutes/xfgztl/ch4", "/statutes/xfgztl/34", "/statutes/mfdwqb/p2/sp2/ch7", "/statutes"} {
			status, header, body := get(t, http.MethodGet, s.srv.URL+path)
			if status != 200 || header.Get("Content-Type") != "text/html; charset=utf-8" || !strings.Contains(body, "通俗解释") {
				t.Errorf("GET %s unsigned: %d %v", path, status, header)
			}
		}
		if _, _, body := get(t, http.MethodGet, s.srv.URL+"/statutes/xfgztl/34"); !strings.Contains(body, "60日内办结") || !strings.Contains(body, `href="/statutes/xfgztl/ch4"`) {
			t.Errorf("the page of xfgztl/34:\n%s", body)
		}
		if status, _, body := get(t, http.MethodGet, s.srv.URL+"/statutes/xfgztl/999"); status != 404 || !strings.Contains(body, "没有找到") {
			t.Errorf("unknown article: %d", status)
		}
		if status, header, _ := get(t, http.MethodPost, s.srv.URL+"/statutes/xfgztl/34"); status != 405 || header.Get("Allow") != "GET, HEAD" {
			t.Errorf("POST to a statute page: %d %v", status, header)
		}

		if status, pe := s.do(t, protocol.PathPull, protocol.Version, nil, []byte(`{"version":1}`)); status != 401 || pe.Code != protocol.CodeUnauthorized {
			t.Errorf("unsigned pull: %d %+v", status, pe)
		}
		if status, pe := s.do(t, protocol.PathPush, protocol.Version, nil, []byte(`{"version":1,"events":[]}`)); status != 401 || pe.Code != protocol.CodeUnauthorized {
			t.Errorf("unsigned push: %d %+v", status, pe)
		}
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			req, _ := http.NewRequest(method, s.srv.URL+protocol.PathBlobs+strings.Repeat("a", 64), nil)
			req.Header.Set(protocol.HeaderVersion, strconv.Itoa(protocol.Version))
			req.Header.Set(protocol.HeaderDevice, s.dev)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 401 {
				t.Errorf("unsigned %s of a blob: %d", method, resp.StatusCode)
			}
		}
		if status, _ := s.do(t, protocol.PathPull, protocol.Version, s.key, []byte(`{"version":1}`)); status != 200 {
			t.Errorf("signed pull: %d", status)
		}
	})
}

// An import made by another process on the hub's database (jiefang-hub
// legal import while serve runs) reaches the pages at the next check.
func TestStatutesSeeAnImportFromAnotherProcess(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, b hubtest.Backend) {
		ctx := context.Background()
		h, loc := b.Open(t)
		st, err := hub.NewStatutes(ctx, h, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		srv := hub.NewServer(h, nil, nil)
		srv.Statutes = st
		handler, err := srv.Handler()
		if err != nil {
			t.Fatal(err)
		}
		web := httptest.NewServer(handler)
		defer web.Close()
		_, _, body := get(t, http.MethodGet, web.URL+"/statutes/xfgztl/34")
		if !strings.Contains(body, "官方原文尚未导入") {
			t.Fatalf("official text before any import:\n%s", body)
		}
		// A hub checking once an hour sees nothing until it reloads.
		slow, err := hub.NewStatutes(ctx, h, time.Hour, nil)
		if err != nil {
			t.Fatal(err)
		}

		cli := loc.Open(t) // the other process
		if _, err := cli.ImportLaw(ctx, parseLaw(t, "信访工作条例(2022-02-25).md", xfMarkdown)); err != nil {
			t.Fatal(err)
		}
		_, _, body = get(t, http.MethodGet, web.URL+"/statutes/xfgztl/34")
		if !strings.Contains(body, "信访事项应当自受理之日起60日内办结。") || strings.Contains(body, "官方原文尚未导入") {
			t.Errorf("official text after the import:\n%s", body)
		}
		if slow.Library().Law("xfgztl").HasText() {
			t.Error("a check within the interval")
		}
		if err := slow.Reload(ctx); err != nil {
			t.Fatal(err)
		}
		if !slow.Library().Law("xfgztl").HasText() {
			t.Error("reloaded, and still no official text")
		}
		// Nothing new: the same library.
		lib := st.Library()
		if st.Library() != lib {
			t.Error("rebuilt with nothing imported")
		}
	})
}
