package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"

	"jiefang/cases/store"
)

// env carries what every command needs from its surroundings.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
}

type command struct {
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

func commands() map[string]command {
	return map[string]command{
		"demo":   {"写入演示数据 / write demo cases into a demo database", runDemo},
		"verify": {"校验数据库完整性 / check integrity, hash chains and projections", runVerify},
		"stats":  {"统计 / count cases, events, outbox and blobs", runStats},
		"cases":  {"列出案件 / list cases as JSON lines", runCases},
		"bench":  {"性能测试 / measure the store", runBench},
		"sync":   {"同步一轮 / one sync round with the hub (--enroll CODE first time)", runSync},
		"bundle": {"U盘包 / export, import or list USB bundles relayed to the hub", runBundle},
	}
}

// usageError is a mistake in how the command was called (exit 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr, cmds)
		return 2
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "jiefangctl: 未知命令 %q (unknown command)\n", args[0])
		usage(stderr, cmds)
		return 2
	}
	err := c.run(ctx, env{stdout: stdout, stderr: stderr, getenv: getenv}, args[1:])
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 2
	case errors.As(err, new(usageError)):
		fmt.Fprintf(stderr, "jiefangctl %s: %v\n", args[0], err)
		return 2
	}
	if o, ok := store.AsOpenError(err); ok {
		fmt.Fprintf(stderr, "jiefangctl %s: %s\n%v\n", args[0], o.Message, err)
		return 1
	}
	fmt.Fprintf(stderr, "jiefangctl %s: %v\n", args[0], err)
	return 1
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "用法 / usage: jiefangctl COMMAND [flags]")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-7s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "每个命令的参数见 jiefangctl COMMAND -h")
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
		return usageError{fmt.Sprintf("多余的参数 %q (unexpected arguments)", fs.Args())}
	}
	return nil
}

// parseAndOpen parses a command's flags, then opens the database named by
// --db (db is read after parsing).
func parseAndOpen(e env, fs *flag.FlagSet, db *string, args []string) (*store.Store, error) {
	if err := parse(fs, args); err != nil {
		return nil, err
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
