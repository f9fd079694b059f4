package group

import (
	"filippo.io/edwards25519/field"
)

// DoubleAndEncodeBatch writes to dst (32·len(points) bytes) the encodings
// of 2·P for every P in points, with one field inversion for the whole
// batch instead of one inverse square root per element: the batched
// double-and-encode of the ristretto group's documentation
// (https://ristretto.group/formulas/encoding.html), which RFC 9496 §4.3.2's
// encoding of 2·P equals. To encode x·A, compute (x/2)·A and encode it
// doubled.
//
// It runs in time that depends only on len(points).
func DoubleAndEncodeBatch(dst []byte, points []*Element) {
	n := len(points)
	if len(dst) != n*ElementSize {
		panic("group: DoubleAndEncodeBatch called with a destination of the wrong size")
	}
	if n == 0 {
		return
	}
	type state struct{ e, f, g, h, eg, fh field.Element }
	st := make([]state, n)
	inv := make([]field.Element, n)
	var xx, yy, zz, dtt field.Element
	for i, p := range points {
		X, Y, Z, T := p.p.ExtendedCoordinates()
		s := &st[i]
		xx.Square(X)
		yy.Square(Y)
		zz.Square(Z)
		dtt.Square(T)
		dtt.Multiply(&dtt, feD)
		s.e.Add(Y, Y)
		s.e.Multiply(&s.e, X) // 2XY
		s.f.Add(&zz, &dtt)    // Z² + dT²
		s.g.Add(&yy, &xx)     // Y² − aX², a = −1
		s.h.Subtract(&zz, &dtt)
		s.eg.Multiply(&s.e, &s.g)
		s.fh.Multiply(&s.f, &s.h)
		inv[i].Multiply(&s.eg, &s.fh)
	}
	batchInvert(inv)
	var zInv, tInv, magic, minusE, fSqrtA, t1, t2, sv field.Element
	for i := range st {
		s := &st[i]
		zInv.Multiply(&s.eg, &inv[i])
		tInv.Multiply(&s.fh, &inv[i])
		magic.Set(feInvSqrtAMinusD)
		negcheck1 := t1.Multiply(&s.eg, &zInv).IsNegative()
		e, g, h := s.e, s.g, s.h
		minusE.Negate(&e)
		fSqrtA.Multiply(&s.f, feSqrtM1)
		e.Select(&s.g, &e, negcheck1)
		g.Select(&minusE, &g, negcheck1)
		h.Select(&fSqrtA, &h, negcheck1)
		magic.Select(feSqrtM1, &magic, negcheck1)
		t1.Multiply(&h, &e)
		negcheck2 := t1.Multiply(&t1, &zInv).IsNegative()
		t2.Negate(&g)
		g.Select(&t2, &g, negcheck2)
		// s = (h − g) · magic · g · tInv
		t1.Multiply(&g, &tInv)
		t1.Multiply(&magic, &t1)
		sv.Subtract(&h, &g)
		sv.Multiply(&sv, &t1)
		sv.Absolute(&sv)
		copy(dst[i*ElementSize:], sv.Bytes())
	}
}

// batchInvert replaces every element of v by its inverse (0 stays 0),
// with one inversion and three multiplications per element (Montgomery's
// trick). It runs in time that depends only on len(v).
func batchInvert(v []field.Element) {
	n := len(v)
	acc := make([]field.Element, n)
	var run field.Element
	run.One()
	for i := range v {
		acc[i].Set(&run)
		// A zero stays zero and must not zero the running product.
		var f field.Element
		f.Select(feOne, &v[i], v[i].Equal(feZero))
		run.Multiply(&run, &f)
	}
	run.Invert(&run)
	var t field.Element
	for i := n - 1; i >= 0; i-- {
		zero := v[i].Equal(feZero)
		var f field.Element
		f.Select(feOne, &v[i], zero)
		t.Multiply(&run, &acc[i])
		run.Multiply(&run, &f)
		v[i].Select(feZero, &t, zero)
	}
}

// Points holds decoded elements compactly (64 bytes each: the affine
// coordinates of their internal representation, never an encoding to write
// anywhere), so that a second pass over a batch does not decode it again.
// Distinct indices may be set from different goroutines.
type Points struct {
	b []byte
}

// NewPoints returns a store of n elements, all unset.
func NewPoints(n int) *Points { return &Points{b: make([]byte, 64*n)} }

// Len returns the number of elements the store holds.
func (ps *Points) Len() int { return len(ps.b) / 64 }

// Set stores e at index i. An element just decoded (Z = 1) costs two field
// encodings; any other costs one field inversion more.
func (ps *Points) Set(i int, e *Element) {
	X, Y, Z, _ := e.p.ExtendedCoordinates()
	if Z.Equal(feOne) != 1 {
		var zi field.Element
		zi.Invert(Z)
		X.Multiply(X, &zi)
		Y.Multiply(Y, &zi)
	}
	copy(ps.b[64*i:], X.Bytes())
	copy(ps.b[64*i+32:], Y.Bytes())
}

// Get sets e to the element stored at index i and returns e. It panics if
// nothing was stored there.
func (ps *Points) Get(i int, e *Element) *Element {
	var x, y, t field.Element
	x.SetBytes(ps.b[64*i : 64*i+32])
	y.SetBytes(ps.b[64*i+32 : 64*i+64])
	t.Multiply(&x, &y)
	if _, err := e.p.SetExtendedCoordinates(&x, &y, feOne, &t); err != nil {
		panic("group: internal error: a stored point is not on the curve, or was never set")
	}
	return e
}
