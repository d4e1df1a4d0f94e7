package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"jiefang/app/prefs"
	"jiefang/assets/fonts"
)

const saveTimeout = 10 * time.Second // writing the settings file and the staff name

// SettingsEnv is what the 设置 screen needs to know of how the desk was
// started, and where it saves. main fills it in; the screen updates
// Saved (and clears LoadErr) when the user saves. It is touched only on
// the UI goroutine once the desk runs.
type SettingsEnv struct {
	// File is the settings file (prefs.Path of the default data directory).
	File string
	// Saved are the settings in File: as read at start (the defaults if
	// there was none or it was damaged), then as last saved.
	Saved prefs.Settings
	// LoadErr is why File could not be read at start; nil if it was
	// fine. The desk tells the user at start and on the screen.
	LoadErr error
	// DefaultDataDir is the data directory when none is set.
	DefaultDataDir string
	// DatabaseName is the desk database's file name in a data directory
	// (jiefang.db): a folder holding it already has a desk's data.
	DatabaseName string
	// Database is the database file open now.
	Database string
	// FontName is the font the text is shown in now; "": Fyne's own.
	FontName string
	// FromFlags tells which settings the command line overrides this time.
	FromFlags Overrides
	// ApplyFont shows all text in f at once (main sets the theme again);
	// nil: a newly chosen font shows from the next start.
	ApplyFont func(f fonts.Font)
}

// Overrides tells which saved settings a command-line flag overrides
// (flag > saved setting > default).
type Overrides struct {
	Language bool // --lang
	Font     bool // --font
	Database bool // --db: the data directory setting is not used
}

// dataDir is the data directory the saved settings select.
func (e *SettingsEnv) dataDir() string {
	if e.Saved.DataDir != "" {
		return e.Saved.DataDir
	}
	return e.DefaultDataDir
}

// loadProblem tells the user, in Chinese, that the settings file could
// not be read and what happens now.
func (e *SettingsEnv) loadProblem() string {
	return fmt.Sprintf(lang.L("设置文件 %s 已损坏或无法读取，本次使用默认设置（简体中文、自动选择字体、默认数据目录）。请打开“设置”检查各项，点“保存”后会用新的设置替换这个文件。"), e.File) +
		"\n" + lang.L("详情：") + e.LoadErr.Error()
}

// The language choices are the languages' own names, deliberately not
// translated: someone who cannot read the current language must still
// find theirs.
var languageNames = []struct{ code, name string }{
	{prefs.Chinese, "简体中文"},
	{prefs.English, "English"},
}

// fontChoice is one entry of the font list: a font file, or "" for the
// automatic choice.
type fontChoice struct {
	label string
	path  string
}

// settingsScreen is the 设置 dialog over the main window: interface
// language, Chinese font, data directory, staff name, and (read only) how
// the hub connection is set. Nothing is written until 保存; refused input
// stays on the screen as typed.
type settingsScreen struct {
	win    fyne.Window
	cases  CaseStore
	env    *SettingsEnv
	closed func() // the dialog has closed
	saved  func() // settings were saved (the status line shows the staff name)

	language  *widget.RadioGroup
	font      *widget.Select
	fontNote  *widget.Label
	dataDir   *widget.Label
	dataNote  *widget.Label
	changeDir *widget.Button
	resetDir  *widget.Button
	name      *widget.Entry
	message   *widget.Label
	save      *widget.Button
	cancel    *widget.Button
	about     *widget.Button // 关于接访台 (about.go)
	dlg       *dialog.CustomDialog

	// Touched only on the UI goroutine:
	actor    string                // the staff name when the screen opened (then as saved)
	start    prefs.Settings        // the saved settings when the screen opened
	fontPath string                // the chosen font file; "": automatic
	choices  []fontChoice          // the font list, as shown
	system   []fonts.Font          // the system's fonts, the automatic one first; nil until scanned
	scanned  bool                  // the system's fonts have been looked for
	loaded   map[string]fonts.Font // font files read and found usable, by path
	dir      string                // the chosen data directory
	dirHasDB bool                  // dir already holds a desk database
	checking int                   // font files or folders being checked
	saving   bool

	listFonts func() []fonts.Font // the system's Chinese fonts, the automatic one first
	ui        func(func())        // runs a background result on the UI goroutine: fyne.Do (tests queue it)
	busy      sync.WaitGroup      // background work not yet applied (tests wait on it)
}

