package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"conclave/app/office"
	"conclave/keystore"
)

// Saving a hand-out over an existing file asks first, and over a keystore
// is refused (issue 10: --out and the GUI replaced whatever was there).
func TestHandOutAsksBeforeReplacing(t *testing.T) {
	ui := newTestUI(t)
	dir := t.TempDir()
	h := ui.newHandOut()
	ui.win.SetContent(h.box)
	h.set("deal", "deal.cbor", []byte("new content"))

	old := filepath.Join(dir, "old.cbor")
	os.WriteFile(old, []byte("old content"), 0o644)
	typeInto(h.path.entry, old)
	tap(ui, h.save)
	if got, _ := os.ReadFile(old); string(got) != "old content" {
		t.Fatal("an existing file was replaced without asking")
	}
	top := ui.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no question was asked before replacing the file")
	}
	yes := findButtonDeep(top, "Yes")
	if yes == nil {
		t.Fatal("the question has no Yes button")
	}
	test.Tap(yes)
	ui.Wait()
	if got, _ := os.ReadFile(old); string(got) != "new content" {
		t.Fatalf("not replaced after Yes: %q (%s)", got, h.state.Text)
	}

	// A keystore is never replaced, whatever the answer.
	ks := filepath.Join(dir, "conclave.key")
	st, err := keystore.Create(ks, keystore.NewPassphrase([]byte("orchard lantern copper violin")), keystore.Header{Name: "A", Ceremony: make([]byte, 32)}, []byte("secret"), keystore.MinKDF)
	if err != nil {
		t.Fatal(err)
	}
	st.Destroy()
	before, _ := os.ReadFile(ks)
	typeInto(h.path.entry, ks)
	tap(ui, h.save)
	if got, _ := os.ReadFile(ks); !bytes.Equal(got, before) {
		t.Fatal("the keystore was replaced")
	}
	if !strings.Contains(h.state.Text, "keystore") {
		t.Fatalf("no refusal shown: %q", h.state.Text)
	}
}

// The tests' temporary folders stand for USB sticks.
func init() { office.OnRemovable = func(string) (bool, error) { return true, nil } }

// With the stick unmounted, a new keystore landed in the empty mount-point
// folder on the PC's disk (issue 10): the GUI now asks first.
func TestNewKeystoreOnTheDiskAsksFirst(t *testing.T) {
	defer func(old func(string) (bool, error)) { office.OnRemovable = old }(office.OnRemovable)
	office.OnRemovable = func(string) (bool, error) { return false, nil }
	work := t.TempDir()
	b, err := office.CreateBoard(filepath.Join(work, "board"), "Disk", 1, 1, false, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	call, err := b.Next(false)
	if err != nil {
		t.Fatal(err)
	}
	ui := newTestUI(t)
	test.Tap(ui.home.buttons["Join a ceremony"])
	ms := ui.member
	ks := filepath.Join(work, "media", "STICK", "conclave.key")
	os.MkdirAll(filepath.Dir(ks), 0o700)
	pass := "velvet harbor 4242 quartz meadow lantern"
	typeInto(ms.ks.path.entry, ks)
	typeInto(ms.name, "Alice")
	typeInto(ms.ks.pass, pass)
	typeInto(ms.confirm, pass)
	terms, err := office.ReadTerms(call, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	acc, err := terms.Accept(true)
	if err != nil {
		t.Fatal(err)
	}
	if err := ms.begin(call, acc); err != nil {
		t.Fatal(err)
	}
	ui.Wait()
	if _, err := os.Stat(ks); err == nil {
		t.Fatal("a keystore was made on the computer's disk without asking")
	}
	top := ui.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no question was asked")
	}
	yes := findButtonDeep(top, "Yes")
	if yes == nil {
		t.Fatal("the question has no Yes button")
	}
	test.Tap(yes)
	ui.Wait()
	if _, err := os.Stat(ks); err != nil {
		t.Fatalf("no keystore after Yes: %s", ms.checks.Text())
	}
}
