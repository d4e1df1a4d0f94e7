package app

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// With Deps.Timings set, the first list load says how long after the
// start it was shown, and a search says how long its query took.
func TestTimingsWritten(t *testing.T) {
	w := newTestWindow(t)
	s := newTestStore(t)
	addCase(t, s, "新楼挡住采光")
	addCase(t, s, "社保断缴三年")
	var out bytes.Buffer
	h := newHomeScreen(w, Deps{Cases: s, DeviceCode: s.Device().Code, Timings: &out, Started: time.Now().Add(-time.Second)})
	ui := newTestUI()
	h.ui = ui.do
	w.SetContent(h.content())
	h.load("")
	ui.settle(&h.busy)
	h.load("采光")
	ui.settle(&h.busy)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("timings %q, want two lines", out.String())
	}
	first := regexp.MustCompile(`^list: 2 rows, query [0-9.]+ ms, shown [0-9.]+ ms, ([0-9]+) ms after start$`).FindStringSubmatch(lines[0])
	if first == nil {
		t.Fatalf("first line %q", lines[0])
	}
	if after, _ := strconv.Atoi(first[1]); after < 1000 {
		t.Errorf("first line %q: the start was a second ago", lines[0])
	}
	if !regexp.MustCompile(`^search "采光": 1 rows, query [0-9.]+ ms, shown [0-9.]+ ms$`).MatchString(lines[1]) {
		t.Errorf("search line %q", lines[1])
	}
}
