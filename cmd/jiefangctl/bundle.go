package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"jiefang/cases"
	"jiefang/sync/client"
)

// runBundle writes, imports and lists USB bundles (U盘包):
//
//	jiefangctl bundle export --db PATH --out FILE [--enroll CODE]
//	jiefangctl bundle import --db PATH FILE
//	jiefangctl bundle list   --db PATH
func runBundle(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		return usageError("需要子命令 export、import 或 list (bundle export|import|list)")
	}
	switch args[0] {
	case "export":
		return bundleExport(ctx, e, args[1:])
	case "import":
		return bundleImport(ctx, e, args[1:])
	case "list":
		return bundleList(ctx, e, args[1:])
	}
	return usageError(fmt.Sprintf("未知子命令 %q：应为 export、import 或 list", args[0]))
}

// flagError makes a flag the flag package refused a usage error (exit 2).
func flagError(err error) error {
	if errors.Is(err, flag.ErrHelp) || errors.As(err, new(usageError)) {
		return err
	}
	return usageError(err.Error())
}

func bundleExport(ctx context.Context, e env, args []string) error {
	fs, db := flags("bundle export", e)
	out := fs.String("out", "", "U盘包文件 / the bundle file to write")
	code := fs.String("enroll", "", "入网码：从未联网的设备第一次导出时给 / one-time enrollment code, for a device never online")
	if err := parse(fs, args); err != nil {
		return flagError(err)
	}
	if *out == "" {
		return usageError("需要 --out 文件 (the bundle file to write)")
	}
	s, err := open(e, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	sum, err := client.ExportBundle(ctx, s, *out, strings.TrimSpace(*code))
	if err != nil {
		return fmt.Errorf("%s\n%w", client.UserMessage(err), err)
	}
	fmt.Fprintf(e.stdout, "已导出U盘包 %s：记录 %d 条，证据文件 %d 个（%d 字节），文件 %d 字节\n",
		sum.Path, sum.Events, sum.Blobs, sum.BlobBytes, sum.Size)
	if sum.Enrollment {
		fmt.Fprintln(e.stdout, "包中附带入网码：上级收到后本机即入网。")
	}
	fmt.Fprintln(e.stdout, "这些记录仍留在本机待上传；本机以后联网同步时，上级已收到的会被认出，不会重复。")
	return nil
}

func bundleImport(ctx context.Context, e env, args []string) error {
	fs, db := flags("bundle import", e)
	// The file may stand before or after the flags.
	if err := fs.Parse(args); err != nil {
		return flagError(err)
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return usageError("需要U盘包文件：bundle import --db PATH FILE")
	}
	path := rest[0]
	if err := parse(fs, rest[1:]); err != nil {
		return flagError(err)
	}
	s, err := open(e, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	sum, err := client.ImportBundle(ctx, s, path)
	if err != nil {
		return fmt.Errorf("%s\n%w", client.UserMessage(err), err)
	}
	what := fmt.Sprintf("设备 %s 的U盘包：记录 %d 条，证据文件 %d 个（%d 字节）", sum.DeviceCode, sum.Events, sum.Blobs, sum.BlobBytes)
	switch {
	case sum.Already && sum.Relayed:
		fmt.Fprintf(e.stdout, "已导入过，并已转交上级：%s。未作改动。\n", what)
	case sum.Already:
		fmt.Fprintf(e.stdout, "已导入过，正等待转交上级：%s。未作改动。\n", what)
	default:
		fmt.Fprintf(e.stdout, "已导入%s；下次同步时转交上级。\n", what)
	}
	return nil
}

func bundleList(ctx context.Context, e env, args []string) error {
	fs, db := flags("bundle list", e)
	if err := parse(fs, args); err != nil {
		return flagError(err)
	}
	s, err := open(e, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	rs, err := s.Relays(ctx)
	if err != nil {
		return err
	}
	if len(rs) == 0 {
		fmt.Fprintln(e.stdout, "没有导入过U盘包。")
		return nil
	}
	for _, r := range rs {
		state := "待转交"
		if !r.Waiting() {
			state = "已转交 " + cases.Local(r.RelayedAt).Format("2006-01-02 15:04")
			if r.Rejected > 0 {
				state += fmt.Sprintf("，被退回 %d 条", r.Rejected)
			}
		}
		fmt.Fprintf(e.stdout, "%s\t设备 %s\t记录 %d\t证据 %d\t导入 %s\t%s\n", r.ID[:12], r.DeviceCode, r.Events, r.Blobs,
			cases.Local(r.ImportedAt).Format("2006-01-02 15:04"), state)
		if r.Error != "" {
			fmt.Fprintf(e.stdout, "\t%s\n", r.Error)
		}
	}
	return nil
}
