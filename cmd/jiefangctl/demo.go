package main

import (
	"context"
	"fmt"
	"time"

	"jiefang/cases/demo"
	"jiefang/cases/store"
)

func runDemo(ctx context.Context, e env, args []string) error {
	fs, db := flags("demo", e)
	n := fs.Int("cases", 1000, "案件数 / number of cases")
	seed := fs.Uint64("seed", 1, "随机种子 / seed: the same seed gives the same cases")
	quiet := fs.Bool("quiet", false, "不显示进度 / no progress output")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *n <= 0 {
		return usageError("--cases 必须大于0")
	}
	path := *db
	if path == "" {
		p, err := store.DemoPath(e.getenv)
		if err != nil {
			return err
		}
		path = p
	}
	s, err := store.Open(path, store.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	st, err := s.Stats(ctx)
	if err != nil {
		return err
	}
	if st.Events > 0 {
		return fmt.Errorf("数据库 %s 里已经有 %d 件案件；演示数据只写入新的数据库，请换一个文件名 (refusing to add demo data to a database that has cases)", path, st.Cases)
	}
	t0 := time.Now()
	last := time.Now()
	res, err := demo.Generate(ctx, s, demo.Options{
		Cases: *n, Seed: *seed, Until: time.Now(),
		Progress: func(done, total int) {
			if !*quiet && (time.Since(last) > 2*time.Second || done == total) {
				last = time.Now()
				fmt.Fprintf(e.stderr, "演示数据 %d/%d 件 (%.0f%%)\n", done, total, 100*float64(done)/float64(total))
			}
		},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %d demo cases, %d events to %s in %.1fs\n", res.Cases, res.Events, path, time.Since(t0).Seconds())
	return nil
}
