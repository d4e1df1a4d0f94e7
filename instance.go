package main

// One desk per database. The first desk started on a database file holds
// an exclusive OS lock on <database>.lock for as long as it runs (the OS
// lets go of it when the process ends, even by a crash), and listens on
// a loopback port whose number it writes into that file with a random
// token. A second desk started on the same file cannot take the lock: it
// reads the port and token, asks the first desk to bring its window
// forward, and ends without opening the database.
//
// The lock file lies next to the database, so each database (the real
// one, the demo) and each user (each has a data directory of their own)
// has a desk of its own. The file is readable by its owner only, and a
// request without the token is refused, so another user of the machine
// cannot raise the window.

import (
	"bufio"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
)

// instanceWait is how long a second desk waits for the first to answer.
const instanceWait = 3 * time.Second

const (
	instanceMagic  = "jiefang-desk/1" // the first word of the lock file's line
	instanceRetry  = 50 * time.Millisecond
	requestTimeout = 2 * time.Second // the first desk's limit on reading a request
)

// errLocked: another desk holds the lock.
var errLocked = errors.New("the lock is held by another desk")

// errClosing: the first desk is closing; it lets go of the lock soon.
var errClosing = errors.New("the desk is closing")

// Instance is the desk that holds a database: the first started on it.
type Instance struct {
	lock *os.File
	ln   net.Listener
	addr instanceAddr // what the lock file says
	done chan struct{}
	once sync.Once

	mu    sync.Mutex
	state instanceState
	raise func()
}

type instanceState int

const (
	starting instanceState = iota // no window yet: a raise has nothing to do
	running                       // a raise calls raise
	closing                       // a raise is refused; the lock goes soon
)

// instanceAddr is what the first desk writes into the lock file: how to
// reach it.
type instanceAddr struct {
	pid   int
	port  int
	token string
}

// lockPath is the lock file of database db.
func lockPath(db string) string { return db + ".lock" }

// acquireInstance makes this process the desk of database db, or, when a
// desk already holds db, asks it to bring its window forward and returns
// nil: the caller then must not open db. That desk may be still starting
// (it then answers at once: its window is about to appear) or closing
// (this process then waits for the lock); an error says that it did not
// answer within wait, or that the lock file cannot be used.
func acquireInstance(db string, wait time.Duration) (*Instance, error) {
	path := lockPath(db)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, lockFileError(path, err)
	}
	deadline := time.Now().Add(wait)
	var other instanceAddr
	for {
		inst, err := tryInstance(path)
		if err == nil {
			return inst, nil
		}
		if !errors.Is(err, errLocked) {
			return nil, lockFileError(path, err)
		}
		addr, err := readInstanceAddr(path)
		if err == nil {
			other = addr
			allowForeground(addr.pid)
			if err = addr.askRaise(time.Until(deadline)); err == nil {
				return nil, nil
			}
		}
		if !time.Now().Before(deadline) {
			return nil, notAnswering(db, other, wait, err)
		}
		time.Sleep(min(instanceRetry, time.Until(deadline)))
	}
}

func lockFileError(path string, err error) error {
	return fmt.Errorf("无法使用数据库旁的锁文件（用来保证同一个数据库只打开一个接访台）。请检查数据库所在的文件夹是否存在、是否可写。\ninstance: %s: %w", path, err)
}

func notAnswering(db string, other instanceAddr, wait time.Duration, err error) error {
	who := "another desk"
	if other.pid != 0 {
		who = fmt.Sprintf("the desk in process %d", other.pid)
	}
	if errors.Is(err, errClosing) {
		return fmt.Errorf("已经打开的接访台正在关闭，请稍等片刻再打开。\ninstance: %s holds %s and is closing; it did not let go within %s", who, db, wait)
	}
	return fmt.Errorf("接访台已经打开了这个数据库，但没有回应。请在任务栏中找到已打开的接访台窗口；如果它一直没有反应，请关闭它（必要时在任务管理器中结束 jiefang），再重新打开。数据没有改动。\ninstance: %s holds %s and did not answer within %s: %w", who, db, wait, err)
}

// tryInstance takes the lock of lock file path and starts answering
// raises; errLocked: another process holds it.
func tryInstance(path string) (*Instance, error) {
	f, err := lockInstanceFile(path)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Close()
		return nil, err
	}
	inst := &Instance{lock: f, ln: ln, done: make(chan struct{})}
	inst.addr = instanceAddr{pid: os.Getpid(), port: ln.Addr().(*net.TCPAddr).Port, token: newToken()}
	if err := writeInstanceAddr(f, inst.addr); err != nil {
		ln.Close()
		f.Close()
		return nil, err
	}
	go inst.serve()
	return inst, nil
}

