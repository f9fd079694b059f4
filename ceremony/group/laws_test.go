package group_test

import (
	"bytes"
	"math/big"
	"math/rand/v2"
	"testing"

	"conclave/ceremony/group"
)

const lawIterations = 64

// newRand returns a deterministic source so that failures reproduce.
func newRand(name string) *rand.ChaCha8 {
	var seed [32]byte
	copy(seed[:], name)
	return rand.NewChaCha8(seed)
}

func randScalar(r *rand.ChaCha8) *group.Scalar {
	var b [64]byte
	r.Read(b[:])
	s, err := group.NewScalar().SetUniformBytes(b[:])
	if err != nil {
		panic(err)
	}
	return s
}

func randElement(r *rand.ChaCha8) *group.Element {
	var b [64]byte
	r.Read(b[:])
	e, err := new(group.Element).SetUniformBytes(b[:])
	if err != nil {
		panic(err)
	}
	return e
}

func scalarEq(t *testing.T, what string, a, b *group.Scalar) {
	t.Helper()
	if a.Equal(b) != 1 || !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatalf("%s: %x != %x", what, a.Bytes(), b.Bytes())
	}
}

func elemEq(t *testing.T, what string, a, b *group.Element) {
	t.Helper()
	if a.Equal(b) != 1 || b.Equal(a) != 1 || !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatalf("%s: %x != %x", what, a.Bytes(), b.Bytes())
	}
}

