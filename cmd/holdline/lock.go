package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// lockFileName is the lock file `holdline serve` holds in its data folder.
const lockFileName = "holdline.lock"

// errDataInUse says another process holds the data folder's lock.
var errDataInUse = errors.New("in use by another holdline process")

// lockDataDir takes an exclusive flock on the lock file of the data folder
// dir (creating both if needed) and writes this process's id into it, so
// that a second server on the same folder — whose writes would contend with
// ours for SQLite's lock and whose Queue Manager would launch the same
// callbacks — stops at start with a message naming the folder. The kernel
// releases the lock when the process ends, however it ends; unlock releases
// it earlier.
func lockDataDir(dir string) (unlock func() error, err error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("data folder %s: %w", dir, err)
	}
	path := filepath.Join(dir, lockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("data folder %s: open the lock file: %w", dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("data folder %s is %w (lock file %s%s): stop it, or give this one another --data",
				dir, errDataInUse, path, holder(path))
		}
		return nil, fmt.Errorf("data folder %s: lock %s: %w", dir, path, err)
	}
	// The id is for the operator who finds the file; the lock is the flock.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return func() error {
		// Closing the file releases the flock.
		if err := f.Close(); err != nil {
			return fmt.Errorf("unlock data folder %s: %w", dir, err)
		}
		return nil
	}, nil
}

// holder names the process id written in the lock file, if any.
func holder(path string) string {
	b, err := os.ReadFile(path)
	if pid := strings.TrimSpace(string(b)); err == nil && pid != "" {
		return ", held by pid " + pid
	}
	return ""
}
