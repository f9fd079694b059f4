package minutes_test

import (
	"bytes"
	"errors"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"conclave/app/cli"
	"conclave/app/minutes"
	"conclave/app/office"
	"conclave/keystore"
)

// needTool returns the path of an external tool; it skips the test when the
// tool is missing, unless CONCLAVE_REQUIRE_TOOLS is set, which makes it fail.
func needTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CONCLAVE_REQUIRE_TOOLS") != "" {
		t.Fatalf("%s is required (CONCLAVE_REQUIRE_TOOLS is set): %v", name, err)
	}
	t.Skipf("%s is not installed: apt-get install poppler-utils (set CONCLAVE_REQUIRE_TOOLS=1 to make this a failure)", name)
	return ""
}

func conclave(t testing.TB, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := cli.Main(args, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("conclave %s: exit %d\n%s%s", strings.Join(args, " "), code, out.String(), errb.String())
	}
	return out.String()
}

var (
	demoOnce sync.Once
	demoDir  string
	demoErr  error
)

// demoBoard is the board of one 'conclave demo' run, shared by the tests.
func demoBoard(t *testing.T) string {
	t.Helper()
	demoOnce.Do(func() {
		demoDir, demoErr = os.MkdirTemp("", "conclave-minutes-test-")
		if demoErr != nil {
			return
		}
		var out bytes.Buffer
		if code := cli.Main([]string{"demo", "--dir", demoDir, "--ballots", "40", "--members", "5", "--threshold", "3"}, strings.NewReader(""), &out, &out); code != 0 {
			demoErr = errors.New("demo failed: " + out.String())
		}
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return filepath.Join(demoDir, "board")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if demoDir != "" {
		os.RemoveAll(demoDir)
	}
	os.Exit(code)
}

func render(t *testing.T, board, lang string) []byte {
	t.Helper()
	b, err := office.OpenBoard(board)
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := minutes.Render(b, minutes.Options{Lang: lang, Location: time.FixedZone("CET", 3600), OptionNames: []string{"Oui", "", "Blanc"}})
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

// pdfText is the text of a PDF as pdftotext reads it.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	tool := needTool(t, "pdftotext")
	in := filepath.Join(t.TempDir(), "m.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

var fingerprintRE = regexp.MustCompile(`\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b`)
var cardRE = regexp.MustCompile(`(?m)^Card of member \d+ \((.+)\): `)

// TestMinutesHoldWhatBoardStatusShows: every fingerprint and every name that
// 'board status' prints is on the minutes, exactly, in both languages.
func TestMinutesHoldWhatBoardStatusShows(t *testing.T) {
	board := demoBoard(t)
	status := conclave(t, "board", "status", board)
	fps := fingerprintRE.FindAllString(status, -1)
	var names []string
	for _, m := range cardRE.FindAllStringSubmatch(status, -1) {
		names = append(names, m[1])
	}
	// call, ceremony, 5 cards, election key, request, record
	if len(fps) != 10 || len(names) != 5 {
		t.Fatalf("board status shows %d fingerprints and %d names, want 10 and 5:\n%s", len(fps), len(names), status)
	}
	for _, lang := range minutes.Languages {
		t.Run(lang, func(t *testing.T) {
			text := pdfText(t, render(t, board, lang))
			for _, s := range append(append([]string{"Demo election"}, fps...), names...) {
				if !strings.Contains(text, s) {
					t.Errorf("the %s minutes lack %q, which board status shows", lang, s)
				}
			}
			for _, s := range []string{"1. Oui", "Option 2", "3. Blanc"} {
				if !strings.Contains(text, s) {
					t.Errorf("the %s minutes lack the option %q", lang, s)
				}
			}
		})
	}
}

// TestMinutesRender: pdftoppm draws every page of the minutes.
func TestMinutesRender(t *testing.T) {
	board := demoBoard(t)
	tool := needTool(t, "pdftoppm")
	dir := t.TempDir()
	in := filepath.Join(dir, "m.pdf")
	if err := os.WriteFile(in, render(t, board, "fr"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(tool, "-r", "40", "-png", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
	if len(pages) < 2 {
		t.Fatalf("pdftoppm drew %d pages, want the ceremony's and the count's", len(pages))
	}
	for _, p := range pages {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		// A4 at 40 dpi is 331 x 468 pixels.
		if b := img.Bounds(); b.Dx() < 320 || b.Dx() > 340 || b.Dy() < 460 || b.Dy() > 475 {
			t.Fatalf("%s is %v, not an A4 page", p, b)
		}
	}
}

// words returns the words of s: runs of letters, lower case.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) })
}

var placeholderRE = regexp.MustCompile(`\{[a-z_]+\}`)

// untranslated returns the words of a PDF's text that are neither words of
// the French table nor data of the ceremony (fingerprints, names, title,
// labels, the program's name and command).
func untranslated(t *testing.T, text string, data []string) []string {
	t.Helper()
	known := map[string]bool{}
	for _, v := range minutes.Table("fr") {
		for _, w := range words(placeholderRE.ReplaceAllString(v, " ")) {
			known[w] = true
		}
	}
	for _, d := range data {
		for _, w := range words(d) {
			known[w] = true
		}
	}
	seen := map[string]bool{}
	var out []string
	for _, w := range words(fingerprintRE.ReplaceAllString(text, " ")) {
		if !known[w] && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	sort.Strings(out)
	return out
}

// TestFrenchMinutesAreAllFrench: every word on the French minutes is a word
// of the French table or the ceremony's own data. The same check finds the
// English words on the English minutes, so it can fail.
func TestFrenchMinutesAreAllFrench(t *testing.T) {
	board := demoBoard(t)
	data := []string{"Demo election", "Demo tally", "Alice", "Bruno", "Chloé", "Dmitri", "Esther", "Oui", "Blanc", "CET"}
	if bad := untranslated(t, pdfText(t, render(t, board, "fr")), data); len(bad) > 0 {
		t.Errorf("the French minutes hold words that are not French: %q", bad)
	}
	en := untranslated(t, pdfText(t, render(t, board, "en")), data)
	for _, w := range []string{"minutes", "members", "fingerprint", "ceremony"} {
		if !slices.Contains(en, w) {
			t.Errorf("the check did not find the English word %q on the English minutes (found %q)", w, en)
		}
	}
}

// sameInBoth lists the keys whose words are the same in English and French.
var sameInBoth = map[string]bool{"signature": true, "col_option": true, "option_n": true, "total": true}

// TestTables: both languages have every key with the same placeholders, and
// French differs from English except where the words are the same.
func TestTables(t *testing.T) {
	en, fr := minutes.Table("en"), minutes.Table("fr")
	if len(en) == 0 {
		t.Fatal("no English table")
	}
	for k, v := range en {
		f, ok := fr[k]
		switch {
		case !ok:
			t.Errorf("French lacks %q", k)
		case f == v && !sameInBoth[k]:
			t.Errorf("French %q is the English %q", k, v)
		case f != v && sameInBoth[k]:
			t.Errorf("%q is listed as the same in both languages but is not", k)
		}
		pe, pf := placeholderRE.FindAllString(v, -1), placeholderRE.FindAllString(f, -1)
		sort.Strings(pe)
		sort.Strings(pf)
		if !slices.Equal(pe, pf) {
			t.Errorf("%q: English has placeholders %v, French %v", k, pe, pf)
		}
	}
	for k := range fr {
		if _, ok := en[k]; !ok {
			t.Errorf("English lacks %q", k)
		}
	}
}

func TestRefusals(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "b")
	b, err := office.CreateBoard(dir, "Avant le manifeste", 3, 2, false, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := minutes.Render(b, minutes.Options{Lang: "fr"}); !errors.Is(err, minutes.ErrNoManifest) {
		t.Fatalf("minutes of a board without members: %v", err)
	}
	b, err = office.OpenBoard(demoBoard(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := minutes.Render(b, minutes.Options{Lang: "de"}); err == nil {
		t.Fatal("minutes in German were printed without a German table")
	}
}

// TestMinutesOfAnIncompleteCeremony: minutes printed after the manifest but
// before the ceremony is complete say so, show every member's card, and
// claim no qualification and no election key.
func TestMinutesOfAnIncompleteCeremony(t *testing.T) {
	work := t.TempDir()
	b, err := office.CreateBoard(filepath.Join(work, "board"), "Conseil municipal 2027", 3, 2, false, time.Date(2027, 3, 14, 17, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	call, err := b.Next(false)
	if err != nil {
		t.Fatal(err)
	}
	terms, err := office.ReadTerms(call, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	acc, err := terms.Accept(true)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"Anaïs", "Benoît", "Marie-Françoise de La Tour d’Auvergne-Lauraguais Montmorency"}
	for i, name := range names {
		m, card, err := office.Enrol(filepath.Join(work, name+".key"), keystore.NewPassphrase([]byte("quartz ferveur 9 ombrage "+strconv.Itoa(i)+" xylophone brume")), name, call, acc, keystore.MinKDF)
		if err != nil {
			t.Fatal(err)
		}
		m.Close()
		if _, err := b.Add(card.Bytes()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.Next(false); err != nil { // the manifest
		t.Fatal(err)
	}
	status := conclave(t, "board", "status", b.Dir)
	pdf, err := minutes.Render(b, minutes.Options{Lang: "fr", Location: time.FixedZone("CET", 3600)})
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(pdfText(t, pdf)), " ")
	for _, want := range append(append([]string{"n’est pas terminée", "« distribution »", "14 mars 2027 à 18:00 (UTC+01:00 (CET))", "2027-03-14 17:00 UTC", "en attente"},
		fingerprintRE.FindAllString(status, -1)...), names...) {
		if !strings.Contains(text, want) {
			t.Errorf("the minutes of the incomplete ceremony lack %q:\n%s", want, text)
		}
	}
	for _, not := range []string{"qualifié", "Empreinte de la clé de l’élection", "Aucun membre n’a été exclu"} {
		if strings.Contains(text, not) {
			t.Errorf("the minutes of an incomplete ceremony say %q", not)
		}
	}
	if bad := untranslated(t, text, append([]string{"Conseil municipal", "CET"}, names...)); len(bad) > 0 {
		t.Errorf("words that are not French: %q", bad)
	}
}

var recordRE = regexp.MustCompile(`Record fingerprint: ([0-9A-Z-]{19})`)

// TestMinutesQRCode: the QR code on the minutes reads (with zbarimg, a
// decoder nobody here wrote) as the record fingerprint that board status
// and verify print.
func TestMinutesQRCode(t *testing.T) {
	board := demoBoard(t)
	pdftoppm, zbarimg := needTool(t, "pdftoppm"), needTool(t, "zbarimg")
	want := recordRE.FindStringSubmatch(conclave(t, "board", "status", board))
	if want == nil {
		t.Fatal("board status prints no record fingerprint")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "m.pdf")
	if err := os.WriteFile(in, render(t, board, "en"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(pdftoppm, "-r", "150", "-png", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
	var found []string
	for _, p := range pages {
		out, _ := exec.Command(zbarimg, "-q", "--raw", p).Output() // exit 4 where a page has no code
		found = append(found, strings.Fields(string(out))...)
	}
	if len(found) != 1 || found[0] != want[1] {
		t.Fatalf("the QR codes of the minutes read %q, want the record fingerprint %s", found, want[1])
	}
}
