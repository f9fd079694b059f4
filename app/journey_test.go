package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"conclave/app/office"
	"conclave/app/transfer/qr"
	"conclave/ceremony"
	"conclave/keystore"
)

// newTestUI starts one instance of the application, as on its own machine.
func newTestUI(t *testing.T) *UI {
	t.Helper()
	a := test.NewTempApp(t)
	ui := New(a, Options{Interfaces: func() []string { return nil }, ConfigDir: t.TempDir(), KDF: keystore.MinKDF})
	ui.win.Show()
	return ui
}

func typeInto(e *widget.Entry, s string) {
	e.SetText("")
	test.Type(e, s)
}

func tap(ui *UI, b *widget.Button) {
	test.Tap(b)
	ui.Wait()
}

// save types where the hand-out goes and taps Save.
func save(t *testing.T, ui *UI, h *handOut, path string) {
	t.Helper()
	if !h.box.Visible() {
		t.Fatalf("nothing to hand out")
	}
	typeInto(h.path.entry, path)
	tap(ui, h.save)
	if !strings.HasPrefix(h.state.Text, strings.Split(lang.L("Saved to {{.Path}}"), " ")[0]) {
		t.Fatalf("save %s: %s", path, h.state.Text)
	}
}

// bring types a file or folder into a bring-in area and taps Open.
func bring(t *testing.T, ui *UI, b *bringIn, path string) string {
	t.Helper()
	typeInto(b.path.entry, path)
	tap(ui, b.open)
	return b.result.Text()
}

type testMember struct {
	ui       *UI
	name     string
	keystore string
	pass     string
}

// coordinatorRound hands out the next step, lets every member answer it
// and brings their answers in. It returns the step file.
func coordinatorRound(t *testing.T, coord *UI, members []*testMember, work string, round int) {
	t.Helper()
	roundOf(t, coord, members, work, round, false)
}

// roundOf is a round where only members take part (the others are
// silent); without: the coordinator goes on without the missing members.
func roundOf(t *testing.T, coord *UI, members []*testMember, work string, round int, without bool) {
	t.Helper()
	s := coord.board
	s.without.SetChecked(without)
	tap(coord, s.next)
	handout := filepath.Join(work, fmt.Sprintf("handout-%d.cbor", round))
	save(t, coord, s.out, handout)
	answers := filepath.Join(work, fmt.Sprintf("answers-%d", round))
	os.MkdirAll(answers, 0o755)
	got := 0
	for i, m := range members {
		ms := m.ui.member
		if round > 0 {
			typeInto(ms.ks.pass, m.pass)
		}
		res := bring(t, m.ui, ms.in, handout)
		shown := acceptTerms(t, m.ui, ms)
		if round == 0 && (strings.Count(shown, "\n") < 3 || !strings.Contains(shown, "UTC") || ms.card.value.Text == "") {
			t.Fatalf("enrolment of %s: terms %q, card fingerprint %q", m.name, shown, ms.card.value.Text)
		}
		if strings.Contains(shown, "manifest") {
			for _, o := range members {
				if !strings.Contains(shown, o.name) {
					t.Fatalf("the manifest's terms shown to %s lack %s:\n%s", m.name, o.name, shown)
				}
			}
		}
		if look != nil {
			look(fmt.Sprintf("tour %d, %s", round, m.name), m.ui)
		}
		if !strings.Contains(res, strings.TrimSpace(verdict(lang.L("OK"), ""))) || strings.Contains(ms.checks.Text(), strings.TrimSpace(verdict(lang.L("REFUSED"), ""))) {
			t.Fatalf("round %d, %s: %s\n%s", round, m.name, res, ms.checks.Text())
		}
		if ms.out.box.Visible() {
			save(t, m.ui, ms.out, filepath.Join(answers, fmt.Sprintf("member-%d.cbor", i)))
			got++
		}
	}
	// The room compares one fingerprint: the large one on every member's
	// screen is the board's at this moment, under the same words.
	checkRoom(t, coord, members, round)
	if got > 0 {
		res := bring(t, coord, s.in, answers)
		if look != nil {
			look(fmt.Sprintf("tour %d, tableau", round), coord)
		}
		if strings.Contains(res, strings.TrimSpace(verdict(lang.L("REFUSED"), ""))) {
			t.Fatalf("round %d: the board refused: %s", round, res)
		}
	}
}

