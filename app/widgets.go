package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"conclave/app/office"
	"conclave/app/transfer"
	"conclave/app/transfer/camera"
	"conclave/app/transfer/qr"
	"conclave/app/transfer/ur"
	"conclave/ceremony"
)

func newModal(w fyne.Window, title string, content fyne.CanvasObject) *widget.PopUp {
	return widget.NewModalPopUp(container.NewVBox(widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), content), w.Canvas())
}

// stepList shows every step, the current one marked with a symbol and a
// word, not colour alone.
type stepList struct {
	box   *fyne.Container
	steps []string
	// current and failed are the last set.
	current string
	failed  map[string]bool
	// handedIn marks the current step done on this side: the member has
	// handed in their answer and waits for the coordinator.
	handedIn bool
}

func newStepList(steps []string) *stepList {
	// The steps wrap onto a second row on a narrow screen (1024×600) rather
	// than widening the window past it.
	s := &stepList{box: container.New(newFlowLayout()), steps: steps}
	s.set("", nil)
	return s
}

// set marks current; failed lists steps that failed.
func (s *stepList) set(current string, failed map[string]bool) {
	s.current, s.failed = current, failed
	s.box.Objects = nil
	reached := current == ""
	for i, st := range s.steps {
		// A symbol from the theme's icons and a word, not colour alone (and
		// no ✓ or ▶ characters: Fyne's bundled font does not have them).
		text := lang.L(st)
		var icon fyne.Resource
		imp := widget.MediumImportance
		switch {
		case failed[st]:
			text, icon, imp = text+" "+lang.L("(failed)"), theme.ErrorIcon(), widget.DangerImportance
		case st == current && s.handedIn:
			text, icon, imp, reached = text+" "+lang.L("(done: waiting for the coordinator)"), theme.HistoryIcon(), widget.SuccessImportance, true
		case st == current:
			text, icon, imp, reached = text+" "+lang.L("(now)"), theme.MediaPlayIcon(), widget.HighImportance, true
		case !reached:
			icon, imp = theme.ConfirmIcon(), widget.SuccessImportance
		}
		l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: st == current})
		l.Importance = imp
		one := container.NewHBox() // a step and its symbol wrap together
		if icon != nil {
			one.Add(widget.NewIcon(icon))
		}
		one.Add(l)
		if i < len(s.steps)-1 {
			one.Add(widget.NewLabel("›"))
		}
		s.box.Add(one)
	}
	s.box.Refresh()
}

// handIn marks the current step handed in (true) or to do (false).
func (s *stepList) handIn(done bool) {
	s.handedIn = done
	s.set(s.current, s.failed)
}

// Text returns the list as shown.
func (s *stepList) Text() string {
	var parts []string
	for _, one := range s.box.Objects {
		for _, o := range one.(*fyne.Container).Objects {
			if l, ok := o.(*widget.Label); ok && l.Text != "›" {
				parts = append(parts, l.Text)
			}
		}
	}
	return strings.Join(parts, " ")
}

// checkList shows what was checked: each line with a symbol, a word and the
// reason, green or red. A detailed list keeps the technical lines of
// checks that passed behind a "Details" toggle, under a plain count;
// refusals, notes and the rest are always shown.
type checkList struct {
	box      *fyne.Container // the whole list, as placed on a screen
	shown    *fyne.Container
	details  *fyne.Container
	toggle   *widget.Check
	summary  *widget.Label
	row      *fyne.Container
	lines    []string
	passed   int
	detailed bool
}

func newCheckList() *checkList {
	c := &checkList{shown: container.NewVBox(), details: container.NewVBox(), summary: widget.NewLabel("")}
	c.summary.Importance = widget.SuccessImportance
	c.toggle = widget.NewCheck(lang.L("Details"), func(on bool) {
		if on {
			c.details.Show()
		} else {
			c.details.Hide()
		}
	})
	c.row = container.NewHBox(widget.NewIcon(theme.ConfirmIcon()), c.summary, c.toggle)
	c.row.Hide()
	c.details.Hide()
	c.box = container.NewVBox(c.shown, c.row, c.details)
	return c
}

