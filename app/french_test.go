package app

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"conclave/app/transfer"
	"conclave/app/transfer/camera"
	"conclave/app/transfer/qr"
	"conclave/app/transfer/ur"
	"conclave/assets"
	"conclave/keystore"
)

// The tests run with the translations loaded, in English unless a test
// switches to French (useLanguage).
func init() { useLanguage("en") }

func useLanguage(l string) {
	os.Setenv("LANGUAGE", l)
	if l == "fr" {
		os.Setenv("LC_ALL", "fr_FR.UTF-8")
	} else {
		os.Setenv("LC_ALL", "en_US.UTF-8")
	}
	lang.AddTranslationsFS(assets.Translations, "translation")
}

// inFrench switches the interface to French for one test.
func inFrench(t *testing.T) {
	t.Helper()
	useLanguage("fr")
	t.Cleanup(func() { useLanguage("en") })
	if !french() {
		t.Fatal("the interface did not switch to French")
	}
}

// screenTexts collects every text a window shows: labels, buttons,
// checks, placeholders, selects, and the drawn text of every widget, in
// the window and its overlays (dialogs, pop-ups). Hidden objects are
// skipped; what the user typed (entry text) is not collected.
func screenTexts(w fyne.Window) []string {
	var out []string
	seen := map[fyne.CanvasObject]bool{}
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || seen[o] || !o.Visible() {
			return
		}
		seen[o] = true
		switch v := o.(type) {
		case *canvas.Text:
			out = append(out, v.Text)
			return
		case *widget.Label:
			out = append(out, v.Text)
		case *widget.Button:
			out = append(out, v.Text)
		case *widget.Check:
			out = append(out, v.Text)
		case *widget.Entry:
			out = append(out, v.PlaceHolder)
			return // its drawn text is what the user typed
		case *widget.Select:
			out = append(out, v.Selected, v.PlaceHolder)
			out = append(out, v.Options...)
			return
		case *widget.Form:
			for _, it := range v.Items {
				out = append(out, it.Text, it.HintText)
				walk(it.Widget)
			}
			if v.OnSubmit != nil {
				out = append(out, v.SubmitText)
			}
			if v.OnCancel != nil {
				out = append(out, v.CancelText)
			}
		case *widget.PopUp:
			walk(v.Content)
			return
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
			return
		}
		if wid, ok := o.(fyne.Widget); ok {
			for _, c := range test.WidgetRenderer(wid).Objects() {
				walk(c)
			}
		}
	}
	walk(w.Content())
	for _, o := range w.Canvas().Overlays().List() {
		walk(o)
	}
	return out
}

// englishWords are words that are never French: one of them on a French
// screen is an untranslated text.
var englishWords = regexp.MustCompile(`(?i)\b(the|your|you|and|with|from|this|that|is|are|of|passphrase|member|members|REFUSED|deal|complaints|card|cards|bytes|Home|Computer|Downloads|Save|Open|Cancel|Close|missing|Waiting|Frame|ready|share|shares|checks|passed)\b`)

// fileNames are paths and file names, which are not words of the interface.
var fileNames = regexp.MustCompile(`\S*[/\\]\S*|\S+\.(cbor|json|key|png)\b`)

// untranslated returns the texts that show English in a French interface:
// a text of en.json whose French differs, or an English word.
func untranslated(t *testing.T, texts []string) []string {
	t.Helper()
	en, fr := loadTranslation(t, "en.json"), loadTranslation(t, "fr.json")
	var bad []string
	for _, s := range texts {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if m := englishWords.FindString(fileNames.ReplaceAllString(s, "")); m != "" {
			bad = append(bad, s+"   [English word: "+m+"]")
			continue
		}
		for k, v := range en {
			if fr[k] == v || len(v) < 4 || strings.Contains(fr[k], v) {
				continue
			}
			if s == v || (len(v) >= 16 && strings.Contains(s, v)) {
				bad = append(bad, s+"   [en.json: "+v+"]")
				break
			}
		}
	}
	return bad
}

// look, when set, is called with each member's window after each step of
// the journey helpers (the French journey reads every screen).
var look func(where string, ui *UI)

