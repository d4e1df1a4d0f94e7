package legal

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// officialDir holds the official texts in Markdown, outside the
// repository (they are imported, never shipped).
const officialDir = "../../shared/laws"

// officialFiles are the .md files of officialDir; the test is skipped
// when the folder is absent.
func officialFiles(t testing.TB) []string {
	t.Helper()
	if _, err := os.Stat(officialDir); os.IsNotExist(err) {
		t.Skipf("%s is absent", officialDir)
	}
	files, err := filepath.Glob(filepath.Join(officialDir, "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no .md files in %s", officialDir)
	}
	return files
}

// parseFile imports one official file.
func parseFile(t testing.TB, path string) *Law {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	law, err := ParseMarkdown(filepath.Base(path), f)
	if err != nil {
		t.Fatalf("import %s: %v", path, err)
	}
	return law
}

// officialLaws imports every official file, by code.
func officialLaws(t testing.TB) map[string]*Law {
	t.Helper()
	laws := map[string]*Law{}
	for _, path := range officialFiles(t) {
		law := parseFile(t, path)
		if old := laws[law.Code]; old != nil {
			t.Fatalf("%s and %s are both %s", old.Source, law.Source, law.Code)
		}
		laws[law.Code] = law
	}
	return laws
}

// mustParse imports a Markdown text written in a test.
func mustParse(t testing.TB, name, text string) *Law {
	t.Helper()
	law, err := ParseMarkdown(name, strings.NewReader(text))
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	return law
}

// ids are the ids of nodes.
func ids(nodes []*Node) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.ID
	}
	return out
}

// countKinds counts a law's nodes by kind.
func countKinds(l *Law) map[Kind]int {
	counts := map[Kind]int{}
	for n := range l.Root.All() {
		counts[n.Kind]++
	}
	return counts
}
