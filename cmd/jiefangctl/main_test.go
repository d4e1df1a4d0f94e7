package main

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/store"
	"jiefang/sync/protocol"
)

func ctl(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return ctlIn(t, "", args...)
}

// ctlIn runs jiefangctl with stdin as its standard input.
func ctlIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb, func(string) string { return "" })
	return code, out.String(), errb.String()
}

// seeded writes n cases into a new database and returns its path.
func seeded(t *testing.T, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "desk.db")
	s, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	s.SetActor(ctx, "王芳")
	for i := 0; i < n; i++ {
		id := uuid.Must(uuid.NewV7())
		e, err := cases.NewEvent(id, &cases.Opened{Channel: cases.ChannelVisit, Category: "拖欠工资", Summary: "工地拖欠工资"})
		if err != nil {
			t.Fatal(err)
		}
		f, _ := cases.NewEvent(id, &cases.FactAdd{FactID: uuid.Must(uuid.NewV7()), Text: "欠薪三个月", Status: cases.FactPending, Order: 1})
		if _, err := s.Append(ctx, e, f); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func TestStatsJSON(t *testing.T) {
	db := seeded(t, 3)
	code, out, errs := ctl(t, "stats", "--db", db, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var st map[string]int64
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("%q: %v", out, err)
	}
	if st["cases"] != 3 || st["events"] != 6 || st["outbox"] != 6 || st["blobs"] != 0 {
		t.Errorf("stats %v", st)
	}
}

func TestCasesJSONLines(t *testing.T) {
	db := seeded(t, 5)
	code, out, errs := ctl(t, "cases", "--db", db, "--json", "--limit", "4")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines, want 4", len(lines))
	}
	for _, l := range lines {
		var c map[string]any
		if err := json.Unmarshal([]byte(l), &c); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"id", "number", "category", "status"} {
			if s, _ := c[k].(string); s == "" {
				t.Errorf("line lacks %s: %s", k, l)
			}
		}
	}
	code, out, _ = ctl(t, "cases", "--db", db, "--json", "--limit", "0")
	if code != 0 || strings.Count(out, "\n") != 5 {
		t.Errorf("--limit 0 gave %d lines", strings.Count(out, "\n"))
	}
}

func TestCasesFacts(t *testing.T) {
	db := seeded(t, 3) // each with one pending card
	s, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	id := uuid.Must(uuid.NewV7())
	e, _ := cases.NewEvent(id, &cases.Opened{Channel: cases.ChannelVisit, Category: "征地补偿", Summary: "补偿款未到账"})
	f, _ := cases.NewEvent(id, &cases.FactAdd{FactID: uuid.Must(uuid.NewV7()), Text: "村委会已通知征地", Status: cases.FactConfirmed, Order: 1})
	if _, err := s.Append(ctx, e, f); err != nil {
		t.Fatal(err)
	}
	s.Close()
	for filter, want := range map[string]int{"pending": 3, "confirmed": 1, "disputed": 0, "": 4} {
		code, out, errs := ctl(t, "cases", "--db", db, "--facts", filter)
		if code != 0 {
			t.Fatalf("--facts %q: exit %d: %s", filter, code, errs)
		}
		if got := strings.Count(out, "\n"); got != want {
			t.Errorf("--facts %q: %d cases, want %d:\n%s", filter, got, want, out)
		}
		if filter == "confirmed" && !strings.Contains(out, "补偿款未到账") {
			t.Errorf("--facts confirmed lists %q", out)
		}
	}
	if code, _, errs := ctl(t, "cases", "--db", db, "--facts", "all"); code != 2 || !strings.Contains(errs, "pending") {
		t.Errorf("--facts all: exit %d, %q; want a usage error naming the choices", code, errs)
	}
}

