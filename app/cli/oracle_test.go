package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNotADecryptionOracle is issue 9 §4 through the command line: a
// member's second decryption shows the first before the share is used, and
// a "tally" of every ballot but one is refused when the member brings the
// published ballots file.
func TestNotADecryptionOracle(t *testing.T) {
	work := t.TempDir()
	f := func(n string) string { return filepath.Join(work, n) }
	board, m, key := oneMember(t, f("b"), "Closed election", "2020-01-01T00:00:00Z")
	run(t, 0, "ballots", "encrypt", "--key", key, "--expect", ceremonyOf(t, key), "--simulate", "5", "--options", "2", "--out", f("ballots.json"), "--force")
	// The published file, and the same without its last ballot.
	var all map[string]any
	data, _ := os.ReadFile(f("ballots.json"))
	if err := json.Unmarshal(data, &all); err != nil {
		t.Fatal(err)
	}
	bs := all["ballots"].([]any)
	all["ballots"] = bs[:len(bs)-1]
	data, _ = json.Marshal(all)
	os.WriteFile(f("ballots-but-one.json"), data, 0o644)
	run(t, 0, "ballots", "sum", f("ballots.json"), "--out", f("tally.json"), "--force")
	run(t, 0, "ballots", "sum", f("ballots-but-one.json"), "--out", f("partial.json"), "--force")
	run(t, 0, "board", "request", board, "--ciphertexts", f("tally.json"), "--label", "Tally", "--out", f("request.cbor"), "--force")
	run(t, 0, "board", "request", board, "--ciphertexts", f("partial.json"), "--label", "Recount", "--out", f("partial.cbor"), "--force")

	decrypt := func(code int, req string, extra ...string) string {
		args := append([]string{"member", "decrypt", "--keystore", m.keystore, "--in", req, "--out", f("answer.cbor"), "--force", "--yes", "--passphrase-file", m.pass}, extra...)
		return run(t, code, args...)
	}
	out := decrypt(1, f("partial.cbor"), "--ballots", f("ballots.json"))
	if !strings.Contains(out, "sums 4 ballots, but the published file holds 5") {
		t.Fatalf("the tally of all ballots but one was not refused: %s", out)
	}
	out = decrypt(0, f("request.cbor"), "--ballots", f("ballots.json"))
	if !strings.Contains(out, "no request yet") || !strings.Contains(out, "sum of all 5 published ballots") {
		t.Fatalf("first decryption: %s", out)
	}
	out = decrypt(0, f("partial.cbor"))
	if !strings.Contains(out, "You already answered 1 request for this ceremony") || !strings.Contains(out, `"Tally"`) || !strings.Contains(out, "5 ballots") {
		t.Fatalf("the second decryption does not show the first: %s", out)
	}
}
