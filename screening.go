package main

import (
	"context"
	"slices"
	"sync"
	"time"

	"jiefang/app"
	"jiefang/cases"
	"jiefang/cases/registry"
	"jiefang/cases/store"
)

// alertsFresh is how long one run of the registry rules serves the
// 三维甄别 view: the registries change only when a snapshot is imported,
// the cases' parties when one is recorded.
const alertsFresh = time.Minute

// deskRegistry shows the registry checks (cases/registry over the
// store's snapshots and cases) to the desk window, which declares its
// own types so that it never imports the screening packages.
type deskRegistry struct {
	s *store.Store

	mu  sync.Mutex
	at  time.Time // when res was found; zero: never
	res registry.Result
}

// Alerts implements app.RegistryChecks: the alerts that name case c or
// are about one of its parties (by ID number), from a run of every rule
// at most alertsFresh old.
func (d *deskRegistry) Alerts(ctx context.Context, c cases.Case) (app.RegistryCheck, error) {
	res, err := d.result(ctx)
	if err != nil {
		return app.RegistryCheck{}, err
	}
	var ids []string // the ID numbers of the case's current parties
	for _, p := range c.Parties {
		if p.Current() && p.IDNumber != "" {
			ids = append(ids, p.IDNumber)
		}
	}
	var out app.RegistryCheck
	for _, a := range res.Alerts {
		named := slices.Contains(a.Cases, c.ProvisionalNumber) || (c.OfficialNumber != "" && slices.Contains(a.Cases, c.OfficialNumber))
		if named || slices.Contains(ids, a.Subject.ID) {
			out.Alerts = append(out.Alerts, app.RegistryAlert{Title: a.Title, Explanation: a.Explanation})
		}
	}
	for _, sk := range res.Skipped {
		for _, r := range registry.Rules {
			if r.ID == sk.Rule {
				out.NotRun = append(out.NotRun, r.Title)
			}
		}
	}
	return out, nil
}

// result runs the rules, or gives the last run while it is fresh.
func (d *deskRegistry) result(ctx context.Context) (registry.Result, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.at.IsZero() && time.Since(d.at) < alertsFresh {
		return d.res, nil
	}
	res, err := registry.Run(ctx, d.s, registry.Options{})
	if err != nil {
		return registry.Result{}, err
	}
	d.res, d.at = res, time.Now()
	return res, nil
}
