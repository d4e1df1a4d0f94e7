package fonts

import (
	"errors"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// env returns a Getenv backed by m.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// realFaces returns the real collection and its two faces as single fonts.
func realFaces(t *testing.T) (ttc, face0, face1 []byte) {
	t.Helper()
	ttc = readWQY(t)
	var err error
	if face0, err = Extract(ttc, 0); err != nil {
		t.Fatal(err)
	}
	if face1, err = Extract(ttc, 1); err != nil {
		t.Fatal(err)
	}
	return ttc, face0, face1
}

func TestFindPreferredWins(t *testing.T) {
	ttc, _, mono := realFaces(t)
	sys := t.TempDir()
	writeFile(t, sys, "wqy/wqy-microhei.ttc", ttc)
	mine := writeFile(t, t.TempDir(), "我的字体.ttf", mono)

	f, err := Find(Options{Preferred: mine, GOOS: "linux", Dirs: []string{sys}})
	if err != nil {
		t.Fatal(err)
	}
	if f.Path != mine || f.Name != "WenQuanYi Micro Hei Mono" || f.Index != 0 || !f.TrueType {
		t.Errorf("Find = %s %q #%d tt=%v; want the preferred file", f.Path, f.Name, f.Index, f.TrueType)
	}
	if !reflect.DeepEqual(f.Data, mono) {
		t.Error("Data is not the preferred font")
	}
}

func TestFindPreferredBrokenIsReported(t *testing.T) {
	ttc, _, _ := realFaces(t)
	sys := t.TempDir()
	writeFile(t, sys, "wqy-microhei.ttc", ttc)
	bad := writeFile(t, t.TempDir(), "broken.ttc", ttc[:4096])

	_, err := Find(Options{Preferred: bad, GOOS: "linux", Dirs: []string{sys}})
	if err == nil {
		t.Fatal("Find fell back silently from a broken preferred font")
	}
	var nf *NotFoundError
	if errors.As(err, &nf) || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("error %q: want a load error naming %s and the problem", err, bad)
	}
}

func TestFindLinuxOrder(t *testing.T) {
	ttc, _, _ := realFaces(t)
	d0, d1, d2, d3 := t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir()
	writeFile(t, d0, "broken/wqy-microhei.ttc", ttc[:100])          // best name, unusable
	writeFile(t, d1, "truetype/wqy/wqy-zenhei.ttc", ttc)            // second name
	want := writeFile(t, d2, "deep/er/still/WQY-MicroHei.ttc", ttc) // best name, found by case-insensitive walk
	writeFile(t, d3, "wqy-microhei.ttc", ttc)                       // same name, later directory
	writeFile(t, d3, "NotoSansCJK-Regular.ttc", synthCollection(synthFace("Noto Sans CJK SC", true)))

	f, err := Find(Options{GOOS: "linux", Dirs: []string{d0, d1, d2, d3}})
	if err != nil {
		t.Fatal(err)
	}
	if f.Path != want || f.Index != 0 || f.Name != "WenQuanYi Micro Hei" || !f.TrueType {
		t.Errorf("Find = %s %q #%d; want %s face 0", f.Path, f.Name, f.Index, want)
	}

	// Without the microhei files, zenhei comes next, before Noto.
	f, err = Find(Options{GOOS: "linux", Dirs: []string{d0, d1}})
	if err != nil || filepath.Base(f.Path) != "wqy-zenhei.ttc" {
		t.Errorf("Find = %s, %v; want wqy-zenhei.ttc", f.Path, err)
	}
}

