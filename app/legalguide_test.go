package app

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"jiefang/cases"
)

// The desk's guide writer makes the guide of a case with two pinned
// articles, their summaries from the library, and leaves no file when
// it fails.
func TestLegalGuidesWritesPDF(t *testing.T) {
	lib := testLibrary(t)
	s := newTestStore(t)
	id := addCase(t, s, "补偿款至今只拿到一半")
	ctx := context.Background()
	for _, a := range []string{"tdglf/48", "xfgztl/34"} {
		e, err := cases.NewEvent(id, &cases.ArticlePin{Article: a, Title: a, Pinned: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Append(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	c, err := s.Case(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "法律指引.pdf")
	if err := LegalGuides(lib).WriteGuide(ctx, c, path); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v (apt-get install poppler-utils)", err)
	}
	flat := strings.Join(strings.Fields(string(out)), "")
	for _, id := range []string{"tdglf/48", "xfgztl/34"} {
		n := lib.Node(id)
		if start := []rune(strings.Join(strings.Fields(n.Summary), "")); !strings.Contains(flat, string(start[:12])) {
			t.Errorf("the guide lacks the summary of %s", id)
		}
	}
	bad := filepath.Join(t.TempDir(), "no such dir", "法律指引.pdf")
	if err := LegalGuides(lib).WriteGuide(ctx, c, bad); err == nil {
		t.Error("a guide written into a missing folder did not fail")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	path2 := filepath.Join(t.TempDir(), "g.pdf")
	if err := LegalGuides(lib).WriteGuide(cancelled, c, path2); err == nil {
		t.Error("a cancelled guide was written")
	}
	if m, _ := filepath.Glob(path2); len(m) != 0 {
		t.Error("a cancelled guide left a file")
	}
}