// checkRoom checks that every member's large fingerprint, and what it is
// called, are the board's; it returns the room fingerprint's label.
func checkRoom(t *testing.T, coord *UI, members []*testMember, round int) string {
	t.Helper()
	bfp := coord.board.fp
	if !bfp.box.Visible() || bfp.value.Text == "" {
		t.Fatalf("round %d: the board shows no fingerprint", round)
	}
	for _, m := range members {
		mfp := m.ui.member.fp
		if !mfp.box.Visible() || mfp.value.Text != bfp.value.Text || mfp.what.Text != bfp.what.Text {
			t.Fatalf("round %d (step %s): %s's screen shows %q %q, the board %q %q", round, coord.board.b.Progress().Step,
				m.name, mfp.what.Text, mfp.value.Text, bfp.what.Text, bfp.value.Text)
		}
	}
	rooms = append(rooms, coord.board.b.Progress().Step+": "+bfp.what.Text)
	return bfp.what.Text
}

// rooms lists, step by step, what the room compared in the last ceremony
// (for the tests that check which fingerprint each step shows).
var rooms []string

// acceptTerms confirms the terms of a call or manifest shown on a member's
// screen, dangers included.
func acceptTerms(t *testing.T, ui *UI, ms *memberScreen) string {
	t.Helper()
	if !ms.terms.box.Visible() {
		return ""
	}
	shown := ms.terms.heading.Text + "\n" + ms.terms.text.Text + "\n" + ms.terms.dangers.Text
	if ms.out.box.Visible() {
		t.Fatal("an answer was made before the member confirmed the terms")
	}
	if ms.terms.understand.Visible() {
		if !ms.terms.accept.Disabled() {
			t.Fatal("dangerous terms can be confirmed without acknowledging the dangers")
		}
		test.Tap(ms.terms.understand)
	}
	tap(ui, ms.terms.accept)
	return shown
}

func startCeremony(t *testing.T, coord *UI, work string, n, th int, closeAt string, names []string) []*testMember {
	t.Helper()
	members := newCeremony(t, coord, work, n, th, closeAt, names)
	rooms = nil
	round := 0
	for ; round < 7 && !coord.board.b.State.Complete(); round++ {
		coordinatorRound(t, coord, members, work, round)
	}
	if !coord.board.b.State.Complete() {
		t.Fatalf("the ceremony did not complete: %s", coord.board.waiting.Text)
	}
	// The members bring in the election key file: the room compares its
	// fingerprint with the board's.
	coordinatorRound(t, coord, members, work, round)
	if !french() && !strings.Contains(coord.board.waiting.Text, "complete") {
		t.Fatalf("the board does not say complete: %s", coord.board.waiting.Text)
	}
	if !french() && !strings.Contains(coord.board.steps.Text(), "complete (now)") {
		t.Fatalf("steps: %s", coord.board.steps.Text())
	}
	return members
}

// newCeremony creates the board and the members' applications, each with
// its keystore path, name and passphrase typed in.
func newCeremony(t *testing.T, coord *UI, work string, n, th int, closeAt string, names []string) []*testMember {
	t.Helper()
	test.Tap(coord.home.buttons["Start a ceremony"])
	s := coord.board
	typeInto(s.dir.entry, filepath.Join(work, "board"))
	typeInto(s.title, "Conseil 2027")
	typeInto(s.members, fmt.Sprint(n))
	typeInto(s.threshold, fmt.Sprint(th))
	typeInto(s.closeAt, closeAt)
	// Every ceremony of these tests has a dangerous setting (a past close
	// of poll, or t = n): the coordinator must acknowledge it.
	tap(coord, s.create)
	if coord.Title() == "Ceremony board" || !strings.Contains(s.status.Text(), "DANGER") {
		t.Fatalf("a dangerous ceremony was created without acknowledgement: %s", s.status.Text())
	}
	test.Tap(s.understand)
	tap(coord, s.create)
	if coord.Title() != lang.L("Ceremony board") {
		t.Fatalf("after create: %q, %s", coord.Title(), s.status.Text())
	}
	var members []*testMember
	for i, name := range names {
		m := &testMember{ui: newTestUI(t), name: name, keystore: filepath.Join(work, fmt.Sprintf("stick-%d", i), "conclave.key"),
			pass: fmt.Sprintf("velvet harbor %d quartz meadow lantern", 1000+i*37)}
		os.MkdirAll(filepath.Dir(m.keystore), 0o700)
		test.Tap(m.ui.home.buttons["Join a ceremony"])
		ms := m.ui.member
		typeInto(ms.ks.path.entry, m.keystore)
		typeInto(ms.name, name)
		typeInto(ms.ks.pass, m.pass)
		typeInto(ms.confirm, m.pass)
		members = append(members, m)
	}
	return members
}

