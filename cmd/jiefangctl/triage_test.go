package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestTriageScore(t *testing.T) {
	in := `{"id": "a1", "text": "再不给说法我就去把村委会炸了！"}` + "\n" +
		"\n" +
		`{"id": 7, "text": "请问低保怎么申请？"}` + "\n" +
		`{"id": "a3", "text": "我不是来闹事的，也不会去砸东西，我就想知道补偿款到底发到谁手里了。"}` // no final newline
	code, out, errs := ctlIn(t, in, "triage", "score")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines: %s", len(lines), out)
	}
	var got []map[string]any
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		got = append(got, m)
	}
	if got[0]["id"] != "a1" || got[0]["level"] != "red" || got[0]["score"].(float64) <= 80 {
		t.Errorf("threat: %v", got[0])
	}
	if rs := got[0]["reasons"].([]any); len(rs) == 0 || !strings.HasPrefix(rs[0].(string), "威胁暴力：炸（+") {
		t.Errorf("threat reasons: %v", rs)
	}
	if got[1]["id"] != float64(7) || got[1]["level"] != "green" || got[1]["score"] != float64(0) {
		t.Errorf("question: %v", got[1])
	}
	if got[2]["level"] != "amber" || strings.Contains(lines[2], "威胁暴力") {
		t.Errorf("negated threat: %s", lines[2])
	}
	if !strings.Contains(lines[2], `"reasons":[`) {
		t.Errorf("reasons not a list: %s", lines[2])
	}
}

func TestTriageScoreBadLines(t *testing.T) {
	in := `{"id": "ok1", "text": "我跑了七年"}` + "\n" +
		`not json` + "\n" +
		`{"text": "没有编号"}` + "\n" +
		`{"id": "x"}` + "\n" +
		`{"id": "ok2", "text": ""}` + "\n"
	code, out, errs := ctlIn(t, in, "triage", "score")
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, errs)
	}
	for _, want := range []string{"第2行 line 2", "第3行 line 3: 缺少 id", "第4行 line 4: 缺少 text", "3 行未评分（已评分 2 行）"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 2 || !strings.Contains(lines[0], `"ok1"`) || !strings.Contains(lines[1], `"ok2"`) {
		t.Errorf("good lines not all scored:\n%s", out)
	}
	if !strings.Contains(out, `"reasons":[]`) {
		t.Errorf("an empty text's reasons should be []:\n%s", out)
	}
}

func TestTriageScoreWords(t *testing.T) {
	words := filepath.Join(t.TempDir(), "triage-words.txt")
	if err := os.WriteFile(words, []byte("[threat]\n开膛破肚\n[nosuch]\n某词\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := ctlIn(t, `{"id": "w", "text": "惹急了我就把他开膛破肚"}`+"\n", "triage", "score", "--words", words)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, `"level":"red"`) || !strings.Contains(out, "开膛破肚") {
		t.Errorf("extension word not used: %s", out)
	}
	if !strings.Contains(errs, "第3行") || !strings.Contains(errs, "nosuch") {
		t.Errorf("bad extension line not reported: %s", errs)
	}

	if code, _, errs := ctlIn(t, "", "triage", "score", "--words", filepath.Join(t.TempDir(), "none.txt")); code != 1 || !strings.Contains(errs, "打不开词语文件") {
		t.Errorf("missing words file: exit %d, %s", code, errs)
	}
}

func TestTriageUsage(t *testing.T) {
	for _, args := range [][]string{{"triage"}, {"triage", "nosuch"}, {"triage", "score", "extra"}} {
		if code, _, _ := ctl(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// TestTriageScoreDataDirWords: without --words, the data directory's
// triage-words.txt is read, as the desk does.
func TestTriageScoreDataDirWords(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the data directory comes from LOCALAPPDATA there")
	}
	home := t.TempDir()
	dir := filepath.Join(home, "jiefang")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "triage-words.txt"), []byte("[threat]\n开膛破肚\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	getenv := func(k string) string {
		if k == "XDG_DATA_HOME" {
			return home
		}
		return ""
	}
	if code := run(context.Background(), []string{"triage", "score"}, strings.NewReader(`{"id": "w", "text": "我就把他开膛破肚"}`+"\n"), &out, &errb, getenv); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), `"level":"red"`) {
		t.Errorf("data directory's words not used: %s", out.String())
	}
}
