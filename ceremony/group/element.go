package group

import (
	"filippo.io/edwards25519"
)

// ElementSize is the size in bytes of a ristretto255 element encoding
// (RFC 9496, Section 4.3.2).
const ElementSize = 32

// An Element is an element of the ristretto255 group (RFC 9496, Section 4).
//
// Internally it holds an edwards25519 point, which is one of several
// equivalent internal representations of the element; that point is never
// exposed. Compare Elements only with [Element.Equal], never with ==.
//
// The zero value is not a valid Element; see the package documentation.
type Element struct {
	p edwards25519.Point
}

// NewIdentityElement returns a new Element set to the identity element,
// whose encoding is 32 zero bytes (RFC 9496, Appendix A.1, B[0]).
func NewIdentityElement() *Element {
	e := &Element{}
	e.p.Set(edwards25519.NewIdentityPoint())
	return e
}

// NewGeneratorElement returns a new Element set to the canonical generator
// of RFC 9496, Section 4, internally represented by the Curve25519
// basepoint, whose encoding is
//
//	e2f2ae0a 6abc4e71 a884a961 c500515f 58e30b6a a582dd8d b6a65945 e08d2d76
func NewGeneratorElement() *Element {
	e := &Element{}
	e.p.Set(edwards25519.NewGeneratorPoint())
	return e
}

// Set sets e = x and returns e.
func (e *Element) Set(x *Element) *Element {
	e.p.Set(&x.p)
	return e
}

// SetCanonicalBytes sets e to the element encoded by b and returns e,
// implementing the strict decoding of RFC 9496, Section 4.3.1.
//
// If b is not exactly 32 bytes, is not the canonical encoding of a field
// element, or does not encode a group element, SetCanonicalBytes returns nil
// and an error saying which check failed, and leaves e unchanged.
//
// The identity element (32 zero bytes) IS accepted. Callers that must reject
// it check [Element.IsIdentity].
func (e *Element) SetCanonicalBytes(b []byte) (*Element, error) {
	if err := decode(&e.p, b); err != nil {
		return nil, err
	}
	return e, nil
}

// Bytes returns the 32-byte canonical encoding of e, as specified in
// RFC 9496, Section 4.3.2. All representations of the same element encode
// to the same bytes.
func (e *Element) Bytes() []byte {
	// Outlined so that the buffer can be allocated on the caller's stack.
	var out [ElementSize]byte
	return e.bytes(&out)
}

func (e *Element) bytes(out *[ElementSize]byte) []byte {
	encode(out, &e.p)
	return out[:]
}

// SetUniformBytes sets e to the element derived from the 64 bytes b by the
// element derivation function of RFC 9496, Section 4.3.4, and returns e.
//
// Given uniformly random input the output is a uniformly random element
// whose discrete logarithm is unknown. To hash a message to the group, use
// the 64-byte output of a domain-separated hash (e.g. SHA-512) as b. The map
// is one-way only in combination with such a hash: by itself it can be
// efficiently sampled backwards.
//
// If b is not exactly 64 bytes, SetUniformBytes returns nil and an error,
// and leaves e unchanged.
func (e *Element) SetUniformBytes(b []byte) (*Element, error) {
	if len(b) != uniformSize {
		return nil, errUniformLength
	}
	fromUniformBytes(&e.p, b)
	return e, nil
}

// Add sets e = x + y and returns e (RFC 9496, Section 4).
func (e *Element) Add(x, y *Element) *Element {
	e.p.Add(&x.p, &y.p)
	return e
}

// Subtract sets e = x - y and returns e (RFC 9496, Section 4).
func (e *Element) Subtract(x, y *Element) *Element {
	e.p.Subtract(&x.p, &y.p)
	return e
}

// Negate sets e = -x and returns e (RFC 9496, Section 4).
func (e *Element) Negate(x *Element) *Element {
	e.p.Negate(&x.p)
	return e
}

// ScalarBaseMult sets e = s * G, where G is the canonical generator, and
// returns e (RFC 9496, Section 4). It runs in constant time, using a
// precomputed table of multiples of G.
func (e *Element) ScalarBaseMult(s *Scalar) *Element {
	e.p.ScalarBaseMult(&s.s)
	return e
}

// ScalarMult sets e = s * x and returns e (RFC 9496, Section 4). It runs in
// constant time.
func (e *Element) ScalarMult(s *Scalar, x *Element) *Element {
	e.p.ScalarMult(&s.s, &x.p)
	return e
}

// VarTimeDoubleScalarBaseMult sets e = a * A + b * G, where G is the
// canonical generator, and returns e (RFC 9496, Section 4).
//
// Its execution time depends on all its inputs: use it only with public
// values, e.g. to verify signatures or proofs.
func (e *Element) VarTimeDoubleScalarBaseMult(a *Scalar, A *Element, b *Scalar) *Element {
	e.p.VarTimeDoubleScalarBaseMult(&a.s, &A.p, &b.s)
	return e
}

// MultiScalarMult sets e = sum(scalars[i] * points[i]) and returns e
// (RFC 9496, Section 4). It panics if the two slices have different lengths.
// With empty slices the result is the identity.
//
// Its execution time depends only on the length of the slices.
func (e *Element) MultiScalarMult(scalars []*Scalar, points []*Element) *Element {
	ss, pp := unwrap("MultiScalarMult", scalars, points)
	e.p.MultiScalarMult(ss, pp)
	return e
}

// VarTimeMultiScalarMult sets e = sum(scalars[i] * points[i]) and returns e
// (RFC 9496, Section 4). It panics if the two slices have different lengths.
// With empty slices the result is the identity.
//
// Its execution time depends on all its inputs: use it only with public
// values.
func (e *Element) VarTimeMultiScalarMult(scalars []*Scalar, points []*Element) *Element {
	ss, pp := unwrap("VarTimeMultiScalarMult", scalars, points)
	e.p.VarTimeMultiScalarMult(ss, pp)
	return e
}

func unwrap(name string, scalars []*Scalar, points []*Element) ([]*edwards25519.Scalar, []*edwards25519.Point) {
	if len(scalars) != len(points) {
		panic("group: " + name + " called with different numbers of scalars and points")
	}
	ss := make([]*edwards25519.Scalar, len(scalars))
	pp := make([]*edwards25519.Point, len(points))
	for i := range scalars {
		ss[i] = &scalars[i].s
		pp[i] = &points[i].p
	}
	return ss, pp
}

// Equal returns 1 if e and x represent the same element and 0 otherwise,
// implementing the equality of RFC 9496, Section 4.3.3 in constant time.
func (e *Element) Equal(x *Element) int {
	return equal(&e.p, &x.p)
}

// IsIdentity reports whether e is the identity element, in constant time
// (RFC 9496, Section 4.3.3, against the identity).
func (e *Element) IsIdentity() bool {
	return equal(&e.p, edwards25519.NewIdentityPoint()) == 1
}
