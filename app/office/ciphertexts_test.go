package office

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"conclave/ceremony"
)

// parseStream is parseCiphertextsStream of data held in memory, collecting
// the ciphertexts.
func parseStream(data []byte) (*Ciphertexts, error) {
	var all []byte
	h, err := parseCiphertextsStream(bytes.NewReader(data), func(ct []byte) error {
		all = append(all, ct...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &Ciphertexts{Kind: h.Kind, Options: h.Options, Bound: h.Bound, Data: all}, nil
}

// The ciphertext file read token by token accepts only what
// ParseCiphertexts accepts (it also refuses a key given twice, a value
// after the object, and keys in another case), and reads the same batch.
func FuzzCiphertextsStream(f *testing.F) {
	good := &Ciphertexts{Kind: ceremony.RequestBallots, Options: 2, Bound: 2, Data: bytes.Repeat([]byte{0xab}, 3*ceremony.CiphertextSize)}
	f.Add(good.JSON())
	f.Add([]byte(`{"format":"conclave-ciphertexts/v1","kind":"tally","options":1,"bound":5,"ciphertexts":null}`))
	f.Add([]byte(`{"format":"conclave-ciphertexts/v1","ciphertexts":["` + strings.Repeat("0", 128) + `"],"ciphertexts":[]}`))
	f.Add([]byte(`{"format":"conclave-ciphertexts/v1","kind":"tally","options":1.5,"bound":-1,"ciphertexts":[1]}`))
	f.Add([]byte(`{"FORMAT":"conclave-ciphertexts/v1","ciphertexts":["` + strings.Repeat("A", 128) + `"]} {}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := parseStream(data)
		want, werr := ParseCiphertexts(data)
		if err == nil && werr != nil {
			t.Fatalf("%q: read token by token, accepted; ParseCiphertexts: %v", data, werr)
		}
		if err == nil && (got.Kind != want.Kind || got.Options != want.Options || got.Bound != want.Bound || !bytes.Equal(got.Data, want.Data)) {
			t.Fatalf("%q: read otherwise token by token", data)
		}
	})
}

// A ciphertext file rewritten between its check and the request's writing
// is refused, and no request is left at --out nor added to the board; a
// ciphertext that is not a group element is refused by its number before
// anything is written.
func TestRequestFromFileRefusesChangedFile(t *testing.T) {
	dir := t.TempDir()
	b, _, ek := smallCeremonyKey(t, dir)
	one := &Ciphertexts{Kind: ceremony.RequestBallots, Options: 1, Bound: 1, Data: ballotsOfOne(ek.Key, 5)}
	in, out := filepath.Join(dir, "batch.json"), filepath.Join(dir, "request.cbor")
	os.WriteFile(in, one.JSON(), 0o644)
	c, err := OpenCiphertexts(in)
	if err != nil {
		t.Fatal(err)
	}
	more := &Ciphertexts{Kind: ceremony.RequestBallots, Options: 1, Bound: 1, Data: ballotsOfOne(ek.Key, 6)}
	os.WriteFile(in, more.JSON(), 0o644)
	if _, err := b.RequestFromFile("count", c, out, false); !errors.Is(err, ErrCiphertextsChanged) {
		t.Fatalf("a file rewritten between its readings: %v, want ErrCiphertextsChanged", err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("a request was left at --out")
	}
	if len(b.State.Requests()) != 0 {
		t.Fatal("a request was added to the board")
	}
	// The same batch read whole makes the same request.
	os.WriteFile(in, one.JSON(), 0o644)
	if c, err = OpenCiphertexts(in); err != nil {
		t.Fatal(err)
	}
	req, err := b.RequestFromFile("count", c, out, false)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := b.State.NewRequest("count", one.Kind, one.Options, one.Bound, one.Data)
	if err != nil {
		t.Fatal(err)
	}
	if written, _ := os.ReadFile(out); !bytes.Equal(written, whole.Bytes()) || req.ID() != whole.ID() {
		t.Fatal("the request written in chunks differs from the request made in memory")
	}
	bad := bytes.Clone(one.Data)
	copy(bad[2*ceremony.CiphertextSize:], bytes.Repeat([]byte{0xff}, 32))
	os.WriteFile(in, (&Ciphertexts{Kind: one.Kind, Options: 1, Bound: 1, Data: bad}).JSON(), 0o644)
	if _, err := OpenCiphertexts(in); err == nil || !strings.Contains(err.Error(), "ciphertext 3 ") {
		t.Fatalf("a ciphertext that is not a group element: %v", err)
	}
}
