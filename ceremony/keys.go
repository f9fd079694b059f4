package ceremony

import (
	"crypto/ed25519"
	"crypto/hpke"
	"crypto/mlkem"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"sync"

	"conclave/ceremony/group"

	"filippo.io/edwards25519"
)

// HPKE KEM identifiers used to seal shares (RFC 9180 §7.1 and the IANA HPKE
// registry; docs/protocol.md §6.2).
const (
	KEMX25519         = 0x0020 // DHKEM(X25519, HKDF-SHA256)
	KEMMLKEM768X25519 = 0x647a // MLKEM768X25519, post-quantum hybrid
)

func kemFor(id uint64) (hpke.KEM, error) {
	switch id {
	case KEMX25519:
		return hpke.NewKEM(KEMX25519)
	case KEMMLKEM768X25519:
		return hpke.MLKEM768X25519(), nil
	}
	return nil, errorf("unknown HPKE KEM 0x%04x", id)
}

// Sizes of a sealed share pair (docs/protocol.md §6.2): the KEM's
// encapsulation, the 64-byte plaintext f(j) || f'(j) and the 16-byte
// ChaCha20-Poly1305 tag.
const (
	sealedShareX25519         = 32 + 64 + 16
	sealedShareMLKEM768X25519 = mlkem.CiphertextSize768 + 32 + 64 + 16
)

func sealedShareSize(kem uint64) int {
	if kem == KEMMLKEM768X25519 {
		return sealedShareMLKEM768X25519
	}
	return sealedShareX25519
}

// ErrWeakKey is wrapped by the errors that refuse a card's key of small
// order, the identity or an all-zero key (docs/protocol.md §5.3).
var ErrWeakKey = errorf("weak public key")

type weakKeyError struct{ msg string }

func (e *weakKeyError) Error() string        { return e.msg }
func (e *weakKeyError) Is(target error) bool { return target == ErrWeakKey }

// checkSigningKey refuses an Ed25519 public key that does not decode to a
// curve point, or whose point has small order (the identity included), in
// any encoding, canonical or not: with such a key one signature can verify
// for many messages (docs/protocol.md §5.3).
func checkSigningKey(pub []byte) error {
	if len(pub) != ed25519.PublicKeySize {
		return causef("a signing key of %d bytes, want 32", len(pub))
	}
	p, err := new(edwards25519.Point).SetBytes(pub)
	if err != nil {
		return causef("a signing key that is not a point of the curve")
	}
	if new(edwards25519.Point).MultByCofactor(p).Equal(edwards25519.NewIdentityPoint()) == 1 {
		return &weakKeyError{"a signing key of small order, for which one signature fits many messages"}
	}
	return nil
}

// lowOrderX25519 lists the u-coordinates (255 bits, little-endian) of
// the points of Curve25519 of order dividing 8, in every encoding below
// 2^255: 0, 1, p−1, the two of order 8, and 0 and 1 written as p and p+1.
// X25519 ignores the top bit, so it is cleared before comparing. With any
// of these the shared secret is all zeros (RFC 7748 §6.1).
var lowOrderX25519 = func() [][32]byte {
	var out [][32]byte
	for _, h := range []string{
		"0000000000000000000000000000000000000000000000000000000000000000",
		"0100000000000000000000000000000000000000000000000000000000000000",
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
		"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
		"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	} {
		b, err := hex.DecodeString(h)
		if err != nil || len(b) != 32 {
			panic("ceremony: internal error: bad low-order table")
		}
		out = append(out, [32]byte(b))
	}
	return out
}()

func checkX25519(pub []byte) error {
	if len(pub) != 32 {
		return causef("an X25519 key of the wrong size")
	}
	u := [32]byte(pub)
	u[31] &= 0x7f
	for _, l := range lowOrderX25519 {
		if subtle.ConstantTimeCompare(u[:], l[:]) == 1 {
			return &weakKeyError{"an X25519 key of low order (or zero), to which no share can be sealed"}
		}
	}
	return nil
}

