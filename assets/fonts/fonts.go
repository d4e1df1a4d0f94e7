// Package fonts finds a Simplified Chinese font on the machine and turns it
// into a standalone TrueType/OpenType font in memory, for both the Fyne GUI
// (whose own font has no CJK glyphs, and whose system fallback shows Chinese
// in Japanese glyph forms) and the PDF writer.
//
// [Find] first looks for the well-known Chinese font files by name
// (Windows: msyh.ttc, simhei.ttf, Deng.ttf; Linux: wqy-microhei.ttc,
// wqy-zenhei.ttc, NotoSansCJK-Regular.ttc). If none is usable, it scans
// every font file in the same directories for a face that maps common
// Simplified Chinese characters, reading only the few tables that tell
// (header, table directory, cmap, name), and never taking Japanese, Korean
// or Traditional Chinese fonts. That finds a font on Windows without
// Microsoft YaHei, under wine, and on distributions (UOS, Kylin) that ship
// CJK fonts under other names.
//
// Neither Fyne nor go-pdf/fpdf accepts a font collection (.ttc), yet the
// usual Chinese fonts ship as collections (Windows' msyh.ttc, Debian's
// wqy-microhei.ttc). [Find] and [Load] therefore pick the right face of a
// collection and [Extract] it into a single font. Fonts with CFF outlines
// (Noto Sans CJK) work in Fyne but not in fpdf; see [Font.TrueType].
//
// The package keeps no global state; every call reads the files anew.
package fonts

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"unicode"
)

// Font is one Simplified Chinese font face, ready to hand to Fyne
// (as a resource) or to fpdf (AddUTF8FontFromBytes).
type Font struct {
	// Name is the face's English family name, e.g. "WenQuanYi Micro Hei".
	Name string
	// Path is the file the face was read from.
	Path string
	// Index is the face's index in Path (0 unless Path is a collection).
	Index int
	// TrueType reports glyf (TrueType) outlines. Only such fonts can be
	// embedded by the PDF writer; CFF fonts (e.g. Noto Sans CJK) are for the
	// GUI only.
	TrueType bool
	// Data is the face as a standalone font file, never a collection.
	Data []byte
}

// Options controls [Find]. The zero value searches the current system.
type Options struct {
	// Preferred is a font file the user chose in settings. If set, it is
	// used exclusively: if it cannot be loaded, Find returns that error
	// instead of silently falling back, so the user can be told. Call Find
	// again with Preferred empty to fall back to the system fonts.
	Preferred string
	// GOOS selects the search list ("windows" or anything else for the
	// Linux list); empty means runtime.GOOS.
	GOOS string
	// Dirs, if non-nil, replaces the system font directories.
	Dirs []string
	// Getenv looks up environment variables (WINDIR, LOCALAPPDATA,
	// XDG_DATA_HOME, HOME) for the default directories; nil means os.Getenv.
	Getenv func(string) string
}

// File names searched for, best first.
var (
	windowsNames = []string{"msyh.ttc", "simhei.ttf", "Deng.ttf"}
	linuxNames   = []string{"wqy-microhei.ttc", "wqy-zenhei.ttc", "NotoSansCJK-Regular.ttc"}
)

// sampleText must be covered by any font we accept: common characters of
// the desk's own vocabulary (征地补偿 = land-acquisition compensation).
const sampleText = "中文征地补偿"

// maxFileSize bounds what Load reads; real CJK collections are ~20-60 MB.
const maxFileSize = 256 << 20

// NotFoundError reports that no usable Simplified Chinese font was found.
// Error gives English text for logs; UserMessage gives Chinese text for the
// desk clerk, naming what to install.
type NotFoundError struct {
	// GOOS is the system the search was for.
	GOOS string
	// Dirs are the directories searched.
	Dirs []string
	// Rejected holds, for each file found by a well-known name but
	// unusable, the reason (already mentioning the path); then the reasons
	// for the first few faces the scan turned down for their family name,
	// and for the scan's choices that Load refused.
	Rejected []error
	// Scanned is how many other font files the scan read.
	Scanned int
	// Foreign is how many faces the scan found mapping common Chinese but
	// turned down for their family name (Japanese, Korean or Traditional
	// Chinese fonts).
	Foreign int
}

// Error describes the failed search in English.
func (e *NotFoundError) Error() string {
	var b strings.Builder
	b.WriteString("fonts: no Simplified Chinese font found")
	if len(e.Dirs) > 0 {
		fmt.Fprintf(&b, " in %s", strings.Join(e.Dirs, ", "))
	}
	fmt.Fprintf(&b, "; scanned %d other font file(s) (.ttf, .ttc, .otf, .otc) for common Simplified Chinese: none usable", e.Scanned)
	if e.Foreign > 0 {
		fmt.Fprintf(&b, " (%d face(s) map it but are Japanese, Korean or Traditional Chinese fonts)", e.Foreign)
	}
	for _, r := range e.Rejected {
		fmt.Fprintf(&b, "; rejected: %v", r)
	}
	if e.GOOS == "windows" {
		b.WriteString("; Microsoft YaHei (msyh.ttc) should be present in C:\\Windows\\Fonts, or choose a font file in settings")
	} else {
		b.WriteString("; install one with `apt-get install fonts-wqy-microhei` (Debian/Ubuntu), or choose a font file in settings")
	}
	return b.String()
}

