package transfer

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReservedNames(t *testing.T) {
	for _, n := range []string{"CON", "con", "nul.cbor", "Aux.json", "COM1", "lpt9.txt", "NUL .txt", "com²", "CONIN$", "prn.tar.gz"} {
		if !reservedName(n) {
			t.Errorf("%q accepted", n)
		}
	}
	for _, n := range []string{"console.cbor", "nullable", "COM10", "LPT", "card1.cbor", "a.con", "xnul", "conclave.key"} {
		if reservedName(n) {
			t.Errorf("%q refused", n)
		}
	}
}

// Export refuses a device name before writing anything: on Windows,
// writing "NUL.cbor" would throw the data away and report success.
func TestExportRefusesDeviceNames(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"NUL.cbor", "con", "COM1.json"} {
		if _, err := Export(dir, n, []byte("x")); err == nil {
			t.Errorf("Export accepted %q", n)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("files left behind: %v", ents)
	}
	if _, err := Export(dir, "console.cbor", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "console.cbor")); err != nil || string(b) != "x" {
		t.Fatalf("console.cbor: %q, %v", b, err)
	}
}
