package keystore

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
)

// The test vector of docs/keystore.md: testdata/vector-v1.cks opens with
// vectorPass and holds vectorSecret.
const (
	vectorPass   = "orange kettle mountain violin"
	vectorSecret = "conclave keystore test vector"
	vectorPath   = "testdata/vector-v1.cks"
)

func vectorHeader() Header {
	c := make([]byte, 32)
	for i := range c {
		c[i] = byte(i)
	}
	return Header{Ceremony: c, Member: 2, Name: "Test Member", VerificationKey: bytes.Repeat([]byte{0xAA}, 32)}
}

func TestSpecVector(t *testing.T) {
	if os.Getenv("KEYSTORE_WRITE_SEEDS") == "1" {
		p := filepath.Join(t.TempDir(), "v.cks")
		s, err := Create(p, pw(t, vectorPass), vectorHeader(), []byte(vectorSecret), testKDF)
		if err != nil {
			t.Fatal(err)
		}
		s.Destroy()
		os.WriteFile(vectorPath, readAll(t, p), 0o644)
	}
	raw := readAll(t, vectorPath)
	f, err := decodeFile(raw)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := Inspect(vectorPath)
	want := vectorHeader()
	if !bytes.Equal(h.Ceremony, want.Ceremony) || h.Member != 2 || h.Name != want.Name ||
		!bytes.Equal(h.VerificationKey, want.VerificationKey) || h.KDF != testKDF {
		t.Fatalf("header %+v", h)
	}
	if got := openSecretAt(t, vectorPath, vectorPass); string(got) != vectorSecret {
		t.Fatalf("secret %q", got)
	}
	dk := deriveKey([]byte(vectorPass), f.hdr.Salt, testKDF)
	t.Logf("file (%d bytes): %x", len(raw), raw)
	t.Logf("header (%d bytes): %x", f.adLen-prefixLen, raw[prefixLen:f.adLen])
	t.Logf("salt %x nonce %x", f.hdr.Salt, f.hdr.Nonce)
	t.Logf("Argon2id output: key %x key-check %x", dk[:32], dk[32:48])
	if !keyCheckMatches(dk, f.hdr.KeyCheck) {
		t.Fatal("key check")
	}
	// The intermediate values quoted in docs/keystore.md.
	if hex.EncodeToString(dk[:32]) != vectorKey || hex.EncodeToString(dk[32:48]) != vectorKeyCheck {
		t.Fatalf("derived %x, doc says %s %s", dk[:48], vectorKey, vectorKeyCheck)
	}
}

const (
	vectorKey      = "9d9da5968301acca9c7322d664959d5b74131564facd708e061a7c5991cbe022"
	vectorKeyCheck = "e7bc656d7affd120fa751325895a69bf"
)