// newDetailedCheckList is a list whose passed checks are technical detail.
func newDetailedCheckList() *checkList {
	c := newCheckList()
	c.detailed = true
	return c
}

func (c *checkList) clear() {
	c.shown.Objects, c.details.Objects, c.lines, c.passed = nil, nil, nil, 0
	c.row.Hide()
	c.box.Refresh()
}

func (c *checkList) add(ok bool, text string) {
	icon := theme.ConfirmIcon()
	word := lang.L("OK")
	imp := widget.SuccessImportance
	if !ok {
		icon, word, imp = theme.ErrorIcon(), lang.L("REFUSED"), widget.DangerImportance
	}
	l := wrapped(verdict(word, text))
	l.Importance = imp
	c.lines = append(c.lines, l.Text)
	line := container.NewBorder(nil, nil, widget.NewIcon(icon), nil, l)
	if ok && c.detailed {
		c.passed++
		c.summary.SetText(lang.L("Checks passed: {{.N}}", map[string]any{"N": c.passed}))
		c.row.Show()
		c.details.Add(line)
	} else {
		c.shown.Add(line)
	}
	c.box.Refresh()
}

// inform shows a line that is neither a check passed nor a refusal (who
// is qualified, who was excluded and why): always in view, with a warning
// sign when warn is set.
func (c *checkList) inform(warn bool, text string) {
	icon, imp := theme.InfoIcon(), widget.MediumImportance
	if warn {
		icon, imp = theme.WarningIcon(), widget.WarningImportance
	}
	l := wrapped(text)
	l.Importance = imp
	c.lines = append(c.lines, l.Text)
	c.shown.Add(container.NewBorder(nil, nil, widget.NewIcon(icon), nil, l))
	c.box.Refresh()
}

func (c *checkList) note(text string) {
	l := wrapped(text)
	l.TextStyle.Italic = true
	c.lines = append(c.lines, l.Text)
	c.shown.Add(l)
	c.box.Refresh()
}

// action shows a button in the list (e.g. Continue after a refusal that
// the user can fix).
func (c *checkList) action(label string, icon fyne.Resource, f func()) *widget.Button {
	b := widget.NewButtonWithIcon(label, icon, f)
	b.Importance = widget.HighImportance
	c.shown.Add(container.NewHBox(b))
	c.box.Refresh()
	return b
}

// Text returns every line, shown or behind Details.
func (c *checkList) Text() string { return strings.Join(c.lines, "\n") }

// fail shows a refusal; the user's own Cancel is shown as "Cancelled",
// not as a refusal.
func (c *checkList) fail(err error) {
	if ps, ok := err.(problems); ok {
		for _, p := range ps {
			c.fail(p)
		}
		return
	}
	if errors.Is(err, errCancel) {
		c.neutral(theme.CancelIcon(), explain(err))
		return
	}
	c.add(false, explain(err))
}

// neutral shows a line that is neither a success nor a refusal (Cancelled,
// skipped), with its symbol.
func (c *checkList) neutral(icon fyne.Resource, text string) {
	c.lines = append(c.lines, text)
	c.shown.Add(container.NewBorder(nil, nil, widget.NewIcon(icon), nil, wrapped(text)))
	c.box.Refresh()
}

// fingerprint shows a fingerprint large, in monospace, to be read aloud.
type fingerprint struct {
	box   *fyne.Container
	value *widget.Label
	what  *widget.Label
}

func newFingerprint() *fingerprint {
	f := &fingerprint{value: widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Monospace: true, Bold: true}), what: wrapped("")}
	f.value.SizeName = theme.SizeNameHeadingText
	// A long value (a Belenios verification key) breaks onto a second line
	// rather than widening the window past a 1024-px screen.
	f.value.Wrapping = fyne.TextWrapBreak
	f.box = container.NewVBox(f.what, f.value)
	f.box.Hide()
	return f
}

func (f *fingerprint) set(what, value string) {
	f.what.SetText(what + " — " + lang.L("read it aloud; every screen must show the same:"))
	f.value.SetText(value)
	f.box.Show()
}

