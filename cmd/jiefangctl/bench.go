package main

import (
	"context"
	"encoding/json"
	"fmt"

	"jiefang/cases/store"
)

func runBench(ctx context.Context, e env, args []string) error {
	fs, db := flags("bench", e)
	asJSON := fs.Bool("json", false, "JSON 输出 / print one JSON object")
	scratch := fs.String("scratch", "", "写入测试用的临时目录 / directory for the scratch copy (default: system temp)")
	batches := fs.Int("batches", 40, "吞吐测试的事务数（每个1000条）/ transactions of 1,000 in the throughput runs")
	if err := parse(fs, args); err != nil {
		return err
	}
	path := *db
	if path == "" {
		p, err := store.DefaultPath(e.getenv)
		if err != nil {
			return err
		}
		path = p
	}
	res, err := store.Bench(ctx, path, store.BenchOptions{ScratchDir: *scratch, Batches: *batches})
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(res)
	}
	fmt.Fprintf(e.stdout, "cases %d\nappend %.0f events/s, raw insert %.0f rows/s, ratio %.2f\nappend p95 %.2f ms\nlist page p95 %.2f ms\nsearch p95 %.2f ms\nopen %.1f ms\n",
		res.Cases, res.AppendEventsPerS, res.RawInsertRowsPerS, res.AppendRatio, res.AppendP95MS, res.ListPageMSP95, res.SearchMSP95, res.OpenMS)
	return nil
}
