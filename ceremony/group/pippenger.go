package group

import (
	"encoding/binary"
	"math/bits"

	"filippo.io/edwards25519"

	"filippo.io/edwards25519/field"
)

// This file holds a bucket ("Pippenger") multi-scalar multiplication for
// many terms with short public scalars, such as the 128-bit weights of a
// batched proof (docs/protocol.md §7.3). It works on extended twisted
// Edwards coordinates (a = −1) directly, with the formulas of Hisil, Wong,
// Carter and Dawson (add-2008-hwcd-3, dbl-2008-hwcd), which are complete on
// edwards25519.

var fe2D = new(field.Element).Add(feD, feD)

// extPoint is (X:Y:Z:T) with x = X/Z, y = Y/Z, xy = T/Z.
type extPoint struct{ X, Y, Z, T field.Element }

// cachedPoint is (Y+X, Y−X, 2d·T, 2Z), ready to be added.
type cachedPoint struct{ YplusX, YminusX, T2d, Z2 field.Element }

func (p *extPoint) identity() *extPoint {
	p.X.Zero()
	p.Y.One()
	p.Z.One()
	p.T.Zero()
	return p
}

func (c *cachedPoint) from(p *extPoint) *cachedPoint {
	c.YplusX.Add(&p.Y, &p.X)
	c.YminusX.Subtract(&p.Y, &p.X)
	c.T2d.Multiply(&p.T, fe2D)
	c.Z2.Add(&p.Z, &p.Z)
	return c
}

// add sets p = p + q (q negated when neg). When affine, q has Z = 1 and
// one multiplication is spared.
func (p *extPoint) add(q *cachedPoint, neg, affine bool) {
	var a, b, c, d, e, f, g, h field.Element
	qp, qm := &q.YplusX, &q.YminusX
	if neg {
		qp, qm = qm, qp
	}
	a.Subtract(&p.Y, &p.X)
	a.Multiply(&a, qm)
	b.Add(&p.Y, &p.X)
	b.Multiply(&b, qp)
	c.Multiply(&p.T, &q.T2d)
	if neg {
		c.Negate(&c)
	}
	if affine {
		d.Add(&p.Z, &p.Z)
	} else {
		d.Multiply(&p.Z, &q.Z2)
	}
	e.Subtract(&b, &a)
	f.Subtract(&d, &c)
	g.Add(&d, &c)
	h.Add(&b, &a)
	p.X.Multiply(&e, &f)
	p.Y.Multiply(&g, &h)
	p.T.Multiply(&e, &h)
	p.Z.Multiply(&f, &g)
}

// double sets p = 2p.
func (p *extPoint) double() {
	var a, b, c, e, g, f, h field.Element
	a.Square(&p.X)
	b.Square(&p.Y)
	c.Square(&p.Z)
	c.Add(&c, &c)
	e.Add(&p.X, &p.Y)
	e.Square(&e)
	e.Subtract(&e, &a)
	e.Subtract(&e, &b)
	g.Subtract(&b, &a) // D + B with D = −A
	f.Subtract(&g, &c)
	h.Add(&a, &b)
	h.Negate(&h) // D − B
	p.X.Multiply(&e, &f)
	p.Y.Multiply(&g, &h)
	p.T.Multiply(&e, &h)
	p.Z.Multiply(&f, &g)
}

