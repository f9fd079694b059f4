package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"conclave/app/office"
	"conclave/ceremony"
	"conclave/internal/folderlock"
	"conclave/internal/safefile"
)

// boardScreen is the coordinator's: it creates or opens a board, shows
// who sent what, takes members' messages in and hands out the next step;
// in count mode it prepares the decryption request, gathers the answers
// and publishes the result.
type boardScreen struct {
	ui *UI
	b  *office.Board
	// lock holds the open board's folder while the screen works on it, so
	// that a command-line run cannot change it underneath (folderlock).
	lock *folderlock.Lock

	setup, count, boardView fyne.CanvasObject

	// setup
	dir                                *pathField
	title, members, threshold, closeAt *widget.Entry
	pq                                 *widget.Check
	understand                         *widget.Check
	create, open                       *widget.Button

	// the board
	heading *widget.Label
	steps   *stepList
	fp      *fingerprint
	table   *fyne.Container
	waiting *widget.Label
	in      *bringIn
	next    *widget.Button
	without *widget.Check
	out     *handOut
	status  *checkList

	recordDir    *pathField
	exportRecord *widget.Button
	recordState  *checkList
	minutes      *minutesBox // on the board, and after the count
	countMinutes *minutesBox

	// count
	countDir   *pathField
	openCount  *widget.Button
	cts        *pathField
	label      *widget.Entry
	request    *widget.Button
	answersIn  *bringIn
	tally      *widget.Button
	result     *widget.Label // the counts as text, under the panel's Details
	panel      *resultPanel
	names      *widget.Entry
	resultOut  *handOut
	reqOut     *handOut
	countState *checkList
	countSteps *stepList
}

