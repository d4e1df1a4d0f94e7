// Jiefang is 接访台, the reception desk for petition (信访) work: it opens
// the case store and shows the desk window.
//
//	jiefang [--db PATH] [--demo] [--lang zh|en]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"jiefang/app"
	"jiefang/assets"
	"jiefang/assets/fonts"
	"jiefang/cases/store"
	"jiefang/sync/client"
)

func main() {
	db := flag.String("db", "", "数据库文件 / database file (default: jiefang.db in the data directory)")
	demo := flag.Bool("demo", false, "打开演示数据库 / open the demo database (demo.db in the data directory)")
	language := flag.String("lang", "zh", "界面语言 zh 或 en / interface language")
	font := flag.String("font", "", "中文字体文件 / Chinese font file to use")
	flag.Parse()
	if err := run(*db, *demo, *language, *font); err != nil {
		fmt.Fprintln(os.Stderr, "jiefang:", err)
		os.Exit(1)
	}
}

func run(db string, demo bool, language, font string) error {
	path, err := dbPath(db, demo)
	if err != nil {
		return err
	}
	s, err := store.Open(path, store.Options{})
	if err != nil {
		if o, ok := store.AsOpenError(err); ok {
			return fmt.Errorf("%s\n%w", o.Message, err)
		}
		return err
	}
	defer s.Close()
	isDemo, err := s.IsDemo(context.Background())
	if err != nil {
		return err
	}
	if err := app.UseLanguage(language); err != nil {
		fmt.Fprintln(os.Stderr, "jiefang:", err)
	}
	a := fyneapp.NewWithID("cn.jiefang.desk")
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	deps := app.Deps{Cases: s, DeviceCode: s.Device().Code, Demo: isDemo}
	if !isDemo {
		// Demo data never leaves the machine: no syncer for it.
		syncer := client.NewSyncer(s, client.DeviceInfo{ID: s.Device().ID, Code: s.Device().Code})
		ctx, stop := context.WithCancel(context.Background())
		defer stop()
		go syncer.Run(ctx)
		deps.Sync = deskSync{syncer}
	}
	f, err := fonts.Find(fonts.Options{Preferred: font})
	if err != nil {
		deps.FontNote = err.Error()
		if nf, ok := err.(*fonts.NotFoundError); ok {
			deps.FontNote = nf.UserMessage()
		}
	}
	a.Settings().SetTheme(app.NewTheme(f))
	d := app.NewDesk(a, deps)
	d.Start()
	d.Window().ShowAndRun()
	return nil
}

func dbPath(db string, demo bool) (string, error) {
	switch {
	case db != "":
		return filepath.Abs(db)
	case demo:
		return store.DemoPath(os.Getenv)
	default:
		return store.DefaultPath(os.Getenv)
	}
}
