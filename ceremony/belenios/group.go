package belenios

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"filippo.io/edwards25519"
)

// GroupName is the group's name in election.json, certificates and the
// proof-of-knowledge hash (spec §Ed25519).
const GroupName = "Ed25519"

// ErrFormat is wrapped by every decoding error.
var ErrFormat = errors.New("belenios: malformed")

// ErrInvalid is wrapped by every failed check of a proof, a signature or a
// relation between messages.
var ErrInvalid = errors.New("belenios: invalid")

func formatErr(f string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrFormat, fmt.Sprintf(f, a...))
}

func invalidErr(f string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(f, a...))
}

// order is q = 2^252 + 27742317777372353535851937790883648493.
var order, _ = new(big.Int).SetString("7237005577332262213973186563042994240857116359379907606001950938285454250989", 10)

// Point is an element of the prime-order subgroup of Ed25519. Belenios
// writes it as the 64 lowercase hex digits of the 256-bit integer
// y | (x&1)<<255, i.e. the RFC 8032 encoding with its bytes reversed
// (spec §Ed25519).
type Point struct{ p edwards25519.Point }

// Scalar is an integer modulo q, written in base 10 (spec §Basic types).
type Scalar struct{ s edwards25519.Scalar }

var (
	identity   = edwards25519.NewIdentityPoint()
	zeroScalar = edwards25519.NewScalar()
	generator  = edwards25519.NewGeneratorPoint()
	// lMinusOne is q-1, used for the subgroup check [q]P = [q-1]P + P = 0.
	lMinusOne = func() *edwards25519.Scalar {
		one := scalarFromInt(1)
		return new(edwards25519.Scalar).Negate(&one.s)
	}()
)

// G returns the generator.
func G() *Point { var p Point; p.p.Set(generator); return &p }

// One returns the identity element.
func One() *Point { var p Point; p.p.Set(identity); return &p }

// String returns Belenios's hex form of p.
func (p *Point) String() string {
	b := p.p.Bytes()
	reverse(b)
	return hex.EncodeToString(b)
}

// Equal reports whether p and q are the same point.
func (p *Point) Equal(q *Point) bool { return p.p.Equal(&q.p) == 1 }

// IsIdentity reports whether p is the identity.
func (p *Point) IsIdentity() bool { return p.p.Equal(identity) == 1 }

// ParsePoint decodes a point from Belenios's hex form: exactly 64 lowercase
// hex digits, a canonical encoding of a point on the curve, in the
// prime-order subgroup (the identity is accepted, as Belenios does).
func ParsePoint(s string) (*Point, error) {
	if len(s) != 64 || strings.ToLower(s) != s {
		return nil, formatErr("a point is 64 lowercase hex digits")
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, formatErr("a point is 64 lowercase hex digits")
	}
	reverse(b)
	var p Point
	if _, err := p.p.SetBytes(b); err != nil {
		return nil, formatErr("%s… is not a point of Ed25519", s[:8])
	}
	if p.String() != s {
		return nil, formatErr("%s… is not the canonical encoding of its point", s[:8])
	}
	// [q]P = [q-1]P + P must be the identity (variable time: points are
	// public).
	var t edwards25519.Point
	t.VarTimeDoubleScalarBaseMult(lMinusOne, &p.p, zeroScalar)
	t.Add(&t, &p.p)
	if t.Equal(identity) != 1 {
		return nil, formatErr("%s… is not in the prime-order subgroup", s[:8])
	}
	return &p, nil
}

func reverse(b []byte) {
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
}

// Mul returns p·q (the group law, written multiplicatively as in the spec).
func (p *Point) Mul(q *Point) *Point { var r Point; r.p.Add(&p.p, &q.p); return &r }

// Div returns p/q.
func (p *Point) Div(q *Point) *Point { var r Point; r.p.Subtract(&p.p, &q.p); return &r }

// Exp returns p^x.
func (p *Point) Exp(x *Scalar) *Point { var r Point; r.p.ScalarMult(&x.s, &p.p); return &r }

// GExp returns g^x.
func GExp(x *Scalar) *Point { var r Point; r.p.ScalarBaseMult(&x.s); return &r }

// expMul returns a^x·b^y.
func expMul(a *Point, x *Scalar, b *Point, y *Scalar) *Point {
	var r Point
	r.p.VarTimeMultiScalarMult([]*edwards25519.Scalar{&x.s, &y.s}, []*edwards25519.Point{&a.p, &b.p})
	return &r
}