func (ui *UI) newBoardScreen() *boardScreen {
	s := &boardScreen{ui: ui}
	s.dir = ui.newPathField(lang.L("a new, empty folder for the board (the public record)"), true, false)
	s.title = widget.NewEntry()
	s.title.SetPlaceHolder(lang.L("e.g. Municipal council 2027"))
	s.members = widget.NewEntry()
	s.members.SetText("5")
	s.threshold = widget.NewEntry()
	s.threshold.SetText("3")
	s.closeAt = widget.NewEntry()
	s.closeAt.SetPlaceHolder(closeHint())
	s.pq = widget.NewCheck(lang.L("Extra protection of the shares against future quantum computers (slower, larger files)"), nil)
	s.understand = widget.NewCheck(lang.L("I understand the dangers of these settings, if any, and the office decided them knowingly"), nil)
	s.status = newCheckList()
	s.create = widget.NewButtonWithIcon(lang.L("Create the ceremony"), theme.ContentAddIcon(), s.doCreate)
	s.open = widget.NewButtonWithIcon(lang.L("Open an existing board"), theme.FolderOpenIcon(), s.doOpen)
	s.dir.entry.OnSubmitted = func(string) {
		// Enter in the folder field opens the board it holds, if any;
		// otherwise the keyboard goes on to the title.
		if _, err := os.Stat(filepath.Join(s.dir.path(), "handout")); err == nil {
			s.doOpen()
			return
		}
		ui.win.Canvas().Focus(s.title)
	}
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Board folder"), s.dir.box),
		widget.NewFormItem(lang.L("Title"), s.title),
		widget.NewFormItem(lang.L("Members (n)"), s.members),
		widget.NewFormItem(lang.L("Needed to decrypt (t)"), s.threshold),
		widget.NewFormItem(lang.L("Close of poll"), s.closeAt),
		widget.NewFormItem("", wrapCheck(s.pq)),
		widget.NewFormItem("", wrapCheck(s.understand)),
	)
	s.setup = container.NewVScroll(container.NewVBox(
		wrapped(lang.L("The coordinator runs the ceremony's public board: it gathers the members' messages and hands out what each step needs. It handles nothing secret; every member checks what it hands out.")),
		form, container.NewHBox(s.create, s.open), s.status.box))

	s.heading = bold("")
	s.steps = newStepList(ceremony.Steps)
	s.fp = newFingerprint()
	s.table = container.NewVBox()
	s.waiting = wrapped("")
	s.in = ui.newBringIn(lang.L("Bring in the members' messages"), intake{check: s.add, large: s.addLarge, after: s.refresh})
	s.without = widget.NewCheck(lang.L("Go on without the missing members (they are disqualified)"), nil)
	s.next = widget.NewButtonWithIcon(lang.L("Prepare what the members need next"), theme.MailForwardIcon(), s.doNext)
	s.out = ui.newHandOut()
	s.recordDir = ui.newPathField(lang.L("a folder on a USB stick, for the auditors"), true, false)
	s.recordState = newCheckList()
	s.exportRecord = widget.NewButtonWithIcon(lang.L("Copy the record"), theme.DocumentSaveIcon(), func() {
		s.recordState.clear()
		n, err := s.b.ExportRecord(s.recordDir.path())
		if err != nil {
			s.recordState.fail(err)
			return
		}
		s.recordState.add(true, lang.N("{{.N}} messages copied to {{.Dir}}: anyone can verify them with Conclave", n, map[string]any{"N": n, "Dir": s.recordDir.path()}))
	})
	s.minutes = ui.newMinutesBox(func() *office.Board { return s.b }, "minutes-ceremony.pdf")
	s.boardView = container.NewVScroll(container.NewVBox(s.heading, s.steps.box, s.fp.box, s.table, s.waiting,
		widget.NewSeparator(), s.in.box, widget.NewSeparator(), bold(lang.L("Next step")), wrapCheck(s.without), s.next, s.out.box,
		widget.NewSeparator(), bold(lang.L("The public record")), s.recordDir.box, s.exportRecord, s.recordState.box,
		widget.NewSeparator(), s.minutes.box))

	s.countDir = ui.newPathField(lang.L("the board folder of the completed ceremony"), true, false)
	s.openCount = widget.NewButtonWithIcon(lang.L("Open the board"), theme.FolderOpenIcon(), s.doOpenCount)
	s.countDir.entry.OnSubmitted = func(string) { s.doOpenCount() }
	s.cts = ui.newPathField(lang.L("the encrypted tally or ballots (JSON from the voting system)"), false, false)
	s.label = widget.NewEntry()
	s.label.SetText(lang.L("count"))
	s.request = widget.NewButtonWithIcon(lang.L("Prepare the decryption request"), theme.DocumentCreateIcon(), s.doRequest)
	s.answersIn = ui.newBringIn(lang.L("Bring in the members' partial decryptions"), intake{check: s.add, large: s.addLarge, after: s.refresh})
	s.tally = widget.NewButtonWithIcon(lang.L("Combine and publish the result"), theme.ConfirmIcon(), s.doTally)
	s.result = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	s.result.Hide()
	s.panel = newResultPanel()
	s.names = widget.NewEntry()
	s.names.SetPlaceHolder(lang.L("optional: the names of the options, in order, separated by commas (e.g. Yes, No, Blank)"))
	s.resultOut = ui.newHandOut()
	s.reqOut = ui.newHandOut()
	s.countState = newCheckList()
	s.countMinutes = ui.newMinutesBox(func() *office.Board { return s.b }, "minutes-count.pdf")
	s.countSteps = newStepList([]string{"open the board", "request", "partial decryptions", "result"})
	s.countSteps.set("open the board", nil)
	s.count = container.NewVScroll(container.NewVBox(
		s.countSteps.box,
		wrapped(lang.L("After the close of poll: prepare the decryption request from the voting system's encrypted tally, hand it to the members, bring in at least t partial decryptions, then combine them.")),
		s.countDir.box, s.openCount, s.countState.box,
		widget.NewForm(widget.NewFormItem(lang.L("Ciphertexts"), s.cts.box), widget.NewFormItem(lang.L("Label"), s.label), widget.NewFormItem(lang.L("Options"), s.names)),
		s.request, s.reqOut.box, widget.NewSeparator(), s.answersIn.box, s.tally, s.panel.box, s.result, s.resultOut.box,
		widget.NewSeparator(), s.countMinutes.box))
	s.wireKeys()
	return s
}

func (ui *UI) openBoard() {
	if ui.board == nil {
		ui.board = ui.newBoardScreen()
	}
	ui.showFocus(lang.L("Start a ceremony"), ui.board.setup, ui.board.dir.entry)
}

