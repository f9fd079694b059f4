// Package app is Conclave's graphical application: one window, a home
// screen with the roles, and a guided flow for each role. It holds no
// cryptography: it calls package office (the board folder and the member's
// keystore), which calls ceremony and keystore.
//
// Entry points: PrepareLanguage before the Fyne app starts, then
// NewMainWindow with an injected fyne.App (tests pass test.NewTempApp).
package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"conclave/assets"
	"conclave/internal/safefile"
	"conclave/keystore"
)

// Options are what tests inject.
type Options struct {
	// Interfaces lists the network interfaces that are up, other than
	// loopback; nil means ask the system.
	Interfaces func() []string
	// ConfigDir holds the language choice; empty means the user's config dir.
	ConfigDir string
	// NetworkEvery is how often the network warning is refreshed; zero
	// means every 3 seconds.
	NetworkEvery time.Duration
	// KDF is the key-derivation cost of new keystores; the zero value means
	// keystore.DefaultKDF (tests lower it).
	KDF keystore.KDFParams
}

// UI is the running application window.
type UI struct {
	app  fyne.App
	win  fyne.Window
	opts Options

	banner   *fyne.Container
	header   *fyne.Container
	netKey   string
	esc      escapes
	netShown bool
	body     *fyne.Container
	title    *widget.Label
	back     *widget.Button
	history  []screen
	current  screen
	jobs     sync.WaitGroup
	// reveals counts the scrolls to a result (reveal), so that a later,
	// more general one does not undo a more specific one.
	reveals  int
	settings settings

	// the screens, kept so that tests can reach their widgets
	home     *homeScreen
	board    *boardScreen
	member   *memberScreen
	decrypt  *decryptScreen
	verifier *verifyScreen
	mykey    *myKeyScreen
	prefs    *settingsScreen
	about    *aboutScreen
	scan     *scanDialog
	qr       *qrWindow
}

type screen struct {
	title   string
	content fyne.CanvasObject
}

// PrepareLanguage loads the translations, applying the language chosen in
// Settings (it takes effect at start-up: Fyne cannot switch at run time).
// Fyne 2.7 ships its own French (lang/translations/base.fr.json: Open,
// Save, Cancel, New Folder… of its dialogs), chosen by the same locale
// (LANGUAGE, LC_ALL) set here before the translations are loaded; the
// places of its file dialog are not in it, and showFileDialog translates
// them.
func PrepareLanguage() { prepareLanguage("") }

func prepareLanguage(configDir string) {
	if l := readLanguage(configDir); l != "" {
		os.Setenv("LANGUAGE", l)
		if l == "fr" {
			os.Setenv("LC_ALL", "fr_FR.UTF-8")
		} else {
			os.Setenv("LC_ALL", "en_US.UTF-8")
		}
	}
	if err := lang.AddTranslationsFS(assets.Translations, "translation"); err != nil {
		fyne.LogError("cannot load translations", err)
	}
}

func configDir(dir string) string {
	if dir != "" {
		return dir
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "conclave")
}

func readLanguage(dir string) string {
	d := configDir(dir)
	if d == "" {
		return ""
	}
	b, err := safefile.Read(filepath.Join(d, "language"), safefile.Setting)
	if err != nil {
		return ""
	}
	l := strings.TrimSpace(string(b))
	if l == "en" || l == "fr" {
		return l
	}
	return ""
}

// bigTheme is the default theme with larger text: ceremonies are watched,
// and fingerprints are read aloud from a distance. FYNE_SCALE and the
// light/dark variants still apply.
type bigTheme struct{ fyne.Theme }

func (t bigTheme) Size(n fyne.ThemeSizeName) float32 {
	s := t.Theme.Size(n)
	switch n {
	case theme.SizeNameText, theme.SizeNameHeadingText, theme.SizeNameSubHeadingText, theme.SizeNameCaptionText:
		return s * 1.2
	}
	return s
}

