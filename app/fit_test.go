package app

import (
	"errors"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fmt"
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// The smallest screen Conclave promises to fit (a 1024×600 netbook, a
// projector): every screen, in English and in French, fits it.
const fitWidth, fitHeight = 1024, 600

// TestScreensFit1024x600 builds every screen in both languages and fails
// if its content asks for more than 1024 px of width, or more than 600 px
// of height where it is not in a scroll. The window's content (header
// and body) is measured, so the header counts too.
func TestScreensFit1024x600(t *testing.T) {
	for _, l := range []string{"en", "fr"} {
		t.Run(l, func(t *testing.T) {
			if l == "fr" {
				inFrench(t)
			}
			ui := newTestUI(t)
			ui.win.Resize(fyne.NewSize(fitWidth, fitHeight))
			screens := []struct {
				name string
				open func()
			}{
				{"home", ui.goHome},
				{"start a ceremony", ui.openBoard},
				{"join a ceremony", ui.openMember},
				{"count", ui.openCount},
				{"decrypt", ui.openDecrypt},
				{"verify", ui.openVerify},
				{"my key", ui.openMyKey},
				{"belenios trustee", ui.openBelenios},
				{"settings", ui.openSettings},
				{"about", func() { ui.openAbout(); ui.Wait() }},
			}
			for _, s := range screens {
				s.open()
				checkFits(t, s.name, ui.win.Content())
				// What a later step shows (a danger, a backup prompt,
				// a result) must fit too: every part shown at once.
				restore := showAll(ui.body)
				checkWidth(t, s.name+", every part shown", ui.win.Content())
				restore()
			}
			// The scan window and a long refusal, over the window.
			ui.openMember()
			test.Tap(ui.member.in.scan)
			checkFits(t, "scan window", ui.win.Canvas().Overlays().Top())
			// With a camera, its picture is shown too (none here).
			restore := showAll(ui.win.Canvas().Overlays().Top())
			checkFits(t, "scan window with a camera", ui.win.Canvas().Overlays().Top())
			restore()
			escapeKey(ui)
			test.Tap(ui.member.ks.path.buttons.Objects[0].(*widget.Button))
			checkFits(t, "file dialog", ui.win.Canvas().Overlays().Top())
			escapeKey(ui)
			ui.showError(errors.New(strings.Repeat(lang.L("the two passphrases differ: type them again")+" ", 8)))
			checkFits(t, "error dialog", ui.win.Canvas().Overlays().Top())
			escapeKey(ui)
			// The QR window, over the window.
			ui.showQR("test", []byte(strings.Repeat("a message long enough to need several parts ", 40)))
			checkFits(t, "QR window", ui.qr.dialog)
			escapeKey(ui)
		})
	}
}

// checkFits fails if o asks for more than 1024 px of width, or more than
// 600 px of height unless it scrolls (vertically).
func checkFits(t *testing.T, name string, o interface{ MinSize() fyne.Size }) {
	t.Helper()
	ms := o.MinSize()
	t.Logf("%s: min %.0f×%.0f %s", name, ms.Width, ms.Height, widestOf(o))
	if ms.Width > fitWidth {
		t.Errorf("%s needs %.0f px of width, more than %d: %s", name, ms.Width, fitWidth, widestOf(o))
	}
	if ms.Height > fitHeight {
		t.Errorf("%s needs %.0f px of height, more than %d", name, ms.Height, fitHeight)
	}
}

// widest names the deepest object that forces the width, to say what to fix.
func widest(o fyne.CanvasObject) string {
	path := []string{}
	for {
		var kids []fyne.CanvasObject
		switch v := o.(type) {
		case *fyne.Container:
			kids = v.Objects
		case *container.Scroll:
			kids = []fyne.CanvasObject{v.Content}
		case fyne.Widget:
			r := test.WidgetRenderer(v)
			kids = r.Objects()
		}
		var next fyne.CanvasObject
		for _, k := range kids {
			if k.Visible() && (next == nil || k.MinSize().Width > next.MinSize().Width) {
				next = k
			}
		}
		path = append(path, describe(o))
		if next == nil || len(path) > 30 {
			return strings.Join(path, " > ")
		}
		o = next
	}
}

func describe(o fyne.CanvasObject) string {
	w := o.MinSize().Width
	switch v := o.(type) {
	case *widget.Label:
		return fmt.Sprintf("label %q (%.0f)", v.Text, w)
	case *widget.Button:
		return fmt.Sprintf("button %q (%.0f)", v.Text, w)
	case *widget.Check:
		return fmt.Sprintf("check %q (%.0f)", v.Text, w)
	case *widget.Entry:
		return fmt.Sprintf("entry %q (%.0f)", v.PlaceHolder, w)
	}
	return fmt.Sprintf("%T (%.0f)", o, w)
}

func widestOf(o any) string {
	if c, ok := o.(fyne.CanvasObject); ok {
		return widest(c)
	}
	return ""
}

// showAll shows every hidden object under o (a screen's later steps) and
// returns what hides them again.
func showAll(o fyne.CanvasObject) (restore func()) {
	var hidden []fyne.CanvasObject
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if !o.Visible() {
			hidden = append(hidden, o)
			o.Show()
		}
		switch v := o.(type) {
		case *fyne.Container:
			for _, k := range v.Objects {
				walk(k)
			}
		case *container.Scroll:
			walk(v.Content)
		case *widget.PopUp:
			walk(v.Content)
		case *widget.Form:
			for _, it := range v.Items {
				walk(it.Widget)
			}
		}
	}
	walk(o)
	return func() {
		for _, h := range hidden {
			h.Hide()
		}
	}
}

