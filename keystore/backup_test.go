package keystore

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestBackup(t *testing.T) {
	s, path := newTestStore(t, testSecret)
	stick2 := t.TempDir()
	dest, err := s.Backup(stick2)
	if err != nil {
		t.Fatal(err)
	}
	if dest != filepath.Join(stick2, filepath.Base(path)) {
		t.Fatalf("dest %s", dest)
	}
	if !bytes.Equal(readAll(t, dest), readAll(t, path)) {
		t.Fatal("copy differs")
	}
	if got := openSecretAt(t, dest, testPass); !bytes.Equal(got, testSecret) {
		t.Fatal("copy does not open")
	}
	if err := s.VerifyCopy(dest); err != nil {
		t.Fatal(err)
	}
	// After a Save the old copy is outdated; backing up again replaces it.
	if err := s.Save(testHeader(), []byte("newer")); err != nil {
		t.Fatal(err)
	}
	if err := s.VerifyCopy(dest); !errors.Is(err, ErrBackupMismatch) {
		t.Fatalf("outdated copy: %v", err)
	}
	if _, err := s.Backup(stick2); err != nil {
		t.Fatalf("replace older copy: %v", err)
	}
	if got := openSecretAt(t, dest, testPass); string(got) != "newer" {
		t.Fatal("copy not replaced")
	}
	// The folder of the key itself is refused.
	if _, err := s.Backup(filepath.Dir(path)); !errors.Is(err, ErrSameLocation) {
		t.Fatalf("same folder: %v", err)
	}
	// A different file with that name is never overwritten.
	stick3 := t.TempDir()
	other := filepath.Join(stick3, filepath.Base(path))
	os.WriteFile(other, []byte("someone's notes"), 0o600)
	if _, err := s.Backup(stick3); !errors.Is(err, ErrExists) {
		t.Fatalf("foreign file: %v", err)
	}
	if string(readAll(t, other)) != "someone's notes" {
		t.Fatal("foreign file overwritten")
	}
	// Nor another member's key.
	bob, bobPath := newTestStore(t, []byte("bob"))
	defer bob.Destroy()
	stick4 := t.TempDir()
	bobBytes := readAll(t, bobPath)
	os.WriteFile(filepath.Join(stick4, filepath.Base(path)), reHeader(t, bobBytes, func(w *wireHeader) { w.Member = 9 }), 0o600)
	if _, err := s.Backup(stick4); !errors.Is(err, ErrExists) {
		t.Fatalf("another member's key: %v", err)
	}
}

// TestBackupFaultyStick: a stick that corrupts what is written is detected
// before the copy is put in place, and an earlier copy stays intact.
func TestBackupFaultyStick(t *testing.T) {
	s, _ := newTestStore(t, testSecret)
	stick2 := t.TempDir()
	dest, err := s.Backup(stick2)
	if err != nil {
		t.Fatal(err)
	}
	good := readAll(t, dest)
	if err := s.Save(testHeader(), []byte("newer")); err != nil {
		t.Fatal(err)
	}
	s.fs = &faultFS{corrupt: true}
	_, err = s.Backup(stick2)
	if !errors.Is(err, ErrBackupMismatch) {
		t.Fatalf("faulty stick: %v", err)
	}
	checkErrShape(t, err)
	if !bytes.Equal(readAll(t, dest), good) {
		t.Fatal("earlier copy replaced by a bad one")
	}
	if left := temps(t, stick2); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
	// Fresh destination, faulty stick: nothing left behind.
	stick3 := t.TempDir()
	if _, err := s.Backup(stick3); !errors.Is(err, ErrBackupMismatch) {
		t.Fatalf("faulty stick, new copy: %v", err)
	}
	if ents, _ := os.ReadDir(stick3); len(ents) != 0 {
		t.Fatalf("left %v", ents)
	}
}

// TestBackupCorruptedLater: a copy damaged after the backup is reported by
// VerifyCopy with the decoding error.
func TestBackupCorruptedLater(t *testing.T) {
	s, _ := newTestStore(t, testSecret)
	dest, err := s.Backup(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b := readAll(t, dest)
	b[len(b)/2] ^= 0x10
	os.WriteFile(dest, b, 0o600)
	if err := s.VerifyCopy(dest); !errors.Is(err, ErrDamaged) {
		t.Fatalf("damaged copy: %v", err)
	}
	os.WriteFile(dest, b[:40], 0o600)
	if err := s.VerifyCopy(dest); !errors.Is(err, ErrTruncated) {
		t.Fatalf("truncated copy: %v", err)
	}
	// A forged copy that keeps the bytes but is not decryptable cannot exist
	// (byte equality); a copy of another key is reported as such.
	other, otherPath := newTestStore(t, []byte("other"))
	other.Destroy()
	if err := s.VerifyCopy(otherPath); !errors.Is(err, ErrBackupMismatch) {
		t.Fatalf("other key: %v", err)
	}
}
