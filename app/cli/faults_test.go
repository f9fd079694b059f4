//go:build unix

package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"conclave/app/office"
	"conclave/ceremony"
	"conclave/internal/faultfs"
	"conclave/keystore"
)

// The fault campaign (issue 10): for every verb that writes, fail or kill
// the process at each of its file operations in turn (faultfs counts them:
// create, write, sync, close, rename, remove, syncdir), then check that
// every file is the old one or a complete new one (nothing torn, nothing
// lost) and that the ceremony still completes: the verb run again, the
// rest of the ceremony, and 'verify' on the record.
//
// 'go test' runs a sample (the first, middle and last operation of each
// verb); CONCLAVE_FAULTS=full (make faults) runs every operation.

func init() {
	faultChildMain = func() {
		if args := os.Getenv(envChild); args != "" {
			if os.Getenv(envInChunks) != "" {
				inChunks()
			}
			os.Exit(faultChild(args))
		}
	}
}

// Environment of a child process killed at an operation.
const (
	envChild  = "CONCLAVE_FAULT_CHILD" // JSON of the verb's arguments
	envKillAt = "CONCLAVE_FAULT_KILL_AT"
)

// faultChild runs one verb and kills itself (SIGKILL: no deferred
// clean-up, no flush) just before file operation number killAt.
func faultChild(argsJSON string) int {
	var args []string
	if err := json.Unmarshal([]byte(argsJSON), &args); err != nil {
		return 99
	}
	killAt, _ := strconv.Atoi(os.Getenv(envKillAt))
	n := 0
	faultfs.Set(func(op, path string) error {
		n++
		if n == killAt {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {}
		}
		return nil
	})
	return Main(withExpect(args), strings.NewReader(""), os.Stdout, os.Stderr)
}

// expectPlaceholder stands for the ceremony fingerprint of key.cbor in the
// folder a verb runs in: each replay of the script makes a new ceremony, so
// the fingerprint that ballots encrypt --expect needs is known only then.
const expectPlaceholder = "{ceremony fingerprint of key.cbor}"

func withExpect(args []string) []string {
	out := append([]string(nil), args...)
	for i, a := range out {
		if a != expectPlaceholder {
			continue
		}
		out[i] = "unreadable key.cbor"
		if m, err := office.ReadMessage("key.cbor"); err == nil {
			if ek, err := ceremony.ParseElectionKey(m); err == nil {
				out[i] = ek.Ceremony.Fingerprint()
			}
		}
	}
	return out
}

// faultScript is a whole one-member ceremony, decryption, export, backup
// and passphrase change included, as verbs run in one folder with relative
// paths. Verbs that write take --force: a run again after a failure
// replaces its own earlier output.
func faultScript(t *testing.T, dir string) [][]string {
	t.Helper()
	ks := "stick/conclave.key"
	kdf := []string{"--kdf-memory", "8", "--kdf-time", "1"}
	step := func(in, out string) []string {
		return append([]string{"member", "step", "--yes", "--i-understand", "--keystore", ks, "--name", "Alice", "--in", in, "--out", out, "--force", "--passphrase-file", "pass"}, kdf...)
	}
	os.MkdirAll(filepath.Join(dir, "stick"), 0o700)
	os.MkdirAll(filepath.Join(dir, "backup"), 0o700)
	os.WriteFile(filepath.Join(dir, "pass"), []byte("granite puzzle harbor lanterns saffron\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "pass2"), []byte("meadow copper violin orchard quartz\n"), 0o600)
	script := [][]string{
		{"board", "new", "board", "--title", "Faults", "--members", "1", "--threshold", "1", "--close", "2020-01-01T00:00:00Z", "--i-understand"},
		{"board", "next", "board", "--out", "call.cbor", "--force"},
		step("call.cbor", "card.cbor"),
		{"board", "add", "board", "card.cbor"},
	}
	// The steps of the key ceremony, as many as it takes.
	for i := 1; i <= 4; i++ {
		next, ans := fmt.Sprintf("next%d.cbor", i), fmt.Sprintf("answer%d.cbor", i)
		script = append(script, []string{"board", "next", "board", "--out", next, "--force"}, step(next, ans))
		script = append(script, []string{"board", "add", "board", ans})
	}
	script = append(script,
		[]string{"board", "key", "board", "--out", "key.cbor", "--force"},
		[]string{"ballots", "encrypt", "--key", "key.cbor", "--expect", expectPlaceholder, "--simulate", "5", "--options", "2", "--seed", "3", "--out", "ballots.json", "--force"},
		[]string{"ballots", "sum", "ballots.json", "--out", "tally.json", "--force"},
		[]string{"board", "request", "board", "--ciphertexts", "tally.json", "--out", "request.cbor", "--force"},
		[]string{"member", "decrypt", "--keystore", ks, "--in", "request.cbor", "--out", "partial.cbor", "--yes", "--force", "--passphrase-file", "pass"},
		[]string{"board", "add", "board", "partial.cbor"},
		[]string{"board", "tally", "board", "--out", "result.json", "--force"},
		[]string{"record", "export", "board", "--json", "record.json", "--force"},
		[]string{"member", "backup", "--keystore", ks, "--to", "backup", "--passphrase-file", "pass"},
		append([]string{"member", "passphrase", "--keystore", ks, "--passphrase-file", "pass", "--new-passphrase-file", "pass2"}, kdf...),
	)
	// Resolve the conditional steps with a dry run: a member step that has
	// nothing to hand in writes nothing, and its 'board add' goes.
	t.Chdir(dir)
	var kept [][]string
	for _, args := range script {
		if args[0] == "board" && args[1] == "add" && strings.HasPrefix(args[3], "answer") {
			if _, err := os.Stat(args[3]); err != nil {
				continue
			}
		}
		if code, out := runIn(args); code != 0 {
			t.Fatalf("dry run: conclave %s: exit %d\n%s", strings.Join(args, " "), code, out)
		}
		kept = append(kept, args)
	}
	return kept
}

func runIn(args []string) (int, string) {
	var out bytes.Buffer
	code := Main(withExpect(args), strings.NewReader(""), &out, &out)
	return code, out.String()
}

// writes reports whether a verb is in the campaign (issue 10's list).
func writes(args []string) bool {
	v := args[0] + " " + args[1]
	switch v {
	case "member step", "member decrypt", "member backup", "member passphrase",
		"board add", "board next", "board key", "board request", "board tally", "record export":
		return true
	}
	return false
}

// snapshot is every regular file under dir, by relative path.
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		files[rel], _ = os.ReadFile(p)
		return nil
	})
	return files
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	for rel, data := range snapshot(t, from) {
		p := filepath.Join(to, rel)
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Join(to, "board", "handout"), 0o755)
	os.MkdirAll(filepath.Join(to, "backup"), 0o700)
	os.MkdirAll(filepath.Join(to, "stick"), 0o700)
}

