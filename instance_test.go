package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"jiefang/cases/store"
)

// The instance tests run real processes: this test binary started again
// as a stand-in desk (instanceHelper), chosen by these variables.
const (
	helperRole = "JIEFANG_INSTANCE_HELPER" // desk, hung or locked
	helperDB   = "JIEFANG_INSTANCE_DB"
	helperWait = "JIEFANG_INSTANCE_WAIT" // instanceWait for the desk role
)

func TestMain(m *testing.M) {
	if role := os.Getenv(helperRole); role != "" {
		os.Exit(instanceHelper(role, os.Getenv(helperDB)))
	}
	os.Exit(m.Run())
}

// instanceHelper is a stand-in desk; it prints what it does, a line each.
//   - desk starts as main's run does: acquireInstance, then, if first,
//     opens the database and answers raises ("raise") until its stdin
//     is closed.
//   - hung takes the lock and publishes an address whose listener never
//     accepts: a desk that does not answer.
//   - locked takes the lock and publishes nothing: a desk that stopped
//     between taking the lock and listening.
func instanceHelper(role, db string) int {
	switch role {
	case "desk":
		wait := instanceWait
		if w := os.Getenv(helperWait); w != "" {
			var err error
			if wait, err = time.ParseDuration(w); err != nil {
				fmt.Println("error:", err)
				return 2
			}
		}
		inst, err := acquireInstance(db, wait)
		if err != nil {
			fmt.Println("error:", strings.ReplaceAll(err.Error(), "\n", " | "))
			return 1
		}
		if inst == nil {
			fmt.Println("raised the first desk; database not opened")
			return 0
		}
		defer inst.Close()
		s, err := store.Open(db, store.Options{})
		if err != nil {
			fmt.Println("error:", err)
			return 1
		}
		defer s.Close()
		fmt.Println("opened the database")
		inst.OnRaise(func() { fmt.Println("raise") })
		fmt.Println("ready")
		io.Copy(io.Discard, os.Stdin)
		inst.Closing()
		return 0
	case "hung", "locked":
		if err := os.MkdirAll(filepath.Dir(db), 0o700); err != nil {
			fmt.Println("error:", err)
			return 1
		}
		f, err := lockInstanceFile(lockPath(db))
		if err != nil {
			fmt.Println("error:", err)
			return 1
		}
		defer f.Close()
		if role == "hung" {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				fmt.Println("error:", err)
				return 1
			}
			defer ln.Close()
			a := instanceAddr{pid: os.Getpid(), port: ln.Addr().(*net.TCPAddr).Port, token: newToken()}
			if err := writeInstanceAddr(f, a); err != nil {
				fmt.Println("error:", err)
				return 1
			}
		}
		fmt.Println("ready")
		io.Copy(io.Discard, os.Stdin)
		return 0
	}
	fmt.Println("error: unknown role", role)
	return 2
}

// helperTimeout bounds every wait on a helper; it is generous: reaching
// it fails the test, whatever the machine's speed.
const helperTimeout = 60 * time.Second

// helper is a running stand-in desk.
type helper struct {
	t     *testing.T
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string // its stdout, a line each; closed at its end
	seen  []string
}

func startHelper(t *testing.T, role, db string) *helper {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LANG=zh_CN.UTF-8", helperRole+"="+role, helperDB+"="+db)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h := &helper{t: t, cmd: cmd, stdin: stdin, lines: make(chan string, 100)}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			h.lines <- sc.Text()
		}
		close(h.lines)
	}()
	t.Cleanup(func() {
		h.cmd.Process.Kill()
		h.cmd.Wait()
	})
	return h
}

// next is the helper's next line; "" at its end.
func (h *helper) next() string {
	h.t.Helper()
	select {
	case l, ok := <-h.lines:
		if ok {
			h.seen = append(h.seen, l)
		}
		return l
	case <-time.After(helperTimeout):
		h.t.Fatalf("%s: no line within %s; so far %q", h.role(), helperTimeout, h.seen)
		return ""
	}
}