// UserMessage explains the problem and the remedy in Simplified Chinese.
func (e *NotFoundError) UserMessage() string {
	if e.GOOS == "windows" {
		return "未找到中文字体。Windows 通常自带“微软雅黑”字体（C:\\Windows\\Fonts\\msyh.ttc），" +
			"请检查它是否被删除或损坏；也可以在“设置”中选择一个中文字体文件（.ttf 或 .ttc）。"
	}
	return "未找到中文字体。请安装文泉驿微米黑字体：在终端中运行 sudo apt-get install fonts-wqy-microhei" +
		"（Debian、Ubuntu、统信 UOS、麒麟等系统），然后重新启动本程序；" +
		"也可以在“设置”中选择一个中文字体文件（.ttf 或 .ttc）。"
}

// Find returns a Simplified Chinese font: opts.Preferred if set, otherwise
// one of the system fonts. The system font directories are
//
//   - on Windows, %WINDIR%\Fonts and %LOCALAPPDATA%\Microsoft\Windows\Fonts
//     (flat, not recursively);
//   - on Linux and others, /usr/share/fonts, /usr/local/share/fonts,
//     $XDG_DATA_HOME/fonts and ~/.local/share/fonts, recursively.
//
// Find first tries the well-known file names there, in this order (each
// name in every directory before the next name), and takes the first that
// [Load] accepts:
//
//   - Windows: msyh.ttc, simhei.ttf, Deng.ttf;
//   - Linux and others: wqy-microhei.ttc, wqy-zenhei.ttc,
//     NotoSansCJK-Regular.ttc.
//
// If none is usable, Find scans every other font file in the same
// directories (.ttf, .ttc, .otf, .otc, in any case) for faces that map a
// sample of common Simplified-only characters, reading only each file's
// header, table directories and head, cmap and name tables. A face whose
// family name is marked for another region (JP, KR, TC, HK...) or is a
// known Japanese, Korean or Traditional Chinese family (MS Gothic, Meiryo,
// Malgun Gothic, MingLiU...) is never taken. Among the rest Find prefers,
// in this order: a name marked Simplified (SC, CN, GB), TrueType over CFF
// outlines, not "Mono", neither bold nor italic, and then the first found
// (directories in the order above, files in lexical order, lower face
// index first). Only the chosen file is read in full, by [Load].
//
// If nothing usable is found the error is a *[NotFoundError].
func Find(opts Options) (Font, error) {
	if opts.Preferred != "" {
		f, err := Load(opts.Preferred, -1)
		if err != nil {
			return Font{}, fmt.Errorf("fonts: preferred font: %w", err)
		}
		return f, nil
	}
	goos := opts.GOOS
	if goos == "" {
		goos = runtime.GOOS
	}
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	dirs := opts.Dirs
	if dirs == nil {
		dirs = systemDirs(goos, getenv)
	}
	names := linuxNames
	if goos == "windows" {
		names = windowsNames
	}
	nf := &NotFoundError{GOOS: goos, Dirs: dirs}
	files := listFiles(dirs, goos != "windows")
	tried := make(map[string]bool)
	for _, path := range candidates(files, names) {
		tried[path] = true
		f, err := Load(path, -1)
		if err == nil {
			return f, nil
		}
		nf.Rejected = append(nf.Rejected, err)
	}
	if f, ok := findByScan(files, tried, nf); ok {
		return f, nil
	}
	return Font{}, nf
}

// systemDirs returns the font directories for goos, without duplicates.
func systemDirs(goos string, getenv func(string) string) []string {
	var dirs []string
	if goos == "windows" {
		win := getenv("WINDIR")
		if win == "" {
			win = getenv("SystemRoot")
		}
		if win == "" {
			win = `C:\Windows`
		}
		dirs = append(dirs, filepath.Join(win, "Fonts"))
		if local := getenv("LOCALAPPDATA"); local != "" {
			dirs = append(dirs, filepath.Join(local, "Microsoft", "Windows", "Fonts"))
		}
		return dirs
	}
	dirs = append(dirs, "/usr/share/fonts", "/usr/local/share/fonts")
	home := getenv("HOME")
	if xdg := getenv("XDG_DATA_HOME"); xdg != "" {
		dirs = append(dirs, filepath.Join(xdg, "fonts"))
	}
	if home != "" {
		dirs = append(dirs, filepath.Join(home, ".local", "share", "fonts"))
	}
	seen := make(map[string]bool, len(dirs))
	out := dirs[:0]
	for _, d := range dirs {
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

// listFiles returns the files (anything but directories) in dirs, directly
// inside each or, if recursive, anywhere below it: directory by directory,
// each in lexical order. Unreadable directories are skipped.
func listFiles(dirs []string, recursive bool) []string {
	var out []string
	for _, dir := range dirs {
		if !recursive {
			entries, err := os.ReadDir(dir)
			if err != nil {
				continue
			}
			for _, e := range entries {
				if !e.IsDir() {
					out = append(out, filepath.Join(dir, e.Name()))
				}
			}
			continue
		}
		_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				out = append(out, path)
			}
			return nil // skip what cannot be read, keep walking
		})
	}
	return out
}

