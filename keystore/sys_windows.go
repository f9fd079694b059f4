//go:build windows

package keystore

import (
	"errors"
	"os"
	"sync"

	"golang.org/x/sys/windows"
)

// Windows bounds VirtualLock by the process's minimum working set (about
// 200 KiB by default), and memguard panics when VirtualLock refuses. So the
// first budget check raises the minimum working set to minWorkingSet
// (SetProcessWorkingSetSizeEx; a normal user may, within the machine's
// free memory), and the budget stays conservative either way: no single
// call locks more than otherLimitPages pages (besides memguard's key);
// larger secrets use wiped ordinary memory. Windows cannot report how much
// a process has locked, so the budget is per call, not measured.
const (
	otherLimitPages = 32
	minWorkingSet   = 16 << 20
	maxWorkingSet   = 256 << 20
)

var (
	raiseOnce sync.Once
	raiseErr  error
)

func raiseWorkingSet() error {
	raiseOnce.Do(func() {
		p := windows.CurrentProcess()
		var lo, hi uintptr
		var flags uint32
		windows.GetProcessWorkingSetSizeEx(p, &lo, &hi, &flags)
		if lo >= minWorkingSet {
			return
		}
		if hi < maxWorkingSet {
			hi = maxWorkingSet
		}
		// Flags 0: the sizes are hints, not hard limits.
		raiseErr = windows.SetProcessWorkingSetSizeEx(p, minWorkingSet, hi, 0)
	})
	return raiseErr
}

func lockBudget() lockInfo {
	li := lockInfo{measured: true, limit: otherLimitPages * pageSize}
	if err := raiseWorkingSet(); err != nil {
		li.note = "(Windows refused a larger working set: " + err.Error() + ")"
	}
	return li
}

// renameReplace replaces newpath with oldpath in one MoveFileEx call with
// MOVEFILE_REPLACE_EXISTING and MOVEFILE_WRITE_THROUGH: it returns only once
// the move is on the disk, which stands in for the folder fsync Windows
// lacks. (os.Rename uses MoveFileEx without write-through.) The file's own
// data was flushed before by (*os.File).Sync, which is FlushFileBuffers.
func renameReplace(oldpath, newpath string) error {
	return moveFile(oldpath, newpath, windows.MOVEFILE_REPLACE_EXISTING|windows.MOVEFILE_WRITE_THROUGH)
}

// renameNoReplace moves oldpath to newpath only if newpath does not exist:
// MoveFileEx without MOVEFILE_REPLACE_EXISTING fails with
// ERROR_ALREADY_EXISTS, in one step, with no window between a check and
// the move.
func renameNoReplace(oldpath, newpath string) error {
	return moveFile(oldpath, newpath, windows.MOVEFILE_WRITE_THROUGH)
}

func moveFile(oldpath, newpath string, flags uint32) error {
	from, err := windows.UTF16PtrFromString(oldpath)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	to, err := windows.UTF16PtrFromString(newpath)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	if err := windows.MoveFileEx(from, to, flags); err != nil {
		if errors.Is(err, windows.ERROR_ALREADY_EXISTS) || errors.Is(err, windows.ERROR_FILE_EXISTS) {
			err = os.ErrExist
		}
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	return nil
}

// dropCache: Windows has no per-file "forget the cache" call; the read-back
// may come from the cache (FlushFileBuffers wrote the data through).
func dropCache(*os.File) {}