// pathField is a file or folder path: typed (keyboard) or chosen with a
// dialog; removable drives are proposed first.
type pathField struct {
	ui      *UI
	suggest string // the file name a Save dialog proposes
	entry   *widget.Entry
	box     *fyne.Container
	buttons *fyne.Container
}

func (ui *UI) newPathField(placeholder string, folder, save bool) *pathField {
	p := &pathField{ui: ui, entry: widget.NewEntry()}
	p.entry.SetPlaceHolder(placeholder)
	browse := widget.NewButtonWithIcon(lang.L("Browse…"), theme.FolderOpenIcon(), func() {
		switch {
		case folder:
			p.chooseFolder()
		case save:
			p.chooseNew()
		default:
			p.chooseExisting()
		}
	})
	p.buttons = container.NewHBox(browse)
	p.box = container.NewBorder(nil, nil, nil, p.buttons, p.entry)
	return p
}

// allowNew adds a "New file…" button (a Save dialog) to a field whose
// Browse opens an existing file: the member's keystore, opened at every
// step but made at the first.
func (p *pathField) allowNew(label string) {
	p.buttons.Add(widget.NewButtonWithIcon(label, theme.DocumentCreateIcon(), p.chooseNew))
}

// start is where a dialog opens: the folder of the path typed so far, or
// the first removable drive.
func (p *pathField) start() fyne.ListableURI {
	if cur := p.path(); cur != "" {
		for _, d := range []string{cur, filepath.Dir(cur)} {
			if fi, err := os.Stat(d); err == nil && fi.IsDir() {
				if l, err := storage.ListerForURI(storage.NewFileURI(d)); err == nil {
					return l
				}
			}
		}
	}
	return p.ui.startLocation()
}

func (p *pathField) chooseFolder() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err == nil && u != nil {
			p.entry.SetText(u.Path())
		}
	}, p.ui.win)
	if start := p.start(); start != nil {
		d.SetLocation(start)
	}
	p.ui.showFileDialog(d)
}

func (p *pathField) chooseExisting() {
	d := dialog.NewFileOpen(func(u fyne.URIReadCloser, err error) {
		if err == nil && u != nil {
			u.Close()
			p.entry.SetText(u.URI().Path())
		}
	}, p.ui.win)
	if start := p.start(); start != nil {
		d.SetLocation(start)
	}
	p.ui.showFileDialog(d)
}

func (p *pathField) chooseNew() {
	// A folder, not Fyne's save dialog: that one opens (and so empties) an
	// existing file it is pointed at, a keystore included, before we could
	// refuse. The file name typed (or suggested) is kept.
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err == nil && u != nil {
			name := filepath.Base(p.path())
			if p.path() == "" || name == "." || name == string(filepath.Separator) {
				name = p.suggest
			}
			if name == "" {
				name = "conclave.cbor"
			}
			p.entry.SetText(filepath.Join(u.Path(), name))
		}
	}, p.ui.win)
	if start := p.start(); start != nil {
		d.SetLocation(start)
	}
	p.ui.showFileDialog(d)
}

func (p *pathField) path() string { return strings.TrimSpace(p.entry.Text) }

// startLocation proposes the first removable drive, if any.
func (ui *UI) startLocation() fyne.ListableURI {
	for _, d := range transfer.RemovableDrives() {
		if l, err := storage.ListerForURI(storage.NewFileURI(d.MountPoint)); err == nil {
			return l
		}
	}
	return nil
}

// handOut shows what to hand out: save to a file (the transfer stick) and
// show as QR codes.
type handOut struct {
	ui    *UI
	box   *fyne.Container
	path  *pathField
	save  *widget.Button
	show  *widget.Button
	state *widget.Label
	data  []byte
	kind  string
	// keyStick, when set, gives the member's keystore: nothing is saved
	// on the stick that holds it.
	keyStick func() string
	// onSaved, when set, runs after a successful save.
	onSaved func()
}

