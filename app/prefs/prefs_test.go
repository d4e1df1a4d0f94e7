package prefs

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := Path(filepath.Join(dir, "jiefang")) // the directory does not exist yet
	want := Settings{Language: English, Font: "/usr/share/fonts/x.ttc", DataDir: filepath.Join(dir, "data")}
	if err := Save(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("loaded %+v, saved %+v", got, want)
	}
	// Saving again replaces the file.
	want = Settings{Language: Chinese}
	if err := Save(path, want); err != nil {
		t.Fatal(err)
	}
	if got, err := Load(path); err != nil || got != want {
		t.Fatalf("after second save: %+v, %v", got, err)
	}
}

func TestMissingFileGivesDefaults(t *testing.T) {
	got, err := Load(filepath.Join(t.TempDir(), FileName))
	if err != nil {
		t.Fatal(err)
	}
	if got != Defaults() || got.Language != Chinese {
		t.Fatalf("got %+v, want the defaults", got)
	}
}

func TestDamagedFileGivesErrorAndDefaults(t *testing.T) {
	for name, content := range map[string]string{
		"not JSON":          `{"language": "en", `,
		"unknown language":  `{"language": "fr"}`,
		"relative data dir": `{"language": "zh", "data_dir": "data"}`,
		"wrong type":        `{"language": 1}`,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), FileName)
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := Load(path)
			var d *DamagedError
			if !errors.As(err, &d) || d.Path != path {
				t.Fatalf("error %v, want a DamagedError for %s", err, path)
			}
			if got != Defaults() {
				t.Errorf("got %+v, want the defaults", got)
			}
			// Loading never repairs or replaces the file behind the user's back.
			if b, _ := os.ReadFile(path); string(b) != content {
				t.Errorf("file changed to %q", b)
			}
		})
	}
}

func TestEmptyLanguageIsChinese(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(path, []byte(`{"font": "/f.ttf"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil || got != (Settings{Language: Chinese, Font: "/f.ttf"}) {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestSaveLeavesNoTempFiles(t *testing.T) {
	dir := t.TempDir()
	path := Path(dir)
	for _, l := range []string{Chinese, English, Chinese} {
		if err := Save(path, Settings{Language: l}); err != nil {
			t.Fatal(err)
		}
	}
	// A refused save writes nothing at all.
	if err := Save(path, Settings{Language: "fr"}); err == nil {
		t.Fatal("saved an unknown language")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != FileName {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("directory holds %v, want only %s", names, FileName)
	}
	if got, err := Load(path); err != nil || got.Language != Chinese {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestFailedSaveLeavesNoTempFile(t *testing.T) {
	// A non-empty directory where the file should be: the rename fails.
	blocked := t.TempDir()
	if err := os.MkdirAll(Path(blocked), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(Path(blocked), "x"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Save(Path(blocked), Settings{Language: Chinese}); err == nil {
		t.Fatal("saved over a directory")
	}
	entries, _ := os.ReadDir(blocked)
	if len(entries) != 1 {
		t.Errorf("a failed save left %d entries in %s, want only %s", len(entries), blocked, FileName)
	}
}
