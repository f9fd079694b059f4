package ceremony

import (
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// benchClock returns the process's CPU time when it runs on one P (so that
// a one-core figure counts the work, garbage collection included, and not
// the time other programs took the core away), and the wall clock
// otherwise (where the speed-up from several cores is what is measured).
func benchClock() time.Duration {
	if runtime.GOMAXPROCS(0) == 1 {
		var ts unix.Timespec
		if unix.ClockGettime(unix.CLOCK_PROCESS_CPUTIME_ID, &ts) == nil {
			return time.Duration(ts.Nano())
		}
	}
	return time.Duration(time.Now().UnixNano())
}