func (ui *UI) newHandOut() *handOut {
	h := &handOut{ui: ui, path: ui.newPathField(lang.L("where to save it: a file on the transfer stick"), false, true), state: wrapped("")}
	h.save = widget.NewButtonWithIcon(lang.L("Save to the transfer stick"), theme.DocumentSaveIcon(), h.doSave)
	h.path.entry.OnSubmitted = func(string) { h.doSave() }
	h.show = widget.NewButtonWithIcon(lang.L("Show as QR codes"), theme.VisibilityIcon(), func() { ui.showQR(h.kind, h.data) })
	h.box = container.NewVBox(bold(lang.L("Hand out")), h.path.box, container.NewHBox(h.save, h.show), h.state)
	h.box.Hide()
	return h
}

func (h *handOut) refuse(text string) {
	h.state.SetText(verdict(lang.L("REFUSED"), text))
	h.state.Importance = widget.DangerImportance
	h.state.Refresh()
}

func (h *handOut) doSave() {
	p := h.path.path()
	switch {
	case p == "":
		h.refuse(lang.L("type or choose where to save the file first (Browse…)"))
		return
	case !filepath.IsAbs(p):
		h.refuse(lang.L("give the whole path, from the drive (e.g. /media/you/TRANSFER/{{.Name}}), or choose it with Browse…", map[string]any{"Name": filepath.Base(p)}))
		return
	}
	if h.keyStick != nil {
		if ks := h.keyStick(); ks != "" && filepath.IsAbs(ks) && sameStick(ks, p) {
			h.refuse(lang.L("this is your key stick, which holds your keystore: save to the transfer stick instead, so that the key stick never leaves you"))
			return
		}
	}
	// Never over a keystore, a board's file or a device; over another
	// existing file only once the person has said so.
	if err := office.CheckOutput(p, false); errors.Is(err, office.ErrOutputExists) {
		dialog.ShowConfirm(lang.L("Replace the file?"),
			lang.L("{{.Path}} already exists. Replace it with this file?", map[string]any{"Path": p}),
			func(ok bool) {
				if ok {
					h.write(p, true)
				}
			}, h.ui.win)
		return
	}
	h.write(p, false)
}

// write saves the data at p, atomically, by the rules of office.WriteOutput.
func (h *handOut) write(p string, force bool) {
	if err := office.WriteOutput(p, h.data, force); err != nil {
		h.refuse(explain(err))
		return
	}
	out := p
	h.ui.rememberTransferDir(filepath.Dir(out))
	h.state.SetText(lang.L("Saved to {{.Path}}", map[string]any{"Path": out}))
	h.state.Importance = widget.SuccessImportance
	h.state.Refresh()
	if h.onSaved != nil {
		h.onSaved()
	}
}

// set shows what to hand out, with a file name suggested in the transfer
// folder last used (or the folder typed before); with neither, the field
// stays empty until the member chooses.
func (h *handOut) set(kind, suggested string, data []byte) {
	h.data, h.kind = data, kind
	h.path.suggest = suggested
	dir := ""
	if cur := h.path.path(); cur != "" && filepath.IsAbs(cur) {
		dir = filepath.Dir(cur)
	} else if d := h.ui.transferDir(); d != "" {
		dir = d
	}
	if dir != "" && (h.keyStick == nil || !sameStick(h.keyStick(), filepath.Join(dir, suggested))) {
		h.path.entry.SetText(filepath.Join(dir, suggested))
	} else {
		h.path.entry.SetText("")
		h.path.entry.SetPlaceHolder(lang.L("where to save {{.Name}}: choose a folder on the transfer stick (Browse…)", map[string]any{"Name": suggested}))
	}
	h.state.SetText(lang.L("Ready: {{.Kind}}. Save it to the transfer stick, or show it as QR codes.", map[string]any{"Kind": kind}))
	h.state.Importance = widget.MediumImportance
	h.box.Show()
	h.ui.reveal(h.box)
}

func (h *handOut) hide() { h.box.Hide(); h.data = nil }

// qrWindow is the open QR window's widgets (for tests).
type qrWindow struct {
	img                     *canvas.Image
	caption                 *widget.Label
	pause, enlarge          *widget.Button
	speed, density          *widget.Select
	dialog                  dialog.Dialog
	frame                   int
	paused, big             bool
	speeds, densities       []string
	speedValue, bytesValues map[string]float64
}

