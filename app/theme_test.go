package app

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"jiefang/assets/fonts"
)

// wqyPath is the WenQuanYi Micro Hei collection of Debian's
// fonts-wqy-microhei package, installed by the Makefile.
const wqyPath = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

func loadWQY(t *testing.T) fonts.Font {
	t.Helper()
	if _, err := os.Stat(wqyPath); err != nil {
		t.Fatalf("real test font missing: %v\nrun `apt-get install fonts-wqy-microhei` (the Makefile does this)", err)
	}
	f, err := fonts.Load(wqyPath, -1)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestThemeFonts(t *testing.T) {
	f := loadWQY(t)
	th := NewTheme(f)
	def := theme.DefaultTheme()

	reg := th.Font(fyne.TextStyle{})
	if !bytes.Equal(reg.Content(), f.Data) {
		t.Fatal("regular font is not the Chinese font")
	}
	for _, s := range []fyne.TextStyle{{Bold: true}, {Italic: true}, {Bold: true, Italic: true}} {
		if th.Font(s) != reg {
			t.Errorf("style %+v: not the Chinese font", s)
		}
	}
	for _, s := range []fyne.TextStyle{{Monospace: true}, {Symbol: true}} {
		if th.Font(s) != def.Font(s) {
			t.Errorf("style %+v: want the default font", s)
		}
	}
	if th.Color(theme.ColorNameForeground, theme.VariantLight) != def.Color(theme.ColorNameForeground, theme.VariantLight) ||
		th.Size(theme.SizeNameText) != def.Size(theme.SizeNameText) ||
		th.Icon(theme.IconNameHome) != def.Icon(theme.IconNameHome) {
		t.Error("colours, sizes or icons differ from the default theme")
	}
	if NewTheme(fonts.Font{}).Font(fyne.TextStyle{}) != def.Font(fyne.TextStyle{}) {
		t.Error("a Font without data should leave the default font")
	}
}

// renderChild marks the child process of TestThemeRendersChinese.
const renderChild = "JIEFANG_THEME_RENDER_CHILD"

// TestThemeRendersChinese renders Chinese through Fyne's test driver.
//
// Fyne falls back to system fonts for runes its theme font lacks, and this
// machine has WenQuanYi installed, so a broken theme font would still show
// Chinese. The check therefore runs in a child process whose font fallback
// is disabled (Fyne's font scanner needs a cache directory; the child has
// no HOME or XDG_CACHE_HOME), and first proves the fallback is off.
func TestThemeRendersChinese(t *testing.T) {
	if os.Getenv(renderChild) != "1" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestThemeRendersChinese$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), renderChild+"=1", "HOME=", "XDG_CACHE_HOME=")
		out, err := cmd.CombinedOutput()
		if err != nil || !bytes.Contains(out, []byte("--- PASS: TestThemeRendersChinese")) {
			t.Fatalf("rendering check in child process failed (%v):\n%s", err, out)
		}
		return
	}

	f := loadWQY(t)
	test.NewTempApp(t)
	def, ours := theme.DefaultTheme(), NewTheme(f)

	// Control: the default font has no 征 or 地; with fallback off, both
	// render as the same missing-glyph box.
	defZ, defD := render(t, def, "征"), render(t, def, "地")
	if !sameImage(defZ, defD) {
		t.Fatal("default theme renders 征 and 地 differently: system font fallback is active, " +
			"so this test cannot tell whether the theme font is used")
	}

	z, d := render(t, ours, "征"), render(t, ours, "地")
	save(t, "zheng.png", z)
	save(t, "di.png", d)
	for name, img := range map[string]image.Image{"征": z, "地": d} {
		if n := ink(img); n < 100 {
			t.Errorf("%s rendered with only %d dark pixels: blank", name, n)
		}
	}
	if sameImage(z, d) {
		t.Error("征 and 地 render identically: missing-glyph boxes, not Chinese")
	}
	if sameImage(z, defZ) {
		t.Error("征 renders like the default theme's missing glyph")
	}

	// A real widget, in bold, also gets the Chinese font.
	test.ApplyTheme(t, ours)
	l := widget.NewLabelWithStyle("征地补偿", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	w := test.NewTempWindow(t, l)
	w.Resize(fyne.NewSize(160, 50))
	label := w.Canvas().Capture()
	save(t, "label.png", label)
	test.ApplyTheme(t, def)
	w.Content().Refresh()
	if sameImage(label, w.Canvas().Capture()) {
		t.Error("bold label looks the same with the default theme: Chinese font not used")
	}
}

// render draws s in black on white, 48 units high, with theme th.
func render(t *testing.T, th fyne.Theme, s string) image.Image {
	t.Helper()
	test.ApplyTheme(t, th)
	txt := canvas.NewText(s, color.Black)
	txt.TextSize = 48
	w := test.NewTempWindow(t, container.NewStack(canvas.NewRectangle(color.White), txt))
	w.Resize(fyne.NewSize(72, 72))
	return w.Canvas().Capture()
}

// ink counts dark pixels.
func ink(img image.Image) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if c := color.GrayModel.Convert(img.At(x, y)).(color.Gray); c.Y < 128 {
				n++
			}
		}
	}
	return n
}

func sameImage(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if color.RGBA64Model.Convert(a.At(x, y)) != color.RGBA64Model.Convert(b.At(x, y)) {
				return false
			}
		}
	}
	return true
}

// save writes img to $JIEFANG_THEME_PNG_DIR, if set, for a look by eye.
func save(t *testing.T, name string, img image.Image) {
	t.Helper()
	dir := os.Getenv("JIEFANG_THEME_PNG_DIR")
	if dir == "" {
		return
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Text on a filled status colour (a chosen 已证实 / 待核实 / 存争议 button)
// keeps WCAG AA contrast, 4.5:1, in both variants; Fyne's own defaults
// do not (white on its green is 1.6:1).
func TestThemeStatusContrast(t *testing.T) {
	th := NewTheme(fonts.Font{})
	pairs := map[fyne.ThemeColorName]fyne.ThemeColorName{
		theme.ColorNameSuccess: theme.ColorNameForegroundOnSuccess,
		theme.ColorNameWarning: theme.ColorNameForegroundOnWarning,
		theme.ColorNameError:   theme.ColorNameForegroundOnError,
	}
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		for bg, fg := range pairs {
			if r := contrast(th.Color(bg, v), th.Color(fg, v)); r < 4.5 {
				t.Errorf("variant %d: %s text on %s: contrast %.1f:1", v, fg, bg, r)
			}
		}
	}
	if r := contrast(theme.DefaultTheme().Color(theme.ColorNameSuccess, theme.VariantLight),
		theme.DefaultTheme().Color(theme.ColorNameForegroundOnSuccess, theme.VariantLight)); r >= 4.5 {
		t.Errorf("Fyne's default green is readable now (%.1f:1): the override may go", r)
	}
}

// contrast is the WCAG 2 contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	lum := func(c color.Color) float64 {
		r, g, b, _ := c.RGBA()
		ch := func(v uint32) float64 {
			s := float64(v) / 0xffff
			if s <= 0.03928 {
				return s / 12.92
			}
			return math.Pow((s+0.055)/1.055, 2.4)
		}
		return 0.2126*ch(r) + 0.7152*ch(g) + 0.0722*ch(b)
	}
	la, lb := lum(a), lum(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}
