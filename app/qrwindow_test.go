package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"conclave/app/transfer/qr"
)

// TestQRWindow: the caption says "part 1 of N" and stays in view at
// 1024×600; Pause stops the parts; density and size change in the window.
func TestQRWindow(t *testing.T) {
	ui := newTestUI(t)
	ui.win.Resize(fyne.NewSize(1024, 600))
	data := []byte(strings.Repeat("a message long enough to need several parts ", 40))
	ui.showQR("test", data)
	w := ui.qr
	if !strings.HasPrefix(w.caption.Text, "Part 1 of ") {
		t.Fatalf("caption: %q", w.caption.Text)
	}
	if h := w.dialog.MinSize().Height; h > 600 {
		t.Fatalf("the QR window needs %.0f px: its caption or controls leave a 600 px screen", h)
	}
	test.Tap(w.pause)
	f := w.frame
	for range 5 {
		w.img.Refresh()
	}
	if w.pause.Text != "Resume" || w.frame != f {
		t.Fatalf("pause: %q, frame %d then %d", w.pause.Text, f, w.frame)
	}
	first := w.frame
	w.density.SetSelected("Dense (good camera)")
	if w.frame != 1 || first == 0 {
		t.Fatalf("a new density starts the parts again: frame %d", w.frame)
	}
	escapeKey(ui)
	ui.win.Resize(fyne.NewSize(1366, 768))
	ui.showQR("test", data)
	w = ui.qr
	side := w.img.MinSize().Height
	test.Tap(w.enlarge)
	if w.img.MinSize().Height <= side {
		t.Fatal("Enlarge did not enlarge")
	}
	text, err := qr.Decode(w.img.Image)
	if err != nil || !strings.HasPrefix(text, "UR:CONCLAVE") {
		t.Fatalf("the code on screen reads %q, %v", text, err)
	}
	escapeKey(ui)
}

// TestScannedCodeKept: a message scanned before the keystore field was
// filled in is kept; the member fills it in and continues without
// scanning again.
func TestScannedCodeKept(t *testing.T) {
	work := t.TempDir()
	coord := newTestUI(t)
	test.Tap(coord.home.buttons["Start a ceremony"])
	s := coord.board
	typeInto(s.dir.entry, filepath.Join(work, "board"))
	typeInto(s.title, "QR")
	typeInto(s.members, "1")
	typeInto(s.threshold, "1")
	typeInto(s.closeAt, "2020-01-01 10:00")
	test.Tap(s.understand) // a test ceremony: closed already, every member needed
	tap(coord, s.create)
	tap(coord, s.next)
	frames, err := qr.Frames(s.out.data, qr.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := newTestUI(t)
	test.Tap(m.home.buttons["Join a ceremony"])
	ms := m.member
	test.Tap(ms.in.scan)
	typeInto(m.scan.paste, strings.Join(frames, "\n"))
	test.Tap(m.scan.readText)
	m.Wait()
	if !strings.Contains(ms.checks.Text(), "keystore file first") {
		t.Fatalf("no keystore yet: %s", ms.checks.Text())
	}
	cont := findButton(ms.checks.box, "Continue with the file already brought in")
	if cont == nil {
		t.Fatal("the scanned message was thrown away: no Continue")
	}
	os.MkdirAll(filepath.Join(work, "stick"), 0o700)
	typeInto(ms.ks.path.entry, filepath.Join(work, "stick", "conclave.key"))
	typeInto(ms.name, "Alice")
	typeInto(ms.ks.pass, "velvet harbor 1937 quartz meadow")
	typeInto(ms.confirm, "velvet harbor 1937 quartz meadow")
	tap(m, cont)
	acceptTerms(t, m, ms)
	if !ms.out.box.Visible() {
		t.Fatalf("Continue did not go on: %s", ms.checks.Text())
	}
}

// TestQRSettingsKept: QR settings saved before the defaults changed (200
// bytes per frame, level L, 4 frames per second, issue 13) still load and
// still drive the QR window; unset ones take the new defaults.
func TestQRSettingsKept(t *testing.T) {
	a := test.NewTempApp(t)
	p := a.Preferences()
	p.SetInt("qr.bytes", 200)
	p.SetString("qr.level", "L")
	p.SetFloat("qr.fps", 4)
	ui := New(a, Options{Interfaces: func() []string { return nil }, ConfigDir: t.TempDir()})
	ui.win.Show()
	if o := ui.settings.qrOptions(); o.BytesPerFrame != 200 || o.Level != qr.L || o.FPS != 4 {
		t.Fatalf("saved settings not kept: %+v", o)
	}
	ui.showQR("test", []byte(strings.Repeat("x", 1000)))
	if !strings.HasPrefix(ui.qr.caption.Text, "Part 1 of 5") {
		t.Fatalf("caption at 200 bytes per frame: %q", ui.qr.caption.Text)
	}
	escapeKey(ui)
	fresh := New(test.NewTempApp(t), Options{Interfaces: func() []string { return nil }, ConfigDir: t.TempDir()})
	if o := fresh.settings.qrOptions(); o.BytesPerFrame != qr.DefaultBytesPerFrame || o.Level != qr.DefaultLevel || o.FPS != qr.DefaultFPS {
		t.Fatalf("defaults: %+v", o)
	}
}
