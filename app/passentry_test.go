package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"conclave/app/office"
)

// TestRefusedPassphraseLeavesTheEntries (issue 10): a new passphrase the
// rules refuse is cleared from both entries at once (a Go string cannot be
// wiped, so the entry is the one copy whose lifetime the application
// controls), and nothing is created.
func TestRefusedPassphraseLeavesTheEntries(t *testing.T) {
	work := t.TempDir()
	b, err := office.CreateBoard(filepath.Join(work, "board"), "Conseil", 1, 1, false, time.Unix(4000000000, 0))
	if err != nil {
		t.Fatal(err)
	}
	call, err := b.Next(false)
	if err != nil {
		t.Fatal(err)
	}
	callFile := filepath.Join(work, "call.cbor")
	os.WriteFile(callFile, call.Bytes(), 0o644)
	ui := newTestUI(t)
	test.Tap(ui.home.buttons["Join a ceremony"])
	ms := ui.member
	ks := filepath.Join(work, "stick", "conclave.key")
	os.MkdirAll(filepath.Dir(ks), 0o700)
	typeInto(ms.ks.path.entry, ks)
	typeInto(ms.name, "Alice")
	typeInto(ms.ks.pass, "password1234")
	typeInto(ms.confirm, "password1234")
	bring(t, ui, ms.in, callFile)
	acceptTerms(t, ui, ms)
	if !strings.Contains(ms.checks.Text(), "passphrase") {
		t.Fatalf("no refusal shown: %s", ms.checks.Text())
	}
	if ms.ks.pass.Text != "" || ms.confirm.Text != "" {
		t.Fatal("the refused passphrase stays in the entries")
	}
	if _, err := os.Stat(ks); err == nil {
		t.Fatal("a keystore was created")
	}
}
