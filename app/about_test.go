package app

import (
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"jiefang/app/prefs"
	"jiefang/assets/fonts"
)

// overlayText is the text of every label on w's topmost overlay, a line each.
func overlayText(t *testing.T, w fyne.Window) string {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog open")
	}
	var lines []string
	walk(top, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			lines = append(lines, l.Text)
		}
	})
	return strings.Join(lines, "\n")
}

// 设置 → 关于接访台… shows the desk's name, the version and build main
// read from FyneApp.toml, the data directory and what Windows it needs.
func TestAboutShowsVersion(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	base := t.TempDir()
	env := &SettingsEnv{
		File:           prefs.Path(filepath.Join(base, "default")),
		Saved:          prefs.Defaults(),
		DefaultDataDir: filepath.Join(base, "default"),
		DatabaseName:   "jiefang.db",
		Database:       s.Path(),
	}
	set := newSettingsScreen(w, Deps{Cases: s, Settings: env, Version: Version{Number: "0.1.0", Build: 1}}, nil, nil)
	set.ui = newTestUI().do
	set.listFonts = func() []fonts.Font { return nil }
	set.show()

	test.Tap(overlayButton(t, w, "关于接访台…"))
	got := overlayText(t, w)
	for _, want := range []string{"接访台", "版本 0.1.0（内部版本 1）", "数据目录：" + filepath.Dir(s.Path()), "Windows 10", "OpenGL 2.1"} {
		if !strings.Contains(got, want) {
			t.Errorf("the About box lacks %q; it says:\n%s", want, got)
		}
	}
	test.Tap(overlayButton(t, w, "关闭"))
	overlayButton(t, w, "保存") // back to 设置

}

func TestAboutVersionUnknown(t *testing.T) {
	lines := aboutLines(Version{}, "")
	if len(lines) == 0 || lines[0] != "版本未知" {
		t.Errorf("no version: lines %q, want 版本未知 first", lines)
	}
	for _, l := range lines {
		if strings.HasPrefix(l, "数据目录") {
			t.Errorf("no data directory known, yet a line says %q", l)
		}
	}
}
