package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"jiefang/sync/protocol"
	"jiefang/sync/qrimage"
)

func hubCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// The administration commands on one SQLite hub: the unit tree, an
// enrollment code (also as a QR image), statistics, devices, backup.
func TestAdministration(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "hub.db")
	for _, args := range [][]string{
		{"units", "add", "--db", db, "--name", "青山县"},
		{"units", "add", "--db", db, "--name", "东镇", "--parent", "青山县"},
		{"units", "add", "--db", db, "--name", "李村", "--parent", "东镇"},
	} {
		if code, _, errs := hubCmd(t, args...); code != 0 {
			t.Fatalf("%v: %d %s", args, code, errs)
		}
	}
	if code, _, errs := hubCmd(t, "units", "add", "--db", db, "--name", "一组", "--parent", "李村"); code != 1 || !strings.Contains(errs, "village") {
		t.Errorf("a unit below village level: %d %s", code, errs)
	}
	_, list, _ := hubCmd(t, "units", "list", "--db", db)
	if !strings.Contains(list, "青山县（县）\n  东镇（乡镇）\n    李村（村）") {
		t.Errorf("units list:\n%s", list)
	}
	qr := filepath.Join(dir, "code.png")
	code, out, errs := hubCmd(t, "enroll", "--db", db, "--unit", "东镇", "--url", "https://10.0.0.5:8443", "--qr", qr)
	if code != 0 {
		t.Fatalf("enroll: %d %s", code, errs)
	}
	ec, err := protocol.ParseEnrollmentCode(strings.TrimSpace(out))
	if err != nil || ec.URL != "https://10.0.0.5:8443" || len(ec.Fingerprint) != 64 {
		t.Fatalf("enrollment code %q: %+v %v", out, ec, err)
	}
	if fromQR, err := qrimage.ReadFile(qr); err != nil || fromQR != strings.TrimSpace(out) {
		t.Errorf("QR image holds %q (%v)", fromQR, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "hub-cert.pem")); err != nil {
		t.Errorf("no certificate made beside the database: %v", err)
	}
	// The same certificate, hence the same fingerprint, next time.
	_, again, _ := hubCmd(t, "enroll", "--db", db, "--unit", "东镇", "--url", "https://10.0.0.5:8443")
	if ec2, _ := protocol.ParseEnrollmentCode(strings.TrimSpace(again)); ec2.Fingerprint != ec.Fingerprint || ec2.Secret == ec.Secret {
		t.Errorf("second code: %+v, first %+v", ec2, ec)
	}
	if code, _, errs := hubCmd(t, "enroll", "--db", db, "--unit", "东镇", "--url", "http://10.0.0.5:8080"); code != 2 || !strings.Contains(errs, "https") {
		t.Errorf("plain http to another machine: %d %s", code, errs)
	}
	if code, _, errs := hubCmd(t, "enroll", "--db", db, "--unit", "西镇", "--url", "https://10.0.0.5:8443"); code != 1 || !strings.Contains(errs, "西镇") {
		t.Errorf("unknown unit: %d %s", code, errs)
	}
	_, stats, _ := hubCmd(t, "stats", "--db", db, "--json")
	var st map[string]int
	if err := json.Unmarshal([]byte(stats), &st); err != nil || len(st) != 5 || st["devices"] != 0 || st["events"] != 0 {
		t.Errorf("stats %q %v", stats, err)
	}
	if code, _, errs := hubCmd(t, "revoke", "--db", db, "--device", "nosuch"); code != 1 || !strings.Contains(errs, "nosuch") {
		t.Errorf("revoke of an unknown device: %d %s", code, errs)
	}
	backup := filepath.Join(dir, "backup.db")
	if code, _, errs := hubCmd(t, "backup", "--db", db, "--out", backup); code != 0 {
		t.Fatalf("backup: %s", errs)
	}
	if _, list, _ := hubCmd(t, "units", "list", "--db", backup); !strings.Contains(list, "李村") {
		t.Errorf("the backup lacks the units: %s", list)
	}
	if code, _, errs := hubCmd(t, "serve", "--db", db, "--insecure-http", "--addr", "0.0.0.0:0"); code != 2 || !strings.Contains(errs, "127.0.0.1") {
		t.Errorf("plain http on a public address: %d %s", code, errs)
	}
	if code, _, _ := hubCmd(t, "nosuch"); code != 2 {
		t.Error("unknown command accepted")
	}
}