func TestVerify(t *testing.T) {
	db := seeded(t, 2)
	code, out, errs := ctl(t, "verify", "--db", db)
	if code != 0 || strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, "ok: 2 cases, 4 events") {
		t.Fatalf("exit %d, out %q, err %q", code, out, errs)
	}
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE cases SET summary = '已被改动' WHERE n = 1`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	code, _, errs = ctl(t, "verify", "--db", db)
	if code != 1 || !strings.Contains(errs, "Summary") {
		t.Fatalf("tampered: exit %d, %q", code, errs)
	}
}

func TestRefusesNonDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	os.WriteFile(path, []byte("not a database at all, just text"), 0o600)
	code, _, errs := ctl(t, "stats", "--db", path, "--json")
	if code != 1 || !strings.Contains(errs, "不是接访台数据库") {
		t.Fatalf("exit %d, %q", code, errs)
	}
	if b, _ := os.ReadFile(path); string(b) != "not a database at all, just text" {
		t.Fatal("file changed")
	}
}

func TestUsage(t *testing.T) {
	if code, _, errs := ctl(t, "frobnicate"); code != 2 || !strings.Contains(errs, "未知命令") {
		t.Errorf("unknown command: %d %q", code, errs)
	}
	if code, _, _ := ctl(t, "cases", "--limit", "-1", "--db", filepath.Join(t.TempDir(), "d.db")); code != 2 {
		t.Errorf("negative limit: exit %d", code)
	}
}

func TestBenchJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 2,000 events")
	}
	db := seeded(t, 20)
	code, out, errs := ctl(t, "bench", "--db", db, "--json", "--batches", "2", "--scratch", t.TempDir())
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"append_events_per_s", "raw_insert_rows_per_s", "append_ratio", "append_p95_ms", "list_page_ms_p95", "search_ms_p95", "open_ms", "cases"} {
		if v, ok := r[k].(float64); !ok || v <= 0 {
			t.Errorf("%s = %v", k, r[k])
		}
	}
	// The measured database is not changed by the write benchmarks.
	if code, out, _ := ctl(t, "stats", "--db", db, "--json"); code != 0 || !strings.Contains(out, `"events":40`) {
		t.Errorf("bench changed the database: %s", out)
	}
}

func TestBundleArguments(t *testing.T) {
	db := seeded(t, 1)
	for _, args := range [][]string{
		{"bundle"},
		{"bundle", "frobnicate"},
		{"bundle", "export", "--db", db}, // no --out
		{"bundle", "export", "--db", db, "--out", "x.jfb", "extra"}, // a stray argument
		{"bundle", "import", "--db", db},                            // no file
		{"bundle", "import", "--db", db, "a.jfb", "b.jfb"},          // two files
		{"bundle", "import", "--db", db, "a.jfb", "--nonsense"},     // an unknown flag after the file
		{"bundle", "list", "--db", db, "extra"},
		{"bundle", "export", "--nonsense"},
	} {
		if code, _, errs := ctl(t, args...); code != 2 || errs == "" {
			t.Errorf("%q: exit %d, stderr %q", args, code, errs)
		}
	}
	if st, _ := os.Stat("x.jfb"); st != nil {
		t.Error("a refused export wrote a file")
	}
}

// A device that was never online exports with its unit's code; another
// desk imports the file (the file may also come before the flags), once;
// a changed copy and the device's own bundle are refused with a Chinese
// message.
func TestBundleExportImport(t *testing.T) {
	worker := seeded(t, 2)
	desk := seeded(t, 1)
	out := filepath.Join(t.TempDir(), "网格员.jfb")
	if code, _, errs := ctl(t, "bundle", "export", "--db", worker, "--out", out); code != 1 || !strings.Contains(errs, "--enroll") {
		t.Fatalf("export without a key or a code: exit %d, %q", code, errs)
	}
	if code, _, errs := ctl(t, "bundle", "export", "--db", worker, "--out", out, "--enroll", "JF1-nonsense"); code != 1 || !strings.Contains(errs, "入网码") {
		t.Fatalf("export with a bad code: exit %d, %q", code, errs)
	}
	code := protocol.EnrollmentCode{URL: "http://127.0.0.1:9", Secret: "S3CRET"}.String()
	c, stdout, errs := ctl(t, "bundle", "export", "--db", worker, "--out", out, "--enroll", code)
	if c != 0 || !strings.Contains(stdout, "记录 4 条") || !strings.Contains(stdout, "入网码") {
		t.Fatalf("export: exit %d, %q, %q", c, stdout, errs)
	}
	if c, stdout, errs = ctl(t, "bundle", "import", out, "--db", desk); c != 0 || !strings.Contains(stdout, "已导入") || strings.Contains(stdout, "已导入过") {
		t.Fatalf("import: exit %d, %q, %q", c, stdout, errs)
	}
	if c, stdout, _ = ctl(t, "bundle", "import", "--db", desk, out); c != 0 || !strings.Contains(stdout, "已导入过") {
		t.Fatalf("import again: exit %d, %q", c, stdout)
	}
	if c, stdout, _ = ctl(t, "bundle", "list", "--db", desk); c != 0 || strings.Count(stdout, "待转交") != 1 {
		t.Fatalf("list: exit %d, %q", c, stdout)
	}
	if c, _, errs = ctl(t, "bundle", "import", "--db", worker, out); c != 1 || !strings.Contains(errs, "本机自己导出") {
		t.Errorf("own bundle: exit %d, %q", c, errs)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	// The signature is stored uncompressed: one byte of it changed.
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == "signature" {
			off, err := f.DataOffset()
			if err != nil {
				t.Fatal(err)
			}
			data[off+5] ^= 0x01
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.jfb")
	os.WriteFile(bad, data, 0o600)
	if c, _, errs = ctl(t, "bundle", "import", "--db", seeded(t, 0), bad); c != 1 || !strings.Contains(errs, "校验失败") {
		t.Errorf("changed copy: exit %d, %q", c, errs)
	}
	if c, _, errs = ctl(t, "bundle", "import", "--db", desk, filepath.Join(t.TempDir(), "none.jfb")); c != 1 || !strings.Contains(errs, "打不开") {
		t.Errorf("missing file: exit %d, %q", c, errs)
	}
}
