package triage

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"jiefang/assets"
	"jiefang/cases"
)

func TestExtensionAddsWordsAndReportsBadLines(t *testing.T) {
	ext := "\uFEFF# 本乡镇的词语\n" +
		"开膛\n" + // 2: before any header
		"[threat]\n" +
		"开膛破肚\n" +
		"抡起板凳 90 # with its own points\n" +
		"[nosuch] 不存在 10\n" + // 6: unknown signal
		"skipped\n" +
		"[grievance] 不满意 60\n" + // our label and points replaced
		"被村霸盯上\n" +
		"两个 词语 在一行\n" + // 10
		"坏分值 abc\n" + // 11
		"太多 1000\n" + // 12
		"甲…\n" + // 13
		"-例外 30\n" + // 14
		"[negation]\n" +
		"从未 5\n" + // 16
		"\xff\xfe\n" + // 17
		"[collective\n" + // 18
		"skipped too\n" +
		"[media] 媒体 abc 200\n" + // 20
		"[long] 长期积怨 35\n" +
		strings.Repeat("长", 41) + "\n" + // 22
		"拖了半辈子"
	lex, probs, err := LoadLexicon(assets.Triage, strings.NewReader(ext))
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, p := range probs {
		lines = append(lines, p.Line)
		if !strings.Contains(p.String(), ExtensionFile+" 第") || p.Msg == "" {
			t.Errorf("problem %q", p.String())
		}
	}
	if want := []int{2, 6, 10, 11, 12, 13, 14, 16, 17, 18, 20, 22}; !slices.Equal(lines, want) {
		for _, p := range probs {
			t.Log(p)
		}
		t.Errorf("problems on lines %v, want %v", lines, want)
	}
	s := NewScorer(lex)
	in := s.Score("他要是再来，我就把他开膛破肚")
	if ok, w := has(in, SignalThreat); !ok || !slices.Equal(w, []string{"开膛破肚"}) || in.Level != cases.IntensityRed {
		t.Errorf("extension word: %q", in.Strings())
	}
	in = s.Score("抡起板凳")
	if in.Score != 90 {
		t.Errorf("word with its own points: %d %q", in.Score, in.Strings())
	}
	in = s.Score("我们被村霸盯上了")
	if ok, _ := has(in, SignalGrievance); !ok || in.Reasons[0].Label != "不满意" || in.Score != 60 {
		t.Errorf("extension header: %d %q", in.Score, in.Strings())
	}
	in = s.Score("拖了半辈子")
	if ok, _ := has(in, SignalLong); !ok {
		t.Errorf("words after a bad line are kept: %q", in.Strings())
	}
	for _, x := range []string{"skipped", "skipped too", "开膛"} {
		if in := s.Score(x); len(in.Reasons) > 0 {
			t.Errorf("%q from a skipped line fired: %q", x, in.Strings())
		}
	}
	// Ours are unchanged by an extension of another scorer.
	if in := shipped(t).Score("开膛破肚"); len(in.Reasons) > 0 {
		t.Errorf("shipped scorer changed: %q", in.Strings())
	}
}

func TestExtensionReadError(t *testing.T) {
	if _, _, err := LoadLexicon(assets.Triage, io.MultiReader(strings.NewReader("[threat]\n"), errReader{})); err == nil {
		t.Error("read error not returned")
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk gone") }

func TestBaseListsMustBeWhole(t *testing.T) {
	full := fstest.MapFS{}
	for _, s := range signals {
		full["triage/"+string(s.name)+".txt"] = &fstest.MapFile{Data: []byte("[" + string(s.name) + "] 标签 10\n词\n")}
	}
	if _, _, err := LoadLexicon(full, nil); err != nil {
		t.Fatalf("complete lists: %v", err)
	}
	for name, broken := range map[string]func(fstest.MapFS){
		"no files":       func(m fstest.MapFS) { clear(m) },
		"missing signal": func(m fstest.MapFS) { delete(m, "triage/threat.txt") },
		"no points":      func(m fstest.MapFS) { m["triage/threat.txt"].Data = []byte("[threat] 威胁暴力\n炸\n") },
		"no label":       func(m fstest.MapFS) { m["triage/threat.txt"].Data = []byte("[threat] 85\n炸\n") },
		"unknown signal": func(m fstest.MapFS) { m["triage/x.txt"] = &fstest.MapFile{Data: []byte("[x] 某 5\n")} },
		"word too long": func(m fstest.MapFS) {
			m["triage/threat.txt"].Data = []byte("[threat] 威胁暴力 85\n" + strings.Repeat("炸", 50))
		},
		"word before [":   func(m fstest.MapFS) { m["triage/threat.txt"].Data = []byte("炸\n[threat] 威胁暴力 85\n") },
		"points too high": func(m fstest.MapFS) { m["triage/threat.txt"].Data = []byte("[threat] 威胁暴力 850\n") },
	} {
		m := fstest.MapFS{}
		for k, v := range full {
			c := *v
			m[k] = &c
		}
		broken(m)
		if _, _, err := LoadLexicon(m, nil); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
