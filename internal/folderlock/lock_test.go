package folderlock

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSecondRunRefused(t *testing.T) {
	dir := t.TempDir()
	l, err := Acquire(dir, "keystore")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Acquire(dir, "keystore")
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("second lock: %v", err)
	}
	if want := "another Conclave is using this keystore"; err == nil || !contains(err.Error(), want) {
		t.Fatalf("message %q lacks %q", err, want)
	}
	l.Release()
	l2, err := Acquire(dir, "keystore")
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	l2.Release()
}

func contains(s, sub string) bool { return indexOf(s, sub) >= 0 }

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestCleanLeftovers(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-time.Hour)
	mk := func(name string, at time.Time) {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte("x"), 0o600)
		os.Chtimes(p, at, at)
	}
	mk(".deal.cbor.part-12345", old) // ours, left by a killed run
	mk(".deal.cbor.part-abc", old)   // not our pattern
	mk("deal.cbor.part-123", old)    // not hidden: not ours
	mk(".conclave.key.tmp-999", old) // the keystore's own: it cleans them
	mk("notes.txt", old)
	l, err := Acquire(dir, "board")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	mk(".key.cbor.part-777", time.Now().Add(time.Hour)) // newer than the lock
	got := l.CleanLeftovers(dir)
	if len(got) != 1 || got[0] != ".deal.cbor.part-12345" {
		t.Fatalf("removed %v", got)
	}
	for _, n := range []string{".deal.cbor.part-abc", "deal.cbor.part-123", ".conclave.key.tmp-999", "notes.txt", ".key.cbor.part-777"} {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Errorf("%s was removed", n)
		}
	}
}
