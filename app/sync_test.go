package app

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"jiefang/sync/qrimage"
)

// fakeSyncer is a Syncer in memory. Enroll waits for gate when it is set,
// so a test can look at the screen while the hub has not answered.
type fakeSyncer struct {
	mu        sync.Mutex
	status    SyncStatus
	watchers  []func(SyncStatus)
	syncNows  int
	codes     []string
	enrollErr error
	gate      chan struct{}
	rejected  []RejectedEvent
}

func (f *fakeSyncer) Status() SyncStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.status
}

func (f *fakeSyncer) Watch(fn func(SyncStatus)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.watchers = append(f.watchers, fn)
}

// set changes the status and tells the watchers, as the real one does.
func (f *fakeSyncer) set(st SyncStatus) {
	f.mu.Lock()
	f.status = st
	ws := append([]func(SyncStatus){}, f.watchers...)
	f.mu.Unlock()
	for _, w := range ws {
		w(st)
	}
}

func (f *fakeSyncer) SyncNow() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.syncNows++
}

func (f *fakeSyncer) Enroll(ctx context.Context, code string) error {
	f.mu.Lock()
	gate := f.gate
	f.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Second):
			return errors.New("fake: the test never let Enroll finish")
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.codes = append(f.codes, code)
	if f.enrollErr != nil {
		return f.enrollErr
	}
	f.status = SyncStatus{Enrolled: true, Unit: "青山镇", Hub: "hub.example.cn"}
	return nil
}

func (f *fakeSyncer) Rejected(context.Context) ([]RejectedEvent, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]RejectedEvent(nil), f.rejected...), nil
}

// userError is an error with a message for the user, as sync/client's are.
type userError struct{ msg string }

func (e *userError) Error() string       { return "sync: enroll_used" }
func (e *userError) UserMessage() string { return e.msg }

// shanghai makes a UTC time from a wall-clock time in Asia/Shanghai.
func shanghai(month time.Month, day, hour, min int) time.Time {
	return time.Date(2025, month, day, hour-8, min, 0, 0, time.UTC)
}

func TestStatusLineSync(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	s.SetActor(context.Background(), "王芳")

	// No syncer at all: an older caller, or a test.
	h := newHomeScreen(w, Deps{Cases: s, DeviceCode: "QS01"})
	w.SetContent(h.content())
	h.watchSync()
	h.show("", nil)
	if !strings.HasSuffix(h.status.Text, " · 未连接上级") || !strings.Contains(h.status.Text, "王芳") {
		t.Errorf("without a syncer: %q", h.status.Text)
	}

	f := &fakeSyncer{}
	h = newHomeScreen(w, Deps{Cases: s, DeviceCode: "QS01", Sync: f})
	w.SetContent(h.content())
	h.watchSync()
	h.show("", nil)
	if want := "设备 QS01 · 工作人员 王芳 · 最近更新的 0 件 · 未连接上级"; h.status.Text != want {
		t.Errorf("not enrolled:\n got %q\nwant %q", h.status.Text, want)
	}

	for _, c := range []struct {
		name string
		st   SyncStatus
		want string
	}{
		{"pending", SyncStatus{Enrolled: true, Unit: "青山镇", LastSync: shanghai(11, 28, 9, 30), PendingEvents: 12, PendingBytes: 3355443},
			"单位 青山镇 · 上次同步 11-28 09:30 · 待上传 12 条（3.2 MB）"},
		{"all up", SyncStatus{Enrolled: true, Unit: "青山镇", LastSync: shanghai(11, 28, 9, 30)},
			"单位 青山镇 · 上次同步 11-28 09:30"},
		{"never", SyncStatus{Enrolled: true, Unit: "青山镇", PendingEvents: 3},
			"单位 青山镇 · 尚未同步 · 待上传 3 条"},
		{"syncing", SyncStatus{Enrolled: true, Unit: "青山镇", Syncing: true, PendingEvents: 12},
			"单位 青山镇 · 同步中… · 待上传 12 条"},
		{"failed", SyncStatus{Enrolled: true, Unit: "青山镇", LastSync: shanghai(11, 28, 9, 30), PendingEvents: 12,
			Err: "连不上上级平台，请检查网络。", NextTry: shanghai(11, 28, 9, 35), Rejected: 2},
			"单位 青山镇 · 同步失败：连不上上级平台，请检查网络，09:35 重试 · 待上传 12 条 · 被退回 2 条"},
	} {
		f.set(c.st) // the watcher applies it with fyne.Do
		want := "设备 QS01 · 工作人员 王芳 · 最近更新的 0 件 · " + c.want
		if h.status.Text != want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, h.status.Text, want)
		}
	}

	// A demo database never syncs: the demo marker, no sync part.
	h = newHomeScreen(w, Deps{Cases: s, DeviceCode: "QS01", Sync: f, Demo: true})
	h.watchSync()
	h.show("", nil)
	if !strings.HasPrefix(h.status.Text, "演示数据（不会上报）") || strings.Contains(h.status.Text, "青山镇") {
		t.Errorf("demo: %q", h.status.Text)
	}
}

func TestByteSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1536: "1.5 KB", 3355443: "3.2 MB", 5 << 30: "5.0 GB"} {
		if got := byteSize(n); got != want {
			t.Errorf("byteSize(%d) = %q, want %q", n, got, want)
		}
	}
}

// openConnect opens the 连接上级 screen from the home screen's button.
func openConnect(t *testing.T, f Syncer) (*homeScreen, *connectScreen) {
	t.Helper()
	w := newTestWindow(t)
	s := newTestStore(t)
	deps := Deps{Cases: s, DeviceCode: "QS01"}
	if f != nil {
		deps.Sync = f
	}
	h := newHomeScreen(w, deps)
	w.SetContent(h.content())
	h.watchSync()
	h.show("", nil)
	test.Tap(h.connect)
	c := h.conn
	if c == nil {
		t.Fatal("连接上级 opened nothing")
	}
	c.busy.Wait()
	if len(w.Canvas().Overlays().List()) == 0 {
		t.Fatal("the connect screen is not shown")
	}
	return h, c
}

func TestConnectEnrollsWithPastedCode(t *testing.T) {
	f := &fakeSyncer{gate: make(chan struct{})}
	h, c := openConnect(t, f)
	if !strings.Contains(c.state.Text, "还没有连接上级") || !c.syncNow.Disabled() {
		t.Errorf("not enrolled: state %q, 立即同步 enabled %v", c.state.Text, !c.syncNow.Disabled())
	}
	if !containsText(c.rejected, "没有被退回的记录") {
		t.Error("no empty text in the list of records sent back")
	}

	test.Tap(c.connect) // nothing pasted yet
	c.busy.Wait()
	if len(f.codes) != 0 || !strings.Contains(c.result.Text, "请先粘贴入网码") {
		t.Fatalf("empty code: enrolled %v, said %q", f.codes, c.result.Text)
	}

	c.code.SetText("  JF1-eyJ1IjoiaHR0cHM6Ly9odWIifQ\n ") // pasted with the line's spaces
	test.Tap(c.connect)
	if !c.connect.Disabled() || !c.openImage.Disabled() || !c.working.Visible() {
		t.Error("while connecting, the buttons stay enabled or no activity shows")
	}
	close(f.gate)
	c.busy.Wait()
	if len(f.codes) != 1 || f.codes[0] != "JF1-eyJ1IjoiaHR0cHM6Ly9odWIifQ" {
		t.Fatalf("Enroll got %q", f.codes)
	}
	if want := "已连接上级。本机单位：青山镇。以后有网络时会自动同步。"; c.result.Text != want {
		t.Errorf("after enrolling: %q, want %q", c.result.Text, want)
	}
	if c.working.Visible() || c.connect.Disabled() || c.code.Text != "" {
		t.Error("after enrolling: still busy, or the code still shown")
	}
	if !strings.Contains(c.state.Text, "本机单位：青山镇") || !strings.Contains(c.state.Text, "hub.example.cn") || c.syncNow.Disabled() {
		t.Errorf("state after enrolling: %q, 立即同步 enabled %v", c.state.Text, !c.syncNow.Disabled())
	}

	test.Tap(c.syncNow)
	if f.syncNows != 1 {
		t.Errorf("立即同步 started %d rounds", f.syncNows)
	}
	// A status change reaches both the status line and the open screen.
	f.set(SyncStatus{Enrolled: true, Unit: "青山镇", Hub: "hub.example.cn", Syncing: true})
	if !strings.Contains(c.state.Text, "同步中…") || !c.syncNow.Disabled() || !strings.Contains(h.status.Text, "同步中…") {
		t.Errorf("syncing: screen %q, status line %q", c.state.Text, h.status.Text)
	}
	c.busy.Wait()

	c.dlg.Hide()
	if h.conn != nil {
		t.Error("the closed screen is still held open")
	}
}

