package group_test

import (
	"bytes"
	"testing"

	"conclave/ceremony/group"
)

// TestDoubleAndEncodeBatch compares the batched double-and-encode with the
// encoding of P+P, element by element, for random elements, the identity,
// the generator and elements out of scalar multiplications (Z ≠ 1).
func TestDoubleAndEncodeBatch(t *testing.T) {
	r := newRand(t.Name())
	var points []*group.Element
	points = append(points, group.NewIdentityElement(), group.NewGeneratorElement())
	for i := 0; i < 200; i++ {
		p := randElement(r)
		if i%2 == 1 {
			p = group.NewIdentityElement().ScalarMult(randScalar(r), p)
		}
		points = append(points, p)
	}
	for _, n := range []int{0, 1, 2, 7, len(points)} {
		dst := make([]byte, 32*n)
		group.DoubleAndEncodeBatch(dst, points[:n])
		for i, p := range points[:n] {
			want := group.NewIdentityElement().Add(p, p).Bytes()
			if !bytes.Equal(dst[32*i:32*i+32], want) {
				t.Fatalf("batch of %d, element %d: got %x, want %x", n, i, dst[32*i:32*i+32], want)
			}
		}
	}
}

func TestPoints(t *testing.T) {
	r := newRand(t.Name())
	ps := group.NewPoints(50)
	var want []*group.Element
	for i := 0; i < 50; i++ {
		p := randElement(r)
		if i%3 == 0 {
			p.ScalarMult(randScalar(r), p)
		}
		if i == 7 {
			p = group.NewIdentityElement()
		}
		want = append(want, p)
		ps.Set(i, p)
	}
	if ps.Len() != 50 {
		t.Fatalf("Len %d", ps.Len())
	}
	for i, p := range want {
		if got := ps.Get(i, group.NewIdentityElement()); got.Equal(p) != 1 {
			t.Fatalf("element %d came back as another", i)
		}
	}
}

func BenchmarkDoubleAndEncodeBatch(b *testing.B) {
	r := newRand(b.Name())
	points := make([]*group.Element, 512)
	for i := range points {
		points[i] = randElement(r)
	}
	dst := make([]byte, 32*len(points))
	for b.Loop() {
		group.DoubleAndEncodeBatch(dst, points)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/512, "ns/element")
}
