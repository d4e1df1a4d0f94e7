package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"jiefang/cases/store"
	"jiefang/cmd/internal/subcommand"
)

// env carries what every command needs from its surroundings.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

type command = subcommand.Command[env]

type usageError = subcommand.UsageError

func commands() map[string]command {
	return map[string]command{
		"demo":     {Summary: "写入演示数据 / write demo cases into a demo database", Run: runDemo},
		"verify":   {Summary: "校验数据库完整性 / check integrity, hash chains and projections", Run: runVerify},
		"stats":    {Summary: "统计 / count cases, events, outbox and blobs", Run: runStats},
		"cases":    {Summary: "列出案件 / list cases as JSON lines", Run: runCases},
		"bench":    {Summary: "性能测试 / measure the store", Run: runBench},
		"sync":     {Summary: "同步一轮 / one sync round with the hub (--enroll CODE first time)", Run: runSync},
		"bundle":   {Summary: "U盘包 / export, import or list USB bundles relayed to the hub", Run: runBundle},
		"legal":    {Summary: "法律原文与法律指引 / import the official text of laws, list it, print a case's legal guide PDF", Run: runLegal},
		"triage":   {Summary: "三维甄别 / screening: score the intensity (强度) of texts; list a case's similar cases (广度)", Run: runTriage},
		"registry": {Summary: "登记库与深度核查 / import registry snapshots, check them for anomalies (深度)", Run: runRegistry},
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	tool := subcommand.Tool{Name: "jiefangctl", Usage: "用法 / usage: jiefangctl COMMAND [flags]", Footer: "每个命令的参数见 jiefangctl COMMAND -h",
		Explain: func(err error) string {
			if o, ok := store.AsOpenError(err); ok {
				return o.Message
			}
			return ""
		}}
	return subcommand.Run(ctx, tool, commands(), env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}, args, stderr)
}

// flags makes a flag set with the --db flag every command has.
func flags(name string, e env) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("jiefangctl "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	db := fs.String("db", "", "数据库文件 / database file (default: jiefang.db in the data directory)")
	return fs, db
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fmt.Sprintf("多余的参数 %q (unexpected arguments)", fs.Args()))
	}
	return nil
}

// parseAndOpen parses a command's flags, then opens the database named by
// --db (db is read after parsing). A bad flag is a usage error.
func parseAndOpen(e env, fs *flag.FlagSet, db *string, args []string) (*store.Store, error) {
	if err := parse(fs, args); err != nil {
		return nil, flagError(err)
	}
	return open(e, *db)
}

// open opens the database named by --db, or the desk's default one.
func open(e env, path string) (*store.Store, error) {
	if path == "" {
		p, err := store.DefaultPath(e.getenv)
		if err != nil {
			return nil, err
		}
		path = p
	}
	return store.Open(path, store.Options{})
}
