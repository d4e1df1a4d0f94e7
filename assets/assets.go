// Package assets holds the files built into the desk: its icon and the
// English translations of its Chinese interface text. Subpackage fonts
// finds a Simplified Chinese system font.
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
