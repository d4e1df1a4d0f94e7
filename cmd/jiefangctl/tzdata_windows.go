//go:build windows

package main

// Windows has no zoneinfo files: without Go's embedded copy a named zone
// would not load, neither through time.LoadLocation nor through the TZ
// variable that SQLite's C library (modernc.org/libc) reads. jiefangctl prints
// times in China Standard Time from a fixed zone (cases.Local), which
// needs no zone data.
import _ "time/tzdata"
