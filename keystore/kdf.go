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
	Time      uint32 // passes over memory (Argon2 t), 1..MaxKDF.Time
	MemoryKiB uint32 // memory in KiB (Argon2 m), MinKDF.MemoryKiB..MaxKDF.MemoryKiB
	Threads   uint8  // lanes (Argon2 p), 1..MaxKDF.Threads
}

var (
	// DefaultKDF is what production keystores use: 256 MiB and 3 passes on
	// 4 lanes, measured at about 0.9 s on the reference 2-core machine (less
	// on a 4-core laptop). The zero KDFParams means DefaultKDF.
	DefaultKDF = KDFParams{Time: 3, MemoryKiB: 256 * 1024, Threads: 4}
	// MinKDF is the weakest accepted setting (for tests; never in production).
	MinKDF = KDFParams{Time: 1, MemoryKiB: 8 * 1024, Threads: 1}
	// MaxKDF bounds what a file may ask for (1 GiB, 32 passes, 16 lanes), so
	// that a crafted file cannot make Open exhaust memory or time.
	MaxKDF = KDFParams{Time: 32, MemoryKiB: 1024 * 1024, Threads: 16}
)

func checkKDF(p KDFParams) error {
	if p.Time < MinKDF.Time || p.Time > MaxKDF.Time ||
		p.MemoryKiB < MinKDF.MemoryKiB || p.MemoryKiB > MaxKDF.MemoryKiB ||
		p.Threads < MinKDF.Threads || p.Threads > MaxKDF.Threads ||
		p.MemoryKiB < 8*uint32(p.Threads) {
		return newErr(ErrInvalidArgument, "KDF parameters out of range (time 1..32, memory 8 MiB..1 GiB, threads 1..16): use keystore.DefaultKDF")
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