// qrSide is the side of the code on screen: as large as the window allows
// with the caption and the controls still in view (at 1024×600 too).
func (ui *UI) qrSide(big bool) float32 {
	h := ui.win.Canvas().Size().Height
	side := h - 230 // title, caption, Close (the controls are beside the code)
	if !big {
		side = min(side, 460)
	}
	return max(side, 200)
}

// showQR shows a message as an animated QR code. The caption (above the
// code, so it stays in view) says which part is shown; pause, speed,
// density and size are in the window itself; Escape closes it.
func (ui *UI) showQR(what string, data []byte) {
	opts := ui.settings.qrOptions()
	w := &qrWindow{img: canvas.NewImageFromImage(nil), caption: wrapped("")}
	w.img.ScaleMode = canvas.ImageScalePixels
	w.img.FillMode = canvas.ImageFillContain
	w.img.SetMinSize(fyne.NewSize(ui.qrSide(false), ui.qrSide(false)))
	var enc interface {
		NextPart() string
		SinglePart() bool
		SeqLen() int
	}
	start := func() error {
		e, err := qr.NewEncoder(data, opts)
		if err != nil {
			return err
		}
		enc, w.frame = e, 0
		return nil
	}
	if err := start(); err != nil {
		ui.showError(err)
		return
	}
	next := func() {
		text := enc.NextPart()
		w.frame++
		m, err := qr.Render(text, opts.Level, 4)
		if err != nil {
			w.caption.SetText(verdict(lang.L("REFUSED"), explain(err)))
			return
		}
		w.img.Image = m
		w.img.Refresh()
		need := enc.SeqLen()
		switch {
		case enc.SinglePart():
			w.caption.SetText(lang.L("One code holds the whole message: hold it in front of the other computer's camera."))
		case w.frame <= need:
			w.caption.SetText(lang.L("Part {{.N}} of {{.Need}}: keep showing the codes until the other screen says the message is complete.", map[string]any{"N": w.frame, "Need": need}))
		default:
			w.caption.SetText(lang.L("Extra part {{.N}} (the message has {{.Need}} parts; extra parts fill the gaps): keep showing until the other screen says the message is complete.", map[string]any{"N": w.frame, "Need": need}))
		}
	}
	next()
	w.pause = widget.NewButtonWithIcon(lang.L("Pause"), theme.MediaPauseIcon(), func() {
		w.paused = !w.paused
		if w.paused {
			w.pause.SetText(lang.L("Resume"))
			w.pause.SetIcon(theme.MediaPlayIcon())
		} else {
			w.pause.SetText(lang.L("Pause"))
			w.pause.SetIcon(theme.MediaPauseIcon())
		}
	})
	// The window starts as in the settings; its choices apply to this
	// window only.
	asSet := lang.L("As in the settings")
	w.speedValue = map[string]float64{asSet: opts.FPS, lang.L("Slow"): 2, lang.L("Normal"): qr.DefaultFPS, lang.L("Fast"): 8}
	w.speeds = []string{asSet, lang.L("Slow"), lang.L("Normal"), lang.L("Fast")}
	w.bytesValues = map[string]float64{asSet: float64(opts.BytesPerFrame), lang.L("Sparse (poor camera)"): float64(qr.Sturdy.BytesPerFrame), lang.L("Normal"): float64(qr.DefaultBytesPerFrame), lang.L("Dense (good camera)"): float64(qr.Fast.BytesPerFrame)}
	w.densities = []string{asSet, lang.L("Sparse (poor camera)"), lang.L("Normal"), lang.L("Dense (good camera)")}
	ticker := time.NewTicker(opts.Interval())
	w.speed = widget.NewSelect(w.speeds, nil)
	w.speed.SetSelected(asSet)
	w.speed.OnChanged = func(v string) {
		opts.FPS = w.speedValue[v]
		ticker.Reset(opts.Interval())
	}
	w.density = widget.NewSelect(w.densities, nil)
	w.density.SetSelected(asSet)
	w.density.OnChanged = func(v string) {
		if n := int(w.bytesValues[v]); n != opts.BytesPerFrame {
			opts.BytesPerFrame = n
			if start() == nil {
				next()
			}
		}
	}
	w.enlarge = widget.NewButtonWithIcon(lang.L("Enlarge"), theme.ZoomInIcon(), func() {
		w.big = !w.big
		side := ui.qrSide(w.big)
		w.img.SetMinSize(fyne.NewSize(side, side))
		if w.big {
			w.enlarge.SetText(lang.L("Smaller"))
			w.enlarge.SetIcon(theme.ZoomOutIcon())
		} else {
			w.enlarge.SetText(lang.L("Enlarge"))
			w.enlarge.SetIcon(theme.ZoomInIcon())
		}
		w.dialog.Resize(w.dialog.MinSize())
	})
	controls := container.NewVBox(w.pause, widget.NewLabel(lang.L("Speed:")), w.speed, widget.NewLabel(lang.L("Density:")), w.density, w.enlarge)
	if enc.SinglePart() {
		w.pause.Hide()
		w.speed.Hide()
		controls.Objects[1].Hide()
	}
	stop := make(chan struct{})
	w.dialog = dialog.NewCustom(lang.L("QR code: {{.What}}", map[string]any{"What": what}), lang.L("Close"), container.NewBorder(w.caption, nil, nil, controls, container.NewCenter(w.img)), ui.win)
	ui.qr = w
	go func() {
		defer ticker.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ticker.C:
				// DoAndWait, not Do: a late main loop then drops a
				// tick (the ticker does) instead of running two
				// frames back to back, one of them never painted
				// (scripts/qr-window-fps.sh counts them).
				fyne.DoAndWait(func() {
					if !w.paused && !enc.SinglePart() {
						next()
					}
				})
			}
		}
	}()
	ui.showDialog(w.dialog, func() { close(stop) })
}