func (h *helper) role() string {
	for _, e := range h.cmd.Env {
		if r, ok := strings.CutPrefix(e, helperRole+"="); ok {
			return r
		}
	}
	return "?"
}

// expect fails unless the helper's next lines are want.
func (h *helper) expect(want ...string) {
	h.t.Helper()
	for _, w := range want {
		if got := h.next(); got != w {
			h.t.Fatalf("%s said %q, want %q; so far %q", h.role(), got, w, h.seen)
		}
	}
}

// stop closes the helper's stdin, and returns the rest of what it said
// once it has ended; it must end well.
func (h *helper) stop() []string {
	h.t.Helper()
	h.stdin.Close()
	var rest []string
	for l := h.next(); l != ""; l = h.next() {
		rest = append(rest, l)
	}
	if err := h.cmd.Wait(); err != nil {
		h.t.Fatalf("%s: %v; said %q", h.role(), err, h.seen)
	}
	return rest
}

// runDesk runs a desk on db to its end, with env added, and returns its
// output and exit code.
func runDesk(t *testing.T, db string, env ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), helperTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), "LANG=zh_CN.UTF-8", helperRole+"=desk", helperDB+"="+db), env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case ctx.Err() != nil:
		t.Fatalf("the desk did not end within %s; said %q", helperTimeout, out)
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	default:
		t.Fatal(err)
	}
	return "", -1
}

// testDB is a database path in a folder that does not exist yet, with
// Chinese characters and a space in its name, as a Windows user's often has.
func testDB(t *testing.T) string {
	return filepath.Join(t.TempDir(), "张 三", "jiefang.db")
}

func TestSecondInstanceDoesNotOpenTheDatabase(t *testing.T) {
	db := testDB(t)
	first := startHelper(t, "desk", db)
	first.expect("opened the database", "ready")

	out, code := runDesk(t, db)
	if code != 0 || out != "raised the first desk; database not opened\n" {
		t.Fatalf("the second desk exited %d, saying %q", code, out)
	}
	first.expect("raise") // said before it answered the second
	if rest := first.stop(); len(rest) != 0 {
		t.Errorf("the first desk then said %q, want nothing more (one raise)", rest)
	}
}

func TestInstanceLockGoesWithAKilledDesk(t *testing.T) {
	db := testDB(t)
	first := startHelper(t, "desk", db)
	first.expect("opened the database", "ready")
	if err := first.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	first.cmd.Wait()

	// The lock file still holds the killed desk's address.
	if _, err := readInstanceAddr(lockPath(db)); err != nil {
		t.Fatalf("the killed desk left no address: %v", err)
	}
	next := startHelper(t, "desk", db)
	next.expect("opened the database", "ready")
	if out, code := runDesk(t, db); code != 0 || out != "raised the first desk; database not opened\n" {
		t.Fatalf("a desk after the new first exited %d, saying %q", code, out)
	}
	next.expect("raise")
	if rest := next.stop(); len(rest) != 0 {
		t.Errorf("the new first desk then said %q", rest)
	}
	// Closed well, it leaves the lock free too, and no address.
	if _, err := readInstanceAddr(lockPath(db)); err == nil {
		t.Error("a closed desk left its address in the lock file")
	}
	last := startHelper(t, "desk", db)
	last.expect("opened the database", "ready")
	last.stop()
}

func TestSecondInstanceWhenTheFirstDoesNotAnswer(t *testing.T) {
	for _, role := range []string{"hung", "locked"} {
		t.Run(role, func(t *testing.T) {
			db := testDB(t)
			first := startHelper(t, role, db)
			first.expect("ready")
			// The first never answers, so how long the second waits
			// changes nothing but the test's length.
			out, code := runDesk(t, db, helperWait+"=300ms")
			if code != 1 || !strings.HasPrefix(out, "error: ") || !strings.Contains(out, "did not answer within 300ms") {
				t.Errorf("the second desk exited %d, saying %q; want 1 and that the first did not answer", code, out)
			}
			if strings.Contains(out, "opened the database") {
				t.Errorf("the second desk opened the database: %q", out)
			}
			first.stop()
		})
	}
}

