package office

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"conclave/ceremony"
	"conclave/keystore"
)

// accept is a member who read the terms of a call or manifest and
// confirmed them, dangers included.
func accept(t *testing.T, msg *ceremony.Envelope) Acceptance {
	t.Helper()
	terms, err := ReadTerms(msg, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	acc, err := terms.Accept(true)
	if err != nil {
		t.Fatal(err)
	}
	return acc
}

// passOf is the passphrase of member i of smallCeremony.
func passOf(i int) keystore.Passphrase {
	return keystore.NewPassphrase([]byte(fmt.Sprintf("copper lantern meadow %d harbor", 71+i)))
}

// smallCeremony runs a 2-member, threshold-2 ceremony on a board in dir and
// returns the board and the members' keystores.
// smallCeremonyKey is smallCeremony with its members closed at the end of
// the test, and its election key.
func smallCeremonyKey(t *testing.T, dir string) (*Board, []*Member, *ceremony.ElectionKey) {
	t.Helper()
	b, ms := smallCeremony(t, dir)
	for _, m := range ms {
		t.Cleanup(func() { m.Close() })
	}
	k, _ := b.State.ElectionKeyFile()
	ek, err := ceremony.ParseElectionKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return b, ms, ek
}

func smallCeremony(t *testing.T, dir string) (*Board, []*Member) {
	t.Helper()
	b, err := CreateBoard(filepath.Join(dir, "board"), "Test", 2, 2, false, time.Unix(1600000000, 0))
	if err != nil {
		t.Fatal(err)
	}
	call, err := b.Next(false)
	if err != nil {
		t.Fatal(err)
	}
	var ms []*Member
	for i, name := range []string{"Alice", "Bruno"} {
		pass := passOf(i)
		m, card, err := Enrol(filepath.Join(dir, name+".key"), pass, name, call, accept(t, call), keystore.MinKDF)
		if err != nil {
			t.Fatal(i, err)
		}
		if _, err := b.Add(card.Bytes()); err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	for round := 0; round < 5 && !b.State.Complete(); round++ {
		msg, err := b.Next(false)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if msg.Kind == ceremony.KindManifest {
				if err := m.Confirm(accept(t, msg)); err != nil {
					t.Fatal(err)
				}
			}
			out, err := m.Step(msg)
			if err != nil {
				t.Fatal(err)
			}
			if out.Out != nil {
				if _, err := b.Add(out.Out.Bytes()); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if !b.State.Complete() {
		t.Fatal("not complete")
	}
	return b, ms
}

// TestBoardFolder: a board reopens from its folder alone; foreign and
// damaged files in it are reported one by one and do not stop the rest.
func TestBoardFolder(t *testing.T) {
	dir := t.TempDir()
	b, ms := smallCeremony(t, dir)
	defer ms[0].Close()
	defer ms[1].Close()
	os.WriteFile(filepath.Join(b.Dir, "notes.cbor"), []byte("not a message"), 0o644)
	files, _, _ := ReadRecord(b.Dir)
	var deal string
	for _, f := range files {
		if strings.HasPrefix(f.Name, "deal-") {
			deal = f.Name
		}
	}
	data, _ := os.ReadFile(filepath.Join(b.Dir, deal))
	data[len(data)/2] ^= 1
	os.WriteFile(filepath.Join(b.Dir, "copy-of-"+deal), data, 0o644)

	again, err := OpenBoard(b.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if !again.State.Complete() {
		t.Fatal("the reopened board lost the ceremony")
	}
	if len(again.Skipped) != 2 {
		t.Fatalf("skipped %+v, want the two bad files", again.Skipped)
	}
	for _, p := range again.Skipped {
		if p.Reason == "" {
			t.Fatalf("no reason for %s", p.Path)
		}
	}
	if again.Issued != ceremony.StepConfirm {
		t.Fatalf("issued step %q not recovered from the handout folder", again.Issued)
	}
}

// TestAddLateAndRepeated: a message already on the board is recognised
// (nothing written, no error); a card after the manifest is refused, and
// nothing is written.
func TestAddLateAndRepeated(t *testing.T) {
	dir := t.TempDir()
	b, ms := smallCeremony(t, dir)
	defer ms[0].Close()
	defer ms[1].Close()
	before, _, _ := ReadRecord(b.Dir)
	for _, e := range b.State.Messages() {
		text, err := b.Add(e.Bytes())
		if err != nil || !strings.Contains(text.String(), "already on the board") {
			t.Fatalf("%s again: %q %v", e.Kind, text, err)
		}
	}
	call, _ := ceremony.ParseEnvelope(b.State.Manifest().Bytes())
	var man ceremony.Manifest
	call.DecodeBody(&man)
	callEnv, _ := ceremony.ParseEnvelope(man.Call)
	late, card, err := Enrol(filepath.Join(dir, "late.key"), keystore.NewPassphrase([]byte("orchid canyon 4411 ember violin")), "Late", callEnv, accept(t, callEnv), keystore.MinKDF)
	if err != nil {
		t.Fatal(err)
	}
	late.Close()
	if _, err := b.Add(card.Bytes()); err == nil || !strings.Contains(err.Error(), "after the manifest") {
		t.Fatalf("late card: %v", err)
	}
	after, _, _ := ReadRecord(b.Dir)
	if len(after) != len(before) {
		t.Fatal("a file was added")
	}
}

// TestWriteFileAtomic: a failed write leaves the old file whole and no
// temporary file behind.
func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "m.cbor")
	if err := WriteFileAtomic(p, []byte("old")); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(p, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Fatalf("got %q", b)
	}
	if os.Getuid() != 0 && runtime.GOOS != "windows" { // Windows: a folder's mode does not stop writes
		os.Chmod(dir, 0o500)
		defer os.Chmod(dir, 0o700)
		if err := WriteFileAtomic(p, []byte("newer")); err == nil {
			t.Fatal("write into a read-only folder succeeded")
		}
		if b, _ := os.ReadFile(p); string(b) != "new" {
			t.Fatalf("the old file changed: %q", b)
		}
	}
	// A write into a folder that is gone (a pulled stick) fails cleanly.
	if err := WriteFileAtomic(filepath.Join(dir, "gone", "x.cbor"), []byte("x")); err == nil || !strings.Contains(err.Error(), "stick") {
		t.Fatalf("write into a missing folder: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Fatalf("temporary file left behind: %s", e.Name())
		}
	}
}

// TestTallyChoosesThePendingRequest: without a named request, the count
// takes the one request without a result, and refuses when several wait.
func TestTallyChoosesThePendingRequest(t *testing.T) {
	dir := t.TempDir()
	b, ms := smallCeremony(t, dir)
	defer ms[0].Close()
	defer ms[1].Close()
	k, _ := b.State.ElectionKeyFile()
	ek, _ := ceremony.ParseElectionKey(k)
	var reqs []*ceremony.Envelope
	for _, votes := range [][]uint64{{1, 2, 2}, {2, 2, 2}} {
		ballots, _ := EncryptBallots(ek, votes, 2)
		tally, _ := ballots.Sum()
		req, err := b.Request("count", tally)
		if err != nil {
			t.Fatal(err)
		}
		reqs = append(reqs, req)
		for _, m := range ms {
			a, err := m.Decrypt(req, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := b.Add(a.Bytes()); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := b.Tally(ceremony.ID{}); err == nil || !strings.Contains(err.Error(), "2 requests have no result") {
		t.Fatalf("two pending: %v", err)
	}
	r, err := b.Tally(reqs[1].ID())
	if err != nil || fmtCounts(r.Counts) != "0,3" {
		t.Fatalf("second request: %v %v", r, err)
	}
	r, err = b.Tally(ceremony.ID{})
	if err != nil || fmtCounts(r.Counts) != "1,2" {
		t.Fatalf("the pending one: %v %v", r, err)
	}
	// Reopened from the folder, both results are there and verify.
	again, _ := OpenBoard(b.Dir)
	files, _, _ := ReadRecord(again.Dir)
	if rep := ceremony.Verify(files); !rep.OK() {
		t.Fatal("the record does not verify")
	}
}

func fmtCounts(c []uint64) string {
	return strings.Trim(strings.ReplaceAll(fmt.Sprint(c), " ", ","), "[]")
}

// TestExportRecord: the exported copy holds the messages only and verifies
// on its own.
func TestExportRecord(t *testing.T) {
	dir := t.TempDir()
	b, ms := smallCeremony(t, dir)
	defer ms[0].Close()
	defer ms[1].Close()
	os.WriteFile(filepath.Join(b.Dir, "stray.cbor"), []byte("x"), 0o644)
	out := filepath.Join(dir, "usb", "record")
	n, err := b.ExportRecord(out)
	if err != nil {
		t.Fatal(err)
	}
	files, problems, _ := ReadRecord(out)
	if n != len(files) || len(problems) != 0 || n < 8 {
		t.Fatalf("copied %d, found %d, problems %v", n, len(files), problems)
	}
	if rep := ceremony.Verify(files); !rep.OK() {
		t.Fatal("the copy does not verify")
	}
}

// TestDirCache: a key is remembered as an empty file in the folder named
// by CONCLAVE_CHECK_CACHE, found again, and "off" turns the cache off.
func TestDirCache(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "checked")
	t.Setenv(CheckCacheEnv, dir)
	c := boardCheckCache()
	k := ceremony.ID{1, 2, 3}
	if c.Passed(k) {
		t.Fatal("an empty cache says a check passed")
	}
	c.Remember(k)
	c.Remember(k)
	if !c.Passed(k) || c.Passed(ceremony.ID{1, 2, 4}) {
		t.Fatal("the cache does not tell remembered keys from others")
	}
	t.Setenv(CheckCacheEnv, "off")
	if boardCheckCache() != nil {
		t.Fatal("off does not turn the cache off")
	}
}