// leftover reports the temporary files an interrupted write may leave
// (cleaned at the next run) and the lock file.
func leftover(rel string) bool {
	b := filepath.Base(rel)
	return strings.Contains(b, ".part-") || strings.Contains(b, ".tmp-") || b == ".conclave.lock"
}

// whole reports whether a file is complete: what each kind must parse as.
func whole(rel string, data []byte) error {
	switch {
	case strings.HasSuffix(rel, ".cbor"):
		_, err := ceremony.ParseEnvelope(data)
		return err
	case strings.HasSuffix(rel, ".json"):
		if !json.Valid(data) {
			return errors.New("not valid JSON")
		}
		return nil
	case strings.HasSuffix(rel, ".key"):
		if !keystore.LooksLikeKeystore(data) {
			return errors.New("not a keystore")
		}
		p := filepath.Join(os.TempDir(), fmt.Sprintf("conclave-fault-%d.key", os.Getpid()))
		defer os.Remove(p)
		os.WriteFile(p, data, 0o600)
		_, err := keystore.Inspect(p)
		return err
	}
	return errors.New("changed, and not a kind that may change")
}

// checkFiles compares the folder after a fault with before: every file is
// the old one or a whole new one; none is lost.
func checkFiles(t *testing.T, dir string, before map[string][]byte, where string) (lost int) {
	t.Helper()
	after := snapshot(t, dir)
	for rel, old := range before {
		if leftover(rel) {
			continue
		}
		now, ok := after[rel]
		switch {
		case !ok:
			t.Errorf("%s: %s was lost", where, rel)
			lost++
		case !bytes.Equal(now, old):
			if err := whole(rel, now); err != nil {
				t.Errorf("%s: %s is neither old nor whole: %v", where, rel, err)
				lost++
			}
		}
	}
	for rel, now := range after {
		if _, ok := before[rel]; ok || leftover(rel) {
			continue
		}
		if err := whole(rel, now); err != nil {
			t.Errorf("%s: new file %s is not whole: %v", where, rel, err)
			lost++
		}
	}
	return lost
}

// complete runs verb i again and the rest of the script, then verify: the
// ceremony still completes. A passphrase change that went through is not
// run again (the old passphrase no longer opens the keystore).
func complete(t *testing.T, script [][]string, i int, where string) {
	t.Helper()
	for _, args := range script[i:] {
		if args[1] == "passphrase" {
			if code, _ := runIn([]string{"member", "check", "--keystore", "stick/conclave.key", "--passphrase-file", "pass2"}); code == 0 {
				continue
			}
		}
		if code, out := runIn(args); code != 0 {
			t.Errorf("%s: then conclave %s: exit %d\n%s", where, strings.Join(args, " "), code, out)
			return
		}
	}
	if code, out := runIn([]string{"verify", "board"}); code != 0 {
		t.Errorf("%s: the record does not verify:\n%s", where, out)
	}
}

func TestFaultCampaign(t *testing.T) { faultCampaign(t) }