// screens records what the French journey saw, screen by screen.
type screens struct {
	t    *testing.T
	bad  map[string]string
	seen int
}

func (s *screens) look(where string, ui *UI) {
	openDetails(ui.win.Content())
	texts := screenTexts(ui.win)
	s.seen += len(texts)
	for _, b := range untranslated(s.t, texts) {
		if _, ok := s.bad[b]; !ok {
			s.bad[b] = where
		}
	}
}

func (s *screens) report() {
	if len(s.bad) == 0 {
		return
	}
	var lines []string
	for b, where := range s.bad {
		lines = append(lines, where+": "+b)
	}
	sort.Strings(lines)
	s.t.Errorf("%d English texts on French screens:\n%s", len(lines), strings.Join(lines, "\n"))
}

// TestFrenchScreens walks every screen in French, through a whole
// ceremony and a count with refusals on the way, and fails on any English
// text shown.
func TestFrenchScreens(t *testing.T) {
	inFrench(t)
	sc := &screens{t: t, bad: map[string]string{}}
	look = sc.look
	defer func() { look = nil }()

	ui := newTestUI(t)
	ui.win.Resize(fyne.NewSize(1024, 600))
	sc.look("accueil", ui)
	for _, key := range []string{"Start a ceremony", "Join a ceremony", "Count", "Decrypt", "Verify a record", "My key", "Settings", "About"} {
		test.Tap(ui.home.buttons[key])
		ui.Wait()
		sc.look(key, ui)
		ui.goHome()
	}

	// Refusals before anything exists.
	test.Tap(ui.home.buttons["Start a ceremony"])
	tap(ui, ui.board.create)
	sc.look("création vide", ui)
	typeInto(ui.board.closeAt, "demain")
	tap(ui, ui.board.create)
	sc.look("date refusée", ui)
	ui.goHome()
	test.Tap(ui.home.buttons["My key"])
	typeInto(ui.mykey.ks.path.entry, filepath.Join(t.TempDir(), "nothing.key"))
	typeInto(ui.mykey.ks.pass, "une phrase quelconque")
	tap(ui, ui.mykey.check)
	sc.look("clé absente", ui)

	// A whole ceremony and a count.
	work := t.TempDir()
	coord := newTestUI(t)
	members := startCeremony(t, coord, work, 3, 2, "01/01/2020 10:00", []string{"Alice", "Bruno", "Chloé"})
	sc.look("tableau terminé", coord)
	request := prepareRequest(t, coord, work, []uint64{1, 2, 2}, 2)
	sc.look("demande", coord)
	answers := filepath.Join(work, "count-answers")
	os.MkdirAll(answers, 0o755)
	for i, m := range members[:2] {
		test.Tap(m.ui.home.buttons["Decrypt"])
		ds := m.ui.decrypt
		bring(t, m.ui, ds.in, request)
		sc.look("déchiffrer", m.ui)
		test.Tap(ds.agree)
		typeInto(ds.ks.path.entry, m.keystore)
		typeInto(ds.ks.pass, m.pass)
		tap(m.ui, ds.decrypt)
		sc.look("déchiffré", m.ui)
		save(t, m.ui, ds.out, filepath.Join(answers, "answer-"+string(rune('0'+i))+".cbor"))
	}
	s := coord.board
	bring(t, coord, s.answersIn, answers)
	tap(coord, s.tally)
	sc.look("résultat", coord)
	auditor := newTestUI(t)
	test.Tap(auditor.home.buttons["Verify a record"])
	typeInto(auditor.verifier.dir.entry, filepath.Join(work, "board"))
	tap(auditor, auditor.verifier.verify)
	sc.look("vérifier", auditor)

	// Wrong passphrase, and the dialogs.
	m := members[2].ui
	test.Tap(m.home.buttons["My key"])
	typeInto(m.mykey.ks.path.entry, members[2].keystore)
	typeInto(m.mykey.ks.pass, "pas la bonne phrase du tout")
	tap(m, m.mykey.check)
	sc.look("mauvaise phrase", m)
	m.goHome()
	test.Tap(m.home.buttons["Join a ceremony"])
	test.Tap(m.member.in.scan)
	sc.look("scanner", m)
	test.Type(m.scan.paste, "UR:CONCLAVE/1-3/NONSENSE")
	test.Tap(m.scan.readText)
	sc.look("code refusé", m)
	escapeKey(m)
	for i, b := range m.member.ks.path.buttons.Objects {
		test.Tap(b.(*widget.Button))
		sc.look(fmt.Sprintf("dialogue de fichier %d", i), m)
		escapeKey(m)
	}
	m.showQR("essai", []byte(strings.Repeat("un message assez long pour plusieurs parties ", 30)))
	sc.look("fenêtre QR", m)
	escapeKey(m)

	recoverJourney(t)
	sc.report()
	if sc.seen < 200 {
		t.Fatalf("only %d texts seen: the walk is broken", sc.seen)
	}
}

