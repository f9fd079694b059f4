package group_test

import (
	"testing"

	"conclave/ceremony/group"

	r255 "github.com/gtank/ristretto255"
)

// FuzzFixedBase checks ScalarMultFixed against the oracle's ScalarMult, for
// the table of an arbitrary element (built once per input), and
// VarTimeHorner against Σ x^k·P_k computed by the oracle, for up to four
// points and a small x.
func FuzzFixedBase(f *testing.F) {
	f.Fuzz(func(t *testing.T, k, point []byte, x uint8) {
		if len(k) > 64 || len(point) > 64 {
			return
		}
		s := scalarFromFuzz(k)
		p := elementFromFuzz(point)
		os, op := oracleScalar(t, s), oracleElement(t, p)
		fb := group.NewFixedBase(p)
		checkSame(t, "ScalarMultFixed", new(group.Element).ScalarMultFixed(s, fb), r255.NewElement().ScalarMult(os, op))
		neg := group.NewScalar().Negate(s)
		checkSame(t, "ScalarMultFixed(−s)", new(group.Element).ScalarMultFixed(neg, fb), r255.NewElement().ScalarMult(oracleScalar(t, neg), op))

		// Horner: the points are p, s·p, p + G, −p, in turn.
		pts := []*group.Element{p, new(group.Element).ScalarMult(s, p),
			new(group.Element).Add(p, group.NewGeneratorElement()), new(group.Element).Negate(p)}
		for n := 0; n <= len(pts); n++ {
			want := r255.NewElement().Zero()
			pow := r255.NewScalar().Add(r255.NewScalar(), oracleScalar(t, group.NewScalar().SetUint64(1)))
			ox := oracleScalar(t, group.NewScalar().SetUint64(uint64(x)))
			for i := 0; i < n; i++ {
				want.Add(want, r255.NewElement().ScalarMult(pow, oracleElement(t, pts[i])))
				pow.Multiply(pow, ox)
			}
			checkSame(t, "VarTimeHorner", new(group.Element).VarTimeHorner(pts[:n], uint64(x)), want)
		}
	})
}