// NewMainWindow builds the application's window on a (for tests, injected)
// fyne.App.
func NewMainWindow(a fyne.App, opts Options) fyne.Window {
	ui := New(a, opts)
	ui.measureQR()
	return ui.win
}

// New builds the application and returns it.
func New(a fyne.App, opts Options) *UI {
	a.Settings().SetTheme(bigTheme{theme.DefaultTheme()})
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	ui := &UI{app: a, opts: opts}
	ui.settings = loadSettings(a)
	ui.win = a.NewWindow("Conclave")
	ui.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	ui.title.SizeName = theme.SizeNameSubHeadingText
	ui.back = widget.NewButtonWithIcon(lang.L("Back"), theme.NavigateBackIcon(), ui.goBack)
	homeBtn := widget.NewButtonWithIcon(lang.L("Home"), theme.HomeIcon(), ui.goHome)
	ui.banner = container.NewVBox()
	ui.body = container.NewStack()
	// One compact row: Back, Home and the title; the network warning
	// above it only when there is one. The body keeps the screen.
	ui.header = container.NewVBox(ui.banner, container.NewBorder(nil, nil, container.NewHBox(ui.back, homeBtn), nil, ui.title), widget.NewSeparator())
	ui.win.SetContent(container.NewBorder(ui.header, nil, nil, nil, ui.body))
	ui.win.Resize(defaultWindowSize)
	ui.win.SetMainMenu(ui.mainMenu())
	ui.home = ui.newHomeScreen()
	ui.checkNetwork()
	ui.watchNetwork()
	ui.listenKeys()
	ui.goHome()
	return ui
}

func (ui *UI) mainMenu() *fyne.MainMenu {
	item := func(label string, key fyne.KeyName, f func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, f)
		it.Shortcut = &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierControl}
		return it
	}
	return fyne.NewMainMenu(fyne.NewMenu(lang.L("Go"),
		item(lang.L("Home"), fyne.KeyH, ui.goHome),
		item(lang.L("Back"), fyne.KeyB, ui.goBack),
		fyne.NewMenuItemSeparator(),
		item(lang.L("Start a ceremony"), fyne.Key1, ui.openBoard),
		item(lang.L("Join a ceremony"), fyne.Key2, ui.openMember),
		item(lang.L("Count"), fyne.Key3, ui.openCount),
		item(lang.L("Decrypt"), fyne.Key4, ui.openDecrypt),
		item(lang.L("Verify a record"), fyne.Key5, ui.openVerify),
		item(lang.L("My key"), fyne.Key6, ui.openMyKey),
		item(lang.L("Belenios trustee"), fyne.Key7, ui.openBelenios),
		item(lang.L("Settings"), fyne.KeyComma, ui.openSettings),
		item(lang.L("About"), fyne.KeyI, ui.openAbout),
	))
}

// show replaces the window's body, remembering the previous screen.
func (ui *UI) show(title string, content fyne.CanvasObject) {
	if ui.current.content != nil {
		ui.history = append(ui.history, ui.current)
	}
	ui.setScreen(screen{title, content})
}

// showFocus shows a screen with the keyboard focus on its first field, so
// that it can be used without a mouse.
func (ui *UI) showFocus(title string, content fyne.CanvasObject, first fyne.Focusable) {
	ui.show(title, content)
	if first != nil {
		ui.win.Canvas().Focus(first)
	}
}

func (ui *UI) setScreen(s screen) {
	ui.current = s
	ui.title.SetText(s.title)
	ui.body.Objects = []fyne.CanvasObject{s.content}
	ui.body.Refresh()
	if len(ui.history) == 0 {
		ui.back.Disable()
	} else {
		ui.back.Enable()
	}
	ui.checkNetwork()
}

func (ui *UI) goBack() {
	if len(ui.history) == 0 {
		return
	}
	prev := ui.history[len(ui.history)-1]
	ui.history = ui.history[:len(ui.history)-1]
	ui.setScreen(prev)
}

