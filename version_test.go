package main

import (
	"os"
	"regexp"
	"testing"

	"jiefang/app"
)

func TestParseVersion(t *testing.T) {
	for _, tc := range []struct {
		toml string
		want app.Version
	}{
		{"[Details]\n  Name = \"接访台\"\n  Version = \"1.2.3\"\n  Build = 45\n", app.Version{Number: "1.2.3", Build: 45}},
		{"[Details]\r\nVersion=\"0.1.0\"\r\nBuild=1\r\n", app.Version{Number: "0.1.0", Build: 1}},
		{"[Details]\n  Name = \"x\"\n", app.Version{}},
	} {
		if got := parseVersion(tc.toml); got != tc.want {
			t.Errorf("parseVersion(%q) = %+v, want %+v", tc.toml, got, tc.want)
		}
	}
}

// The embedded FyneApp.toml is the one in the repository, and it has a
// version the Makefile and the installer accept too (X.Y.Z, build N).
func TestVersionFromFyneApp(t *testing.T) {
	b, err := os.ReadFile("FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != fyneApp {
		t.Fatal("the embedded FyneApp.toml differs from the file")
	}
	v := version()
	if !regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`).MatchString(v.Number) || v.Build < 0 {
		t.Errorf("FyneApp.toml gives version %+v; want Version = \"X.Y.Z\" and Build = N", v)
	}
}
