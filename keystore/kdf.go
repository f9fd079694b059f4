package keystore

import (
	"crypto/subtle"
	"runtime/debug"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// KDFParams are the Argon2id cost parameters stored in the file header. The
// salt (16 random bytes, new at Create and ChangePassphrase) is managed by
// the package.
type KDFParams struct {
	Time      uint32 // passes over memory (Argon2 t), MinKDFTime..MaxKDFTime
	MemoryKiB uint32 // memory in KiB (Argon2 m), MinKDFMemoryKiB..MaxKDFMemoryKiB
	Threads   uint8  // lanes (Argon2 p), MinKDFThreads..MaxKDFThreads
}

// Bounds of the KDF parameters a keystore file may hold (docs/keystore.md
// §3). They are checked when a file is read, before anything else is done
// with them: the header is authenticated only by the key they derive, so a
// tampered header must not be able to make Open use more than
// MaxKDFMemoryKiB of memory or more than MaxKDFWork of Argon2 work (about
// five times DefaultKDF: seconds, not minutes). Constants, so that no
// importer can widen them.
const (
	MinKDFTime      = 1
	MaxKDFTime      = 32
	MinKDFMemoryKiB = 8 * 1024    // 8 MiB
	MaxKDFMemoryKiB = 1024 * 1024 // 1 GiB
	MinKDFThreads   = 1
	MaxKDFThreads   = 16
	// MaxKDFWork bounds MemoryKiB × Time (KiB × passes): 4 GiB·passes,
	// e.g. 1 GiB × 4 or 256 MiB × 16 (DefaultKDF is 768 MiB·passes).
	MaxKDFWork = 4 * 1024 * 1024
)

var (
	// DefaultKDF is what production keystores use: 256 MiB and 3 passes on
	// 4 lanes, measured at about 0.9 s on the reference 2-core machine (less
	// on a 4-core laptop). The zero KDFParams means DefaultKDF.
	DefaultKDF = KDFParams{Time: 3, MemoryKiB: 256 * 1024, Threads: 4}
	// MinKDF is the weakest accepted setting (for tests; never in
	// production). Changing it changes nothing that is checked: the bounds
	// are the constants above.
	MinKDF = KDFParams{Time: MinKDFTime, MemoryKiB: MinKDFMemoryKiB, Threads: MinKDFThreads}
)

// checkKDF applies the bounds above (docs/keystore.md §3).
func checkKDF(p KDFParams) error {
	if p.Time < MinKDFTime || p.Time > MaxKDFTime ||
		p.MemoryKiB < MinKDFMemoryKiB || p.MemoryKiB > MaxKDFMemoryKiB ||
		p.Threads < MinKDFThreads || p.Threads > MaxKDFThreads ||
		p.MemoryKiB < 8*uint32(p.Threads) ||
		uint64(p.MemoryKiB)*uint64(p.Time) > MaxKDFWork {
		return newErr(ErrInvalidArgument, "KDF parameters out of range (time 1..32, memory 8 MiB..1 GiB, threads 1..16, memory × time at most 4 GiB): use keystore.DefaultKDF")
	}
	return nil
}

func (p KDFParams) orDefault() KDFParams {
	if p == (KDFParams{}) {
		return DefaultKDF
	}
	return p
}

// deriveKey runs Argon2id and returns a 64-byte output: bytes 0..31 are the
// AEAD key, bytes 32..47 the key-check value stored in the header. The
// caller must wipe the result.
//
// Argon2's work memory (p.MemoryKiB) holds blocks from which the key can be
// recomputed and cannot be wiped through its API; once it is garbage,
// debug.FreeOSMemory collects it and returns its pages to the OS, which
// zeroes them (best effort; it also brings the process's memory back down).
func deriveKey(pass, salt []byte, p KDFParams) []byte {
	out := argon2.IDKey(pass, salt, p.Time, p.MemoryKiB, p.Threads, 64)
	debug.FreeOSMemory()
	return out
}

// keyCheckMatches compares the key-check part of a derived output with the
// header's value in constant time.
func keyCheckMatches(derived, kcv []byte) bool {
	return subtle.ConstantTimeCompare(derived[keyLen:keyLen+keyCheckLen], kcv) == 1
}

// sealSecret encrypts secret under key with nonce and associated data ad.
func sealSecret(key, nonce, ad, secret []byte) ([]byte, error) {
	a, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, err
	}
	return a.Seal(nil, nonce, secret, ad), nil
}

// openSecret decrypts into dst (len(dst) == len(ct)-16) and reports
// whether authentication succeeded. dst is wiped on failure.
func openSecret(key []byte, f *sealedFile, dst []byte) bool {
	a, err := chacha20poly1305.NewX(key)
	if err != nil || len(dst) != len(f.cipher)-tagLen {
		return false
	}
	if _, err := a.Open(dst[:0], f.hdr.Nonce, f.cipher, f.raw[:f.adLen]); err != nil {
		wipe(dst)
		return false
	}
	return true
}

// wipe zeroes b.
func wipe(b []byte) {
	clear(b)
}