func TestFindNotoPicksSCFaceByName(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "opentype/noto/NotoSansCJK-Regular.ttc", synthCollection(
		synthFace("Noto Sans CJK JP", true),
		synthFace("Noto Sans Mono CJK SC", true),
		synthFace("Noto Sans CJK KR", true),
		synthFace("Noto Sans CJK SC", true),
		synthFace("Noto Sans CJK TC", true),
	))
	f, err := Find(Options{GOOS: "linux", Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	if f.Path != path || f.Index != 3 || f.Name != "Noto Sans CJK SC" {
		t.Errorf("Find = %s %q #%d; want face 3 \"Noto Sans CJK SC\"", f.Path, f.Name, f.Index)
	}
	if f.TrueType {
		t.Error("CFF face marked TrueType (usable for PDF)")
	}
	if faces, err := Faces(f.Data); err != nil || len(faces) != 1 {
		t.Errorf("Data is not a single font: %v %v", faces, err)
	}
}

func TestFindWindows(t *testing.T) {
	ttc, face0, mono := realFaces(t)
	win, local := t.TempDir(), t.TempDir()
	writeFile(t, win, "Fonts/wqy-microhei.ttc", ttc) // Linux name: ignored on Windows
	writeFile(t, win, "Fonts/sub/msyh.ttc", ttc)     // the Fonts folder is flat: ignored
	writeFile(t, win, "Fonts/Deng.ttf", face0)
	want := writeFile(t, local, "Microsoft/Windows/Fonts/SimHei.ttf", mono)
	getenv := env(map[string]string{"WINDIR": win, "LOCALAPPDATA": local})

	f, err := Find(Options{GOOS: "windows", Getenv: getenv})
	if err != nil {
		t.Fatal(err)
	}
	if f.Path != want || f.Name != "WenQuanYi Micro Hei Mono" {
		t.Errorf("Find = %s %q; want %s (simhei.ttf beats Deng.ttf)", f.Path, f.Name, want)
	}

	// msyh.ttc in the system folder beats everything.
	msyh := writeFile(t, win, "Fonts/msyh.ttc", ttc)
	if f, err = Find(Options{GOOS: "windows", Getenv: getenv}); err != nil || f.Path != msyh || f.Index != 0 {
		t.Errorf("Find = %s #%d, %v; want %s face 0", f.Path, f.Index, err, msyh)
	}
}

func TestFindNotFound(t *testing.T) {
	ttc, _, _ := realFaces(t)
	dir := t.TempDir()
	writeFile(t, dir, "dejavu/DejaVuSans.ttf", synthCollection(latinFace("DejaVu Sans"))) // scanned, but no Chinese
	writeFile(t, dir, "cut/Cut.TTC", ttc[:4096])                                          // scanned, but truncated
	broken := writeFile(t, dir, "wqy/wqy-zenhei.ttc", []byte("not a font at all"))

	_, err := Find(Options{GOOS: "linux", Dirs: []string{dir, filepath.Join(dir, "missing")}})
	var nf *NotFoundError
	if !errors.As(err, &nf) {
		t.Fatalf("Find = %v, want *NotFoundError", err)
	}
	if len(nf.Rejected) != 1 || !strings.Contains(nf.Rejected[0].Error(), broken) {
		t.Errorf("Rejected = %v, want the broken %s", nf.Rejected, broken)
	}
	for _, want := range []string{"未找到中文字体", "apt-get install fonts-wqy-microhei", "设置"} {
		if !strings.Contains(nf.UserMessage(), want) {
			t.Errorf("UserMessage %q lacks %q", nf.UserMessage(), want)
		}
	}
	if nf.Scanned != 2 {
		t.Errorf("Scanned = %d, want 2 (Cut.TTC, DejaVuSans.ttf; wqy-zenhei.ttc was tried by name)", nf.Scanned)
	}
	for _, want := range []string{"no Simplified Chinese font found", "apt-get install fonts-wqy-microhei", dir, "wqy-zenhei.ttc", "scanned 2 other font file"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Error %q lacks %q", err, want)
		}
	}

	_, err = Find(Options{GOOS: "windows", Getenv: env(map[string]string{"WINDIR": t.TempDir()})})
	if !errors.As(err, &nf) {
		t.Fatalf("Find = %v, want *NotFoundError", err)
	}
	for _, want := range []string{"微软雅黑", "msyh.ttc", "设置"} {
		if !strings.Contains(nf.UserMessage(), want) {
			t.Errorf("Windows UserMessage %q lacks %q", nf.UserMessage(), want)
		}
	}
	if !strings.Contains(err.Error(), "Microsoft YaHei") {
		t.Errorf("Windows Error %q lacks Microsoft YaHei", err)
	}
}

func TestSystemDirs(t *testing.T) {
	cases := []struct {
		goos string
		env  map[string]string
		want []string
	}{
		{"linux", map[string]string{"HOME": "/home/a"},
			[]string{"/usr/share/fonts", "/usr/local/share/fonts", "/home/a/.local/share/fonts"}},
		{"linux", map[string]string{"HOME": "/home/a", "XDG_DATA_HOME": "/data"},
			[]string{"/usr/share/fonts", "/usr/local/share/fonts", "/data/fonts", "/home/a/.local/share/fonts"}},
		{"linux", map[string]string{"HOME": "/home/a", "XDG_DATA_HOME": "/home/a/.local/share"},
			[]string{"/usr/share/fonts", "/usr/local/share/fonts", "/home/a/.local/share/fonts"}},
		{"windows", map[string]string{"WINDIR": "/w", "LOCALAPPDATA": "/l"},
			[]string{filepath.Join("/w", "Fonts"), filepath.Join("/l", "Microsoft", "Windows", "Fonts")}},
		{"windows", map[string]string{"SystemRoot": "/sr"}, []string{filepath.Join("/sr", "Fonts")}},
	}
	for _, c := range cases {
		if got := systemDirs(c.goos, env(c.env)); !reflect.DeepEqual(got, c.want) {
			t.Errorf("systemDirs(%s, %v) = %q, want %q", c.goos, c.env, got, c.want)
		}
	}
}

// TestFindThisMachine runs the zero-value search against the real system.
func TestFindThisMachine(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the test machine setup (fonts-wqy-microhei) is Linux")
	}
	readWQY(t)
	f, err := Find(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "WenQuanYi Micro Hei" || !f.TrueType || len(f.Data) == 0 {
		t.Errorf("Find(Options{}) = %s %q #%d tt=%v", f.Path, f.Name, f.Index, f.TrueType)
	}
}
