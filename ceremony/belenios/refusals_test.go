package belenios

import (
	"archive/tar"
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"strings"
	"testing"
)

func vectorCerts(t *testing.T, dir string) []*Cert {
	t.Helper()
	certs, err := ParseCerts(readVec(t, dir, "certs.jsons"))
	if err != nil {
		t.Fatal(err)
	}
	return certs
}

// A certificate made for another context (another threshold, another
// index, another size) is refused among the others, and so is a
// certificate list that leaves us out.
func TestRefuseCertificateOtherContext(t *testing.T) {
	for _, vs := range vectorSets {
		trs := loadTrustees(t, vs.dir)
		k, _ := DeriveKeys([]byte(trs[1].seed))
		for _, ctx := range []Context{
			{Group: GroupName, Index: 2, Threshold: 1, Size: 3},
			{Group: GroupName, Index: 3, Threshold: 2, Size: 3},
			{Group: GroupName, Index: 2, Threshold: 2, Size: 4},
		} {
			c, err := MakeCert(k, ctx, rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			certs := vectorCerts(t, vs.dir)
			certs[1] = c
			if _, err := CheckCerts(certs); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "another context") {
				t.Errorf("context %s accepted: %v", ctx, err)
			}
			if _, err := MakePolynomial(vs.v, certs, k, rand.Reader); err == nil {
				t.Errorf("polynomial made with a certificate of context %s", ctx)
			}
		}
		// A certificate whose signature was made by someone else.
		certs := vectorCerts(t, vs.dir)
		certs[0].Signature = certs[1].Signature
		if _, err := CheckCerts(certs); !errors.Is(err, ErrInvalid) {
			t.Errorf("forged certificate signature accepted: %v", err)
		}
		// Our certificate is missing.
		other, _ := DeriveKeys([]byte("111111111111111111111z"))
		if _, err := MakePolynomial(vs.v, vectorCerts(t, vs.dir), other, rand.Reader); err == nil || !strings.Contains(err.Error(), "our own certificate") {
			t.Errorf("polynomial made without our certificate: %v", err)
		}
	}
}

// A share that does not match its sender's commitments, though properly
// encrypted and signed by its sender, is refused at step 5.
func TestRefuseBadShare(t *testing.T) {
	for _, vs := range vectorSets {
		trs := loadTrustees(t, vs.dir)
		certs := vectorCerts(t, vs.dir)
		sender, _ := DeriveKeys([]byte(trs[0].seed))
		me, _ := DeriveKeys([]byte(trs[1].seed))
		in, err := ParseVinput(line(readVec(t, vs.dir, trs[1].id+".vinput")))
		if err != nil {
			t.Fatal(err)
		}
		// Trustee 1's real share for us, plus one.
		real, err := recv(me.dk, sender.VK, in.Secrets[0])
		if err != nil {
			t.Fatal(err)
		}
		var s secretMsg
		if err := decode([]byte(real), &s, "share", true); err != nil {
			t.Fatal(err)
		}
		bad := marshal(secretMsg{Secret: s.Secret.Add(ScalarFromInt(1))})
		if in.Secrets[0], err = send(vs.v, sender.sk, me.EK, string(bad), rand.Reader); err != nil {
			t.Fatal(err)
		}
		_, _, err = MakeVoutput(vs.v, certs, me, in, rand.Reader)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "does not match its commitments") {
			t.Errorf("%s: bad share accepted: %v", vs.dir, err)
		}
		if strings.Contains(err.Error(), s.Secret.String()[:12]) || strings.Contains(err.Error(), s.Secret.Add(ScalarFromInt(1)).String()[:12]) {
			t.Errorf("%s: the error shows the share", vs.dir)
		}
		// A share that is not even a number: the error says so, not what it holds.
		if in.Secrets[0], err = send(vs.v, sender.sk, me.EK, `{"secret":"12345678901234567890x"}`, rand.Reader); err != nil {
			t.Fatal(err)
		}
		if _, _, err = MakeVoutput(vs.v, certs, me, in, rand.Reader); err == nil || strings.Contains(err.Error(), "1234567890") || strings.Contains(err.Error(), "'x'") {
			t.Errorf("%s: malformed share: %v", vs.dir, err)
		}
		// The same share, signed by another trustee than its sender.
		third, _ := DeriveKeys([]byte(trs[2].seed))
		if in.Secrets[0], err = send(vs.v, third.sk, me.EK, real, rand.Reader); err != nil {
			t.Fatal(err)
		}
		if _, _, err = MakeVoutput(vs.v, certs, me, in, rand.Reader); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: share signed by another trustee accepted: %v", vs.dir, err)
		}
	}
}

