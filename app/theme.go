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
// fallback may show Chinese in Japanese glyph forms. The status colours
// (success green, warning amber, error red: a fact card's 已证实 / 待核实 /
// 存争议) are darker or lighter than Fyne's so that the text on them stays
// readable; other colours and all sizes are the defaults.
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

// Color returns the default theme's colour, except for the status colours
// and the text drawn on them (see statusColor).
func (t *Theme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if c, ok := statusColor(n, v); ok {
		return c
	}
	return t.base.Color(n, v)
}

// Status colours. Fyne's defaults put white text on a bright green
// (#43f436, contrast 1.6:1) and a bright orange (2.2:1): unreadable on a
// filled 已证实 or 待核实 button. These keep at least 4.5:1 between a
// colour and the text drawn on it, in both variants; they are the colours
// of the case list's intensity badge.
var (
	darkText  = color.NRGBA{R: 0x17, G: 0x17, B: 0x18, A: 0xff}
	lightText = color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}

	lightStatus = map[fyne.ThemeColorName]color.Color{
		theme.ColorNameSuccess:             color.NRGBA{R: 0x2e, G: 0x7d, B: 0x32, A: 0xff}, // 5.1:1 with white
		theme.ColorNameForegroundOnSuccess: lightText,
		theme.ColorNameWarning:             color.NRGBA{R: 0xef, G: 0x9a, B: 0x00, A: 0xff}, // 8.6:1 with dark text
		theme.ColorNameForegroundOnWarning: darkText,
		theme.ColorNameError:               color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff}, // 5.6:1 with white
		theme.ColorNameForegroundOnError:   lightText,
	}
	darkStatus = map[fyne.ThemeColorName]color.Color{
		theme.ColorNameSuccess:             color.NRGBA{R: 0x66, G: 0xbb, B: 0x6a, A: 0xff},
		theme.ColorNameForegroundOnSuccess: darkText,
		theme.ColorNameWarning:             color.NRGBA{R: 0xff, G: 0xb3, B: 0x00, A: 0xff},
		theme.ColorNameForegroundOnWarning: darkText,
		theme.ColorNameError:               color.NRGBA{R: 0xef, G: 0x53, B: 0x50, A: 0xff},
		theme.ColorNameForegroundOnError:   darkText,
	}
)

func statusColor(n fyne.ThemeColorName, v fyne.ThemeVariant) (color.Color, bool) {
	m := lightStatus
	if v == theme.VariantDark {
		m = darkStatus
	}
	c, ok := m[n]
	return c, ok
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