// recoverJourney walks (look reads every screen) a ceremony with
// an exclusion and a recover step: Dan does not deal and is excluded;
// Chloé is qualified but does not open, and is rebuilt from the shares
// Alice and Bruno publish. QUAL is listed at the open and confirm steps,
// and at every step the large fingerprint is the board's. In French, the
// screens' words are checked too.
func recoverJourney(t *testing.T) {
	work := t.TempDir()
	coord := newTestUI(t)
	coord.win.Resize(fyne.NewSize(1024, 600))
	closeAt := "2020-01-01 10:00"
	if french() {
		closeAt = "01/01/2020 10:00" // a French date
	}
	four := newCeremony(t, coord, work, 4, 2, closeAt, []string{"Alice", "Bruno", "Chloé", "Dan"})
	rooms = nil
	roundOf(t, coord, four, work, 0, false)     // everyone enrols
	roundOf(t, coord, four[:3], work, 1, false) // Dan does not deal
	// Members are numbered in the manifest's order, not the names'.
	num := map[string]uint64{}
	for _, m := range coord.board.b.State.Members {
		num[m.Name] = m.Index
	}
	roundOf(t, coord, four[:3], work, 2, true)  // verify, without Dan
	roundOf(t, coord, four[:2], work, 3, false) // open: Chloé is silent
	alice := four[0].ui.member
	var qual []string
	for _, m := range coord.board.b.State.Members {
		if m.Name != "Dan" {
			qual = append(qual, fmt.Sprint(m.Index))
		}
	}
	listed := "Membres qualifiés : " + strings.Join(qual, ", ")
	dan := fmt.Sprintf("Exclu : membre %d (Dan), car il n'a pas remis ses parts", num["Dan"])
	chloe := fmt.Sprintf("Le membre %d n'a pas remis sa part publique", num["Chloé"])
	if !french() {
		listed = "Qualified members: " + strings.Join(qual, ", ")
		dan = fmt.Sprintf("Excluded: member %d (Dan), because it did not hand in its shares", num["Dan"])
		chloe = fmt.Sprintf("Member %d did not hand in its public part", num["Chloé"])
	}
	for _, want := range []string{listed, dan} {
		if !strings.Contains(alice.checks.Text(), want) {
			t.Fatalf("open step: %q not on Alice's screen:\n%s", want, alice.checks.Text())
		}
	}
	roundOf(t, coord, four[:2], work, 4, true)  // recover, without Chloé's opening
	roundOf(t, coord, four[:2], work, 5, false) // confirm
	for _, want := range []string{listed, dan, chloe} {
		if !strings.Contains(alice.checks.Text(), want) {
			t.Fatalf("confirm step: %q not on Alice's screen:\n%s", want, alice.checks.Text())
		}
	}
	if !coord.board.b.State.Complete() {
		t.Fatalf("the ceremony did not complete: %s", coord.board.waiting.Text)
	}
	roundOf(t, coord, four[:2], work, 6, false) // the election key
	var steps []string
	for _, r := range rooms {
		steps = append(steps, strings.Split(r, " — ")[0])
	}
	want := "enrol: Empreinte de l'appel|deal: Empreinte de la cérémonie|verify: Empreinte de la cérémonie|" +
		"open: Empreinte des membres qualifiés|recover: Empreinte des membres qualifiés|" +
		"confirm: Empreinte finale de la cérémonie|complete: Empreinte de la clé de l'élection"
	if !french() {
		want = "enrol: Call fingerprint|deal: Ceremony fingerprint|verify: Ceremony fingerprint|" +
			"open: Qualified-members fingerprint|recover: Qualified-members fingerprint|" +
			"confirm: Final fingerprint|complete: Election key fingerprint"
	}
	if got := strings.Join(steps, "|"); got != want {
		t.Fatalf("the fingerprints compared, step by step:\n%s\nwant\n%s", got, want)
	}
}