// gExpMul returns g^x·b^y.
func gExpMul(x *Scalar, b *Point, y *Scalar) *Point {
	var r Point
	r.p.VarTimeDoubleScalarBaseMult(&y.s, &b.p, &x.s)
	return &r
}

func scalarFromInt(n int64) *Scalar {
	return scalarFromBig(big.NewInt(n))
}

// scalarFromBig reduces n modulo q.
func scalarFromBig(n *big.Int) *Scalar {
	m := new(big.Int).Mod(n, order)
	var b [32]byte
	m.FillBytes(b[:])
	reverse(b[:])
	var s Scalar
	if _, err := s.s.SetCanonicalBytes(b[:]); err != nil {
		panic("belenios: reduced scalar not canonical")
	}
	return &s
}

// ScalarFromInt returns n mod q.
func ScalarFromInt(n int64) *Scalar { return scalarFromInt(n) }

// ParseScalar decodes a scalar: canonical base-10 digits (no sign, no
// leading zero), below q.
func ParseScalar(s string) (*Scalar, error) {
	if s == "" || len(s) > 80 || (s[0] == '0' && len(s) > 1) {
		return nil, formatErr("a scalar is a canonical decimal number")
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return nil, formatErr("a scalar is a canonical decimal number")
		}
	}
	n, _ := new(big.Int).SetString(s, 10)
	if n.Cmp(order) >= 0 {
		return nil, formatErr("a scalar must be below the group order")
	}
	return scalarFromBig(n), nil
}

// String returns the decimal form of x.
func (x *Scalar) String() string { return x.big().String() }

func (x *Scalar) big() *big.Int {
	b := x.s.Bytes()
	reverse(b)
	return new(big.Int).SetBytes(b)
}

// Equal reports whether x and y are equal.
func (x *Scalar) Equal(y *Scalar) bool { return x.s.Equal(&y.s) == 1 }

// Add returns x+y.
func (x *Scalar) Add(y *Scalar) *Scalar { var r Scalar; r.s.Add(&x.s, &y.s); return &r }

// Sub returns x-y.
func (x *Scalar) Sub(y *Scalar) *Scalar { var r Scalar; r.s.Subtract(&x.s, &y.s); return &r }

// Mul returns x·y.
func (x *Scalar) Mul(y *Scalar) *Scalar { var r Scalar; r.s.Multiply(&x.s, &y.s); return &r }

// Invert returns 1/x (0 for 0).
func (x *Scalar) Invert() *Scalar { var r Scalar; r.s.Invert(&x.s); return &r }

// Wipe sets x to zero.
func (x *Scalar) Wipe() { x.s = edwards25519.Scalar{} }

// randomScalar draws a uniform scalar from rnd.
func randomScalar(rnd interface{ Read([]byte) (int, error) }) (*Scalar, error) {
	var b [64]byte
	if _, err := readFull(rnd, b[:]); err != nil {
		return nil, fmt.Errorf("belenios: no randomness: %w", err)
	}
	var s Scalar
	if _, err := s.s.SetUniformBytes(b[:]); err != nil {
		return nil, err
	}
	clear(b[:])
	return &s, nil
}

func readFull(r interface{ Read([]byte) (int, error) }, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := r.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// reduceHex reads a hex digest as a big-endian integer and reduces it
// modulo q (Belenios's Zq.reduce_hex).
func reduceDigest(d []byte) *Scalar {
	return scalarFromBig(new(big.Int).SetBytes(d))
}

// hashToScalar is Belenios's v1 G.hash: SHA-256 of the prefix followed by
// the points' hex forms joined by commas, read as a big-endian integer,
// modulo q (spec §Verification keys and every proof after it).
func hashToScalar(prefix string, pts ...*Point) *Scalar {
	h := sha256.New()
	h.Write([]byte(prefix))
	for i, p := range pts {
		if i > 0 {
			h.Write([]byte{','})
		}
		h.Write([]byte(p.String()))
	}
	return reduceDigest(h.Sum(nil))
}

// sha256Hex returns the lowercase hex SHA-256 of b, the name Belenios
// gives files and payloads.
func sha256Hex(b []byte) string {
	d := sha256.Sum256(b)
	return hex.EncodeToString(d[:])
}

// SHA256Hex returns the lowercase hex SHA-256 of b: a trustee id, the
// payload hash of an archive entry.
func SHA256Hex(b []byte) string { return sha256Hex(b) }
