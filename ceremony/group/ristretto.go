package group

import (
	"crypto/subtle"
	"encoding/hex"
	"errors"

	"filippo.io/edwards25519"
	"filippo.io/edwards25519/field"
)

// This file holds the ristretto255-specific maps of RFC 9496, Section 4.3,
// written against filippo.io/edwards25519/field. Every function here runs
// in constant time.

// Constants of RFC 9496, Section 4.1, as canonical little-endian encodings.
// constants_test.go checks them against the decimal values in the RFC and
// against their defining relations.
var (
	feZero           = new(field.Element).Zero()
	feOne            = new(field.Element).One()
	feMinusOne       = new(field.Element).Negate(feOne)
	feD              = mustFieldElement("a3785913ca4deb75abd841414d0a700098e879777940c78c73fe6f2bee6c0352")
	feSqrtM1         = mustFieldElement("b0a00e4a271beec478e42fad0618432fa7d7fb3d99004d2b0bdfc14f8024832b")
	feSqrtADMinusOne = mustFieldElement("1b2e7b49a0f6977ebd54781b0c8e9daffdd1f531c9fc3c0fac48832bbf316937")
	feInvSqrtAMinusD = mustFieldElement("ea405d80aafdc899be72415a17162f9d40d801fe917bc216a2fcafcf05896c78")
	feOneMinusDSQ    = mustFieldElement("76c15f94c1097ce20f355ecd38a1812ce4df70beddab9499d7e0b3b2a8729002")
	feDMinusOneSQ    = mustFieldElement("204ded44aa5aad3199191eb02c4a9ed2eb4e9b522fd3dc4c41226cf67ab36859")
)

func mustFieldElement(h string) *field.Element {
	b, err := hex.DecodeString(h)
	if err != nil {
		panic("group: internal error: bad constant: " + err.Error())
	}
	fe, err := new(field.Element).SetBytes(b)
	if err != nil || subtle.ConstantTimeCompare(fe.Bytes(), b) != 1 {
		panic("group: internal error: non-canonical constant " + h)
	}
	return fe
}

// sqrtRatioM1 implements SQRT_RATIO_M1(u, v) of RFC 9496, Section 4.2. It
// returns (1, +sqrt(u/v)) if u/v is square (including u = 0), (0, 0) if
// v = 0 and u != 0, and (0, +sqrt(SQRT_M1*u/v)) otherwise.
//
// field.Element.SqrtRatio implements exactly this function (it was written
// from the same specification); the RFC 9496 Appendix A.4 vectors in
// testdata/rfc9496 pin that down.
func sqrtRatioM1(u, v *field.Element) (wasSquare int, r *field.Element) {
	r, wasSquare = new(field.Element).SqrtRatio(u, v)
	return wasSquare, r
}

// Reasons for decode failures, in the order they are reported.
var (
	errElementLength       = errors.New("group: element encoding is not 32 bytes")
	errElementNotCanonical = errors.New("group: element encoding is not canonical")
	errElementNegative     = errors.New("group: element encoding is a negative field element")
	errElementNotSquare    = errors.New("group: element encoding is not a valid point: non-square x^2")
	errElementNegativeXY   = errors.New("group: element encoding is not a valid point: negative xy")
	errElementYZero        = errors.New("group: element encoding is not a valid point: y = 0")
)

