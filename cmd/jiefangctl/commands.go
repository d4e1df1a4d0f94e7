package main

import (
	"context"
	"encoding/json"
	"fmt"

	"jiefang/cases"
)

func runVerify(ctx context.Context, e env, args []string) error {
	fs, db := flags("verify", e)
	s, err := parseAndOpen(e, fs, db, args)
	if err != nil {
		return err
	}
	defer s.Close()
	rep, err := s.Verify(ctx, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "ok: %d cases, %d events (%d from this device in an unbroken hash chain, %d from others matching their hashes); projections equal the log; SQLite integrity ok\n",
		rep.Cases, rep.Events, rep.DeviceEvents, rep.ForeignEvents)
	return nil
}

func runStats(ctx context.Context, e env, args []string) error {
	fs, db := flags("stats", e)
	asJSON := fs.Bool("json", false, "JSON 输出 / print JSON")
	s, err := parseAndOpen(e, fs, db, args)
	if err != nil {
		return err
	}
	defer s.Close()
	st, err := s.Stats(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(st)
	}
	fmt.Fprintf(e.stdout, "案件 cases %d\n事件 events %d\n待上传 outbox %d\n证据文件 blobs %d\n", st.Cases, st.Events, st.Outbox, st.Blobs)
	return nil
}

// caseLine is one line of `jiefangctl cases --json`.
type caseLine struct {
	ID             string `json:"id"`
	Number         string `json:"number"`
	Category       string `json:"category"`
	Status         string `json:"status"`
	Channel        string `json:"channel"`
	MediationLevel string `json:"mediation_level"`
	Intensity      int    `json:"intensity"`
	IntensityLevel string `json:"intensity_level"`
	Signers        int    `json:"signers"`
	Summary        string `json:"summary"`
	CreatedAt      string `json:"created_at"`
	UpdatedAt      string `json:"updated_at"`
}

func runCases(ctx context.Context, e env, args []string) error {
	fs, db := flags("cases", e)
	asJSON := fs.Bool("json", false, "每行一个 JSON 对象 / one JSON object per line")
	limit := fs.Int("limit", 50, "最多列出几件 / at most this many cases, newest change first (0 = all)")
	facts := fs.String("facts", "", "只列出事实卡片 pending（有待核实）、disputed（有存争议）或 confirmed（全部已证实）的案件 / only cases with a pending card, a disputed card, or all cards confirmed")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *limit < 0 {
		return usageError("--limit 不能为负数")
	}
	factFilter := cases.FactFilter(*facts)
	switch factFilter {
	case "", cases.FactsPending, cases.FactsDisputed, cases.FactsAllConfirmed:
	default:
		return usageError(fmt.Sprintf("--facts %q: 只能是 pending、disputed 或 confirmed", *facts))
	}
	s, err := open(e, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	var after *cases.Cursor
	for left := *limit; *limit == 0 || left > 0; {
		page := 500
		if *limit != 0 && left < page {
			page = left
		}
		rows, err := s.ListCases(ctx, cases.ListQuery{Limit: page, Facts: factFilter, After: after})
		if err != nil {
			return err
		}
		for _, l := range rows {
			if *asJSON {
				err = enc.Encode(caseLine{
					ID: l.ID.String(), Number: l.Number, Category: l.Category, Status: string(l.Status),
					Channel: string(l.Channel), MediationLevel: string(l.MediationLevel), Intensity: l.Intensity,
					IntensityLevel: string(l.IntensityLevel), Signers: l.Signers, Summary: l.Summary,
					CreatedAt: l.CreatedAt.Format("2006-01-02T15:04:05Z07:00"), UpdatedAt: l.UpdatedAt.Format("2006-01-02T15:04:05Z07:00"),
				})
			} else {
				_, err = fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\t%s\n", l.Number, l.Status.Label(), l.Category, l.UpdatedAt.Format("2006-01-02"), l.Summary)
			}
			if err != nil {
				return err
			}
		}
		if len(rows) < page {
			break
		}
		last := rows[len(rows)-1]
		after = &cases.Cursor{UpdatedAt: last.UpdatedAt, ID: last.ID}
		left -= len(rows)
	}
	return nil
}
