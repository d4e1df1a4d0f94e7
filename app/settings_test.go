package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"jiefang/app/prefs"
	"jiefang/assets/fonts"
	"jiefang/cases/store"
)

// settingsUnderTest is an open settings screen whose background results
// wait in ui.
type settingsUnderTest struct {
	*settingsScreen
	ui      testUI
	w       fyne.Window
	store   *store.Store
	applied []fonts.Font // fonts ApplyFont was called with
	saves   int          // calls of the saved callback
}

// wait lets the screen's background work finish and be shown.
func (st *settingsUnderTest) wait() { st.ui.settle(&st.busy) }

// saveNow taps 保存 and waits for the result.
func (st *settingsUnderTest) saveNow() {
	test.Tap(st.save)
	st.wait()
}

// file reads the settings file; ok is false if there is none.
func (st *settingsUnderTest) file(t *testing.T) (prefs.Settings, bool) {
	t.Helper()
	if _, err := os.Stat(st.env.File); os.IsNotExist(err) {
		return prefs.Settings{}, false
	}
	s, err := prefs.Load(st.env.File)
	if err != nil {
		t.Fatal(err)
	}
	return s, true
}

// openSettings opens the settings screen over a desk on a real store in a
// temporary folder, with staff name 王芳, nothing saved yet, and system
// (the system's fonts, as the screen will find them).
func openSettings(t *testing.T, system ...fonts.Font) *settingsUnderTest {
	t.Helper()
	w := newTestWindow(t)
	s := newTestStore(t)
	if err := s.SetActor(context.Background(), "王芳"); err != nil {
		t.Fatal(err)
	}
	return openSettingsOn(t, w, s, system...)
}

// openSettingsOn opens the settings screen over w for store s.
func openSettingsOn(t *testing.T, w fyne.Window, s *store.Store, system ...fonts.Font) *settingsUnderTest {
	t.Helper()
	base := t.TempDir()
	st := &settingsUnderTest{ui: newTestUI(), w: w, store: s}
	env := &SettingsEnv{
		File:           prefs.Path(filepath.Join(base, "default")),
		Saved:          prefs.Defaults(),
		DefaultDataDir: filepath.Join(base, "default"),
		DatabaseName:   "jiefang.db",
		Database:       s.Path(),
		ApplyFont:      func(f fonts.Font) { st.applied = append(st.applied, f) },
	}
	st.settingsScreen = newSettingsScreen(w, Deps{Cases: s, Settings: env}, nil, func() { st.saves++ })
	st.settingsScreen.ui = st.ui.do
	st.listFonts = func() []fonts.Font { return system }
	st.show()
	st.wait()
	return st
}

// overlayButton is the button labelled text on the topmost overlay.
func overlayButton(t *testing.T, w fyne.Window, text string) *widget.Button {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatalf("no dialog open, looking for %q", text)
	}
	var found *widget.Button
	walk(top, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q on the top dialog", text)
	}
	return found
}