// TestJourney drives a 3-member, threshold-2 ceremony where every member
// is a separate application instance exchanging files through folders,
// then a count where 2 of the 3 decrypt and the coordinator publishes the
// result; then the refusals.
func TestJourney(t *testing.T) {
	work := t.TempDir()
	coord := newTestUI(t)
	members := startCeremony(t, coord, work, 3, 2, "2020-01-01 10:00", []string{"Alice", "Bruno", "Chloé"})

	// At each step the room compared one fingerprint, the one of that step.
	wantRooms := []string{"enrol: Call fingerprint", "deal: Ceremony fingerprint", "verify: Ceremony fingerprint",
		"open: Qualified-members fingerprint", "confirm: Final fingerprint", "complete: Election key fingerprint"}
	if got := strings.Join(rooms, "\n"); !strings.Contains(got, strings.Join(wantRooms, " — "+lang.L("read it aloud; every screen must show the same:")+"\n")) {
		t.Fatalf("the fingerprints compared, step by step:\n%s", got)
	}
	// Every member ends with the election key's fingerprint, as the board.
	k, _ := coord.board.b.State.ElectionKeyFile()
	ek, _ := ceremony.ParseElectionKey(k)
	want := coord.board.b.State.ID.Fingerprint()
	for _, m := range members {
		if got := m.ui.member.fp.value.Text; got != ek.Fingerprint {
			t.Fatalf("%s read %s, the board shows %s", m.name, got, ek.Fingerprint)
		}
	}

	// Each member's screen ends with the fingerprints for the minutes.
	for _, m := range members {
		ms := m.ui.member
		if !ms.minutes.Visible() || ms.minCeremony.value.Text != want || ms.minKey.value.Text != ek.Fingerprint {
			t.Fatalf("%s's minutes: %q %q, want %s %s", m.name, ms.minCeremony.value.Text, ms.minKey.value.Text, want, ek.Fingerprint)
		}
	}

	// The voting system encrypts under the published key; the count begins.
	request := prepareRequest(t, coord, work, []uint64{1, 2, 2, 3, 2, 1, 2}, 3)
	s := coord.board
	answers := filepath.Join(work, "count-answers")
	os.MkdirAll(answers, 0o755)

	// Refusal: a wrong passphrase decrypts nothing.
	m3 := members[2]
	test.Tap(m3.ui.home.buttons["Decrypt"])
	ds := m3.ui.decrypt
	if res := bring(t, m3.ui, ds.in, request); !strings.Contains(res, "OK:") {
		t.Fatalf("request: %s", res)
	}
	if ds.decrypt.Disabled() == false {
		t.Fatal("decrypt must wait for the member's confirmation")
	}
	test.Tap(ds.agree)
	typeInto(ds.ks.path.entry, m3.keystore)
	typeInto(ds.ks.pass, "not the right passphrase at all")
	tap(m3.ui, ds.decrypt)
	if !strings.Contains(ds.checks.Text(), "wrong passphrase") || ds.out.box.Visible() {
		t.Fatalf("wrong passphrase: %s", ds.checks.Text())
	}

	for i, m := range members[:2] {
		test.Tap(m.ui.home.buttons["Decrypt"])
		ds := m.ui.decrypt
		bring(t, m.ui, ds.in, request)
		if !strings.Contains(ds.summary.Text, "Encrypted totals: 3") || !strings.Contains(ds.summary.Text, "the poll is closed") {
			t.Fatalf("summary: %s", ds.summary.Text)
		}
		if inChunks := ds.request.File != nil; inChunks != (office.StreamAbove == 0) {
			t.Fatalf("the request read in chunks: %v, with office.StreamAbove = %d", inChunks, office.StreamAbove)
		}
		test.Tap(ds.agree)
		typeInto(ds.ks.path.entry, m.keystore)
		typeInto(ds.ks.pass, m.pass)
		tap(m.ui, ds.decrypt)
		if ds.ks.pass.Text != "" {
			t.Fatal("the passphrase stayed in its entry")
		}
		save(t, m.ui, ds.out, filepath.Join(answers, fmt.Sprintf("answer-%d.cbor", i)))
	}
	// A member asked again sees what she already answered before her share
	// is used; with the published ballots file, a request that is not their
	// whole tally is refused.
	m1 := members[0]
	ds = m1.ui.decrypt
	bring(t, m1.ui, ds.in, request)
	test.Tap(ds.agree)
	typeInto(ds.ballots.entry, filepath.Join(work, "ballots-but-one.json"))
	typeInto(ds.ks.pass, m1.pass)
	tap(m1.ui, ds.decrypt)
	if !strings.Contains(ds.checks.Text(), "sums 7 ballots, but the published file holds 6") || ds.out.box.Visible() || ds.history.Visible() {
		t.Fatalf("a request that is not the tally of the ballots brought in: %s", ds.checks.Text())
	}
	typeInto(ds.ballots.entry, filepath.Join(work, "ballots.json"))
	typeInto(ds.ks.pass, m1.pass)
	tap(m1.ui, ds.decrypt)
	if !strings.Contains(ds.history.Text, "You already answered 1 request for this ceremony") || !strings.Contains(ds.history.Text, "a tally of 7 ballots") ||
		!ds.again.Visible() || ds.out.box.Visible() || !strings.Contains(ds.checks.Text(), "sum of all 7 published ballots") {
		t.Fatalf("the second decryption does not show the first before decrypting: %s\n%s", ds.history.Text, ds.checks.Text())
	}
	tap(m1.ui, ds.again)
	if !ds.out.box.Visible() {
		t.Fatalf("no answer after confirming again: %s", ds.checks.Text())
	}

	if res := bring(t, coord, s.answersIn, answers); strings.Contains(res, "REFUSED:") {
		t.Fatalf("answers: %s", res)
	}
	tap(coord, s.tally)
	if !strings.Contains(s.result.Text, "Option 1: 2") || !strings.Contains(s.result.Text, "Option 2: 4") || !strings.Contains(s.result.Text, "Option 3: 1") {
		t.Fatalf("result:\n%s\n%s", s.result.Text, s.countState.Text())
	}
	save(t, coord, s.resultOut, filepath.Join(work, "result.json"))

	// The coordinator copies the record to a stick; anyone verifies the copy.
	typeInto(s.recordDir.entry, filepath.Join(work, "usb-record"))
	tap(coord, s.exportRecord)
	if !strings.Contains(s.recordState.Text(), "messages copied") {
		t.Fatalf("record copy: %s", s.recordState.Text())
	}
	auditor := newTestUI(t)
	test.Tap(auditor.home.buttons["Verify a record"])
	typeInto(auditor.verifier.dir.entry, filepath.Join(work, "usb-record"))
	tap(auditor, auditor.verifier.verify)
	if !strings.HasPrefix(auditor.verifier.summary.Text, "The record verifies") {
		t.Fatalf("verify: %s\n%s", auditor.verifier.summary.Text, auditor.verifier.checks.Text())
	}

	// A member checks that she still holds her key.
	test.Tap(members[0].ui.home.buttons["My key"])
	mk := members[0].ui.mykey
	typeInto(mk.ks.path.entry, members[0].keystore)
	typeInto(mk.ks.pass, members[0].pass)
	typeInto(mk.record.entry, filepath.Join(work, "board"))
	tap(members[0].ui, mk.check)
	if !strings.Contains(mk.checks.Text(), "you hold the share of member") {
		t.Fatalf("my key: %s", mk.checks.Text())
	}

	// Refusal: a message from another ceremony is refused by the board,
	// and the board loses nothing.
	other := t.TempDir()
	coord2 := newTestUI(t)
	startCeremony(t, coord2, other, 1, 1, "2099-01-01 10:00", []string{"Zoé"})
	coord.goHome()
	test.Tap(coord.home.buttons["Count"])
	res := bring(t, coord, coord.board.answersIn, filepath.Join(other, "answers-0"))
	if !strings.Contains(res, "REFUSED:") || !strings.Contains(res, "answers another call") {
		t.Fatalf("a message of another ceremony: %s", res)
	}
	files, _, _ := office.ReadRecord(filepath.Join(work, "board"))
	if r := ceremony.Verify(files); !r.OK() {
		t.Fatal("the board was damaged by the refused message")
	}
}