func checkWidth(t *testing.T, name string, o fyne.CanvasObject) {
	t.Helper()
	if w := o.MinSize().Width; w > fitWidth {
		t.Errorf("%s needs %.0f px of width, more than %d: %s", name, w, fitWidth, widest(o))
	}
}

// TestNoOverlapAfterPassphraseMismatch (issue 11, problem 10: "a text
// overlap after a passphrase mismatch"): a member enrolling at 1024×600
// types two different passphrases and brings in the call; the refusal is
// shown, in view, and no two texts of the screen overlap, in English and
// in French.
func TestNoOverlapAfterPassphraseMismatch(t *testing.T) {
	for _, l := range []string{"en", "fr"} {
		t.Run(l, func(t *testing.T) {
			if l == "fr" {
				inFrench(t)
			}
			work := t.TempDir()
			coord := newTestUI(t)
			closeAt := "2020-01-01 10:00"
			if l == "fr" {
				closeAt = "01/01/2020 10:00"
			}
			members := newCeremony(t, coord, work, 3, 2, closeAt, []string{"Alice", "Bruno", "Chloé"})
			tap(coord, coord.board.next)
			call := filepath.Join(work, "call.cbor")
			save(t, coord, coord.board.out, call)

			m := members[0]
			// As on the real window of a 1024×600 screen: its menu bar
			// (about 40 px) above, and the network warning shown.
			m.ui.win.Resize(fyne.NewSize(fitWidth, fitHeight-40))
			m.ui.opts.Interfaces = func() []string { return []string{"eth0"} }
			m.ui.checkNetwork()
			ms := m.ui.member
			typeInto(ms.confirm, "copper window seven basket orbit")
			bring(t, m.ui, ms.in, call)
			if !m.ui.inView(ms.terms.box) || !m.ui.inView(ms.terms.accept) {
				t.Error("the call's terms, to read before enrolling, are out of view")
			}
			acceptTerms(t, m.ui, ms)
			refusal := verdict(lang.L("REFUSED"), lang.L("the two passphrases differ: type them again"))
			if !strings.Contains(ms.checks.Text(), refusal) {
				t.Fatalf("no refusal for two different passphrases: %s", ms.checks.Text())
			}
			if ms.ks.pass.Text != "" || ms.confirm.Text != "" {
				t.Fatal("the passphrases were not cleared after the refusal")
			}
			if !m.ui.inView(ms.checks.box) {
				t.Error("the refusal is out of view")
			}
			if o := overlaps(m.ui.win.Content()); o != "" {
				t.Errorf("after the refusal: %s", o)
			}
			// Typed again, the same: the member enrols.
			typeInto(ms.ks.pass, m.pass)
			typeInto(ms.confirm, m.pass)
			bring(t, m.ui, ms.in, call)
			acceptTerms(t, m.ui, ms)
			if strings.Contains(ms.checks.Text(), refusal) || !ms.out.box.Visible() {
				t.Fatalf("after typing the passphrases again: %s", ms.checks.Text())
			}
			if o := overlaps(m.ui.win.Content()); o != "" {
				t.Errorf("after enrolling: %s", o)
			}
		})
	}
}

