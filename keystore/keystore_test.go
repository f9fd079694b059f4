package keystore

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/awnumar/memguard"
)

var testSecret = []byte("\xa2\x01\x58\x20identity-keys-and-share-of-alice......")

func TestRoundTrip(t *testing.T) {
	s, path := newTestStore(t, testSecret)
	if got := secretOf(t, s); !bytes.Equal(got, testSecret) {
		t.Fatalf("Use gave %x", got)
	}
	got := openSecretAt(t, path, testPass)
	if !bytes.Equal(got, testSecret) {
		t.Fatalf("reopened secret %x", got)
	}
	h, err := Inspect(path)
	if err != nil {
		t.Fatal(err)
	}
	want := testHeader()
	want.Version, want.KDF = FormatVersion, testKDF
	if !bytes.Equal(h.Ceremony, want.Ceremony) || h.Member != want.Member || h.Name != want.Name ||
		!bytes.Equal(h.VerificationKey, want.VerificationKey) || h.Version != 1 || h.KDF != testKDF {
		t.Fatalf("Inspect = %+v, want %+v", h, want)
	}
	if hs := s.Header(); hs.Name != want.Name || hs.KDF != testKDF {
		t.Fatalf("Header() = %+v", hs)
	}
	// A memguard LockedBuffer is accepted as the passphrase (where one can
	// be made: memguard panics when memory cannot be locked at all).
	if li := lockBudget(); li.unlimited || li.avail() > 8*pageSize {
		lb := memguard.NewBufferFromBytes([]byte(testPass))
		defer lb.Destroy()
		s2, err := Open(path, lb)
		if err != nil {
			t.Fatal(err)
		}
		s2.Destroy()
	}
	// Empty verification key and member 0 (enrolment) round-trip too.
	p2 := filepath.Join(t.TempDir(), "k")
	s3, err := Create(p2, pw(t, testPass), Header{Ceremony: []byte("call-1"), Name: "Bob"}, []byte{1}, testKDF)
	if err != nil {
		t.Fatal(err)
	}
	s3.Destroy()
	if h, err := Inspect(p2); err != nil || len(h.VerificationKey) != 0 || h.Member != 0 {
		t.Fatalf("Inspect = %+v, %v", h, err)
	}
}

func TestCreateRefusesOverwrite(t *testing.T) {
	_, path := newTestStore(t, testSecret)
	before := readAll(t, path)
	_, err := Create(path, pw(t, testPass), testHeader(), []byte("other"), testKDF)
	if !errors.Is(err, ErrExists) || !errors.Is(err, fs.ErrExist) {
		t.Fatalf("err = %v", err)
	}
	checkErrShape(t, err)
	if !bytes.Equal(readAll(t, path), before) {
		t.Fatal("file modified")
	}
	// The no-replace rename also holds if the file appears after the check.
	dir := t.TempDir()
	p := filepath.Join(dir, "k")
	os.WriteFile(p, []byte("x"), 0o600)
	if err := atomicWrite(osFS{}, filepath.Join(dir, "k"), []byte("y"), writeMode{}); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(dir, "t")
	os.WriteFile(tmp, []byte("z"), 0o600)
	if err := renameNoReplace(tmp, p); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("renameNoReplace over a file: %v", err)
	}
}

func TestInvalidArguments(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "k")
	cases := []struct {
		name   string
		h      Header
		secret []byte
		kdf    KDFParams
	}{
		{"long ceremony", Header{Ceremony: make([]byte, 65), Name: "A"}, []byte{1}, testKDF},
		{"negative member", Header{Member: -1}, []byte{1}, testKDF},
		{"control char in name", Header{Name: "Al\nice"}, []byte{1}, testKDF},
		{"bidi override in name", Header{Name: "Al\u202eice"}, []byte{1}, testKDF},
		{"empty secret", Header{}, nil, testKDF},
		{"huge secret", Header{}, make([]byte, maxSecretLen+1), testKDF},
		{"weak kdf", Header{}, []byte{1}, KDFParams{Time: 1, MemoryKiB: 1024, Threads: 1}},
		{"huge kdf", Header{}, []byte{1}, KDFParams{Time: 1, MemoryKiB: 4 << 20, Threads: 1}},
	}
	for _, c := range cases {
		_, err := Create(p, pw(t, testPass), c.h, c.secret, c.kdf)
		if !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s: err = %v", c.name, err)
		} else {
			checkErrShape(t, err)
		}
	}
	if _, err := Create(p, nil, Header{}, []byte{1}, testKDF); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("nil passphrase: %v", err)
	}
	if _, err := Create(p, pw(t, "short"), Header{}, []byte{1}, testKDF); !errors.Is(err, ErrWeakPassphrase) {
		t.Errorf("weak passphrase: %v", err)
	}
	if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a refused Create left a file")
	}
}

