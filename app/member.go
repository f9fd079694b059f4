package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"conclave/app/office"
	"conclave/ceremony"
	"conclave/keystore"
)

// takePassphrase moves a passphrase out of its entry into protected
// memory and clears the entry at once.
func takePassphrase(e *widget.Entry) keystore.Passphrase {
	p := keystore.NewPassphrase([]byte(e.Text))
	e.SetText("")
	return p
}

// keystoreFields are the keystore file and its passphrase.
type keystoreFields struct {
	path   *pathField
	pass   *widget.Entry
	header *widget.Label
	// onInspect is told whether the path holds a keystore (the member
	// screen hides the new-keystore fields when it does).
	onInspect func(exists bool)
}

func (ui *UI) newKeystoreFields() *keystoreFields {
	k := &keystoreFields{
		path:   ui.newPathField(lang.L("your keystore file, on your key stick (e.g. /media/you/KEY/conclave.key)"), false, false),
		pass:   widget.NewPasswordEntry(),
		header: wrapped(""),
	}
	k.header.Hide()
	k.pass.SetPlaceHolder(lang.L("passphrase"))
	k.path.entry.OnChanged = func(string) { k.inspect() }
	return k
}

// inspect shows whose key the file holds, without the passphrase.
func (k *keystoreFields) inspect() {
	h, err := office.InspectMember(k.path.path())
	if k.onInspect != nil {
		k.onInspect(err == nil)
	}
	if err != nil {
		k.header.SetText("")
		k.header.Hide() // no empty gap in the form
		return
	}
	k.header.Show()
	member := lang.L("not yet numbered")
	if h.Member > 0 {
		member = fmt.Sprint(h.Member)
	}
	k.header.SetText(lang.L("This stick holds the key of {{.Name}} (member {{.N}}) for ceremony {{.FP}}.", map[string]any{"Name": h.Name, "N": member, "FP": ceremony.Fingerprint(h.Ceremony)}))
}

// memberScreen is "join a ceremony": the member answers each step the
// coordinator hands out.
type memberScreen struct {
	ui      *UI
	content fyne.CanvasObject
	ks      *keystoreFields
	name    *widget.Entry
	confirm *widget.Entry
	newKey  *fyne.Container
	steps   *stepList
	in      *bringIn
	checks  *checkList
	fp      *fingerprint
	out     *handOut
	backup  *backupPrompt
}

func (ui *UI) newMemberScreen() *memberScreen {
	s := &memberScreen{ui: ui, ks: ui.newKeystoreFields(), name: widget.NewEntry(), confirm: widget.NewPasswordEntry(), checks: newDetailedCheckList(), fp: newFingerprint()}
	s.name.SetPlaceHolder(lang.L("your name, as the other members know you"))
	s.confirm.SetPlaceHolder(lang.L("the same passphrase again"))
	s.steps = newStepList(ceremony.Steps)
	s.steps.set(ceremony.StepEnrol, nil)
	s.in = ui.newBringIn(lang.L("Bring in the coordinator's file for this step"), intake{check: parseMessage, then: s.answer})
	s.out = ui.newHandOut()
	s.out.keyStick = s.ks.path.path
	s.out.onSaved = func() { s.steps.handIn(true) }
	s.backup = ui.newBackupPrompt(s.ks.path.path)
	s.ks.path.allowNew(lang.L("New keystore…"))
	s.newKey = container.NewVBox(
		wrapped(lang.L("First step only: a new keystore is made on your stick. Choose a passphrase of four or more unrelated words; nobody can recover it for you.")),
		widget.NewForm(widget.NewFormItem(lang.L("Your name"), s.name), widget.NewFormItem(lang.L("Passphrase again"), s.confirm)))
	next := func(f fyne.Focusable) func(string) { return func(string) { ui.win.Canvas().Focus(f) } }
	s.ks.path.entry.OnSubmitted = next(s.ks.pass)
	s.ks.pass.OnSubmitted = func(string) {
		if s.newKey.Visible() {
			ui.win.Canvas().Focus(s.name)
		} else {
			ui.win.Canvas().Focus(s.in.path.entry)
		}
	}
	s.name.OnSubmitted = next(s.confirm)
	s.confirm.OnSubmitted = next(s.in.path.entry)
	s.ks.onInspect = func(exists bool) {
		if exists {
			s.newKey.Hide()
		} else {
			s.newKey.Show()
		}
	}
	s.content = container.NewVScroll(container.NewVBox(
		s.steps.box,
		widget.NewForm(widget.NewFormItem(lang.L("Keystore"), s.ks.path.box), widget.NewFormItem(lang.L("Passphrase"), s.ks.pass)),
		s.ks.header, s.newKey, widget.NewSeparator(), s.in.box, bold(lang.L("What was checked")), s.checks.box, s.fp.box, s.out.box, s.backup.box))
	return s
}

func (ui *UI) openMember() {
	if ui.member == nil {
		ui.member = ui.newMemberScreen()
	}
	ui.showFocus(lang.L("Join a ceremony"), ui.member.content, ui.member.ks.path.entry)
}

