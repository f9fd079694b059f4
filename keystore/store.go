package keystore

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// Header is the public part of a keystore, stored in clear and
// authenticated. Inspect reads it without the passphrase.
type Header struct {
	// Ceremony is an opaque ID chosen by the caller (0..64 bytes, typically
	// 32). Save may change it (e.g. call ID at enrolment, ceremony ID later).
	Ceremony []byte
	// Member is the member index, 0 if not yet known (0..65535).
	Member int
	// Name is the member name: UTF-8, at most 256 bytes, no control or
	// bidirectional-formatting characters.
	Name string
	// VerificationKey is the member's public verification key (0..1024 bytes,
	// empty until the ceremony completes).
	VerificationKey []byte

	// Version is the file format version. Set by the package; ignored on input.
	Version int
	// KDF are the Argon2id parameters of the file. Set by the package;
	// ignored on input (choose them with Create and ChangePassphrase).
	KDF KDFParams
}

// CheckCeremony returns an error wrapping ErrOtherCeremony unless the
// header belongs to the ceremony (or enrolment call) id.
func (h Header) CheckCeremony(id []byte) error {
	if !bytes.Equal(h.Ceremony, id) {
		return newErr(ErrOtherCeremony, "this key belongs to another ceremony (it is the key of member %d): bring the stick used for this ceremony", h.Member)
	}
	return nil
}

func headerFromWire(w *wireHeader) Header {
	return Header{
		Ceremony:        bytes.Clone(w.Ceremony),
		Member:          int(w.Member),
		Name:            w.Name,
		VerificationKey: bytes.Clone(w.VerificationKey),
		Version:         FormatVersion,
		KDF:             KDFParams{Time: uint32(w.Time), MemoryKiB: uint32(w.MemoryKiB), Threads: uint8(w.Threads)},
	}
}

func checkHeader(h Header) error {
	switch {
	case len(h.Ceremony) > maxCeremony:
		return newErr(ErrInvalidArgument, "the ceremony ID is longer than %d bytes", maxCeremony)
	case h.Member < 0 || h.Member > maxMember:
		return newErr(ErrInvalidArgument, "the member index must be between 0 and %d", maxMember)
	case checkName(h.Name) != nil:
		return newErr(ErrInvalidArgument, "the member name must be valid UTF-8 text of at most %d bytes without control characters", maxName)
	case len(h.VerificationKey) > maxVerifKey:
		return newErr(ErrInvalidArgument, "the verification key is longer than %d bytes", maxVerifKey)
	}
	return nil
}

func checkSecret(secret []byte) error {
	if len(secret) == 0 || len(secret) > maxSecretLen {
		return newErr(ErrInvalidArgument, "the secret must hold 1 byte to 1 MiB")
	}
	return nil
}

// Store is an open keystore: the public header, the derived key and the
// secret, both in memguard enclaves (see LockedMemoryStatus), never the
// passphrase. Its methods are safe for concurrent use; fn given to Use may
// call the other methods.
type Store struct {
	path string
	fs   fileOps

	wmu sync.Mutex // serialises writers (Save, ChangePassphrase, Backup, Destroy)
	mu  sync.Mutex // guards st and maybe
	st  *state     // nil once destroyed
	// maybe is the content of the last write whose outcome is uncertain
	// (renamed but the folder sync failed): the file may hold it.
	maybe []byte
}

// state is one immutable generation of an open keystore.
type state struct {
	hdr    wireHeader // as in file (salt, key check, KDF)
	file   []byte     // the file bytes as last read or written
	key    *vault     // 32-byte XChaCha20-Poly1305 key
	secret *vault
}

func (s *Store) load() (*state, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st == nil {
		return nil, ErrClosed
	}
	return s.st, nil
}

