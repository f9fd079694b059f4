package group_test

import (
	"fmt"
	"testing"

	"conclave/ceremony/group"

	r255 "github.com/gtank/ristretto255"
)

// Run with e.g.: go test -run=NONE -bench=. -benchtime=200x ./ceremony/group/

var (
	sinkElement *group.Element
	sinkScalar  *group.Scalar
	sinkBytes   []byte
)

func benchInputs(b *testing.B) (*group.Scalar, *group.Element) {
	r := newRand(b.Name())
	return randScalar(r), randElement(r)
}

func BenchmarkScalarBaseMult(b *testing.B) {
	s, _ := benchInputs(b)
	e := new(group.Element)
	for b.Loop() {
		e.ScalarBaseMult(s)
	}
	sinkElement = e
}

func BenchmarkScalarMult(b *testing.B) {
	s, p := benchInputs(b)
	e := new(group.Element)
	for b.Loop() {
		e.ScalarMult(s, p)
	}
	sinkElement = e
}

func BenchmarkVarTimeDoubleScalarBaseMult(b *testing.B) {
	s, p := benchInputs(b)
	e := new(group.Element)
	for b.Loop() {
		e.VarTimeDoubleScalarBaseMult(s, p, s)
	}
	sinkElement = e
}

func benchMSM(b *testing.B, varTime bool) {
	for _, n := range []int{2, 64, 256} {
		b.Run(fmt.Sprintf("terms=%d", n), func(b *testing.B) {
			r := newRand(b.Name())
			scalars := make([]*group.Scalar, n)
			points := make([]*group.Element, n)
			for i := range n {
				scalars[i], points[i] = randScalar(r), randElement(r)
			}
			e := new(group.Element)
			for b.Loop() {
				if varTime {
					e.VarTimeMultiScalarMult(scalars, points)
				} else {
					e.MultiScalarMult(scalars, points)
				}
			}
			sinkElement = e
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/term")
		})
	}
}

func BenchmarkVarTimeMultiScalarMult(b *testing.B) { benchMSM(b, true) }
func BenchmarkMultiScalarMult(b *testing.B)        { benchMSM(b, false) }

func BenchmarkBytes(b *testing.B) {
	_, p := benchInputs(b)
	for b.Loop() {
		sinkBytes = p.Bytes()
	}
}

func BenchmarkSetCanonicalBytes(b *testing.B) {
	_, p := benchInputs(b)
	enc := p.Bytes()
	e := new(group.Element)
	for b.Loop() {
		if _, err := e.SetCanonicalBytes(enc); err != nil {
			b.Fatal(err)
		}
	}
	sinkElement = e
}

func BenchmarkElementSetUniformBytes(b *testing.B) {
	in := make([]byte, 64)
	for i := range in {
		in[i] = byte(i * 7)
	}
	e := new(group.Element)
	for b.Loop() {
		if _, err := e.SetUniformBytes(in); err != nil {
			b.Fatal(err)
		}
	}
	sinkElement = e
}

func BenchmarkScalarSetUniformBytes(b *testing.B) {
	in := make([]byte, 64)
	for i := range in {
		in[i] = byte(i * 7)
	}
	s := group.NewScalar()
	for b.Loop() {
		if _, err := s.SetUniformBytes(in); err != nil {
			b.Fatal(err)
		}
	}
	sinkScalar = s
}

func BenchmarkInvert(b *testing.B) {
	s, _ := benchInputs(b)
	b.Run("group", func(b *testing.B) {
		x := group.NewScalar()
		for b.Loop() {
			x.Invert(s)
		}
		sinkScalar = x
	})
	// For comparison: the test oracle, gtank/ristretto255 v0.1.2.
	b.Run("gtank-oracle", func(b *testing.B) {
		o := r255.NewScalar()
		if err := o.Decode(s.Bytes()); err != nil {
			b.Fatal(err)
		}
		x := r255.NewScalar()
		for b.Loop() {
			x.Invert(o)
		}
	})
}
