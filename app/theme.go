package app

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"jiefang/assets/fonts"
)

// Theme is the desk's look: Fyne's default theme, except that all
// proportional text (regular, bold, italic) uses one Simplified Chinese
// font. Without it, Fyne's own font has no Chinese glyphs and its system
// fallback may show Chinese in Japanese glyph forms. Colours and sizes are
// left at their defaults for now.
type Theme struct {
	base fyne.Theme
	text fyne.Resource // nil: no Chinese font, use the default
}

var _ fyne.Theme = (*Theme)(nil)

// NewTheme returns a Theme showing text in f, normally found with
// fonts.Find. A Font without Data gives the default theme's fonts.
func NewTheme(f fonts.Font) *Theme {
	t := &Theme{base: theme.DefaultTheme()}
	if len(f.Data) > 0 {
		// The name keys Fyne's font caches; keep it distinct per face.
		name := strings.ReplaceAll(f.Name, " ", "")
		if name == "" {
			name = "Chinese"
		}
		t.text = fyne.NewStaticResource(name+".ttf", f.Data)
	}
	return t
}

// Color returns the default theme's colour.
func (t *Theme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return t.base.Color(n, v)
}

// Font returns the Chinese font for all text except monospace and symbol
// text, which keep the default fonts.
func (t *Theme) Font(s fyne.TextStyle) fyne.Resource {
	if t.text == nil || s.Monospace || s.Symbol {
		return t.base.Font(s)
	}
	return t.text
}

// Icon returns the default theme's icon.
func (t *Theme) Icon(n fyne.ThemeIconName) fyne.Resource {
	return t.base.Icon(n)
}

// Size returns the default theme's size.
func (t *Theme) Size(n fyne.ThemeSizeName) float32 {
	return t.base.Size(n)
}
