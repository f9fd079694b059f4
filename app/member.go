package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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
		path:   ui.newPathField(lang.L("your keystore file, on your USB stick (e.g. /media/you/STICK/conclave.key)"), false, true),
		pass:   widget.NewPasswordEntry(),
		header: wrapped(""),
	}
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
		return
	}
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
}

func (ui *UI) newMemberScreen() *memberScreen {
	s := &memberScreen{ui: ui, ks: ui.newKeystoreFields(), name: widget.NewEntry(), confirm: widget.NewPasswordEntry(), checks: newCheckList(), fp: newFingerprint()}
	s.name.SetPlaceHolder(lang.L("your name, as the other members know you"))
	s.confirm.SetPlaceHolder(lang.L("the same passphrase again"))
	s.steps = newStepList(ceremony.Steps)
	s.steps.set(ceremony.StepEnrol, nil)
	s.in = ui.newBringIn(lang.L("Bring in the coordinator's file for this step"), intake{check: parseMessage, then: s.answer})
	s.out = ui.newHandOut()
	s.newKey = container.NewVBox(
		wrapped(lang.L("First step only: a new keystore is made on your stick. Choose a passphrase of four or more unrelated words; nobody can recover it for you.")),
		widget.NewForm(widget.NewFormItem(lang.L("Your name"), s.name), widget.NewFormItem(lang.L("Passphrase again"), s.confirm)))
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
		s.ks.header, s.newKey, widget.NewSeparator(), s.in.box, bold(lang.L("What was checked")), s.checks.box, s.fp.box, s.out.box))
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
	if err := s.begin(v.(*ceremony.Envelope)); err != nil {
		s.checks.fail(err)
	}
}

func (s *memberScreen) begin(msg *ceremony.Envelope) error {
	path := s.ks.path.path()
	if path == "" {
		return errors.New(lang.L("type or choose your keystore file first"))
	}
	_, statErr := os.Stat(path)
	creating := errors.Is(statErr, os.ErrNotExist)
	if creating && msg.Kind != ceremony.KindCall {
		return errors.New(lang.L("there is no keystore at this path; a new one is made only from the coordinator's call"))
	}
	name := strings.TrimSpace(s.name.Text)
	if creating {
		if name == "" {
			return errors.New(lang.L("type your name first"))
		}
		if s.ks.pass.Text != s.confirm.Text {
			s.ks.pass.SetText("")
			s.confirm.SetText("")
			return errors.New(lang.L("the two passphrases differ: type them again"))
		}
		if err := keystore.CheckPassphrase([]byte(s.ks.pass.Text), name); err != nil {
			return err
		}
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
				Checks: []string{lang.L("new keys made and sealed in your keystore")}, Note: lang.L("hand your card to the coordinator")}
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
			var ex *ceremony.ExcludedError
			if errors.As(err, &ex) && ex.Outcome != nil {
				s.showQual(ex.Outcome)
				s.steps.set(ex.Outcome.Step, map[string]bool{ex.Outcome.Step: true})
			}
			s.checks.fail(err)
			return
		}
		s.show(out)
	})
	return nil
}

// showQual lists QUAL and every exclusion with its reason, once QUAL is
// fixed (the open, recover and confirm steps); the member's own exclusion
// comes first, in plain words.
func (s *memberScreen) showQual(out *ceremony.Outcome) {
	if len(out.Qualified) == 0 && len(out.Excluded) == 0 {
		return
	}
	if out.SelfExcluded {
		s.checks.add(false, lang.L("You are not in the qualified set: you hold no share of this election key. The others go on without your contribution."))
	}
	var qual []string
	for _, j := range out.Qualified {
		qual = append(qual, fmt.Sprint(j))
	}
	s.checks.add(true, lang.L("Qualified members: {{.List}}", map[string]any{"List": strings.Join(qual, ", ")}))
	for _, x := range out.Excluded {
		s.checks.add(false, lang.L("Excluded: {{.Member}}, because it {{.Reason}}", map[string]any{"Member": localize(x.Label), "Reason": localize(x.Reason)}))
	}
	for _, j := range out.Recovered {
		s.checks.add(true, lang.L("Member {{.N}} did not open its commitments: its part of the key is rebuilt from the others' shares, not dropped", map[string]any{"N": j}))
	}
}

func (s *memberScreen) show(out *ceremony.Outcome) {
	s.showQual(out)
	for _, c := range out.Checks {
		if strings.Contains(c, " is disqualified: ") {
			continue // listed by showQual
		}
		s.checks.add(!strings.HasPrefix(c, "FAILED"), c)
	}
	s.checks.note(out.Note)
	what := lang.L("Ceremony fingerprint")
	if out.Step == ceremony.StepEnrol {
		what = lang.L("Call fingerprint")
	}
	s.fp.set(what, out.Fingerprint)
	s.steps.set(out.Step, nil)
	s.newKey.Hide()
	if out.Out != nil {
		name := fmt.Sprintf("%s-%s.cbor", out.Out.Kind, strings.ReplaceAll(out.Out.ID().Fingerprint(), "-", "")[:8])
		if dir := filepath.Dir(s.ks.path.path()); s.out.path.path() == "" {
			s.out.path.entry.SetText(filepath.Join(dir, name))
		}
		s.out.set(lang.L("Your {{.Kind}}", map[string]any{"Kind": string(out.Out.Kind)}), name, out.Out.Bytes())
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
	s.unlocked = container.NewVBox(s.agree,
		widget.NewForm(widget.NewFormItem(lang.L("Keystore"), s.ks.path.box), widget.NewFormItem(lang.L("Passphrase"), s.ks.pass)),
		s.ks.header, s.decrypt)
	s.unlocked.Hide()
	s.content = container.NewVScroll(container.NewVBox(s.steps.box,
		wrapped(lang.L("Nothing is unlocked until you have seen the request and confirmed it.")),
		s.in.box, s.summary, s.fp.box, s.unlocked, s.checks.box, s.out.box))
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
	if time.Now().Before(closeAt) {
		state = lang.L("the poll is NOT closed yet: nothing can be decrypted before the close of poll")
	}
	s.summary.SetText(lang.L("Request {{.Label}} ({{.Kind}})\nCeremony: {{.Ceremony}}\nClose of poll: {{.Close}} — {{.State}}\nCiphertexts: {{.N}}, fingerprint {{.CT}}", map[string]any{
		"Label": sum.Label, "Kind": sum.Kind, "Ceremony": sum.Ceremony.Fingerprint(), "Close": closeAt.Local().Format("2006-01-02 15:04"),
		"State": state, "N": sum.Ciphertexts, "CT": sum.Hash.Fingerprint()}))
	s.fp.set(lang.L("Request fingerprint"), sum.ID.Fingerprint())
	s.agree.SetChecked(false)
	s.unlocked.Show()
	s.steps.set("confirm", nil)
	s.checks.clear()
	s.out.hide()
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
		if s.out.path.path() == "" {
			s.out.path.entry.SetText(filepath.Join(filepath.Dir(path), name))
		}
		s.out.set(lang.L("Your partial decryption"), name, ans.Bytes())
	})
}