// checkEncryptionKey checks a card's HPKE public key for its KEM
// (docs/protocol.md §6.2): X25519 is 32 bytes, not of low order;
// MLKEM768X25519 is the 1184-byte ML-KEM-768 encapsulation key (FIPS 203
// §7.2 modulus check) followed by a 32-byte X25519 key, not of low order.
func checkEncryptionKey(kemID uint64, pub []byte) error {
	switch kemID {
	case KEMX25519:
		return checkX25519(pub)
	case KEMMLKEM768X25519:
		if len(pub) != mlkem.EncapsulationKeySize768+32 {
			return causef("an MLKEM768X25519 key of %d bytes, want %d", len(pub), mlkem.EncapsulationKeySize768+32)
		}
		if _, err := mlkem.NewEncapsulationKey768(pub[:mlkem.EncapsulationKeySize768]); err != nil {
			return causef("an ML-KEM-768 encapsulation key that is not valid")
		}
		return checkX25519(pub[mlkem.EncapsulationKeySize768:])
	}
	return causef("an unknown KEM 0x%04x", kemID)
}

// GeneratorH is the second generator H of the Pedersen commitments:
// hash-to-group (RFC 9496 §4.3.4) of H("conclave/v2/generator-h"), the
// transcript hash of §2.1 with no input. Nobody knows log_G H
// (docs/protocol.md §1.2).
var GeneratorH = sync.OnceValue(func() *group.Element {
	h, err := group.NewIdentityElement().SetUniformBytes(newTranscript(tagGeneratorH).sum())
	if err != nil {
		panic("ceremony: internal error: " + err.Error())
	}
	return h
})

// generatorHTable is the fixed-base table of H: every commitment E_ik and
// every opening proof multiplies H by a secret (group.FixedBase).
var generatorHTable = sync.OnceValue(func() *group.FixedBase { return group.NewFixedBase(GeneratorH()) })

// mulH returns s·H in constant time (s may be secret).
func mulH(s *group.Scalar) *group.Element {
	return group.NewIdentityElement().ScalarMultFixed(s, generatorHTable())
}

// pedersen returns s·G + s'·H, in constant time: a member checks its own
// secret share pairs with it.
func pedersen(s, blind *group.Scalar) *group.Element {
	e := group.NewIdentityElement().ScalarBaseMult(s)
	return e.Add(e, mulH(blind))
}

func kemName(id uint64) string {
	if id == KEMMLKEM768X25519 {
		return "MLKEM768X25519"
	}
	return "X25519"
}

// shareInfo binds a sealed share to its ceremony, dealer and recipient:
// the HPKE info string (docs/protocol.md §6.2).
func shareInfo(ceremony ID, dealer, recipient uint64) []byte {
	info := make([]byte, 0, len(tagShareInfo)+32+16)
	info = append(info, tagShareInfo...)
	info = append(info, ceremony[:]...)
	info = binary.BigEndian.AppendUint64(info, dealer)
	return binary.BigEndian.AppendUint64(info, recipient)
}

func sealShare(kemID uint64, pub []byte, ceremony ID, dealer, recipient uint64, share, blind *group.Scalar) ([]byte, error) {
	kem, err := kemFor(kemID)
	if err != nil {
		return nil, err
	}
	pk, err := kem.NewPublicKey(pub)
	if err != nil {
		return nil, errorf("the encryption key of member %d is invalid: %v", recipient, err)
	}
	return sealShareTo(pk, ceremony, dealer, recipient, share, blind)
}

// sealShareTo is sealShare to a key parsed already (MemberInfo keeps it).
func sealShareTo(pk hpke.PublicKey, ceremony ID, dealer, recipient uint64, share, blind *group.Scalar) ([]byte, error) {
	sb, bb := share.Bytes(), blind.Bytes()
	pt := append(append(make([]byte, 0, 64), sb...), bb...)
	clear(sb)
	clear(bb)
	defer clear(pt)
	return hpke.Seal(pk, hpke.HKDFSHA256(), hpke.ChaCha20Poly1305(), shareInfo(ceremony, dealer, recipient), pt)
}

var errShareUnopenable = causef("the sealed share does not open")

func openShare(kemID uint64, seed []byte, ceremony ID, dealer, recipient uint64, ct []byte) (share, blind *group.Scalar, err error) {
	sk, err := shareKey(kemID, seed)
	if err != nil {
		return nil, nil, err
	}
	return openShareWith(sk, ceremony, dealer, recipient, ct)
}

// shareKey derives a member's HPKE private key from its seed (RFC 9180
// §7.1.3; deriveX25519 for X25519, which leaves no copy of the seed): a
// member opening several shares in one step derives it once. The
// MLKEM768X25519 derivation (SHAKE256, which absorbs its input into its
// state) leaves none either.
func shareKey(kemID uint64, seed []byte) (hpke.PrivateKey, error) {
	if kemID == KEMX25519 {
		return deriveX25519(seed)
	}
	kem, err := kemFor(kemID)
	if err != nil {
		return nil, err
	}
	return kem.DeriveKeyPair(seed)
}

