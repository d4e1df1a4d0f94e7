// Jiefang is 接访台, the reception desk for petition (信访) work: it opens
// the case store and shows the desk window.
//
//	jiefang [--db PATH] [--demo] [--lang zh|en] [--font FILE] [--timings]
//
// A flag wins over the saved setting (设置, settings.json in the default
// data directory), which wins over the default.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"jiefang/app"
	"jiefang/app/prefs"
	"jiefang/assets"
	"jiefang/assets/fonts"
	"jiefang/cases/store"
	"jiefang/cases/triage"
	"jiefang/legal"
	"jiefang/sync/client"
)

func main() {
	started := time.Now()
	var f flags
	flag.StringVar(&f.db, "db", "", "数据库文件 / database file (default: jiefang.db in the data directory)")
	flag.BoolVar(&f.demo, "demo", false, "打开演示数据库 / open the demo database (demo.db in the data directory)")
	flag.StringVar(&f.lang, "lang", "", "界面语言 zh 或 en，默认用“设置”中的选择 / interface language (default: as set in 设置)")
	flag.StringVar(&f.font, "font", "", "中文字体文件，默认用“设置”中的选择 / Chinese font file (default: as set in 设置)")
	flag.BoolVar(&f.timings, "timings", false, "在标准错误输出列表和搜索的耗时 / write how long the list and each search took to stderr")
	flag.Parse()
	f.started = started
	if err := run(f); err != nil {
		fmt.Fprintln(os.Stderr, "jiefang:", err)
		if runtime.GOOS == "windows" {
			// No console: the error must be seen in a window.
			app.ShowStartError(fyneapp.NewWithID(appID), err.Error())
		}
		os.Exit(1)
	}
}

// appID names the desk to the system (and Fyne's storage).
const appID = "cn.jiefang.desk"

// flags are the command-line flags; "" (false) means not given.
type flags struct {
	db   string
	demo bool
	lang string
	font string

	timings bool      // write the list's and searches' timings to stderr
	started time.Time // when the program started, for --timings
}

// startup is what the desk starts with.
type startup struct {
	db       string // the database file
	language string // prefs.Chinese or prefs.English
	font     string // the preferred font file; "": found on the system
	from     app.Overrides
}

// resolve decides what the desk starts with: a flag wins over the saved
// setting, which wins over the default. defaultDB and defaultDemo are the
// databases of the system's default data directory (store.DefaultPath,
// store.DemoPath); a saved data directory holds files of the same names.
func resolve(f flags, saved prefs.Settings, defaultDB, defaultDemo string) (startup, error) {
	st := startup{language: prefs.Chinese}
	if saved.Language != "" {
		st.language = saved.Language
	}
	if f.lang != "" {
		if !prefs.ValidLanguage(f.lang) {
			return startup{}, fmt.Errorf("--lang %q: want %s or %s", f.lang, prefs.Chinese, prefs.English)
		}
		st.language, st.from.Language = f.lang, true
	}
	st.font = saved.Font
	if f.font != "" {
		st.font, st.from.Font = f.font, true
	}
	dir := filepath.Dir(defaultDB)
	if saved.DataDir != "" {
		dir = saved.DataDir
	}
	switch {
	case f.db != "":
		db, err := filepath.Abs(f.db)
		if err != nil {
			return startup{}, fmt.Errorf("--db: %w", err)
		}
		st.db, st.from.Database = db, true
	case f.demo:
		st.db = filepath.Join(dir, filepath.Base(defaultDemo))
	default:
		st.db = filepath.Join(dir, filepath.Base(defaultDB))
	}
	return st, nil
}

