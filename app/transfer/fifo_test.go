//go:build unix

package transfer

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A named pipe among the files hung the GUI's importer forever (issue 10).
func TestImportRefusesNamedPipes(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"deal.cbor", "frames.txt"} {
		if err := syscall.Mkfifo(filepath.Join(dir, n), 0o600); err != nil {
			t.Skip("no named pipes:", err)
		}
	}
	done := make(chan []Problem, 1)
	go func() {
		_, ps := Import(func([]byte) (string, error) { return "x", nil }, dir, filepath.Join(dir, "deal.cbor"))
		done <- ps
	}()
	select {
	case ps := <-done:
		if len(ps) != 3 {
			t.Fatalf("problems %v, want the two pipes (one twice)", ps)
		}
		for _, p := range ps {
			if !strings.Contains(p.Reason, "not a regular file") {
				t.Errorf("%s: %s", p.Path, p.Reason)
			}
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the importer hung on a named pipe")
	}
}
