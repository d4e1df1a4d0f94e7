package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestWindowsBuildsEmbedZoneData checks that the Windows desk and
// jiefangctl link time/tzdata (tzdata_windows.go).
func TestWindowsBuildsEmbedZoneData(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	for _, pkg := range []string{".", "./cmd/jiefangctl"} {
		cmd := exec.Command("go", "list", "-deps", pkg)
		cmd.Env = append(cmd.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		if !strings.Contains("\n"+string(out), "\ntime/tzdata\n") {
			t.Errorf("the Windows build of %s does not embed time/tzdata", pkg)
		}
	}
}