// A vinput altered on its way (a flipped byte in a share, swapped shares,
// swapped commitments, a removed signature, a wrong count) is refused.
func TestRefuseTamperedVinput(t *testing.T) {
	for _, vs := range vectorSets {
		trs := loadTrustees(t, vs.dir)
		certs := vectorCerts(t, vs.dir)
		me, _ := DeriveKeys([]byte(trs[1].seed))
		raw := line(readVec(t, vs.dir, trs[1].id+".vinput"))
		fresh := func() *Vinput {
			in, err := ParseVinput(raw)
			if err != nil {
				t.Fatal(err)
			}
			return in
		}
		cases := map[string]func(in *Vinput){
			"flipped share byte": func(in *Vinput) {
				i := strings.Index(in.Secrets[2], `"data":"`) + 10
				b := []byte(in.Secrets[2])
				b[i] ^= 1
				if b[i] < '0' || (b[i] > '9' && b[i] < 'a') || b[i] > 'f' {
					b[i] = '0' + (b[i] & 7)
				}
				in.Secrets[2] = string(b)
			},
			"swapped shares":      func(in *Vinput) { in.Secrets[0], in.Secrets[2] = in.Secrets[2], in.Secrets[0] },
			"swapped commitments": func(in *Vinput) { in.Coefexps[0], in.Coefexps[2] = in.Coefexps[2], in.Coefexps[0] },
			"swapped signatures":  func(in *Vinput) { in.Signatures[0], in.Signatures[2] = in.Signatures[2], in.Signatures[0] },
			"no signatures":       func(in *Vinput) { in.Signatures = nil },
			"missing share":       func(in *Vinput) { in.Secrets = in.Secrets[:2] },
			"another polynomial":  func(in *Vinput) { other := fresh(); in.Polynomial = other.Secrets[0] },
		}
		for name, tamper := range cases {
			in := fresh()
			tamper(in)
			if _, _, err := MakeVoutput(vs.v, certs, me, in, rand.Reader); err == nil {
				t.Errorf("%s: %s accepted", vs.dir, name)
			}
		}
		// A byte changed in the vinput file itself.
		for _, i := range []int{5, len(raw) / 2, len(raw) - 3} {
			b := bytes.Clone(raw)
			b[i] ^= 0x01
			in, err := ParseVinput(b)
			if err == nil {
				_, _, err = MakeVoutput(vs.v, certs, me, in, rand.Reader)
			}
			if err == nil {
				t.Errorf("%s: vinput with byte %d changed accepted", vs.dir, i)
			}
		}
	}
}

// A ballot with a bad proof is refused, by the proof check itself and by
// the archive's check.
func TestRefuseBadBallotProof(t *testing.T) {
	for _, vs := range vectorSets {
		a, _ := loadArchive(t, vs.dir)
		b := a.Ballots[2]
		s0 := a.Election.Fingerprint() + "|" + b.Credential.String()
		for qi := range b.Answers {
			ans := b.Answers[qi]
			orig := ans.IndividualProofs[0][1].Response
			ans.IndividualProofs[0][1].Response = orig.Add(ScalarFromInt(1))
			if err := verifyAnswer(a.Election.PublicKey, s0, &a.Election.Questions[qi], &ans); err == nil {
				t.Errorf("%s: bad individual proof accepted", vs.dir)
			}
			ans.IndividualProofs[0][1].Response = orig
			o := ans.OverallProof[0].Challenge
			ans.OverallProof[0].Challenge = o.Add(ScalarFromInt(1))
			if err := verifyAnswer(a.Election.PublicKey, s0, &a.Election.Questions[qi], &ans); err == nil {
				t.Errorf("%s: bad overall proof accepted", vs.dir)
			}
			ans.OverallProof[0].Challenge = o
			if err := verifyAnswer(a.Election.PublicKey, s0, &a.Election.Questions[qi], &ans); err != nil {
				t.Fatalf("%s: restored answer refused: %v", vs.dir, err)
			}
		}
		// The blank-vote proof of question 2.
		ans := b.Answers[1]
		ans.BlankProof = append([]Proof(nil), ans.BlankProof...)
		ans.BlankProof[0].Response = ans.BlankProof[0].Response.Add(ScalarFromInt(1))
		if err := verifyAnswer(a.Election.PublicKey, s0, &a.Election.Questions[1], &ans); err == nil {
			t.Errorf("%s: bad blank proof accepted", vs.dir)
		}
		// In the archive.
		b.Answers[0].IndividualProofs[1][0].Challenge = b.Answers[0].IndividualProofs[1][0].Challenge.Add(ScalarFromInt(1))
		if _, err := VerifyArchive(a); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "ballot 3") {
			t.Errorf("%s: archive with a bad ballot accepted: %v", vs.dir, err)
		}
	}
}

