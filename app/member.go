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
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"conclave/app/office"
	"conclave/ceremony"
	"conclave/internal/folderlock"
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
	k.path.suggest = "conclave.key"
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
	// onDisk is set once the person has agreed to make the keystore on
	// the computer's own disk (office.CheckKeystoreLocation).
	onDisk  bool
	ks      *keystoreFields
	name    *widget.Entry
	confirm *widget.Entry
	newKey  *fyne.Container
	steps   *stepList
	in      *bringIn
	checks  *checkList
	fp      *fingerprint
	out     *handOut

	// terms shows what a call or manifest binds the member to; pending is
	// that message, answered once the member confirmed it.
	terms   *termsPanel
	pending *ceremony.Envelope
	// card is the member's own card fingerprint, shown large at enrolment;
	// minutes are the fingerprints to write in the minutes at the end.
	card                *fingerprint
	minutes             *fyne.Container
	minCeremony, minKey *fingerprint
	cardFP              string
	minutesFP           [2]string
	backup              *backupPrompt
}

func (ui *UI) newMemberScreen() *memberScreen {
	s := &memberScreen{ui: ui, ks: ui.newKeystoreFields(), name: widget.NewEntry(), confirm: widget.NewPasswordEntry(), checks: newDetailedCheckList(), fp: newFingerprint(),
		card: newFingerprint(), minCeremony: newFingerprint(), minKey: newFingerprint()}
	s.terms = newTermsPanel(func(acc office.Acceptance) {
		if msg := s.pending; msg != nil {
			s.pending = nil
			s.start(msg, acc)
		}
	})
	s.minutes = container.NewVBox(widget.NewSeparator(), bold(lang.L("For the minutes: write these two fingerprints down, and check them with the other members")), s.minCeremony.box, s.minKey.box)
	s.minutes.Hide()
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
		s.ks.header, s.newKey, widget.NewSeparator(), s.in.box, s.terms.box, bold(lang.L("What was checked")), s.checks.box, s.fp.box, s.card.box, s.out.box, s.minutes, s.backup.box))
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
	s.terms.hide()
	msg := v.(*ceremony.Envelope)
	_, statErr := os.Stat(s.ks.path.path())
	creating := s.ks.path.path() != "" && errors.Is(statErr, os.ErrNotExist)
	if (creating && msg.Kind == ceremony.KindCall) || msg.Kind == ceremony.KindManifest {
		// Nothing is made before the member has read and confirmed the terms.
		terms, err := office.ReadTerms(msg, time.Now())
		if err != nil {
			s.checks.fail(err)
			return
		}
		s.pending = msg
		s.out.hide()
		s.terms.show(terms)
		s.ui.reveal(s.terms.box) // at 1024×600 it opens below the fold
		return
	}
	s.start(msg, office.Acceptance{})
}

// start answers msg (with acc, the member's confirmation of its terms); on
// a refusal the message, perhaps scanned from many QR codes, is kept: fill
// in what is missing and continue, without scanning again.
func (s *memberScreen) start(msg *ceremony.Envelope, acc office.Acceptance) {
	if err := s.begin(msg, acc); err != nil {
		s.checks.fail(err)
		s.checks.action(lang.L("Continue with the file already brought in"), theme.MediaPlayIcon(), func() {
			if acc == (office.Acceptance{}) {
				s.answer(msg) // the terms are shown first, if it has any
			} else {
				s.start(msg, acc)
			}
		})
		s.ui.reveal(s.checks.box)
	}
}

