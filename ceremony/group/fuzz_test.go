package group_test

// Differential fuzz tests against github.com/gtank/ristretto255 v0.1.2, an
// independent implementation of the same RFC (its own field, curve and
// scalar code). It is imported only here, as a test oracle.
//
// Seed corpora, including the RFC 9496 vectors, are in testdata/fuzz and
// also run as ordinary tests under "go test".

import (
	"bytes"
	"crypto/sha512"
	"encoding/binary"
	"testing"

	"conclave/ceremony/group"

	r255 "github.com/gtank/ristretto255"
)

// oracleElement converts e to the oracle's representation via its encoding.
func oracleElement(t *testing.T, e *group.Element) *r255.Element {
	t.Helper()
	o := r255.NewElement()
	if err := o.Decode(e.Bytes()); err != nil {
		t.Fatalf("oracle rejects our encoding %x: %v", e.Bytes(), err)
	}
	return o
}

func oracleScalar(t *testing.T, s *group.Scalar) *r255.Scalar {
	t.Helper()
	o := r255.NewScalar()
	if err := o.Decode(s.Bytes()); err != nil {
		t.Fatalf("oracle rejects our scalar %x: %v", s.Bytes(), err)
	}
	return o
}

func checkSame(t *testing.T, what string, e *group.Element, o *r255.Element) {
	t.Helper()
	got, want := e.Bytes(), o.Encode(nil)
	if !bytes.Equal(got, want) {
		t.Fatalf("%s: got %x, oracle %x", what, got, want)
	}
}

func checkSameScalar(t *testing.T, what string, s *group.Scalar, o *r255.Scalar) {
	t.Helper()
	got, want := s.Bytes(), o.Encode(nil)
	if !bytes.Equal(got, want) {
		t.Fatalf("%s: got %x, oracle %x", what, got, want)
	}
}

// scalarFromFuzz turns arbitrary bytes into a scalar, keeping canonical
// 32-byte inputs (so edge values such as 0, 1 and l-1 are reachable) and
// reducing anything else as a 64-byte little-endian integer.
func scalarFromFuzz(b []byte) *group.Scalar {
	if len(b) == group.ScalarSize {
		if s, err := group.NewScalar().SetCanonicalBytes(b); err == nil {
			return s
		}
	}
	var wide [64]byte
	copy(wide[:], b)
	s, err := group.NewScalar().SetUniformBytes(wide[:])
	if err != nil {
		panic(err)
	}
	return s
}

// elementFromFuzz derives an element from arbitrary bytes: a canonical
// encoding is decoded as is, anything else is hashed to the group.
func elementFromFuzz(b []byte) *group.Element {
	if len(b) == group.ElementSize {
		if e, err := new(group.Element).SetCanonicalBytes(b); err == nil {
			return e
		}
	}
	h := sha512.Sum512(b)
	e, err := new(group.Element).SetUniformBytes(h[:])
	if err != nil {
		panic(err)
	}
	return e
}

// FuzzDecode checks that decoding accepts exactly the encodings the oracle
// accepts, and that accepted encodings re-encode to themselves in both.
func FuzzDecode(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := new(group.Element).SetCanonicalBytes(b)
		if len(b) != group.ElementSize {
			// The oracle only takes 32-byte inputs.
			if err == nil {
				t.Fatalf("accepted a %d-byte encoding", len(b))
			}
			return
		}
		o := r255.NewElement()
		oerr := o.Decode(b)
		if (err == nil) != (oerr == nil) {
			t.Fatalf("decode %x: got error %v, oracle error %v", b, err, oerr)
		}
		if err != nil {
			if e != nil {
				t.Fatalf("non-nil element returned with error")
			}
			return
		}
		if got := e.Bytes(); !bytes.Equal(got, b) {
			t.Fatalf("re-encoding %x gives %x", b, got)
		}
		checkSame(t, "decode", e, o)
		if e.IsIdentity() != bytes.Equal(b, make([]byte, 32)) {
			t.Fatalf("IsIdentity wrong for %x", b)
		}
		// Arithmetic on the decoded element agrees too.
		g := group.NewGeneratorElement()
		og := r255.NewElement().Base()
		checkSame(t, "e+G", new(group.Element).Add(e, g), r255.NewElement().Add(o, og))
		checkSame(t, "e-G", new(group.Element).Subtract(e, g), r255.NewElement().Subtract(o, og))
		checkSame(t, "-e", new(group.Element).Negate(e), r255.NewElement().Negate(o))
		checkSame(t, "e+e", new(group.Element).Add(e, e), r255.NewElement().Add(o, o))
	})
}

