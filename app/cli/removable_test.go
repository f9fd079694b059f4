package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"conclave/app/office"
)

// The tests' temporary folders stand for USB sticks, except where a test
// says otherwise.
func init() { office.OnRemovable = func(string) (bool, error) { return true, nil } }

// With the stick unmounted, member step made a new identity in the empty
// mount-point folder on the PC's disk (issue 10). Now a keystore is made
// only on a removable drive, unless --not-removable.
func TestKeystoreNotMadeOnTheComputersDisk(t *testing.T) {
	work := t.TempDir()
	f := func(n string) string { return filepath.Join(work, n) }
	stick := f("media/alice/STICK")
	os.MkdirAll(stick, 0o700)
	defer func(old func(string) (bool, error)) { office.OnRemovable = old }(office.OnRemovable)
	mounted := false
	office.OnRemovable = func(p string) (bool, error) {
		return mounted && strings.HasPrefix(p, stick+string(filepath.Separator)), nil
	}
	board := f("board")
	run(t, 0, "board", "new", board, "--title", "Disk", "--members", "1", "--threshold", "1", "--close", "2020-01-01T00:00:00Z", "--i-understand")
	run(t, 0, "board", "next", board, "--out", f("call.cbor"))
	os.WriteFile(f("pass"), []byte("granite puzzle harbor lanterns saffron\n"), 0o600)
	ks := filepath.Join(stick, "conclave.key")
	enrol := []string{"member", "step", "--yes", "--i-understand", "--keystore", ks, "--name", "Alice", "--in", f("call.cbor"), "--out", f("card.cbor"),
		"--passphrase-file", f("pass"), "--kdf-memory", "8", "--kdf-time", "1"}
	out := run(t, 1, enrol...)
	if !strings.Contains(out, "not on a USB stick") || !strings.Contains(out, "--not-removable") {
		t.Fatalf("refusal lacks the reason or the way out:\n%s", out)
	}
	if _, err := os.Stat(ks); err == nil {
		t.Fatal("a keystore was made on the computer's disk")
	}
	run(t, 0, append(enrol, "--not-removable")...)
	os.Remove(ks)
	os.Remove(f("card.cbor"))
	mounted = true
	run(t, 0, enrol...)
}