// intake is how a screen takes a message in: check runs off the UI thread
// (it may verify proofs over a large batch, and must not touch widgets);
// then runs on the UI thread with what check returned, for each message
// that passed; after runs on the UI thread once all are in.
type intake struct {
	check func(data []byte) (v any, text string, err error)
	// large, when set, checks a file larger than office.StreamAbove from
	// its path instead (a decryption request read in chunks: its memory
	// does not grow with the file, and the importer's size cap does not
	// apply).
	large func(path string) (v any, text string, err error)
	then  func(v any)
	after func()
}

// bringIn is what to bring in: a file or folder from USB, a QR scan, or
// pasted text. Each message found is checked on its own; a bad one is
// reported and the others still come in.
type bringIn struct {
	ui     *UI
	box    *fyne.Container
	path   *pathField
	open   *widget.Button
	scan   *widget.Button
	in     intake
	result *checkList
}

func (ui *UI) newBringIn(title string, in intake) *bringIn {
	b := &bringIn{ui: ui, path: ui.newPathField(lang.L("file or folder, e.g. on a USB stick"), false, false), in: in, result: newDetailedCheckList()}
	b.open = widget.NewButtonWithIcon(lang.L("Open from USB / file"), theme.FileIcon(), func() { b.importPaths(b.path.path()) })
	b.path.entry.OnSubmitted = func(string) { b.importPaths(b.path.path()) }
	b.scan = widget.NewButtonWithIcon(lang.L("Scan QR code"), theme.MediaVideoIcon(), func() { ui.scanQR(b) })
	b.box = container.NewVBox(bold(title), b.path.box, container.NewHBox(b.open, b.scan), b.result.box)
	return b
}

type arrival struct {
	source string
	v      any
	text   string
	err    error
}

