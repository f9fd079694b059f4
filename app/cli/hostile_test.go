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

	"conclave/internal/folderlock"
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
		{"member", "step", "--yes", "--i-understand", "--keystore", m.keystore, "--in", pipe, "--out", f("n4.cbor"), "--passphrase-file", m.pass},
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
		{[]string{"member", "step", "--yes", "--i-understand", "--keystore", m.keystore, "--in", f("next.cbor"), "--out", m.keystore, "--force", "--passphrase-file", m.pass}, "keystore itself"},
		{[]string{"member", "step", "--yes", "--i-understand", "--keystore", f("new/k.key"), "--name", "Zoé", "--in", f("call.cbor"), "--out", f("new/k.key"), "--passphrase-file", m.pass}, "keystore itself"},
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

// toManifest runs a one-member ceremony to the deal step and returns the
// board, the member and the manifest file.
func toManifest(t *testing.T, work string) (string, *cliMember, string) {
	t.Helper()
	f := func(n string) string { return filepath.Join(work, n) }
	board := f("board")
	run(t, 0, "board", "new", board, "--title", "Locks", "--members", "1", "--threshold", "1", "--close", "2020-01-01T00:00:00Z", "--i-understand")
	run(t, 0, "board", "next", board, "--out", f("call.cbor"))
	m := &cliMember{name: "Alice", keystore: f("stick/conclave.key"), pass: f("pass")}
	os.MkdirAll(filepath.Dir(m.keystore), 0o700)
	os.WriteFile(m.pass, []byte("granite puzzle harbor lanterns saffron\n"), 0o600)
	m.step(t, f("call.cbor"), f("card.cbor"))
	run(t, 0, "board", "add", board, f("card.cbor"))
	run(t, 0, "board", "next", board, "--out", f("manifest.cbor"))
	return board, m, f("manifest.cbor")
}

// Two member step runs at the deal step both succeeded with different
// deals in half the trials (issue 10). Now a run holds the keystore's
// folder for its whole length and a second one refuses.
func TestSecondRunOnAKeystoreRefused(t *testing.T) {
	work := t.TempDir()
	f := func(n string) string { return filepath.Join(work, n) }
	board, m, manifest := toManifest(t, work)
	step := func(out string) []string {
		return []string{"member", "step", "--yes", "--i-understand", "--keystore", m.keystore, "--in", manifest, "--out", out, "--passphrase-file", m.pass}
	}

	// While another run holds the keystore, a run refuses at once.
	l, err := folderlock.Acquire(filepath.Dir(m.keystore), "keystore")
	if err != nil {
		t.Fatal(err)
	}
	code, out := runWithin(t, step(f("deal-a.cbor"))...)
	if code != 1 || !strings.Contains(out, "another Conclave is using this keystore") || !strings.Contains(out, "wait for it to finish") {
		t.Fatalf("with the keystore held: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(f("deal-a.cbor")); err == nil {
		t.Fatal("a deal was written while another run held the keystore")
	}
	// The board too.
	lb, err := folderlock.Acquire(board, "board")
	if err != nil {
		t.Fatal(err)
	}
	if code, out := runWithin(t, "board", "next", board, "--out", f("x.cbor")); code != 1 || !strings.Contains(out, "another Conclave is using this board") {
		t.Fatalf("with the board held: exit %d\n%s", code, out)
	}
	lb.Release()
	l.Release()

	// Two runs at once: one deals; the other refuses or hands out the very
	// same deal; never two different deals.
	type res struct {
		code int
		out  string
	}
	results := make(chan res, 2)
	for _, o := range []string{"deal-1.cbor", "deal-2.cbor"} {
		go func() {
			var so, se bytes.Buffer
			c := Main(step(f(o)), strings.NewReader(""), &so, &se)
			results <- res{c, so.String() + se.String()}
		}()
	}
	ok := 0
	for range 2 {
		r := <-results
		switch {
		case r.code == 0:
			ok++
		case !strings.Contains(r.out, "another Conclave is using this keystore"):
			t.Errorf("a concurrent run failed for another reason:\n%s", r.out)
		}
	}
	if ok == 0 {
		t.Fatal("neither run dealt")
	}
	d1, err1 := os.ReadFile(f("deal-1.cbor"))
	d2, err2 := os.ReadFile(f("deal-2.cbor"))
	if err1 == nil && err2 == nil && !bytes.Equal(d1, d2) {
		t.Fatal("two different deals from one keystore")
	}
	for _, d := range []string{f("deal-1.cbor"), f("deal-2.cbor")} {
		if _, err := os.Stat(d); err == nil {
			run(t, 0, "board", "add", board, d)
		}
	}
}

// Temporary files left by a killed run are removed at the next run of a
// verb on that folder: only ours, only older than the lock.
func TestLeftoversCleanedAtNextRun(t *testing.T) {
	work := t.TempDir()
	board, m, manifest := toManifest(t, work)
	old := time.Now().Add(-time.Hour)
	mk := func(p string) {
		os.WriteFile(p, []byte("half a deal"), 0o600)
		os.Chtimes(p, old, old)
	}
	inBoard := filepath.Join(board, ".deal-member01-X.cbor.part-123456")
	inStick := filepath.Join(filepath.Dir(m.keystore), ".deal.cbor.part-42")
	notOurs := filepath.Join(board, "notes.part-1")
	mk(inBoard)
	mk(inStick)
	mk(notOurs)
	out := m.step(t, manifest, filepath.Join(work, "deal.cbor"))
	if !strings.Contains(out, "removed "+inStick) {
		t.Errorf("member step did not report the leftover:\n%s", out)
	}
	out = run(t, 0, "board", "add", board, filepath.Join(work, "deal.cbor"))
	if !strings.Contains(out, "removed "+inBoard) {
		t.Errorf("board add did not report the leftover:\n%s", out)
	}
	for _, p := range []string{inBoard, inStick} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s is still there", p)
		}
	}
	if _, err := os.Stat(notOurs); err != nil {
		t.Error("a file not of our pattern was removed")
	}
}

// A keystore path through a symbolic link was replaced by a regular file
// while the stick kept the stale state (issue 10): the link is followed.
func TestKeystoreThroughALinkStaysALink(t *testing.T) {
	work := t.TempDir()
	_, m, manifest := toManifest(t, work)
	link := filepath.Join(work, "pc-link.key")
	if err := os.Symlink(m.keystore, link); err != nil {
		t.Skip(err)
	}
	before, _ := os.ReadFile(m.keystore)
	run(t, 0, "member", "step", "--yes", "--i-understand", "--keystore", link, "--in", manifest, "--out", filepath.Join(work, "deal.cbor"), "--passphrase-file", m.pass)
	fi, err := os.Lstat(link)
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatal("the link was replaced by a regular file")
	}
	after, _ := os.ReadFile(m.keystore)
	if bytes.Equal(before, after) {
		t.Fatal("the keystore on the stick was not updated")
	}
}