func (ui *UI) goHome() {
	ui.history = nil
	ui.setScreen(screen{lang.L("Conclave: the election key ceremony"), ui.home.content})
}

// Title returns the current screen's title.
func (ui *UI) Title() string { return ui.title.Text }

// Window returns the application window.
func (ui *UI) Window() fyne.Window { return ui.win }

// upInterfaces lists network interfaces that are up, other than loopback.
func upInterfaces() []string {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil
	}
	var out []string
	for _, i := range ifs {
		if i.Flags&net.FlagUp != 0 && i.Flags&net.FlagLoopback == 0 {
			out = append(out, i.Name)
		}
	}
	return out
}

// checkNetwork shows the warning banner when a network interface is up: a
// ceremony machine should be offline.
func (ui *UI) checkNetwork() {
	list := ui.opts.Interfaces
	if list == nil {
		list = upInterfaces
	}
	up := outward(list())
	if key := strings.Join(up, ", "); ui.netShown && key == ui.netKey {
		return // unchanged: no flicker
	} else {
		ui.netShown, ui.netKey = true, key
	}
	ui.banner.Objects = nil
	if len(up) > 0 {
		msg := widget.NewLabel(lang.L("Connected to a network ({{.Names}}): unplug the cable and turn off Wi-Fi, a ceremony machine must be offline.", map[string]any{"Names": strings.Join(up, ", ")}))
		msg.Truncation = fyne.TextTruncateEllipsis // one line: the screen is for the ceremony
		msg.Importance = widget.WarningImportance
		msg.TextStyle.Bold = true
		ui.banner.Objects = []fyne.CanvasObject{container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil, msg)}
	}
	ui.banner.Refresh()
}

// NetworkWarning returns the banner's text, empty when none is shown.
func (ui *UI) NetworkWarning() string {
	for _, o := range ui.banner.Objects {
		if b, ok := o.(*fyne.Container); ok {
			for _, c := range b.Objects {
				if l, ok := c.(*widget.Label); ok {
					return l.Text
				}
			}
		}
	}
	return ""
}

// run does long work off the UI thread, with a progress bar and a cancel
// button; done runs on the UI thread with the outcome, unless cancelled.
func (ui *UI) run(what string, work func(ctx context.Context) error, done func(error)) {
	ctx, cancel := context.WithCancel(context.Background())
	bar := widget.NewProgressBarInfinite()
	label := widget.NewLabel(what)
	var d *fyne.Container
	cancelBtn := widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), func() { cancel() })
	d = container.NewVBox(label, bar, cancelBtn)
	overlay := newModal(ui.win, lang.L("Working"), d)
	escID := ui.esc.push(cancel) // Escape is Cancel
	ui.win.Canvas().Unfocus()
	overlay.Show()
	ui.jobs.Add(1)
	go func() {
		defer ui.jobs.Done()
		// The work checks ctx before each step that would change a file;
		// once it is past that point it finishes, and its real outcome is
		// shown even if Cancel was pressed late.
		err := work(ctx)
		cancel()
		fyne.DoAndWait(func() {
			ui.esc.remove(escID)
			overlay.Hide()
			bar.Stop()
			if errors.Is(err, context.Canceled) {
				done(errCancelled())
				return
			}
			done(err)
		})
	}()
}

// errCancelled is the user's own Cancel (explain shows it as "Cancelled").
func errCancelled() error { return errCancel }

// Wait blocks until every long job started so far has finished (tests).
func (ui *UI) Wait() { ui.jobs.Wait() }

// bold is a heading; it wraps, so that a long one (in French) does not
// widen the window.
func bold(s string) *widget.Label {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Wrapping = fyne.TextWrapWord
	return l
}

func wrapped(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

func errorf(format string, a ...any) error { return fmt.Errorf(format, a...) }
