package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// focusUntil presses Tab until target has the keyboard focus.
func focusUntil(t *testing.T, c fyne.Canvas, target fyne.Focusable, where string) {
	t.Helper()
	for range 200 {
		if c.Focused() == target {
			return
		}
		test.FocusNext(c)
	}
	t.Fatalf("%s: Tab never reaches %T (focus stays on %T)", where, target, c.Focused())
}

func press(c fyne.Canvas, key fyne.KeyName) {
	c.Focused().TypedKey(&fyne.KeyEvent{Name: key})
}

// TestKeyboardNavigation: from the home screen, Tab reaches every role's
// button and Space opens it; Tab reaches Back and Space returns home.
func TestKeyboardNavigation(t *testing.T) {
	ui := newTestUI(t)
	c := ui.win.Canvas()
	for _, key := range []string{"Start a ceremony", "Join a ceremony", "Count", "Decrypt",
		"Verify a record", "My key", "Settings", "About"} {
		c.Unfocus()
		focusUntil(t, c, ui.home.buttons[key], "home")
		press(c, fyne.KeySpace)
		ui.Wait() // About computes its fingerprint behind a modal progress window
		if ui.Title() != key {
			t.Fatalf("Space on %q opened %q", key, ui.Title())
		}
		focusUntil(t, c, ui.back, key)
		press(c, fyne.KeySpace)
		if !strings.HasPrefix(ui.Title(), "Conclave") {
			t.Fatalf("Back by keyboard from %q: %q", key, ui.Title())
		}
	}
	ui.Wait()
}

// TestMenuShortcuts: every item of the main menu has a keyboard shortcut
// (menu shortcuts fire even while an entry has the focus) and opens its
// screen.
func TestMenuShortcuts(t *testing.T) {
	ui := newTestUI(t)
	menu := ui.win.MainMenu()
	if menu == nil || len(menu.Items) == 0 {
		t.Fatal("no main menu")
	}
	seen := map[string]bool{}
	for _, it := range menu.Items[0].Items {
		if it.IsSeparator {
			continue
		}
		if it.Shortcut == nil {
			t.Errorf("menu item %q has no shortcut", it.Label)
			continue
		}
		if seen[it.Shortcut.ShortcutName()] {
			t.Errorf("shortcut %s used twice", it.Shortcut.ShortcutName())
		}
		seen[it.Shortcut.ShortcutName()] = true
		it.Action()
		want := it.Label
		switch it.Label {
		case "Home", "Back":
			want = "Conclave"
		}
		if !strings.HasPrefix(ui.Title(), want) {
			t.Errorf("menu %q shows %q", it.Label, ui.Title())
		}
	}
	ui.Wait()
}

// findButton finds a button by its text in a tree of objects.
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	switch v := o.(type) {
	case *widget.Button:
		if v.Text == text {
			return v
		}
	case *fyne.Container:
		for _, c := range v.Objects {
			if b := findButton(c, text); b != nil {
				return b
			}
		}
	case *widget.PopUp:
		return findButton(v.Content, text)
	}
	return nil
}

// TestRunnerCancel: long work runs off the UI thread, the window still
// answers while it runs, and Cancel stops it and reports it cancelled.
func TestRunnerCancel(t *testing.T) {
	ui := newTestUI(t)
	started := make(chan struct{})
	stopped := make(chan error, 1)
	result := make(chan error, 1)
	ui.run("long work", func(ctx context.Context) error {
		close(started)
		<-ctx.Done() // only Cancel ends it
		stopped <- ctx.Err()
		return ctx.Err()
	}, func(err error) { result <- err })

	select {
	case <-started:
	case <-time.After(5 * time.Second):
		t.Fatal("the work never started")
	}
	// The UI is not blocked: navigation still works while the work runs.
	test.Tap(ui.home.buttons["Settings"])
	if ui.Title() != "Settings" {
		t.Fatalf("UI blocked during work: %q", ui.Title())
	}
	test.Tap(ui.back)

	top := ui.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no progress shown")
	}
	cancel := findButton(top, lang.L("Cancel"))
	if cancel == nil {
		t.Fatal("no Cancel button in the progress window")
	}
	test.Tap(cancel)

	select {
	case err := <-stopped:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("work saw %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Cancel did not reach the work")
	}
	select {
	case err := <-result:
		if err == nil || err.Error() != errCancelled().Error() {
			t.Fatalf("done got %v, want the cancelled message", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("done was never called")
	}
	ui.Wait()
	if ui.win.Canvas().Overlays().Top() != nil {
		t.Fatal("progress still shown after cancel")
	}
}

// TestAboutFingerprint: About shows the SHA-256 of the running program,
// 64 hex digits grouped for reading aloud.
func TestAboutFingerprint(t *testing.T) {
	ui := newTestUI(t)
	ui.openAbout()
	ui.Wait()
	s := ui.about.sum.Text
	hex := strings.ReplaceAll(s, " ", "")
	if len(hex) != 64 || strings.Trim(hex, "0123456789abcdef") != "" || !strings.Contains(s, " ") {
		t.Fatalf("about shows %q, want 64 grouped hex digits", s)
	}
}
