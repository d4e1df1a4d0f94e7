package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"jiefang/cases"
	"jiefang/sync/hub"
	"jiefang/sync/protocol"
	"jiefang/sync/qrimage"
)

func runUnits(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "list") {
		return usageError("用法: jiefang-hub units add --name NAME [--parent NAME] | units list")
	}
	f := newFlags("units "+args[0], e)
	name := f.fs.String("name", "", "单位名称 / unit name")
	parent := f.fs.String("parent", "", "上级单位名称 / parent unit (none: a county, the root)")
	if err := f.parse(args[1:]); err != nil {
		return err
	}
	h, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer h.Close()
	if args[0] == "add" {
		if *name == "" {
			return usageError("需要 --name (a unit needs a name)")
		}
		u, err := h.AddUnit(ctx, *name, *parent)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "已添加 %s（%s）\n", u.Name, levelLabel(u.Level))
		return nil
	}
	units, err := h.Units(ctx)
	if err != nil {
		return err
	}
	for _, u := range units {
		depth := strings.Count(u.Path, "/") - 2
		fmt.Fprintf(e.stdout, "%s%s（%s）\n", strings.Repeat("  ", depth), u.Name, levelLabel(u.Level))
	}
	if len(units) == 0 {
		fmt.Fprintln(e.stdout, "还没有单位。先添加县：jiefang-hub units add --name 某某县")
	}
	return nil
}

func levelLabel(level string) string {
	return cases.MediationLevel(level).Label()
}

func runEnroll(ctx context.Context, e env, args []string) error {
	f := newFlags("enroll", e)
	unit := f.fs.String("unit", "", "设备所属单位 / the device's unit")
	public := f.fs.String("url", "", "设备访问上级的地址 / the hub address devices use, e.g. https://10.0.0.5:8443")
	qr := f.fs.String("qr", "", "同时写成二维码图片 / also write the code as a QR PNG")
	hosts := f.fs.String("hosts", "", "首次生成证书时的主机名 / host names for a certificate made now (comma-separated)")
	if err := f.parse(args); err != nil {
		return err
	}
	if *unit == "" || *public == "" {
		return usageError("需要 --unit 和 --url")
	}
	u, err := url.Parse(*public)
	if err != nil || u.Host == "" {
		return usageError(fmt.Sprintf("--url %q 不是有效地址 (not a URL)", *public))
	}
	code := protocol.EnrollmentCode{URL: strings.TrimSuffix(u.String(), "/")}
	switch {
	case u.Scheme == "https":
		cert, key := f.certFiles()
		_, fp, err := hub.Certificate(cert, key, append(splitList(*hosts), u.Hostname()))
		if err != nil {
			return err
		}
		code.Fingerprint = fp
	case u.Scheme == "http" && protocol.IsLoopback(u.Hostname()):
	default:
		return usageError("--url 必须是 https://（明文 http 只用于本机测试）")
	}
	h, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer h.Close()
	if code.Secret, err = h.NewEnrollment(ctx, *unit); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, code.String())
	if *qr != "" {
		if err := qrimage.WriteFile(*qr, code.String()); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "二维码已写入 %s\n", *qr)
	}
	fmt.Fprintf(e.stderr, "入网码只能使用一次，设备将归属：%s\n", *unit)
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func runDevices(ctx context.Context, e env, args []string) error {
	f := newFlags("devices", e)
	asJSON := f.fs.Bool("json", false, "JSON lines")
	if err := f.parse(args); err != nil {
		return err
	}
	h, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer h.Close()
	devs, err := h.Devices(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		for _, d := range devs {
			enc.Encode(map[string]any{"id": d.ID, "code": d.Code, "unit": d.Unit, "enrolled_at": d.EnrolledAt,
				"last_seen": d.LastSeen, "revoked": d.Revoked})
		}
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "设备\t编码\t单位\t最近联系\t状态")
	for _, d := range devs {
		state := "正常"
		if d.Revoked {
			state = "已停用"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", d.ID, d.Code, d.Unit, cases.Local(d.LastSeen).Format(time.DateTime), state)
	}
	return tw.Flush()
}

func runRevoke(ctx context.Context, e env, args []string) error {
	f := newFlags("revoke", e)
	id := f.fs.String("device", "", "设备 ID / device id (see jiefang-hub devices)")
	if err := f.parse(args); err != nil {
		return err
	}
	if *id == "" {
		return usageError("需要 --device")
	}
	h, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer h.Close()
	if err := h.Revoke(ctx, *id); errors.Is(err, hub.ErrNoDevice) {
		return fmt.Errorf("没有设备 %s（见 jiefang-hub devices）", *id)
	} else if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已停用设备 %s\n", *id)
	return nil
}

func runStats(ctx context.Context, e env, args []string) error {
	f := newFlags("stats", e)
	asJSON := f.fs.Bool("json", false, "JSON")
	if err := f.parse(args); err != nil {
		return err
	}
	h, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer h.Close()
	st, err := h.Stats(ctx)
	if err != nil {
		return err
	}
	blobs, err := hub.OpenBlobStore(f.blobDir())
	if err != nil {
		return err
	}
	if st.Blobs, err = blobs.Count(); err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(st)
	}
	fmt.Fprintf(e.stdout, "事件 %d · 案件 %d · 证据文件 %d · 设备 %d · 隔离 %d\n", st.Events, st.Cases, st.Blobs, st.Devices, st.Quarantined)
	return nil
}

func runBackup(ctx context.Context, e env, args []string) error {
	f := newFlags("backup", e)
	out := f.fs.String("out", "", "备份文件 / backup file (must not exist)")
	if err := f.parse(args); err != nil {
		return err
	}
	if *out == "" {
		return usageError("需要 --out")
	}
	h, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer h.Close()
	if err := h.Backup(ctx, *out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已备份到 %s（证据文件目录 %s 请一并复制）\n", *out, f.blobDir())
	return nil
}

func runNewEpoch(ctx context.Context, e env, args []string) error {
	f := newFlags("new-epoch", e)
	if err := f.parse(args); err != nil {
		return err
	}
	h, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer h.Close()
	if err := h.NewEpoch(ctx); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "新纪元 %s：设备下次同步时将重新上传并重新下载。\n", h.Epoch())
	return nil
}
