package store

import (
	"path/filepath"
	"testing"
)

func TestDataDir(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cases := []struct {
		goos string
		env  map[string]string
		want string
	}{
		{"windows", map[string]string{"LOCALAPPDATA": `C:\Users\wf\AppData\Local`}, filepath.Join(`C:\Users\wf\AppData\Local`, "Jiefang")},
		{"windows", map[string]string{"USERPROFILE": `C:\Users\wf`}, filepath.Join(`C:\Users\wf`, "AppData", "Local", "Jiefang")},
		{"linux", map[string]string{"XDG_DATA_HOME": "/data/x", "HOME": "/home/wf"}, "/data/x/jiefang"},
		{"linux", map[string]string{"XDG_DATA_HOME": "relative/ignored", "HOME": "/home/wf"}, "/home/wf/.local/share/jiefang"},
		{"linux", map[string]string{"HOME": "/home/wf"}, "/home/wf/.local/share/jiefang"},
	}
	for _, c := range cases {
		got, err := DataDir(env(c.env), c.goos)
		if err != nil || got != c.want {
			t.Errorf("%s %v: got %q, %v; want %q", c.goos, c.env, got, err, c.want)
		}
	}
	if _, err := DataDir(env(nil), "linux"); err == nil {
		t.Error("no HOME: want an error saying to use --db")
	}
	if _, err := DataDir(env(nil), "windows"); err == nil {
		t.Error("no LOCALAPPDATA: want an error")
	}
}