// parseMessage reads a message brought in (off the UI thread).
func parseMessage(data []byte) (any, string, error) {
	msg, err := ceremony.ParseEnvelope(data)
	if err != nil {
		return nil, "", err
	}
	return msg, lang.L("received: {{.Kind}}", map[string]any{"Kind": describeKind(msg)}), nil
}

// answer answers the coordinator's message: it unlocks the keystore (or
// makes it, for a call), checks everything and prepares the answer.
func (s *memberScreen) answer(v any) {
	s.checks.clear()
	msg := v.(*ceremony.Envelope)
	if err := s.begin(msg); err != nil {
		// The message (perhaps scanned from many QR codes) is kept: fill
		// in what is missing and continue, without scanning again.
		s.checks.fail(err)
		s.checks.action(lang.L("Continue with the file already brought in"), theme.MediaPlayIcon(), func() { s.answer(msg) })
		s.ui.reveal(s.checks.box)
	}
}

func (s *memberScreen) begin(msg *ceremony.Envelope) error {
	// Every problem of the form is shown at once, not one per attempt.
	var ps problems
	path := s.ks.path.path()
	creating := s.newKey.Visible()
	if path == "" {
		ps = append(ps, errors.New(lang.L("type or choose your keystore file first")))
	} else {
		_, statErr := os.Stat(path)
		creating = errors.Is(statErr, os.ErrNotExist)
		if creating && msg.Kind != ceremony.KindCall {
			return errors.New(lang.L("there is no keystore at this path; a new one is made only from the coordinator's call"))
		}
	}
	name := strings.TrimSpace(s.name.Text)
	if creating {
		if name == "" {
			ps = append(ps, errors.New(lang.L("type your name first")))
		}
		if s.ks.pass.Text != s.confirm.Text {
			s.ks.pass.SetText("")
			s.confirm.SetText("")
			ps = append(ps, errors.New(lang.L("the two passphrases differ: type them again")))
		} else if err := keystore.CheckPassphrase([]byte(s.ks.pass.Text), name); err != nil {
			ps = append(ps, err)
		}
	}
	if len(ps) > 0 {
		return ps
	}
	if creating {
		s.confirm.SetText("")
	}
	pass := takePassphrase(s.ks.pass)
	s.checks.clear()
	s.out.hide()
	var out *ceremony.Outcome
	s.ui.run(lang.L("Unlocking your keystore and checking…"), func(ctx context.Context) error {
		defer pass.Destroy()
		if err := ctx.Err(); err != nil {
			return err
		}
		if creating {
			m, card, err := office.Enrol(path, pass, name, msg, s.ui.opts.KDF)
			if err != nil {
				return err
			}
			callID := m.Header().Ceremony // the call ID, until the manifest
			m.Close()
			out = &ceremony.Outcome{Step: ceremony.StepEnrol, Out: card, Fingerprint: ceremony.Fingerprint(callID),
				Checks: []string{lang.L("new keys made and sealed in your keystore")}, Note: lang.L("hand your registration to the coordinator")}
			return nil
		}
		m, err := office.OpenMember(path, pass)
		if err != nil {
			return err
		}
		defer m.Close()
		if err := ctx.Err(); err != nil {
			return err
		}
		out, err = m.Step(msg)
		return err
	}, func(err error) {
		s.ks.inspect()
		if err != nil {
			s.checks.fail(err)
			s.ui.reveal(s.checks.box)
			return
		}
		s.show(out)
	})
	return nil
}

func (s *memberScreen) show(out *ceremony.Outcome) {
	for _, c := range out.Checks {
		s.checks.add(!strings.HasPrefix(c, "FAILED"), c)
	}
	s.checks.note(out.Note)
	what := lang.L("Ceremony fingerprint")
	if out.Step == ceremony.StepEnrol {
		what = lang.L("Call fingerprint")
	}
	s.fp.set(what, out.Fingerprint)
	s.steps.handedIn = false
	s.steps.set(out.Step, nil)
	s.newKey.Hide()
	if out.Out != nil {
		name := fmt.Sprintf("%s-%s.cbor", out.Out.Kind, strings.ReplaceAll(out.Out.ID().Fingerprint(), "-", "")[:8])
		s.out.set(kindName(out.Out.Kind), name, out.Out.Bytes())
	}
	if out.Step == ceremony.StepEnrol {
		s.backup.show() // the backup, right at the end of the enrolment
	} else {
		s.backup.box.Hide()
	}
}

// decryptScreen is "decrypt": a member sees the request before unlocking
// anything, confirms, then makes the partial decryption.
type decryptScreen struct {
	ui       *UI
	content  fyne.CanvasObject
	in       *bringIn
	summary  *widget.Label
	fp       *fingerprint
	agree    *widget.Check
	ks       *keystoreFields
	decrypt  *widget.Button
	checks   *checkList
	out      *handOut
	request  *ceremony.Envelope
	steps    *stepList
	unlocked fyne.CanvasObject
}

