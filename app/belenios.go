package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"conclave/app/office"
	"conclave/ceremony"
	"conclave/ceremony/belenios"
	"conclave/internal/folderlock"
	"conclave/keystore"
)

// beleniosScreens keeps each window's Belenios trustee screen (the UI
// struct is another screen's file; the GUI runs on one thread).
var beleniosScreens = map[*UI]*beleniosScreen{}

// beleniosSteps are the trustee's steps (docs/belenios.md §2).
// Their names are plain words; the files keep belenios-tool's names
// (.poly, .voutput), which the administrator knows.
var beleniosSteps = []string{"your key", "shares for the others", "check of the shares received", "decrypt"}

// beleniosScreen is the "Belenios trustee" role: a Conclave member acts
// as a trustee of a Belenios election, each step offline, the files
// brought in and handed out by USB or QR.
type beleniosScreen struct {
	ui *UI
	// onDisk is set once the person agreed to make the keystore on this
	// computer's own disk (doKeygen asks).
	onDisk  bool
	content fyne.CanvasObject
	steps   *stepList
	path    *pathField
	pass    *widget.Entry
	header  *widget.Label
	version *widget.Select

	// step 1, new keystore only
	newKey  *fyne.Container
	context *widget.Entry
	name    *widget.Entry
	confirm *widget.Entry
	keygen  *widget.Button
	single  *widget.Check
	holdKey *widget.Button

	certsIn    *bringIn
	certs      []*belenios.Cert
	polynomial *widget.Button
	vinputIn   *bringIn
	vinput     *belenios.Vinput
	voutput    *widget.Button
	archiveIn  *bringIn
	archive    *belenios.Archive
	summary    *belenios.Summary
	summaryLbl *widget.Label
	agree      *widget.Check
	trusteeID  *widget.Entry
	decrypt    *widget.Button

	checks *checkList
	fp     *fingerprint
	out    *handOut
}