// TestFaultCampaignInChunks is the campaign with every request and board
// file read in chunks (office.StreamAbove and office.StreamBoardAbove
// lowered to nothing, here and in the children): the answer written as it
// is made, the request written as the ciphertext file is read, every
// message taken in from the board's copy.
func TestFaultCampaignInChunks(t *testing.T) {
	t.Setenv(envInChunks, "1")
	defer inChunks()()
	faultCampaign(t)
}

// envInChunks makes a child of the campaign read every file in chunks.
const envInChunks = "CONCLAVE_FAULTS_IN_CHUNKS"

// inChunks lowers the thresholds of reading in chunks to nothing and
// returns what restores them.
func inChunks() func() {
	a, b := office.StreamAbove, office.StreamBoardAbove
	office.StreamAbove, office.StreamBoardAbove = 0, 0
	return func() { office.StreamAbove, office.StreamBoardAbove = a, b }
}

func faultCampaign(t *testing.T) {
	full := os.Getenv("CONCLAVE_FAULTS") == "full"
	if testing.Short() && !full {
		t.Skip("the fault campaign is not short")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	ref := filepath.Join(root, "ref")
	os.MkdirAll(ref, 0o755)
	script := faultScript(t, ref)

	type tally struct{ ops, killed, failed, lost int }
	counts := map[string]*tally{}
	var order []string

	// Replay the script in a fresh folder; before each verb that writes,
	// copy the folder and fault that verb in the copies.
	base := filepath.Join(root, "base")
	os.MkdirAll(base, 0o755)
	for _, n := range []string{"pass", "pass2"} {
		data, _ := os.ReadFile(filepath.Join(ref, n))
		os.WriteFile(filepath.Join(base, n), data, 0o600)
	}
	os.MkdirAll(filepath.Join(base, "stick"), 0o700)
	os.MkdirAll(filepath.Join(base, "backup"), 0o700)
	run := 0
	for i, args := range script {
		if writes(args) {
			verb := args[0] + " " + args[1]
			if counts[verb] == nil {
				counts[verb] = &tally{}
				order = append(order, verb)
			}
			c := counts[verb]
			// How many file operations this verb does here.
			probe := filepath.Join(root, fmt.Sprintf("probe%d", i))
			copyTree(t, base, probe)
			t.Chdir(probe)
			ops := 0
			faultfs.Set(func(string, string) error { ops++; return nil })
			code, out := runIn(args)
			faultfs.Set(nil)
			if code != 0 {
				t.Fatalf("probe: conclave %s: exit %d\n%s", strings.Join(args, " "), code, out)
			}
			// The sample: the first time each verb runs, killed at its
			// middle operation and failed at its first and last.
			type fault struct {
				mode string
				k    int
			}
			var faults []fault
			for k := 1; k <= ops; k++ {
				switch {
				case full:
					faults = append(faults, fault{"kill", k}, fault{"fail", k})
				case c.killed+c.failed > 0:
				case k == (ops+1)/2:
					faults = append(faults, fault{"kill", k})
				case k == 1 || k == ops:
					faults = append(faults, fault{"fail", k})
				}
			}
			c.ops += ops
			for _, f := range faults {
				k, mode := f.k, f.mode
				{
					run++
					dir := filepath.Join(root, fmt.Sprintf("run%d", run))
					copyTree(t, base, dir)
					before := snapshot(t, dir)
					where := fmt.Sprintf("%s (%s at operation %d of %d)", strings.Join(args, " "), mode, k, ops)
					if mode == "kill" {
						aj, _ := json.Marshal(args)
						cmd := exec.Command(exe, "-test.run=^$")
						cmd.Dir = dir
						cmd.Env = append(os.Environ(), envChild+"="+string(aj), envKillAt+"="+strconv.Itoa(k))
						out, err := cmd.CombinedOutput()
						var ee *exec.ExitError
						if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
							t.Fatalf("%s: the child was not killed (%v):\n%s", where, err, out)
						}
						c.killed++
					} else {
						t.Chdir(dir)
						n := 0
						faultfs.Set(func(op, path string) error {
							n++
							if n == k {
								return &fs.PathError{Op: op, Path: path, Err: syscall.EIO}
							}
							return nil
						})
						runIn(args) // may fail or not (a failed clean-up is no failure)
						faultfs.Set(nil)
						c.failed++
					}
					c.lost += checkFiles(t, dir, before, where)
					t.Chdir(dir)
					complete(t, script, i, where)
					os.RemoveAll(dir)
				}
			}
			os.RemoveAll(probe)
		}
		t.Chdir(base)
		if code, out := runIn(args); code != 0 {
			t.Fatalf("conclave %s: exit %d\n%s", strings.Join(args, " "), code, out)
		}
	}
	total := tally{}
	for _, v := range order {
		c := counts[v]
		t.Logf("%-18s %4d file operations, %4d kills, %4d failures, %d files lost or torn", v, c.ops, c.killed, c.failed, c.lost)
		total.ops += c.ops
		total.killed += c.killed
		total.failed += c.failed
		total.lost += c.lost
	}
	t.Logf("%-18s %4d file operations, %4d kills, %4d failures, %d files lost or torn", "all", total.ops, total.killed, total.failed, total.lost)
}