// importPaths reads files (or every file of folders) and checks each,
// off the UI thread.
func (b *bringIn) importPaths(paths ...string) {
	b.result.clear()
	var list []string
	for _, p := range paths {
		if strings.TrimSpace(p) != "" {
			list = append(list, p)
		}
	}
	if len(list) == 0 {
		b.result.add(false, lang.L("type or choose a file or folder first"))
		return
	}
	var got []arrival
	b.ui.run(lang.L("Reading and checking…"), func(ctx context.Context) error {
		if b.in.large != nil {
			var rest []string
			for _, p := range list {
				if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Size() > office.StreamAbove {
					v, text, err := b.in.large(p)
					got = append(got, arrival{filepath.Base(p), v, text, err})
					continue
				}
				rest = append(rest, p)
			}
			if list = rest; len(list) == 0 {
				return nil
			}
		}
		items, problems := transfer.Import(func(data []byte) (string, error) { return "message", nil }, list...)
		for _, it := range items {
			if ctx.Err() != nil {
				break
			}
			v, text, err := b.in.check(it.Data)
			got = append(got, arrival{filepath.Base(it.Path), v, text, err})
		}
		for _, p := range problems {
			got = append(got, arrival{source: filepath.Base(p.Path), err: p.Err()})
		}
		return nil
	}, func(error) { b.show(got) })
}

// deliver checks one message (from a QR scan), off the UI thread.
func (b *bringIn) deliver(source string, data []byte) {
	b.result.clear()
	var got []arrival
	b.ui.run(lang.L("Checking…"), func(ctx context.Context) error {
		v, text, err := b.in.check(data)
		got = append(got, arrival{source, v, text, err})
		return nil
	}, func(error) { b.show(got) })
}

func (b *bringIn) show(got []arrival) {
	reveals := b.ui.reveals
	for _, a := range got {
		if a.err != nil {
			if errors.Is(a.err, errSkipped) {
				b.result.neutral(theme.MediaSkipNextIcon(), a.source+": "+lang.L("skipped: this is a file the coordinator hands out, not a member's message"))
				continue
			}
			b.result.add(false, a.source+": "+explain(a.err))
			continue
		}
		b.result.add(true, a.source+": "+a.text)
		if b.in.then != nil {
			b.in.then(a.v)
		}
	}
	if b.in.after != nil {
		b.in.after()
	}
	// What was brought in led somewhere (the terms to read, the answer
	// to hand out) and the screen scrolled there: it stays there.
	if b.ui.reveals == reveals {
		b.ui.reveal(b.result.box)
	}
}

// scanDialog holds the open scan dialog's widgets (for tests).
type scanDialog struct {
	progress, camera     *widget.Label
	bar                  *widget.ProgressBar
	dialog               dialog.Dialog
	pasteField           *escEntry
	paste                *widget.Entry
	readText, readImages *widget.Button
	images               *pathField
}