// candidates returns the files named one of names (compared
// case-insensitively), ordered by name priority, then in the order of files.
func candidates(files, names []string) []string {
	found := make([][]string, len(names))
	for _, path := range files {
		base := filepath.Base(path)
		for i, n := range names {
			if strings.EqualFold(base, n) {
				found[i] = append(found[i], path)
			}
		}
	}
	var out []string
	for _, paths := range found {
		out = append(out, paths...)
	}
	return out
}

// Load reads the font file at path (.ttf, .otf or .ttc) and returns face
// index of it as a standalone font. A negative index picks the face
// automatically: for a collection, the Simplified Chinese face by family
// name ("SC", "CN", "GB"), never one marked for another region (JP, KR,
// TC, HK...), preferring proportional over "Mono" faces, then the lowest
// index. The face must map common Chinese characters.
func Load(path string, index int) (Font, error) {
	st, err := os.Stat(path)
	if err != nil {
		return Font{}, fmt.Errorf("fonts: %w", err)
	}
	if !st.Mode().IsRegular() {
		return Font{}, fmt.Errorf("fonts: %s is not a regular file", path)
	}
	if st.Size() > maxFileSize {
		return Font{}, fmt.Errorf("fonts: %s is %d bytes, too big for a font", path, st.Size())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Font{}, fmt.Errorf("fonts: %w", err)
	}
	f, err := load(data, index)
	if err != nil {
		return Font{}, fmt.Errorf("fonts: %s: %w", path, err)
	}
	f.Path = path
	return f, nil
}

// load does Load's work on file contents.
func load(data []byte, index int) (Font, error) {
	if index < 0 {
		faces, err := Faces(data)
		if err != nil {
			return Font{}, err
		}
		index, err = chooseFace(faces)
		if err != nil {
			return Font{}, err
		}
	}
	fc, err := openFace(data, index)
	if err != nil {
		return Font{}, err
	}
	if r, ok := fc.cmap(data).missing(sampleText); ok {
		return Font{}, fmt.Errorf("face %d (%q) has no glyph for %q: not a Chinese font", index, fc.family(data), r)
	}
	out, err := fc.build(data)
	if err != nil {
		return Font{}, err
	}
	return Font{Name: fc.family(data), Index: index, TrueType: fc.trueType(), Data: out}, nil
}

// Region words in CJK family names ("Noto Sans CJK SC", "AR PL UMing CN").
var (
	simplifiedWords = map[string]bool{"SC": true, "CN": true, "GB": true, "HANS": true}
	otherWords      = map[string]bool{"JP": true, "KR": true, "TC": true, "HK": true, "TW": true, "HC": true, "HANT": true, "J": true, "K": true}
)

// chooseFace picks the Simplified Chinese face of a collection by name.
func chooseFace(faces []Face) (int, error) {
	if len(faces) == 1 {
		return faces[0].Index, nil
	}
	best, bestScore := -1, 0
	for _, f := range faces {
		score, ok := faceScore(f.Family)
		if ok && (best < 0 || score > bestScore) {
			best, bestScore = f.Index, score
		}
	}
	if best < 0 {
		names := make([]string, len(faces))
		for i, f := range faces {
			names[i] = fmt.Sprintf("%d %q", f.Index, f.Family)
		}
		return 0, fmt.Errorf("no Simplified Chinese face among %s", strings.Join(names, ", "))
	}
	return best, nil
}

// faceScore rates a family name; ok is false for faces of another region.
func faceScore(family string) (score int, ok bool) {
	for _, w := range familyWords(family) {
		switch {
		case otherWords[w]:
			return 0, false
		case simplifiedWords[w]:
			score += 10
		case w == "MONO":
			score--
		}
	}
	return score, true
}

// simplifiedName reports whether family has a Simplified region word.
func simplifiedName(family string) bool {
	for _, w := range familyWords(family) {
		if simplifiedWords[w] {
			return true
		}
	}
	return false
}

// monoName reports whether family has the word "Mono".
func monoName(family string) bool {
	for _, w := range familyWords(family) {
		if w == "MONO" {
			return true
		}
	}
	return false
}

// familyWords splits a family name into upper-case words of letters and
// digits.
func familyWords(family string) []string {
	return strings.FieldsFunc(strings.ToUpper(family), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}