func run(f flags) error {
	env, saved, err := loadSettings()
	if err != nil && f.db == "" {
		return err // no data directory: nowhere to keep the database either
	}
	st, err := resolve(f, saved, env.defaultDB, env.defaultDemo)
	if err != nil {
		return err
	}
	mark := func(what string) {
		if f.timings {
			fmt.Fprintf(os.Stderr, "%s: %d ms after start\n", what, time.Since(f.started).Milliseconds())
		}
	}
	inst, err := acquireInstance(st.db, instanceWait)
	if err != nil {
		return err
	}
	if inst == nil {
		return nil // the desk already open on st.db was brought forward
	}
	defer inst.Close() // last: the lock outlives the open store
	s, err := store.Open(st.db, store.Options{})
	if err != nil {
		if o, ok := store.AsOpenError(err); ok {
			return fmt.Errorf("%s\n%w", o.Message, err)
		}
		if saved.DataDir != "" && !st.from.Database {
			return fmt.Errorf("open the database in the data directory %s set in %s (change it there, or start with --db): %w", saved.DataDir, env.file, err)
		}
		return err
	}
	defer s.Close()
	isDemo, err := s.IsDemo(context.Background())
	if err != nil {
		return err
	}
	if err := app.UseLanguage(st.language); err != nil {
		fmt.Fprintln(os.Stderr, "jiefang:", err)
	}
	a := fyneapp.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	deps := app.Deps{Cases: s, DeviceCode: s.Device().Code, Demo: isDemo, Version: version()}
	if f.timings {
		deps.Timings, deps.Started = os.Stderr, f.started
	}
	if !isDemo {
		// Demo data never leaves the machine: no syncer for it.
		syncer := client.NewSyncer(s, client.DeviceInfo{ID: s.Device().ID, Code: s.Device().Code})
		ctx, stop := context.WithCancel(context.Background())
		defer stop()
		go syncer.Run(ctx)
		ds := deskSync{s: syncer, k: s}
		deps.Sync = ds
		// A code the installer left (/ENROLL=…) connects the desk.
		go func() {
			if err := enrollFromFile(ctx, filepath.Dir(env.defaultDB), ds, enrollRetry, os.Stderr); err != nil && ctx.Err() == nil {
				fmt.Fprintln(os.Stderr, "jiefang:", err)
			}
		}()
	}
	mark("store open")
	imported, err := s.ImportedLaws(context.Background())
	if err != nil {
		// The laws that read are still shown; the others are named.
		fmt.Fprintln(os.Stderr, "jiefang:", err)
	}
	if deps.Statutes, err = statutes(imported); err != nil {
		// Step 5 says the library is missing and pins by citation only.
		fmt.Fprintln(os.Stderr, "jiefang:", err)
	}
	deps.Guides = app.LegalGuides(deps.Statutes)
	deps.Registry = &deskRegistry{s: s}
	similar := &deskSimilar{s: s}
	deps.Similar = similar
	if deps.Scorer, err = scorer(filepath.Dir(st.db)); err != nil {
		fmt.Fprintln(os.Stderr, "jiefang:", err) // cases are not scored
	}
	mark("statutes loaded")
	font, note := app.FindFont(st.font)
	mark("font found")
	deps.FontNote = note
	a.Settings().SetTheme(app.NewTheme(font))
	if env.file != "" {
		deps.Settings = &app.SettingsEnv{
			File:           env.file,
			Saved:          saved,
			LoadErr:        env.loadErr,
			DefaultDataDir: filepath.Dir(env.defaultDB),
			DatabaseName:   filepath.Base(env.defaultDB),
			Database:       st.db,
			FontName:       font.Name,
			FromFlags:      st.from,
			ApplyFont:      func(f fonts.Font) { a.Settings().SetTheme(app.NewTheme(f)) },
		}
	}
	d := app.NewDesk(a, deps)
	mark("window built")
	d.Start()
	// The similarity index is built while the clerk looks at the list,
	// so that 三维甄别 and the collective rule need not wait for it.
	warm, stopWarm := context.WithCancel(context.Background())
	defer stopWarm()
	go similar.Warm(warm)
	inst.OnRaise(func() { raiseWindow(d.Window()) })
	d.Window().ShowAndRun()
	inst.Closing()
	return nil
}

// scorer builds the intensity scorer from our word lists
// (assets.Triage) and the township's own, triage-words.txt in the data
// directory dir, if there is one. A bad line of the township's file is
// reported and skipped.
func scorer(dir string) (*triage.Scorer, error) {
	var extra io.Reader
	f, err := os.Open(filepath.Join(dir, triage.ExtensionFile))
	switch {
	case err == nil:
		defer f.Close()
		extra = f
	case !errors.Is(err, fs.ErrNotExist):
		fmt.Fprintln(os.Stderr, "jiefang:", err)
	}
	lex, problems, err := triage.LoadLexicon(assets.Triage, extra)
	for _, p := range problems {
		fmt.Fprintln(os.Stderr, "jiefang:", triage.ExtensionFile+":", p)
	}
	if err != nil {
		return nil, fmt.Errorf("the intensity word lists: %w", err)
	}
	return triage.NewScorer(lex), nil
}

// statutes builds the statute library: the summaries shipped with the
// desk (assets.Statutes) merged with the official texts imported into
// the store (jiefangctl legal import), which give the tree its
// structure and text; imported may be nil.
func statutes(imported []*legal.Law) (*legal.Library, error) {
	shipped, err := legal.LoadShipped(assets.Statutes)
	if err != nil {
		return nil, fmt.Errorf("the statute summaries built into the desk: %w", err)
	}
	lib, err := legal.NewLibrary(shipped, imported)
	if err != nil {
		return nil, fmt.Errorf("the statute library: %w", err)
	}
	return lib, nil
}

// settingsEnv is where the settings and the default databases are.
type settingsEnv struct {
	file        string // settings.json; "": the default data directory is unknown
	loadErr     error  // why file could not be read
	defaultDB   string
	defaultDemo string
}

// loadSettings reads the saved settings from the default data directory.
// A damaged file gives the defaults (the desk tells the user); an error
// means the default data directory itself is unknown.
func loadSettings() (settingsEnv, prefs.Settings, error) {
	var env settingsEnv
	var err error
	if env.defaultDB, err = store.DefaultPath(os.Getenv); err != nil {
		return env, prefs.Defaults(), err
	}
	if env.defaultDemo, err = store.DemoPath(os.Getenv); err != nil {
		return env, prefs.Defaults(), err
	}
	env.file = prefs.Path(filepath.Dir(env.defaultDB))
	saved, err := prefs.Load(env.file)
	if err != nil {
		env.loadErr = err
		fmt.Fprintln(os.Stderr, "jiefang:", err)
	}
	return env, saved, nil
}
