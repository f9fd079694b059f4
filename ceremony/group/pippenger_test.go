package group_test

import (
	"fmt"
	"testing"

	"conclave/ceremony/group"
)

// shortScalar returns a random scalar below 2^bitLen.
func shortScalar(r interface{ Uint64() uint64 }, bitLen int) *group.Scalar {
	var b [32]byte
	for i := 0; i < 32; i += 8 {
		v := r.Uint64()
		for k := 0; k < 8; k++ {
			b[i+k] = byte(v >> (8 * k))
		}
	}
	for i := 0; i < 256; i++ {
		if i >= bitLen {
			b[i/8] &^= 1 << (i % 8)
		}
	}
	s, err := group.NewScalar().SetCanonicalBytes(b[:])
	if err != nil {
		panic(err)
	}
	return s
}

// TestVarTimeMultiScalarMultShort compares the bucket method with
// VarTimeMultiScalarMult for several sizes, bit lengths and extreme
// scalars (0, 1, 2^bitLen − 1).
func TestVarTimeMultiScalarMultShort(t *testing.T) {
	r := newRand(t.Name())
	for _, bitLen := range []int{1, 13, 64, 127, 128, 200, 252} {
		for _, n := range []int{0, 1, 2, 17, 100, 700} {
			scalars := make([]*group.Scalar, n)
			points := make([]*group.Element, n)
			for i := range n {
				scalars[i] = shortScalar(r, bitLen)
				points[i] = randElement(r)
				if i%5 == 1 {
					points[i].ScalarMult(randScalar(r), points[i])
				}
				if i%5 >= 2 { // decoded: Z = 1, added with one multiplication fewer
					if _, err := points[i].SetCanonicalBytes(points[i].Bytes()); err != nil {
						t.Fatal(err)
					}
				}
			}
			if n > 2 {
				scalars[0] = group.NewScalar()
				scalars[1] = group.NewScalar().SetUint64(1)
				scalars[2] = shortScalar(constOnes{}, bitLen)
				points[1] = group.NewIdentityElement()
			}
			want := group.NewIdentityElement().VarTimeMultiScalarMult(scalars, points)
			got := group.NewIdentityElement().VarTimeMultiScalarMultShort(scalars, points, bitLen)
			if got.Equal(want) != 1 {
				t.Fatalf("bitLen %d, %d terms: the bucket method gives another element", bitLen, n)
			}
		}
	}
}

type constOnes struct{}

func (constOnes) Uint64() uint64 { return ^uint64(0) }

func TestVarTimeMultiScalarMultShortRefusesLongScalars(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("a 129-bit scalar was accepted as a 128-bit one")
		}
	}()
	s := shortScalar(constOnes{}, 129)
	group.NewIdentityElement().VarTimeMultiScalarMultShort([]*group.Scalar{s}, []*group.Element{group.NewGeneratorElement()}, 128)
}

func BenchmarkVarTimeMultiScalarMultShort(b *testing.B) {
	for _, n := range []int{512, 2048, 8192} {
		b.Run(fmt.Sprintf("terms=%d", n), func(b *testing.B) {
			r := newRand(b.Name())
			scalars := make([]*group.Scalar, n)
			points := make([]*group.Element, n)
			for i := range n {
				scalars[i], points[i] = shortScalar(r, 128), randElement(r)
			}
			e := group.NewIdentityElement()
			for b.Loop() {
				e.VarTimeMultiScalarMultShort(scalars, points, 128)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/term")
		})
	}
}

func TestVarTimeMultiSmallMult(t *testing.T) {
	r := newRand(t.Name())
	for _, n := range []int{0, 1, 4, 9} {
		ks := make([]int64, n)
		scalars := make([]*group.Scalar, n)
		points := make([]*group.Element, n)
		for i := range n {
			ks[i] = int64(r.Uint64()>>uint(r.Uint64()%64)) * []int64{1, -1}[i%2]
			if i == 2 {
				ks[i] = 0
			}
			if i == 3 {
				ks[i] = -1 << 63
			}
			s := group.NewScalar().SetUint64(uint64(ks[i]))
			if ks[i] < 0 {
				s.SetUint64(uint64(-ks[i])).Negate(s)
			}
			scalars[i], points[i] = s, randElement(r)
		}
		want := group.NewIdentityElement().VarTimeMultiScalarMult(scalars, points)
		if got := group.NewIdentityElement().VarTimeMultiSmallMult(ks, points); got.Equal(want) != 1 {
			t.Fatalf("%d terms %v: another element", n, ks)
		}
	}
}
