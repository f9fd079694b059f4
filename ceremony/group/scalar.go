package group

import (
	"encoding/binary"
	"errors"

	"filippo.io/edwards25519"
)

// ScalarSize is the size in bytes of a canonical scalar encoding
// (RFC 9496, Section 4.4).
const ScalarSize = 32

// uniformSize is the size in bytes of the inputs of Scalar.SetUniformBytes
// and Element.SetUniformBytes.
const uniformSize = 64

var (
	errScalarLength       = errors.New("group: scalar encoding is not 32 bytes")
	errScalarNotCanonical = errors.New("group: scalar is not reduced modulo the group order")
	errUniformLength      = errors.New("group: uniform input is not 64 bytes")
)

// A Scalar is an integer modulo the ristretto255 group order
//
//	l = 2^252 + 27742317777372353535851937790883648493
//
// as specified in RFC 9496, Section 4.4. The zero value is the scalar 0.
//
// All Scalar operations run in constant time.
type Scalar struct {
	s edwards25519.Scalar
}

// NewScalar returns a new Scalar set to 0.
func NewScalar() *Scalar {
	return &Scalar{}
}

// Set sets s = x and returns s.
func (s *Scalar) Set(x *Scalar) *Scalar {
	s.s.Set(&x.s)
	return s
}

// SetUint64 sets s = x and returns s.
func (s *Scalar) SetUint64(x uint64) *Scalar {
	var b [ScalarSize]byte
	binary.LittleEndian.PutUint64(b[:8], x)
	if _, err := s.s.SetCanonicalBytes(b[:]); err != nil {
		panic("group: internal error: uint64 is not a canonical scalar")
	}
	return s
}

// SetCanonicalBytes sets s to the value of the 32-byte little-endian
// encoding b and returns s, as specified in RFC 9496, Section 4.4.
//
// If b is not exactly 32 bytes, or if its value is not less than the group
// order l (a non-canonical encoding), SetCanonicalBytes returns nil and an
// error, and leaves the receiver unchanged.
func (s *Scalar) SetCanonicalBytes(b []byte) (*Scalar, error) {
	if len(b) != ScalarSize {
		return nil, errScalarLength
	}
	if _, err := s.s.SetCanonicalBytes(b); err != nil {
		return nil, errScalarNotCanonical
	}
	return s, nil
}

// SetUniformBytes sets s to the 64-byte little-endian integer b reduced
// modulo l, and returns s, as described in RFC 9496, Section 4.4. Given 64
// uniformly random bytes the result is uniformly distributed, up to a
// negligible bias of about 2^-260.
//
// If b is not exactly 64 bytes, SetUniformBytes returns nil and an error,
// and leaves the receiver unchanged.
func (s *Scalar) SetUniformBytes(b []byte) (*Scalar, error) {
	if len(b) != uniformSize {
		return nil, errUniformLength
	}
	if _, err := s.s.SetUniformBytes(b); err != nil {
		return nil, errUniformLength
	}
	return s, nil
}

// Bytes returns the canonical 32-byte little-endian encoding of s
// (RFC 9496, Section 4.4).
func (s *Scalar) Bytes() []byte {
	return s.s.Bytes()
}

// Add sets s = x + y mod l and returns s.
func (s *Scalar) Add(x, y *Scalar) *Scalar {
	s.s.Add(&x.s, &y.s)
	return s
}

// Subtract sets s = x - y mod l and returns s.
func (s *Scalar) Subtract(x, y *Scalar) *Scalar {
	s.s.Subtract(&x.s, &y.s)
	return s
}

// Multiply sets s = x * y mod l and returns s.
func (s *Scalar) Multiply(x, y *Scalar) *Scalar {
	s.s.Multiply(&x.s, &y.s)
	return s
}

// MultiplyAdd sets s = x * y + z mod l and returns s.
func (s *Scalar) MultiplyAdd(x, y, z *Scalar) *Scalar {
	s.s.MultiplyAdd(&x.s, &y.s, &z.s)
	return s
}

// Negate sets s = -x mod l and returns s.
func (s *Scalar) Negate(x *Scalar) *Scalar {
	s.s.Negate(&x.s)
	return s
}

// Invert sets s = 1/x mod l and returns s. If x is 0, s is set to 0.
func (s *Scalar) Invert(x *Scalar) *Scalar {
	s.s.Invert(&x.s)
	return s
}

// Equal returns 1 if s and x are equal, and 0 otherwise, in constant time.
func (s *Scalar) Equal(x *Scalar) int {
	return s.s.Equal(&x.s)
}

// IsZero reports whether s is 0, in constant time.
func (s *Scalar) IsZero() bool {
	var zero edwards25519.Scalar
	return s.s.Equal(&zero) == 1
}

// Zeroize sets s to 0, overwriting its previous (secret) value.
func (s *Scalar) Zeroize() {
	s.s = edwards25519.Scalar{}
}