func TestScalarLaws(t *testing.T) {
	r := newRand(t.Name())
	zero, one := group.NewScalar(), group.NewScalar().SetUint64(1)
	for range lawIterations {
		x, y, z := randScalar(r), randScalar(r), randScalar(r)
		n := group.NewScalar
		scalarEq(t, "x+y = y+x", n().Add(x, y), n().Add(y, x))
		scalarEq(t, "(x+y)+z = x+(y+z)", n().Add(n().Add(x, y), z), n().Add(x, n().Add(y, z)))
		scalarEq(t, "x*y = y*x", n().Multiply(x, y), n().Multiply(y, x))
		scalarEq(t, "(x*y)*z = x*(y*z)", n().Multiply(n().Multiply(x, y), z), n().Multiply(x, n().Multiply(y, z)))
		scalarEq(t, "x*(y+z) = x*y+x*z", n().Multiply(x, n().Add(y, z)), n().Add(n().Multiply(x, y), n().Multiply(x, z)))
		scalarEq(t, "x+0 = x", n().Add(x, zero), x)
		scalarEq(t, "x*1 = x", n().Multiply(x, one), x)
		scalarEq(t, "x*0 = 0", n().Multiply(x, zero), zero)
		scalarEq(t, "x-x = 0", n().Subtract(x, x), zero)
		scalarEq(t, "x+(-x) = 0", n().Add(x, n().Negate(x)), zero)
		scalarEq(t, "x-y = x+(-y)", n().Subtract(x, y), n().Add(x, n().Negate(y)))
		scalarEq(t, "-(-x) = x", n().Negate(n().Negate(x)), x)
		scalarEq(t, "x*y+z", n().MultiplyAdd(x, y, z), n().Add(n().Multiply(x, y), z))
		scalarEq(t, "x*(1/x) = 1", n().Multiply(x, n().Invert(x)), one)
		scalarEq(t, "1/(1/x) = x", n().Invert(n().Invert(x)), x)
		scalarEq(t, "Set", n().Set(x), x)

		// Results match math/big.
		bx, by := bigOf(x), bigOf(y)
		want := new(big.Int).Mod(new(big.Int).Mul(bx, by), order)
		if bigOf(n().Multiply(x, y)).Cmp(want) != 0 {
			t.Fatalf("x*y disagrees with math/big")
		}
		want = new(big.Int).ModInverse(bx, order)
		if bigOf(n().Invert(x)).Cmp(want) != 0 {
			t.Fatalf("1/x disagrees with math/big")
		}

		// Canonical encoding round-trips.
		d, err := n().SetCanonicalBytes(x.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		scalarEq(t, "decode(encode(x))", d, x)
		if (x.Equal(y) == 1) != bytes.Equal(x.Bytes(), y.Bytes()) {
			t.Fatal("Equal disagrees with Bytes")
		}

		// Aliasing: the receiver may be an operand.
		a := n().Set(x)
		a.Add(a, a)
		scalarEq(t, "aliased x+x", a, n().Multiply(x, n().SetUint64(2)))
		a.Set(x)
		a.MultiplyAdd(a, a, a)
		scalarEq(t, "aliased x*x+x", a, n().Add(n().Multiply(x, x), x))
		a.Set(x)
		a.Invert(a)
		scalarEq(t, "aliased 1/x", a, n().Invert(x))
	}
	scalarEq(t, "1/0 = 0", group.NewScalar().Invert(zero), zero)
	scalarEq(t, "1/1 = 1", group.NewScalar().Invert(one), one)
	scalarEq(t, "-0 = 0", group.NewScalar().Negate(zero), zero)
}

func TestElementLaws(t *testing.T) {
	r := newRand(t.Name())
	id, g := group.NewIdentityElement(), group.NewGeneratorElement()
	n := func() *group.Element { return new(group.Element) }
	ns := group.NewScalar
	for range lawIterations {
		p, q, s := randElement(r), randElement(r), randElement(r)
		a, b := randScalar(r), randScalar(r)

		elemEq(t, "p+q = q+p", n().Add(p, q), n().Add(q, p))
		elemEq(t, "(p+q)+s = p+(q+s)", n().Add(n().Add(p, q), s), n().Add(p, n().Add(q, s)))
		elemEq(t, "p+0 = p", n().Add(p, id), p)
		elemEq(t, "p-p = 0", n().Subtract(p, p), id)
		elemEq(t, "p+(-p) = 0", n().Add(p, n().Negate(p)), id)
		elemEq(t, "p-q = p+(-q)", n().Subtract(p, q), n().Add(p, n().Negate(q)))
		elemEq(t, "-(-p) = p", n().Negate(n().Negate(p)), p)
		elemEq(t, "Set", n().Set(p), p)
		if !n().Subtract(p, p).IsIdentity() || p.IsIdentity() {
			t.Fatal("IsIdentity wrong")
		}
		if p.Equal(q) == 1 {
			t.Fatal("random elements are Equal")
		}

		aG := n().ScalarBaseMult(a)
		elemEq(t, "aG = a*G", aG, n().ScalarMult(a, g))
		elemEq(t, "(a+b)G = aG+bG", n().ScalarBaseMult(ns().Add(a, b)), n().Add(aG, n().ScalarBaseMult(b)))
		elemEq(t, "(ab)G = a(bG)", n().ScalarBaseMult(ns().Multiply(a, b)), n().ScalarMult(a, n().ScalarBaseMult(b)))
		elemEq(t, "a(p+q) = ap+aq", n().ScalarMult(a, n().Add(p, q)), n().Add(n().ScalarMult(a, p), n().ScalarMult(a, q)))
		elemEq(t, "(-a)p = -(ap)", n().ScalarMult(ns().Negate(a), p), n().Negate(n().ScalarMult(a, p)))
		elemEq(t, "0p = 0", n().ScalarMult(ns(), p), id)
		elemEq(t, "1p = p", n().ScalarMult(ns().SetUint64(1), p), p)
		elemEq(t, "2p = p+p", n().ScalarMult(ns().SetUint64(2), p), n().Add(p, p))
		elemEq(t, "a*(1/a)*p = p", n().ScalarMult(ns().Invert(a), n().ScalarMult(a, p)), p)
		elemEq(t, "ap+bG", n().VarTimeDoubleScalarBaseMult(a, p, b), n().Add(n().ScalarMult(a, p), n().ScalarBaseMult(b)))
		elemEq(t, "MSM", n().MultiScalarMult([]*group.Scalar{a, b}, []*group.Element{p, q}),
			n().Add(n().ScalarMult(a, p), n().ScalarMult(b, q)))
		elemEq(t, "VarTime MSM", n().VarTimeMultiScalarMult([]*group.Scalar{a, b}, []*group.Element{p, q}),
			n().Add(n().ScalarMult(a, p), n().ScalarMult(b, q)))

		// Encoding round-trips, and different internal representations of
		// the same element (p computed two ways) encode identically.
		d, err := n().SetCanonicalBytes(p.Bytes())
		if err != nil {
			t.Fatalf("decoding an encoding: %v", err)
		}
		elemEq(t, "decode(encode(p))", d, p)
		other := n().Subtract(n().Add(p, q), q)
		elemEq(t, "(p+q)-q = p", other, p)

		// Aliasing: the receiver may be an operand.
		x := n().Set(p)
		x.Add(x, x)
		elemEq(t, "aliased p+p", x, n().ScalarMult(ns().SetUint64(2), p))
		x.Set(p)
		x.ScalarMult(a, x)
		elemEq(t, "aliased a*p", x, n().ScalarMult(a, p))
		x.Set(p)
		x.MultiScalarMult([]*group.Scalar{a, b}, []*group.Element{x, q})
		elemEq(t, "aliased MSM", x, n().Add(n().ScalarMult(a, p), n().ScalarMult(b, q)))
		x.Set(p)
		x.VarTimeMultiScalarMult([]*group.Scalar{a, b}, []*group.Element{x, q})
		elemEq(t, "aliased VarTime MSM", x, n().Add(n().ScalarMult(a, p), n().ScalarMult(b, q)))
		x.Set(p)
		x.VarTimeDoubleScalarBaseMult(a, x, b)
		elemEq(t, "aliased VarTimeDoubleScalarBaseMult", x, n().Add(n().ScalarMult(a, p), n().ScalarBaseMult(b)))
	}

	// The group order is l: (l-1)G + G = 0, i.e. (l-1)G = -G.
	lm1, err := group.NewScalar().SetCanonicalBytes(le(new(big.Int).Sub(order, big.NewInt(1)), 32))
	if err != nil {
		t.Fatal(err)
	}
	elemEq(t, "(l-1)G = -G", n().ScalarBaseMult(lm1), n().Negate(g))
	elemEq(t, "(l-1)G + G = 0", n().Add(n().ScalarBaseMult(lm1), g), id)
	if !bytes.Equal(id.Bytes(), make([]byte, 32)) {
		t.Fatal("identity does not encode as zero")
	}
	if !id.IsIdentity() || g.IsIdentity() {
		t.Fatal("IsIdentity wrong for constants")
	}
	elemEq(t, "-0 = 0", n().Negate(id), id)
}

func TestMultiScalarMultSizes(t *testing.T) {
	r := newRand(t.Name())
	for _, size := range []int{0, 1, 2, 3, 17, 64} {
		scalars := make([]*group.Scalar, size)
		points := make([]*group.Element, size)
		want := group.NewIdentityElement()
		for i := range size {
			scalars[i], points[i] = randScalar(r), randElement(r)
			want.Add(want, new(group.Element).ScalarMult(scalars[i], points[i]))
		}
		elemEq(t, "MultiScalarMult", new(group.Element).MultiScalarMult(scalars, points), want)
		elemEq(t, "VarTimeMultiScalarMult", new(group.Element).VarTimeMultiScalarMult(scalars, points), want)
	}
}

func TestMultiScalarMultMismatchPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"MultiScalarMult": func() {
			new(group.Element).MultiScalarMult([]*group.Scalar{group.NewScalar()}, nil)
		},
		"VarTimeMultiScalarMult": func() {
			new(group.Element).VarTimeMultiScalarMult(nil, []*group.Element{group.NewIdentityElement()})
		},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic on mismatched lengths", name)
				}
			}()
			f()
		}()
	}
}