func actorOf(t *testing.T, s *store.Store) string {
	t.Helper()
	a, err := s.Actor(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestSettingsSavesStaffName(t *testing.T) {
	st := openSettings(t)
	if st.name.Text != "王芳" {
		t.Fatalf("name shows %q, want the current staff name", st.name.Text)
	}
	st.name.SetText("  李强 ")
	st.saveNow()
	if a := actorOf(t, st.store); a != "李强" {
		t.Fatalf("actor %q after saving 李强", a)
	}
	if st.saves != 1 || st.w.Canvas().Overlays().Top() != nil {
		t.Errorf("saved callback %d times; screen still open: %v", st.saves, st.w.Canvas().Overlays().Top() != nil)
	}
	// Nothing else changed: no settings file is written for a name.
	if _, ok := st.file(t); ok {
		t.Error("settings file written though no setting changed")
	}
}

func TestSettingsRefusesBadNameKeepingInput(t *testing.T) {
	for _, name := range []string{"   ", strings.Repeat("王", 51)} {
		st := openSettings(t)
		st.language.SetSelected("English")
		st.name.SetText(name)
		st.saveNow()
		if a := actorOf(t, st.store); a != "王芳" {
			t.Fatalf("name %q: actor became %q", name, a)
		}
		if _, ok := st.file(t); ok {
			t.Errorf("name %q: settings file written although the input was refused", name)
		}
		if st.name.Text != name || st.language.Selected != "English" {
			t.Errorf("name %q: input lost: name %q, language %q", name, st.name.Text, st.language.Selected)
		}
		if !strings.Contains(st.message.Text, lang.L("请填写您的姓名（1到50个字）。每条记录都会写明经办人。")) {
			t.Errorf("name %q: message %q", name, st.message.Text)
		}
		if st.w.Canvas().Overlays().Top() == nil {
			t.Errorf("name %q: the screen closed", name)
		}
	}
}

func TestSettingsSavesLanguage(t *testing.T) {
	st := openSettings(t)
	st.language.SetSelected("English")
	st.saveNow()
	got, ok := st.file(t)
	if !ok || got.Language != prefs.English {
		t.Fatalf("settings file %+v (exists %v), want language %q", got, ok, prefs.English)
	}
	if got.Font != "" || got.DataDir != "" {
		t.Errorf("untouched settings saved as %+v", got)
	}
	if st.env.Saved != got {
		t.Errorf("screen remembers %+v, file has %+v", st.env.Saved, got)
	}
	// The user is told it takes a restart.
	if top := st.w.Canvas().Overlays().Top(); top == nil || !findLabel(top, lang.L("界面语言将在重启接访台后改变。")) {
		t.Error("no note that the language changes after a restart")
	}
	if a := actorOf(t, st.store); a != "王芳" {
		t.Errorf("actor changed to %q", a)
	}
}

func TestSettingsRefusesUnwritableDataDir(t *testing.T) {
	base := t.TempDir()
	notDir := filepath.Join(base, "file")
	if err := os.WriteFile(notDir, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	readOnly := filepath.Join(base, "locked")
	if err := os.Mkdir(readOnly, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(readOnly, 0o700) })
	if os.Geteuid() == 0 {
		// Root may write in any folder: use a read-only file system instead.
		readOnly = "/sys"
	}
	for _, dir := range []string{readOnly, notDir, filepath.Join(base, "missing")} {
		st := openSettings(t)
		before := st.dir
		st.pickDataDir(dir)
		st.wait()
		if st.dir != before || st.dataDir.Text != before {
			t.Errorf("%s: chosen although not writable (shows %q)", dir, st.dataDir.Text)
		}
		if !strings.Contains(st.message.Text, fmt.Sprintf(lang.L("不能把数据放在“%s”：这个文件夹不能写入。请选择一个有写入权限的文件夹，例如在“文档”里新建一个文件夹。"), dir)) {
			t.Errorf("%s: message %q", dir, st.message.Text)
		}
		st.saveNow()
		if got, ok := st.file(t); ok && got.DataDir != "" {
			t.Errorf("%s: saved data directory %q", dir, got.DataDir)
		}
		entries, _ := os.ReadDir(base)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".jiefang") {
				t.Errorf("check left %s behind", e.Name())
			}
		}
	}
}