func TestWrongPassphrase(t *testing.T) {
	_, path := newTestStore(t, testSecret)
	_, err := Open(path, pw(t, "orange kettle mountain violim"))
	if !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("err = %v", err)
	}
	checkErrShape(t, err)
	if _, err := Open(path, pw(t, "")); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("empty passphrase: %v", err)
	}
}

func TestOpenForOtherCeremony(t *testing.T) {
	_, path := newTestStore(t, testSecret)
	_, err := OpenFor(path, pw(t, testPass), bytes.Repeat([]byte{0xC4}, 32))
	if !errors.Is(err, ErrOtherCeremony) {
		t.Fatalf("err = %v", err)
	}
	checkErrShape(t, err)
	// Checked before the passphrase: a wrong passphrase still says "other ceremony".
	if _, err := OpenFor(path, pw(t, "wrong wrong wrong wrong"), nil); !errors.Is(err, ErrOtherCeremony) {
		t.Fatalf("nil ceremony: %v", err)
	}
	s, err := OpenFor(path, pw(t, testPass), testCeremony)
	if err != nil {
		t.Fatal(err)
	}
	s.Destroy()
	if err := (Header{Ceremony: []byte{1}}).CheckCeremony([]byte{2}); !errors.Is(err, ErrOtherCeremony) {
		t.Fatal(err)
	}
}

// TestEveryByteFlip changes every byte of a real file, one at a time (two
// patterns: low bit and all bits), and expects ErrDamaged each time from
// Open and Inspect; the original file must stay intact.
func TestEveryByteFlip(t *testing.T) {
	_, path := newTestStore(t, testSecret)
	orig := readAll(t, path)
	bad := filepath.Join(t.TempDir(), "flipped.cks")
	for i := range orig {
		for _, x := range []byte{0x01, 0xFF} {
			b := bytes.Clone(orig)
			b[i] ^= x
			if err := os.WriteFile(bad, b, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Open(bad, pw(t, testPass))
			if !errors.Is(err, ErrDamaged) {
				t.Fatalf("byte %d ^%02x: Open err = %v, want ErrDamaged", i, x, err)
			}
			checkErrShape(t, err)
			if _, err := Inspect(bad); !errors.Is(err, ErrDamaged) {
				t.Fatalf("byte %d ^%02x: Inspect err = %v", i, x, err)
			}
		}
	}
	if !bytes.Equal(readAll(t, path), orig) {
		t.Fatal("original file modified")
	}
	if got := openSecretAt(t, path, testPass); !bytes.Equal(got, testSecret) {
		t.Fatal("original no longer opens")
	}
}

func TestTruncation(t *testing.T) {
	_, path := newTestStore(t, testSecret)
	orig := readAll(t, path)
	bad := filepath.Join(t.TempDir(), "cut.cks")
	for l := 0; l < len(orig); l++ {
		if err := os.WriteFile(bad, orig[:l], 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Open(bad, pw(t, testPass))
		if !errors.Is(err, ErrTruncated) {
			t.Fatalf("length %d: err = %v, want ErrTruncated", l, err)
		}
		checkErrShape(t, err)
	}
	// Extra bytes at the end: damaged.
	os.WriteFile(bad, append(bytes.Clone(orig), 0), 0o600)
	if _, err := Open(bad, pw(t, testPass)); !errors.Is(err, ErrDamaged) {
		t.Fatalf("appended byte: %v", err)
	}
}

func TestUnknownVersion(t *testing.T) {
	_, path := newTestStore(t, testSecret)
	orig := readAll(t, path)
	for _, v := range []uint16{0, 2, 0xFFFF} {
		b := bytes.Clone(orig)
		binary.BigEndian.PutUint16(b[8:10], v)
		b = fixChecksums(b)
		_, err := decodeFile(b)
		if !errors.Is(err, ErrUnknownVersion) {
			t.Fatalf("version %d: %v", v, err)
		}
		checkErrShape(t, err)
		// A short file of another version is still "unknown version".
		if _, err := decodeFile(b[:12]); !errors.Is(err, ErrUnknownVersion) {
			t.Fatalf("short version %d: %v", v, err)
		}
	}
}

func TestNotKeystore(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string][]byte{
		"text":  []byte("hello, this is a text file with enough bytes to look at\n"),
		"png":   []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"),
		"short": []byte("hi"),
		"cbor":  {0xa1, 0x01, 0x02},
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, content, 0o600)
		_, err := Open(p, pw(t, testPass))
		if !errors.Is(err, ErrNotKeystore) {
			t.Errorf("%s: %v", name, err)
		} else {
			checkErrShape(t, err)
		}
	}
	if _, err := Inspect(dir); !errors.Is(err, ErrNotKeystore) {
		t.Errorf("directory: %v", err)
	}
	_, err := Open(filepath.Join(dir, "missing"), pw(t, testPass))
	if !errors.Is(err, ErrUnreadable) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
	checkErrShape(t, err)
}

