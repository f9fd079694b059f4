package cli

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"

	"conclave/internal/memscan"
	"conclave/keystore"
)

// TestTerminalPassphraseLeavesNoCopy (issue 10): a passphrase typed at the
// terminal is read without echo into one buffer that is handed to the
// keystore and wiped; no part of it is left in memory. (golang.org/x/term
// appends byte by byte to a growing slice and abandons every smaller
// array: its first 8, 16 and 32 bytes stayed behind.) The terminal is a
// pseudo-terminal the test types into.
func TestTerminalPassphraseLeavesNoCopy(t *testing.T) {
	if err := memscan.Available(); err != nil {
		t.Skipf("the process's memory cannot be read here: %v", err)
	}
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer master.Close()
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	n, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	tty, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer tty.Close()

	// A 51-byte passphrase made at run time; the needles are its first 16
	// bytes and the whole of it.
	b := append(make([]byte, 0, 64), "violet canary "...)
	var r [15]byte
	rand.Read(r[:])
	b = hex.AppendEncode(b, r[:])
	b = append(b, " harbor"...)
	needles := []memscan.Needle{memscan.NewNeedle("first 16 bytes", b[:16]), memscan.NewNeedle("passphrase", b)}
	b = append(b, '\n')
	if _, err := master.Write(b); err != nil {
		t.Fatal(err)
	}
	clear(b)

	e := &env{stdin: tty, stdout: io.Discard, stderr: io.Discard}
	got, err := readSecretLine(e, "", "Passphrase: ")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 51 {
		t.Fatalf("read %d bytes, want 51", len(got))
	}
	p := keystore.NewPassphrase(got) // wipes got
	p.Destroy()
	runtime.GC()
	hits, err := memscan.Scan(needles)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hits {
		t.Errorf("after reading at the terminal: %s", h)
	}
}