func newSettingsScreen(win fyne.Window, deps Deps, closed, saved func()) *settingsScreen {
	env := deps.Settings
	s := &settingsScreen{
		win: win, cases: deps.Cases, env: env, closed: closed, saved: saved,
		start: env.Saved, fontPath: env.Saved.Font, dir: filepath.Clean(env.dataDir()),
		loaded: map[string]fonts.Font{}, listFonts: systemFonts, ui: fyne.Do,
	}
	names := make([]string, len(languageNames))
	for i, l := range languageNames {
		names[i] = l.name
	}
	s.language = widget.NewRadioGroup(names, nil)
	s.language.Horizontal = true
	s.language.Required = true
	s.language.SetSelected(languageName(env.Saved.Language))

	s.font = widget.NewSelect(nil, s.onFontChanged)
	s.fontNote = noteLabel()
	s.dataDir = widget.NewLabel("")
	s.dataDir.Wrapping = fyne.TextWrapBreak // a path is one long word
	s.dataNote = noteLabel()
	s.changeDir = widget.NewButtonWithIcon(lang.L("更改…"), theme.FolderOpenIcon(), s.onChangeDir)
	s.resetDir = widget.NewButton(lang.L("使用默认位置"), func() { s.useDataDir(env.DefaultDataDir, false) })
	s.name = widget.NewEntry()
	s.name.SetPlaceHolder(lang.L("例如：王芳"))
	s.actor, _ = deps.Cases.Actor(context.Background()) // held in memory by the store
	s.name.SetText(s.actor)
	s.message = noteLabel()
	s.save = widget.NewButtonWithIcon(lang.L("保存"), theme.DocumentSaveIcon(), s.onSave)
	s.save.Importance = widget.HighImportance
	s.cancel = widget.NewButtonWithIcon(lang.L("取消"), theme.CancelIcon(), func() { s.dlg.Hide() })
	s.about = widget.NewButtonWithIcon(lang.L("关于接访台…"), theme.InfoIcon(), func() { showAbout(win, deps.Version, env.dataInUse()) })

	s.showFonts()
	s.showDataDir()
	if env.LoadErr != nil {
		s.say(env.loadProblem(), widget.WarningImportance)
	}
	return s
}

func noteLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	return l
}

// languageName is the name shown for language code; unknown codes are
// Chinese, the default.
func languageName(code string) string {
	for _, l := range languageNames {
		if l.code == code {
			return l.name
		}
	}
	return languageNames[0].name
}

func languageCode(name string) string {
	for _, l := range languageNames {
		if l.name == name {
			return l.code
		}
	}
	return prefs.Chinese
}

func (s *settingsScreen) content() fyne.CanvasObject {
	// The language takes effect at the next start: every widget was
	// built with the strings of its time (lang.L is called once, when a
	// screen is made), and Fyne cannot translate a built window again;
	// rebuilding all screens now would also throw away unsaved input.
	langNote := noteLabel()
	langNote.SetText(lang.L("重启接访台后生效。"))
	if s.env.FromFlags.Language {
		langNote.SetText(langNote.Text + lang.L("本次启动时命令行用 --lang 指定了语言，命令行优先于这里的设置。"))
	}
	nameNote := noteLabel()
	nameNote.SetText(lang.L("每条记录都会写明经办人。"))
	hub := noteLabel()
	hub.SetText(lang.L("上级连接只能用入网码设置：请在主界面点“连接上级”。这里不能修改。"))
	dirButtons := container.NewHBox(s.changeDir, s.resetDir)
	form := widget.NewForm(
		widget.NewFormItem(lang.L("界面语言"), container.NewVBox(s.language, langNote)),
		widget.NewFormItem(lang.L("中文字体"), container.NewVBox(s.font, s.fontNote)),
		widget.NewFormItem(lang.L("数据目录"), container.NewVBox(s.dataDir, dirButtons, s.dataNote)),
		widget.NewFormItem(lang.L("经办人姓名"), container.NewVBox(s.name, nameNote)),
		widget.NewFormItem(lang.L("上级连接"), hub),
		widget.NewFormItem(lang.L("关于"), container.NewHBox(s.about)),
	)
	return container.NewBorder(nil, s.message, nil, nil, container.NewVScroll(form))
}

