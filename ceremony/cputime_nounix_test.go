//go:build !unix

package ceremony

import "time"

// cpuTime is not measured on this system.
func cpuTime() time.Duration { return 0 }
