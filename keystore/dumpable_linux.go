package keystore

import (
	"sync"

	"golang.org/x/sys/unix"
)

var dumpableOnce sync.Once

// markNonDumpable makes the process non-dumpable (prctl PR_SET_DUMPABLE 0)
// for the rest of its life, once a keystore is created or opened: no core
// dump even where a crash handler ignores RLIMIT_CORE, and other processes
// of the same user cannot ptrace it or read its memory through /proc
// (docs/threat-model.md, "Secrets in memory"). Best effort.
func markNonDumpable() {
	dumpableOnce.Do(func() { _ = unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0) })
}
