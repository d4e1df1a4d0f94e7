package main

import (
	"context"

	"jiefang/app"
	"jiefang/sync/client"
)

// deskSync shows the background syncer to the desk window, which declares
// its own types so that it never imports sync code.
type deskSync struct {
	s *client.Syncer
	k client.Keyring // where the credential is kept (the store)
}

func (d deskSync) Status() app.SyncStatus { return toAppStatus(d.s.Status()) }

func (d deskSync) Watch(f func(app.SyncStatus)) {
	d.s.Watch(func(st client.Status) { f(toAppStatus(st)) })
}

func (d deskSync) SyncNow() { d.s.SyncNow() }

func (d deskSync) Enroll(ctx context.Context, code string) error { return d.s.Enroll(ctx, code) }

func (d deskSync) Rejected(ctx context.Context) ([]app.RejectedEvent, error) {
	rs, err := d.s.Rejected(ctx)
	out := make([]app.RejectedEvent, len(rs))
	for i, r := range rs {
		out[i] = app.RejectedEvent{EventID: r.EventID, CaseNumber: r.CaseNumber, Type: r.Type, Message: r.Message, At: r.At}
	}
	return out, err
}

func toAppStatus(st client.Status) app.SyncStatus {
	return app.SyncStatus{Enrolled: st.Enrolled, Unit: st.Unit, Hub: st.Hub, LastSync: st.LastSync,
		PendingEvents: st.PendingEvents, PendingBytes: st.PendingBytes, Rejected: st.Rejected,
		Syncing: st.Syncing, Err: st.Err, NextTry: st.NextTry, Pulled: st.LastReport.Pulled,
		Downloaded: st.LastReport.Downloaded}
}

// Enrolled reports whether the desk holds a hub credential.
func (d deskSync) Enrolled(ctx context.Context) (bool, error) {
	_, ok, err := client.LoadCredential(ctx, d.k)
	return ok, err
}
