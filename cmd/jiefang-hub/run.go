package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"jiefang/cmd/internal/subcommand"
	"jiefang/sync/hub"
	"jiefang/sync/protocol"
)

type command = subcommand.Command[env]

type usageError = subcommand.UsageError

// env carries what every command needs from its surroundings.
type env struct {
	stdout, stderr io.Writer
}

func commands() map[string]command {
	return map[string]command{
		"serve":     {Summary: "提供同步服务 / serve sync over HTTPS", Run: runServe},
		"units":     {Summary: "单位树 / manage the unit tree: add, list", Run: runUnits},
		"enroll":    {Summary: "生成入网码 / make a one-time enrollment code", Run: runEnroll},
		"devices":   {Summary: "列出设备 / list devices", Run: runDevices},
		"revoke":    {Summary: "停用设备 / cut a device off", Run: runRevoke},
		"stats":     {Summary: "统计 / count events, cases, blobs, devices, quarantined", Run: runStats},
		"backup":    {Summary: "备份 / consistent copy of a SQLite hub while serving", Run: runBackup},
		"bench":     {Summary: "负载测试 / load test with simulated devices", Run: runBench},
		"new-epoch": {Summary: "新纪元 / after restoring a dump: devices re-push and re-pull", Run: runNewEpoch},
		"legal":     {Summary: "法律原文 / import official statute texts (legal import FILE.md…), list them", Run: runLegal},
		"version":   {Summary: "版本 / protocol version", Run: runVersion},
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	tool := subcommand.Tool{Name: "jiefang-hub", Usage: "用法 / usage: jiefang-hub COMMAND [flags]   (每个命令都接受 --db PATH 或 --pg URL)"}
	return subcommand.Run(ctx, tool, commands(), env{stdout: stdout, stderr: stderr}, args, stderr)
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
		return usageError(fmt.Sprintf("多余的参数 %q (unexpected arguments)", f.fs.Args()))
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
	fmt.Fprintf(e.stdout, "jiefang-hub protocol %d (accepts %v)\n", protocol.Version, protocol.Accepted())
	return nil
}