func (ui *UI) newBeleniosScreen() *beleniosScreen {
	s := &beleniosScreen{ui: ui, pass: widget.NewPasswordEntry(), header: wrapped(""), checks: newCheckList(), fp: newFingerprint(),
		context: widget.NewEntry(), name: widget.NewEntry(), confirm: widget.NewPasswordEntry(), summaryLbl: wrapped(""), trusteeID: widget.NewEntry()}
	s.steps = newStepList(beleniosSteps)
	s.steps.set("your key", nil)
	s.path = ui.newPathField(lang.L("your Belenios keystore file, on your USB stick (e.g. /media/you/STICK/belenios.key)"), false, true)
	s.path.entry.OnChanged = func(string) { s.inspect() }
	s.pass.SetPlaceHolder(lang.L("passphrase"))
	s.version = widget.NewSelect([]string{"2.5.1", "3.0", "3.1", "3.2.0", "3.3.0"}, nil)
	s.version.SetSelected("3.1")
	s.context.SetPlaceHolder(lang.L("e.g. 2/2/3 (from the administrator): you are number 2, 2 of the 3 trustees are needed"))
	s.name.SetPlaceHolder(lang.L("your name"))
	s.confirm.SetPlaceHolder(lang.L("the same passphrase again"))
	s.keygen = widget.NewButtonWithIcon(lang.L("Make my key and certificate"), theme.ContentAddIcon(), s.doKeygen)
	s.single = widget.NewCheck(lang.L("A key of my own, not shared out with the other trustees (only if the administrator asks for it)"), func(on bool) {
		if on {
			s.context.Disable()
		} else {
			s.context.Enable()
		}
	})
	s.holdKey = widget.NewButtonWithIcon(lang.L("Do I still hold my key?"), theme.ConfirmIcon(), s.doCheck)
	s.newKey = container.NewVBox(
		bold(lang.L("Step 1: a new key")),
		wrapped(lang.L("A new keystore is made on your USB stick; it keeps your Belenios key sealed. Choose a passphrase of four or more unrelated words; nobody can recover it for you.")),
		widget.NewForm(widget.NewFormItem(lang.L("Your place"), s.context), widget.NewFormItem(lang.L("Your name"), s.name),
			widget.NewFormItem(lang.L("Passphrase again"), s.confirm)),
		wrapCheck(s.single), s.keygen)

	s.certsIn = ui.newBringIn(lang.L("Step 3: bring in every trustee's certificate (the file certs.jsons, from the administrator)"), intake{check: parseBeleniosCerts, then: func(v any) {
		s.certs = v.([]*belenios.Cert)
		s.polynomial.Enable()
		if s.vinput != nil {
			s.voutput.Enable()
		}
	}})
	s.polynomial = widget.NewButtonWithIcon(lang.L("Check the certificates and make my shares for the others"), theme.ConfirmIcon(), s.doPolynomial)
	s.polynomial.Disable()
	s.vinputIn = ui.newBringIn(lang.L("Step 5: bring in the shares the others made for you (a .vinput file, from the administrator)"), intake{check: parseBeleniosVinput, then: func(v any) {
		s.vinput = v.(*belenios.Vinput)
		if s.certs != nil {
			s.voutput.Enable()
		}
	}})
	s.voutput = widget.NewButtonWithIcon(lang.L("Check the shares I received and seal my key"), theme.ConfirmIcon(), s.doVoutput)
	s.voutput.Disable()
	s.archiveIn = ui.newBringIn(lang.L("Decrypt: after the count, bring in the election's archive (a .bel file, from the administrator)"), intake{check: verifyBeleniosArchive, then: s.review})
	s.agree = widget.NewCheck(lang.L("I compared the election's name, the number of ballots and the fingerprint of the encrypted result with what the administrator publishes"), func(on bool) {
		if on && s.summary != nil {
			s.decrypt.Enable()
		} else {
			s.decrypt.Disable()
		}
	})
	s.trusteeID.SetPlaceHolder(lang.L("your number among the election's trustees, as the administrator gives it, e.g. 2"))
	s.decrypt = widget.NewButtonWithIcon(lang.L("Unlock my key and decrypt"), theme.ConfirmIcon(), s.doDecrypt)
	s.decrypt.Disable()
	s.out = ui.newHandOut()
	s.header.Hide() // until a keystore is chosen

	s.content = container.NewVScroll(container.NewVBox(
		s.steps.box,
		wrapped(lang.L("Be a trustee of a Belenios election: you hold a part of the key that decrypts its result. At each step, bring in the file the election's administrator gives you, and hand back the file this screen prepares.")),
		details(lang.L("For the administrator: Conclave speaks Belenios 2.5.1 to 3.3.0 (Ed25519). Each file handed out here is the one belenios-tool writes at the same step (certificate, polynomial, voutput, partial decryption), and the administrator uses it unchanged; docs/belenios.md gives the administrator's commands.")),
		widget.NewForm(widget.NewFormItem(lang.L("Keystore"), s.path.box), widget.NewFormItem(lang.L("Passphrase"), s.pass),
			widget.NewFormItem(lang.L("Belenios version"), s.version)),
		s.header, s.holdKey, s.newKey, widget.NewSeparator(),
		s.certsIn.box, s.polynomial, widget.NewSeparator(),
		s.vinputIn.box, s.voutput, widget.NewSeparator(),
		s.archiveIn.box, s.summaryLbl, wrapCheck(s.agree), widget.NewForm(widget.NewFormItem(lang.L("Your trustee number"), s.trusteeID)), s.decrypt,
		bold(lang.L("What was checked")), s.checks.box, s.fp.box, s.out.box))
	return s
}

func (ui *UI) openBelenios() {
	s := beleniosScreens[ui]
	if s == nil {
		s = ui.newBeleniosScreen()
		beleniosScreens[ui] = s
	}
	ui.showFocus(lang.L("Belenios trustee"), s.content, s.path.entry)
}

// inspect shows whose key the file holds, without the passphrase.
func (s *beleniosScreen) inspect() {
	h, err := keystore.Inspect(s.path.path())
	switch {
	case err != nil:
		s.header.SetText("")
		s.newKey.Show()
	case !office.IsBelenios(h):
		s.header.SetText(lang.L("This stick holds a Conclave ceremony key, not a Belenios trustee's: choose another file."))
		s.newKey.Hide()
	default:
		s.header.SetText(lang.L("This stick holds the Belenios key of {{.Name}} (trustee {{.N}}).", map[string]any{"Name": h.Name, "N": h.Member}))
		s.newKey.Hide()
	}
	if s.header.Text == "" {
		s.header.Hide() // no empty line above the buttons
	} else {
		s.header.Show()
	}
}