// TestDecryptBeforeClose: nothing decrypts before the close of poll stated
// in the manifest; the member sees it before unlocking anything.
// TestJourneyRequestInChunks is the journey with every request file read
// in chunks from the file (office.ReadRequest), as the Decrypt screen reads
// one larger than 16 MiB: the summary, the check against the published
// ballots, the log of answered requests and the answer are the same.
func TestJourneyRequestInChunks(t *testing.T) {
	defer func(v int64) { office.StreamAbove = v }(office.StreamAbove)
	office.StreamAbove = 0
	TestJourney(t)
}

func TestDecryptBeforeClose(t *testing.T) {
	work := t.TempDir()
	coord := newTestUI(t)
	members := startCeremony(t, coord, work, 1, 1, time.Now().Add(48*time.Hour).Format("2006-01-02 15:04"), []string{"Alice"})
	request := prepareRequest(t, coord, work, []uint64{1, 2}, 2)

	m := members[0]
	test.Tap(m.ui.home.buttons["Decrypt"])
	ds := m.ui.decrypt
	bring(t, m.ui, ds.in, request)
	if !strings.Contains(ds.summary.Text, "NOT closed") {
		t.Fatalf("the summary does not warn: %s", ds.summary.Text)
	}
	if !ds.agree.Disabled() || !ds.decrypt.Disabled() || !strings.Contains(ds.checks.Text(), "Decryption opens at the close of poll, "+localTime(time.Unix(coord.board.b.State.Call.Close, 0))) {
		t.Fatalf("before the close, the member can still confirm (%v) or decrypt (%v): %s", !ds.agree.Disabled(), !ds.decrypt.Disabled(), ds.checks.Text())
	}
	if !strings.Contains(coord.board.countState.Text(), "Warning: the poll closes at") {
		t.Fatalf("the coordinator was not warned: %s", coord.board.countState.Text())
	}
	test.Tap(ds.agree)
	typeInto(ds.ks.path.entry, m.keystore)
	typeInto(ds.ks.pass, m.pass)
	tap(m.ui, ds.decrypt)
	if !strings.Contains(ds.checks.Text(), "before the close of poll") || ds.out.box.Visible() {
		t.Fatalf("decrypted before the close of poll: %s", ds.checks.Text())
	}
}

