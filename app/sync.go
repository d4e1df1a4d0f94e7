package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"
	"github.com/google/uuid"

	"jiefang/cases"
)

// SyncStatus is what the status line shows about sync.
type SyncStatus struct {
	Enrolled      bool
	Unit          string    // the unit this device belongs to, once enrolled
	Hub           string    // the hub address (host only)
	LastSync      time.Time // last round that worked; zero: never
	PendingEvents int64     // events not yet acknowledged by the hub
	PendingBytes  int64     // evidence bytes not yet uploaded
	Rejected      int       // events the hub refused, kept in the local list
	Syncing       bool
	Err           string    // Chinese: why the last round failed; "" if it worked
	NextTry       time.Time // when the next automatic round runs after a failure
	Pulled        int       // events the last round brought down from the hub
	Downloaded    int       // evidence files the last round brought down
}

// RejectedEvent is an event the hub refused; it stays in the local log and is listed for the user.
type RejectedEvent struct {
	EventID    uuid.UUID
	CaseNumber string
	Type       string // event type, e.g. "case.opened"
	Message    string // Chinese, from the hub
	At         time.Time
}

// Syncer runs sync in the background (sync/client implements it).
type Syncer interface {
	Status() SyncStatus                                    // fast, from memory; safe from any goroutine
	Watch(func(SyncStatus))                                // called (from a background goroutine) whenever the status changes
	SyncNow()                                              // start a round now (no-op if one is running or not enrolled)
	Enroll(ctx context.Context, code string) error         // redeem an enrollment code (blocks on network: call off the UI goroutine)
	Rejected(ctx context.Context) ([]RejectedEvent, error) // the events the hub refused, for the user to see
}

// syncLine is the sync part of the home screen's status line.
func syncLine(st SyncStatus, available bool) string {
	if !available || !st.Enrolled {
		return lang.L("未连接上级")
	}
	parts := []string{lang.L("已连接上级")}
	if st.Unit != "" {
		parts[0] = fmt.Sprintf(lang.L("单位 %s"), st.Unit)
	}
	switch {
	case st.Syncing:
		parts = append(parts, lang.L("同步中…"))
	case st.Err != "":
		parts = append(parts, syncFailure(st))
	case st.LastSync.IsZero():
		parts = append(parts, lang.L("尚未同步"))
	default:
		parts = append(parts, fmt.Sprintf(lang.L("上次同步 %s"), cases.Local(st.LastSync).Format("01-02 15:04")))
	}
	if p := pendingText(st); p != "" {
		parts = append(parts, p)
	}
	if st.Rejected > 0 {
		parts = append(parts, fmt.Sprintf(lang.L("被退回 %d 条"), st.Rejected))
	}
	return strings.Join(parts, " · ")
}

// syncFailure says why the last round failed and when the next one runs.
func syncFailure(st SyncStatus) string {
	why := strings.TrimRight(st.Err, "。.")
	if st.NextTry.IsZero() {
		return fmt.Sprintf(lang.L("同步失败：%s"), why)
	}
	return fmt.Sprintf(lang.L("同步失败：%s，%s 重试"), why, cases.Local(st.NextTry).Format("15:04"))
}

// pendingText is what waits to go up, or "" when everything is up.
func pendingText(st SyncStatus) string {
	switch {
	case st.PendingEvents > 0 && st.PendingBytes > 0:
		return fmt.Sprintf(lang.L("待上传 %d 条（%s）"), st.PendingEvents, byteSize(st.PendingBytes))
	case st.PendingEvents > 0:
		return fmt.Sprintf(lang.L("待上传 %d 条"), st.PendingEvents)
	case st.PendingBytes > 0:
		return fmt.Sprintf(lang.L("待上传证据 %s"), byteSize(st.PendingBytes))
	}
	return ""
}

// byteSize is n bytes for people: 512 B, 3.2 MB.
func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n)/unit, 0
	for v >= unit && i < 3 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %s", v, []string{"KB", "MB", "GB", "TB"}[i])
}

// enrollErrorText is what the user reads when enrolling failed: the
// error's own Chinese message if it has one, else a general one with the
// technical detail for whoever helps.
func enrollErrorText(err error) string {
	var um interface{ UserMessage() string }
	if errors.As(err, &um) {
		if msg := um.UserMessage(); msg != "" {
			return msg
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return lang.L("连接上级超时。请检查网络（能否打开单位内网或互联网）后再试。") + "\n" + err.Error()
	}
	return lang.L("连接上级失败。请检查网络和入网码后再试；如反复出现，请联系县级信息化人员。") + "\n" + err.Error()
}
