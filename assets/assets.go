// Package assets holds the files built into the desk: its icon, the
// English translations of its Chinese interface text, and the statute
// summaries we wrote. Subpackage fonts finds a Simplified Chinese system
// font.
package assets

import (
	"embed"
	_ "embed"
)

// Icon is the app icon, 512×512 PNG.
//
//go:embed icon.png
var Icon []byte

// Translations holds translations/<lang>.json, keyed by the Chinese text.
// Chinese is the interface's own language and needs no file.
//
//go:embed translations/*.json
var Translations embed.FS

// Statutes holds legal/<code>.json: for each law a reception desk uses
// most, the articles a petitioner most needs, each with where it sits in
// the law, a plain-language summary written by us, and the case
// categories it bears on. Package legal reads them; the official text is
// imported separately (jiefangctl legal import).
//
//go:embed legal/*.json
var Statutes embed.FS

// Triage holds triage/<signal>.txt: the word lists of the intensity score
// (package cases/triage), one file per signal, each headed by the
// signal's Chinese label and points; triage/README.md gives the format,
// which a township's own triage-words.txt shares.
//
//go:embed triage/*.txt
var Triage embed.FS
