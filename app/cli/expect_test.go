package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"conclave/app/office"
	"conclave/ceremony"
)

// demoKey runs a demo election in dir and returns its election key file and
// its ceremony fingerprint.
func demoKey(t *testing.T, dir string) (string, string) {
	t.Helper()
	run(t, 0, "demo", "--members", "3", "--threshold", "2", "--ballots", "3", "--dir", dir)
	key := filepath.Join(dir, "key.cbor")
	run(t, 0, "board", "key", filepath.Join(dir, "board"), "--out", key)
	b, err := office.OpenBoard(filepath.Join(dir, "board"))
	if err != nil {
		t.Fatal(err)
	}
	return key, b.State.ID.Fingerprint()
}

// TestPuppetKeyFileRefused is issue 9 §1 through the command line: the
// coordinator runs a second ceremony alone, with the same title and the
// same names (the demo's), and hands its key file to the voting system.
func TestPuppetKeyFileRefused(t *testing.T) {
	work := t.TempDir()
	realKey, minutes := demoKey(t, filepath.Join(work, "real"))
	puppetKey, puppetFP := demoKey(t, filepath.Join(work, "puppet"))
	out := filepath.Join(work, "ballots.json")
	encrypt := func(code int, key string, extra ...string) string {
		args := append([]string{"ballots", "encrypt", "--key", key, "--simulate", "5", "--options", "2", "--out", out}, extra...)
		return run(t, code, args...)
	}
	msg := encrypt(2, puppetKey)
	if !strings.Contains(msg, "--expect") || !strings.Contains(msg, "minutes") {
		t.Fatalf("a missing --expect must say what to compare: %s", msg)
	}
	msg = encrypt(1, puppetKey, "--expect", minutes)
	if !strings.Contains(msg, minutes) || !strings.Contains(msg, puppetFP) || !strings.Contains(msg, "minutes") {
		t.Fatalf("the puppet key file must be refused naming both fingerprints: %s", msg)
	}
	encrypt(0, realKey, "--expect", strings.ToLower(strings.ReplaceAll(minutes, "-", " ")))

	msg = run(t, 1, "key", "check", puppetKey, "--expect", minutes)
	if !strings.Contains(msg, puppetFP) || !strings.Contains(msg, "NOT") {
		t.Fatalf("key check of the puppet key: %s", msg)
	}
	msg = run(t, 0, "key", "check", realKey, "--expect", minutes)
	m, _ := office.ReadMessage(realKey)
	ek, _ := ceremony.ParseElectionKey(m)
	for _, want := range []string{ek.Fingerprint, minutes, "Alice", ek.Members[0].Card.Fingerprint()} {
		if !strings.Contains(msg, want) {
			t.Fatalf("key check output lacks %q:\n%s", want, msg)
		}
	}
	run(t, 2, "key", "check", realKey)
}

// ceremonyOf returns the ceremony fingerprint of an election key file, as
// the minutes would hold it.
func ceremonyOf(t *testing.T, keyFile string) string {
	t.Helper()
	m, err := office.ReadMessage(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	ek, err := ceremony.ParseElectionKey(m)
	if err != nil {
		t.Fatal(err)
	}
	return ek.Ceremony.Fingerprint()
}

// TestExpectKeyRefusesOtherKey: the ceremony fingerprint fixes the
// manifest, not the key (ceremony.TestForkedCeremonyOtherKey forks one
// ceremony into two valid key files). With the election key fingerprint of
// the minutes, key check, ballots encrypt and verify refuse a key file or a
// record of the right ceremony fingerprint whose key is another.
func TestExpectKeyRefusesOtherKey(t *testing.T) {
	work := t.TempDir()
	realKey, minutes := demoKey(t, filepath.Join(work, "real"))
	otherKey, _ := demoKey(t, filepath.Join(work, "other"))
	fp := func(path string) string {
		m, err := office.ReadMessage(path)
		if err != nil {
			t.Fatal(err)
		}
		ek, err := ceremony.ParseElectionKey(m)
		if err != nil {
			t.Fatal(err)
		}
		return ek.Fingerprint
	}
	keyFP, wrongFP := fp(realKey), fp(otherKey)
	typed := strings.ToLower(strings.ReplaceAll(keyFP, "-", " "))
	board := filepath.Join(work, "real", "board")
	out := filepath.Join(work, "ballots.json")

	run(t, 0, "key", "check", realKey, "--expect", minutes, "--expect-key", typed)
	msg := run(t, 1, "key", "check", realKey, "--expect", minutes, "--expect-key", wrongFP)
	if !strings.Contains(msg, keyFP) || !strings.Contains(msg, wrongFP) || !strings.Contains(msg, "NOT the election key") {
		t.Fatalf("key check --expect-key of another key: %s", msg)
	}
	run(t, 2, "key", "check", realKey, "--expect", minutes, "--expect-key", "not a fingerprint")

	run(t, 0, "ballots", "encrypt", "--key", realKey, "--expect", minutes, "--expect-key", typed, "--simulate", "3", "--options", "2", "--out", out)
	msg = run(t, 1, "ballots", "encrypt", "--key", realKey, "--expect", minutes, "--expect-key", wrongFP, "--simulate", "3", "--options", "2", "--out", out+"2")
	if !strings.Contains(msg, wrongFP) || !strings.Contains(msg, keyFP) {
		t.Fatalf("ballots encrypt --expect-key of another key: %s", msg)
	}

	run(t, 0, "verify", board, "--expect", minutes, "--expect-key", typed)
	msg = run(t, 1, "verify", board, "--expect", minutes, "--expect-key", wrongFP)
	if !strings.Contains(msg, "its election key fingerprint is "+keyFP+", the minutes say "+wrongFP) {
		t.Fatalf("verify --expect-key of another key: %s", msg)
	}
}
