// Package folderlock keeps two runs of Conclave from working on the same
// keystore or board folder at once (docs/threat-model.md §2.14): a verb
// takes the lock of the folder for its whole run, and a second run refuses
// at once with a clear message instead of racing (two deals from one
// keystore, of which only one is kept).
//
// The lock is an advisory lock (flock on Unix, LockFileEx on Windows) on
// a small file, FileName, in the folder: the operating system drops it when
// the process ends, however it ends, so a killed run leaves no stale lock.
package folderlock

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// FileName is the lock file made in a locked folder. It holds nothing.
const FileName = ".conclave.lock"

// ErrBusy: another run holds the lock.
var ErrBusy = errors.New("another Conclave is using this folder")

// Lock is a held lock.
type Lock struct {
	f *os.File
	// Acquired is when the lock was taken: temporary files older than this
	// were left by a run that was killed (no one else can be writing).
	Acquired time.Time
}

// Acquire takes the lock of dir without waiting. what names the folder's
// use for the message ("keystore", "board").
func Acquire(dir, what string) (*Lock, error) {
	p := filepath.Join(dir, FileName)
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot lock the %s's folder %s: %v (is the stick plugged in and writable?)", what, dir, plain(err))
	}
	if err := tryLock(f); err != nil {
		f.Close()
		if errors.Is(err, ErrBusy) {
			return nil, fmt.Errorf("%w: another Conclave is using this %s (%s); wait for it to finish, then try again", ErrBusy, what, dir)
		}
		return nil, fmt.Errorf("cannot lock the %s's folder %s: %v", what, dir, err)
	}
	// The file's time, as the file system keeps it, is the reference for
	// the age of leftover temporary files (same clock, same rounding).
	now := time.Now()
	_ = os.Chtimes(p, now, now)
	if fi, err := f.Stat(); err == nil {
		now = fi.ModTime()
	}
	return &Lock{f: f, Acquired: now}, nil
}

// Release drops the lock. The lock file stays (removing it could race with
// a run that has just opened it).
func (l *Lock) Release() {
	if l == nil || l.f == nil {
		return
	}
	unlock(l.f)
	l.f.Close()
	l.f = nil
}

func plain(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