// lockInstanceFile opens (creates) lock file path and takes its lock.
func lockInstanceFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func newToken() string {
	b := make([]byte, 16)
	rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// writeInstanceAddr writes a to the lock file f, whose lock we hold, as
// one line. A reader that finds no complete line tries again.
func writeInstanceAddr(f *os.File, a instanceAddr) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.WriteAt([]byte(a.line()), 0)
	return err
}

func (a instanceAddr) line() string {
	return fmt.Sprintf("%s %d %d %s\n", instanceMagic, a.pid, a.port, a.token)
}

// readInstanceAddr reads the address the first desk wrote into lock file
// path; an error if there is no complete one (yet).
func readInstanceAddr(path string) (instanceAddr, error) {
	f, err := os.Open(path)
	if err != nil {
		return instanceAddr{}, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 512))
	if err != nil {
		return instanceAddr{}, err
	}
	return parseInstanceAddr(string(b))
}

func parseInstanceAddr(s string) (instanceAddr, error) {
	bad := fmt.Errorf("the lock file holds no address (yet): %q", s)
	line, ok := strings.CutSuffix(s, "\n")
	if !ok || strings.Contains(line, "\n") {
		return instanceAddr{}, bad
	}
	w := strings.Split(line, " ")
	if len(w) != 4 || w[0] != instanceMagic {
		return instanceAddr{}, bad
	}
	pid, err1 := strconv.Atoi(w[1])
	port, err2 := strconv.Atoi(w[2])
	if err1 != nil || err2 != nil || pid <= 0 || port <= 0 || port > 65535 || len(w[3]) != 32 {
		return instanceAddr{}, bad
	}
	if _, err := hex.DecodeString(w[3]); err != nil {
		return instanceAddr{}, bad
	}
	return instanceAddr{pid: pid, port: port, token: w[3]}, nil
}

// askRaise asks the desk at a to bring its window forward, and waits at
// most timeout for its answer.
func (a instanceAddr) askRaise(timeout time.Duration) error {
	timeout = max(timeout, 10*time.Millisecond)
	c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(a.port)), timeout)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(timeout))
	if _, err := io.WriteString(c, "raise "+a.token+"\n"); err != nil {
		return err
	}
	answer, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return fmt.Errorf("no answer: %w", err)
	}
	switch answer = strings.TrimSuffix(answer, "\n"); answer {
	case "ok":
		return nil
	case "closing":
		return errClosing
	default:
		return fmt.Errorf("answered %q", answer)
	}
}

// serve answers raises until the listener is closed.
func (in *Instance) serve() {
	defer close(in.done)
	for {
		c, err := in.ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil { // out of file descriptors, say: try again
			time.Sleep(instanceRetry)
			continue
		}
		go in.answer(c)
	}
}

// answer reads one request from c: "raise <token>\n".
func (in *Instance) answer(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(requestTimeout))
	line, err := bufio.NewReader(io.LimitReader(c, 128)).ReadString('\n')
	if err != nil {
		return
	}
	verb, token, _ := strings.Cut(strings.TrimSuffix(line, "\n"), " ")
	if verb != "raise" || subtle.ConstantTimeCompare([]byte(token), []byte(in.addr.token)) != 1 {
		io.WriteString(c, "denied\n")
		return
	}
	in.mu.Lock()
	state, raise := in.state, in.raise
	in.mu.Unlock()
	switch state {
	case closing:
		io.WriteString(c, "closing\n")
		return
	case running:
		raise()
	}
	io.WriteString(c, "ok\n")
}

// OnRaise has raise called (on a goroutine of its own) each time a second
// desk asks this one to bring its window forward; until then such a
// request is answered at once, the window being about to appear.
func (in *Instance) OnRaise(raise func()) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.state != closing {
		in.state, in.raise = running, raise
	}
}

// Closing says the desk is closing: a second desk started now is not
// told that all is well, but waits for the lock.
func (in *Instance) Closing() {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.state, in.raise = closing, nil
}

// Close stops answering and lets go of the lock; call it once the
// database is closed.
func (in *Instance) Close() error {
	var err error
	in.once.Do(func() {
		in.Closing()
		in.ln.Close()
		<-in.done
		in.lock.Truncate(0) // the address is no longer good
		err = in.lock.Close()
	})
	return err
}

// raiseWindow brings w forward: un-minimised (Windows), in front, with
// the keyboard focus. The desk never hides its window, so there is no
// Show: Fyne's Show of a shown window moves it back to where it was last
// reported, and a minimised window is reported off screen on Windows.
func raiseWindow(w fyne.Window) {
	fyne.Do(func() {
		restoreWindow(w)
		w.RequestFocus()
	})
}