// FuzzHashToGroup checks the element derivation function against the
// oracle's FromUniformBytes.
func FuzzHashToGroup(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := new(group.Element).SetUniformBytes(b)
		if len(b) != 64 {
			if err == nil {
				t.Fatalf("accepted %d bytes", len(b))
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		o := r255.NewElement().FromUniformBytes(b)
		checkSame(t, "SetUniformBytes", e, o)
		if e.Equal(elementFromBytes(t, e.Bytes())) != 1 {
			t.Fatalf("derived element does not round-trip")
		}
	})
}

func elementFromBytes(t *testing.T, b []byte) *group.Element {
	t.Helper()
	e, err := new(group.Element).SetCanonicalBytes(b)
	if err != nil {
		t.Fatalf("decoding our own encoding %x: %v", b, err)
	}
	return e
}

// FuzzScalar checks scalar decoding, wide reduction and arithmetic.
func FuzzScalar(f *testing.F) {
	f.Fuzz(func(t *testing.T, a, b []byte) {
		if len(a) > 64 || len(b) > 64 {
			return // nothing to learn from longer inputs
		}
		for _, in := range [][]byte{a, b} {
			s, err := group.NewScalar().SetCanonicalBytes(in)
			if len(in) == group.ScalarSize {
				o := r255.NewScalar()
				oerr := o.Decode(in)
				if (err == nil) != (oerr == nil) {
					t.Fatalf("SetCanonicalBytes(%x): error %v, oracle error %v", in, err, oerr)
				}
				if err == nil {
					if !bytes.Equal(s.Bytes(), in) {
						t.Fatalf("canonical scalar %x re-encodes as %x", in, s.Bytes())
					}
					checkSameScalar(t, "SetCanonicalBytes", s, o)
				}
			} else if err == nil {
				t.Fatalf("SetCanonicalBytes accepted %d bytes", len(in))
			}
			u, err := group.NewScalar().SetUniformBytes(in)
			if len(in) == 64 {
				if err != nil {
					t.Fatal(err)
				}
				checkSameScalar(t, "SetUniformBytes", u, r255.NewScalar().FromUniformBytes(in))
			} else if err == nil {
				t.Fatalf("SetUniformBytes accepted %d bytes", len(in))
			}
		}

		x, y := scalarFromFuzz(a), scalarFromFuzz(b)
		ox, oy := oracleScalar(t, x), oracleScalar(t, y)
		checkSameScalar(t, "x+y", group.NewScalar().Add(x, y), r255.NewScalar().Add(ox, oy))
		checkSameScalar(t, "x-y", group.NewScalar().Subtract(x, y), r255.NewScalar().Subtract(ox, oy))
		checkSameScalar(t, "x*y", group.NewScalar().Multiply(x, y), r255.NewScalar().Multiply(ox, oy))
		checkSameScalar(t, "-x", group.NewScalar().Negate(x), r255.NewScalar().Negate(ox))
		oxy := r255.NewScalar().Multiply(ox, oy)
		checkSameScalar(t, "x*y+x", group.NewScalar().MultiplyAdd(x, y, x), r255.NewScalar().Add(oxy, ox))
		if !x.IsZero() {
			// The oracle leaves 1/0 undefined.
			checkSameScalar(t, "1/x", group.NewScalar().Invert(x), r255.NewScalar().Invert(ox))
		} else if !group.NewScalar().Invert(x).IsZero() {
			t.Fatalf("1/0 is not 0")
		}
		if x.Equal(y) != ox.Equal(oy) {
			t.Fatalf("Equal disagrees for %x, %x", x.Bytes(), y.Bytes())
		}
	})
}