// scanQR reads a message from QR codes: the webcam (live, with progress),
// image files, or pasted/scanned text.
func (ui *UI) scanQR(b *bringIn) {
	progress := wrapped(lang.L("Waiting for the first code…"))
	bar := widget.NewProgressBar() // how much of the message has come
	// Parts are sorted by message, so that a stray code of another message
	// neither locks the scan nor spoils it.
	var multi ur.MultiDecoder
	done := map[*ur.Decoder]bool{}
	var d dialog.Dialog
	feed := func(part string) bool {
		dec, err := multi.Receive(strings.TrimSpace(part))
		if err != nil {
			progress.SetText(verdict(lang.L("REFUSED"), explain(err)))
			return false
		}
		have, need := dec.Progress()
		progress.SetText(lang.N("{{.Have}} of {{.Need}} parts received", have, map[string]any{"Have": have, "Need": need}))
		if need > 0 {
			bar.SetValue(float64(have) / float64(need))
		}
		if !dec.Done() || done[dec] {
			return false
		}
		done[dec] = true
		_, msg, err := dec.Result()
		if err != nil {
			progress.SetText(verdict(lang.L("REFUSED"), explain(err)))
			return false
		}
		if _, err := ceremony.ParseEnvelope(msg); err != nil {
			progress.SetText(verdict(lang.L("REFUSED"), lang.L("a complete message came through, but it is not a Conclave message: keep scanning the right codes")))
			return false
		}
		d.Hide()
		b.result.clear()
		b.deliver(lang.L("QR code"), msg)
		return true
	}
	pasteEntry := ui.newEscEntry(true)
	paste := &pasteEntry.Entry
	paste.SetPlaceHolder(lang.L("or paste or scan the text of the codes here (one per line)"))
	readText := widget.NewButton(lang.L("Read the text"), func() {
		for _, line := range strings.Split(paste.Text, "\n") {
			if strings.TrimSpace(line) != "" && feed(line) {
				return
			}
		}
	})
	images := ui.newPathField(lang.L("image file or folder of photos of the codes"), false, false)
	readImages := widget.NewButton(lang.L("Read the images"), func() {
		p := images.path()
		var files []string
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			entries, _ := os.ReadDir(p)
			for _, e := range entries {
				files = append(files, filepath.Join(p, e.Name()))
			}
		} else {
			files = []string{p}
		}
		for _, f := range files {
			text, err := qr.DecodeFile(f)
			if err != nil {
				continue
			}
			if feed(text) {
				return
			}
		}
	})
	preview := canvas.NewImageFromImage(nil)
	preview.FillMode = canvas.ImageFillContain
	preview.SetMinSize(fyne.NewSize(320, 240))
	camStatus := wrapped("") // "No camera: …" is long, more so in French
	ctx, cancel := context.WithCancel(context.Background())
	if cam, err := camera.Open(camera.Config{Device: ui.settings.camera}); err != nil {
		camStatus.SetText(lang.L("No camera: {{.Err}}. Use image files or text instead.", map[string]any{"Err": explain(err)}))
		preview.Hide()
	} else {
		camStatus.SetText(lang.L("Camera: hold the code 30 to 50 cm away, filling about half of the picture."))
		go func() {
			defer cam.Close()
			for ctx.Err() == nil {
				frame, err := cam.Read()
				if err != nil {
					fyne.Do(func() { camStatus.SetText(verdict(lang.L("REFUSED"), explain(err))) })
					return
				}
				text, derr := qr.Decode(frame)
				fyne.Do(func() {
					preview.Image = frame
					preview.Refresh()
					if derr == nil {
						feed(text)
					}
				})
			}
		}()
	}
	// The camera's picture beside the other ways in, not above them: the
	// window keeps within a 600-px screen with a camera too.
	content := container.NewVBox(progress, bar, camStatus,
		container.NewBorder(nil, nil, preview, nil, container.NewVBox(images.box, readImages, pasteEntry, readText)))
	d = dialog.NewCustom(lang.L("Scan QR code"), lang.L("Close"), content, ui.win)
	ui.scan = &scanDialog{progress: progress, bar: bar, dialog: d, paste: paste, pasteField: pasteEntry, readText: readText, images: images, readImages: readImages, camera: camStatus}
	d.Resize(fyne.NewSize(700, min(600, ui.win.Canvas().Size().Height-20)))
	ui.showDialog(d, cancel)
}

// problems are the problems of a form, shown together (one line each).
type problems []error

func (ps problems) Error() string {
	var s []string
	for _, p := range ps {
		s = append(s, p.Error())
	}
	return strings.Join(s, "; ")
}

// errSkipped marks a file that is not for this place (the coordinator's
// own hand-outs in a shared folder): shown "skipped", not refused.
var errSkipped = errors.New("skipped")

// showError is the one error dialog: the text goes through explain.
func (ui *UI) showError(err error) {
	ui.showDialog(dialog.NewError(errors.New(explain(err)), ui.win), nil)
}

// handedOut reports whether data is a message the coordinator hands out
// (the call, the list of members, a step's bundle, the election key, a
// request, a result): found among the members' answers, it is skipped.
func handedOut(data []byte) bool {
	e, err := ceremony.ParseEnvelope(data)
	return err == nil && handedOutKind(e.Kind)
}

// handedOutKind reports whether messages of kind k are the coordinator's
// own, handed out rather than brought in.
func handedOutKind(k ceremony.Kind) bool {
	switch k {
	case ceremony.KindCall, ceremony.KindManifest, ceremony.KindBundle, ceremony.KindElectionKey, ceremony.KindRequest, ceremony.KindResult:
		return true
	}
	return false
}