func openShareWith(sk hpke.PrivateKey, ceremony ID, dealer, recipient uint64, ct []byte) (share, blind *group.Scalar, err error) {
	pt, err := hpke.Open(sk, hpke.HKDFSHA256(), hpke.ChaCha20Poly1305(), shareInfo(ceremony, dealer, recipient), ct)
	if err != nil {
		return nil, nil, errShareUnopenable
	}
	defer clear(pt)
	if len(pt) != 64 {
		return nil, nil, errShareUnopenable
	}
	share, err1 := group.NewScalar().SetCanonicalBytes(pt[:32])
	blind, err2 := group.NewScalar().SetCanonicalBytes(pt[32:])
	if err1 != nil || err2 != nil {
		return nil, nil, errShareUnopenable
	}
	return share, blind, nil
}

func encryptionPublicKey(kemID uint64, seed []byte) ([]byte, error) {
	sk, err := shareKey(kemID, seed)
	if err != nil {
		return nil, err
	}
	return sk.PublicKey().Bytes(), nil
}

// evalPolynomial returns f(x) = Σ coeffs[k]·x^k (Horner's rule).
func evalPolynomial(coeffs []*group.Scalar, x uint64) *group.Scalar {
	xs := group.NewScalar().SetUint64(x)
	acc := group.NewScalar()
	for k := len(coeffs) - 1; k >= 0; k-- {
		acc.MultiplyAdd(acc, xs, coeffs[k])
	}
	return acc
}

// evalCommitments returns Σ x^k·C_k, the public image f(x)·G of a
// polynomial committed to by C (Feldman). It runs in variable time (every
// input is public) by Horner's rule, multiplying by the small integer x
// with doublings and additions (group.VarTimeHorner): for a member index
// (x ≤ 64) that is about a tenth of a multi-scalar multiplication of len(c)
// terms.
func evalCommitments(c []*group.Element, x uint64) *group.Element {
	return group.NewIdentityElement().VarTimeHorner(c, x)
}

// interpolate returns the coefficients c_0..c_{len-1} of the one polynomial
// of degree below len(xs) through the points (xs[a], ys[a]), the xs
// distinct and non-zero (docs/protocol.md §6.6).
func interpolate(xs []uint64, ys []*group.Scalar) []*group.Scalar {
	t := len(xs)
	out := make([]*group.Scalar, t)
	for k := range out {
		out[k] = group.NewScalar()
	}
	for a := range xs {
		// basis = Π_{b≠a} (X − x_b) / (x_a − x_b), built coefficient by coefficient
		basis := []*group.Scalar{group.NewScalar().SetUint64(1)}
		den := group.NewScalar().SetUint64(1)
		xa := group.NewScalar().SetUint64(xs[a])
		for b := range xs {
			if a == b {
				continue
			}
			xb := group.NewScalar().SetUint64(xs[b])
			next := make([]*group.Scalar, len(basis)+1)
			for k := range next {
				next[k] = group.NewScalar()
			}
			for k, c := range basis {
				next[k+1].Add(next[k+1], c)
				next[k].Subtract(next[k], group.NewScalar().Multiply(c, xb))
			}
			basis = next
			den.Multiply(den, group.NewScalar().Subtract(xa, xb))
		}
		w := group.NewScalar().Multiply(ys[a], group.NewScalar().Invert(den))
		for k, c := range basis {
			out[k].MultiplyAdd(c, w, out[k])
		}
	}
	return out
}

// lagrangeAtZero returns the Lagrange coefficients at 0 for the distinct,
// non-zero indices: λ_j = Π_{m≠j} m / (m − j) (docs/protocol.md §7.4).
func lagrangeAtZero(indices []uint64) []*group.Scalar {
	out := make([]*group.Scalar, len(indices))
	for a, j := range indices {
		num := group.NewScalar().SetUint64(1)
		den := group.NewScalar().SetUint64(1)
		js := group.NewScalar().SetUint64(j)
		for b, m := range indices {
			if a == b {
				continue
			}
			ms := group.NewScalar().SetUint64(m)
			num.Multiply(num, ms)
			den.Multiply(den, group.NewScalar().Subtract(ms, js))
		}
		out[a] = num.Multiply(num, group.NewScalar().Invert(den))
	}
	return out
}

func decodeElement(b []byte) (*group.Element, error) {
	return group.NewIdentityElement().SetCanonicalBytes(b)
}
