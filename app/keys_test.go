package app

import (
	"context"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

func enter(e *widget.Entry) { e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) }

func escapeKey(ui *UI) {
	if f := ui.win.Canvas().Focused(); f != nil {
		f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
		return
	}
	ui.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
}

// TestEnterSubmitsForms: Enter in the last field of Start a ceremony
// creates it; Enter in the passphrase of Decrypt decrypts, and does
// nothing before the request is confirmed.
func TestEnterSubmitsForms(t *testing.T) {
	work := t.TempDir()
	coord := newTestUI(t)
	test.Tap(coord.home.buttons["Start a ceremony"])
	s := coord.board
	typeInto(s.dir.entry, filepath.Join(work, "board"))
	typeInto(s.title, "Entrée")
	typeInto(s.members, "1")
	typeInto(s.threshold, "1")
	typeInto(s.closeAt, "2020-01-01 10:00")
	test.Tap(s.understand) // a test ceremony: closed already, every member needed
	enter(s.closeAt)
	if coord.Title() != "Ceremony board" {
		t.Fatalf("Enter in the close of poll did not create the ceremony: %q %s", coord.Title(), s.status.Text())
	}
	coord.goHome()
	members := startCeremonyFrom(t, coord, work, []string{"Alice"})
	request := prepareRequest(t, coord, work, []uint64{1, 2}, 2)
	m := members[0]
	test.Tap(m.ui.home.buttons["Decrypt"])
	ds := m.ui.decrypt
	bring(t, m.ui, ds.in, request)
	typeInto(ds.ks.path.entry, m.keystore)
	enter(ds.ks.path.entry)
	if m.ui.win.Canvas().Focused() != ds.ks.pass {
		t.Fatal("Enter in the keystore field does not go on to the passphrase")
	}
	typeInto(ds.ks.pass, m.pass)
	enter(ds.ks.pass)
	m.ui.Wait()
	if ds.out.box.Visible() {
		t.Fatal("Enter decrypted before the request was confirmed")
	}
	test.Tap(ds.agree)
	enter(ds.ks.pass)
	m.ui.Wait()
	if !ds.out.box.Visible() {
		t.Fatalf("Enter in the passphrase did not decrypt: %s", ds.checks.Text())
	}
}

// startCeremonyFrom runs a whole ceremony on the board already open.
func startCeremonyFrom(t *testing.T, coord *UI, work string, names []string) []*testMember {
	t.Helper()
	var members []*testMember
	for i, name := range names {
		m := &testMember{ui: newTestUI(t), name: name, keystore: filepath.Join(work, "stick-"+name, "conclave.key"),
			pass: "velvet harbor " + string(rune('a'+i)) + "7 quartz meadow lantern"}
		os.MkdirAll(filepath.Dir(m.keystore), 0o700)
		test.Tap(m.ui.home.buttons["Join a ceremony"])
		typeInto(m.ui.member.ks.path.entry, m.keystore)
		typeInto(m.ui.member.name, name)
		typeInto(m.ui.member.ks.pass, m.pass)
		typeInto(m.ui.member.confirm, m.pass)
		members = append(members, m)
	}
	for round := 0; round < 6 && !coord.board.b.State.Complete(); round++ {
		coordinatorRound(t, coord, members, work, round)
	}
	if !coord.board.b.State.Complete() {
		t.Fatal("the ceremony did not complete")
	}
	return members
}

// TestEscapeClosesDialogs: Escape closes the QR window, the scan window
// (even while typing in it), and cancels work in progress.
func TestEscapeClosesDialogs(t *testing.T) {
	ui := newTestUI(t)
	ui.showQR("test", []byte(strings.Repeat("a message long enough to need several parts ", 20)))
	if ui.win.Canvas().Overlays().Top() == nil {
		t.Fatal("no QR window")
	}
	escapeKey(ui)
	if ui.win.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape did not close the QR window")
	}
	test.Tap(ui.home.buttons["Join a ceremony"])
	test.Tap(ui.member.in.scan)
	ui.win.Canvas().Focus(ui.scan.pasteField)
	escapeKey(ui)
	if ui.win.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape in the paste field did not close the scan window")
	}
	var got error
	ui.run("slow", func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }, func(err error) { got = err })
	escapeKey(ui)
	ui.Wait()
	if got == nil || explain(got) != "Cancelled: nothing was changed." {
		t.Fatalf("Escape during work gave %v", got)
	}
}

// TestFocusVisible: the focused button's colour stands apart from the
// button, the hovered button and the background, in both variants.
func TestFocusVisible(t *testing.T) {
	th := bigTheme{theme.DefaultTheme()}
	dist := func(a, b color.Color) int {
		r1, g1, b1, _ := a.RGBA()
		r2, g2, b2, _ := b.RGBA()
		d := func(x, y uint32) int { return max(int(x>>8)-int(y>>8), int(y>>8)-int(x>>8)) }
		return d(r1, r2) + d(g1, g2) + d(b1, b2)
	}
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		f := th.Color(theme.ColorNameFocus, v)
		for _, n := range []fyne.ThemeColorName{theme.ColorNameButton, theme.ColorNameHover, theme.ColorNameBackground, theme.ColorNamePrimary} {
			if d := dist(f, th.Color(n, v)); d < 150 {
				t.Errorf("variant %d: focus colour too close to %s (%d)", v, n, d)
			}
		}
	}
}

// TestProblemsTogether: a form with several problems shows them all at
// once.
func TestProblemsTogether(t *testing.T) {
	ui := newTestUI(t)
	test.Tap(ui.home.buttons["Start a ceremony"])
	s := ui.board
	typeInto(s.members, "five")
	typeInto(s.closeAt, "tomorrow")
	tap(ui, s.create)
	txt := s.status.Text()
	for _, want := range []string{"whole numbers", "close of poll", "folder for the board"} {
		if !strings.Contains(txt, want) {
			t.Fatalf("missing %q in:\n%s", want, txt)
		}
	}
	ui.goHome()
	test.Tap(ui.home.buttons["Join a ceremony"])
	ms := ui.member
	typeInto(ms.ks.pass, "correct horse battery staple")
	typeInto(ms.confirm, "correct horse battery staple")
	ms.answer(mustCall(t))
	txt = ms.checks.Text()
	for _, want := range []string{"keystore file first", "your name first", "famous"} {
		if !strings.Contains(txt, want) {
			t.Fatalf("missing %q in:\n%s", want, txt)
		}
	}
}