func (ui *UI) newDecryptScreen() *decryptScreen {
	s := &decryptScreen{ui: ui, summary: wrapped(""), fp: newFingerprint(), ks: ui.newKeystoreFields(), checks: newCheckList()}
	s.steps = newStepList([]string{"request", "confirm", "decrypt", "hand out"})
	s.steps.set("request", nil)
	s.in = ui.newBringIn(lang.L("Bring in the decryption request"), intake{check: summarizeRequest, then: s.review})
	s.agree = widget.NewCheck(lang.L("I compared the fingerprints with the published ones, and the poll is closed"), func(on bool) {
		if on {
			s.decrypt.Enable()
			s.steps.set("decrypt", nil)
		} else {
			s.decrypt.Disable()
		}
	})
	s.decrypt = widget.NewButtonWithIcon(lang.L("Unlock my key and decrypt"), theme.ConfirmIcon(), s.doDecrypt)
	s.decrypt.Disable()
	s.out = ui.newHandOut()
	s.out.keyStick = s.ks.path.path
	s.unlocked = container.NewVBox(s.agree,
		widget.NewForm(widget.NewFormItem(lang.L("Keystore"), s.ks.path.box), widget.NewFormItem(lang.L("Passphrase"), s.ks.pass)),
		s.ks.header, s.decrypt)
	s.unlocked.Hide()
	s.content = container.NewVScroll(container.NewVBox(s.steps.box,
		wrapped(lang.L("Nothing is unlocked until you have seen the request and confirmed it.")),
		s.in.box, s.summary, s.fp.box, s.unlocked, s.checks.box, s.out.box))
	s.wireKeys()
	return s
}

func (ui *UI) openDecrypt() {
	if ui.decrypt == nil {
		ui.decrypt = ui.newDecryptScreen()
	}
	ui.showFocus(lang.L("Decrypt"), ui.decrypt.content, ui.decrypt.in.path.entry)
}

type summarized struct {
	msg *ceremony.Envelope
	sum ceremony.RequestSummary
}

// summarizeRequest checks a request brought in (off the UI thread: every
// ciphertext is decoded).
func summarizeRequest(data []byte) (any, string, error) {
	msg, err := ceremony.ParseEnvelope(data)
	if err != nil {
		return nil, "", err
	}
	sum, err := ceremony.Summarize(msg)
	if err != nil {
		return nil, "", err
	}
	return summarized{msg, sum}, lang.L("a decryption request: read it below before unlocking anything"), nil
}

// review shows the request before anything is unlocked.
func (s *decryptScreen) review(v any) {
	msg, sum := v.(summarized).msg, v.(summarized).sum
	s.request = msg
	closeAt := time.Unix(sum.Close, 0)
	state := lang.L("the poll is closed")
	early := time.Now().Before(closeAt)
	if early {
		state = lang.L("the poll is NOT closed yet: nothing can be decrypted before the close of poll")
	}
	s.summary.SetText(lang.L("Request {{.Label}} ({{.Kind}})\nCeremony: {{.Ceremony}}\nClose of poll: {{.Close}} — {{.State}}\nCiphertexts: {{.N}}, fingerprint {{.CT}}", map[string]any{
		"Label": sum.Label, "Kind": sum.Kind, "Ceremony": sum.Ceremony.Fingerprint(), "Close": localTime(closeAt),
		"State": state, "N": sum.Ciphertexts, "CT": sum.Hash.Fingerprint()}))
	s.fp.set(lang.L("Request fingerprint"), sum.ID.Fingerprint())
	s.agree.SetChecked(false)
	s.unlocked.Show()
	s.steps.set("confirm", nil)
	s.checks.clear()
	s.out.hide()
	s.waitForClose(msg, closeAt, early)
}

func (s *decryptScreen) doDecrypt() {
	if s.request == nil || !s.agree.Checked {
		return
	}
	path := s.ks.path.path()
	pass := takePassphrase(s.ks.pass)
	req := s.request
	var ans *ceremony.Envelope
	s.checks.clear()
	s.ui.run(lang.L("Unlocking your key and decrypting…"), func(ctx context.Context) error {
		defer pass.Destroy()
		h, err := office.InspectMember(path)
		if err != nil {
			return err
		}
		sum, _ := ceremony.Summarize(req)
		if err := h.CheckCeremony(sum.Ceremony[:]); err != nil {
			return err
		}
		m, err := office.OpenMember(path, pass)
		if err != nil {
			return err
		}
		defer m.Close()
		if err := ctx.Err(); err != nil {
			return err
		}
		ans, err = m.Decrypt(req, time.Now())
		return err
	}, func(err error) {
		if err != nil {
			s.checks.fail(err)
			return
		}
		s.checks.add(true, lang.L("your partial decryption is made, with its proof, and signed"))
		s.steps.set("hand out", nil)
		name := fmt.Sprintf("answer-member%02d.cbor", ans.Sender)
		s.out.set(lang.L("Your partial decryption"), name, ans.Bytes())
	})
}
