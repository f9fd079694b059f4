package ceremony

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/hpke"
	"crypto/sha256"
	"math/rand/v2"
	"testing"
)

// craftedSeeds are 32-byte seeds at the edges: all zeros, all ones, one
// bit set, alternating bytes, and seeded pseudo-random ones.
func craftedSeeds() [][]byte {
	seeds := [][]byte{make([]byte, 32), bytes.Repeat([]byte{0xff}, 32), bytes.Repeat([]byte{0x80}, 32),
		bytes.Repeat([]byte{0x7f}, 32), bytes.Repeat([]byte{0x55, 0xaa}, 16)}
	for _, i := range []int{0, 31} {
		s := make([]byte, 32)
		s[i] = 1
		seeds = append(seeds, s)
		s = bytes.Repeat([]byte{0xff}, 32)
		s[i] = 0xfe
		seeds = append(seeds, s)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 40 {
		s := make([]byte, 32)
		for i := range s {
			s[i] = byte(rng.Uint32())
		}
		seeds = append(seeds, s)
	}
	return seeds
}

// The Ed25519 signatures made with the expanded key this package wipes are
// those of crypto/ed25519, bit for bit, for crafted seeds and for messages
// of every length around SHA-512's block and padding boundaries (prefix ||
// M crosses 112 and 128 bytes at 80 and 96 bytes, R || A || M at 48 and 64),
// a long one, and a message that is the key's own nonce prefix (aliasing).
func TestEdSignMatchesStdlibCrafted(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	long := make([]byte, 1<<20)
	for i := range long {
		long[i] = byte(rng.Uint32())
	}
	var msgs [][]byte
	for n := 0; n <= 260; n++ {
		msgs = append(msgs, long[:n])
	}
	msgs = append(msgs, long, bytes.Repeat([]byte{0xff}, 200), make([]byte, 200))
	for _, seed := range craftedSeeds() {
		k := newEdKey(seed)
		std := ed25519.NewKeyFromSeed(seed)
		if !bytes.Equal(k.public(), std.Public().(ed25519.PublicKey)) {
			t.Fatalf("seed %x: the Ed25519 public key differs from crypto/ed25519's", seed[:4])
		}
		for _, m := range append(msgs, k.prefix, k.pub[:]) {
			m = append([]byte(nil), m...)
			got := k.sign(m)
			if want := ed25519.Sign(std, m); !bytes.Equal(got, want) {
				t.Fatalf("seed %x, message of %d bytes: the signature differs from crypto/ed25519's", seed[:4], len(m))
			}
			if !ed25519.Verify(std.Public().(ed25519.PublicKey), m, got) {
				t.Fatalf("seed %x, message of %d bytes: the signature does not verify", seed[:4], len(m))
			}
		}
		// Signing the key's own prefix in place does not disturb it.
		before := append([]byte(nil), k.prefix...)
		if got, want := k.sign(k.prefix), ed25519.Sign(std, before); !bytes.Equal(got, want) || !bytes.Equal(k.prefix, before) {
			t.Fatal("signing the key's own prefix (aliased) differs or changes the key")
		}
		k.wipe()
	}
}

// The X25519 key derived here is crypto/hpke's DeriveKeyPair's for crafted
// seeds and for input keying material of every length from 32 to 300 bytes
// (the labelled input crosses SHA-256's block boundaries); shorter material
// is refused (a seed is 32 bytes) where crypto/hpke would take it.
func TestDeriveX25519MatchesStdlibCrafted(t *testing.T) {
	kem, err := hpke.NewKEM(KEMX25519)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	ikms := craftedSeeds()
	for n := 32; n <= 300; n++ {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		ikms = append(ikms, b, bytes.Repeat([]byte{0xff}, n), make([]byte, n))
	}
	for _, ikm := range ikms {
		if !sameX25519(t, kem, ikm) {
			t.Fatalf("input keying material of %d bytes (%x…): the X25519 key differs from crypto/hpke's", len(ikm), ikm[:4])
		}
	}
	for n := range 32 {
		if _, err := deriveX25519(make([]byte, n)); err == nil {
			t.Fatalf("an encryption seed of %d bytes was taken", n)
		}
	}
}

// hmacSHA256 is crypto/hmac's HMAC-SHA256 for every key length it takes
// (0 to 64 bytes), messages split in parts of every shape, and an output
// that overlaps its key or a part; a longer key (which HMAC would hash
// first) is refused rather than truncated.
func TestHMACMatchesStdlib(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	fill := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	for kl := 0; kl <= 64; kl++ {
		for _, ml := range []int{0, 1, 55, 56, 63, 64, 65, 119, 120, 200} {
			key, msg := fill(kl), fill(ml)
			mac := hmac.New(sha256.New, key)
			mac.Write(msg)
			want := mac.Sum(nil)
			cut := 0
			if ml > 0 {
				cut = rng.IntN(ml)
			}
			got := make([]byte, 32)
			hmacSHA256(got, key, msg[:cut], nil, msg[cut:])
			if !bytes.Equal(got, want) {
				t.Fatalf("key of %d bytes, message of %d: HMAC differs from crypto/hmac's", kl, ml)
			}
			if kl >= 32 { // out is the key itself
				k2 := append([]byte(nil), key...)
				hmacSHA256(k2[:32], k2, msg)
				if !bytes.Equal(k2[:32], want) {
					t.Fatalf("key of %d bytes: HMAC into its own key differs", kl)
				}
			}
			if ml >= 32 { // out is the message itself
				m2 := append([]byte(nil), msg...)
				hmacSHA256(m2[:32], key, m2)
				if !bytes.Equal(m2[:32], want) {
					t.Fatalf("message of %d bytes: HMAC into its own message differs", ml)
				}
			}
		}
	}
	defer func() {
		if recover() == nil {
			t.Fatal("hmacSHA256 took a key of 65 bytes, which it would truncate")
		}
	}()
	hmacSHA256(make([]byte, 32), make([]byte, 65), []byte("m"))
}

// FuzzOwnedKeys checks the Ed25519 expansion and signature and the X25519
// derivation of this package against crypto/ed25519 and crypto/hpke for
// arbitrary seeds (made 32 bytes for Ed25519) and messages.
func FuzzOwnedKeys(f *testing.F) {
	kem, err := hpke.NewKEM(KEMX25519)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, seed, msg []byte) {
		if len(seed) < 32 || len(seed) > 256 || len(msg) > 4096 {
			return
		}
		k := newEdKey(seed[:32])
		defer k.wipe()
		std := ed25519.NewKeyFromSeed(seed[:32])
		if got, want := k.sign(msg), ed25519.Sign(std, msg); !bytes.Equal(got, want) || !bytes.Equal(k.public(), std.Public().(ed25519.PublicKey)) {
			t.Fatalf("seed %x, message of %d bytes: the Ed25519 key or signature differs from crypto/ed25519's", seed[:32], len(msg))
		}
		if !sameX25519(t, kem, seed) {
			t.Fatalf("input keying material %x: the X25519 key differs from crypto/hpke's", seed)
		}
	})
}
