package hub_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"

	"jiefang/cases"
	"jiefang/sync/hub/hubtest"
	"jiefang/sync/protocol"
)

func wire(evs []cases.Event) []protocol.Event {
	out := make([]protocol.Event, len(evs))
	for i, e := range evs {
		out[i] = protocol.FromEvent(e)
	}
	return out
}

// An evidence item's document date is a mutable field on the hub too:
// two desks that change it from the same version get the second change
// stored as a conflict and the case flagged; a change based on the
// current version clears the flag.
func TestEvidenceDateConflictOnHub(t *testing.T) {
	hubtest.Each(t, func(t *testing.T, b hubtest.Backend) {
		h, _ := b.Open(t)
		d := newTwoDesks(t, h)
		id, eid := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
		o, _ := cases.NewEvent(id, &cases.Opened{Channel: cases.ChannelVisit, Category: "征地补偿", Summary: "补偿款至今只拿到一半"})
		add, _ := cases.NewEvent(id, &cases.EvidenceAdd{EvidenceID: eid, SHA256: strings.Repeat("ab", 32), FileName: "协议.jpg", MediaType: "image/jpeg", Size: 10, DocumentDate: "2019-05-01"})
		d.share(t, o, add)
		mine, _ := cases.NewEvent(id, &cases.EvidenceDate{EvidenceID: eid, Date: "2019-04-30"})
		theirs, _ := cases.NewEvent(id, &cases.EvidenceDate{EvidenceID: eid, Date: "2019-06-01"})
		d.race(t, id, d.devA, mine, theirs)
		d.decide(t, id, &cases.EvidenceDate{EvidenceID: eid, Date: "2019-06-01"})
	})
}