// TestUntranslatedIsCaught: the check finds an English text.
func TestUntranslatedIsCaught(t *testing.T) {
	if len(untranslated(t, []string{"Waiting for: member 2 (Bruno)"})) == 0 || len(untranslated(t, []string{"Start a ceremony"})) == 0 {
		t.Fatal("English texts pass the check")
	}
	if len(untranslated(t, []string{"Démarrer une cérémonie", "Alice", "7KQ2-M9XD"})) != 0 {
		t.Fatal("French texts fail the check")
	}
}

// openDetails ticks every "Details" toggle, so that the technical lines
// are read too.
func openDetails(o fyne.CanvasObject) {
	switch v := o.(type) {
	case *widget.Check:
		if v.Text == lang.L("Details") && v.Visible() {
			v.SetChecked(true)
		}
	case *fyne.Container:
		for _, c := range v.Objects {
			openDetails(c)
		}
	case *container.Scroll:
		openDetails(v.Content)
	case *widget.Form:
		for _, it := range v.Items {
			openDetails(it.Widget)
		}
	}
}

// TestExplainFrench: refusals of keystore, transfer, ur, qr and camera
// reach a French screen in French, by their key and arguments, without
// package prefixes; the user's own Cancel is "Annulé".
func TestExplainFrench(t *testing.T) {
	inFrench(t)
	_, exportErr := transfer.Export(filepath.Join(t.TempDir(), "absent"), "x.cbor", []byte("x"))
	for _, c := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("office: %w", keystore.ErrWrongPassphrase), "mauvaise phrase secrète"},
		{keystore.CheckPassphrase([]byte("correct horse battery staple"), "Alice"), "exemple célèbre"},
		{keystore.CheckPassphrase([]byte("court"), "Alice"), "trop courte (5 caractères)"},
		{keystore.CheckPassphrase([]byte("aaaaaaaaaaaaaaaa"), "Alice"), "elle répète des caractères"},
		{keystore.CheckPassphrase([]byte("Alice et ses chats"), "Alice"), "contient votre nom"},
		{exportErr, "n'existe pas"},
		{fmt.Errorf("%w (item 3 is out of range): scan it again", ur.ErrCorruptPart), "ce code est endommagé"},
		{fmt.Errorf("%w: the image is empty", qr.ErrNoCode), "aucun code QR lisible"},
		{camera.ErrNoCamera, "aucune caméra"},
		{errCancelled(), "Annulé"},
	} {
		got := explain(c.err)
		if !strings.Contains(got, c.want) || strings.Contains(got, "keystore:") || strings.Contains(got, "transfer:") {
			t.Errorf("%v\n  shown as %q, want %q", c.err, got, c.want)
		}
		if m := englishWords.FindString(fileNames.ReplaceAllString(got, "")); m != "" {
			t.Errorf("%q: English word %q", got, m)
		}
	}
}

// TestExplainEnglish: in English the package's own text is shown, without
// its prefix.
func TestExplainEnglish(t *testing.T) {
	err := keystore.CheckPassphrase([]byte("correct horse battery staple"), "Alice")
	if got := explain(err); !strings.HasPrefix(got, "the passphrase is a famous") {
		t.Fatalf("explain gave %q", got)
	}
	_, err = transfer.Export(filepath.Join(t.TempDir(), "absent"), "x.cbor", []byte("x"))
	if got := explain(err); !strings.HasPrefix(got, "cannot write to") || !strings.Contains(got, "no such file") {
		t.Fatalf("explain gave %q", got)
	}
}

