package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"jiefang/sync/hubbench"
)

// runBench runs a hub in-process on loopback with simulated devices
// pushing through sync/client, and the raw-insert baseline.
func runBench(ctx context.Context, e env, args []string) error {
	f := newFlags("bench", e)
	devices := f.fs.Int("devices", 200, "模拟设备数 / simulated devices")
	events := f.fs.Int("events", 500, "每台设备的事件数 / events per device")
	conc := f.fs.Int("concurrency", 50, "同时上传的设备数 / devices pushing at once")
	asJSON := f.fs.Bool("json", false, "JSON")
	dir := f.fs.String("dir", os.TempDir(), "临时文件目录 / scratch directory")
	if err := f.fs.Parse(args); err != nil {
		return err
	}
	if f.fs.NArg() > 0 {
		return usageError(fmt.Sprintf("多余的参数 %q", f.fs.Args()))
	}
	if *f.sqlite != "" {
		return usageError("bench 自建临时数据库：不要给 --db；用 --pg URL 测 PostgreSQL")
	}
	res, err := hubbench.Run(ctx, hubbench.Options{Devices: *devices, Events: *events, Concurrency: *conc, Dir: *dir, PG: *f.pg,
		Progress: func(msg string) { fmt.Fprintln(e.stderr, "bench:", msg) }})
	if err != nil {
		return err
	}
	if *asJSON {
		if err := json.NewEncoder(e.stdout).Encode(res); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(e.stdout, "%s: %d devices, %d events, %d cases in %.1f s: %.0f events/s, %.0f cases/s, p99 batch %.1f ms, errors %d; raw %.0f rows/s, ratio %.2f; %.0f KB/s of event JSON (a 22-event reception is %.1f KB)\n",
			res.Backend, res.Devices, res.Events, res.Cases, res.Seconds, res.EventsPerS, res.CasesPerS, res.P99BatchMS, res.Errors, res.RawRowsPerS, res.Ratio, res.WireKBPerS, res.CaseKB)
	}
	if res.Errors > 0 {
		return hubbench.ErrErrors
	}
	return nil
}
