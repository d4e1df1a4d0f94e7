package main

import (
	_ "embed"
	"regexp"
	"strconv"

	"jiefang/app"
)

// fyneApp is FyneApp.toml, the one place the desk's version is written:
// the Makefile reads it for the Windows resources and the installer, and
// the desk reads it here, with plain `go build` and no flags.
//
//go:embed FyneApp.toml
var fyneApp string

var (
	versionLine = regexp.MustCompile(`(?m)^\s*Version\s*=\s*"([^"]+)"\s*$`)
	buildLine   = regexp.MustCompile(`(?m)^\s*Build\s*=\s*([0-9]+)\s*$`)
)

// parseVersion reads Version and Build from the text of FyneApp.toml;
// what is missing stays zero.
func parseVersion(toml string) app.Version {
	var v app.Version
	if m := versionLine.FindStringSubmatch(toml); m != nil {
		v.Number = m[1]
	}
	if m := buildLine.FindStringSubmatch(toml); m != nil {
		v.Build, _ = strconv.Atoi(m[1])
	}
	return v
}

// version is the desk's version, as FyneApp.toml gives it.
func version() app.Version { return parseVersion(fyneApp) }
