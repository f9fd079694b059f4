//go:build !linux && !windows

package keystore

import "os"

// Elsewhere than Linux the locked-memory budget cannot be measured the same
// way (macOS and the BSDs have RLIMIT_MEMLOCK but no VmLck; Windows bounds
// VirtualLock by the working-set minimum, about 200 KiB by default). This
// package then budgets conservatively: no single call locks more than
// otherLimitPages pages (besides memguard's key); larger secrets use wiped
// ordinary memory.
const otherLimitPages = 32

func lockBudget() lockInfo {
	return lockInfo{measured: true, limit: otherLimitPages * pageSize}
}

func renameNoReplace(oldpath, newpath string) error { return renameIfAbsent(oldpath, newpath) }

func dropCache(*os.File) {}
