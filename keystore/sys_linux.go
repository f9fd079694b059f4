package keystore

import (
	"bufio"
	"errors"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

const capIPCLock = 14 // CAP_IPC_LOCK: mlock beyond RLIMIT_MEMLOCK

// lockBudget reads RLIMIT_MEMLOCK, the process's locked memory (VmLck in
// /proc/self/status) and whether it holds CAP_IPC_LOCK.
func lockBudget() lockInfo {
	var rl unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_MEMLOCK, &rl); err != nil {
		return lockInfo{note: "(the limit could not be read)"}
	}
	if rl.Cur == unix.RLIM_INFINITY {
		return lockInfo{unlimited: true, measured: true}
	}
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return lockInfo{limit: int64(rl.Cur), note: "(/proc is not readable, so locked memory cannot be measured)"}
	}
	defer f.Close()
	li := lockInfo{limit: int64(rl.Cur)}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch k {
		case "VmLck":
			kb, err := strconv.ParseInt(strings.TrimSuffix(v, " kB"), 10, 64)
			if err == nil {
				li.used, li.measured = kb*1024, true
			}
		case "CapEff":
			caps, err := strconv.ParseUint(v, 16, 64)
			if err == nil && caps&(1<<capIPCLock) != 0 {
				return lockInfo{unlimited: true, measured: true}
			}
		}
	}
	return li
}

// renameNoReplace renames oldpath to newpath only if newpath does not exist
// (renameat2 RENAME_NOREPLACE, supported by ext4, vfat, exfat, ...). Where
// the file system lacks it, it falls back to a check then a rename.
func renameNoReplace(oldpath, newpath string) error {
	err := unix.Renameat2(unix.AT_FDCWD, oldpath, unix.AT_FDCWD, newpath, unix.RENAME_NOREPLACE)
	if err == nil {
		return nil
	}
	if errors.Is(err, unix.EEXIST) {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: os.ErrExist}
	}
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EOPNOTSUPP) {
		return renameIfAbsent(oldpath, newpath)
	}
	return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
}

// dropCache asks the kernel to forget the cached pages of a synced file so
// that reading it back reads the device (best effort).
func dropCache(f *os.File) {
	_ = unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
}