func TestConnectShowsUserMessage(t *testing.T) {
	const msg = "这个入网码已经用过，每个码只能用一次；请向县级信息化人员索取新码。"
	f := &fakeSyncer{enrollErr: &userError{msg: msg}}
	_, c := openConnect(t, f)
	c.code.SetText("JF1-used")
	test.Tap(c.connect)
	c.busy.Wait()
	if c.result.Text != msg {
		t.Errorf("said %q, want %q", c.result.Text, msg)
	}
	if c.code.Text != "JF1-used" || c.connect.Disabled() {
		t.Error("after a refusal the code is lost or 连接 stays disabled")
	}

	f.mu.Lock()
	f.enrollErr = errors.New("dial tcp 10.0.0.1:443: connection refused")
	f.mu.Unlock()
	test.Tap(c.connect)
	c.busy.Wait()
	if !strings.HasPrefix(c.result.Text, "连接上级失败") || !strings.Contains(c.result.Text, "connection refused") {
		t.Errorf("plain error: %q", c.result.Text)
	}
}

func TestConnectListsRejected(t *testing.T) {
	f := &fakeSyncer{
		status: SyncStatus{Enrolled: true, Unit: "青山镇", Hub: "hub.example.cn", LastSync: shanghai(11, 28, 9, 30), Rejected: 1},
		rejected: []RejectedEvent{{
			EventID: newID(t), CaseNumber: "QS01-20251128-003", Type: "case.opened",
			Message: "这条记录内容不完整或格式不对，已被上级退回。", At: shanghai(11, 28, 9, 31),
		}},
	}
	h, c := openConnect(t, f)
	if !containsText(c.rejected, "退回原因：这条记录内容不完整或格式不对，已被上级退回。") ||
		!containsText(c.rejected, "2025-11-28 09:31 · 案件 QS01-20251128-003") {
		t.Error("the record sent back is not listed with its reason, case and time")
	}
	if containsText(c.rejected, "没有被退回的记录") {
		t.Error("the empty text shows beside a record")
	}
	if !strings.Contains(c.state.Text, "上次同步：2025-11-28 09:30") || !strings.Contains(h.status.Text, "被退回 1 条") {
		t.Errorf("state %q, status line %q", c.state.Text, h.status.Text)
	}

	// The hub takes it after a fix: the list reads again when the count changes.
	f.mu.Lock()
	f.rejected = nil
	f.mu.Unlock()
	f.set(SyncStatus{Enrolled: true, Unit: "青山镇", Hub: "hub.example.cn", LastSync: shanghai(11, 28, 9, 40)})
	c.busy.Wait()
	if !containsText(c.rejected, "没有被退回的记录") {
		t.Error("the list did not follow the status")
	}
}

