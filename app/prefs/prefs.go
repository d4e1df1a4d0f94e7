// Package prefs keeps the desk's settings (language, Chinese font file,
// data directory) in a small JSON file, settings.json, in the default
// data directory of the system (cases/store's DataDir) — not in a chosen
// data directory, since the file says where that is.
//
// The desk reads the file before anything else: the data directory must
// be known before the case store is opened, and the language before the
// first widget is built, which is before a Fyne app (and so Fyne's
// Preferences, kept in Fyne's own folder and written when Fyne decides)
// exists. A plain file read at start, written only when the user saves,
// and testable without a GUI, is therefore used instead of
// fyne.App.Preferences.
//
// The package imports neither Fyne nor database/sql and keeps no state.
package prefs

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// FileName is the settings file's name in the default data directory.
const FileName = "settings.json"

// The interface languages.
const (
	Chinese = "zh" // 简体中文, the default
	English = "en"
)

// Settings are the desk's saved settings. An empty Font or DataDir means
// the automatic choice.
type Settings struct {
	// Language is Chinese or English.
	Language string `json:"language"`
	// Font is the Chinese font file the user chose; "": found on the
	// system automatically.
	Font string `json:"font,omitempty"`
	// DataDir is the folder of the desk's databases; "": the system's
	// default data directory.
	DataDir string `json:"data_dir,omitempty"`
}

// Defaults are the settings of a desk that never saved any.
func Defaults() Settings { return Settings{Language: Chinese} }

// ValidLanguage reports whether l is a language the desk speaks.
func ValidLanguage(l string) bool { return l == Chinese || l == English }

// Path is the settings file of the default data directory dir.
func Path(dir string) string { return filepath.Join(dir, FileName) }

// Check reports what is wrong with s, if anything.
func (s Settings) Check() error {
	if !ValidLanguage(s.Language) {
		return fmt.Errorf("unknown language %q (want %q or %q)", s.Language, Chinese, English)
	}
	if s.DataDir != "" && !filepath.IsAbs(s.DataDir) {
		return fmt.Errorf("data directory %q is not an absolute path", s.DataDir)
	}
	return nil
}

// DamagedError reports a settings file that exists but cannot be used.
// Load returns the defaults with it; the file stays as it is until the
// user saves settings again.
type DamagedError struct {
	Path string
	Err  error
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("prefs: settings file %s is damaged: %v", e.Path, e.Err)
}

func (e *DamagedError) Unwrap() error { return e.Err }

// Load reads the settings file at path. A missing file gives the
// defaults and no error. A file that cannot be read or understood gives
// the defaults and an error (a *DamagedError if it was read but is not
// valid settings); the file is left untouched.
func Load(path string) (Settings, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Defaults(), nil
	}
	if err != nil {
		return Defaults(), fmt.Errorf("prefs: read settings: %w", err)
	}
	var s Settings
	if err := json.Unmarshal(data, &s); err != nil {
		return Defaults(), &DamagedError{Path: path, Err: err}
	}
	if s.Language == "" {
		s.Language = Defaults().Language
	}
	if err := s.Check(); err != nil {
		return Defaults(), &DamagedError{Path: path, Err: err}
	}
	return s, nil
}

// Save writes s to path atomically: into a temporary file in the same
// directory, flushed to disk, then renamed over path, so that a crash or
// a full disk leaves the old file or the new one, never half of one. It
// creates the directory if needed.
func Save(path string, s Settings) (err error) {
	if err := s.Check(); err != nil {
		return fmt.Errorf("prefs: save: %w", err)
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("prefs: save: %w", err)
	}
	data = append(data, '\n')
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("prefs: save: %w", err)
	}
	tmp, err := os.CreateTemp(dir, FileName+".*.tmp")
	if err != nil {
		return fmt.Errorf("prefs: save: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("prefs: save: write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("prefs: save: flush %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("prefs: save: close %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("prefs: save: %w", err)
	}
	return nil
}
