package keystore

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// testKDF keeps tests fast (Argon2id t=1, 8 MiB, 1 lane).
var testKDF = MinKDF

const (
	testPass  = "orange kettle mountain violin"
	testPass2 = "quiet harbour seven lanterns"
)

var testCeremony = bytes.Repeat([]byte{0xC3}, 32)

func testHeader() Header {
	return Header{Ceremony: testCeremony, Member: 3, Name: "Alice Martin", VerificationKey: bytes.Repeat([]byte{7}, 32)}
}

func pw(t testing.TB, s string) Passphrase {
	p := NewPassphrase([]byte(s))
	t.Cleanup(p.Destroy)
	return p
}

// newTestStore creates a keystore in a fresh folder.
func newTestStore(t testing.TB, secret []byte) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "member.cks")
	s, err := Create(path, pw(t, testPass), testHeader(), secret, testKDF)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Destroy)
	return s, path
}

func secretOf(t testing.TB, s *Store) []byte {
	t.Helper()
	var out []byte
	if err := s.Use(func(b []byte) error { out = bytes.Clone(b); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// openSecretAt opens path with pass and returns the secret.
func openSecretAt(t testing.TB, path, pass string) []byte {
	t.Helper()
	p := NewPassphrase([]byte(pass))
	defer p.Destroy()
	s, err := Open(path, p)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer s.Destroy()
	return secretOf(t, s)
}

// fixChecksums recomputes the prefix check and the file check of raw (to
// model a deliberate alteration that keeps the checksums right).
func fixChecksums(raw []byte) []byte {
	b := bytes.Clone(raw)
	copy(b[18:26], prefixCheck(b[:18]))
	h := binary.BigEndian.Uint32(b[10:14])
	c := binary.BigEndian.Uint32(b[14:18])
	end := prefixLen + int(h) + int(c)
	sum := sha256.Sum256(b[:end])
	copy(b[end:], sum[:])
	return b
}

// reHeader replaces the header of raw by mutate(header), keeping the
// ciphertext, with consistent lengths and checksums.
func reHeader(t testing.TB, raw []byte, mutate func(*wireHeader)) []byte {
	t.Helper()
	f, err := decodeFile(raw)
	if err != nil {
		t.Fatal(err)
	}
	w := f.hdr
	mutate(&w)
	out, err := encodeFile(&w, len(f.cipher), func([]byte) ([]byte, error) { return f.cipher, nil })
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sentinels lists every sentinel; each error must wrap exactly one.
var sentinels = []error{
	ErrNotKeystore, ErrUnknownVersion, ErrTruncated, ErrDamaged, ErrMalformed, ErrWrongPassphrase,
	ErrTampered, ErrOtherCeremony, ErrExists, ErrFileChanged, ErrUnreadable, ErrWriteFailed,
	ErrBackupMismatch, ErrSameLocation, ErrWeakPassphrase, ErrInvalidArgument, ErrClosed, ErrLockedMemory,
	ErrPassphraseFile,
}

func checkErrShape(t testing.TB, err error) {
	t.Helper()
	if !strings.HasPrefix(err.Error(), "keystore: ") {
		t.Errorf("error without prefix: %q", err)
	}
	n := 0
	for _, s := range sentinels {
		if errors.Is(err, s) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("error %q wraps %d sentinels, want 1", err, n)
	}
}

// faultFS injects a failure at one step of the write path. In crash mode
// the failure models a power cut: nothing after it happens (no clean-up).
type faultFS struct {
	osFS
	failAt  string // create, write, sync, close, readback, rename, syncdir
	crash   bool
	corrupt bool // flip a byte of every write (a faulty stick)

	mu      sync.Mutex
	crashed bool
	steps   []string
}

var errInjected = errors.New("injected failure")

var writeSteps = []string{"create", "write", "sync", "close", "readback", "rename", "syncdir"}

func (f *faultFS) step(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.steps = append(f.steps, name)
	if f.crashed {
		return errInjected
	}
	if f.failAt == name {
		if f.crash {
			f.crashed = true
		}
		return errInjected
	}
	return nil
}

func (f *faultFS) dead() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.crashed }

type faultTemp struct {
	*os.File
	fs *faultFS
}

func (t faultTemp) Write(b []byte) (int, error) {
	if err := t.fs.step("write"); err != nil {
		// A power cut mid-write leaves part of the data.
		if t.fs.crash {
			t.File.Write(b[:len(b)/2])
		}
		return 0, err
	}
	if t.fs.corrupt {
		c := bytes.Clone(b)
		c[len(c)/2] ^= 0x40
		return t.File.Write(c)
	}
	return t.File.Write(b)
}

func (t faultTemp) Sync() error {
	if err := t.fs.step("sync"); err != nil {
		return err
	}
	return t.File.Sync()
}

func (t faultTemp) Close() error {
	if err := t.fs.step("close"); err != nil {
		t.File.Close() // the OS closes it anyway
		return err
	}
	return t.File.Close()
}

func (f *faultFS) CreateTemp(dir, pattern string) (tempFile, error) {
	if err := f.step("create"); err != nil {
		return nil, err
	}
	tf, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	return faultTemp{tf, f}, nil
}

func (f *faultFS) ReadFile(name string) ([]byte, error) {
	if strings.Contains(filepath.Base(name), ".tmp-") {
		if err := f.step("readback"); err != nil {
			return nil, err
		}
	} else if f.dead() {
		return nil, errInjected
	}
	return f.osFS.ReadFile(name)
}

func (f *faultFS) Rename(o, n string) error {
	if err := f.step("rename"); err != nil {
		return err
	}
	return f.osFS.Rename(o, n)
}

func (f *faultFS) RenameNoReplace(o, n string) error {
	if err := f.step("rename"); err != nil {
		return err
	}
	return f.osFS.RenameNoReplace(o, n)
}

func (f *faultFS) SyncDir(dir string) error {
	if err := f.step("syncdir"); err != nil {
		return err
	}
	return f.osFS.SyncDir(dir)
}

func (f *faultFS) Remove(name string) error {
	if f.dead() {
		return errInjected
	}
	return f.osFS.Remove(name)
}

// temps lists the temporary files in dir.
func temps(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			out = append(out, e.Name())
		}
	}
	return out
}

func readAll(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