// decode implements the ristretto255 decoding of RFC 9496, Section 4.3.1.
// On success it sets p and returns nil; on failure it returns an error and
// leaves p unchanged. All checks are computed in constant time, and the
// error is chosen only after the whole computation.
func decode(p *edwards25519.Point, b []byte) error {
	if len(b) != ElementSize {
		return errElementLength
	}

	// 1. Interpret b as a little-endian integer s; fail if s >= p. The field
	// decoder ignores the top bit and accepts values up to 2^255-1, so any
	// non-canonical input shows up as a difference after re-encoding.
	s, err := new(field.Element).SetBytes(b)
	if err != nil {
		return errElementLength
	}
	canonical := subtle.ConstantTimeCompare(s.Bytes(), b)

	// 2. Fail if IS_NEGATIVE(s).
	negative := s.IsNegative()

	// 3.
	ss := new(field.Element).Square(s)           // ss = s^2
	u1 := new(field.Element).Subtract(feOne, ss) // u1 = 1 - ss
	u2 := new(field.Element).Add(feOne, ss)      // u2 = 1 + ss
	u2Sqr := new(field.Element).Square(u2)       // u2_sqr = u2^2

	// v = -(D * u1^2) - u2_sqr
	v := new(field.Element).Square(u1)
	v.Multiply(feD, v)
	v.Negate(v)
	v.Subtract(v, u2Sqr)

	// (was_square, invsqrt) = SQRT_RATIO_M1(1, v * u2_sqr)
	wasSquare, invSqrt := sqrtRatioM1(feOne, new(field.Element).Multiply(v, u2Sqr))

	denX := new(field.Element).Multiply(invSqrt, u2)   // den_x = invsqrt * u2
	denY := new(field.Element).Multiply(invSqrt, denX) // den_y = invsqrt * den_x * v
	denY.Multiply(denY, v)

	// x = CT_ABS(2 * s * den_x)
	x := new(field.Element).Add(s, s)
	x.Multiply(x, denX)
	x.Absolute(x)
	y := new(field.Element).Multiply(u1, denY) // y = u1 * den_y
	t := new(field.Element).Multiply(x, y)     // t = x * y

	// 4. Fail if was_square is FALSE, or IS_NEGATIVE(t), or y = 0.
	negativeXY := t.IsNegative()
	yZero := y.Equal(feZero)

	ok := canonical & (negative ^ 1) & wasSquare & (negativeXY ^ 1) & (yZero ^ 1)
	if ok != 1 {
		switch {
		case canonical != 1:
			return errElementNotCanonical
		case negative == 1:
			return errElementNegative
		case wasSquare != 1:
			return errElementNotSquare
		case negativeXY == 1:
			return errElementNegativeXY
		default:
			return errElementYZero
		}
	}

	// Return the element represented by (x, y, 1, t).
	if _, err := p.SetExtendedCoordinates(x, y, feOne, t); err != nil {
		panic("group: internal error: decoded point is not on the curve")
	}
	return nil
}

// encode implements the ristretto255 encoding of RFC 9496, Section 4.3.2,
// writing the 32-byte encoding of p to out.
func encode(out *[ElementSize]byte, p *edwards25519.Point) {
	x0, y0, z0, t0 := p.ExtendedCoordinates()
	tmp := new(field.Element)

	// u1 = (z0 + y0) * (z0 - y0)
	u1 := new(field.Element).Add(z0, y0)
	u1.Multiply(u1, tmp.Subtract(z0, y0))
	// u2 = x0 * y0
	u2 := new(field.Element).Multiply(x0, y0)

	// Ignore was_square since this is always square.
	// (_, invsqrt) = SQRT_RATIO_M1(1, u1 * u2^2)
	tmp.Square(u2)
	tmp.Multiply(u1, tmp)
	_, invSqrt := sqrtRatioM1(feOne, tmp)

	den1 := new(field.Element).Multiply(invSqrt, u1) // den1 = invsqrt * u1
	den2 := new(field.Element).Multiply(invSqrt, u2) // den2 = invsqrt * u2
	zInv := new(field.Element).Multiply(den1, den2)  // z_inv = den1 * den2 * t0
	zInv.Multiply(zInv, t0)

	ix0 := new(field.Element).Multiply(x0, feSqrtM1) // ix0 = x0 * SQRT_M1
	iy0 := new(field.Element).Multiply(y0, feSqrtM1) // iy0 = y0 * SQRT_M1
	// enchanted_denominator = den1 * INVSQRT_A_MINUS_D
	enchantedDenominator := new(field.Element).Multiply(den1, feInvSqrtAMinusD)

	// rotate = IS_NEGATIVE(t0 * z_inv)
	rotate := tmp.Multiply(t0, zInv).IsNegative()

	// Conditionally rotate x and y.
	x := new(field.Element).Select(iy0, x0, rotate) // x = CT_SELECT(iy0 IF rotate ELSE x0)
	y := new(field.Element).Select(ix0, y0, rotate) // y = CT_SELECT(ix0 IF rotate ELSE y0)
	z := z0                                         // z = z0
	// den_inv = CT_SELECT(enchanted_denominator IF rotate ELSE den2)
	denInv := new(field.Element).Select(enchantedDenominator, den2, rotate)

	// y = CT_SELECT(-y IF IS_NEGATIVE(x * z_inv) ELSE y)
	yNeg := new(field.Element).Negate(y)
	y.Select(yNeg, y, tmp.Multiply(x, zInv).IsNegative())

	// s = CT_ABS(den_inv * (z - y))
	s := tmp.Subtract(z, y)
	s.Multiply(denInv, s)
	s.Absolute(s)

	// Return the 32-byte little-endian encoding of s.
	copy(out[:], s.Bytes())
}