// overlaps names two visible objects of a vertical box that overlap, or a
// text laid out shorter than it needs (its lines would run into the next
// one); "" when the screen is clean.
func overlaps(o fyne.CanvasObject) string {
	if !o.Visible() {
		return ""
	}
	switch v := o.(type) {
	case *fyne.Container:
		var prev fyne.CanvasObject
		vbox := fmt.Sprintf("%T", v.Layout) == fmt.Sprintf("%T", layout.NewVBoxLayout())
		for _, k := range v.Objects {
			if !k.Visible() {
				continue
			}
			if vbox && prev != nil && prev.Position().Y+prev.Size().Height > k.Position().Y+0.5 {
				return fmt.Sprintf("%s (y %.0f to %.0f) overlaps %s (from y %.0f)", describe(prev), prev.Position().Y, prev.Position().Y+prev.Size().Height, describe(k), k.Position().Y)
			}
			prev = k
			if s := overlaps(k); s != "" {
				return s
			}
		}
	case *container.Scroll:
		return overlaps(v.Content)
	case *widget.Label:
		if v.Size().Height+0.5 < v.MinSize().Height && v.Size().Height > 0 {
			return fmt.Sprintf("%s is %.0f px high for %.0f px of text", describe(v), v.Size().Height, v.MinSize().Height)
		}
	case *widget.Form:
		for _, it := range v.Items {
			if s := overlaps(it.Widget); s != "" {
				return s
			}
		}
	}
	return ""
}

// TestLaterScreensFit1024x600: the screens as they are later in the day
// (the board of a finished ceremony with its table, a member's minutes and
// backup prompt, a decryption, the result of the count, a verified
// record) fit 1024 px too, in English and in French.
func TestLaterScreensFit1024x600(t *testing.T) {
	if testing.Short() {
		t.Skip("a whole ceremony and count")
	}
	for _, l := range []string{"en", "fr"} {
		t.Run(l, func(t *testing.T) {
			closeAt := "2020-01-01 10:00"
			if l == "fr" {
				inFrench(t)
				closeAt = "01/01/2020 10:00"
			}
			work := t.TempDir()
			coord := newTestUI(t)
			fits := func(name string, ui *UI) {
				t.Helper()
				ui.win.Resize(fyne.NewSize(fitWidth, fitHeight))
				checkFits(t, name, ui.win.Content())
			}
			members := startCeremony(t, coord, work, 3, 2, closeAt, []string{"Alice", "Bruno", "Chloé"})
			fits("finished board", coord)
			fits("member at the end of the ceremony", members[0].ui)
			request := prepareRequest(t, coord, work, []uint64{1, 2, 2}, 2)
			fits("count, request prepared", coord)
			answers := filepath.Join(work, "answers")
			os.MkdirAll(answers, 0o755)
			for i, m := range members[:2] {
				test.Tap(m.ui.home.buttons["Decrypt"])
				ds := m.ui.decrypt
				bring(t, m.ui, ds.in, request)
				fits("decrypt, request shown", m.ui)
				test.Tap(ds.agree)
				typeInto(ds.ks.path.entry, m.keystore)
				typeInto(ds.ks.pass, m.pass)
				tap(m.ui, ds.decrypt)
				fits("decrypt, done", m.ui)
				save(t, m.ui, ds.out, filepath.Join(answers, fmt.Sprintf("answer-%d.cbor", i)))
			}
			s := coord.board
			bring(t, coord, s.answersIn, answers)
			tap(coord, s.tally)
			fits("count, result", coord)
			auditor := newTestUI(t)
			test.Tap(auditor.home.buttons["Verify a record"])
			typeInto(auditor.verifier.dir.entry, filepath.Join(work, "board"))
			tap(auditor, auditor.verifier.verify)
			fits("verified record", auditor)
		})
	}
}
