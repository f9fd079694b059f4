//go:build windows

package keystore

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// Windows bounds VirtualLock by the process's minimum working set (about
// 200 KiB by default), which this package does not raise: no single call
// locks more than otherLimitPages pages (besides memguard's key); larger
// secrets use wiped ordinary memory, as on other non-Linux systems.
const otherLimitPages = 32

func lockBudget() lockInfo {
	return lockInfo{measured: true, limit: otherLimitPages * pageSize}
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
