package ceremony

import (
	"crypto/ed25519"
	"crypto/hpke"
	"encoding/binary"
	"errors"
	"fmt"

	"conclave/ceremony/group"
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
	return nil, fmt.Errorf("ceremony: unknown HPKE KEM 0x%04x", id)
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

func sealShare(kemID uint64, pub []byte, ceremony ID, dealer, recipient uint64, share *group.Scalar) ([]byte, error) {
	kem, err := kemFor(kemID)
	if err != nil {
		return nil, err
	}
	pk, err := kem.NewPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("ceremony: the encryption key of member %d is invalid: %v", recipient, err)
	}
	return hpke.Seal(pk, hpke.HKDFSHA256(), hpke.ChaCha20Poly1305(), shareInfo(ceremony, dealer, recipient), share.Bytes())
}

var errShareUnopenable = errors.New("the sealed share does not open")

func openShare(kemID uint64, seed []byte, ceremony ID, dealer, recipient uint64, ct []byte) (*group.Scalar, error) {
	kem, err := kemFor(kemID)
	if err != nil {
		return nil, err
	}
	sk, err := kem.DeriveKeyPair(seed)
	if err != nil {
		return nil, err
	}
	pt, err := hpke.Open(sk, hpke.HKDFSHA256(), hpke.ChaCha20Poly1305(), shareInfo(ceremony, dealer, recipient), ct)
	if err != nil {
		return nil, errShareUnopenable
	}
	defer clear(pt)
	s, err := group.NewScalar().SetCanonicalBytes(pt)
	if err != nil {
		return nil, errShareUnopenable
	}
	return s, nil
}

func encryptionPublicKey(kemID uint64, seed []byte) ([]byte, error) {
	kem, err := kemFor(kemID)
	if err != nil {
		return nil, err
	}
	sk, err := kem.DeriveKeyPair(seed)
	if err != nil {
		return nil, err
	}
	return sk.PublicKey().Bytes(), nil
}

func signingKey(seed []byte) ed25519.PrivateKey { return ed25519.NewKeyFromSeed(seed) }

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
// polynomial committed to by C (Feldman).
func evalCommitments(c []*group.Element, x uint64) *group.Element {
	powers := make([]*group.Scalar, len(c))
	xs := group.NewScalar().SetUint64(x)
	p := group.NewScalar().SetUint64(1)
	for k := range c {
		powers[k] = group.NewScalar().Set(p)
		p.Multiply(p, xs)
	}
	return group.NewIdentityElement().VarTimeMultiScalarMult(powers, c)
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
