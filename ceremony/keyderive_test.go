package ceremony

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hpke"
	"crypto/rand"
	"testing"

	"filippo.io/edwards25519"
)

// signingKey is the standard library's expansion of a seed, for the tests
// that sign by hand.
func signingKey(seed []byte) ed25519.PrivateKey { return ed25519.NewKeyFromSeed(seed) }

// TestOwnedKeysMatchStdlib: the key derivations that wipe what they use
// give exactly the keys and signatures of crypto/hpke's DeriveKeyPair and
// crypto/ed25519, for random seeds and messages (the known-answer vectors
// in testdata check fixed ones).
func TestOwnedKeysMatchStdlib(t *testing.T) {
	kem, err := hpke.NewKEM(KEMX25519)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		seed := make([]byte, 32)
		rand.Read(seed)
		if !sameX25519(t, kem, seed) {
			t.Fatalf("seed %d: the X25519 key differs from crypto/hpke's", i)
		}
		msg := make([]byte, i)
		rand.Read(msg)
		k := newEdKey(seed)
		std := ed25519.NewKeyFromSeed(seed)
		if !bytes.Equal(k.public(), std.Public().(ed25519.PublicKey)) {
			t.Fatalf("seed %d: the Ed25519 public key differs", i)
		}
		if sig := k.sign(msg); !bytes.Equal(sig, ed25519.Sign(std, msg)) {
			t.Fatalf("seed %d: the Ed25519 signature differs", i)
		}
		k.wipe()
		if !bytes.Equal(k.prefix, make([]byte, 32)) || k.s != (edwards25519.Scalar{}) {
			t.Fatal("wipe left part of the expanded key")
		}
	}
}

// sameX25519 reports whether deriveX25519 derives from ikm the key pair
// that crypto/hpke's DeriveKeyPair derives.
func sameX25519(t testing.TB, kem hpke.KEM, ikm []byte) bool {
	t.Helper()
	want, err := kem.DeriveKeyPair(ikm)
	if err != nil {
		t.Fatal(err)
	}
	got, err := deriveX25519(ikm)
	if err != nil {
		t.Fatal(err)
	}
	wb, _ := want.Bytes()
	gb, _ := got.Bytes()
	return bytes.Equal(wb, gb) && bytes.Equal(want.PublicKey().Bytes(), got.PublicKey().Bytes())
}
