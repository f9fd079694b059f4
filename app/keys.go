package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Keyboard: Enter submits every form (each field's OnSubmitted), Escape
// closes the dialog on top (or cancels the work in progress), and the
// focused button stands out in a colour of its own.

// escapes is a stack of what Escape does: the last dialog opened closes
// first.
type escapes struct {
	stack []escape
	next  int
}

type escape struct {
	id int
	f  func()
}

// push adds f on top and returns its id, for remove.
func (e *escapes) push(f func()) int {
	e.next++
	e.stack = append(e.stack, escape{e.next, f})
	return e.next
}

// remove takes an entry away, wherever it is (a dialog closed by its own
// button, work that finished).
func (e *escapes) remove(id int) {
	for i, x := range e.stack {
		if x.id == id {
			e.stack = append(e.stack[:i], e.stack[i+1:]...)
			return
		}
	}
}

// listenKeys makes the window's canvas answer Escape when no field has the
// keyboard focus (a field with the focus passes Escape on: escEntry).
func (ui *UI) listenKeys() {
	ui.win.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		if k.Name == fyne.KeyEscape {
			ui.escape()
		}
	})
}

// escape closes the dialog on top, or cancels the work in progress.
func (ui *UI) escape() {
	if n := len(ui.esc.stack); n > 0 {
		ui.esc.stack[n-1].f() // its OnClosed removes it
	}
}

// showDialog shows d so that Escape closes it, with the focus taken off
// the screen behind (Escape would go to the focused button).
func (ui *UI) showDialog(d dialog.Dialog, onClosed func()) {
	id := ui.esc.push(d.Hide)
	d.SetOnClosed(func() {
		ui.esc.remove(id)
		if onClosed != nil {
			onClosed()
		}
	})
	ui.win.Canvas().Unfocus()
	d.Show()
}

// escEntry is an entry that passes Escape on to the window (Fyne's entry
// swallows it), so that Escape closes a dialog even while typing in it.
type escEntry struct {
	widget.Entry
	ui *UI
}

func (ui *UI) newEscEntry(multiLine bool) *escEntry {
	e := &escEntry{ui: ui}
	e.MultiLine = multiLine
	if multiLine {
		e.Wrapping = fyne.TextWrapWord
	}
	e.ExtendBaseWidget(e)
	return e
}

func (e *escEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		e.ui.escape()
		return
	}
	e.Entry.TypedKey(k)
}

// focusColor is the focused button's colour: a strong amber, unlike the
// grey of a hovered button, on light and dark themes alike.
var focusColor = color.NRGBA{R: 0xff, G: 0xa0, B: 0x00, A: 0xd0}

func (t bigTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if n == theme.ColorNameFocus {
		return focusColor
	}
	return t.Theme.Color(n, v)
}

// submit makes Enter in each entry run f.
func submit(f func(), entries ...*widget.Entry) {
	for _, e := range entries {
		e.OnSubmitted = func(string) { f() }
	}
}

// wireKeys: Enter in any field of the setup form creates the ceremony (in
// the folder field, it opens the board the folder holds, if any); Enter in
// the count's fields prepares the request.
func (s *boardScreen) wireKeys() {
	submit(s.doCreate, s.title, s.members, s.threshold, s.closeAt)
	submit(s.doRequest, s.cts.entry, s.label)
}

// wireKeys: Enter in the keystore field goes on to the passphrase; Enter in
// the passphrase decrypts, once the request is confirmed (the button says
// why not, otherwise).
func (s *decryptScreen) wireKeys() {
	s.ks.path.entry.OnSubmitted = func(string) { s.ui.win.Canvas().Focus(s.ks.pass) }
	s.ks.pass.OnSubmitted = func(string) {
		if !s.decrypt.Disabled() {
			s.doDecrypt()
		}
	}
}
