package belenios

import (
	cryptoRand "crypto/rand"
	"errors"
	"strings"
	"testing"
)

// A credential of weight w counts its ballot w times in the tally.
func TestWeightedTally(t *testing.T) {
	a, _ := loadArchive(t, "testdata/v3.1")
	plain, n, w, err := ComputeTally(a.Election, a.Credentials, a.Ballots)
	if err != nil || n != 5 || w != 5 {
		t.Fatalf("%d %d %v", n, w, err)
	}
	last := a.Ballots[len(a.Ballots)-1]
	k := last.Credential.String()
	c := a.Credentials[k]
	c.Weight = 3
	a.Credentials[k] = c
	weighted, n, w, err := ComputeTally(a.Election, a.Credentials, a.Ballots)
	if err != nil || n != 5 || w != 7 {
		t.Fatalf("%d %d %v", n, w, err)
	}
	for i := range plain {
		for j := range plain[i] {
			want := plain[i][j].mul(last.Answers[i].Choices[j].exp(2))
			if !want.Alpha.Equal(weighted[i][j].Alpha) || !want.Beta.Equal(weighted[i][j].Beta) {
				t.Fatalf("question %d choice %d", i, j)
			}
		}
	}
	if _, err := ParseCredentials([]byte(`["` + k + `,1.5"]`)); err == nil {
		t.Error("a fractional weight was accepted")
	}
	if cs, err := ParseCredentials([]byte(`["` + k + `,2"]`)); err != nil || cs[k].Weight != 2 {
		t.Errorf("weight 2: %v", err)
	}
	if _, err := ParseCredentials([]byte(`["` + k + `","` + k + `"]`)); err == nil {
		t.Error("a credential twice was accepted")
	}
}