func TestNetworkBanner(t *testing.T) {
	a := test.NewTempApp(t)
	ui := New(a, Options{Interfaces: func() []string { return []string{"eth0"} }, ConfigDir: t.TempDir()})
	if !strings.Contains(ui.NetworkWarning(), "eth0") {
		t.Fatalf("no banner: %q", ui.NetworkWarning())
	}
	quiet := New(test.NewTempApp(t), Options{Interfaces: func() []string { return nil }, ConfigDir: t.TempDir()})
	if quiet.NetworkWarning() != "" {
		t.Fatal("banner without a network")
	}
}

func TestNavigation(t *testing.T) {
	ui := newTestUI(t)
	for key, title := range map[string]string{
		"Start a ceremony": "Start a ceremony", "Join a ceremony": "Join a ceremony", "Count": "Count",
		"Decrypt": "Decrypt", "Verify a record": "Verify a record", "My key": "My key", "Settings": "Settings", "About": "About",
	} {
		test.Tap(ui.home.buttons[key])
		if ui.Title() != title {
			t.Fatalf("%s opened %q", key, ui.Title())
		}
		test.Tap(ui.back)
		if !strings.HasPrefix(ui.Title(), "Conclave") {
			t.Fatalf("back from %s: %q", key, ui.Title())
		}
	}
	ui.Wait()
	// Keyboard: the main menu's shortcuts reach every role.
	test.Tap(ui.home.buttons["About"])
	ui.Wait()
	if !strings.Contains(ui.about.sum.Text, " ") || len(strings.ReplaceAll(ui.about.sum.Text, " ", "")) != 64 {
		t.Fatalf("about shows no SHA-256: %q", ui.about.sum.Text)
	}
	var _ fyne.Shortcut
}