// A tally that is not the product of the counted ballots is refused: a
// ciphertext multiplied by another, a ballot dropped, a ballot added twice.
func TestRefuseTallyNotProduct(t *testing.T) {
	for _, vs := range vectorSets {
		a, _ := loadArchive(t, vs.dir)
		if _, err := VerifyArchive(a); err != nil {
			t.Fatal(err)
		}
		orig := a.Tally[1][2]
		a.Tally[1][2] = orig.mul(a.Ballots[0].Answers[1].Choices[2])
		if _, err := VerifyArchive(a); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "not the product") {
			t.Errorf("%s: altered tally accepted: %v", vs.dir, err)
		}
		a.Tally[1][2] = orig
		all := a.Ballots
		a.Ballots = all[:len(all)-1]
		if _, err := VerifyArchive(a); err == nil {
			t.Errorf("%s: tally with a ballot missing accepted", vs.dir)
		}
		a.Ballots = all
		a.NumTallied++
		if _, err := VerifyArchive(a); err == nil {
			t.Errorf("%s: wrong num_tallied accepted", vs.dir)
		}
	}
}

// Any byte changed in the archive file is refused (names are hashes).
func TestRefuseTamperedArchive(t *testing.T) {
	_, raw := loadArchive(t, "testdata/v3.1")
	// Find the offsets of file contents.
	tr := tar.NewReader(bytes.NewReader(raw))
	var offsets []int
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		b, _ := io.ReadAll(tr)
		if i := bytes.Index(raw, b); i >= 0 && h.Name != "BELENIOS" {
			offsets = append(offsets, i+len(b)/2)
		}
	}
	for _, off := range offsets {
		b := bytes.Clone(raw)
		b[off] ^= 0x02
		if _, err := ReadArchive(bytes.NewReader(b)); err == nil {
			t.Errorf("byte %d changed: archive accepted", off)
		}
	}
	// An election that is not homomorphic is refused with its own error.
	e := []byte(`{"version":1,"description":"d","name":"n","group":"Ed25519","public_key":"6666666666666666666666666666666666666666666666666666666666666658","questions":[{"type":"NonHomomorphic","value":{"answers":["a"],"question":"q"}}],"uuid":"MqQLf8xQA2KjP3"}`)
	if _, err := ParseElection(e); !errors.Is(err, ErrNotHomomorphic) {
		t.Errorf("non-homomorphic election: %v", err)
	}
}

func TestPointEncoding(t *testing.T) {
	if G().String() != "6666666666666666666666666666666666666666666666666666666666666658" {
		t.Fatalf("generator %s", G())
	}
	if _, err := ParsePoint(G().String()); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{
		"6666666666666666666666666666666666666666666666666666666666666658"[:62],
		"6666666666666666666666666666666666666666666666666666666666666658" + "00",
		strings.ToUpper("fa6bf156b77cebc3c1921a09134597da9d93416467a257cc4900c83336b26eb6"),
		// y = p+1 (non-canonical encoding of y=1, the identity)
		"7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffee",
		// a point of order 2: (0, -1)
		"7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffec",
		// a point of order 4 (x = sqrt(-1), y = 0)
		"0000000000000000000000000000000000000000000000000000000000000000",
	} {
		if _, err := ParsePoint(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if p, err := ParsePoint("0000000000000000000000000000000000000000000000000000000000000001"); err != nil || !p.IsIdentity() {
		t.Errorf("identity: %v", err)
	}
	for _, bad := range []string{"", "01", "-1", "+1", " 1", "7237005577332262213973186563042994240857116359379907606001950938285454250989", "1e3"} {
		if _, err := ParseScalar(bad); err == nil {
			t.Errorf("scalar %q accepted", bad)
		}
	}
	if s, err := ParseScalar("7237005577332262213973186563042994240857116359379907606001950938285454250988"); err != nil || s.Add(ScalarFromInt(1)).String() != "0" {
		t.Errorf("q-1: %v", err)
	}
}

func TestCCMRoundTrip(t *testing.T) {
	// Lengths around the block size and the length-field boundary.
	k, _ := DeriveKeys([]byte("zyVpESj5htMdPwrf6vyWbf"))
	for _, n := range []int{0, 1, 15, 16, 17, 100, 65535, 65536, 70000} {
		msg := bytes.Repeat([]byte{'x'}, n)
		for _, v := range []Version{V2_5, V3_1} {
			e, err := encrypt(v, k.EK, msg, rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			got, err := decrypt(k.dk, e)
			if err != nil || !bytes.Equal(got, msg) {
				t.Errorf("%s n=%d: %v", v, n, err)
			}
		}
	}
}