// begin answers msg; acc is the member's confirmation of its terms (for a
// call or a manifest).
func (s *memberScreen) begin(msg *ceremony.Envelope, acc office.Acceptance) error {
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
		} else {
			b := []byte(s.ks.pass.Text)
			err := keystore.CheckPassphrase(b, name)
			clear(b)
			if err != nil {
				// A refused passphrase is typed anew: keep it nowhere.
				s.ks.pass.SetText("")
				s.confirm.SetText("")
				ps = append(ps, err)
			}
		}
	}
	if len(ps) > 0 {
		return ps
	}
	if creating && !s.onDisk && errors.Is(office.CheckKeystoreLocation(path), office.ErrNotRemovable) {
		// The stick may not be mounted: ask before keys land on the PC.
		dialog.ShowConfirm(lang.L("Keep the keys on this computer?"),
			lang.L("{{.Path}} is on this computer's own disk, not on a USB stick. The keys belong on the stick: plug it in and check that it is mounted. Make the keystore on this computer anyway?", map[string]any{"Path": path}),
			func(ok bool) {
				if !ok {
					return
				}
				s.onDisk = true
				defer func() { s.onDisk = false }()
				s.start(msg, acc)
			}, s.ui.win)
		return nil
	}
	if creating {
		s.confirm.SetText("")
	}
	pass := takePassphrase(s.ks.pass)
	s.checks.clear()
	s.out.hide()
	s.cardFP, s.minutesFP = "", [2]string{}
	var out *ceremony.Outcome
	s.ui.run(lang.L("Unlocking your keystore and checking…"), func(ctx context.Context) error {
		defer pass.Destroy()
		if err := ctx.Err(); err != nil {
			return err
		}
		// Held while the keystore is read, changed and sealed again, so a
		// second run (here or on the command line) cannot deal twice.
		l, err := folderlock.Acquire(filepath.Dir(path), "keystore")
		if err != nil {
			return err
		}
		defer l.Release()
		if creating {
			m, card, err := office.Enrol(path, pass, name, msg, acc, s.ui.opts.KDF)
			if err != nil {
				return err
			}
			callID := m.Header().Ceremony // the call ID, until the manifest
			s.cardFP = card.ID().Fingerprint()
			m.Close()
			out = &ceremony.Outcome{Step: ceremony.StepEnrol, Out: card, Fingerprint: ceremony.Fingerprint(callID),
				// Words of the application, already in the member's language.
				Checks: []ceremony.Text{{Format: lang.L("new keys made and sealed in your keystore")}}, Note: ceremony.Text{Format: lang.L("hand your registration to the coordinator")}}
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
		if msg.Kind == ceremony.KindManifest {
			if err := m.Confirm(acc); err != nil {
				return err
			}
		}
		if out, err = m.Step(msg); err != nil {
			return err
		}
		if c, k, ok, err := m.Minutes(); err == nil && ok {
			s.minutesFP = [2]string{c, k}
		}
		return nil
	}, func(err error) {
		s.ks.inspect()
		if err != nil {
			var ex *ceremony.ExcludedError
			if errors.As(err, &ex) && ex.Outcome != nil {
				s.showQual(ex.Outcome)
				s.showRoom(ex.Outcome)
				s.steps.set(ex.Outcome.Step, map[string]bool{ex.Outcome.Step: true})
			}
			s.checks.fail(err)
			s.ui.reveal(s.checks.box)
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
	s.checks.inform(false, lang.L("Qualified members: {{.List}}", map[string]any{"List": strings.Join(qual, ", ")}))
	for _, x := range out.Excluded {
		s.checks.inform(true, lang.L("Excluded: {{.Member}}, because it {{.Reason}}", map[string]any{"Member": say(x.Label), "Reason": say(x.Reason)}))
	}
	for _, j := range out.Recovered {
		s.checks.inform(false, lang.L("Member {{.N}} did not open its commitments: its part of the key is rebuilt from the others' shares, not dropped", map[string]any{"N": j}))
	}
}

// showRoom shows large the one fingerprint the room compares after this
// step; the board shows the same one at the same moment (office.MemberRoom).
func (s *memberScreen) showRoom(out *ceremony.Outcome) {
	r := office.MemberRoom(out)
	s.fp.set(roomLabel(r), r.Fingerprint)
}

func (s *memberScreen) show(out *ceremony.Outcome) {
	s.showQual(out)
	for _, c := range out.Checks {
		if c.Format == "%s is disqualified: %s" {
			continue // listed by showQual
		}
		s.checks.add(!strings.HasPrefix(c.Format, "FAILED"), say(c))
	}
	note := say(out.Note)
	if out.Transcript != "" && out.Out != nil && out.Out.Kind == ceremony.KindConfirm {
		// The transcript fingerprint is the large one below: not twice.
		note = lang.L("hand your confirmation to the coordinator")
	}
	s.checks.note(note)
	s.showRoom(out)
	if s.cardFP != "" {
		s.card.set("", s.cardFP)
		s.card.what.SetText(lang.L("Your registration fingerprint: read it aloud, and write it in the minutes beside your name"))
	} else {
		s.card.box.Hide()
	}
	if s.minutesFP[0] != "" {
		s.minCeremony.set("", s.minutesFP[0])
		s.minCeremony.what.SetText(lang.L("Ceremony fingerprint"))
		s.minKey.set("", s.minutesFP[1])
		s.minKey.what.SetText(lang.L("Election key fingerprint"))
		s.minutes.Show()
	} else {
		s.minutes.Hide()
	}
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
	request  *office.MemberRequest // read whole, or in chunks from its file (then open until replaced)
	steps    *stepList
	unlocked fyne.CanvasObject

	// ballots is the published ballots file (optional): a tally is then
	// recomputed and any other request refused.
	ballots *pathField
	// history shows the keystore's log of answered requests once it is
	// open; again decrypts after the member saw it; opened is the keystore
	// held open between the two.
	history *widget.Label
	again   *widget.Button
	opened  *office.Member
}

func (ui *UI) newDecryptScreen() *decryptScreen {
	s := &decryptScreen{ui: ui, summary: wrapped(""), fp: newFingerprint(), ks: ui.newKeystoreFields(), checks: newCheckList()}
	s.steps = newStepList([]string{"request", "confirm", "decrypt", "hand out"})
	s.steps.set("request", nil)
	s.in = ui.newBringIn(lang.L("Bring in the decryption request"), intake{check: summarizeRequest, large: readLargeRequest, then: s.review})
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
	s.ballots = ui.newPathField(lang.L("the published ballots file (optional): then only their whole tally is decrypted"), false, false)
	s.history = wrapped("")
	s.history.Hide()
	s.again = widget.NewButtonWithIcon(lang.L("I have read what I already answered: decrypt this request too"), theme.ConfirmIcon(), func() {
		if m := s.opened; m != nil {
			s.opened = nil
			s.again.Hide()
			s.finish(m)
		}
	})
	s.again.Hide()
	s.out.keyStick = s.ks.path.path
	s.unlocked = container.NewVBox(wrapCheck(s.agree),
		widget.NewForm(widget.NewFormItem(lang.L("Published ballots"), s.ballots.box),
			widget.NewFormItem(lang.L("Keystore"), s.ks.path.box), widget.NewFormItem(lang.L("Passphrase"), s.ks.pass)),
		s.ks.header, s.decrypt, s.history, s.again)
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
	return &office.MemberRequest{Envelope: msg, Summary: sum}, lang.L("a decryption request: read it below before unlocking anything"), nil
}

// readLargeRequest checks a request file too large to read whole (above
// office.StreamAbove) in chunks from the file, which stays open for the
// answer (office.ReadRequest, docs/performance.md).
func readLargeRequest(path string) (any, string, error) {
	req, err := office.ReadRequest(path)
	if err != nil {
		return nil, "", err
	}
	return req, lang.L("a decryption request: read it below before unlocking anything"), nil
}

// review shows the request before anything is unlocked.
func (s *decryptScreen) review(v any) {
	req := v.(*office.MemberRequest)
	sum := req.Summary
	if s.request != nil && s.request != req {
		s.request.Close()
	}
	s.request = req
	s.closeOpened()
	closeAt := time.Unix(sum.Close, 0)
	state := lang.L("the poll is closed")
	early := time.Now().Before(closeAt)
	if early {
		state = lang.L("the poll is NOT closed yet: nothing can be decrypted before the close of poll")
	}
	ballots := lang.L("each ciphertext is decrypted on its own (shuffled ballots)")
	if sum.Kind == ceremony.RequestTally {
		ballots = lang.L("the request states that it sums {{.N}} ballots", map[string]any{"N": sum.Bound})
	}
	s.summary.SetText(lang.L("Request {{.Label}} ({{.Kind}})\nCeremony: {{.Ceremony}}\nClose of poll: {{.Close}} — {{.State}}\nCiphertexts: {{.N}}, fingerprint {{.CT}}", map[string]any{
		"Label": sum.Label, "Kind": sum.Kind, "Ceremony": sum.Ceremony.Fingerprint(), "Close": closeText(closeAt),
		"State": state, "N": sum.Ciphertexts, "CT": sum.Hash.Fingerprint()}) + "\n" + ballots)
	s.fp.set(lang.L("Request fingerprint"), sum.ID.Fingerprint())
	s.agree.SetChecked(false)
	s.unlocked.Show()
	s.steps.set("confirm", nil)
	s.checks.clear()
	s.out.hide()
	s.waitForClose(req, closeAt, early)
}

// closeOpened wipes a keystore left open between showing its log and
// decrypting.
func (s *decryptScreen) closeOpened() {
	if s.opened != nil {
		s.opened.Close()
		s.opened = nil
	}
	s.again.Hide()
	s.history.Hide()
}

// doDecrypt checks the request against the published ballots (if given),
// opens the keystore and shows what it already answered; the share is
// used only after that (at once when the log is empty, else once the
// member confirmed again).
func (s *decryptScreen) doDecrypt() {
	if s.request == nil || !s.agree.Checked {
		return
	}
	s.closeOpened()
	path := s.ks.path.path()
	pass := takePassphrase(s.ks.pass)
	req := s.request
	ballotsPath := s.ballots.path()
	var m *office.Member
	var log []ceremony.AnsweredRequest
	var nBallots int
	s.checks.clear()
	s.ui.run(lang.L("Unlocking your key…"), func(ctx context.Context) error {
		defer pass.Destroy()
		l, err := folderlock.Acquire(filepath.Dir(path), "keystore")
		if err != nil {
			return err
		}
		defer l.Release()
		if ballotsPath != "" {
			if nBallots, err = office.CheckTallyFile(req, ballotsPath); err != nil {
				return err
			}
		}
		h, err := office.InspectMember(path)
		if err != nil {
			return err
		}
		if err := h.CheckCeremony(req.Summary.Ceremony[:]); err != nil {
			return err
		}
		if m, err = office.OpenMember(path, pass); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			m.Close()
			return err
		}
		if log, err = m.Answered(); err != nil {
			m.Close()
			return err
		}
		return nil
	}, func(err error) {
		if err != nil {
			s.checks.fail(err)
			return
		}
		if nBallots > 0 {
			s.checks.add(true, lang.L("the request is the sum of all {{.N}} published ballots", map[string]any{"N": nBallots}))
		}
		s.history.SetText(historyText(log))
		s.history.Show()
		if len(log) > 0 {
			s.opened = m
			s.again.Show()
			return
		}
		s.finish(m)
	})
}

// finish makes the partial decryption with the open keystore m, and closes it.
func (s *decryptScreen) finish(m *office.Member) {
	req := s.request
	var ans *ceremony.Envelope
	s.ui.run(lang.L("Unlocking your key and decrypting…"), func(ctx context.Context) error {
		defer m.Close()
		if err := ctx.Err(); err != nil {
			return err
		}
		var err error
		ans, err = m.DecryptRequest(req, time.Now())
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
