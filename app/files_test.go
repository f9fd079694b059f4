package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"conclave/app/office"
)

// TestWhereFilesGo: a member's hand-out is never saved next to the
// keystore nor to a relative path; the transfer folder is remembered and
// proposed for the next hand-out; a result with no folder known yet waits
// for the coordinator's choice.
func TestWhereFilesGo(t *testing.T) {
	work := t.TempDir()
	b, err := office.CreateBoard(filepath.Join(work, "board"), "Files", 1, 1, false, time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	call, _ := b.Next(false)
	os.WriteFile(filepath.Join(work, "call.cbor"), call.Bytes(), 0o644)
	keyStick, transferStick := filepath.Join(work, "KEY"), filepath.Join(work, "TRANSFER")
	os.MkdirAll(keyStick, 0o700)
	os.MkdirAll(transferStick, 0o700)

	ui := newTestUI(t)
	test.Tap(ui.home.buttons["Join a ceremony"])
	ms := ui.member
	typeInto(ms.ks.path.entry, filepath.Join(keyStick, "conclave.key"))
	typeInto(ms.name, "Alice")
	typeInto(ms.ks.pass, "velvet harbor 1937 quartz meadow")
	typeInto(ms.confirm, "velvet harbor 1937 quartz meadow")
	bring(t, ui, ms.in, filepath.Join(work, "call.cbor"))
	acceptTerms(t, ui, ms)
	if !ms.out.box.Visible() {
		t.Fatalf("no registration to hand out: %s", ms.checks.Text())
	}
	if p := ms.out.path.path(); p != "" {
		t.Fatalf("a hand-out path was chosen for the member: %q", p)
	}
	for _, c := range []struct{ path, want string }{
		{filepath.Join(keyStick, "card.cbor"), "key stick"},
		{"card.cbor", "whole path"},
	} {
		typeInto(ms.out.path.entry, c.path)
		tap(ui, ms.out.save)
		if !strings.Contains(ms.out.state.Text, c.want) {
			t.Fatalf("save to %q: %q", c.path, ms.out.state.Text)
		}
	}
	// The keystore, and the lock file that keeps two runs apart.
	for _, e := range func() []os.DirEntry { es, _ := os.ReadDir(keyStick); return es }() {
		if e.Name() != "conclave.key" && e.Name() != ".conclave.lock" {
			t.Fatalf("something was written on the key stick: %s", e.Name())
		}
	}
	save(t, ui, ms.out, filepath.Join(transferStick, "card.cbor"))
	if !strings.Contains(ms.out.state.Text, transferStick) {
		t.Fatalf("the path shown is not absolute: %q", ms.out.state.Text)
	}
	// The next hand-out, even on another screen, proposes the transfer stick.
	h := ui.newHandOut()
	h.set("x", "result.json", []byte("{}"))
	if got := h.path.path(); got != filepath.Join(transferStick, "result.json") {
		t.Fatalf("next hand-out proposes %q", got)
	}
	fresh := newTestUI(t).newHandOut()
	fresh.set("x", "result.json", []byte("{}"))
	if p := fresh.path.path(); p != "" || !strings.Contains(fresh.path.entry.PlaceHolder, "result.json") {
		t.Fatalf("with no folder known, a result goes to %q (%q)", p, fresh.path.entry.PlaceHolder)
	}
	typeInto(fresh.path.entry, "result.json")
	tap(ui, fresh.save)
	if _, err := os.Stat("result.json"); err == nil {
		t.Fatal("a relative result.json was written")
	}
}

// TestBrowseKeystoreOpens: Browse for the keystore opens an Open dialog
// (the keystore exists at every step but the first); "New keystore…" a
// folder dialog, never Fyne's Save dialog, which empties an existing file
// it is pointed at before Conclave could refuse (issue 10).
func TestBrowseKeystoreOpens(t *testing.T) {
	ui := newTestUI(t)
	ui.win.Resize(fyne.NewSize(1024, 600))
	test.Tap(ui.home.buttons["Join a ceremony"])
	buttons := ui.member.ks.path.buttons.Objects
	if len(buttons) != 2 {
		t.Fatalf("%d buttons beside the keystore", len(buttons))
	}
	for i, want := range []string{"Open", "Open"} {
		test.Tap(buttons[i].(*widget.Button))
		top := ui.win.Canvas().Overlays().Top()
		if top == nil || findButtonDeep(top, want) == nil {
			t.Fatalf("button %d: no %s dialog", i, want)
		}
		escapeKey(ui)
		if ui.win.Canvas().Overlays().Top() != nil {
			t.Fatalf("Escape did not close the file dialog (focus on %T)", ui.win.Canvas().Focused())
		}
	}
}

// findButtonDeep finds a button by its text, looking into widgets'
// renderers too.
func findButtonDeep(o fyne.CanvasObject, text string) *widget.Button {
	for _, s := range collect(o) {
		if b, ok := s.(*widget.Button); ok && b.Text == text {
			return b
		}
	}
	return nil
}

func collect(o fyne.CanvasObject) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil {
			return
		}
		out = append(out, o)
		switch v := o.(type) {
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
			return
		case *widget.PopUp:
			walk(v.Content)
			return
		}
		if w, ok := o.(fyne.Widget); ok {
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}
