//go:build unix

package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runWithin runs the command line in-process and fails the test if it has
// not returned within a few seconds (a blocking open of a named pipe never
// returns).
func runWithin(t *testing.T, args ...string) (int, string) {
	t.Helper()
	type result struct {
		code int
		out  string
	}
	done := make(chan result, 1)
	go func() {
		var out, errb bytes.Buffer
		code := Main(args, strings.NewReader(""), &out, &errb)
		done <- result{code, out.String() + errb.String()}
	}()
	select {
	case r := <-done:
		return r.code, r.out
	case <-time.After(10 * time.Second):
		t.Fatalf("conclave %s hung", strings.Join(args, " "))
		return 0, ""
	}
}

// A named pipe called *.cbor or *.txt hung verify, every board verb, qr
// decode and the importer (issue 10): each now refuses it at once, naming it.
func TestNamedPipesRefusedNotWaitedFor(t *testing.T) {
	work := t.TempDir()
	board, m, _ := oneMember(t, work, "Pipes", "2020-01-01T00:00:00Z")
	pipe := filepath.Join(board, "zz-pipe.cbor")
	if err := syscall.Mkfifo(pipe, 0o600); err != nil {
		t.Skip("no named pipes:", err)
	}
	txt := filepath.Join(work, "frames.txt")
	if err := syscall.Mkfifo(txt, 0o600); err != nil {
		t.Fatal(err)
	}
	f := func(n string) string { return filepath.Join(work, n) }
	for _, args := range [][]string{
		{"board", "status", board},
		{"verify", board},
		{"board", "next", board, "--out", f("n1.cbor")},
		{"board", "key", board, "--out", f("n2.cbor")},
		{"record", "export", board, "--json", f("n3.json")},
		{"board", "add", f("board"), pipe},
		{"member", "step", "--keystore", m.keystore, "--in", pipe, "--out", f("n4.cbor"), "--passphrase-file", m.pass},
		{"member", "check", "--keystore", m.keystore, "--passphrase-file", pipe},
		{"member", "check", "--keystore", pipe, "--passphrase-file", m.pass},
		{"qr", "decode", txt, "--out", f("n5.cbor")},
		{"board", "request", board, "--ciphertexts", txt, "--out", f("n6.cbor")},
		{"ballots", "sum", txt, "--out", f("n7.json")},
	} {
		code, out := runWithin(t, args...)
		if code == 0 {
			t.Errorf("conclave %s: exit 0 with a named pipe:\n%s", strings.Join(args, " "), out)
		}
		if !strings.Contains(out, "zz-pipe.cbor") && !strings.Contains(out, "frames.txt") {
			t.Errorf("conclave %s does not name the pipe:\n%s", strings.Join(args, " "), out)
		}
	}
	os.Remove(pipe)
	run(t, 0, "verify", board)
}

// A file of the board that cannot be read, or is not a valid message,
// stopped nothing: board status said nothing with exit 0 and board next
// handed out what it had (issue 10). Now every verb stops and names it.
func TestUnreadableBoardFilesStopTheVerbs(t *testing.T) {
	work := t.TempDir()
	board, _, _ := oneMember(t, work, "Unreadable", "2020-01-01T00:00:00Z")
	f := func(n string) string { return filepath.Join(work, n) }

	// Larger than any message: refused by its size, never read.
	huge := filepath.Join(board, "deal-member09-huge.cbor")
	hf, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := hf.Truncate(3 << 30); err != nil {
		t.Skip(err)
	}
	hf.Close()
	for _, args := range [][]string{
		{"board", "status", board},
		{"board", "next", board, "--out", f("a.cbor")},
		{"board", "key", board, "--out", f("b.cbor")},
		{"verify", board},
		{"record", "export", board, "--json", f("c.json")},
	} {
		code, out := runWithin(t, args...)
		if code == 0 || !strings.Contains(out, "deal-member09-huge.cbor") {
			t.Errorf("conclave %s: exit %d, with a 3 GiB file in the board:\n%s", strings.Join(args, " "), code, out)
		}
	}
	for _, n := range []string{"a.cbor", "b.cbor", "c.json"} {
		if _, err := os.Stat(f(n)); err == nil {
			t.Errorf("%s was written although the board could not be read whole", n)
		}
	}
	os.Remove(huge)

	// Read, but not a message of this board: status reports it with a
	// non-zero exit; the verbs that hand out refuse.
	os.WriteFile(filepath.Join(board, "deal-member02-junk.cbor"), []byte("not a message"), 0o644)
	code, out := runWithin(t, "board", "status", board)
	if code == 0 || !strings.Contains(out, "deal-member02-junk.cbor") {
		t.Errorf("board status: exit %d with a skipped file:\n%s", code, out)
	}
	code, out = runWithin(t, "board", "key", board, "--out", f("d.cbor"))
	if code == 0 || !strings.Contains(out, "deal-member02-junk.cbor") {
		t.Errorf("board key: exit %d with a skipped file:\n%s", code, out)
	}
}

