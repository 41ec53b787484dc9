//go:build !unix

package eventstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// dirLock marks a data folder as in use with a lock file created
// exclusively. Unlike the unix flock it survives a crash: remove
// ledger.lock by hand after one.
type dirLock struct{ path string }

func lockDir(dir string) (*dirLock, error) {
	path := filepath.Join(dir, "ledger.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o640)
	if errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("%w: %s (remove %s if no ledger process runs)", ErrDataDirLocked, dir, path)
	}
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	_ = f.Close()
	return &dirLock{path: path}, nil
}

func (l *dirLock) release() {
	if l != nil && l.path != "" {
		_ = os.Remove(l.path)
		l.path = ""
	}
}

// dirHeld reports whether dir's lock file exists (it outlives a crash
// here; see dirLock).
func dirHeld(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "ledger.lock"))
	return err == nil
}