// show opens the screen over the main window and looks for the system's
// fonts.
func (s *settingsScreen) show() {
	s.dlg = dialog.NewCustomWithoutButtons(lang.L("设置"), s.content(), s.win)
	s.dlg.SetButtons([]fyne.CanvasObject{s.cancel, s.save})
	s.dlg.SetOnClosed(func() {
		if s.closed != nil {
			s.closed()
		}
	})
	s.dlg.Resize(fyne.NewSize(760, 640))
	s.dlg.Show()
	s.scanFonts()
}

func (s *settingsScreen) say(text string, imp widget.Importance) {
	s.message.Importance = imp
	s.message.SetText(text)
}

// run does work off the UI goroutine and applies its result on it.
func (s *settingsScreen) run(work func() func()) {
	apply := s.ui
	s.busy.Add(1)
	go func() {
		defer s.busy.Done()
		done := work()
		apply(done)
	}()
}

// --- Font ---

// systemFonts returns the Chinese fonts found on this system, the one
// chosen automatically first. The fonts package offers only its first
// choice (fonts.Find) so far, so that is the whole list; other files are
// chosen with 选择字体文件….
func systemFonts() []fonts.Font {
	f, err := fonts.Find(fonts.Options{})
	if err != nil {
		return nil
	}
	return []fonts.Font{f}
}

// scanFonts looks for the system's fonts off the UI goroutine (reading
// and checking a font file takes a moment) and lists them.
func (s *settingsScreen) scanFonts() {
	list := s.listFonts
	s.run(func() func() {
		found := list()
		return func() {
			s.system, s.scanned = found, true
			for _, f := range found {
				s.loaded[f.Path] = f
			}
			s.showFonts()
		}
	})
}

func (s *settingsScreen) autoLabel() string { return lang.L("自动（推荐）") }
func (s *settingsScreen) pickLabel() string { return lang.L("选择字体文件…") }

// fontLabel names a font file in the list: its family name if known, and
// the file's name.
func (s *settingsScreen) fontLabel(path string) string {
	if f, ok := s.loaded[path]; ok && f.Name != "" {
		return f.Name + "（" + filepath.Base(path) + "）"
	}
	return filepath.Base(path)
}

// showFonts lists automatic, the system's fonts, the chosen file (if
// not among them) and 选择字体文件…, with the current choice selected.
func (s *settingsScreen) showFonts() {
	s.choices = []fontChoice{{s.autoLabel(), ""}}
	listed := map[string]bool{"": true}
	add := func(path string) {
		if !listed[path] {
			listed[path] = true
			s.choices = append(s.choices, fontChoice{s.fontLabel(path), path})
		}
	}
	for _, f := range s.system {
		add(f.Path)
	}
	add(s.fontPath)
	labels := make([]string, 0, len(s.choices)+1)
	selected := ""
	for _, c := range s.choices {
		labels = append(labels, c.label)
		if c.path == s.fontPath {
			selected = c.label
		}
	}
	s.font.Options = append(labels, s.pickLabel())
	s.font.Selected = selected // not SetSelected: no OnChanged for this
	s.font.Refresh()
	s.showFontNote()
}

func (s *settingsScreen) showFontNote() {
	var note string
	switch {
	case s.fontPath != "":
		note = fmt.Sprintf(lang.L("字体文件：%s"), s.fontPath)
	case !s.scanned:
		note = lang.L("正在查找本机的中文字体……")
	case len(s.system) == 0:
		note = lang.L("本机没有找到中文字体。请点“选择字体文件…”选一个中文字体文件。")
	default:
		note = fmt.Sprintf(lang.L("自动选用本机的“%s”。"), s.system[0].Name)
	}
	if s.env.FontName != "" {
		note += "\n" + fmt.Sprintf(lang.L("现在界面使用的字体：%s。"), s.env.FontName)
	}
	if s.env.FromFlags.Font {
		note += "\n" + lang.L("本次启动时命令行用 --font 指定了字体，下次启动时命令行仍优先于这里的设置。")
	}
	s.fontNote.SetText(note)
}

