package protocol

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"jiefang/cases"
)

// An event that crosses the wire as JSON keeps its hash.
func TestEventRoundTripKeepsHash(t *testing.T) {
	e, err := cases.NewEvent(uuid.Must(uuid.NewV7()), &cases.NoteAdd{NoteID: uuid.Must(uuid.NewV7()), Text: "情绪平稳，同意等待核实"})
	if err != nil {
		t.Fatal(err)
	}
	e.ID, e.Actor, e.DeviceID, e.DeviceSeq, e.PrevHash = uuid.Must(uuid.NewV7()), "王芳", "dev-1", 7, "ab12"
	e.At = time.Date(2026, 11, 28, 9, 30, 15, 123_000_000, time.UTC)
	e.Hash = e.ComputeHash()
	raw, err := json.Marshal(PushRequest{Version: Version, Events: []Event{FromEvent(e)}})
	if err != nil {
		t.Fatal(err)
	}
	var req PushRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		t.Fatal(err)
	}
	got := req.Events[0].ToEvent()
	if got.ComputeHash() != e.Hash || got.Hash != e.Hash {
		t.Fatalf("hash changed in transit: %s", raw)
	}
}

func TestEveryCodeHasAChineseMessage(t *testing.T) {
	for _, c := range []Code{CodeBadVersion, CodeBadRequest, CodeBadEvent, CodeHashInvalid, CodeIDReused, CodeWrongDevice, CodeNewEpoch,
		CodeBundleInvalid, CodeBundleRefused} {
		if m := c.Message(); m == "" || m == Code("nonsense").Message() {
			t.Errorf("%s has no message of its own", c)
		}
	}
	if NewError(CodeBadVersion, "v9").Message == "" {
		t.Error("NewError without message")
	}
}

func TestAcceptedMatchesAccepts(t *testing.T) {
	got := Accepted()
	if len(got) == 0 || got[len(got)-1] != Version {
		t.Fatalf("Accepted() = %v", got)
	}
	for _, v := range got {
		if !Accepts(v) {
			t.Errorf("%d listed but not accepted", v)
		}
	}
	if Accepts(Version+1) || Accepts(Version-2) {
		t.Error("Accepts takes more than the current and previous version")
	}
}