func TestConnectWithoutSync(t *testing.T) {
	h, c := openConnect(t, nil)
	if !strings.Contains(c.state.Text, "没有启用同步功能") || !c.connect.Disabled() || !c.openImage.Disabled() || !c.syncNow.Disabled() {
		t.Errorf("without sync: state %q, connect enabled %v", c.state.Text, !c.connect.Disabled())
	}
	if !strings.HasSuffix(h.status.Text, "未连接上级") {
		t.Errorf("status line %q", h.status.Text)
	}
}

func TestConnectReadsQRImage(t *testing.T) {
	f := &fakeSyncer{}
	_, c := openConnect(t, f)
	code := "JF1-" + strings.Repeat("eyJ1IjoiaHR0cHM6Ly9odWIifQ", 10)
	pic, err := qrimage.Encode(code, 400)
	if err != nil {
		t.Fatal(err)
	}
	c.readImage(io.NopCloser(bytes.NewReader(pic)))
	c.busy.Wait()
	if c.code.Text != code || !strings.Contains(c.result.Text, "已从图片读出入网码") {
		t.Errorf("code %q, said %q", c.code.Text, c.result.Text)
	}

	c.code.SetText("JF1-typed")
	c.readImage(io.NopCloser(strings.NewReader("not a picture")))
	c.busy.Wait()
	if c.code.Text != "JF1-typed" || !strings.Contains(c.result.Text, "不是能读取的图片") {
		t.Errorf("not an image: code %q, said %q", c.code.Text, c.result.Text)
	}

	c.readImage(io.NopCloser(bytes.NewReader(blankPNG(t))))
	c.busy.Wait()
	if c.code.Text != "JF1-typed" || !strings.Contains(c.result.Text, "图片里没有找到二维码") {
		t.Errorf("blank image: code %q, said %q", c.code.Text, c.result.Text)
	}
}

// blankPNG is a white picture without a code.
func blankPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 300, 200))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A round that brought events down (another desk's case, an official
// number) makes the case list be read again; a round that brought nothing,
// or the same round reported again, does not.
func TestPulledEventsReloadTheList(t *testing.T) {
	round := SyncStatus{Enrolled: true, LastSync: shanghai(11, 28, 9, 30)}
	pulled := SyncStatus{Enrolled: true, LastSync: shanghai(11, 28, 9, 31), Pulled: 3}
	quiet := SyncStatus{Enrolled: true, LastSync: shanghai(11, 28, 9, 32)}
	syncing := pulled
	syncing.Syncing = true
	for _, c := range []struct {
		name       string
		prev, next SyncStatus
		want       bool
	}{
		{"round that pulled", round, pulled, true},
		{"round that pulled nothing", pulled, quiet, false},
		{"same round, status changed", pulled, syncing, false},
		{"first status", SyncStatus{}, pulled, true},
		{"round that downloaded evidence", pulled, SyncStatus{Enrolled: true, LastSync: shanghai(11, 28, 9, 33), Downloaded: 2}, true},
	} {
		if got := pulledNew(c.prev, c.next); got != c.want {
			t.Errorf("%s: %v", c.name, got)
		}
	}
}

// A case registered at the desk is sent up at once when the desk is
// connected; a demo database never is.
func TestNewCaseStartsARound(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	for _, demo := range []bool{false, true} {
		f := &fakeSyncer{}
		h := newHomeScreen(w, Deps{Cases: s, DeviceCode: "QS01", Sync: f, Demo: demo})
		ui := newTestUI()
		h.ui = ui.do
		w.SetContent(h.content())
		h.onCaseCreated(newID(t), "QS01-20261128-0001")
		f.mu.Lock()
		n := f.syncNows
		f.mu.Unlock()
		if want := map[bool]int{false: 1, true: 0}[demo]; n != want {
			t.Errorf("demo %v: %d rounds started, want %d", demo, n, want)
		}
		ui.settle(&h.busy) // let the list load finish
	}
}
