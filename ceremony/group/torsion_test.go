package group

import (
	"bytes"
	"crypto/sha512"
	"testing"

	"filippo.io/edwards25519"
	"filippo.io/edwards25519/field"
)

// fourTorsion returns the points of edwards25519 of order dividing 4:
// (0, 1), (0, -1), (SQRT_M1, 0) and (-SQRT_M1, 0).
func fourTorsion(t *testing.T) []*edwards25519.Point {
	t.Helper()
	minusSqrtM1 := new(field.Element).Negate(feSqrtM1)
	coords := [][2]*field.Element{
		{feZero, feOne}, {feZero, feMinusOne}, {feSqrtM1, feZero}, {minusSqrtM1, feZero},
	}
	var pts []*edwards25519.Point
	for _, c := range coords {
		xy := new(field.Element).Multiply(c[0], c[1])
		p, err := new(edwards25519.Point).SetExtendedCoordinates(c[0], c[1], feOne, xy)
		if err != nil {
			t.Fatalf("torsion point not on curve: %v", err)
		}
		pts = append(pts, p)
	}
	return pts
}

// TestTorsionInvariance checks the core ristretto property (RFC 9496,
// Section 4): internal representations that differ by a 4-torsion point are
// the same group element, with the same encoding.
func TestTorsionInvariance(t *testing.T) {
	torsion := fourTorsion(t)
	for i := range 16 {
		h := sha512.Sum512([]byte{byte(i)})
		e, err := new(Element).SetUniformBytes(h[:])
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			e = NewIdentityElement()
		}
		want := e.Bytes()
		for j, tp := range torsion {
			var f Element
			f.p.Add(&e.p, tp)
			if got := f.Bytes(); !bytes.Equal(got, want) {
				t.Errorf("element %d + torsion %d: encoding %x, want %x", i, j, got, want)
			}
			if f.Equal(e) != 1 || e.Equal(&f) != 1 {
				t.Errorf("element %d + torsion %d: not Equal", i, j)
			}
			if f.IsIdentity() != e.IsIdentity() {
				t.Errorf("element %d + torsion %d: IsIdentity differs", i, j)
			}
		}
	}
}

// TestDecodedRepresentation checks that decoding produces the affine
// representation (x, y, 1, x*y) of RFC 9496, Section 4.3.1, step 4, with
// non-negative x and t.
func TestDecodedRepresentation(t *testing.T) {
	for i := range 16 {
		h := sha512.Sum512([]byte{byte(i), 1})
		e, _ := new(Element).SetUniformBytes(h[:])
		d, err := new(Element).SetCanonicalBytes(e.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		x, y, z, tt := d.p.ExtendedCoordinates()
		if z.Equal(feOne) != 1 {
			t.Errorf("z != 1")
		}
		if new(field.Element).Multiply(x, y).Equal(tt) != 1 {
			t.Errorf("t != x*y")
		}
		if x.IsNegative() == 1 || tt.IsNegative() == 1 || y.Equal(feZero) == 1 {
			t.Errorf("decoded x or t negative, or y = 0")
		}
	}
}