func TestInstanceRaiseNeedsTheToken(t *testing.T) {
	db := testDB(t)
	inst, err := acquireInstance(db, time.Second)
	if err != nil || inst == nil {
		t.Fatalf("first desk: %v, %v", inst, err)
	}
	defer inst.Close()
	var raises atomic.Int32
	inst.OnRaise(func() { raises.Add(1) })
	addr, err := readInstanceAddr(lockPath(db))
	if err != nil {
		t.Fatal(err)
	}
	if addr != inst.addr {
		t.Fatalf("the lock file says %+v, the desk is %+v", addr, inst.addr)
	}

	wrong := addr
	wrong.token = strings.Repeat("0", 32)
	if err := wrong.askRaise(helperTimeout); err == nil || !strings.Contains(err.Error(), `"denied"`) {
		t.Errorf("a wrong token: %v, want denied", err)
	}
	for req, want := range map[string]string{
		"raise\n":                         "denied\n",
		"raise " + addr.token + "x\n":     "denied\n",
		"hello " + addr.token + "\n":      "denied\n",
		"raise " + addr.token[:31] + "\n": "denied\n",
		strings.Repeat("x", 500) + "\n":   "", // too long: hung up on
	} {
		if got := request(t, addr.port, req); got != want {
			t.Errorf("%.40q answered %q, want %q", req, got, want)
		}
	}
	if n := raises.Load(); n != 0 {
		t.Fatalf("%d raises without the token", n)
	}
	if err := addr.askRaise(helperTimeout); err != nil {
		t.Fatalf("with the token: %v", err)
	}
	if n := raises.Load(); n != 1 {
		t.Fatalf("%d raises with the token, want 1", n)
	}

	// A closing desk sends a second one to wait for the lock, which it
	// gets once the first has closed.
	inst.Closing()
	if err := addr.askRaise(helperTimeout); !errors.Is(err, errClosing) {
		t.Errorf("a closing desk answered %v, want errClosing", err)
	}
	if _, err := acquireInstance(db, 100*time.Millisecond); err == nil || !strings.Contains(err.Error(), "is closing") {
		t.Errorf("a second desk while the first closes: %v", err)
	}
	if n := raises.Load(); n != 1 {
		t.Errorf("%d raises, want 1", n)
	}
	inst.Close()
	again, err := acquireInstance(db, time.Second)
	if err != nil || again == nil {
		t.Fatalf("after the first closed: %v, %v", again, err)
	}
	again.Close()
}

// request sends req to the desk at port and returns its answer.
func request(t *testing.T, port int, req string) string {
	t.Helper()
	c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(helperTimeout))
	io.WriteString(c, req)
	b, _ := io.ReadAll(c)
	return string(b)
}

func TestParseInstanceAddr(t *testing.T) {
	tok := strings.Repeat("ab", 16)
	good := "jiefang-desk/1 42 5000 " + tok + "\n"
	if a, err := parseInstanceAddr(good); err != nil || a != (instanceAddr{pid: 42, port: 5000, token: tok}) {
		t.Errorf("%q: %+v, %v", good, a, err)
	}
	for _, s := range []string{
		"",
		good[:len(good)-1], // being written
		good[:20],
		good + good,
		"jiefang-desk/2 42 5000 " + tok + "\n",
		"jiefang-desk/1 42 70000 " + tok + "\n",
		"jiefang-desk/1 0 5000 " + tok + "\n",
		"jiefang-desk/1 42 5000 " + tok[:30] + "\n",
		"jiefang-desk/1 42 5000 " + strings.Repeat("zz", 16) + "\n",
	} {
		if a, err := parseInstanceAddr(s); err == nil {
			t.Errorf("%q accepted: %+v", s, a)
		}
	}
}