func (s *beleniosScreen) beleniosVersion() belenios.Version {
	v, err := belenios.ParseVersion(s.version.Selected)
	if err != nil {
		return belenios.V3_1
	}
	return v
}

func parseBeleniosCerts(data []byte) (any, string, error) {
	certs, err := belenios.ParseCerts(data)
	if err != nil {
		return nil, "", err
	}
	if _, err := belenios.CheckCerts(certs); err != nil {
		return nil, "", err
	}
	return certs, lang.N("{{.N}} certificates, each for its place and signed by its key", len(certs), map[string]any{"N": len(certs)}), nil
}

func parseBeleniosVinput(data []byte) (any, string, error) {
	v, err := belenios.ParseVinput(bytes.TrimSuffix(bytes.TrimSuffix(data, []byte("\n")), []byte("\r")))
	if err != nil {
		return nil, "", err
	}
	return v, lang.N("{{.N}} shares for you: each is checked when you press the button below", len(v.Secrets), map[string]any{"N": len(v.Secrets)}), nil
}

type verifiedArchive struct {
	a *belenios.Archive
	s *belenios.Summary
}

// verifyBeleniosArchive reads and verifies an archive (off the UI thread:
// every ballot's proofs are checked).
func verifyBeleniosArchive(data []byte) (any, string, error) {
	a, err := belenios.ReadArchive(bytes.NewReader(data))
	if err != nil {
		return nil, "", err
	}
	sum, err := belenios.VerifyArchive(a)
	if err != nil {
		return nil, "", err
	}
	return verifiedArchive{a, sum}, lang.L("the archive verifies: read it below before unlocking anything"), nil
}

// unlock opens the Belenios keystore (off the UI thread), holding its
// folder's lock as every member verb does (docs/cli.md, "Locks"); done
// closes the keystore and releases the lock.
func (s *beleniosScreen) unlock(path string, pass keystore.Passphrase) (t *office.BeleniosTrustee, done func(), err error) {
	if path == "" {
		return nil, nil, errors.New(lang.L("type or choose your keystore file first"))
	}
	l, err := folderlock.Acquire(filepath.Dir(path), "keystore")
	if err != nil {
		return nil, nil, err
	}
	if t, err = office.OpenBelenios(path, pass); err != nil {
		l.Release()
		return nil, nil, err
	}
	return t, func() { t.Close(); l.Release() }, nil
}

