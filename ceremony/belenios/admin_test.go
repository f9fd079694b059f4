package belenios

import (
	"fmt"
	"strings"
	"testing"
)

// combineForTest is the administrator's last step, written here from the
// specification (§Election result), separately from the trustee's code: it
// checks each partial decryption, combines the threshold ones with
// Lagrange coefficients at 0, divides β by the combined factor and takes
// the discrete logarithm by search. It returns {"result":[[...],...]}.
func combineForTest(t *testing.T, a *Archive, pds map[int]*PartialDecryption) []byte {
	t.Helper()
	factor := combineFactorsForTest(t, a, pds)
	var qs []string
	for i := range a.Tally {
		var cs []string
		for j, ct := range a.Tally[i] {
			m := ct.Beta.Div(factor[i][j])
			n, acc := 0, One()
			for !acc.Equal(m) {
				n++
				acc = acc.Mul(G())
				if int64(n) > a.TotalWeight {
					t.Fatalf("no discrete log for question %d choice %d", i, j)
				}
			}
			cs = append(cs, fmt.Sprint(n))
		}
		qs = append(qs, "["+strings.Join(cs, ",")+"]")
	}
	return []byte(`{"result":[` + strings.Join(qs, ",") + `]}`)
}

// combineFactorsForTest checks the partial decryptions and combines them
// (Lagrange for each threshold group) into the decryption factor of each
// ciphertext of the tally.
func combineFactorsForTest(t *testing.T, a *Archive, pds map[int]*PartialDecryption) [][]*Point {
	t.Helper()
	phi := a.Election.Fingerprint()
	keys := OwnerKeys(a.Trustees)
	factor := make([][]*Point, len(a.Tally))
	for i := range a.Tally {
		factor[i] = make([]*Point, len(a.Tally[i]))
		for j := range factor[i] {
			factor[i][j] = One()
		}
	}
	mulIn := func(pd *PartialDecryption, e *Scalar) {
		for i := range factor {
			for j := range factor[i] {
				factor[i][j] = factor[i][j].Mul(pd.DecryptionFactors[i][j].Exp(e))
			}
		}
	}
	owner := 0
	for _, tk := range a.Trustees {
		if tk.Single != nil {
			owner++
			pd := pds[owner]
			if pd == nil {
				t.Fatalf("missing the Single trustee's partial decryption")
			}
			if err := CheckPartialDecryption(phi, a.Tally, keys[owner-1], pd); err != nil {
				t.Fatal(err)
			}
			mulIn(pd, ScalarFromInt(1))
			continue
		}
		var ids []int
		for j := range tk.Pedersen.VerificationKeys {
			if pd := pds[owner+j+1]; pd != nil && len(ids) < tk.Pedersen.Threshold {
				if err := CheckPartialDecryption(phi, a.Tally, keys[owner+j], pd); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, j+1)
			}
		}
		if len(ids) < tk.Pedersen.Threshold {
			t.Fatalf("only %d threshold partial decryptions", len(ids))
		}
		for _, j := range ids {
			l := ScalarFromInt(1)
			for _, k := range ids {
				if k != j {
					l = l.Mul(ScalarFromInt(int64(k))).Mul(ScalarFromInt(int64(k - j)).Invert())
				}
			}
			mulIn(pds[owner+j], l)
		}
		owner += len(tk.Pedersen.VerificationKeys)
	}
	return factor
}