func (s *settingsScreen) onFontChanged(label string) {
	if label == s.pickLabel() {
		s.showFonts() // keep the current choice selected while the file is chosen
		s.openFontFile()
		return
	}
	for _, c := range s.choices {
		if c.label == label {
			s.fontPath = c.path
		}
	}
	s.showFontNote()
}

// openFontFile lets the user pick a font file, starting in the folder of
// the font in use.
func (s *settingsScreen) openFontFile() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			s.say(lang.L("打开字体文件失败：")+err.Error(), widget.DangerImportance)
			return
		}
		if r == nil {
			return // cancelled
		}
		path := r.URI().Path()
		r.Close()
		s.pickFont(path)
	}, s.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".ttf", ".otf", ".ttc"}))
	d.SetTitleText(lang.L("选择中文字体文件"))
	start := s.fontPath
	if start == "" && len(s.system) > 0 {
		start = s.system[0].Path
	}
	if start != "" {
		if l := existingFolder(filepath.Dir(start)); l != nil {
			d.SetLocation(l)
		}
	}
	d.Resize(fileDialogSize(s.win))
	d.Show()
}

// pickFont checks the font file at path off the UI goroutine (it is
// read whole: several megabytes) and selects it if it is a usable
// Simplified Chinese font; otherwise it says why and keeps the choice
// there was.
func (s *settingsScreen) pickFont(path string) {
	s.checking++
	s.say(lang.L("正在检查字体文件……"), widget.MediumImportance)
	s.run(func() func() {
		f, err := fonts.Load(path, -1) // the same check as at start: it must show common Chinese characters
		return func() {
			s.checking--
			if err != nil {
				s.say(fontRefusal(err), widget.DangerImportance)
				return
			}
			s.loaded[path] = f
			s.fontPath = path
			s.showFonts()
			s.say(fmt.Sprintf(lang.L("可以使用字体“%s”。点“保存”后生效。"), f.Name), widget.SuccessImportance)
		}
	})
}

// existingFolder is the first of dirs that exists, for a file dialog to
// start in; nil if none does (the dialog then starts where it did last).
func existingFolder(dirs ...string) fyne.ListableURI {
	for _, d := range dirs {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			continue
		}
		if l, err := storage.ListerForURI(storage.NewFileURI(d)); err == nil {
			return l
		}
	}
	return nil
}

// fontRefusal says, in Chinese, why a font file cannot be used and what
// to choose instead.
func fontRefusal(err error) string {
	return fmt.Sprintf(lang.L("这个文件不能用作中文字体：它不是字体文件，或缺少常用汉字。请选择含简体中文的字体文件（.ttf、.otf 或 .ttc），例如 Windows 的 %s（微软雅黑）。"), `C:\Windows\Fonts\msyh.ttc`) +
		"\n" + lang.L("详情：") + err.Error()
}

// --- Data directory ---

func (s *settingsScreen) onChangeDir() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil {
			s.say(lang.L("打开文件夹失败：")+err.Error(), widget.DangerImportance)
			return
		}
		if u == nil {
			return // cancelled
		}
		s.pickDataDir(u.Path())
	}, s.win)
	d.SetTitleText(lang.L("选择数据目录"))
	// The chosen folder, or the database's if that does not exist (yet).
	if l := existingFolder(s.dir, s.oldData()); l != nil {
		d.SetLocation(l)
	}
	d.Resize(fileDialogSize(s.win))
	d.Show()
}

// pickDataDir checks off the UI goroutine (it may be a slow network or
// USB drive) that the desk can write in dir, and whether it already
// holds a desk database, then shows it as the chosen data directory; a
// folder that cannot be written is refused, keeping the choice there was.
func (s *settingsScreen) pickDataDir(dir string) {
	s.checking++
	s.say(lang.L("正在检查文件夹……"), widget.MediumImportance)
	name := s.env.DatabaseName
	s.run(func() func() {
		err := checkWritable(dir)
		has := false
		if err == nil {
			has = fileExists(filepath.Join(dir, name))
		}
		return func() {
			s.checking--
			if err != nil {
				s.say(fmt.Sprintf(lang.L("不能把数据放在“%s”：这个文件夹不能写入。请选择一个有写入权限的文件夹，例如在“文档”里新建一个文件夹。"), dir)+
					"\n"+lang.L("详情：")+err.Error(), widget.DangerImportance)
				return
			}
			s.say("", widget.MediumImportance)
			s.useDataDir(dir, has)
		}
	})
}

