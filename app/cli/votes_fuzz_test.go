package cli

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadVotes: the votes-file reader never panics, and every vote it
// accepts is an option number in range.
func FuzzReadVotes(f *testing.F) {
	f.Add([]byte("1\n2\n# a comment\n\n3\n"), uint64(3))
	f.Add([]byte("4\n"), uint64(3))
	f.Add([]byte("0x1\n-1\n"), uint64(2))
	f.Add([]byte("\r\n2\r\n"), uint64(2))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, options uint64) {
		p := filepath.Join(dir, "votes")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		votes, err := readVotes(p, options)
		if err != nil {
			return
		}
		for _, v := range votes {
			if v < 1 || v > options {
				t.Fatalf("vote %d accepted with %d options", v, options)
			}
		}
	})
}
