package belenios

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
)

// testdata/weighted-2.5.1 is an election run by the real belenios-tool
// 2.5.1 as administrator, with Conclave trustees 1 and 3 and
// belenios-tool trustee 2 (threshold 2 of 3) plus a belenios-tool Single
// key, verified by `belenios-tool election verify`. Its five voters have
// the weights 1, 2, 0, 3 and 2000000000, so Belenios writes the tally's
// total weight as a JSON string ("total_weight":"2000000006") and one
// count of the result as a string too. Conclave refused this archive
// before: weight 0 was refused, and so was a string total weight.
const weightedDir = "testdata/weighted-2.5.1"

func TestWeightedArchiveFromBelenios(t *testing.T) {
	a, _ := loadArchive(t, weightedDir)
	s, err := VerifyArchive(a)
	if err != nil {
		t.Fatal(err)
	}
	if s.Ballots != 6 || s.Tallied != 5 || s.TotalWeight != 2000000006 || s.Partials != 3 {
		t.Errorf("summary %+v", s)
	}
	var ws []int64
	for _, c := range a.Credentials {
		ws = append(ws, c.Weight)
	}
	sort.Slice(ws, func(i, j int) bool { return ws[i] < ws[j] })
	if len(ws) != 5 || ws[0] != 0 || ws[1] != 1 || ws[2] != 2 || ws[3] != 3 || ws[4] != 2000000000 {
		t.Errorf("weights %v", ws)
	}

	// Our partial decryptions for belenios-tool's trustee 2 and Single key
	// have the factors belenios-tool wrote.
	phi := a.Election.Fingerprint()
	id := string(line(readVec(t, weightedDir, "2.trustee")))
	k, err := DeriveKeys(line(readVec(t, weightedDir, id+".key")))
	if err != nil {
		t.Fatal(err)
	}
	S, err := OpenDecryptionKey(k, string(line(readVec(t, weightedDir, id+".dkey"))))
	if err != nil {
		t.Fatal(err)
	}
	m, _ := filepath.Glob(filepath.Join(weightedDir, "*.privkey"))
	var x Scalar
	if len(m) != 1 || x.UnmarshalJSON(line(readVec(t, weightedDir, filepath.Base(m[0])))) != nil {
		t.Fatal("the Single key")
	}
	for _, key := range []*Scalar{S, &x} {
		o, ok := Owner(a.Trustees, GExp(key))
		if !ok || a.Partial[o] == nil {
			t.Fatalf("owner %d %v", o, ok)
		}
		pd, err := Decrypt(phi, a.Tally, key, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(marshal(pd.DecryptionFactors), marshal(a.Partial[o].DecryptionFactors)) {
			t.Errorf("factors of owner %d differ from belenios-tool's", o)
		}
	}

	// The archive's partial decryptions (one of them Conclave's) combine
	// to belenios-tool's result: β = factor · g^result, counts as numbers
	// or, above 2^30−1, as strings.
	factor := combineFactorsForTest(t, a, a.Partial)
	var res struct {
		Result [][]json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(a.Result, &res); err != nil {
		t.Fatal(err)
	}
	want := [][]int64{{5, 1}, {3, 2000000002, 1}}
	for i := range want {
		for j, w := range want[i] {
			var n Weight
			if err := n.UnmarshalJSON(res.Result[i][j]); err != nil || int64(n) != w {
				t.Fatalf("result[%d][%d] = %s, want %d", i, j, res.Result[i][j], w)
			}
			if !a.Tally[i][j].Beta.Equal(factor[i][j].Mul(GExp(ScalarFromInt(w)))) {
				t.Errorf("question %d choice %d does not decrypt to %d", i, j, w)
			}
		}
	}
}

// Weights are written as Belenios writes them and read strictly.
func TestWeightJSON(t *testing.T) {
	for w, js := range map[int64]string{0: `0`, 5: `5`, 1<<30 - 1: `1073741823`, 1 << 30: `"1073741824"`, 2000000006: `"2000000006"`} {
		if b := marshal(Weight(w)); string(b) != js {
			t.Errorf("%d: %s, want %s", w, b, js)
		}
		var st sizedTally
		raw := []byte(`{"num_tallied":1,"total_weight":` + js + `,"encrypted_tally":"x"}`)
		if err := decode(raw, &st, "tally", true); err != nil || int64(st.TotalWeight) != w {
			t.Errorf("%s: %v", raw, err)
		}
	}
	for _, bad := range []string{`"5"`, `2000000006`, `-1`, `"-1"`, `1.0`, `"007"`, `"1e9"`, `null`, `true`, `"2000000006 "`, `""`, `"9223372036854775807"`} {
		var st sizedTally
		raw := []byte(`{"num_tallied":1,"total_weight":` + bad + `,"encrypted_tally":"x"}`)
		if err := decode(raw, &st, "tally", true); err == nil {
			t.Errorf("%s accepted", raw)
		}
	}
}

// Credential weights: any integer from 0 to MaxWeight, in canonical form.
func TestCredentialWeights(t *testing.T) {
	k := G().String()
	for _, w := range []int64{0, 1, 2000000000, MaxWeight} {
		cs, err := ParseCredentials([]byte(`["` + k + `,` + strconv.FormatInt(w, 10) + `"]`))
		if err != nil || cs[k].Weight != w {
			t.Errorf("weight %d: %v", w, err)
		}
	}
	for _, bad := range []string{"-1", "+1", "01", "", "1.5", strconv.FormatInt(MaxWeight+1, 10), "99999999999999999999"} {
		if _, err := ParseCredentials([]byte(`["` + k + `,` + bad + `"]`)); err == nil {
			t.Errorf("weight %q accepted", bad)
		}
	}
}
