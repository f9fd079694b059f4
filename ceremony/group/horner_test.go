package group

import (
	"math/big"
	"testing"
)

// VarTimeHorner agrees with Σ x^k·P_k computed by a multi-scalar
// multiplication, for small and large x and every length up to 14.
func TestVarTimeHorner(t *testing.T) {
	ps := make([]*Element, 14)
	for k := range ps {
		ps[k] = NewIdentityElement().ScalarBaseMult(NewScalar().SetUint64(uint64(1000003*k + 17)))
	}
	ps[3] = NewIdentityElement() // the identity among them
	order, _ := new(big.Int).SetString("7237005577332262213973186563042994240857116359379907606001950938285454250989", 10)
	for _, x := range []uint64{0, 1, 2, 3, 7, 8, 25, 64, 255, 1 << 40, ^uint64(0)} {
		for n := 0; n <= len(ps); n++ {
			scalars := make([]*Scalar, n)
			pow := big.NewInt(1)
			for k := range scalars {
				var b [32]byte
				pow.FillBytes(b[:])
				for i := 0; i < 16; i++ { // to little-endian
					b[i], b[31-i] = b[31-i], b[i]
				}
				scalars[k], _ = NewScalar().SetCanonicalBytes(b[:])
				pow.Mul(pow, new(big.Int).SetUint64(x))
				pow.Mod(pow, order)
			}
			want := NewIdentityElement().VarTimeMultiScalarMult(scalars, ps[:n])
			if got := NewIdentityElement().VarTimeHorner(ps[:n], x); got.Equal(want) != 1 {
				t.Fatalf("VarTimeHorner(%d points, x = %d) differs from the multi-scalar multiplication", n, x)
			}
		}
	}
}
