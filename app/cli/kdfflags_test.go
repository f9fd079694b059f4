package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestKDFFlagsRangeChecked (issue 10): --kdf-memory and --kdf-time refuse
// out-of-range values instead of wrapping them (4194312 MiB used to wrap to
// 8 MiB and 4294967297 passes to 1), and nothing is created.
func TestKDFFlagsRangeChecked(t *testing.T) {
	work := t.TempDir()
	f := func(n string) string { return filepath.Join(work, n) }
	run(t, 0, "board", "new", f("board"), "--title", "KDF", "--members", "1", "--threshold", "1", "--close", "2099-01-01T00:00:00Z", "--i-understand")
	run(t, 0, "board", "next", f("board"), "--out", f("call.cbor"))
	os.WriteFile(f("pass"), []byte("granite puzzle harbor saffron\n"), 0o600)
	for _, c := range []struct{ memory, time, want string }{
		{"4194312", "1", "--kdf-memory 4194312 is out of range"},
		{"8", "4294967297", "--kdf-time 4294967297 is out of range"},
		{"18446744073709551615", "1", "--kdf-memory 18446744073709551615 is out of range"},
		{"7", "1", "--kdf-memory 7 is out of range"},
		{"1025", "1", "--kdf-memory 1025 is out of range"},
		{"8", "0", "--kdf-time 0 is out of range"},
		{"8", "33", "--kdf-time 33 is out of range"},
		{"1024", "5", "too much work"},
	} {
		ks := f("stick-" + c.memory + "-" + c.time + ".key")
		out := run(t, 2, "member", "step", "--yes", "--i-understand", "--keystore", ks, "--name", "Alice", "--in", f("call.cbor"), "--out", f("card.cbor"),
			"--passphrase-file", f("pass"), "--kdf-memory", c.memory, "--kdf-time", c.time)
		if !strings.Contains(out, c.want) {
			t.Errorf("--kdf-memory %s --kdf-time %s: %q, want %q", c.memory, c.time, out, c.want)
		}
		if _, err := os.Stat(ks); err == nil {
			t.Errorf("--kdf-memory %s --kdf-time %s: a keystore was created", c.memory, c.time)
		}
	}
	run(t, 0, "member", "step", "--yes", "--i-understand", "--keystore", f("ok.key"), "--name", "Alice", "--in", f("call.cbor"), "--out", f("card.cbor"),
		"--passphrase-file", f("pass"), "--kdf-memory", "8", "--kdf-time", "1")
}