func (ui *UI) openCount() {
	if ui.board == nil {
		ui.board = ui.newBoardScreen()
	}
	ui.showFocus(lang.L("Count"), ui.board.count, ui.board.countDir.entry)
}

func (s *boardScreen) doCreate() {
	s.status.clear()
	// Every problem of the form is shown at once.
	var ps problems
	n, err1 := strconv.ParseUint(strings.TrimSpace(s.members.Text), 10, 64)
	t, err2 := strconv.ParseUint(strings.TrimSpace(s.threshold.Text), 10, 64)
	if err1 != nil || err2 != nil {
		ps = append(ps, fmt.Errorf("%s", lang.L("the number of members and the threshold must be whole numbers")))
	}
	closeAt, err := parseClose(s.closeAt.Text)
	if err != nil {
		ps = append(ps, err)
	}
	if s.dir.path() == "" {
		ps = append(ps, fmt.Errorf("%s", lang.L("choose a folder for the board")))
	}
	if len(ps) > 0 {
		s.status.fail(ps)
		return
	}
	if dangers := office.Dangers(n, t, closeAt, time.Now()); len(dangers) > 0 {
		for _, d := range dangers {
			s.status.add(false, lang.L("DANGER:")+" "+dangerText(d))
		}
		if !s.understand.Checked {
			s.status.add(false, lang.L("these settings are dangerous, and every member will be asked to acknowledge them too: tick the box above only if the office decided them knowingly"))
			return
		}
	}
	b, err := office.CreateBoard(s.dir.path(), strings.TrimSpace(s.title.Text), n, t, s.pq.Checked, closeAt)
	if err != nil {
		s.status.fail(err)
		return
	}
	if err := s.hold(s.dir.path()); err != nil {
		s.status.fail(err)
		return
	}
	s.b = b
	s.showBoard()
}

// hold takes the lock of the board folder dir (and drops the lock of the
// board open before, if another).
func (s *boardScreen) hold(dir string) error {
	if s.lock != nil {
		s.lock.Release()
		s.lock = nil
	}
	l, err := folderlock.Acquire(dir, "board")
	if err != nil {
		return err
	}
	s.lock = l
	l.CleanLeftovers(dir)
	return nil
}

func (s *boardScreen) doOpen() {
	s.status.clear()
	if err := s.hold(s.dir.path()); err != nil {
		s.status.fail(err)
		return
	}
	b, err := office.OpenBoard(s.dir.path())
	if err != nil {
		s.status.fail(err)
		return
	}
	s.b = b
	s.showBoard()
}

func (s *boardScreen) showBoard() {
	s.refresh()
	s.ui.show(lang.L("Ceremony board"), s.boardView)
}