// TestDeliberateAlteration covers the cases the checksums cannot catch
// because whoever altered the file recomputed them.
func TestDeliberateAlteration(t *testing.T) {
	_, path := newTestStore(t, testSecret)
	orig := readAll(t, path)
	open := func(b []byte) error {
		p := filepath.Join(t.TempDir(), "x")
		os.WriteFile(p, b, 0o600)
		_, err := Open(p, pw(t, testPass))
		if err != nil {
			checkErrShape(t, err)
		}
		return err
	}
	// Ciphertext changed: the key check passes, the AEAD fails.
	b := bytes.Clone(orig)
	b[len(b)-fileCheckLen-1] ^= 1
	if err := open(fixChecksums(b)); !errors.Is(err, ErrTampered) {
		t.Errorf("ciphertext: %v", err)
	}
	// Header changed (it is associated data): AEAD fails.
	if err := open(reHeader(t, orig, func(w *wireHeader) { w.Name = "Mallory"; w.Member = 1 })); !errors.Is(err, ErrTampered) {
		t.Errorf("header: %v", err)
	}
	if err := open(reHeader(t, orig, func(w *wireHeader) { w.Ceremony = []byte("other") })); !errors.Is(err, ErrTampered) {
		t.Errorf("ceremony: %v", err)
	}
	// Salt or KDF changed: the key check fails, indistinguishable from a wrong passphrase.
	if err := open(reHeader(t, orig, func(w *wireHeader) { w.Salt[0] ^= 1 })); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("salt: %v", err)
	}
	if err := open(reHeader(t, orig, func(w *wireHeader) { w.Time = 2 })); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("kdf: %v", err)
	}
	// Out-of-range fields, non-canonical header: malformed.
	if err := open(reHeader(t, orig, func(w *wireHeader) { w.MemoryKiB = 64 << 20 })); !errors.Is(err, ErrMalformed) {
		t.Errorf("huge memory: %v", err)
	}
	if err := open(reHeader(t, orig, func(w *wireHeader) { w.Name = "a\x00b" })); !errors.Is(err, ErrMalformed) {
		t.Errorf("control char: %v", err)
	}
	if err := open(reHeader(t, orig, func(w *wireHeader) { w.KDF = 2 })); !errors.Is(err, ErrMalformed) {
		t.Errorf("kdf id: %v", err)
	}
	// Header with the ceremony ID as null instead of an empty byte string.
	f, _ := decodeFile(orig)
	hb := orig[prefixLen:f.adLen]
	if hb[1] != 0x01 || hb[2] != 0x58 {
		t.Fatalf("unexpected header start %x", hb[:3])
	}
	// The same byte string with its length as a uint16 (not the shortest form).
	var buf []byte
	buf = append(buf, hb[:2]...)
	buf = append(buf, 0x59, 0x00, 0x20)
	buf = append(buf, hb[4:]...)
	if err := open(rebuild(orig, buf)); !errors.Is(err, ErrMalformed) {
		t.Errorf("non-canonical: %v", err)
	}
	if err := open(rebuild(orig, append(bytes.Clone(hb), 0x00))); !errors.Is(err, ErrMalformed) {
		t.Errorf("trailing byte in header: %v", err)
	}
}

