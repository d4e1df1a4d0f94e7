//go:build !windows

package main

import (
	"errors"
	"os"
	"syscall"

	"fyne.io/fyne/v2"
)

// lockFile takes an exclusive lock on f without waiting; errLocked: another
// open of the file holds it. The lock lasts until f is closed or the
// process ends.
func lockFile(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errLocked
	}
	return err
}

// allowForeground lets process pid bring its window in front of ours:
// nothing to do here.
func allowForeground(pid int) {}

// restoreWindow un-minimises w: RequestFocus does it on X11.
func restoreWindow(w fyne.Window) {}
