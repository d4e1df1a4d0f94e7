package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fileSum hashes a database and its WAL, to show a refused file is left
// exactly as it was.
func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	wal, _ := os.ReadFile(path + "-wal")
	return sha256.Sum256(append(b, wal...))
}

// closedDB writes a case into a new database and closes it, checkpointed
// into the main file.
func closedDB(t *testing.T) string {
	t.Helper()
	s := openTemp(t)
	fullCase(t, s)
	if _, err := s.w.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	return s.Path()
}

func wantOpenError(t *testing.T, path string, kind Kind, words string) {
	t.Helper()
	before := fileSum(t, path)
	s, err := Open(path, Options{})
	if err == nil {
		s.Close()
		t.Fatalf("Open(%s) succeeded, want refusal", filepath.Base(path))
	}
	o, ok := AsOpenError(err)
	if !ok || o.Kind != kind {
		t.Fatalf("Open: got %v, want OpenError kind %d", err, kind)
	}
	if !strings.Contains(o.Message, words) || !strings.Contains(o.Message, "文件未被改动") {
		t.Errorf("message %q lacks %q", o.Message, words)
	}
	if fileSum(t, path) != before {
		t.Fatal("refused file was modified")
	}
}

func TestOpenRefusesNonDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.db")
	os.WriteFile(path, []byte("这不是数据库，是一份会议记录。\n"), 0o600)
	wantOpenError(t, path, NotDatabase, "不是接访台数据库")
}

func TestOpenRefusesCorruptDatabase(t *testing.T) {
	path := closedDB(t)
	b, _ := os.ReadFile(path)
	// Overwrite the schema page after the 100-byte file header.
	copy(b[100:], bytes.Repeat([]byte{0xA5}, 3000))
	os.WriteFile(path, b, 0o600)
	wantOpenError(t, path, Corrupt, "已损坏")
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := closedDB(t)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE schema_version SET version = 99`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	wantOpenError(t, path, NewerSchema, "请升级接访台")
}

func TestOpenRefusesOtherProgramsDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "other.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE accounts (name TEXT)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	wantOpenError(t, path, NotJiefang, "其他程序")
}

func TestReopenKeepsDeviceAndChain(t *testing.T) {
	path := closedDB(t)
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if a, _ := s.Actor(ctx); a != "王接待" {
		t.Errorf("actor %q after reopen", a)
	}
	id := fullCase(t, s)
	if _, err := s.Verify(ctx, nil); err != nil {
		t.Fatal(err)
	}
	c, _ := s.Case(ctx, id)
	if !strings.HasSuffix(c.ProvisionalNumber, "-0002") {
		t.Errorf("second case of the day numbered %s", c.ProvisionalNumber)
	}
}
