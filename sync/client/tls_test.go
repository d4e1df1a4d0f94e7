package client

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http/httptest"
	"strings"
	"testing"

	"jiefang/sync/hub/hubtest"
	"jiefang/sync/protocol"
)

// Over https the desk trusts exactly the certificate whose fingerprint
// the enrollment code carries.
func TestPinnedCertificate(t *testing.T) {
	h, _ := hubtest.Backends()[0].Open(t)
	plain := serveHub(t, h)
	srv := httptest.NewTLSServer(plain.srv.Config.Handler)
	t.Cleanup(srv.Close)
	sum := sha256.Sum256(srv.Certificate().Raw)
	ctx := context.Background()
	code := func(fp string) string {
		secret, err := h.NewEnrollment(ctx, "东镇")
		if err != nil {
			t.Fatal(err)
		}
		return protocol.EnrollmentCode{URL: srv.URL, Fingerprint: fp, Secret: secret}.String()
	}
	dir := t.TempDir()
	impostor := openDesk(t, dir, "x.db", "王芳")
	wrong := strings.Repeat("ab", 32)
	_, err := Enroll(ctx, impostor, DeviceInfo{ID: impostor.Device().ID}, code(wrong))
	if err == nil || !strings.Contains(UserMessage(err), "证书") {
		t.Fatalf("a hub with another certificate was trusted: %v", err)
	}
	desk := openDesk(t, dir, "a.db", "王芳")
	if _, err := Enroll(ctx, desk, DeviceInfo{ID: desk.Device().ID}, code(hex.EncodeToString(sum[:]))); err != nil {
		t.Fatalf("enroll with the right fingerprint: %v", err)
	}
	openNoted(t, desk, 1)
	if rep := syncRound(t, desk); rep.Pushed != 2 {
		t.Fatalf("round over https: %+v", rep)
	}
	if _, err := protocol.ParseEnrollmentCode(protocol.EnrollmentCode{URL: "https://hub.example", Secret: "s"}.String()); err == nil {
		t.Error("an https code without a fingerprint was accepted")
	}
	if _, err := protocol.ParseEnrollmentCode(protocol.EnrollmentCode{URL: "http://10.1.2.3:8080", Secret: "s"}.String()); err == nil {
		t.Error("a plain-http code for another machine was accepted")
	}
}
