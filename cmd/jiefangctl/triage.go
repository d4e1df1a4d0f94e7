package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"jiefang/assets"
	"jiefang/cases/store"
	"jiefang/cases/triage"
)

// runTriage screens texts and cases:
//
//	jiefangctl triage score [--words FILE]
//	jiefangctl triage similar [--db PATH] --case ID [--limit N] [--json]
//	jiefangctl triage escalate [--db PATH] [--dry-run]
func runTriage(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		return usageError("需要子命令 score、similar 或 escalate (triage score|similar|escalate)")
	}
	switch args[0] {
	case "score":
		return triageScore(ctx, e, args[1:])
	case "similar":
		return triageSimilar(ctx, e, args[1:])
	case "escalate":
		return triageEscalate(ctx, e, args[1:])
	}
	return usageError(fmt.Sprintf("未知子命令 %q：应为 score、similar 或 escalate", args[0]))
}

// scoreIn is one line of triage score's input.
type scoreIn struct {
	ID   json.RawMessage `json:"id"`
	Text *string         `json:"text"`
}

// scoreOut is one line of triage score's output.
type scoreOut struct {
	ID      json.RawMessage `json:"id"`
	Score   int             `json:"score"`
	Level   string          `json:"level"`
	Reasons []string        `json:"reasons"`
}

// triageScore reads JSON lines {"id", "text"} on stdin and writes
// {"id", "score", "level", "reasons"} for each on stdout. A bad line is
// reported on stderr with its number and skipped; the command then fails
// at the end.
func triageScore(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("jiefangctl triage score", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	words := fs.String("words", "", "本乡镇的词语文件 / a township's own word lists (default: "+triage.ExtensionFile+" in the data directory, if there)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "用法 / usage: jiefangctl triage score [--words FILE] < texts.jsonl")
		fmt.Fprintln(e.stderr, `每行输入 {"id": …, "text": "…"}，每行输出 {"id": …, "score": 0–100, "level": "red|amber|green", "reasons": […]}`)
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return flagError(err)
	}
	scorer, err := triageScorer(e, *words)
	if err != nil {
		return err
	}
	in := bufio.NewReader(e.stdin)
	out := bufio.NewWriter(e.stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	bad, scored := 0, 0
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			out.Flush()
			return err
		}
		line, rerr := in.ReadBytes('\n')
		if rerr != nil && rerr != io.EOF {
			out.Flush()
			return fmt.Errorf("读取输入出错 / reading stdin: %w", rerr)
		}
		if len(bytes.TrimSpace(line)) > 0 {
			var x scoreIn
			switch err := json.Unmarshal(line, &x); {
			case err != nil:
				bad++
				fmt.Fprintf(e.stderr, "第%d行 line %d: 不是JSON对象 / not a JSON object: %v\n", n, n, err)
			case len(x.ID) == 0 || string(x.ID) == "null":
				bad++
				fmt.Fprintf(e.stderr, "第%d行 line %d: 缺少 id / no id\n", n, n)
			case x.Text == nil:
				bad++
				fmt.Fprintf(e.stderr, "第%d行 line %d: 缺少 text / no text\n", n, n)
			default:
				r := scorer.Score(*x.Text)
				if err := enc.Encode(scoreOut{ID: x.ID, Score: r.Score, Level: string(r.Level), Reasons: r.Strings()}); err != nil {
					return err
				}
				scored++
			}
		}
		if rerr == io.EOF {
			break
		}
	}
	if err := out.Flush(); err != nil {
		return err
	}
	if bad > 0 {
		return fmt.Errorf("%d 行未评分（已评分 %d 行）/ %d lines not scored, %d scored", bad, scored, bad, scored)
	}
	return nil
}

// triageScorer builds the scorer from our word lists and the township's:
// the file given, or the data directory's, if there. Bad lines of the
// township's file are reported on stderr and skipped.
func triageScorer(e env, words string) (*triage.Scorer, error) {
	path := words
	if path == "" {
		if dir, err := store.DataDir(e.getenv, runtime.GOOS); err == nil {
			if p := filepath.Join(dir, triage.ExtensionFile); fileExists(p) {
				path = p
			}
		}
	}
	var extra io.Reader
	if path != "" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("打不开词语文件 / cannot open the word lists: %w", err)
		}
		defer f.Close()
		extra = f
	}
	lex, probs, err := triage.LoadLexicon(assets.Triage, extra)
	if err != nil {
		return nil, err
	}
	for _, p := range probs {
		fmt.Fprintf(e.stderr, "注意：%s 第%d行有误，已略过 / line %d of %s skipped: %s: %q\n", path, p.Line, p.Line, path, p.Msg, p.Text)
	}
	return triage.NewScorer(lex), nil
}

// fileExists reports whether p is there: a file, or something that
// cannot be checked (opening it then says why).
func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() || err != nil && !errors.Is(err, os.ErrNotExist)
}