func TestSettingsDataDirChangeAsksFirst(t *testing.T) {
	for _, hasDB := range []bool{false, true} {
		st := openSettings(t)
		dir := t.TempDir()
		if hasDB {
			if err := os.WriteFile(filepath.Join(dir, "jiefang.db"), nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		st.pickDataDir(dir)
		st.wait()
		if st.dataDir.Text != dir {
			t.Fatalf("data directory shows %q, want %q", st.dataDir.Text, dir)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != map[bool]int{false: 0, true: 1}[hasDB] {
			t.Errorf("the write check left files in %s", dir)
		}
		old := filepath.Dir(st.store.Path())
		if !strings.Contains(st.dataNote.Text, old) {
			t.Errorf("note %q does not say the data stays in %s", st.dataNote.Text, old)
		}
		st.saveNow()
		if _, ok := st.file(t); ok {
			t.Fatal("saved before the change was confirmed")
		}
		top := st.w.Canvas().Overlays().Top()
		want := lang.L("新文件夹里还没有数据库：重启后接访台将从空白开始，看不到现在的任何案件。")
		if hasDB {
			want = lang.L("新文件夹里已有接访台数据库：重启后将打开它。")
		}
		if top == nil || !findLabel(top, want) || !findLabel(top, old) {
			t.Fatalf("hasDB %v: the confirmation does not say %q and where the data stays", hasDB, want)
		}
		test.Tap(overlayButton(t, st.w, lang.L("更改数据目录")))
		st.wait()
		got, ok := st.file(t)
		if !ok || got.DataDir != dir {
			t.Fatalf("saved %+v (exists %v), want data directory %s", got, ok, dir)
		}
	}
}

func TestSettingsDefaultDataDirSavedAsEmpty(t *testing.T) {
	st := openSettings(t)
	st.env.Saved.DataDir = t.TempDir() // a directory chosen before
	st.dir = st.env.Saved.DataDir
	st.showDataDir()
	test.Tap(st.resetDir)
	st.saveNow()
	test.Tap(overlayButton(t, st.w, lang.L("更改数据目录")))
	st.wait()
	if got, ok := st.file(t); !ok || got.DataDir != "" {
		t.Fatalf("saved %+v (exists %v), want the default (empty) data directory", got, ok)
	}
}

func TestSettingsRefusesNonFont(t *testing.T) {
	st := openSettings(t)
	bad := filepath.Join(t.TempDir(), "fake.ttf")
	if err := os.WriteFile(bad, []byte("this is not a font"), 0o600); err != nil {
		t.Fatal(err)
	}
	selected := st.font.Selected
	st.pickFont(bad)
	st.wait()
	if st.fontPath != "" || st.font.Selected != selected {
		t.Fatalf("non-font accepted: path %q, selected %q", st.fontPath, st.font.Selected)
	}
	if want, _, _ := strings.Cut(fontRefusal(errors.New("x")), "\n"); !strings.HasPrefix(st.message.Text, want) {
		t.Errorf("message %q", st.message.Text)
	}
	st.language.SetSelected("English") // something to save
	st.saveNow()
	if got, _ := st.file(t); got.Font != "" || len(st.applied) != 0 {
		t.Errorf("saved font %q, applied %d", got.Font, len(st.applied))
	}
}

func TestSettingsChosenFontIsSavedAndApplied(t *testing.T) {
	wqy := loadWQY(t)
	st := openSettings(t) // no system fonts found
	if !strings.Contains(st.fontNote.Text, lang.L("本机没有找到中文字体。请点“选择字体文件…”选一个中文字体文件。")) {
		t.Errorf("font note %q", st.fontNote.Text)
	}
	st.pickFont(wqy.Path)
	st.wait()
	if st.fontPath != wqy.Path || !strings.Contains(st.font.Selected, wqy.Name) {
		t.Fatalf("font file not chosen: path %q, selected %q; message %q", st.fontPath, st.font.Selected, st.message.Text)
	}
	st.saveNow()
	if got, _ := st.file(t); got.Font != wqy.Path {
		t.Errorf("saved font %q, want %q", got.Font, wqy.Path)
	}
	if len(st.applied) != 1 || st.applied[0].Name != wqy.Name {
		t.Fatalf("font applied %d times (%v)", len(st.applied), st.applied)
	}
}

func TestSettingsListsSystemFontsAndGoesBackToAutomatic(t *testing.T) {
	wqy := loadWQY(t)
	st := openSettings(t, wqy)
	if len(st.font.Options) != 3 || !strings.Contains(st.font.Options[1], wqy.Name) {
		t.Fatalf("font list %q: want automatic, %s, and choose a file", st.font.Options, wqy.Name)
	}
	if st.font.Selected != lang.L("自动（推荐）") || !strings.Contains(st.fontNote.Text, wqy.Name) {
		t.Errorf("selected %q, note %q", st.font.Selected, st.fontNote.Text)
	}
	st.font.SetSelected(st.font.Options[1])
	st.saveNow()
	if got, _ := st.file(t); got.Font != wqy.Path {
		t.Fatalf("saved font %q, want %q", got.Font, wqy.Path)
	}
	// Back to automatic on a new screen: the automatic font is applied.
	st2 := &settingsUnderTest{ui: newTestUI(), w: st.w, store: st.store}
	st.env.ApplyFont = func(f fonts.Font) { st2.applied = append(st2.applied, f) }
	st2.settingsScreen = newSettingsScreen(st.w, Deps{Cases: st.store, Settings: st.env}, nil, nil)
	st2.settingsScreen.ui = st2.ui.do
	st2.listFonts = func() []fonts.Font { return []fonts.Font{wqy} }
	st2.show()
	st2.wait()
	if st2.font.Selected != st.font.Options[1] {
		t.Fatalf("reopened screen selects %q, want the saved font", st2.font.Selected)
	}
	st2.font.SetSelected(lang.L("自动（推荐）"))
	st2.saveNow()
	if got, _ := st2.file(t); got.Font != "" {
		t.Errorf("saved font %q, want automatic", got.Font)
	}
	if len(st2.applied) != 1 {
		t.Errorf("automatic font applied %d times", len(st2.applied))
	}
}

func TestSettingsDamagedFileIsToldAndReplacedOnlyBySaving(t *testing.T) {
	st := openSettings(t)
	if err := os.MkdirAll(filepath.Dir(st.env.File), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(st.env.File, []byte("{broken"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := prefs.Load(st.env.File)
	if err == nil {
		t.Fatal("damaged file loaded")
	}
	st.env.LoadErr = err
	st2 := &settingsUnderTest{ui: newTestUI(), w: st.w, store: st.store}
	st2.settingsScreen = newSettingsScreen(st.w, Deps{Cases: st.store, Settings: st.env}, nil, nil)
	st2.settingsScreen.ui = st2.ui.do
	st2.listFonts = func() []fonts.Font { return nil }
	if !strings.Contains(st2.message.Text, st.env.File) {
		t.Errorf("message %q does not name the damaged file", st2.message.Text)
	}
	if b, _ := os.ReadFile(st.env.File); string(b) != "{broken" {
		t.Fatal("damaged file changed before saving")
	}
	st2.show()
	st2.saveNow() // nothing changed, but saving replaces the damaged file
	if got, ok := st2.file(t); !ok || got != prefs.Defaults() {
		t.Fatalf("after saving: %+v (exists %v)", got, ok)
	}
	if st.env.LoadErr != nil {
		t.Error("the problem is still reported after saving")
	}
}

func TestHomeOpensSettings(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	h := newHomeScreen(w, Deps{Cases: s})
	if h.setup != nil {
		t.Fatal("设置 button without settings")
	}
	env := &SettingsEnv{File: prefs.Path(t.TempDir()), Saved: prefs.Defaults(), DefaultDataDir: t.TempDir(), DatabaseName: "jiefang.db", Database: s.Path()}
	h = newHomeScreen(w, Deps{Cases: s, Settings: env})
	w.SetContent(h.content())
	test.Tap(h.setup)
	if h.set == nil {
		t.Fatal("设置 did not open the settings screen")
	}
	h.set.busy.Wait()
	test.Tap(h.setup) // a second tap does not open a second screen
	first := h.set
	if h.set != first {
		t.Error("a second screen opened")
	}
	test.Tap(first.cancel)
	if h.set != nil {
		t.Error("closing the screen did not forget it")
	}
}

func TestSettingsSaveWithoutNameWhenNeverGiven(t *testing.T) {
	// The first-start prompt was put off: no name yet, and none typed.
	st := openSettingsOn(t, newTestWindow(t), newTestStore(t))
	st.language.SetSelected("English")
	st.saveNow()
	if got, ok := st.file(t); !ok || got.Language != prefs.English {
		t.Fatalf("settings %+v (exists %v): saving other settings needed a name; message %q", got, ok, st.message.Text)
	}
	if a := actorOf(t, st.store); a != "" {
		t.Errorf("actor %q", a)
	}
}