// useDataDir shows dir as the chosen data directory; has tells whether
// it already holds a desk database.
func (s *settingsScreen) useDataDir(dir string, has bool) {
	s.dir, s.dirHasDB = filepath.Clean(dir), has
	if s.dir == filepath.Clean(s.env.DefaultDataDir) {
		s.dirHasDB = fileExists(filepath.Join(s.dir, s.env.DatabaseName)) // the default is local: a quick look
	}
	s.showDataDir()
}

// dirChanged reports whether the chosen data directory differs from the
// saved one.
func (s *settingsScreen) dirChanged() bool {
	return s.dir != filepath.Clean(s.env.dataDir())
}

// oldData is the folder of the database open now, where the data stays.
func (s *settingsScreen) oldData() string { return filepath.Dir(s.env.Database) }

func (s *settingsScreen) showDataDir() {
	s.dataDir.SetText(s.dir)
	if s.dir == filepath.Clean(s.env.DefaultDataDir) {
		s.resetDir.Disable()
	} else {
		s.resetDir.Enable()
	}
	var note string
	switch {
	case !s.dirChanged():
		note = lang.L("接访台的数据库和证据文件保存在这个文件夹。")
	case s.dirHasDB:
		note = fmt.Sprintf(lang.L("这个文件夹里已有接访台数据库（%s）：保存后，重启接访台时将使用它。现在的数据仍留在 %s。"), s.env.DatabaseName, s.oldData())
	default:
		note = fmt.Sprintf(lang.L("这个文件夹里还没有数据库：保存后，重启接访台时将从空白开始。现在的数据仍留在 %s，不会被移动或删除。"), s.oldData())
	}
	note += "\n" + fmt.Sprintf(lang.L("正在使用的数据库：%s"), s.env.Database)
	if s.env.FromFlags.Database {
		note += "\n" + lang.L("本次启动时命令行用 --db 指定了数据库；这里设置的数据目录在不带 --db 启动时才使用。")
	}
	s.dataNote.SetText(note)
}

// checkWritable reports whether a file can be created in dir, by
// creating and removing one.
func checkWritable(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	if !st.IsDir() {
		return fmt.Errorf("data directory: %s is not a folder", dir)
	}
	f, err := os.CreateTemp(dir, ".jiefang-write-check-*")
	if err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	name := f.Name()
	if err := f.Close(); err != nil {
		os.Remove(name)
		return fmt.Errorf("data directory: %w", err)
	}
	if err := os.Remove(name); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	return nil
}

func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

// --- Saving ---

// chosen are the settings as the screen shows them.
func (s *settingsScreen) chosen() prefs.Settings {
	next := prefs.Settings{Language: languageCode(s.language.Selected), Font: s.fontPath}
	if s.dir != filepath.Clean(s.env.DefaultDataDir) {
		next.DataDir = s.dir // the default stays "", following the system
	}
	return next
}

// onSave checks the input and, for a new data directory, asks first;
// refused input stays on the screen as it is.
func (s *settingsScreen) onSave() {
	if s.saving {
		return
	}
	if s.checking > 0 {
		s.say(lang.L("正在检查所选的字体或文件夹，请稍候再点“保存”。"), widget.WarningImportance)
		return
	}
	name, err := staffName(s.name.Text)
	switch {
	case err != nil && s.actor == "" && strings.TrimSpace(s.name.Text) == "":
		name = "" // never given (the first-start prompt was put off): the other settings can still be saved
	case err != nil:
		s.say(err.Error(), widget.DangerImportance)
		s.win.Canvas().Focus(s.name)
		return
	}
	s.say("", widget.MediumImportance)
	next := s.chosen()
	if !s.dirChanged() {
		s.commit(next, name)
		return
	}
	what := lang.L("新文件夹里还没有数据库：重启后接访台将从空白开始，看不到现在的任何案件。")
	if s.dirHasDB {
		what = lang.L("新文件夹里已有接访台数据库：重启后将打开它。")
	}
	msg := widget.NewLabel(strings.Join([]string{
		lang.L("数据目录将改为："), s.dir, "",
		lang.L("重启接访台后生效。"), what, "",
		lang.L("现在的案件和证据文件仍留在："), s.oldData(),
		lang.L("它们不会被移动、复制或删除。要再使用它们，把数据目录改回原来的位置即可。"),
	}, "\n"))
	msg.Wrapping = fyne.TextWrapWord
	c := dialog.NewCustomConfirm(lang.L("更改数据目录"), lang.L("更改数据目录"), lang.L("取消"), msg, func(ok bool) {
		if ok {
			s.commit(next, name)
		}
	}, s.win)
	c.Resize(fyne.NewSize(560, 360))
	c.Show()
}

