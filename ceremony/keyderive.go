package ceremony

import (
	"crypto/ecdh"
	"crypto/hpke"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"hash"

	"conclave/ceremony/group"

	"filippo.io/edwards25519"
)

// The member's two private keys are derived from its seeds here, in
// buffers this package owns and wipes, rather than by crypto/hpke's
// DeriveKeyPair and crypto/ed25519's NewKeyFromSeed and Sign: those build
// the seed into buffers nobody wipes (the labelled input of HKDF-Extract,
// and the expanded key that crypto/ed25519 caches for each key it signs
// with), which stay in freed memory after the key is used
// (docs/threat-model.md §2.15). The results are bit-identical (the
// known-answer vectors in testdata and TestOwnedKeysMatchStdlib).

// hmacSHA256 sets out to HMAC-SHA256(key, msg) (RFC 2104), msg the
// concatenation of parts, key at most 64 bytes. Both hash inputs are built
// in one buffer it wipes.
func hmacSHA256(out []byte, key []byte, parts ...[]byte) {
	const block = 64
	if len(key) > block {
		// RFC 2104 hashes a longer key first; this one would truncate it.
		panic("ceremony: internal error: an HMAC key longer than a block")
	}
	n := block
	for _, p := range parts {
		n += len(p)
	}
	buf := make([]byte, block, max(n, block+sha256.Size))
	defer clear(buf[:cap(buf)])
	for i := range block {
		k := byte(0)
		if i < len(key) {
			k = key[i]
		}
		buf[i] = k ^ 0x36
	}
	for _, p := range parts {
		buf = append(buf, p...)
	}
	inner := sha256.Sum256(buf)
	buf = buf[:block]
	for i := range block {
		k := byte(0)
		if i < len(key) {
			k = key[i]
		}
		buf[i] = k ^ 0x5c
	}
	buf = append(buf, inner[:]...)
	clear(inner[:])
	outer := sha256.Sum256(buf)
	copy(out, outer[:])
	clear(outer[:])
}

// deriveX25519 is DeriveKeyPair of DHKEM(X25519, HKDF-SHA256) (RFC 9180
// §7.1.3): sk = LabeledExpand(LabeledExtract("", "dkp_prk", ikm), "sk", "",
// 32), with the labelled input and the pseudorandom key in buffers it
// wipes. crypto/ecdh keeps its own copy of sk in the key it returns, which
// no API wipes (docs/threat-model.md §2.15).
func deriveX25519(ikm []byte) (hpke.PrivateKey, error) {
	if len(ikm) < 32 {
		return nil, errors.New("ceremony: an encryption seed shorter than 32 bytes")
	}
	suite := []byte{'K', 'E', 'M', KEMX25519 >> 8, KEMX25519 & 0xff}
	keys := make([]byte, 2*sha256.Size)
	defer clear(keys)
	prk, sk := keys[:sha256.Size], keys[sha256.Size:]
	// LabeledExtract(salt = "", "dkp_prk", ikm) = HKDF-Extract: HMAC keyed
	// with the empty salt (zeros, RFC 5869 §2.2) over "HPKE-v1" || suite_id
	// || label || ikm (RFC 9180 §4).
	hmacSHA256(prk, nil, []byte("HPKE-v1"), suite, []byte("dkp_prk"), ikm)
	// LabeledExpand(prk, "sk", "", 32): one HKDF-Expand block T(1) =
	// HMAC(prk, I2OSP(32, 2) || "HPKE-v1" || suite_id || "sk" || 0x01).
	hmacSHA256(sk, prk, []byte{0, 32}, []byte("HPKE-v1"), suite, []byte("sk"), []byte{1})
	priv, err := ecdh.X25519().NewPrivateKey(sk)
	if err != nil {
		return nil, err
	}
	return hpke.NewDHKEMPrivateKey(priv)
}

// edKey is an Ed25519 private key expanded from its seed (RFC 8032
// §5.1.5): the secret scalar s, the nonce prefix and the public key A, in
// memory this package owns; wipe clears it.
type edKey struct {
	s      edwards25519.Scalar
	prefix []byte
	pub    [32]byte
}

func newEdKey(seed []byte) *edKey {
	h := sha512.New()
	h.Write(seed)
	digest := h.Sum(make([]byte, 0, sha512.Size))
	defer clear(digest)
	burn(h)
	k := &edKey{prefix: make([]byte, 32)}
	if _, err := k.s.SetBytesWithClamping(digest[:32]); err != nil {
		panic("ceremony: internal error: " + err.Error())
	}
	copy(k.prefix, digest[32:])
	copy(k.pub[:], new(edwards25519.Point).ScalarBaseMult(&k.s).Bytes())
	return k
}

func (k *edKey) public() []byte { return append([]byte(nil), k.pub[:]...) }

// sign is pure Ed25519 signing (RFC 8032 §5.1.6), as crypto/ed25519 does
// it: r = SHA-512(prefix || M) mod L, R = r·B, S = r + SHA-512(R || A || M)·s
// mod L, every operation on secrets in constant time.
func (k *edKey) sign(msg []byte) []byte {
	buf := make([]byte, 0, len(k.prefix)+len(msg))
	defer clear(buf[:cap(buf)])
	buf = append(append(buf, k.prefix...), msg...)
	digest := sha512.Sum512(buf)
	var r edwards25519.Scalar
	if _, err := r.SetUniformBytes(digest[:]); err != nil {
		panic("ceremony: internal error: " + err.Error())
	}
	clear(digest[:])
	R := new(edwards25519.Point).ScalarBaseMult(&r)
	kh := sha512.New()
	kh.Write(R.Bytes())
	kh.Write(k.pub[:])
	kh.Write(msg)
	var c edwards25519.Scalar
	if _, err := c.SetUniformBytes(kh.Sum(nil)); err != nil {
		panic("ceremony: internal error: " + err.Error())
	}
	S := new(edwards25519.Scalar).MultiplyAdd(&c, &k.s, &r)
	r = edwards25519.Scalar{}
	sig := make([]byte, 0, 64)
	return append(append(sig, R.Bytes()...), S.Bytes()...)
}

func (k *edKey) wipe() {
	k.s = edwards25519.Scalar{}
	clear(k.prefix)
}

// signWith signs e with an expanded key (docs/protocol.md §4.3).
func (e *Envelope) signWith(k *edKey) {
	e.Signature = k.sign(e.signatureInput())
}

// burn overwrites the input buffer of t's hash, once t is summed, when
// what it hashed holds a secret: SHA-512 keeps up to one block (128 bytes)
// of its input until more comes, in memory nothing else reaches. Writing a
// whole block of zeros makes it process what it kept and replaces it.
func (t *transcript) burn() { burn(t.h) }

// secretScalar is scalar for a transcript of secrets (a nonce): the hash
// it reduces is wiped, and the hash's input buffer burned. Whoever found
// a nonce's hash would have the nonce, and from the proof the secret.
func (t *transcript) secretScalar() *group.Scalar {
	h := t.sum()
	t.burn()
	s, err := group.NewScalar().SetUniformBytes(h)
	clear(h)
	if err != nil {
		panic("ceremony: internal error: " + err.Error())
	}
	return s
}

func burn(h hash.Hash) {
	zeros := make([]byte, h.BlockSize())
	h.Write(zeros)
}
