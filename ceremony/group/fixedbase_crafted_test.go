package group

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

// fixedBaseOrder is L, the order of the group.
var fixedBaseOrder, _ = new(big.Int).SetString("7237005577332262213973186563042994240857116359379907606001950938285454250989", 10)

// scalarFromBig returns v mod L as a Scalar.
func scalarFromBig(t *testing.T, v *big.Int) *Scalar {
	t.Helper()
	v = new(big.Int).Mod(v, fixedBaseOrder)
	var b [32]byte
	v.FillBytes(b[:])
	for i := 0; i < 16; i++ { // to little-endian
		b[i], b[31-i] = b[31-i], b[i]
	}
	s, err := NewScalar().SetCanonicalBytes(b[:])
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// craftedScalars are the scalars where a signed radix-16 recoding goes
// wrong if it does: every nibble value at every position (alone, so that
// a digit of 8 or more borrows from the next), runs of nibbles 7, 8 and 15
// (carries that ripple across the whole scalar), the region of 2^252 and
// of L (the top digit, which receives the last carry), and every power of
// two with its neighbours.
func craftedScalars(t *testing.T) []*Scalar {
	var vs []*big.Int
	one := big.NewInt(1)
	for p := 0; p < 64; p++ {
		for v := int64(0); v < 16; v++ {
			vs = append(vs, new(big.Int).Lsh(big.NewInt(v), uint(4*p)))
		}
	}
	for b := 0; b < 253; b++ {
		x := new(big.Int).Lsh(one, uint(b))
		vs = append(vs, x, new(big.Int).Sub(x, one), new(big.Int).Add(x, one))
	}
	for _, nib := range []int64{7, 8, 9, 15} {
		x := new(big.Int)
		for p := 0; p < 64; p++ {
			x.Lsh(x, 4).Or(x, big.NewInt(nib))
			vs = append(vs, new(big.Int).Set(x)) // the low p+1 nibbles all nib
		}
	}
	two252 := new(big.Int).Lsh(one, 252)
	for d := int64(-300); d <= 300; d++ {
		vs = append(vs, new(big.Int).Add(two252, big.NewInt(d)), new(big.Int).Add(fixedBaseOrder, big.NewInt(d)))
	}
	out := make([]*Scalar, 0, len(vs))
	for _, v := range vs {
		out = append(out, scalarFromBig(t, v))
	}
	return out
}

// ScalarMultFixed agrees with ScalarMult for every crafted scalar, its
// negation, and random scalars with long runs of nibbles 8 (a carry at
// every digit), with the tables of the generator and of the Pedersen
// generator's stand-in.
func TestScalarMultFixedCrafted(t *testing.T) {
	h := NewIdentityElement().ScalarBaseMult(NewScalar().SetUint64(0xC0FFEE))
	scalars := craftedScalars(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		var b [32]byte
		for i := range b {
			switch rng.IntN(4) {
			case 0:
				b[i] = 0x88
			case 1:
				b[i] = 0x78
			case 2:
				b[i] = 0xff
			default:
				b[i] = byte(rng.Uint32())
			}
		}
		b[31] &= 0x0f
		s, err := NewScalar().SetCanonicalBytes(b[:])
		if err != nil {
			t.Fatal(err)
		}
		scalars = append(scalars, s)
	}
	for _, p := range []*Element{NewGeneratorElement(), h} {
		fb := NewFixedBase(p)
		for _, s := range scalars {
			for _, x := range []*Scalar{s, NewScalar().Negate(s)} {
				want := NewIdentityElement().ScalarMult(x, p)
				if got := NewIdentityElement().ScalarMultFixed(x, fb); got.Equal(want) != 1 {
					t.Fatalf("ScalarMultFixed(%x) differs from ScalarMult", x.Bytes())
				}
			}
		}
	}
}

// The recoding's digits of every crafted scalar lie in [−8, 8] and add up
// to the scalar: checked on the digits themselves, not only through the
// points (a wrong digit of a multiple of L would hide in the group).
func TestFixedBaseDigits(t *testing.T) {
	for _, s := range craftedScalars(t) {
		var d [64]int8
		signedDigitsInto(&d, s)
		sum := new(big.Int)
		for i := 63; i >= 0; i-- {
			if d[i] < -8 || d[i] > 8 {
				t.Fatalf("digit %d of %x is %d, outside [−8, 8]", i, s.Bytes(), d[i])
			}
			sum.Lsh(sum, 4).Add(sum, big.NewInt(int64(d[i])))
		}
		b := s.Bytes()
		for i := 0; i < 16; i++ {
			b[i], b[31-i] = b[31-i], b[i]
		}
		if sum.Cmp(new(big.Int).SetBytes(b)) != 0 {
			t.Fatalf("the digits of %x do not add up to it", s.Bytes())
		}
	}
}