func toWire(h Header, kdf KDFParams, salt, nonce, kcv []byte) wireHeader {
	return wireHeader{
		Ceremony: bytes.Clone(h.Ceremony), Member: uint64(h.Member), Name: h.Name,
		VerificationKey: bytes.Clone(h.VerificationKey),
		KDF:             kdfArgon2id, Time: uint64(kdf.Time), MemoryKiB: uint64(kdf.MemoryKiB), Threads: uint64(kdf.Threads),
		Salt: salt, Nonce: nonce, KeyCheck: kcv,
	}
}

// seal builds the file bytes for header w (nonce set here) and secret under key.
func seal(w *wireHeader, key, secret []byte) ([]byte, error) {
	w.Nonce = make([]byte, nonceLen)
	rand.Read(w.Nonce)
	return encodeFile(w, len(secret)+tagLen, func(ad []byte) ([]byte, error) {
		return sealSecret(key, w.Nonce, ad, secret)
	})
}

func noPassphrase() error {
	return newErr(ErrInvalidArgument, "no passphrase was given: type the passphrase")
}

// Create writes a new keystore at path, sealing secret (the caller's opaque
// bytes, 1 byte to 1 MiB; left untouched: wipe your copy) under pass. It
// refuses to overwrite an existing file (ErrExists), refuses a passphrase
// that CheckPassphrase refuses (ErrWeakPassphrase), and uses kdf (the zero
// value means DefaultKDF; use DefaultKDF in production). The file is
// written atomically and read back before it is put in place.
func Create(path string, pass Passphrase, h Header, secret []byte, kdf KDFParams) (*Store, error) {
	return create(osFS{}, path, pass, h, secret, kdf)
}

func create(fsys fileOps, path string, pass Passphrase, h Header, secret []byte, kdf KDFParams) (*Store, error) {
	markNonDumpable()
	kdf = kdf.orDefault()
	pw := passBytes(pass)
	if len(pw) == 0 {
		return nil, noPassphrase()
	}
	if err := checkHeader(h); err != nil {
		return nil, err
	}
	if err := checkSecret(secret); err != nil {
		return nil, err
	}
	if err := checkKDF(kdf); err != nil {
		return nil, err
	}
	var st *Store
	err := withNFC(pw, func(pw []byte) error {
		var err error
		st, err = createNFC(fsys, path, pw, h, secret, kdf)
		return err
	})
	return st, err
}

// createNFC is create once the passphrase is in NFC.
func createNFC(fsys fileOps, path string, pw []byte, h Header, secret []byte, kdf KDFParams) (*Store, error) {
	if err := checkPassphrase(pw, h.Name); err != nil {
		return nil, err
	}
	if _, err := fsys.Lstat(path); err == nil {
		return nil, wrapErr(ErrExists, fs.ErrExist, "a file already exists at %s and was left untouched: choose another folder or name", path)
	}
	cleanTemps(fsys, path)
	salt := make([]byte, saltLen)
	rand.Read(salt)
	dk := deriveKey(pw, salt, kdf)
	defer wipe(dk)
	w := toWire(h, kdf, salt, nil, bytes.Clone(dk[keyLen:keyLen+keyCheckLen]))
	file, err := seal(&w, dk[:keyLen], secret)
	if err != nil {
		return nil, err
	}
	key, err := sealCopy(dk[:keyLen])
	if err != nil {
		return nil, err
	}
	sec, err := sealCopy(secret)
	if err != nil {
		key.destroy()
		return nil, err
	}
	if err := atomicWrite(fsys, path, file, writeMode{create: true}); err != nil {
		key.destroy()
		sec.destroy()
		return nil, err
	}
	return &Store{path: path, fs: fsys, st: &state{hdr: w, file: file, key: key, secret: sec}}, nil
}

// Open reads the keystore at path and unlocks it with pass. Errors: see
// the sentinels (ErrNotKeystore, ErrTruncated, ErrUnknownVersion,
// ErrDamaged, ErrMalformed, ErrWrongPassphrase, ErrTampered, and
// fs.ErrNotExist for a missing file). Stale temporary files of an
// interrupted write next to path are removed.
func Open(path string, pass Passphrase) (*Store, error) {
	return openStore(osFS{}, path, pass, nil)
}