// commit writes the settings file and the staff name off the UI
// goroutine (both go to disk), then applies a new font at once and
// closes the screen; on failure it says what went wrong and stays open.
func (s *settingsScreen) commit(next prefs.Settings, name string) {
	file := s.env.File
	writeFile := next != s.env.Saved || s.env.LoadErr != nil // saving replaces a damaged file
	writeName := name != s.actor
	cs := s.cases
	s.saving = true
	s.save.Disable()
	s.say(lang.L("正在保存……"), widget.MediumImportance)
	s.run(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), saveTimeout)
		defer cancel()
		var err error
		fileSaved := false
		if writeFile {
			if err = prefs.Save(file, next); err != nil {
				err = fmt.Errorf("%s%w", lang.L("保存设置文件失败，请检查磁盘空间和文件夹权限后再试："), err)
			}
			fileSaved = err == nil
		}
		if err == nil && writeName {
			if err = cs.SetActor(ctx, name); err != nil {
				err = fmt.Errorf("%s%w", lang.L("保存经办人姓名失败，请再试一次："), err)
			}
		}
		return func() {
			s.saving = false
			s.save.Enable()
			if fileSaved {
				s.env.Saved, s.env.LoadErr = next, nil
			}
			if err != nil {
				s.say(err.Error(), widget.DangerImportance)
				return
			}
			s.actor = name
			s.say("", widget.MediumImportance)
			s.dlg.Hide()
			if s.saved != nil {
				s.saved()
			}
			s.afterSave(s.start, next)
		}
	})
}

// afterSave applies a new font at once and says what waits for a restart.
func (s *settingsScreen) afterSave(prev, next prefs.Settings) {
	var notes []string
	if next.Language != prev.Language {
		notes = append(notes, lang.L("界面语言将在重启接访台后改变。"))
	}
	switch {
	case next.DataDir != prev.DataDir && s.env.FromFlags.Database:
		notes = append(notes, lang.L("数据目录将在不带 --db 重启接访台后改变。"))
	case next.DataDir != prev.DataDir:
		notes = append(notes, lang.L("数据目录将在重启接访台后改变。"))
	}
	if next.Font != prev.Font {
		f, ok := s.loaded[next.Font]
		if next.Font == "" && len(s.system) > 0 {
			f, ok = s.system[0], true
		}
		if ok && s.env.ApplyFont != nil {
			s.env.ApplyFont(f)
			s.env.FontName = f.Name
		} else {
			notes = append(notes, lang.L("新字体将在重启接访台后使用。"))
		}
	}
	if len(notes) > 0 {
		dialog.ShowInformation(lang.L("设置已保存"), strings.Join(notes, "\n"), s.win)
	}
}

// FindFont returns the font to show text in: the file preferred (from
// the command line or the settings) if it is usable, else the one found
// on the system. note tells the user, in Chinese, what went wrong, if
// anything; a Font without Data means none was found.
func FindFont(preferred string) (f fonts.Font, note string) {
	if preferred != "" {
		f, err := fonts.Find(fonts.Options{Preferred: preferred})
		if err == nil {
			return f, ""
		}
		note = fmt.Sprintf(lang.L("字体文件 %s 不能使用，已改用本机自动找到的中文字体。请在“设置”中重新选择字体。"), preferred) +
			"\n" + lang.L("详情：") + err.Error()
	}
	f, err := fonts.Find(fonts.Options{})
	if err != nil {
		msg := err.Error()
		var nf *fonts.NotFoundError
		if errors.As(err, &nf) {
			msg = nf.UserMessage()
		}
		if note != "" {
			msg = note + "\n\n" + msg
		}
		return fonts.Font{}, msg
	}
	return f, note
}