// rebuild puts header bytes hb into the file raw, fixing lengths and checksums.
func rebuild(raw, hb []byte) []byte {
	f, err := decodeFile(raw)
	if err != nil {
		panic(err)
	}
	out := bytes.Clone(raw[:prefixLen])
	binary.BigEndian.PutUint32(out[10:14], uint32(len(hb)))
	out = append(out, hb...)
	out = append(out, f.cipher...)
	out = append(out, make([]byte, fileCheckLen)...)
	return fixChecksums(out)
}

func TestSave(t *testing.T) {
	s, path := newTestStore(t, testSecret)
	h := testHeader()
	h.Ceremony = []byte("the real ceremony id")
	h.Member = 5
	h.VerificationKey = nil
	s2 := []byte("new secret after the ceremony")
	if err := s.Save(h, s2); err != nil {
		t.Fatal(err)
	}
	if got := secretOf(t, s); !bytes.Equal(got, s2) {
		t.Fatal("Use after Save")
	}
	if got := openSecretAt(t, path, testPass); !bytes.Equal(got, s2) {
		t.Fatal("reopen after Save")
	}
	if hh, _ := Inspect(path); string(hh.Ceremony) != "the real ceremony id" || hh.Member != 5 || hh.KDF != testKDF {
		t.Fatalf("header %+v", hh)
	}
	// Save from inside Use (e.g. header-only update) works and does not deadlock.
	if err := s.Use(func(sec []byte) error { return s.Save(testHeader(), sec) }); err != nil {
		t.Fatal(err)
	}
	if got := openSecretAt(t, path, testPass); !bytes.Equal(got, s2) {
		t.Fatal("secret after Save within Use")
	}
	// Two Saves with the same content produce different files (fresh nonce).
	a := readAll(t, path)
	s.Save(testHeader(), s2)
	if bytes.Equal(a, readAll(t, path)) {
		t.Fatal("nonce reused")
	}
}

// TestSaveRefusesChangedFile: another stick at the same path is never overwritten.
func TestSaveRefusesChangedFile(t *testing.T) {
	s, path := newTestStore(t, testSecret)
	other, otherPath := newTestStore(t, []byte("bob's secret"))
	other.Destroy()
	bob := readAll(t, otherPath)
	os.WriteFile(path, bob, 0o600) // Bob's stick now sits where Alice's was
	err := s.Save(testHeader(), []byte("alice's new secret"))
	if !errors.Is(err, ErrFileChanged) {
		t.Fatalf("err = %v", err)
	}
	checkErrShape(t, err)
	if !bytes.Equal(readAll(t, path), bob) {
		t.Fatal("Bob's key overwritten")
	}
	os.Remove(path)
	if err := s.Save(testHeader(), []byte("x")); !errors.Is(err, ErrFileChanged) {
		t.Fatalf("missing file: %v", err)
	}
}

