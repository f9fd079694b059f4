package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// oneMember runs a 1-member ceremony through the verbs and returns the
// board folder, the member and the election key file.
func oneMember(t *testing.T, work, title, closeAt string) (string, *cliMember, string) {
	t.Helper()
	f := func(n string) string { return filepath.Join(work, n) }
	board := f("board")
	run(t, 0, "board", "new", board, "--title", title, "--members", "1", "--threshold", "1", "--close", closeAt, "--i-understand")
	run(t, 0, "board", "next", board, "--out", f("call.cbor"))
	m := &cliMember{name: "Alice", keystore: f("stick/conclave.key"), pass: f("pass")}
	os.MkdirAll(filepath.Dir(m.keystore), 0o700)
	os.WriteFile(m.pass, []byte("granite puzzle harbor "+title+" saffron\n"), 0o600)
	m.step(t, f("call.cbor"), f("card.cbor"))
	run(t, 0, "board", "add", board, f("card.cbor"))
	for i := 0; i < 4; i++ {
		run(t, 0, "board", "next", board, "--out", f("next.cbor"), "--force")
		out := m.step(t, f("next.cbor"), f("answer.cbor"))
		if strings.Contains(out, "Wrote") {
			run(t, 0, "board", "add", board, f("answer.cbor"))
		}
	}
	run(t, 0, "board", "key", board, "--out", f("key.cbor"))
	return board, m, f("key.cbor")
}

func TestRefusals(t *testing.T) {
	work := t.TempDir()
	a := filepath.Join(work, "a")
	b := filepath.Join(work, "b")
	boardA, alice, keyA := oneMember(t, a, "Future election", "2099-01-01T00:00:00Z")
	boardB, bob, _ := oneMember(t, b, "Other election", "2020-01-01T00:00:00Z")

	run(t, 0, "ballots", "encrypt", "--key", keyA, "--expect", ceremonyOf(t, keyA), "--simulate", "10", "--options", "2", "--out", filepath.Join(work, "ballots.json"))
	run(t, 0, "ballots", "sum", filepath.Join(work, "ballots.json"), "--out", filepath.Join(work, "tally.json"))
	req := filepath.Join(work, "request.cbor")
	run(t, 0, "board", "request", boardA, "--ciphertexts", filepath.Join(work, "tally.json"), "--out", req)

	cases := []struct {
		name string
		code int
		args []string
		want string
	}{
		{"before the close of poll", 1, []string{"member", "decrypt", "--keystore", alice.keystore, "--in", req, "--out", filepath.Join(work, "x"), "--yes", "--passphrase-file", alice.pass},
			"nothing can be decrypted before the close of poll"},
		{"request of another ceremony", 1, []string{"member", "decrypt", "--keystore", bob.keystore, "--in", req, "--out", filepath.Join(work, "x"), "--yes", "--passphrase-file", bob.pass},
			"this key belongs to another ceremony"},
		{"wrong passphrase", 1, []string{"member", "check", "--keystore", alice.keystore, "--passphrase-file", bob.pass},
			"wrong passphrase"},
		{"a message of another ceremony on the board", 1, []string{"board", "add", boardB, req},
			"belongs to another ceremony"},
		{"not a message", 1, []string{"board", "add", boardB, filepath.Join(work, "tally.json")},
			"not a Conclave message"},
		{"unknown command", 2, []string{"board", "frobnicate"}, "unknown command"},
		{"missing flag", 2, []string{"board", "next", boardA}, "--out is required"},
		{"weak passphrase", 1, []string{"member", "step", "--keystore", filepath.Join(work, "new.key"), "--name", "Zoé", "--in", filepath.Join(a, "call.cbor"), "--out", filepath.Join(work, "card.cbor"), "--passphrase-file", filepath.Join(work, "weak"), "--yes", "--i-understand"},
			"too short"},
		{"a dangerous ceremony without --i-understand", 1, []string{"board", "new", filepath.Join(work, "danger"), "--title", "T", "--members", "3", "--threshold", "1", "--close", "2099-01-01T00:00:00Z"},
			"any one member can decrypt every ballot alone"},
		{"enrolment in a dangerous ceremony without --i-understand", 1, []string{"member", "step", "--keystore", filepath.Join(work, "new2.key"), "--name", "Zoé", "--in", filepath.Join(a, "call.cbor"), "--out", filepath.Join(work, "card.cbor"), "--passphrase-file", alice.pass, "--yes"},
			"with --i-understand"},
		{"enrolment not confirmed", 1, []string{"member", "step", "--keystore", filepath.Join(work, "new3.key"), "--name", "Zoé", "--in", filepath.Join(a, "call.cbor"), "--out", filepath.Join(work, "card.cbor"), "--passphrase-file", alice.pass, "--i-understand"},
			"not confirmed: nothing was done"},
		{"verify a folder that is not a record", 1, []string{"verify", work}, "no valid manifest"},
		{"the election key of an incomplete ceremony", 1, []string{"board", "key", filepath.Join(work, "empty-board"), "--out", filepath.Join(work, "x")}, "not a ceremony board"},
	}
	os.WriteFile(filepath.Join(work, "weak"), []byte("password1\n"), 0o600)
	os.MkdirAll(filepath.Join(work, "empty-board"), 0o755)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := run(t, c.code, c.args...)
			if !strings.Contains(out, c.want) {
				t.Fatalf("output lacks %q:\n%s", c.want, out)
			}
			if strings.Contains(out, "granite puzzle") {
				t.Fatal("the passphrase appears in the output")
			}
		})
	}
	// Nothing was lost: both boards still verify.
	run(t, 0, "verify", boardA)
	run(t, 0, "verify", boardB)
}
