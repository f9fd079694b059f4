//go:build unix

package ceremony

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time this process has used (user and system):
// unlike the wall clock, it does not count the time other processes of a
// busy machine take.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