func TestChangePassphrase(t *testing.T) {
	s, path := newTestStore(t, testSecret)
	saltBefore, _ := decodeFile(readAll(t, path))
	if err := s.ChangePassphrase(pw(t, "short"), testKDF); !errors.Is(err, ErrWeakPassphrase) {
		t.Fatalf("weak: %v", err)
	}
	if err := s.ChangePassphrase(pw(t, "alice martin loves tea"), testKDF); !errors.Is(err, ErrWeakPassphrase) {
		t.Fatalf("name: %v", err)
	}
	kdf := KDFParams{Time: 2, MemoryKiB: 16 * 1024, Threads: 2}
	if err := s.ChangePassphrase(pw(t, testPass2), kdf); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, pw(t, testPass)); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("old passphrase: %v", err)
	}
	if got := openSecretAt(t, path, testPass2); !bytes.Equal(got, testSecret) {
		t.Fatal("new passphrase")
	}
	after, _ := decodeFile(readAll(t, path))
	if bytes.Equal(after.hdr.Salt, saltBefore.hdr.Salt) {
		t.Fatal("salt not renewed")
	}
	if h, _ := Inspect(path); h.KDF != kdf {
		t.Fatalf("kdf %+v", h.KDF)
	}
	// Save afterwards uses the new key.
	if err := s.Save(testHeader(), []byte("later")); err != nil {
		t.Fatal(err)
	}
	if got := openSecretAt(t, path, testPass2); string(got) != "later" {
		t.Fatal("save after change")
	}
}

func TestDefaultKDFWritten(t *testing.T) {
	if testing.Short() {
		t.Skip("derives at DefaultKDF")
	}
	dir := t.TempDir()
	for i, kdf := range []KDFParams{DefaultKDF, {}} {
		p := filepath.Join(dir, string(rune('a'+i)))
		s, err := Create(p, pw(t, testPass), testHeader(), testSecret, kdf)
		if err != nil {
			t.Fatal(err)
		}
		s.Destroy()
		h, err := Inspect(p)
		if err != nil || h.KDF != DefaultKDF {
			t.Fatalf("KDF written = %+v (%v), want %+v", h.KDF, err, DefaultKDF)
		}
		f, _ := decodeFile(readAll(t, p))
		if f.hdr.Time != 3 || f.hdr.MemoryKiB != 262144 || f.hdr.Threads != 4 || f.hdr.KDF != kdfArgon2id {
			t.Fatalf("wire header %+v", f.hdr)
		}
	}
}

func TestDestroy(t *testing.T) {
	s, path := newTestStore(t, testSecret)
	s.Destroy()
	s.Destroy()
	if err := s.Use(func([]byte) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Fatal(err)
	}
	if err := s.Save(testHeader(), []byte{1}); !errors.Is(err, ErrClosed) {
		t.Fatal(err)
	}
	if _, err := s.Backup(t.TempDir()); !errors.Is(err, ErrClosed) {
		t.Fatal(err)
	}
	if h := s.Header(); h.Name != "" {
		t.Fatal("header after destroy")
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal("Destroy removed the file")
	}
	// Destroy while Use runs: the secret stays valid until fn returns.
	s2, _ := newTestStore(t, testSecret)
	err := s2.Use(func(b []byte) error {
		s2.Destroy()
		if !bytes.Equal(b, testSecret) {
			t.Error("secret wiped under Use")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestUseReturnsFnError(t *testing.T) {
	s, _ := newTestStore(t, testSecret)
	sentinel := errors.New("caller's error")
	if err := s.Use(func([]byte) error { return sentinel }); err != sentinel {
		t.Fatal(err)
	}
}

// TestConcurrent runs Use, Header, Save, Backup and finally Destroy from
// several goroutines (run with -race).
func TestConcurrent(t *testing.T) {
	s, _ := newTestStore(t, testSecret)
	stick := t.TempDir()
	done := make(chan struct{})
	for g := 0; g < 4; g++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := 0; i < 20; i++ {
				err := s.Use(func(b []byte) error {
					if len(b) == 0 {
						return errors.New("empty secret")
					}
					return nil
				})
				if err != nil && !errors.Is(err, ErrClosed) {
					t.Error(err)
				}
				_ = s.Header()
				switch g {
				case 0:
					if err := s.Save(testHeader(), []byte{byte(i + 1)}); err != nil && !errors.Is(err, ErrClosed) {
						t.Error(err)
					}
				case 1:
					if _, err := s.Backup(stick); err != nil && !errors.Is(err, ErrClosed) {
						t.Error(err)
					}
				}
			}
		}()
	}
	for g := 0; g < 4; g++ {
		<-done
	}
	s.Destroy()
	if err := s.Use(func([]byte) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Fatal(err)
	}
}
