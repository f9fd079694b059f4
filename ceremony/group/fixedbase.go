package group

import (
	"crypto/subtle"

	"filippo.io/edwards25519/field"
)

// FixedBase holds the multiples of one fixed element P needed to multiply
// it by a secret scalar in constant time faster than ScalarMult, as
// ScalarBaseMult does for the generator: t[i][j] = (j+1)·256^i·P, in affine
// form (Z = 1), for signed radix-16 digits. It costs under half of a
// ScalarMult, for 30 KiB and about five ScalarMults to build. Made for the
// Pedersen generator H (docs/protocol.md §1.2), which every commitment and
// opening proof multiplies by a secret.
type FixedBase struct {
	t [32][8]affinePoint
}

// affinePoint is (Y+X, Y−X, 2d·T) of a point with Z = 1.
type affinePoint struct{ YplusX, YminusX, T2d field.Element }

// NewFixedBase precomputes the table of p (a public element), in variable
// time.
func NewFixedBase(p *Element) *FixedBase {
	X, Y, Z, T := p.p.ExtendedCoordinates()
	base := extPoint{*X, *Y, *Z, *T}
	var all [32 * 8]extPoint
	for i := 0; i < 32; i++ {
		var c cachedPoint
		c.from(&base)
		all[8*i] = base
		for j := 1; j < 8; j++ {
			all[8*i+j] = all[8*i+j-1]
			all[8*i+j].add(&c, false, false)
		}
		for k := 0; k < 8; k++ {
			base.double()
		}
	}
	zs := make([]field.Element, len(all))
	for k := range all {
		zs[k] = all[k].Z
	}
	batchInvert(zs)
	fb := new(FixedBase)
	for k := range all {
		var x, y, t field.Element
		x.Multiply(&all[k].X, &zs[k])
		y.Multiply(&all[k].Y, &zs[k])
		t.Multiply(&x, &y)
		a := &fb.t[k/8][k%8]
		a.YplusX.Add(&y, &x)
		a.YminusX.Subtract(&y, &x)
		a.T2d.Multiply(&t, fe2D)
	}
	return fb
}

// selectDigit sets c to d·(the row's point), for a digit d in [−8, 8], in
// constant time, as an affine point (Z2 is left alone: add it as affine).
func (c *cachedPoint) selectDigit(row *[8]affinePoint, d int8) {
	neg := int(uint8(d) >> 7)                    // 1 if d < 0
	abs := int(uint8(d^-int8(neg)) + uint8(neg)) // |d|
	c.YplusX.One()
	c.YminusX.One()
	c.T2d.Zero()
	for j := 1; j <= 8; j++ {
		cond := subtle.ConstantTimeEq(int32(abs), int32(j))
		c.YplusX.Select(&row[j-1].YplusX, &c.YplusX, cond)
		c.YminusX.Select(&row[j-1].YminusX, &c.YminusX, cond)
		c.T2d.Select(&row[j-1].T2d, &c.T2d, cond)
	}
	// −(x, y) = (−x, y): Y+X and Y−X swap, T changes sign.
	c.YplusX.Swap(&c.YminusX, neg)
	var minusT2d field.Element
	minusT2d.Negate(&c.T2d)
	c.T2d.Select(&minusT2d, &c.T2d, neg)
}

// ScalarMultFixed sets e = s·P for the element P of fb and returns e, in
// constant time with respect to s (s may be secret).
func (e *Element) ScalarMultFixed(s *Scalar, fb *FixedBase) *Element {
	var d [64]int8
	signedDigitsInto(&d, s)
	var acc extPoint
	acc.identity()
	var c cachedPoint
	for i := 1; i < 64; i += 2 {
		c.selectDigit(&fb.t[i/2], d[i])
		acc.add(&c, false, true)
	}
	for k := 0; k < 4; k++ {
		acc.double()
	}
	for i := 0; i < 64; i += 2 {
		c.selectDigit(&fb.t[i/2], d[i])
		acc.add(&c, false, true)
	}
	clear(d[:])
	c = cachedPoint{}
	if _, err := e.p.SetExtendedCoordinates(&acc.X, &acc.Y, &acc.Z, &acc.T); err != nil {
		panic("group: internal error: a fixed-base multiplication left the curve")
	}
	acc = extPoint{}
	return e
}

// signedDigitsInto sets d to the signed radix-16 digits of s: s =
// Σ d[i]·16^i, d[0..62] in [−8, 8) and d[63] in [0, 2] (s < L < 2^253, so
// its top nibble is at most 1 before the last carry), in constant time.
func signedDigitsInto(d *[64]int8, s *Scalar) {
	b := s.s.Bytes()
	for i := 0; i < 32; i++ {
		d[2*i] = int8(b[i] & 15)
		d[2*i+1] = int8(b[i] >> 4)
	}
	clear(b)
	for i := 0; i < 63; i++ {
		carry := (d[i] + 8) >> 4
		d[i] -= carry << 4
		d[i+1] += carry
	}
}