// FuzzScalarMult checks ScalarMult, ScalarBaseMult and
// VarTimeDoubleScalarBaseMult.
func FuzzScalarMult(f *testing.F) {
	f.Fuzz(func(t *testing.T, k, m, point []byte) {
		if len(k) > 64 || len(m) > 64 || len(point) > 64 {
			return // nothing to learn from longer inputs
		}
		s, s2 := scalarFromFuzz(k), scalarFromFuzz(m)
		os, os2 := oracleScalar(t, s), oracleScalar(t, s2)
		p := elementFromFuzz(point)
		op := oracleElement(t, p)

		checkSame(t, "ScalarBaseMult", new(group.Element).ScalarBaseMult(s), r255.NewElement().ScalarBaseMult(os))
		checkSame(t, "ScalarMult", new(group.Element).ScalarMult(s, p), r255.NewElement().ScalarMult(os, op))
		checkSame(t, "VarTimeDoubleScalarBaseMult",
			new(group.Element).VarTimeDoubleScalarBaseMult(s, p, s2),
			r255.NewElement().VarTimeDoubleScalarBaseMult(os, op, os2))
		// ScalarMult by the generator agrees with ScalarBaseMult.
		if new(group.Element).ScalarMult(s, group.NewGeneratorElement()).Equal(new(group.Element).ScalarBaseMult(s)) != 1 {
			t.Fatalf("ScalarMult(s, G) != ScalarBaseMult(s)")
		}
	})
}

// FuzzMultiScalarMult checks MultiScalarMult and VarTimeMultiScalarMult on
// up to 8 terms, derived from the input 40 bytes per term (a 32-byte scalar
// and 8 bytes hashed into a point).
func FuzzMultiScalarMult(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		const termSize, maxTerms = 40, 8
		if len(data) > termSize*maxTerms {
			// Longer inputs add nothing; rejecting them keeps the fuzzer
			// from spending its time minimizing long inputs.
			return
		}
		n := len(data) / termSize
		scalars := make([]*group.Scalar, n)
		points := make([]*group.Element, n)
		oscalars := make([]*r255.Scalar, n)
		opoints := make([]*r255.Element, n)
		for i := range n {
			term := data[i*termSize : (i+1)*termSize]
			scalars[i] = scalarFromFuzz(term[:32])
			points[i] = elementFromFuzz(term[32:])
			if binary.LittleEndian.Uint64(term[32:])%7 == 0 && i > 0 {
				// Repeat a point now and then: equal bases are an edge case.
				points[i] = points[i-1]
			}
			oscalars[i] = oracleScalar(t, scalars[i])
			opoints[i] = oracleElement(t, points[i])
		}
		want := r255.NewElement().MultiScalarMult(oscalars, opoints)
		checkSame(t, "MultiScalarMult", new(group.Element).MultiScalarMult(scalars, points), want)
		checkSame(t, "VarTimeMultiScalarMult", new(group.Element).VarTimeMultiScalarMult(scalars, points), want)
		checkSame(t, "oracle VarTimeMultiScalarMult", new(group.Element).MultiScalarMult(scalars, points),
			r255.NewElement().VarTimeMultiScalarMult(oscalars, opoints))

		// And against the naive sum (kept short: fuzzing throughput matters
		// more than re-checking ScalarMult, which FuzzScalarMult covers).
		if n <= 2 {
			sum := group.NewIdentityElement()
			for i := range n {
				sum.Add(sum, new(group.Element).ScalarMult(scalars[i], points[i]))
			}
			checkSame(t, "sum of ScalarMult", sum, want)
		}
	})
}

// TestDecodeRandomAgainstOracle complements FuzzDecode, whose coverage
// guidance has little to work with in branch-free code: it decodes random
// encodings with the top bit clear and the low bit clear (so they pass the
// cheap checks and reach the curve equation), and random valid encodings,
// and checks that both implementations agree.
func TestDecodeRandomAgainstOracle(t *testing.T) {
	r := newRand(t.Name())
	accepted, rejected := 0, 0
	for range 2000 {
		var b [32]byte
		r.Read(b[:])
		b[0] &^= 1
		b[31] &^= 0x80
		e, err := new(group.Element).SetCanonicalBytes(b[:])
		oerr := r255.NewElement().Decode(b[:])
		if (err == nil) != (oerr == nil) {
			t.Fatalf("decode %x: error %v, oracle error %v", b, err, oerr)
		}
		if err != nil {
			rejected++
			continue
		}
		accepted++
		if !bytes.Equal(e.Bytes(), b[:]) {
			t.Fatalf("%x re-encodes as %x", b, e.Bytes())
		}
	}
	t.Logf("random even encodings: %d accepted, %d rejected", accepted, rejected)
	if accepted < 100 || rejected < 100 {
		t.Fatalf("accepted %d, rejected %d: not exercising both paths", accepted, rejected)
	}
	for range 200 {
		e := randElement(r)
		o := r255.NewElement()
		if err := o.Decode(e.Bytes()); err != nil {
			t.Fatalf("oracle rejects %x: %v", e.Bytes(), err)
		}
		checkSame(t, "round trip", elementFromBytes(t, e.Bytes()), o)
	}
}