// refresh shows where the ceremony stands and who sent what.
func (s *boardScreen) refresh() {
	if s.b == nil {
		return
	}
	st := s.b.State
	p := s.b.Progress()
	s.heading.SetText(lang.L("{{.Title}}: {{.N}} members, {{.T}} needed to decrypt, close of poll {{.Close}}", map[string]any{
		"Title": st.Call.Title, "N": st.Call.Members, "T": st.Call.Threshold,
		"Close": localTime(time.Unix(st.Call.Close, 0))}))
	s.steps.set(p.Step, nil)
	r := s.b.Room()
	s.fp.set(roomLabel(r), r.Fingerprint)
	s.table.Objects = nil
	if st.Manifest() == nil {
		s.table.Add(widget.NewLabel(lang.N("{{.Have}} of {{.N}} members enrolled", len(st.Cards()), map[string]any{"Have": len(st.Cards()), "N": st.Call.Members})))
	} else {
		// Every cell wraps: seven columns fit a 1024×600 screen. The
		// headings have their own grid (same columns), so that their two
		// lines do not make every member's row as tall.
		heads, grid := container.NewGridWithColumns(7), container.NewGridWithColumns(7)
		head := func(s string) *widget.Label { l := bold(s); l.Wrapping = fyne.TextWrapWord; return l }
		for _, h := range []string{lang.L("Member"), lang.L("Shares sent"), lang.L("Verdict"), lang.L("Answer to objections"),
			lang.L("Public part"), lang.L("Rebuilding help"), lang.L("Confirmation")} {
			heads.Add(head(h))
		}
		// A kind of message whose step has not come yet is "not yet", not
		// missing.
		stepOf := map[ceremony.Kind]string{ceremony.KindDeal: ceremony.StepDeal, ceremony.KindComplaints: ceremony.StepVerify, ceremony.KindReveal: ceremony.StepReveal,
			ceremony.KindOpen: ceremony.StepOpen, ceremony.KindRecover: ceremony.StepRecover, ceremony.KindConfirm: ceremony.StepConfirm}
		now := slices.Index(ceremony.Steps, p.Step)
		for _, m := range st.Members {
			grid.Add(wrapped(fmt.Sprintf("%d. %s", m.Index, m.Name)))
			accused := slices.Contains(st.Accused(), m.Index)
			for _, k := range []ceremony.Kind{ceremony.KindDeal, ceremony.KindComplaints, ceremony.KindReveal, ceremony.KindOpen, ceremony.KindRecover, ceremony.KindConfirm} {
				if (k == ceremony.KindReveal && !accused) || (k == ceremony.KindRecover && !st.Has(k, m.Index) && p.Step != ceremony.StepRecover) {
					grid.Add(wrapped("· " + lang.L("not needed")))
					continue
				}
				if st.Has(k, m.Index) {
					l := wrapped(lang.L("arrived"))
					l.Importance = widget.SuccessImportance
					grid.Add(l)
				} else if slices.Index(ceremony.Steps, stepOf[k]) > now {
					grid.Add(wrapped("· " + lang.L("not yet")))
				} else {
					grid.Add(wrapped("— " + lang.L("waiting")))
				}
			}
		}
		s.table.Add(heads)
		s.table.Add(grid)
	}
	s.table.Refresh()
	switch {
	case p.Step == ceremony.StepComplete:
		// The election key's fingerprint is the large one above: not twice.
		s.waiting.SetText(lang.L("The key ceremony is complete: hand the election key file to the members (they compare its fingerprint, above) and publish it to the voting system."))
	case len(p.Waiting) > 0:
		who := translateArg(ceremony.List{Items: p.Waiting, Sep: ", "})
		s.waiting.SetText(lang.L("Waiting for: {{.Who}}", map[string]any{"Who": who}))
	default:
		s.waiting.SetText(lang.L("Everything for this step is in: prepare the next step."))
	}
}

// add takes a member's message in (off the UI thread: checking an answer
// verifies its proof over every ciphertext).
func (s *boardScreen) add(data []byte) (any, string, error) {
	if s.b == nil {
		return nil, "", fmt.Errorf("%s", lang.L("open a board first"))
	}
	if handedOut(data) {
		return nil, "", errSkipped
	}
	text, err := s.b.Add(data)
	return nil, say(text), err
}

// addLarge takes in a member's message file larger than office.StreamAbove
// (an answer to a large request), read in chunks from the file and copied
// into the board in chunks (office.Board.AddFile): the importer's size cap
// does not apply, and memory does not grow with the file.
func (s *boardScreen) addLarge(path string) (any, string, error) {
	if s.b == nil {
		return nil, "", fmt.Errorf("%s", lang.L("open a board first"))
	}
	e, err := office.OpenMessage(path)
	if err != nil {
		return nil, "", err
	}
	if handedOutKind(e.Kind) {
		return nil, "", errSkipped
	}
	text, err := s.b.AddMessage(e)
	return nil, say(text), err
}

func (s *boardScreen) doNext() {
	s.in.result.clear() // the last step's arrivals are done with
	msg, err := s.b.Next(s.without.Checked)
	s.without.SetChecked(false)
	s.refresh()
	if err != nil {
		s.in.result.clear()
		s.in.result.fail(err)
		return
	}
	name := string(msg.Kind) + ".cbor"
	var bundle ceremony.Bundle
	if msg.Kind == ceremony.KindBundle && msg.DecodeBody(&bundle) == nil {
		name = "step-" + bundle.Step + ".cbor"
	}
	data, err := office.MessageBytes(msg) // a large request is read again from the board
	if err != nil {
		s.in.result.fail(err)
		return
	}
	if s.out.path.path() == "" {
		s.out.path.entry.SetText(filepath.Join(filepath.Dir(filepath.Clean(s.b.Dir)), name))
	}
	s.out.set(describeKind(msg), name, data)
}

