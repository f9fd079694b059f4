package ceremony

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hpke"
	"crypto/rand"
	"runtime"
	"testing"

	"conclave/ceremony/group"
	"conclave/internal/memscan"
)

// leftBehind runs f on a fresh random 32-byte secret (a canonical scalar
// too), wipes the caller's copy, collects garbage and returns how many
// copies of the secret the process's memory still holds.
func leftBehind(t *testing.T, f func(secret []byte)) int {
	t.Helper()
	s := make([]byte, 32)
	rand.Read(s)
	s[31] &= 0x0f
	n := memscan.NewNeedle("secret", s)
	f(s)
	clear(s)
	runtime.GC()
	hits, err := memscan.Scan([]memscan.Needle{n})
	if err != nil {
		t.Fatal(err)
	}
	return len(hits)
}

// TestKeysLeaveNoCopies is the attack of issue 10 on the protocol's own
// cryptography: after each operation on a seed or a share, the process's
// memory is scanned for bare copies of it (docs/threat-model.md §2.15).
// The standard library's own derivations are measured alongside, to show
// what the scan finds when copies are left.
func TestKeysLeaveNoCopies(t *testing.T) {
	if err := memscan.Available(); err != nil {
		t.Skipf("the process's memory cannot be read here: %v", err)
	}
	x25519, _ := hpke.NewKEM(KEMX25519)
	t.Logf("for comparison, crypto/hpke DeriveKeyPair(X25519) leaves %d copies of the seed, crypto/ed25519 Sign %d",
		leftBehind(t, func(s []byte) { x25519.DeriveKeyPair(s) }),
		leftBehind(t, func(s []byte) {
			k := ed25519.NewKeyFromSeed(s)
			ed25519.Sign(k, []byte("message"))
			clear(k)
		}))
	envelope := func() *Envelope { return newEnvelope(KindComplaints, make([]byte, 32), 1, &Complaints{}) }
	share := func(s []byte) *group.Scalar {
		x, err := group.NewScalar().SetCanonicalBytes(s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	for _, c := range []struct {
		name string
		f    func(s []byte)
	}{
		{"the X25519 public key", func(s []byte) { encryptionPublicKey(KEMX25519, s) }},
		{"the X25519 private key", func(s []byte) { shareKey(KEMX25519, s) }},
		{"the MLKEM768X25519 public key", func(s []byte) { encryptionPublicKey(KEMMLKEM768X25519, s) }},
		{"the MLKEM768X25519 private key", func(s []byte) { shareKey(KEMMLKEM768X25519, s) }},
		{"the Ed25519 public key", func(s []byte) { k := newEdKey(s); k.public(); k.wipe() }},
		{"a signature", func(s []byte) { (&Secrets{SigningSeed: s}).sign(envelope()) }},
		{"a share's arithmetic", func(s []byte) {
			x := share(s)
			group.NewIdentityElement().ScalarBaseMult(x)
			group.NewIdentityElement().ScalarMult(x, GeneratorH())
			y := group.NewScalar().MultiplyAdd(x, x, x)
			x.Zeroize()
			y.Zeroize()
		}},
		{"a proof of a share", func(s []byte) {
			x := share(s)
			prove(tagProofShare, [][]byte{[]byte("context")}, x, []*group.Element{nil}, []*group.Element{group.NewGeneratorElement()}, rand.Reader)
			x.Zeroize()
		}},
	} {
		if n := leftBehind(t, c.f); n != 0 {
			t.Errorf("%s: %d bare copies of the secret left in memory", c.name, n)
		}
	}
	// The hash a proof's nonce is reduced from: whoever finds it has k, and
	// the secret from the proof (x = (z − k)/c).
	for _, c := range []struct {
		name  string
		prove func(x *group.Scalar, r []byte)
		hash  func(xb, r []byte) []byte
	}{
		{"a proof's nonce", func(x *group.Scalar, r []byte) {
			prove(tagProofShare, [][]byte{[]byte("context")}, x, []*group.Element{nil}, []*group.Element{group.NewGeneratorElement()}, bytes.NewReader(r))
		}, func(xb, r []byte) []byte {
			t := newTranscript(tagNonce).bytes([]byte(tagProofShare)).bytes(xb).bytes(r).bytes([]byte("context")).element(group.NewGeneratorElement())
			defer t.burn()
			return t.sum()
		}},
		{"an opening proof's nonce", func(x *group.Scalar, r []byte) {
			g := group.NewGeneratorElement()
			proveOpen([][]byte{[]byte("context")}, []*group.Scalar{x}, []*group.Scalar{x}, []*group.Element{g}, []*group.Element{g}, bytes.NewReader(r))
		}, func(xb, r []byte) []byte {
			t := newTranscript(tagNonce).bytes([]byte(tagProofOpen)).bytes(r).bytes(xb).bytes(xb).bytes([]byte("context"))
			base := t.sum()
			t.burn()
			defer clear(base)
			return newTranscript(tagNonce).bytes(base).uint(0).sum()
		}},
	} {
		if n := leftBehind(t, func(s []byte) {
			r := make([]byte, 32)
			rand.Read(r)
			h := c.hash(s, r)
			needle := memscan.NewNeedle("nonce hash", h)
			clear(h)
			x := share(s)
			c.prove(x, r)
			x.Zeroize()
			clear(r)
			runtime.GC()
			hits, err := memscan.Scan([]memscan.Needle{needle})
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) > 0 {
				t.Errorf("%s: %d copies of the hash of its nonce left in memory", c.name, len(hits))
			}
		}); n != 0 {
			t.Errorf("%s: %d bare copies of the secret left in memory", c.name, n)
		}
	}

	// Measured, not asserted: what no Go API reaches. crypto/ecdh keeps its
	// own copy of the derived X25519 private key (NewPrivateKey clones it)
	// and never wipes it; edwards25519's Scalar.Bytes converts out of
	// Montgomery form in a stack variable, which stays until the stack is
	// used again (docs/threat-model.md §2.15).
	const rounds = 4
	live, freed := 0, 0
	for round := range rounds + 1 { // round 0 grows the stack to what the others use
		seed := make([]byte, 32)
		rand.Read(seed)
		// The derived key, computed as deriveX25519 does, as a needle.
		suite := []byte{'K', 'E', 'M', 0, 0x20}
		prk, sk := make([]byte, 32), make([]byte, 32)
		hmacSHA256(prk, nil, []byte("HPKE-v1"), suite, []byte("dkp_prk"), seed)
		hmacSHA256(sk, prk, []byte{0, 32}, []byte("HPKE-v1"), suite, []byte("sk"), []byte{1})
		n := memscan.NewNeedle("X25519 key", sk)
		clear(prk)
		clear(sk)
		k, err := shareKey(KEMX25519, seed)
		clear(seed)
		if err != nil {
			t.Fatal(err)
		}
		hits, _ := memscan.Scan([]memscan.Needle{n})
		l := len(hits)
		runtime.KeepAlive(k)
		k = nil
		runtime.GC()
		hits, _ = memscan.Scan([]memscan.Needle{n})
		if round > 0 {
			live, freed = live+l, freed+len(hits)
		}
	}
	t.Logf("copies of the derived X25519 private key, %d derivations: %d while the key is in use, %d after it is freed; of a share after its encoding (wiped by the caller): %d",
		rounds, live, freed, leftBehind(t, func(s []byte) { x := share(s); b := x.Bytes(); clear(b); x.Zeroize() }))
}
