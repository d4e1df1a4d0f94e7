package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jiefang/sync/protocol"
)

// fakeEnroller fails with errs in turn, then enrolls.
type fakeEnroller struct {
	enrolled bool
	errs     []error
	codes    []string
}

func (f *fakeEnroller) Enrolled(context.Context) (bool, error) { return f.enrolled, nil }

func (f *fakeEnroller) Enroll(_ context.Context, code string) error {
	f.codes = append(f.codes, code)
	if len(f.errs) > 0 {
		err := f.errs[0]
		f.errs = f.errs[1:]
		return err
	}
	f.enrolled = true
	return nil
}

func testCode(t *testing.T) string {
	t.Helper()
	return protocol.EnrollmentCode{URL: "https://hub.example:8443", Fingerprint: strings.Repeat("ab", 32), Secret: "s3cret"}.String()
}

// A code the installer left enrolls the desk — after the hub could not be
// reached twice — and the file goes; a refused code is kept beside, with
// the reason; with no file nothing happens.
func TestEnrollFromFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := enrollFromFile(ctx, dir, &fakeEnroller{}, time.Millisecond, io.Discard); err != nil {
		t.Fatalf("no file: %v", err)
	}
	code := testCode(t)
	path := filepath.Join(dir, enrollFile)
	// As the installer writes it: spaces and a line break around.
	if err := os.WriteFile(path, []byte(" "+code+"\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f := &fakeEnroller{errs: []error{errors.New("dial tcp: connection refused"), errors.New("timeout")}}
	if err := enrollFromFile(ctx, dir, f, time.Millisecond, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !f.enrolled || len(f.codes) != 3 || f.codes[2] != code {
		t.Fatalf("enrolled %v after %q", f.enrolled, f.codes)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the code file is still there: %v", err)
	}

	os.WriteFile(path, []byte(code), 0o600)
	refused := &fakeEnroller{errs: []error{&protocol.Error{Code: "bad_token", Message: "连接码无效或已用过"}}}
	if err := enrollFromFile(ctx, dir, refused, time.Millisecond, io.Discard); err != nil {
		t.Fatal(err)
	}
	kept, err := os.ReadFile(filepath.Join(dir, "enrollment-code.refused.txt"))
	if err != nil || !strings.Contains(string(kept), code) || !strings.Contains(string(kept), "连接码无效") {
		t.Errorf("refused code kept as %q (%v)", kept, err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused code is still tried: %v", err)
	}

	// Not a code at all: refused without asking the hub.
	os.WriteFile(path, []byte("hello"), 0o600)
	never := &fakeEnroller{}
	if err := enrollFromFile(ctx, dir, never, time.Millisecond, io.Discard); err != nil || len(never.codes) != 0 {
		t.Errorf("garbage: %v, asked the hub %d times", err, len(never.codes))
	}

	// Already enrolled: the file goes, the hub is not asked.
	os.WriteFile(path, []byte(code), 0o600)
	done := &fakeEnroller{enrolled: true}
	if err := enrollFromFile(ctx, dir, done, time.Millisecond, io.Discard); err != nil || len(done.codes) != 0 {
		t.Errorf("enrolled desk: %v, asked %d times", err, len(done.codes))
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Error("the code file of an enrolled desk is still there")
	}

	// The hub never answers: the desk stops trying when it closes.
	os.WriteFile(path, []byte(code), 0o600)
	cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	down := &fakeEnroller{errs: make([]error, 1000)}
	for i := range down.errs {
		down.errs[i] = errors.New("no route to host")
	}
	if err := enrollFromFile(cctx, dir, down, time.Millisecond, io.Discard); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("hub down: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the code of a desk that could not reach its hub is gone: %v", err)
	}
}