func (s *beleniosScreen) doKeygen() {
	s.checks.clear()
	path := s.path.path()
	if path == "" {
		s.fail(errors.New(lang.L("type or choose your keystore file first")))
		return
	}
	if _, err := os.Stat(path); err == nil {
		s.fail(errors.New(lang.L("a keystore already exists there: a keystore is never overwritten")))
		return
	}
	var ctx belenios.Context
	if !s.single.Checked {
		var err error
		if ctx, err = belenios.ParseContext(strings.TrimSpace(s.context.Text)); err != nil {
			s.fail(err)
			return
		}
	}
	name := strings.TrimSpace(s.name.Text)
	if s.pass.Text != s.confirm.Text {
		s.pass.SetText("")
		s.confirm.SetText("")
		s.fail(errors.New(lang.L("the two passphrases differ: type them again")))
		return
	}
	b := []byte(s.pass.Text)
	err := keystore.CheckPassphrase(b, name)
	clear(b)
	if err != nil {
		// A refused passphrase is typed anew: keep it nowhere.
		s.pass.SetText("")
		s.confirm.SetText("")
		s.fail(err)
		return
	}
	if !s.onDisk && errors.Is(office.CheckKeystoreLocation(path), office.ErrNotRemovable) {
		// The stick may not be mounted: ask before keys land on the PC,
		// as the member's screen does.
		dialog.ShowConfirm(lang.L("Keep the keys on this computer?"),
			lang.L("{{.Path}} is on this computer's own disk, not on a USB stick. The keys belong on the stick: plug it in and check that it is mounted. Make the keystore on this computer anyway?", map[string]any{"Path": path}),
			func(ok bool) {
				if ok {
					s.onDisk = true
					defer func() { s.onDisk = false }()
					s.doKeygen()
				}
			}, s.ui.win)
		return
	}
	s.confirm.SetText("")
	pass := takePassphrase(s.pass)
	var cert *belenios.Cert
	var pub *belenios.TrusteePublicKey
	single := s.single.Checked
	s.ui.run(lang.L("Making your key…"), func(c context.Context) error {
		defer pass.Destroy()
		l, err := folderlock.Acquire(filepath.Dir(path), "keystore")
		if err != nil {
			return err
		}
		defer l.Release()
		if single {
			t, p, err := office.BeleniosKeygenSingle(path, pass, name, s.ui.opts.KDF)
			if err != nil {
				return err
			}
			t.Close()
			pub = p
			return nil
		}
		t, cr, err := office.BeleniosKeygen(path, pass, name, ctx, s.ui.opts.KDF)
		if err != nil {
			return err
		}
		t.Close()
		cert = cr
		return nil
	}, func(err error) {
		s.inspect()
		if err != nil {
			s.fail(err)
			return
		}
		if single {
			id := belenios.SingleKeyID(pub.PublicKey)
			s.checks.add(true, lang.L("your new key (not shared out) is made and sealed in your keystore"))
			s.fp.set(lang.L("Key fingerprint"), belenios.SHA256B64([]byte(`"`+pub.PublicKey.String()+`"`)))
			s.steps.set("decrypt", nil)
			s.handOut(lang.L("Your public key"), id+".pubkey", belenios.Marshal(pub))
			return
		}
		s.checks.add(true, lang.L("your new key is made and sealed in your keystore"))
		s.checks.note(lang.L("Your certificate's identifier: {{.ID}}", map[string]any{"ID": cert.ID()}))
		s.fp.set(lang.L("Trustee fingerprint"), cert.Fingerprint())
		s.steps.set("shares for the others", nil)
		s.handOut(lang.L("Your certificate"), cert.ID()+".cert", belenios.Marshal(cert))
	})
}

// handOut offers a line (with belenios-tool's final newline).
func (s *beleniosScreen) handOut(kind, name string, line []byte) {
	if s.out.path.path() == "" {
		s.out.path.entry.SetText(filepath.Join(filepath.Dir(s.path.path()), name))
	}
	s.out.set(kind, name, append(bytes.Clone(line), '\n'))
}

func (s *beleniosScreen) doPolynomial() {
	s.checks.clear()
	s.out.hide()
	path, certs, v := s.path.path(), s.certs, s.beleniosVersion()
	pass := takePassphrase(s.pass)
	var p *belenios.Polynomial
	var index int
	s.ui.run(lang.L("Checking the certificates and making your shares for the others…"), func(c context.Context) error {
		defer pass.Destroy()
		t, done, err := s.unlock(path, pass)
		if err != nil {
			return err
		}
		defer done()
		index = t.Header().Member
		p, err = t.Polynomial(v, certs)
		return err
	}, func(err error) {
		if err != nil {
			s.fail(err)
			return
		}
		s.checks.add(true, lang.L("every certificate is for this election and signed by its trustee"))
		s.checks.add(true, lang.L("our certificate is number {{.N}}", map[string]any{"N": index}))
		for i, c := range certs {
			s.checks.note(fmt.Sprintf("%d: %s", i+1, c.Fingerprint()))
		}
		s.steps.set("check of the shares received", nil)
		s.handOut(lang.L("Your shares for the others (a .poly file, for the administrator)"), fmt.Sprintf("%d.poly", index), belenios.Marshal(p))
	})
}

