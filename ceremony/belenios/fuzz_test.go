package belenios

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// Every decoder is fuzzed: it must never panic, and what a canonical
// decoder accepts must encode back to exactly the input. Seed corpora are
// under testdata/fuzz/; the vectors are added as seeds here too.

func addVec(f *testing.F, glob string) {
	for _, dir := range []string{"testdata/v2.5.1", "testdata/v3.1"} {
		m, _ := filepath.Glob(filepath.Join(dir, glob))
		for _, p := range m {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			for _, l := range bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n")) {
				f.Add(l)
			}
		}
	}
}

func roundTrip[T any](t *testing.T, data []byte, v *T, err error) {
	if err == nil && !bytes.Equal(Marshal(v), data) {
		t.Fatalf("accepted but re-encodes differently:\n%q\n%q", data, Marshal(v))
	}
}

func FuzzParsePoint(f *testing.F) {
	f.Add("6666666666666666666666666666666666666666666666666666666666666658")
	f.Add("0000000000000000000000000000000000000000000000000000000000000001")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePoint(s)
		if err == nil && p.String() != s {
			t.Fatalf("%q accepted as %s", s, p)
		}
	})
}

func FuzzParseScalar(f *testing.F) {
	f.Add("0")
	f.Add("7237005577332262213973186563042994240857116359379907606001950938285454250988")
	f.Fuzz(func(t *testing.T, s string) {
		x, err := ParseScalar(s)
		if err == nil && x.String() != s {
			t.Fatalf("%q accepted as %s", s, x)
		}
	})
}

func FuzzParseContext(f *testing.F) {
	f.Add("2/2/3")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseContext(s)
		if err == nil && c.String() != s {
			t.Fatalf("%q accepted as %s", s, c)
		}
	})
}

func FuzzParseCert(f *testing.F) {
	addVec(f, "*.cert")
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCert(data)
		if err == nil {
			roundTrip(t, data, c, nil)
		}
	})
}

func FuzzParseVinput(f *testing.F) {
	addVec(f, "*.vinput")
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := ParseVinput(data)
		roundTrip(t, data, v, err)
	})
}

func FuzzParseVoutput(f *testing.F) {
	addVec(f, "*.voutput")
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := ParseVoutput(data)
		roundTrip(t, data, v, err)
	})
}

func FuzzParsePolynomial(f *testing.F) {
	addVec(f, "polynomials.jsons")
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := ParsePolynomial(data)
		roundTrip(t, data, v, err)
	})
}

// FuzzRecv decodes and opens channel messages with a fixed trustee key.
func FuzzRecv(f *testing.F) {
	addVec(f, "*.dkey")
	k, _ := DeriveKeys([]byte("zyVpESj5htMdPwrf6vyWbf"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = recv(k.dk, k.VK, string(data))
	})
}

func FuzzParseBallot(f *testing.F) {
	f.Add([]byte(`{"election_uuid":"MqQLf8xQA2KjP3","election_hash":"x","credential":"6666666666666666666666666666666666666666666666666666666666666658","answers":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := ParseBallot(data)
		roundTrip(t, data, v, err)
		if err == nil {
			e, _ := ParseElection([]byte(`{"version":1,"description":"","name":"","group":"Ed25519","public_key":"6666666666666666666666666666666666666666666666666666666666666658","questions":[{"answers":["a","b"],"blank":true,"min":1,"max":1,"question":"q"}],"uuid":"MqQLf8xQA2KjP3"}`))
			_ = VerifyBallot(e, v)
		}
	})
}

func FuzzParseEncryptedTally(f *testing.F) {
	f.Add([]byte(`[[{"alpha":"6666666666666666666666666666666666666666666666666666666666666658","beta":"0000000000000000000000000000000000000000000000000000000000000001"}]]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := ParseEncryptedTally(data)
		roundTrip(t, data, &v, err)
	})
}

func FuzzParsePartialDecryption(f *testing.F) {
	f.Add([]byte(`{"decryption_factors":[["6666666666666666666666666666666666666666666666666666666666666658"]],"decryption_proofs":[[{"challenge":"1","response":"2"}]]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := ParsePartialDecryption(data)
		roundTrip(t, data, v, err)
	})
}

func FuzzParseElection(f *testing.F) {
	f.Add([]byte(`{"version":1,"description":"d","name":"n","group":"Ed25519","public_key":"6666666666666666666666666666666666666666666666666666666666666658","questions":[{"answers":["a","b"],"min":0,"max":1,"question":"q"}],"uuid":"MqQLf8xQA2KjP3"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = ParseElection(data)
	})
}

func FuzzParseTrustees(f *testing.F) {
	f.Add([]byte(`[["Single",{"pok":{"challenge":"1","response":"2"},"public_key":"6666666666666666666666666666666666666666666666666666666666666658"}]]`))
	f.Add([]byte(`[["Pedersen",{"threshold":1,"certs":[null,null],"coefexps":[],"verification_keys":[]}]]`))
	f.Add([]byte(`[["Pedersen",{"threshold":1,"certs":[],"coefexps":[],"verification_keys":[{"pok":null,"public_key":null}]}]]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ts, err := ParseTrustees(data)
		if err == nil {
			_, _ = CheckTrustees(ts)
		}
	})
}

func FuzzParseCredentials(f *testing.F) {
	f.Add([]byte(`["6666666666666666666666666666666666666666666666666666666666666658,2"]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = ParseCredentials(data)
	})
}

// FuzzWeight: a weight is read only in the form Belenios writes it.
func FuzzWeight(f *testing.F) {
	for _, s := range []string{`0`, `5`, `1073741823`, `"1073741824"`, `"2000000006"`, `"5"`, `-1`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var w Weight
		if err := w.UnmarshalJSON(data); err == nil {
			if w < 0 {
				t.Fatalf("negative weight %d from %q", w, data)
			}
			var st sizedTally
			raw := []byte(`{"num_tallied":1,"total_weight":` + string(data) + `,"encrypted_tally":"x"}`)
			if err := decode(raw, &st, "tally", true); err == nil && st.TotalWeight != w {
				t.Fatalf("%q read as %d and %d", data, w, st.TotalWeight)
			}
		}
	})
}

func FuzzReadArchive(f *testing.F) {
	for _, p := range []string{"testdata/v3.1/MqQLf8xQA2KjP3.bel", "testdata/weighted-2.5.1/hhFhLipAdxpv1X.bel"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ReadArchive(bytes.NewReader(data))
		if err == nil {
			_, _ = VerifyArchive(a)
		}
	})
}

func FuzzParseSecret(f *testing.F) {
	f.Add([]byte(SecretMagic + "mode threshold\ncontext 2/2/3\nseed zyVpESj5htMdPwrf6vyWbf\nkey 12345\n"))
	f.Add([]byte(SecretMagic + "mode single\nkey 7\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSecret(data)
		if err == nil && !bytes.Equal(s.Marshal(), data) {
			t.Fatal("accepted but re-encodes differently")
		}
	})
}
