package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPassphraseFileRefusals (issue 10): a passphrase file with a
// byte-order mark, an invisible or control character or a second line is
// refused with a message naming the problem, and nothing is created (it
// used to become part of the passphrase, or the rest was dropped); one
// trailing LF or CR LF is accepted.
func TestPassphraseFileRefusals(t *testing.T) {
	work := t.TempDir()
	f := func(n string) string { return filepath.Join(work, n) }
	run(t, 0, "board", "new", f("board"), "--title", "Files", "--members", "1", "--threshold", "1", "--close", "2099-01-01T00:00:00Z", "--i-understand")
	run(t, 0, "board", "next", f("board"), "--out", f("call.cbor"), "--force")
	good := "granite puzzle harbor saffron"
	for i, c := range []struct{ content, want string }{
		{"\uFEFF" + good + "\n", "byte-order mark"},
		{"granite\u200Bpuzzle harbor saffron\n", "invisible character U+200B"},
		{"granite\tpuzzle harbor saffron\n", "control character U+0009"},
		{good + "\nsomething else\n", "more than one line"},
	} {
		pass := f("pass" + string(rune('a'+i)))
		os.WriteFile(pass, []byte(c.content), 0o600)
		ks := f("stick" + string(rune('a'+i)) + ".key")
		out := run(t, 1, "member", "step", "--yes", "--i-understand", "--keystore", ks, "--name", "Alice", "--in", f("call.cbor"), "--out", f("card.cbor"), "--force",
			"--passphrase-file", pass, "--kdf-memory", "8", "--kdf-time", "1")
		if !strings.Contains(out, c.want) {
			t.Errorf("%+q: %q, want %q", c.content, out, c.want)
		}
		if _, err := os.Stat(ks); err == nil {
			t.Errorf("%+q: a keystore was created", c.content)
		}
	}
	for i, nl := range []string{"\n", "\r\n", ""} {
		pass := f("ok" + string(rune('a'+i)))
		os.WriteFile(pass, []byte(good+nl), 0o600)
		ks := f("ok" + string(rune('a'+i)) + ".key")
		run(t, 0, "member", "step", "--yes", "--i-understand", "--keystore", ks, "--name", "Alice", "--in", f("call.cbor"), "--out", f("card.cbor"), "--force",
			"--passphrase-file", pass, "--kdf-memory", "8", "--kdf-time", "1")
		// The same passphrase opens it, whatever the line ending (answering
		// the call again unlocks the keystore and gives the card again).
		run(t, 0, "member", "step", "--yes", "--i-understand", "--keystore", ks, "--in", f("call.cbor"), "--out", f("card2.cbor"), "--force", "--passphrase-file", f("oka"))
	}
}