// equal implements the ristretto255 equality of RFC 9496, Section 4.3.3.
func equal(p, q *edwards25519.Point) int {
	x1, y1, _, _ := p.ExtendedCoordinates()
	x2, y2, _, _ := q.ExtendedCoordinates()
	var a, b field.Element
	// x1 * y2 == y1 * x2
	eq1 := a.Multiply(x1, y2).Equal(b.Multiply(y1, x2))
	// y1 * y2 == x1 * x2
	eq2 := a.Multiply(y1, y2).Equal(b.Multiply(x1, x2))
	return eq1 | eq2
}

// mapToPoint implements MAP of RFC 9496, Section 4.3.4, on the field
// element t (already masked and reduced by the caller), and sets p to the
// result.
func mapToPoint(p *edwards25519.Point, t *field.Element) {
	// r = SQRT_M1 * t^2
	r := new(field.Element).Square(t)
	r.Multiply(feSqrtM1, r)

	// u = (r + 1) * ONE_MINUS_D_SQ
	u := new(field.Element).Add(r, feOne)
	u.Multiply(u, feOneMinusDSQ)

	// v = (-1 - r*D) * (r + D)
	v := new(field.Element).Multiply(r, feD)
	v.Subtract(feMinusOne, v)
	v.Multiply(v, new(field.Element).Add(r, feD))

	// (was_square, s) = SQRT_RATIO_M1(u, v)
	wasSquare, s := sqrtRatioM1(u, v)

	// s_prime = -CT_ABS(s*t)
	sPrime := new(field.Element).Multiply(s, t)
	sPrime.Absolute(sPrime)
	sPrime.Negate(sPrime)

	// s = CT_SELECT(s IF was_square ELSE s_prime)
	s.Select(s, sPrime, wasSquare)
	// c = CT_SELECT(-1 IF was_square ELSE r)
	c := new(field.Element).Select(feMinusOne, r, wasSquare)

	// N = c * (r - 1) * D_MINUS_ONE_SQ - v
	n := new(field.Element).Subtract(r, feOne)
	n.Multiply(c, n)
	n.Multiply(n, feDMinusOneSQ)
	n.Subtract(n, v)

	s2 := new(field.Element).Square(s)
	w0 := new(field.Element).Add(s, s) // w0 = 2 * s * v
	w0.Multiply(w0, v)
	w1 := new(field.Element).Multiply(n, feSqrtADMinusOne) // w1 = N * SQRT_AD_MINUS_ONE
	w2 := new(field.Element).Subtract(feOne, s2)           // w2 = 1 - s^2
	w3 := new(field.Element).Add(feOne, s2)                // w3 = 1 + s^2

	// Return the element represented by (w0*w3, w2*w1, w1*w3, w0*w2).
	var x, y, z, tt field.Element
	x.Multiply(w0, w3)
	y.Multiply(w2, w1)
	z.Multiply(w1, w3)
	tt.Multiply(w0, w2)
	if _, err := p.SetExtendedCoordinates(&x, &y, &z, &tt); err != nil {
		panic("group: internal error: mapped point is not on the curve")
	}
}

// fromUniformBytes implements the element derivation function of RFC 9496,
// Section 4.3.4, on a 64-byte input.
func fromUniformBytes(p *edwards25519.Point, b []byte) {
	// MAP masks the most significant bit of each 32-byte half and reduces
	// the rest modulo p, which is what field.Element.SetBytes does.
	t1, err1 := new(field.Element).SetBytes(b[:32])
	t2, err2 := new(field.Element).SetBytes(b[32:64])
	if err1 != nil || err2 != nil {
		panic("group: internal error: bad uniform input length")
	}
	var p1, p2 edwards25519.Point
	mapToPoint(&p1, t1) // P1 = MAP(b[0:32])
	mapToPoint(&p2, t2) // P2 = MAP(b[32:64])
	p.Add(&p1, &p2)     // return P1 + P2
}