// jargon is the cryptographer's vocabulary that no screen shows outside
// its Details (the glossary of docs/user-guide.md explains the rest).
var jargon = regexp.MustCompile(`(?i)\b(deal|deals|complaints?|card|cards|reveal|revealed|commitments?|proof of knowledge|X25519|MLKEM\w*|bytes|cbor|ciphertexts?|transcript|manifest|bundle)\b`)

// TestPlainWords walks a whole ceremony and a count in English, with the
// Details closed, and fails on any cryptographer's word on screen.
func TestPlainWords(t *testing.T) {
	bad := map[string]string{}
	check := func(where string, ui *UI) {
		for _, s := range screenTexts(ui.win) {
			if m := jargon.FindString(fileNames.ReplaceAllString(s, "")); m != "" {
				bad[s+"   ["+m+"]"] = where
			}
		}
	}
	look = check
	defer func() { look = nil }()
	work := t.TempDir()
	coord := newTestUI(t)
	check("home", coord)
	members := startCeremony(t, coord, work, 3, 2, "2020-01-01 10:00", []string{"Alice", "Bruno", "Chloé"})
	check("board complete", coord)
	request := prepareRequest(t, coord, work, []uint64{1, 2, 2}, 2)
	check("request", coord)
	m := members[0]
	test.Tap(m.ui.home.buttons["Decrypt"])
	bring(t, m.ui, m.ui.decrypt.in, request)
	check("decrypt", m.ui)
	recoverJourney(t) // an exclusion, and a member rebuilt
	var lines []string
	for s, where := range bad {
		lines = append(lines, where+": "+s)
	}
	sort.Strings(lines)
	if len(lines) > 0 {
		t.Fatalf("%d texts in cryptographer's words:\n%s", len(lines), strings.Join(lines, "\n"))
	}
}

// TestOfficeRefusalsInFrench: the board's refusals a coordinator meets
// reach a French screen in French.
func TestOfficeRefusalsInFrench(t *testing.T) {
	inFrench(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "x"), []byte("x"), 0o644)
	ui := newTestUI(t)
	test.Tap(ui.home.buttons["Start a ceremony"])
	s := ui.board
	typeInto(s.dir.entry, dir)
	typeInto(s.closeAt, "01/01/2030 10h")
	tap(ui, s.create)
	if txt := s.status.Text(); !strings.Contains(txt, "n'est pas vide") {
		t.Fatalf("a non-empty folder: %s", txt)
	}
	tap(ui, s.open)
	if txt := s.status.Text(); !strings.Contains(txt, "n'est pas un tableau de cérémonie") {
		t.Fatalf("not a board: %s", txt)
	}
	if bad := untranslated(t, screenTexts(ui.win)); len(bad) > 0 {
		t.Fatalf("English on the screen: %q", bad)
	}
}

// TestParseClose: French dates are read day first, with 18:00 or 18h00;
// English takes the ISO form; both in the local time zone.
func TestParseClose(t *testing.T) {
	want := time.Date(2027, 3, 14, 18, 0, 0, 0, time.Local)
	for _, s := range []string{"2027-03-14 18:00", " 2027-03-14  18:00 "} {
		if got, err := parseClose(s); err != nil || !got.Equal(want) {
			t.Errorf("English %q: %v %v", s, got, err)
		}
	}
	if _, err := parseClose("14/03/2027 18:00"); err == nil {
		t.Error("English takes a slashed date, whose order is ambiguous")
	}
	inFrench(t)
	for _, s := range []string{"14/03/2027 18:00", "14/03/2027 18h00", "14/03/2027 18h", "14/03/2027 à 18h00", "2027-03-14 18:00", "14.03.2027 18:00"} {
		if got, err := parseClose(s); err != nil || !got.Equal(want) {
			t.Errorf("French %q: %v %v", s, got, err)
		}
	}
	if _, err := parseClose("demain soir"); err == nil || !strings.Contains(explain(err), "clôture du scrutin") {
		t.Errorf("a refused date: %v", err)
	}
	if h := closeHint(); !strings.HasPrefix(h, "JJ/MM/AAAA HH:MM, heure locale (") {
		t.Errorf("placeholder: %q", h)
	}
}
