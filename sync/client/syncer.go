package client

import (
	"context"
	"math/rand/v2"
	"net/url"
	"sync"
	"time"

	"jiefang/cases/store"
)

// Status is what the desk shows about sync.
type Status struct {
	Enrolled      bool
	Unit          string
	Hub           string // host of the hub
	LastSync      time.Time
	LastReport    Report
	PendingEvents int64
	PendingBytes  int64
	Rejected      int
	Syncing       bool
	Err           string // Chinese; "" when the last round worked
	NextTry       time.Time
}

// SyncStore is the desk store as the background syncer uses it.
type SyncStore interface {
	Local
	PendingCounts(ctx context.Context) (events, bytes int64, err error)
	Rejected(ctx context.Context) ([]store.RejectedEvent, error)
	RejectedCount(ctx context.Context) (int, error)
	IsDemo(ctx context.Context) (bool, error)
}

// Backoff is the wait after failures: doubling from Min up to Max, each
// wait drawn at random between half and all of it (jitter), so that many
// desks coming back online do not knock at the same moment.
type Backoff struct {
	Min, Max time.Duration
}

// Wait is the wait after n failures in a row (n ≥ 1).
func (b Backoff) Wait(n int) time.Duration {
	d := b.Min
	for i := 1; i < n && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	return d/2 + rand.N(d/2+1)
}

// Syncer runs sync rounds in the background: every Interval, at once when
// asked, and after a failure again after a backoff, without waiting for a
// new local write.
type Syncer struct {
	local    SyncStore
	device   DeviceInfo
	Interval time.Duration
	Backoff  Backoff

	mu       sync.Mutex
	status   Status
	watchers []func(Status)
	kick     chan struct{}
}

// NewSyncer makes a syncer for the desk store; Run starts it.
func NewSyncer(local SyncStore, device DeviceInfo) *Syncer {
	return &Syncer{local: local, device: device, Interval: time.Minute,
		Backoff: Backoff{Min: 5 * time.Second, Max: 5 * time.Minute}, kick: make(chan struct{}, 1)}
}

// Status is the current status, from memory.
func (s *Syncer) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// Watch calls f, from the syncer's goroutine, whenever the status changes.
func (s *Syncer) Watch(f func(Status)) {
	s.mu.Lock()
	s.watchers = append(s.watchers, f)
	s.mu.Unlock()
}

func (s *Syncer) update(f func(*Status)) {
	s.mu.Lock()
	f(&s.status)
	st, ws := s.status, append([]func(Status){}, s.watchers...)
	s.mu.Unlock()
	for _, w := range ws {
		w(st)
	}
}

// SyncNow asks for a round at once.
func (s *Syncer) SyncNow() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Enroll redeems an enrollment code and starts syncing.
func (s *Syncer) Enroll(ctx context.Context, code string) error {
	demo, err := s.local.IsDemo(ctx)
	if err != nil {
		return err
	}
	dev := s.device
	dev.Demo = demo
	if _, err := Enroll(ctx, s.local, dev, code); err != nil {
		return &userError{msg: UserMessage(err), err: err}
	}
	s.refresh(ctx)
	s.SyncNow()
	return nil
}

// Rejected lists the events the hub refused.
func (s *Syncer) Rejected(ctx context.Context) ([]store.RejectedEvent, error) {
	return s.local.Rejected(ctx)
}

// refresh reads the credential and the pending counts into the status.
func (s *Syncer) refresh(ctx context.Context) {
	cred, ok, _ := LoadCredential(ctx, s.local)
	events, bytes, _ := s.local.PendingCounts(ctx)
	rejected, _ := s.local.RejectedCount(ctx)
	s.update(func(st *Status) {
		st.Enrolled = ok && cred.Enrolled()
		st.Unit = cred.Unit
		if u, err := url.Parse(cred.HubURL); err == nil {
			st.Hub = u.Host
		}
		st.PendingEvents, st.PendingBytes, st.Rejected = events, bytes, rejected
	})
}

// Run syncs until ctx ends.
func (s *Syncer) Run(ctx context.Context) {
	failures := 0
	for {
		s.refresh(ctx)
		wait := s.Interval
		if s.Status().Enrolled {
			if err := s.RunOnce(ctx); err != nil {
				failures++
				wait = s.Backoff.Wait(failures)
				next := time.Now().Add(wait)
				s.update(func(st *Status) { st.NextTry = next })
			} else {
				failures = 0
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-s.kick:
			t.Stop()
		case <-t.C:
		}
	}
}

// RunOnce runs one round now and records its outcome in the status.
func (s *Syncer) RunOnce(ctx context.Context) error {
	cred, ok, err := LoadCredential(ctx, s.local)
	if err == nil && (!ok || !cred.Enrolled()) {
		err = ErrNotEnrolled
	}
	var rep Report
	if err == nil {
		s.update(func(st *Status) { st.Syncing = true })
		var r *Remote
		if r, err = NewRemote(cred); err == nil {
			rep, err = Round(ctx, s.local, r)
		}
	}
	s.refresh(ctx)
	s.update(func(st *Status) {
		st.Syncing = false
		if err != nil {
			st.Err = UserMessage(err)
			return
		}
		st.Err, st.LastSync, st.LastReport, st.NextTry = "", time.Now(), rep, time.Time{}
	})
	return err
}
