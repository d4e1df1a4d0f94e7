package main

import (
	"context"
	"fmt"

	"jiefang/sync/client"
)

// runSync runs one sync round: enroll first if a code is given, then push
// every pending event, upload evidence files, pull, and download evidence
// files of pulled cases.
func runSync(ctx context.Context, e env, args []string) error {
	fs, db := flags("sync", e)
	code := fs.String("enroll", "", "入网码 / one-time enrollment code from the hub")
	s, err := parseAndOpen(e, fs, db, args)
	if err != nil {
		return err
	}
	defer s.Close()
	dev := client.DeviceInfo{ID: s.Device().ID, Code: s.Device().Code}
	if *code != "" {
		if dev.Demo, err = s.IsDemo(ctx); err != nil {
			return err
		}
		cred, err := client.Enroll(ctx, s, dev, *code)
		if err != nil {
			return fmt.Errorf("%s\n%w", client.UserMessage(err), err)
		}
		fmt.Fprintf(e.stdout, "已连接上级：%s（%s）\n", cred.Unit, cred.HubURL)
	}
	cred, ok, err := client.LoadCredential(ctx, s)
	if err != nil {
		return err
	}
	if !ok || !cred.Enrolled() {
		return usageError("本机还没有连接上级：先用 --enroll 入网码 连接 (not enrolled)")
	}
	r, err := client.NewRemote(cred)
	if err != nil {
		return err
	}
	rep, err := client.Round(ctx, s, r)
	fmt.Fprintf(e.stdout, "上传 %d 条，被退回 %d 条，证据文件 %d 个（%d 字节），下载 %d 条\n",
		rep.Pushed, rep.Rejected, rep.Blobs, rep.BlobBytes, rep.Pulled)
	if rep.Downloaded+rep.DownloadSkipped+rep.DownloadFailed > 0 {
		fmt.Fprintf(e.stdout, "下载证据文件 %d 个（%d 字节）", rep.Downloaded, rep.DownloadedBytes)
		if rep.DownloadSkipped > 0 {
			fmt.Fprintf(e.stdout, "；上级还没有 %d 个，下次再取", rep.DownloadSkipped)
		}
		if rep.DownloadFailed > 0 {
			fmt.Fprintf(e.stdout, "；%d 个与记录不符或下载中断，未保存，下次重试", rep.DownloadFailed)
		}
		fmt.Fprintln(e.stdout)
	}
	if rep.Relayed+rep.RelayRefused > 0 {
		fmt.Fprintf(e.stdout, "转交U盘包 %d 个（%d 条记录，其中被退回 %d 条）", rep.Relayed, rep.RelayedEvents, rep.RelayRejected)
		if rep.RelayRefused > 0 {
			fmt.Fprintf(e.stdout, "；%d 个被上级拒收，留待下次：%s", rep.RelayRefused, rep.RelayErr)
		}
		fmt.Fprintln(e.stdout)
	}
	if rep.NewEpoch {
		fmt.Fprintln(e.stdout, "上级平台已从备份恢复：本机记录已全部重新上传。")
	}
	if err != nil {
		return fmt.Errorf("%s\n%w", client.UserMessage(err), err)
	}
	return nil
}