func TestSettingsPersist(t *testing.T) {
	a := test.NewTempApp(t)
	dir := t.TempDir()
	ui := New(a, Options{Interfaces: func() []string { return nil }, ConfigDir: dir})
	test.Tap(ui.home.buttons["Settings"])
	s := ui.prefs
	typeInto(s.bytes, "120")
	s.level.SetSelected("M")
	s.language.SetSelected("Français")
	test.Tap(s.save)
	if !strings.HasPrefix(s.state.Text, "Settings saved") {
		t.Fatal(s.state.Text)
	}
	again := New(a, Options{Interfaces: func() []string { return nil }, ConfigDir: dir})
	if again.settings.bytesPerFrame != 120 || again.settings.level != "M" || readLanguage(dir) != "fr" {
		t.Fatalf("settings not kept: %+v, %q", again.settings, readLanguage(dir))
	}
}

// TestScanQR: a message crosses as QR codes read from pictures (as a phone
// photo would be) and as the codes' text, pasted or typed by a
// keyboard-wedge scanner; a code of another message is refused.
func TestScanQR(t *testing.T) {
	work := t.TempDir()
	coord := newTestUI(t)
	test.Tap(coord.home.buttons["Start a ceremony"])
	s := coord.board
	typeInto(s.dir.entry, filepath.Join(work, "board"))
	typeInto(s.title, "QR")
	typeInto(s.members, "1")
	typeInto(s.threshold, "1")
	typeInto(s.closeAt, "2020-01-01 10:00")
	test.Tap(s.understand)
	tap(coord, s.create)
	tap(coord, s.next)
	call := s.out.data
	// Show QR code opens an animated code of the call.
	test.Tap(s.out.show)
	top := coord.win.Canvas().Overlays().Top()
	if top == nil || findImage(top) == nil || findImage(top).Image == nil {
		t.Fatal("Show QR code shows no code")
	}
	text, err := qr.Decode(findImage(top).Image)
	if err != nil || !strings.HasPrefix(text, "UR:CONCLAVE") {
		t.Fatalf("the code on screen reads %q, %v", text, err)
	}
	frames, err := qr.Frames(call, qr.Options{BytesPerFrame: 20})
	if err != nil || len(frames) < 2 {
		t.Fatalf("frames: %v %d", err, len(frames))
	}
	m := newTestUI(t)
	test.Tap(m.home.buttons["Join a ceremony"])
	ms := m.member
	typeInto(ms.ks.path.entry, filepath.Join(work, "stick", "conclave.key"))
	os.MkdirAll(filepath.Join(work, "stick"), 0o700)
	typeInto(ms.name, "Alice")
	typeInto(ms.ks.pass, "velvet harbor 1937 quartz meadow")
	typeInto(ms.confirm, "velvet harbor 1937 quartz meadow")

	// A code of another message first: refused, and it spoils nothing.
	other, _ := qr.Frames([]byte("some other message entirely, long enough for parts"), qr.Options{BytesPerFrame: 20})
	test.Tap(ms.in.scan)
	sc := m.scan
	typeInto(sc.paste, other[0]+"\n"+strings.Join(frames[:len(frames)-1], "\n"))
	test.Tap(sc.readText)
	if ms.out.box.Visible() {
		t.Fatal("incomplete sequence accepted")
	}
	// The pictures of the remaining frames complete it.
	pics := filepath.Join(work, "pics")
	os.MkdirAll(pics, 0o755)
	for i, f := range frames {
		img, err := qr.Render(f, qr.L, 4)
		if err != nil {
			t.Fatal(err)
		}
		data, err := qr.PNG(img)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(pics, fmt.Sprintf("photo-%d.png", i)), data, 0o644)
	}
	typeInto(sc.images.entry, pics)
	test.Tap(sc.readImages)
	m.Wait()
	acceptTerms(t, m, ms)
	if !strings.Contains(ms.in.result.Text(), "OK:") || !ms.out.box.Visible() {
		t.Fatalf("the call did not come through the QR codes: %s / %s / %s", sc.progress.Text, ms.in.result.Text(), ms.checks.Text())
	}
}

