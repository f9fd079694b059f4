package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var ceremonyFP = regexp.MustCompile(`Ceremony fingerprint: ([0-9A-Z-]{19})`)

// TestVerifyExpectRefusesAPuppetCeremony: the minutes carry the ceremony
// fingerprint; a record of another ceremony with the same title and the
// same member names (a puppet that a dishonest coordinator could run with
// keys it controls) verifies on its own, but not against the minutes.
func TestVerifyExpectRefusesAPuppetCeremony(t *testing.T) {
	work := t.TempDir()
	real, puppet := filepath.Join(work, "real"), filepath.Join(work, "puppet")
	run(t, 0, "demo", "--dir", real, "--ballots", "20")
	run(t, 0, "demo", "--dir", puppet, "--ballots", "20")
	fp := ceremonyFP.FindStringSubmatch(run(t, 0, "board", "status", filepath.Join(real, "board")))[1]
	pfp := ceremonyFP.FindStringSubmatch(run(t, 0, "board", "status", filepath.Join(puppet, "board")))[1]
	if fp == pfp {
		t.Fatal("two ceremonies have the same fingerprint")
	}
	// As people type it from the paper: lower case, spaces, no dashes, an O for a 0.
	typed := strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(fp, "-", " "), "0", "O"))
	out := run(t, 0, "verify", filepath.Join(real, "board"), "--expect", typed)
	if !strings.Contains(out, "as expected from the minutes") || !strings.Contains(out, "verifies") {
		t.Fatalf("verify --expect on the real record:\n%s", out)
	}
	out = run(t, 0, "verify", filepath.Join(puppet, "board"))
	if !strings.Contains(out, "verifies") {
		t.Fatalf("the puppet record does not even verify on its own:\n%s", out)
	}
	out = run(t, 1, "verify", filepath.Join(puppet, "board"), "--expect", typed)
	if !strings.Contains(out, "its ceremony fingerprint is "+pfp+", the minutes say "+fp) {
		t.Fatalf("verify --expect on the puppet does not say which fingerprint it found:\n%s", out)
	}
	run(t, 1, "verify", filepath.Join(work, "does-not-exist"), "--expect", fp)
	run(t, 2, "verify", filepath.Join(real, "board"), "--expect", "QC6Z-5132-1RNH")
	run(t, 2, "verify", filepath.Join(real, "board"), "--expect", "QC6Z-5132-1RNH-YX7U")
}

func TestBoardMinutes(t *testing.T) {
	work := t.TempDir()
	run(t, 0, "demo", "--dir", work, "--ballots", "20")
	board, out := filepath.Join(work, "board"), filepath.Join(work, "minutes.pdf")
	run(t, 0, "board", "minutes", board, "--out", out, "--lang", "fr", "--tz", "Europe/Paris", "--option", "Oui", "--option", "Non")
	first, err := os.ReadFile(out)
	if err != nil || !strings.HasPrefix(string(first), "%PDF-") {
		t.Fatalf("no PDF written: %v", err)
	}
	msg := run(t, 1, "board", "minutes", board, "--out", out)
	if !strings.Contains(msg, "exists") || !strings.Contains(msg, "--force") {
		t.Fatalf("overwrite refused without saying how: %s", msg)
	}
	if again, _ := os.ReadFile(out); string(again) != string(first) {
		t.Fatal("the refused command changed the file")
	}
	run(t, 0, "board", "minutes", board, "--out", out, "--force")
	run(t, 2, "board", "minutes", board, "--out", filepath.Join(work, "de.pdf"), "--lang", "de")
	run(t, 2, "board", "minutes", board, "--out", filepath.Join(work, "tz.pdf"), "--tz", "Mars/Olympus")
	run(t, 2, "board", "minutes", board)
	if _, err := os.Stat(filepath.Join(work, "de.pdf")); err == nil {
		t.Fatal("a refused command wrote a file")
	}
}

// checkMinutes prints the French minutes of an end-to-end board and checks
// that a disqualified member is shown with the reason, in French.
func checkMinutes(t *testing.T, board string, fault bool) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "pv.pdf")
	run(t, 0, "board", "minutes", board, "--out", out, "--lang", "fr")
	tool, err := exec.LookPath("pdftotext")
	if err != nil && os.Getenv("CONCLAVE_REQUIRE_TOOLS") == "" {
		// Not a skip: the end-to-end test this is part of goes on.
		t.Logf("pdftotext is not installed: the minutes' text is not checked (set CONCLAVE_REQUIRE_TOOLS=1 to make this a failure)")
		return
	} else if err != nil {
		t.Fatalf("pdftotext is required (CONCLAVE_REQUIRE_TOOLS is set): %v", err)
	}
	text, err := exec.Command(tool, "-enc", "UTF-8", out, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Join(strings.Fields(string(text)), " ")
	excluded := strings.Contains(s, "membre 2 (") && strings.Contains(s, ": n’a pas répondu à une plainte à son encontre")
	if fault != excluded {
		t.Fatalf("minutes of a ceremony with fault=%v show the exclusion: %v\n%s", fault, excluded, s)
	}
	if !fault && !strings.Contains(s, "Aucun membre n’a été exclu.") {
		t.Fatalf("the minutes do not say that nobody was excluded:\n%s", s)
	}
}
