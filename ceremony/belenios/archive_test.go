package belenios

import (
	"bytes"
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"
)

func archivePath(t *testing.T, dir string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, "*.bel"))
	if len(m) != 1 {
		t.Fatalf("no archive in %s", dir)
	}
	return m[0]
}

func loadArchive(t *testing.T, dir string) (*Archive, []byte) {
	t.Helper()
	raw, err := os.ReadFile(archivePath(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	a, err := ReadArchive(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	return a, raw
}

func TestVectorsArchive(t *testing.T) {
	for _, vs := range vectorSets {
		a, _ := loadArchive(t, vs.dir)
		s, err := VerifyArchive(a)
		if err != nil {
			t.Fatalf("%s: %v", vs.dir, err)
		}
		if s.Ballots != 8 || s.Tallied != 5 || s.Partials != 3 || s.Name != "Name of the election" {
			t.Errorf("%s: summary %+v", vs.dir, s)
		}
		for i, b := range a.Ballots {
			if err := VerifyBallot(a.Election, b); err != nil {
				t.Errorf("ballot %d: %v", i, err)
			}
		}
	}
}

// TestVectorsDecrypt decrypts each vector election with the vector keys:
// our partial decryptions verify, the owner is the archive's, and with the
// Lagrange combination of two threshold trustees and the Single key they
// give the archive's result.
func TestVectorsDecrypt(t *testing.T) {
	for _, vs := range vectorSets {
		a, _ := loadArchive(t, vs.dir)
		phi := a.Election.Fingerprint()
		trs := loadTrustees(t, vs.dir)
		// the Single key
		m, _ := filepath.Glob(filepath.Join(vs.dir, "*.privkey"))
		var x Scalar
		if err := x.UnmarshalJSON(line(readVec(t, vs.dir, filepath.Base(m[0])))); err != nil {
			t.Fatal(err)
		}
		own, ok := Owner(a.Trustees, GExp(&x))
		if !ok || own != 1 {
			t.Fatalf("single owner %d %v", own, ok)
		}
		pds := map[int]*PartialDecryption{}
		pd, err := Decrypt(phi, a.Tally, &x, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		pds[1] = pd
		for _, tr := range trs[:2] {
			k, _ := DeriveKeys([]byte(tr.seed))
			S, err := OpenDecryptionKey(k, string(line(readVec(t, vs.dir, tr.id+".dkey"))))
			if err != nil {
				t.Fatal(err)
			}
			o, ok := Owner(a.Trustees, GExp(S))
			if !ok || o != 1+tr.cert.Keys.Context.Index {
				t.Fatalf("owner %d", o)
			}
			pd, err := Decrypt(phi, a.Tally, S, rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			if err := CheckPartialDecryption(phi, a.Tally, GExp(S), pd); err != nil {
				t.Fatal(err)
			}
			// the factors are the archive's (decryption is deterministic)
			if !bytes.Equal(marshal(pd.DecryptionFactors), marshal(a.Partial[o].DecryptionFactors)) {
				t.Errorf("%s: factors of owner %d differ from belenios-tool's", vs.dir, o)
			}
			pds[o] = pd
		}
		res := combineForTest(t, a, pds)
		if string(res) != string(a.Result) {
			t.Errorf("%s: result %s, archive %s", vs.dir, res, a.Result)
		}
	}
}
