package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"conclave/app/office"
	"conclave/ceremony"
)

// TestEnrolmentEndsWithBackup: right after the enrolment the member is
// asked for the backup, with its button there; then the check opens the
// backup with the passphrase typed again. A wrong passphrase fails it.
func TestEnrolmentEndsWithBackup(t *testing.T) {
	work := t.TempDir()
	b, err := office.CreateBoard(filepath.Join(work, "board"), "Copie", 1, 1, false, time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	call, _ := b.Next(false)
	os.WriteFile(filepath.Join(work, "call.cbor"), call.Bytes(), 0o644)
	key, second := filepath.Join(work, "KEY"), filepath.Join(work, "SECOND")
	os.MkdirAll(key, 0o700)
	os.MkdirAll(second, 0o700)
	const pass = "velvet harbor 1937 quartz meadow"

	ui := newTestUI(t)
	test.Tap(ui.home.buttons["Join a ceremony"])
	ms := ui.member
	if ms.backup.box.Visible() {
		t.Fatal("the backup prompt shows before the enrolment")
	}
	typeInto(ms.ks.path.entry, filepath.Join(key, "conclave.key"))
	typeInto(ms.name, "Alice")
	typeInto(ms.ks.pass, pass)
	typeInto(ms.confirm, pass)
	bring(t, ui, ms.in, filepath.Join(work, "call.cbor"))
	acceptTerms(t, ui, ms)
	bp := ms.backup
	if !bp.box.Visible() || !bp.check.Disabled() {
		t.Fatalf("after the enrolment: prompt shown %v, check enabled %v", bp.box.Visible(), !bp.check.Disabled())
	}
	typeInto(bp.dir.entry, second)
	typeInto(bp.pass, pass)
	tap(ui, bp.backup)
	if !strings.Contains(bp.result.Text(), "backup written to "+second) || bp.check.Disabled() {
		t.Fatalf("backup: %s", bp.result.Text())
	}
	typeInto(bp.pass, "not my passphrase at all, no")
	tap(ui, bp.check)
	if !strings.Contains(bp.result.Text(), "wrong passphrase") {
		t.Fatalf("a wrong passphrase passed the check: %s", bp.result.Text())
	}
	typeInto(bp.pass, pass)
	tap(ui, bp.check)
	if !strings.Contains(bp.result.Text(), "you hold your key") {
		t.Fatalf("check: %s", bp.result.Text())
	}
	if !ui.inView(bp.box) {
		t.Fatal("the backup prompt is out of view")
	}
}

// mustCall makes a coordinator's call.
func mustCall(t *testing.T) *ceremony.Envelope {
	t.Helper()
	b, err := office.CreateBoard(filepath.Join(t.TempDir(), "board"), "Appel", 1, 1, false, time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	call, err := b.Next(false)
	if err != nil {
		t.Fatal(err)
	}
	return call
}
