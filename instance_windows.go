//go:build windows

package main

import (
	"errors"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
	"golang.org/x/sys/windows"
)

// lockOffset is where the lock lies: beyond the address the file holds,
// since a Windows lock also keeps other processes from reading the bytes
// it covers. Locking past the end of a file is allowed.
const lockOffset = 1 << 30

// lockFile takes an exclusive lock on f without waiting; errLocked: another
// handle of the file holds it. The lock lasts until f is closed or the
// process ends.
func lockFile(f *os.File) error {
	ol := windows.Overlapped{Offset: lockOffset}
	err := windows.LockFileEx(windows.Handle(f.Fd()),
		windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return errLocked
	}
	return err
}

var (
	user32                       = windows.NewLazySystemDLL("user32.dll")
	procAllowSetForegroundWindow = user32.NewProc("AllowSetForegroundWindow")
	procIsIconic                 = user32.NewProc("IsIconic")
	procShowWindow               = user32.NewProc("ShowWindow")
)

// allowForeground lets process pid bring its window in front of ours.
// Windows lets only the process the user is working with (this one, just
// started) take the foreground; without this the first desk's window
// would only flash in the task bar.
func allowForeground(pid int) {
	procAllowSetForegroundWindow.Call(uintptr(pid)) // best effort
}

// restoreWindow un-minimises w: Windows does not when it is focused. It
// must be called on the UI goroutine.
func restoreWindow(w fyne.Window) {
	nw, ok := w.(driver.NativeWindow)
	if !ok {
		return
	}
	nw.RunNative(func(ctx any) {
		wc, ok := ctx.(driver.WindowsWindowContext)
		if !ok || wc.HWND == 0 {
			return
		}
		if iconic, _, _ := procIsIconic.Call(wc.HWND); iconic != 0 {
			procShowWindow.Call(wc.HWND, windows.SW_RESTORE)
		}
	})
}