func (s *beleniosScreen) doVoutput() {
	s.checks.clear()
	s.out.hide()
	path, certs, in, v := s.path.path(), s.certs, s.vinput, s.beleniosVersion()
	pass := takePassphrase(s.pass)
	var vo *belenios.Voutput
	var index int
	s.ui.run(lang.L("Checking the shares you received and sealing your key…"), func(c context.Context) error {
		defer pass.Destroy()
		t, done, err := s.unlock(path, pass)
		if err != nil {
			return err
		}
		defer done()
		index = t.Header().Member
		vo, err = t.Voutput(v, certs, in)
		return err
	}, func(err error) {
		if err != nil {
			s.fail(err)
			return
		}
		s.checks.add(true, lang.L("every trustee's public part is signed and matches their certificate"))
		s.checks.add(true, lang.L("every share you received is signed by its sender, meant for you, and matches its sender's public part"))
		s.checks.add(true, lang.L("your decryption key is sealed in your keystore"))
		s.fp.set(lang.L("Your verification key (the administrator sees the same)"), vo.PublicKey.PublicKey.String())
		s.steps.set("decrypt", nil)
		s.handOut(lang.L("Your check of the shares (a .voutput file, for the administrator)"), fmt.Sprintf("%d.voutput", index), belenios.Marshal(vo))
	})
}

// review shows the verified archive before anything is unlocked.
func (s *beleniosScreen) review(v any) {
	va := v.(verifiedArchive)
	s.archive, s.summary = va.a, va.s
	s.summaryLbl.SetText(lang.L("Election: {{.Name}} ({{.UUID}})\nBallots: {{.Ballots}} in the archive, {{.Tallied}} counted\nEvery ballot is signed and well formed, and the encrypted result is made of exactly the ballots counted.", map[string]any{
		"Name": s.summary.Name, "UUID": s.summary.UUID, "Ballots": s.summary.Ballots, "Tallied": s.summary.Tallied}))
	s.fp.set(lang.L("Fingerprint of the encrypted result"), s.summary.TallyFingerprint)
	s.agree.SetChecked(false)
	s.steps.set("decrypt", nil)
	s.checks.clear()
	s.out.hide()
}

func (s *beleniosScreen) doDecrypt() {
	if s.archive == nil || !s.agree.Checked {
		return
	}
	s.checks.clear()
	owner := 0
	if t := strings.TrimSpace(s.trusteeID.Text); t != "" {
		if _, err := fmt.Sscanf(t, "%d", &owner); err != nil || owner <= 0 || fmt.Sprint(owner) != t {
			s.fail(errors.New(lang.L("your trustee number is a whole number, e.g. 2")))
			return
		}
	}
	path, a, sum := s.path.path(), s.archive, s.summary
	pass := takePassphrase(s.pass)
	var d *office.BeleniosDecryption
	s.ui.run(lang.L("Unlocking your key and decrypting…"), func(c context.Context) error {
		defer pass.Destroy()
		t, done, err := s.unlock(path, pass)
		if err != nil {
			return err
		}
		defer done()
		d, err = t.Decrypt(a, sum, owner)
		return err
	}, func(err error) {
		if err != nil {
			s.fail(err)
			return
		}
		s.checks.add(true, lang.L("your partial decryption is made, with its proofs, as trustee {{.N}}", map[string]any{"N": d.Owner}))
		if s.out.path.path() == "" {
			s.out.path.entry.SetText(filepath.Join(filepath.Dir(path), fmt.Sprintf("partial-decryption-%d.txt", d.Owner)))
		}
		s.out.set(lang.L("Your partial decryption"), fmt.Sprintf("partial-decryption-%d.txt", d.Owner), d.Lines)
	})
}

// doCheck answers "do I still hold my key", against the archive when one
// was brought in.
func (s *beleniosScreen) doCheck() {
	s.checks.clear()
	path, a := s.path.path(), s.archive
	pass := takePassphrase(s.pass)
	var lines []ceremony.Text
	s.ui.run(lang.L("Checking…"), func(c context.Context) error {
		defer pass.Destroy()
		t, done, err := s.unlock(path, pass)
		if err != nil {
			return err
		}
		defer done()
		lines, err = t.Check(a)
		return err
	}, func(err error) {
		if err != nil {
			s.fail(err)
			return
		}
		for _, l := range lines {
			s.checks.add(true, say(l))
		}
	})
}

// fail shows a refusal and scrolls to it: the list is at the bottom of a
// long screen, out of view at 1024×600.
func (s *beleniosScreen) fail(err error) {
	s.checks.fail(err)
	s.ui.reveal(s.checks.box)
}