// TestCancel: a long job runs off the UI thread, the window keeps
// answering, and Cancel gives "nothing was changed".
func TestCancel(t *testing.T) {
	ui := newTestUI(t)
	release := make(chan struct{})
	var got error
	ui.run("slow", func(ctx context.Context) error {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-release:
			return nil
		}
	}, func(err error) { got = err })
	// The UI answers while the job runs.
	test.Tap(ui.home.buttons["Settings"])
	if ui.Title() != "Settings" {
		t.Fatal("the window did not answer during the job")
	}
	var cancel *widget.Button
	for _, o := range ui.win.Canvas().Overlays().List() {
		cancel = findButton(o, "Cancel")
	}
	if cancel == nil {
		t.Fatal("no Cancel button while working")
	}
	test.Tap(cancel)
	ui.Wait()
	close(release)
	if got == nil || !strings.Contains(got.Error(), "nothing was changed") {
		t.Fatalf("cancel gave %v", got)
	}
}

// TestExistingKeystoreHidesEnrolment: a member who comes back with a
// keystore is not asked for a name and a new passphrase again.
func TestExistingKeystoreHidesEnrolment(t *testing.T) {
	work := t.TempDir()
	b, err := office.CreateBoard(filepath.Join(work, "board"), "Back", 1, 1, false, time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	call, _ := b.Next(false)
	path := filepath.Join(work, "conclave.key")
	terms, err := office.ReadTerms(call, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	acc, err := terms.Accept(true)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := office.Enrol(path, keystore.NewPassphrase([]byte("amber violin 5521 harbor quartz")), "Alice", call, acc, keystore.MinKDF)
	if err != nil {
		t.Fatal(err)
	}
	m.Close()
	ui := newTestUI(t)
	test.Tap(ui.home.buttons["Join a ceremony"])
	if !ui.member.newKey.Visible() {
		t.Fatal("a new member should see the enrolment fields")
	}
	typeInto(ui.member.ks.path.entry, path)
	if ui.member.newKey.Visible() {
		t.Fatal("the enrolment fields stay for an existing keystore")
	}
	if !strings.Contains(ui.member.ks.header.Text, "Alice") {
		t.Fatalf("the stick's owner is not shown: %q", ui.member.ks.header.Text)
	}
}

func findImage(o fyne.CanvasObject) *canvas.Image {
	switch v := o.(type) {
	case *canvas.Image:
		return v
	case *fyne.Container:
		for _, c := range v.Objects {
			if i := findImage(c); i != nil {
				return i
			}
		}
	case *widget.PopUp:
		return findImage(v.Content)
	case fyne.Widget:
		r := test.WidgetRenderer(v)
		for _, c := range r.Objects() {
			if i := findImage(c); i != nil {
				return i
			}
		}
	}
	return nil
}

// prepareRequest plays the voting system (ballots encrypted under the
// published key, summed) and the coordinator's count screen up to the
// decryption request, saved to a file whose path it returns.
func prepareRequest(t *testing.T, coord *UI, work string, votes []uint64, options uint64) string {
	t.Helper()
	k, _ := coord.board.b.State.ElectionKeyFile()
	ek, err := ceremony.ParseElectionKey(k)
	if err != nil {
		t.Fatal(err)
	}
	ballots, err := office.EncryptBallots(ek, votes, options)
	if err != nil {
		t.Fatal(err)
	}
	tally, _ := ballots.Sum()
	os.WriteFile(filepath.Join(work, "tally.json"), tally.JSON(), 0o644)
	os.WriteFile(filepath.Join(work, "ballots.json"), ballots.JSON(), 0o644)
	butOne := *ballots
	butOne.Ballots = butOne.Ballots[1:]
	os.WriteFile(filepath.Join(work, "ballots-but-one.json"), butOne.JSON(), 0o644)
	coord.goHome()
	test.Tap(coord.home.buttons["Count"])
	s := coord.board
	typeInto(s.countDir.entry, filepath.Join(work, "board"))
	tap(coord, s.openCount)
	typeInto(s.cts.entry, filepath.Join(work, "tally.json"))
	tap(coord, s.request)
	if !strings.Contains(s.countState.Text(), lang.L("OK")) {
		t.Fatalf("request: %s", s.countState.Text())
	}
	request := filepath.Join(work, "request.cbor")
	save(t, coord, s.reqOut, request)
	return request
}