func TestContextAndVersion(t *testing.T) {
	for _, ok := range []string{"1/1/2", "2/2/3", "3/2/3", "10/6/10"} {
		if c, err := ParseContext(ok); err != nil || c.String() != ok {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "0/1/2", "3/2/2", "1/2/2", "1/0/2", "01/1/2", "1/1", "1/1/2/3", "a/1/2", "-1/1/2", "1/1/+2"} {
		if _, err := ParseContext(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	for s, v := range map[string]Version{"2.5.1": V2_5, "3.0": V3_0, "3.1": V3_1, "3.2.0": V3_1, "3.3.0": V3_1} {
		if got, err := ParseVersion(s); err != nil || got != v {
			t.Errorf("%s: %v %v", s, got, err)
		}
	}
	for _, bad := range []string{"2.4", "2.1", "4.0", ""} {
		if _, err := ParseVersion(bad); err == nil {
			t.Errorf("version %q accepted", bad)
		}
	}
}

// A voutput made for 2.5.1 has no signature and uses AES-CCM; for 3.0,
// AES-CCM with a signature; and each reopens.
// (The vinput of 2.5.1's vectors for the AES-CCM versions, 3.1's for
// AES-GCM: a vinput of the other cipher is refused, TestVersionMismatch.)
func TestVoutputPerVersion(t *testing.T) {
	for _, v := range []Version{V2_5, V3_0, V3_1} {
		dir := "testdata/v2.5.1"
		if v == V3_1 {
			dir = "testdata/v3.1"
		}
		certs := vectorCerts(t, dir)
		trs := loadTrustees(t, dir)
		k, _ := DeriveKeys([]byte(trs[0].seed))
		in, _ := ParseVinput(line(readVec(t, dir, trs[0].id+".vinput")))
		vo, S, err := MakeVoutput(v, certs, k, in, randReader{})
		if err != nil {
			t.Fatal(err)
		}
		if (vo.PublicKey.Signature != nil) != (v >= V3_0) {
			t.Errorf("%s: signature presence", v)
		}
		var e EncryptedMsg
		if err := decode([]byte(vo.PrivateKey), &e, "x", true); err != nil || (e.Algorithm == "AES-GCM") != (v >= V3_1) {
			t.Errorf("%s: algorithm %q %v", v, e.Algorithm, err)
		}
		if S2, err := OpenDecryptionKey(k, vo.PrivateKey); err != nil || !S2.Equal(S) {
			t.Errorf("%s: reopen: %v", v, err)
		}
	}
}

// A trustee whose --belenios differs from the others' is caught at step 5:
// found by running belenios-tool 3.1 as administrator with Conclave
// trustees told --belenios 2.5.1, where every step passed and the election
// broke only at the first ballot (belenios-tool 3.1 refuses an unsigned
// verification key), and belenios-tool 2.5.1 with Conclave trustees told
// 3.1, where the belenios-tool trustee could not open their AES-GCM
// shares at step 5.
func TestVersionMismatch(t *testing.T) {
	vinputs := func(versions ...Version) ([]*Keys, []*Cert, []*Vinput) {
		var keys []*Keys
		var certs []*Cert
		for i := range versions {
			seed, _ := NewSeed(randReader{})
			k, _ := DeriveKeys(seed)
			c, err := MakeCert(k, Context{Group: GroupName, Index: i + 1, Threshold: 2, Size: len(versions)}, randReader{})
			if err != nil {
				t.Fatal(err)
			}
			keys, certs = append(keys, k), append(certs, c)
		}
		var polys []*Polynomial
		for i, k := range keys {
			p, err := MakePolynomial(versions[i], certs, k, randReader{})
			if err != nil {
				t.Fatal(err)
			}
			polys = append(polys, p)
		}
		var ins []*Vinput
		for j := range keys {
			in := &Vinput{Polynomial: polys[j].Polynomial}
			for _, p := range polys {
				in.Secrets = append(in.Secrets, p.Secrets[j])
				in.Coefexps = append(in.Coefexps, p.Coefexps)
				in.Signatures = append(in.Signatures, *p.Signature)
			}
			ins = append(ins, in)
		}
		return keys, certs, ins
	}
	keys, certs, ins := vinputs(V2_5, V3_1, V2_5)
	for _, c := range []struct {
		who  int
		v    Version
		what string
	}{
		{0, V2_5, "the share from trustee 2"},
		{2, V3_0, "the share from trustee 2"},
		{1, V3_1, "the share from trustee 1"},
		{1, V2_5, "our own polynomial"},
	} {
		_, _, err := MakeVoutput(c.v, certs, keys[c.who], ins[c.who], randReader{})
		if !errors.Is(err, ErrVersionMismatch) || !strings.Contains(err.Error(), c.what) {
			t.Errorf("trustee %d with %s: %v", c.who+1, c.v, err)
		}
	}
	// 2.5.1 and 3.0 share the cipher: no mismatch is seen between them.
	keys, certs, ins = vinputs(V2_5, V3_0, V2_5)
	for j := range keys {
		if _, _, err := MakeVoutput(V2_5, certs, keys[j], ins[j], randReader{}); err != nil {
			t.Errorf("trustee %d: %v", j+1, err)
		}
	}
}

type randReader struct{}

func (randReader) Read(b []byte) (int, error) { return cryptoRand.Read(b) }

// A whole key generation among three of our own trustees, for each
// version: every share crosses the channel of that version.
func TestKeyGenerationPerVersion(t *testing.T) {
	for _, v := range []Version{V2_5, V3_0, V3_1} {
		var keys []*Keys
		var certs []*Cert
		for i := 1; i <= 3; i++ {
			seed, err := NewSeed(randReader{})
			if err != nil {
				t.Fatal(err)
			}
			k, _ := DeriveKeys(seed)
			c, err := MakeCert(k, Context{Group: GroupName, Index: i, Threshold: 2, Size: 3}, randReader{})
			if err != nil {
				t.Fatal(err)
			}
			keys, certs = append(keys, k), append(certs, c)
		}
		var polys []*Polynomial
		for _, k := range keys {
			p, err := MakePolynomial(v, certs, k, randReader{})
			if err != nil {
				t.Fatal(err)
			}
			polys = append(polys, p)
		}
		tp := ThresholdParameters{Threshold: 2, Certs: certs}
		for j, k := range keys {
			in := &Vinput{Polynomial: polys[j].Polynomial}
			for _, p := range polys {
				in.Secrets = append(in.Secrets, p.Secrets[j])
				in.Coefexps = append(in.Coefexps, p.Coefexps)
				in.Signatures = append(in.Signatures, *p.Signature)
			}
			vo, _, err := MakeVoutput(v, certs, k, in, randReader{})
			if err != nil {
				t.Fatalf("%s: trustee %d: %v", v, j+1, err)
			}
			tp.VerificationKeys = append(tp.VerificationKeys, vo.PublicKey)
		}
		for _, p := range polys {
			tp.Coefexps = append(tp.Coefexps, p.Coefexps)
			tp.Signatures = append(tp.Signatures, *p.Signature)
		}
		if _, err := CheckTrustees([]Trustee{{Pedersen: &tp}}); err != nil {
			t.Errorf("%s: %v", v, err)
		}
		// A verification key swapped for another trustee's is refused.
		tp.VerificationKeys[0], tp.VerificationKeys[1] = tp.VerificationKeys[1], tp.VerificationKeys[0]
		if _, err := CheckTrustees([]Trustee{{Pedersen: &tp}}); err == nil {
			t.Errorf("%s: swapped verification keys accepted", v)
		}
	}
}

func TestCertsWithCRLF(t *testing.T) {
	raw := readVec(t, "testdata/v3.1", "certs.jsons")
	crlf := []byte(strings.ReplaceAll(string(raw), "\n", "\r\n"))
	certs, err := ParseCerts(crlf)
	if err != nil || len(certs) != 3 {
		t.Fatalf("%d %v", len(certs), err)
	}
	if _, err := ParseCerts([]byte(strings.Replace(string(raw), "\n", "\n\n", 1))); err == nil {
		t.Error("an empty line was accepted")
	}
}