// VarTimeMultiScalarMultShort sets e = Σ scalars[i]·points[i] and returns
// e, for scalars below 2^bitLen (it panics otherwise, and if the slices
// differ in length). It uses the bucket method, which beats
// VarTimeMultiScalarMult from a few dozen terms on.
//
// Its execution time depends on all its inputs: use it only with public
// values.
func (e *Element) VarTimeMultiScalarMultShort(scalars []*Scalar, points []*Element, bitLen int) *Element {
	n := len(points)
	if len(scalars) != n {
		panic("group: VarTimeMultiScalarMultShort called with different numbers of scalars and points")
	}
	if bitLen < 1 || bitLen > 253 {
		panic("group: VarTimeMultiScalarMultShort called with a bit length out of range")
	}
	if n == 0 {
		e.p.Set(edwards25519.NewIdentityPoint())
		return e
	}
	c := bits.Len(uint(n)) - 3
	c = max(4, min(c, 12))
	windows := (bitLen + c) / c // room for the last carry of the signed digits

	// Signed digits in (−2^(c−1), 2^(c−1)], window by window.
	digits := make([]int32, n*windows)
	var buf [40]byte
	for i, s := range scalars {
		b := s.s.Bytes()
		for k := (bitLen + 7) / 8; k < 32; k++ {
			if b[k] != 0 {
				panic("group: VarTimeMultiScalarMultShort called with a scalar longer than its bit length")
			}
		}
		if bitLen%8 != 0 && b[bitLen/8]>>(bitLen%8) != 0 {
			panic("group: VarTimeMultiScalarMultShort called with a scalar longer than its bit length")
		}
		copy(buf[:], b)
		carry := int32(0)
		for w := 0; w < windows; w++ {
			off := w * c
			v := int32(binary.LittleEndian.Uint64(buf[off/8:])>>(off%8)) & (1<<c - 1)
			v += carry
			carry = 0
			if v > 1<<(c-1) {
				v -= 1 << c
				carry = 1
			}
			digits[i*windows+w] = v
		}
	}
	cached := make([]cachedPoint, n)
	affine := make([]bool, n)
	for i, p := range points {
		X, Y, Z, T := p.p.ExtendedCoordinates()
		ep := extPoint{*X, *Y, *Z, *T}
		cached[i].from(&ep)
		affine[i] = Z.Equal(feOne) == 1 // decoded elements
	}
	buckets := make([]extPoint, 1<<(c-1))
	used := make([]bool, len(buckets))
	var acc, sum, run extPoint
	var cp cachedPoint
	acc.identity()
	for w := windows - 1; w >= 0; w-- {
		for k := 0; k < c; k++ {
			acc.double()
		}
		clear(used)
		for i := range cached {
			d := digits[i*windows+w]
			if d == 0 {
				continue
			}
			neg := d < 0
			if neg {
				d = -d
			}
			bk := &buckets[d-1]
			if !used[d-1] {
				bk.identity()
				used[d-1] = true
			}
			bk.add(&cached[i], neg, affine[i])
		}
		// Σ (b+1)·bucket[b] by running sums.
		sum.identity()
		run.identity()
		started := false
		for b := len(buckets) - 1; b >= 0; b-- {
			if used[b] {
				run.add(cp.from(&buckets[b]), false, false)
				started = true
			}
			if started {
				sum.add(cp.from(&run), false, false)
			}
		}
		acc.add(cp.from(&sum), false, false)
	}
	if _, err := e.p.SetExtendedCoordinates(&acc.X, &acc.Y, &acc.Z, &acc.T); err != nil {
		panic("group: internal error: multi-scalar multiplication left the curve")
	}
	return e
}

// VarTimeMultiSmallMult sets e = Σ ks[i]·points[i] and returns e, for
// small signed integer multipliers (such as Lagrange coefficients brought
// to a common denominator), with as many doublings as the longest
// multiplier has bits. It panics if the slices differ in length.
//
// Its execution time depends on all its inputs: use it only with public
// values.
func (e *Element) VarTimeMultiSmallMult(ks []int64, points []*Element) *Element {
	if len(ks) != len(points) {
		panic("group: VarTimeMultiSmallMult called with different numbers of multipliers and points")
	}
	mags := make([]uint64, len(ks))
	cached := make([]cachedPoint, len(ks))
	top := 0
	for i, k := range ks {
		m := uint64(k)
		if k < 0 {
			m = -m
		}
		mags[i] = m
		top = max(top, bits.Len64(m))
		X, Y, Z, T := points[i].p.ExtendedCoordinates()
		ep := extPoint{*X, *Y, *Z, *T}
		cached[i].from(&ep)
	}
	var acc extPoint
	acc.identity()
	for b := top - 1; b >= 0; b-- {
		acc.double()
		for i, m := range mags {
			if m>>b&1 == 1 {
				acc.add(&cached[i], ks[i] < 0, false)
			}
		}
	}
	if _, err := e.p.SetExtendedCoordinates(&acc.X, &acc.Y, &acc.Z, &acc.T); err != nil {
		panic("group: internal error: multi-scalar multiplication left the curve")
	}
	return e
}
