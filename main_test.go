package main

import (
	"path/filepath"
	"testing"

	"jiefang/app"
	"jiefang/app/prefs"
)

func TestResolvePrecedence(t *testing.T) {
	base := t.TempDir()
	defDB := filepath.Join(base, "default", "jiefang.db")
	defDemo := filepath.Join(base, "default", "demo.db")
	chosen := filepath.Join(base, "chosen")
	explicit := filepath.Join(base, "x", "mine.db")
	saved := prefs.Settings{Language: prefs.English, Font: "/saved.ttc", DataDir: chosen}

	for _, tc := range []struct {
		name  string
		flags flags
		saved prefs.Settings
		want  startup
	}{
		{"nothing saved, no flags: defaults", flags{}, prefs.Defaults(),
			startup{db: defDB, language: prefs.Chinese}},
		{"saved settings", flags{}, saved,
			startup{db: filepath.Join(chosen, "jiefang.db"), language: prefs.English, font: "/saved.ttc"}},
		{"demo in the saved data directory", flags{demo: true}, saved,
			startup{db: filepath.Join(chosen, "demo.db"), language: prefs.English, font: "/saved.ttc"}},
		{"demo in the default data directory", flags{demo: true}, prefs.Defaults(),
			startup{db: defDemo, language: prefs.Chinese}},
		{"flags win", flags{db: explicit, demo: true, lang: prefs.Chinese, font: "/flag.ttf"}, saved,
			startup{db: explicit, language: prefs.Chinese, font: "/flag.ttf",
				from: app.Overrides{Language: true, Font: true, Database: true}}},
		{"empty language in the settings is Chinese", flags{}, prefs.Settings{},
			startup{db: defDB, language: prefs.Chinese}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := resolve(tc.flags, tc.saved, defDB, defDemo)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestResolveRelativeDBIsAbsolute(t *testing.T) {
	got, err := resolve(flags{db: "rel.db"}, prefs.Defaults(), "/d/jiefang.db", "/d/demo.db")
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(got.db) || filepath.Base(got.db) != "rel.db" {
		t.Errorf("db %q", got.db)
	}
}

func TestResolveRefusesUnknownLanguage(t *testing.T) {
	if _, err := resolve(flags{lang: "fr"}, prefs.Defaults(), "/d/jiefang.db", "/d/demo.db"); err == nil {
		t.Fatal("--lang fr accepted")
	}
}