// --out replaced whatever was at the path with exit 0 (issue 10): the
// keystore (member step --out KEYSTORE), a record file (board key --out
// BOARD/FILE), a device (record export --json /dev/null as root).
func TestOutNeverOverwritesWhatMatters(t *testing.T) {
	work := t.TempDir()
	board, m, _ := oneMember(t, work, "Overwrite", "2020-01-01T00:00:00Z")
	f := func(n string) string { return filepath.Join(work, n) }
	ksBefore, _ := os.ReadFile(m.keystore)
	records, _ := filepath.Glob(filepath.Join(board, "*.cbor"))
	record := records[0]
	recBefore, _ := os.ReadFile(record)

	// A second keystore to aim at: enrol in another ceremony.
	other := filepath.Join(work, "other")
	_, m2, _ := oneMember(t, other, "Other", "2020-01-01T00:00:00Z")
	ks2Before, _ := os.ReadFile(m2.keystore)

	dev := os.DevNull
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"member", "step", "--keystore", m.keystore, "--in", f("next.cbor"), "--out", m.keystore, "--force", "--passphrase-file", m.pass}, "keystore itself"},
		{[]string{"member", "step", "--keystore", f("new/k.key"), "--name", "Zoé", "--in", f("call.cbor"), "--out", f("new/k.key"), "--passphrase-file", m.pass}, "keystore itself"},
		{[]string{"board", "next", board, "--out", m2.keystore, "--force"}, "is a keystore"},
		{[]string{"board", "key", board, "--out", record, "--force"}, "board folder"},
		{[]string{"board", "key", board, "--out", filepath.Join(board, "new.cbor")}, "board folder"},
		{[]string{"board", "key", board, "--out", f("key.cbor")}, "--force"},
		{[]string{"ballots", "encrypt", "--key", f("key.cbor"), "--simulate", "3", "--options", "2", "--out", f("key.cbor")}, "--force"},
		{[]string{"record", "export", board, "--json", dev, "--force"}, "not a regular file"},
		{[]string{"record", "export", board, "--json", work, "--force"}, "not a regular file"},
		{[]string{"qr", "decode", f("frames.txt"), "--out", m.keystore, "--force"}, "is a keystore"},
	} {
		os.WriteFile(f("frames.txt"), []byte("ur:conclave/aeadaolazmjendeoti\n"), 0o644)
		// Each as the issue ran it (without --force), then with --force,
		// which must not help, except for an ordinary earlier output.
		var plain []string
		for _, a := range c.args {
			if a != "--force" {
				plain = append(plain, a)
			}
		}
		for _, args := range [][]string{plain, c.args} {
			code, out := runWithin(t, args...)
			if code == 0 || !strings.Contains(out, c.want) && !(len(args) < len(c.args) && strings.Contains(out, "--force")) {
				t.Errorf("conclave %s: exit %d, want a refusal with %q:\n%s", strings.Join(args, " "), code, c.want, out)
			}
		}
	}
	if got, _ := os.ReadFile(m.keystore); !bytes.Equal(got, ksBefore) {
		t.Error("the keystore changed")
	}
	if got, _ := os.ReadFile(m2.keystore); !bytes.Equal(got, ks2Before) {
		t.Error("the other keystore changed")
	}
	if got, _ := os.ReadFile(record); !bytes.Equal(got, recBefore) {
		t.Error("the record file changed")
	}
	if fi, err := os.Stat(dev); err != nil || fi.Mode().IsRegular() {
		t.Errorf("%s is no longer a device", dev)
	}
	if _, err := os.Stat(f("new/k.key")); err == nil {
		t.Error("a keystore was made although its answer could not be written")
	}
	// With --force an ordinary earlier output is replaced.
	run(t, 0, "board", "key", board, "--out", f("key.cbor"), "--force")
	run(t, 0, "verify", board)
}