// roomLabel names a room fingerprint in the user's language.
func roomLabel(r office.RoomFingerprint) string {
	switch r.What {
	case office.RoomCall:
		return lang.L("Call fingerprint")
	case office.RoomQual:
		return lang.L("Qualified-members fingerprint")
	case office.RoomTranscript:
		return lang.L("Final fingerprint")
	case office.RoomElectionKey:
		return lang.L("Election key fingerprint")
	}
	return lang.L("Ceremony fingerprint")
}

func describeKind(m *ceremony.Envelope) string {
	switch m.Kind {
	case ceremony.KindCall:
		return lang.L("The call")
	case ceremony.KindManifest:
		return lang.L("The manifest")
	case ceremony.KindBundle:
		return lang.L("The bundle for the next step")
	case ceremony.KindElectionKey:
		return lang.L("The election key")
	case ceremony.KindRequest:
		return lang.L("The decryption request")
	}
	return kindName(m.Kind)
}

func (s *boardScreen) doOpenCount() {
	s.countState.clear()
	if err := s.hold(s.countDir.path()); err != nil {
		s.countState.fail(err)
		return
	}
	b, err := office.OpenBoard(s.countDir.path())
	if err != nil {
		s.countState.fail(err)
		return
	}
	if !b.State.Complete() {
		s.countState.add(false, lang.L("the key ceremony of this board is not complete"))
		return
	}
	s.b = b
	s.countSteps.set("request", nil)
	s.countState.add(true, lang.L("board of {{.Title}} opened: ceremony {{.FP}}", map[string]any{"Title": b.State.Call.Title, "FP": b.State.ID.Fingerprint()}))
}

func (s *boardScreen) doRequest() {
	if s.b == nil {
		s.countState.add(false, lang.L("open the board first"))
		return
	}
	data, err := safefile.Read(s.cts.path(), safefile.Ciphertexts)
	if err != nil {
		s.countState.fail(err)
		return
	}
	batch, err := office.ParseCiphertexts(data)
	if err != nil {
		s.countState.fail(err)
		return
	}
	req, err := s.b.Request(strings.TrimSpace(s.label.Text), batch)
	if err != nil {
		s.countState.fail(err)
		return
	}
	sum, _ := ceremony.Summarize(req)
	s.warnBeforeClose()
	s.countState.add(true, lang.L("request {{.FP}}: {{.N}} ciphertexts, fingerprint {{.CT}}", map[string]any{"FP": sum.ID.Fingerprint(), "N": sum.Ciphertexts, "CT": sum.Hash.Fingerprint()}))
	s.countSteps.set("partial decryptions", nil)
	if s.reqOut.path.path() == "" {
		s.reqOut.path.entry.SetText(filepath.Join(filepath.Dir(filepath.Clean(s.b.Dir)), "request.cbor"))
	}
	s.reqOut.set(lang.L("The decryption request"), "request.cbor", req.Bytes())
}

func (s *boardScreen) doTally() {
	if s.b == nil {
		s.countState.add(false, lang.L("open the board first"))
		return
	}
	var res *office.TallyResult
	s.ui.run(lang.L("Combining the partial decryptions…"), func(ctx context.Context) error {
		var err error
		res, err = s.b.Tally(ceremony.ID{})
		return err
	}, func(err error) {
		if err != nil {
			s.countState.fail(err)
			return
		}
		var b strings.Builder
		for k, c := range res.Counts {
			fmt.Fprintf(&b, "%s %d: %d\n", lang.L("Option"), k+1, c)
		}
		for _, sk := range res.Skipped {
			s.countState.add(false, lang.L("the answer of member {{.N}} ({{.Name}}) was skipped: {{.Why}}", map[string]any{"N": sk.Member, "Name": sk.Name, "Why": explain(sk.Cause)}))
		}
		s.result.SetText(b.String())
		s.panel.set(strings.TrimSpace(s.label.Text), res.Counts, optionNames(s.names.Text))
		s.ui.reveal(s.panel.box)
		s.countSteps.set("result", nil)
		s.countState.add(true, lang.L("result combined from members {{.Used}} and added to the record", map[string]any{"Used": fmt.Sprint(res.MembersUsed)}))
		s.resultOut.set(lang.L("The result"), "result.json", res.JSON())
	})
}
