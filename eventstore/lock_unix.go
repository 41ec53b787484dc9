//go:build unix

package eventstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// dirLock is an exclusive advisory lock on a data folder, held for the life
// of an embedded server. The kernel drops it when the process dies, so a
// crash never leaves a stale lock.
type dirLock struct{ f *os.File }

func lockDir(dir string) (*dirLock, error) {
	path := filepath.Join(dir, "ledger.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path)
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			pid := strings.TrimSpace(string(holder))
			return nil, fmt.Errorf("%w: %s is held by process %s, a ledger command that serves no connections; wait for it to end or stop it (kill %s); to run commands side by side, run `ledger serve` on the folder: they then share it", ErrDataDirLocked, dir, pid, pid)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return &dirLock{f: f}, nil
}

func (l *dirLock) release() {
	if l == nil || l.f == nil {
		return
	}
	_ = syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	_ = l.f.Close()
	l.f = nil
}

// dirHeld reports whether a process holds dir's lock: a server that died
// without cleaning up leaves its files, never its lock.
func dirHeld(dir string) bool {
	l, err := lockDir(dir)
	if err != nil {
		return errors.Is(err, ErrDataDirLocked)
	}
	l.release()
	return false
}