// OpenFor is Open for the key of a given ceremony: a key of another
// ceremony is refused with ErrOtherCeremony before the (slow) passphrase
// derivation.
func OpenFor(path string, pass Passphrase, ceremony []byte) (*Store, error) {
	if ceremony == nil {
		ceremony = []byte{}
	}
	return openStore(osFS{}, path, pass, ceremony)
}

func readKeyFile(fsys fileOps, path string) (*sealedFile, error) {
	b, err := fsys.ReadFile(path)
	if err != nil {
		if errors.Is(err, errNotRegular) {
			return nil, wrapErr(ErrNotKeystore, err, "%s is not a regular file, so not a Conclave keystore: choose the key file on the member's stick", path)
		}
		return nil, wrapErr(ErrUnreadable, err, "cannot read the key file %s: check that the stick is plugged in and the name is right", path)
	}
	return decodeFile(b)
}

func openStore(fsys fileOps, path string, pass Passphrase, ceremony []byte) (*Store, error) {
	markNonDumpable()
	pw := passBytes(pass)
	f, err := readKeyFile(fsys, path)
	if err != nil {
		return nil, err
	}
	cleanTemps(fsys, path)
	if ceremony != nil {
		if err := headerFromWire(&f.hdr).CheckCeremony(ceremony); err != nil {
			return nil, err
		}
	}
	if len(pw) == 0 {
		return nil, noPassphrase()
	}
	w := f.hdr
	dk := deriveMatching(pw, &w)
	if dk == nil {
		return nil, ErrWrongPassphrase
	}
	defer wipe(dk)
	sec, err := sealNew(len(f.cipher)-tagLen, func(dst []byte) error {
		if !openSecret(dk[:keyLen], f, dst) {
			return ErrTampered
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	key, err := sealCopy(dk[:keyLen])
	if err != nil {
		sec.destroy()
		return nil, err
	}
	return &Store{path: path, fs: fsys, st: &state{hdr: w, file: f.raw, key: key, secret: sec}}, nil
}

// deriveMatching derives the key of header w from the NFC form of pw and,
// if that does not match the key check and pw is not in NFC, from pw as
// typed (a keystore made before normalisation, docs/keystore.md §4). It
// returns nil when neither matches; the caller wipes the result.
func deriveMatching(pw []byte, w *wireHeader) []byte {
	p := KDFParams{Time: uint32(w.Time), MemoryKiB: uint32(w.MemoryKiB), Threads: uint8(w.Threads)}
	var dk []byte
	_ = withNFC(pw, func(n []byte) error {
		dk = deriveKey(n, w.Salt, p)
		if !keyCheckMatches(dk, w.KeyCheck) {
			wipe(dk)
			dk = nil
		}
		if dk == nil && !bytes.Equal(n, pw) {
			dk = deriveKey(pw, w.Salt, p)
			if !keyCheckMatches(dk, w.KeyCheck) {
				wipe(dk)
				dk = nil
			}
		}
		return nil
	})
	return dk
}

// Inspect reads the clear header of the keystore at path without the
// passphrase (to show "this stick holds the key of member X of ceremony
// Y"). The whole file is checked (checksums, format) but not decrypted.
func Inspect(path string) (Header, error) {
	f, err := readKeyFile(osFS{}, path)
	if err != nil {
		return Header{}, err
	}
	return headerFromWire(&f.hdr), nil
}

// Path returns the path of the key file.
func (s *Store) Path() string { return s.path }

// Header returns the public header (a copy). After Destroy it returns the
// zero Header.
func (s *Store) Header() Header {
	st, err := s.load()
	if err != nil {
		return Header{}
	}
	return headerFromWire(&st.hdr)
}

// Use calls fn with the secret, opened from its enclave for the duration
// of fn only and wiped afterwards. The slice is read-only (writing to it
// may crash the program): fn must neither modify nor retain it, and should
// wipe any copy it makes. fn's error is returned as is.
func (s *Store) Use(fn func(secret []byte) error) error {
	st, err := s.load()
	if err != nil {
		return err
	}
	return st.secret.open(fn)
}

// write replaces the file with data, requiring that it still holds what
// this Store last read or wrote.
func (s *Store) write(st *state, data []byte) error {
	s.mu.Lock()
	expect := [][]byte{st.file, s.maybe}
	s.mu.Unlock()
	err := atomicWrite(s.fs, s.path, data, writeMode{expect: expect})
	if err != nil && errors.Is(err, errMaybeWritten) {
		s.mu.Lock()
		s.maybe = data
		s.mu.Unlock()
	}
	return err
}

// Save replaces the keystore with a new header and secret (1 byte to
// 1 MiB; left untouched), under the same passphrase: it uses the derived
// key kept in its enclave. The replacement is atomic; if the file on disk
// is no longer the one this Store read or wrote, nothing is written
// (ErrFileChanged). On error the Store keeps its previous content.
func (s *Store) Save(h Header, secret []byte) error {
	if err := checkHeader(h); err != nil {
		return err
	}
	if err := checkSecret(secret); err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	st, err := s.load()
	if err != nil {
		return err
	}
	w := toWire(h, KDFParams{Time: uint32(st.hdr.Time), MemoryKiB: uint32(st.hdr.MemoryKiB), Threads: uint8(st.hdr.Threads)},
		st.hdr.Salt, nil, st.hdr.KeyCheck)
	var file []byte
	if err := st.key.open(func(key []byte) error {
		file, err = seal(&w, key, secret)
		return err
	}); err != nil {
		return err
	}
	sec, err := sealCopy(secret)
	if err != nil {
		return err
	}
	if err := s.write(st, file); err != nil {
		sec.destroy()
		return err
	}
	s.swap(&state{hdr: w, file: file, key: st.key, secret: sec}, st.secret, nil)
	return nil
}

// swap installs a new state and destroys the vaults it replaced.
func (s *Store) swap(n *state, oldSecret, oldKey *vault) {
	s.mu.Lock()
	s.st, s.maybe = n, nil
	s.mu.Unlock()
	oldSecret.destroy()
	oldKey.destroy()
}

// ChangePassphrase re-seals the keystore under newPass with a fresh salt
// and kdf (zero means DefaultKDF), atomically. newPass must pass
// CheckPassphrase with the header's name. The caller should have the
// member confirm the current passphrase first (e.g. by Open).
func (s *Store) ChangePassphrase(newPass Passphrase, kdf KDFParams) error {
	kdf = kdf.orDefault()
	pw := passBytes(newPass)
	if len(pw) == 0 {
		return noPassphrase()
	}
	if err := checkKDF(kdf); err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	st, err := s.load()
	if err != nil {
		return err
	}
	var dk []byte
	salt := make([]byte, saltLen)
	if err := withNFC(pw, func(pw []byte) error {
		if err := checkPassphrase(pw, st.hdr.Name); err != nil {
			return err
		}
		rand.Read(salt)
		dk = deriveKey(pw, salt, kdf)
		return nil
	}); err != nil {
		return err
	}
	defer wipe(dk)
	w := toWire(headerFromWire(&st.hdr), kdf, salt, nil, bytes.Clone(dk[keyLen:keyLen+keyCheckLen]))
	var file []byte
	if err := st.secret.open(func(secret []byte) error {
		file, err = seal(&w, dk[:keyLen], secret)
		return err
	}); err != nil {
		return err
	}
	key, err := sealCopy(dk[:keyLen])
	if err != nil {
		return err
	}
	if err := s.write(st, file); err != nil {
		key.destroy()
		return err
	}
	s.swap(&state{hdr: w, file: file, key: key, secret: st.secret}, nil, st.key)
	return nil
}

// Backup copies the keystore into dir (a folder on a second stick) under
// the same file name, atomically, then reads the copy back, checks it byte
// for byte and decrypts it with the key before calling it good. An existing
// file of that name is replaced only if it is an earlier copy of this key
// (same ceremony and member, or same salt); otherwise ErrExists. A copy
// that does not read back identical gives ErrBackupMismatch.
func (s *Store) Backup(dir string) (path string, err error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	st, err := s.load()
	if err != nil {
		return "", err
	}
	if same, _ := sameDir(dir, filepath.Dir(s.path)); same {
		return "", ErrSameLocation
	}
	dest := filepath.Join(dir, filepath.Base(s.path))
	mode := writeMode{create: true}
	if _, lerr := s.fs.Lstat(dest); lerr == nil {
		old, rerr := s.fs.ReadFile(dest)
		var f *sealedFile
		if rerr == nil {
			f, rerr = decodeFile(old)
		}
		if rerr != nil || !sameKeyLineage(&f.hdr, &st.hdr) {
			return "", wrapErr(ErrExists, fs.ErrExist, "%s already exists and is not an earlier copy of this key; it was left untouched: choose another folder", dest)
		}
		mode = writeMode{expect: [][]byte{old}}
	}
	cleanTemps(s.fs, dest)
	if err := atomicWrite(s.fs, dest, st.file, mode); err != nil {
		if errors.Is(err, errReadBack) {
			return "", wrapErr(ErrBackupMismatch, nil, "the copy written in %s does not read back identical (faulty stick?); nothing was replaced: try again, or use another stick", dir)
		}
		return "", err
	}
	if err := s.verifyCopy(st, dest); err != nil {
		return "", err
	}
	return dest, nil
}

func sameKeyLineage(a, b *wireHeader) bool {
	return (bytes.Equal(a.Ceremony, b.Ceremony) && a.Member == b.Member) ||
		(bytes.Equal(a.Salt, b.Salt) && bytes.Equal(a.KeyCheck, b.KeyCheck))
}

func sameDir(a, b string) (bool, error) {
	fa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	fb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(fa, fb), nil
}

// VerifyCopy checks that the file at path is byte for byte this keystore
// as last saved and that it decrypts with the key (e.g. to check a backup
// stick later). A differing copy gives ErrBackupMismatch; an unreadable one
// the decoding error.
func (s *Store) VerifyCopy(path string) error {
	st, err := s.load()
	if err != nil {
		return err
	}
	return s.verifyCopy(st, path)
}

func (s *Store) verifyCopy(st *state, path string) error {
	f, err := readKeyFile(s.fs, path)
	if err != nil {
		return err
	}
	if !bytes.Equal(f.raw, st.file) {
		if sameKeyLineage(&f.hdr, &st.hdr) {
			return wrapErr(ErrBackupMismatch, nil, "the copy at %s is an older or different version of this key: make the backup again", path)
		}
		return wrapErr(ErrBackupMismatch, nil, "the file at %s is not a copy of this key", path)
	}
	if !bytes.Equal(f.hdr.KeyCheck, st.hdr.KeyCheck) {
		return wrapErr(ErrBackupMismatch, nil, "the copy at %s does not match the key", path)
	}
	return st.key.open(func(key []byte) error {
		return withScratch(len(f.cipher)-tagLen, func(buf []byte) error {
			if !openSecret(key, f, buf) {
				return wrapErr(ErrBackupMismatch, nil, "the copy at %s does not decrypt with the key: make the backup again", path)
			}
			return nil
		})
	})
}

// Destroy wipes the key and the secret from memory (at once, or when a
// running Use returns). The Store cannot be used afterwards; the file is
// untouched. Destroy is idempotent.
func (s *Store) Destroy() {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.Lock()
	st := s.st
	s.st, s.maybe = nil, nil
	s.mu.Unlock()
	if st != nil {
		st.key.destroy()
		st.secret.destroy()
	}
}
