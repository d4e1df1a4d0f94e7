package store

import (
	"errors"
	"path/filepath"
	"runtime"
)

// DataDir returns the desk's data directory: %LOCALAPPDATA%\Jiefang on
// Windows, $XDG_DATA_HOME/jiefang (default ~/.local/share/jiefang)
// elsewhere. getenv is os.Getenv in production; goos is runtime.GOOS.
func DataDir(getenv func(string) string, goos string) (string, error) {
	if goos == "windows" {
		if d := getenv("LOCALAPPDATA"); d != "" {
			return filepath.Join(d, "Jiefang"), nil
		}
		if d := getenv("USERPROFILE"); d != "" {
			return filepath.Join(d, "AppData", "Local", "Jiefang"), nil
		}
		return "", errors.New("store: neither LOCALAPPDATA nor USERPROFILE is set")
	}
	if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "jiefang"), nil
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".local", "share", "jiefang"), nil
	}
	return "", errors.New("store: HOME is not set; give the database path with --db")
}

// DefaultPath is the desk's database in the data directory of this system.
func DefaultPath(getenv func(string) string) (string, error) {
	d, err := DataDir(getenv, runtime.GOOS)
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "jiefang.db"), nil
}

// DemoPath is the demo database in the data directory of this system.
func DemoPath(getenv func(string) string) (string, error) {
	d, err := DataDir(getenv, runtime.GOOS)
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "demo.db"), nil
}
