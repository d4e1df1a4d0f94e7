package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"sort"

	"jiefang/sync/hub"
	"jiefang/sync/protocol"
)

type command struct {
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

// env carries what every command needs from its surroundings.
type env struct {
	stdout, stderr io.Writer
}

func commands() map[string]command {
	return map[string]command{
		"serve":     {"提供同步服务 / serve sync over HTTPS", runServe},
		"units":     {"单位树 / manage the unit tree: add, list", runUnits},
		"enroll":    {"生成入网码 / make a one-time enrollment code", runEnroll},
		"devices":   {"列出设备 / list devices", runDevices},
		"revoke":    {"停用设备 / cut a device off", runRevoke},
		"stats":     {"统计 / count events, cases, blobs, devices, quarantined", runStats},
		"backup":    {"备份 / consistent copy of a SQLite hub while serving", runBackup},
		"bench":     {"负载测试 / load test with simulated devices", runBench},
		"new-epoch": {"新纪元 / after restoring a dump: devices re-push and re-pull", runNewEpoch},
		"version":   {"版本 / protocol version", runVersion},
	}
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr, cmds)
		return 2
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "jiefang-hub: 未知命令 %q (unknown command)\n", args[0])
		usage(stderr, cmds)
		return 2
	}
	err := c.run(ctx, env{stdout: stdout, stderr: stderr}, args[1:])
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 2
	case errors.As(err, new(usageError)):
		fmt.Fprintf(stderr, "jiefang-hub %s: %v\n", args[0], err)
		return 2
	}
	fmt.Fprintf(stderr, "jiefang-hub %s: %v\n", args[0], err)
	return 1
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "用法 / usage: jiefang-hub COMMAND [flags]   (每个命令都接受 --db PATH 或 --pg URL)")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, cmds[n].summary)
	}
}

// dbFlags are the flags naming the hub database, which every command has.
type dbFlags struct {
	fs         *flag.FlagSet
	sqlite, pg *string
	state      *string
}

func newFlags(name string, e env) dbFlags {
	fs := flag.NewFlagSet("jiefang-hub "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return dbFlags{fs: fs,
		sqlite: fs.String("db", "", "SQLite 数据库文件 / SQLite hub database (default hub.db)"),
		pg:     fs.String("pg", "", "PostgreSQL URL, e.g. postgres://user:pw@host/db"),
		state:  fs.String("state", "", "证书和证据文件目录 / directory for the certificate and evidence files (default: beside --db, or . with --pg)"),
	}
}

func (f dbFlags) parse(args []string) error {
	if err := f.fs.Parse(args); err != nil {
		return err
	}
	if f.fs.NArg() > 0 {
		return usageError{fmt.Sprintf("多余的参数 %q (unexpected arguments)", f.fs.Args())}
	}
	if *f.sqlite == "" && *f.pg == "" {
		*f.sqlite = "hub.db"
	}
	return nil
}

func (f dbFlags) open(ctx context.Context) (*hub.Store, error) {
	return hub.Open(ctx, *f.sqlite, *f.pg)
}

// stateDir holds the TLS certificate and the blob directory.
func (f dbFlags) stateDir() string {
	switch {
	case *f.state != "":
		return *f.state
	case *f.sqlite != "":
		return filepath.Dir(*f.sqlite)
	}
	return "."
}

func (f dbFlags) certFiles() (cert, key string) {
	d := f.stateDir()
	return filepath.Join(d, "hub-cert.pem"), filepath.Join(d, "hub-key.pem")
}

func (f dbFlags) blobDir() string { return filepath.Join(f.stateDir(), "hub-blobs") }

func runVersion(ctx context.Context, e env, args []string) error {
	fmt.Fprintf(e.stdout, "jiefang-hub protocol %d (accepts %d and %d)\n", protocol.Version, protocol.Version-1, protocol.Version)
	return nil
}
