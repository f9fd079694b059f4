package group

import (
	"crypto/rand"
	"testing"
)

// ScalarMultFixed agrees with ScalarMult for edge and random scalars, with
// the table of the generator and of another element.
func TestScalarMultFixed(t *testing.T) {
	h := NewIdentityElement().ScalarBaseMult(NewScalar().SetUint64(0xC0FFEE))
	minusOne := NewScalar().Negate(NewScalar().SetUint64(1))
	for _, p := range []*Element{NewGeneratorElement(), h} {
		fb := NewFixedBase(p)
		scalars := []*Scalar{NewScalar(), NewScalar().SetUint64(1), NewScalar().SetUint64(8),
			NewScalar().SetUint64(0x88888888), minusOne, NewScalar().Negate(NewScalar().SetUint64(8))}
		for i := 0; i < 200; i++ {
			var b [64]byte
			rand.Read(b[:])
			s, _ := NewScalar().SetUniformBytes(b[:])
			scalars = append(scalars, s)
		}
		for _, s := range scalars {
			want := NewIdentityElement().ScalarMult(s, p)
			if got := NewIdentityElement().ScalarMultFixed(s, fb); got.Equal(want) != 1 {
				t.Fatalf("ScalarMultFixed(%x) differs from ScalarMult", s.Bytes())
			}
		}
	}
}

func BenchmarkScalarMultFixed(b *testing.B) {
	fb := NewFixedBase(NewIdentityElement().ScalarBaseMult(NewScalar().SetUint64(0xC0FFEE)))
	s := NewScalar().Negate(NewScalar().SetUint64(0x1234567))
	e := NewIdentityElement()
	for b.Loop() {
		e.ScalarMultFixed(s, fb)
	}
}
