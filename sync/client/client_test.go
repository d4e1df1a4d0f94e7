package client

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/cases/store"
	"jiefang/sync/hub"
	"jiefang/sync/protocol"
)

// inProcess is the hub reached directly, as one device; lose drops the
// reply of the next push after the hub committed it.
type inProcess struct {
	h      *hub.Store
	device hub.Device
	lose   bool
}

func (p *inProcess) Push(ctx context.Context, evs []protocol.Event) ([]protocol.PushResult, error) {
	rs, err := p.h.Push(ctx, p.device, evs)
	if err == nil && p.lose {
		p.lose = false
		return nil, errors.New("connection reset after the hub committed")
	}
	return rs, err
}

func TestPushDrainsTheOutboxExactlyOnce(t *testing.T) {
	dir := t.TempDir()
	desk, err := store.Open(filepath.Join(dir, "desk.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer desk.Close()
	h, err := hub.OpenSQLite(filepath.Join(dir, "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	ctx := context.Background()
	desk.SetActor(ctx, "王芳")
	for i := 0; i < 7; i++ {
		id := uuid.Must(uuid.NewV7())
		o, _ := cases.NewEvent(id, &cases.Opened{Channel: cases.ChannelPhone, Category: "拖欠工资", Summary: "工地欠薪"})
		n, _ := cases.NewEvent(id, &cases.NoteAdd{NoteID: uuid.Must(uuid.NewV7()), Text: "已登记"})
		if _, err := desk.Append(ctx, o, n); err != nil {
			t.Fatal(err)
		}
	}
	link := &inProcess{h: h, device: hub.Device{ID: desk.Device().ID, UnitPath: "/1/"}, lose: true}
	if _, _, err := PushOnce(ctx, desk, link, 5); err == nil {
		t.Fatal("a lost reply was not reported")
	}
	sent := 0
	for {
		n, rejected, err := PushOnce(ctx, desk, link, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(rejected) > 0 {
			t.Fatalf("rejected %+v", rejected)
		}
		if n == 0 {
			break
		}
		sent += n
	}
	if sent != 14 {
		t.Errorf("sent %d events after the lost reply, want 14 (the first 5 again as duplicates)", sent)
	}
	if st, _ := desk.Stats(ctx); st.Outbox != 0 {
		t.Fatalf("outbox %d after draining", st.Outbox)
	}
	if st, _ := h.Stats(ctx); st.Events != 14+7 || st.Cases != 7 || st.Quarantined != 0 {
		t.Fatalf("hub %+v, want each of 14 events once and 7 official numbers", st)
	}
}
