package keystore

import (
	"testing"

	"golang.org/x/sys/unix"
)

// TestNonDumpable (issue 10): once a keystore is open the process is not
// dumpable, so a crash handler that ignores RLIMIT_CORE gets no memory.
func TestNonDumpable(t *testing.T) {
	s, _ := newTestStore(t, []byte("secret"))
	defer s.Destroy()
	d, err := unix.PrctlRetInt(unix.PR_GET_DUMPABLE, 0, 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if d != 0 {
		t.Fatalf("PR_GET_DUMPABLE = %d with a keystore open, want 0", d)
	}
}