func TestElementDecodeErrors(t *testing.T) {
	for _, n := range []int{0, 31, 33, 64} {
		e := group.NewGeneratorElement()
		got, err := e.SetCanonicalBytes(make([]byte, n))
		if err == nil || got != nil {
			t.Errorf("%d bytes: accepted", n)
		} else if err.Error() != "group: element encoding is not 32 bytes" {
			t.Errorf("%d bytes: error %q", n, err)
		}
		if e.Equal(group.NewGeneratorElement()) != 1 {
			t.Errorf("%d bytes: receiver modified", n)
		}
	}
	for _, n := range []int{0, 32, 63, 65} {
		e := group.NewGeneratorElement()
		got, err := e.SetUniformBytes(make([]byte, n))
		if err == nil || got != nil {
			t.Errorf("SetUniformBytes %d bytes: accepted", n)
		} else if err.Error() != "group: uniform input is not 64 bytes" {
			t.Errorf("SetUniformBytes %d bytes: error %q", n, err)
		}
		if e.Equal(group.NewGeneratorElement()) != 1 {
			t.Errorf("SetUniformBytes %d bytes: receiver modified", n)
		}
	}
	// The identity decodes.
	e, err := new(group.Element).SetCanonicalBytes(make([]byte, 32))
	if err != nil || !e.IsIdentity() {
		t.Errorf("identity: %v", err)
	}
	// Setting the high bit of a valid encoding makes it non-canonical.
	b := group.NewGeneratorElement().Bytes()
	b[31] |= 0x80
	if _, err := new(group.Element).SetCanonicalBytes(b); err == nil || err.Error() != "group: element encoding is not canonical" {
		t.Errorf("high bit set: error %v", err)
	}
}
