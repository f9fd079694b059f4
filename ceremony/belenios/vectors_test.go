package belenios

import (
	"bytes"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The vectors in testdata/ are two complete threshold elections made by
// running belenios-tool 2.5.1 and 3.1 (testdata/README.txt); test keys only.
var vectorSets = []struct {
	dir string
	v   Version
}{{"testdata/v2.5.1", V2_5}, {"testdata/v3.1", V3_1}}

func readVec(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func line(b []byte) []byte { return bytes.TrimSuffix(b, []byte("\n")) }

type vecTrustee struct {
	id   string
	seed string
	cert *Cert
}

func loadTrustees(t *testing.T, dir string) []vecTrustee {
	t.Helper()
	var out []vecTrustee
	for i := 1; i <= 3; i++ {
		id := string(line(readVec(t, dir, strings.Repeat("", 0)+itoa(i)+".trustee")))
		c, err := ParseCert(line(readVec(t, dir, id+".cert")))
		if err != nil {
			t.Fatalf("%s cert %d: %v", dir, i, err)
		}
		out = append(out, vecTrustee{id: id, seed: string(line(readVec(t, dir, id+".key"))), cert: c})
	}
	return out
}

func itoa(i int) string { return string(rune('0' + i)) }

func TestVectorsCertificates(t *testing.T) {
	for _, vs := range vectorSets {
		trs := loadTrustees(t, vs.dir)
		certs, err := ParseCerts(readVec(t, vs.dir, "certs.jsons"))
		if err != nil {
			t.Fatal(err)
		}
		if th, err := CheckCerts(certs); err != nil || th != 2 {
			t.Fatalf("%s: CheckCerts = %d, %v", vs.dir, th, err)
		}
		for i, tr := range trs {
			if tr.cert.ID() != tr.id {
				t.Errorf("%s: id %s, want %s", vs.dir, tr.cert.ID(), tr.id)
			}
			if !bytes.Equal(Marshal(tr.cert), line(readVec(t, vs.dir, tr.id+".cert"))) {
				t.Errorf("%s: cert %d does not re-encode to the same bytes", vs.dir, i+1)
			}
			k, err := DeriveKeys([]byte(tr.seed))
			if err != nil {
				t.Fatal(err)
			}
			if !k.VK.Equal(tr.cert.Keys.Verification) || !k.EK.Equal(tr.cert.Keys.Encryption) {
				t.Errorf("%s: keys derived from seed %d differ from its certificate", vs.dir, i+1)
			}
			if tr.cert.Keys.Context.Index != i+1 {
				t.Errorf("%s: trustee %d has index %d", vs.dir, i+1, tr.cert.Keys.Context.Index)
			}
			// Our own certificate of the same keys and context verifies
			// the same way (the signature is randomised).
			mine, err := MakeCert(k, *tr.cert.Keys.Context, rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			if mine.Message != tr.cert.Message || mine.ID() != tr.id {
				t.Errorf("%s: our certificate message differs from belenios-tool's", vs.dir)
			}
			c2 := append([]*Cert(nil), certs...)
			c2[i] = mine
			if _, err := CheckCerts(c2); err != nil {
				t.Errorf("%s: our certificate refused: %v", vs.dir, err)
			}
		}
	}
}

func TestVectorsVoutput(t *testing.T) {
	for _, vs := range vectorSets {
		trs := loadTrustees(t, vs.dir)
		certs, _ := ParseCerts(readVec(t, vs.dir, "certs.jsons"))
		for _, tr := range trs {
			k, _ := DeriveKeys([]byte(tr.seed))
			raw := line(readVec(t, vs.dir, tr.id+".vinput"))
			in, err := ParseVinput(raw)
			if err != nil {
				t.Fatalf("%s: %v", vs.dir, err)
			}
			if !bytes.Equal(Marshal(in), raw) {
				t.Fatalf("%s: vinput re-encodes differently", vs.dir)
			}
			theirs, err := ParseVoutput(line(readVec(t, vs.dir, tr.id+".voutput")))
			if err != nil {
				t.Fatal(err)
			}
			if err := theirs.PublicKey.Check(); err != nil {
				t.Error(err)
			}
			if (theirs.PublicKey.Signature != nil) != vs.v.signsKeys() {
				t.Errorf("%s: signature presence differs from the version", vs.dir)
			}
			dkey := string(line(readVec(t, vs.dir, tr.id+".dkey")))
			if dkey != theirs.PrivateKey {
				t.Errorf("%s: dkey differs from voutput.private_key", vs.dir)
			}
			S, err := OpenDecryptionKey(k, dkey)
			if err != nil {
				t.Fatalf("%s: %v", vs.dir, err)
			}
			if !GExp(S).Equal(theirs.PublicKey.PublicKey) {
				t.Errorf("%s: g^S_j differs from the voutput's public key", vs.dir)
			}
			out, S2, err := MakeVoutput(vs.v, certs, k, in, rand.Reader)
			if err != nil {
				t.Fatalf("%s: MakeVoutput: %v", vs.dir, err)
			}
			if !S2.Equal(S) || !out.PublicKey.PublicKey.Equal(theirs.PublicKey.PublicKey) {
				t.Errorf("%s: our S_j differs from belenios-tool's", vs.dir)
			}
			if err := out.PublicKey.Check(); err != nil {
				t.Error(err)
			}
			S3, err := OpenDecryptionKey(k, out.PrivateKey)
			if err != nil || !S3.Equal(S) {
				t.Errorf("%s: our own dkey does not reopen: %v", vs.dir, err)
			}
			if strings.Contains(out.PrivateKey, `"algorithm"`) != vs.v.gcm() {
				t.Errorf("%s: algorithm field presence wrong", vs.dir)
			}
		}
	}
}

// The vector polynomials and voutputs decode strictly and re-encode to
// belenios-tool's bytes, and each polynomial passes the server's step-3
// check (signed commitments bound to the certificates).
func TestVectorsPolynomials(t *testing.T) {
	for _, vs := range vectorSets {
		certs, _ := ParseCerts(readVec(t, vs.dir, "certs.jsons"))
		for i, l := range splitLines(readVec(t, vs.dir, "polynomials.jsons")) {
			p, err := ParsePolynomial(l)
			if err != nil {
				t.Fatalf("%s: polynomial %d: %v", vs.dir, i+1, err)
			}
			if !bytes.Equal(Marshal(p), l) {
				t.Errorf("%s: polynomial %d re-encodes differently", vs.dir, i+1)
			}
			if _, err := checkCoefexps(certs, i, 2, p.Coefexps, p.Signature, true); err != nil {
				t.Errorf("%s: polynomial %d: %v", vs.dir, i+1, err)
			}
			if _, err := checkCoefexps(certs, (i+1)%3, 2, p.Coefexps, p.Signature, true); err == nil {
				t.Errorf("%s: polynomial %d accepted as another trustee's", vs.dir, i+1)
			}
		}
		for _, tr := range loadTrustees(t, vs.dir) {
			raw := line(readVec(t, vs.dir, tr.id+".voutput"))
			vo, err := ParseVoutput(raw)
			if err != nil || !bytes.Equal(Marshal(vo), raw) {
				t.Errorf("%s: voutput does not round-trip: %v", vs.dir, err)
			}
		}
	}
}
