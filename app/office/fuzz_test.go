package office

import (
	"bytes"
	"testing"
)

// FuzzParseCiphertexts: the ciphertext file decoder never panics, and what
// it accepts encodes back to a file that decodes to the same batch.
func FuzzParseCiphertexts(f *testing.F) {
	f.Add([]byte(`{"format":"conclave-ciphertexts/v1","kind":"tally","options":1,"bound":3,"ciphertexts":["` + hex128 + `"]}`))
	f.Add([]byte(`{"format":"conclave-ciphertexts/v1","kind":"ballots","options":2,"bound":2,"ciphertexts":[]}`))
	f.Add([]byte(`{"format":"conclave-ciphertexts/v2"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCiphertexts(data)
		if err != nil {
			if c != nil {
				t.Fatal("a batch returned with an error")
			}
			return
		}
		again, err := ParseCiphertexts(c.JSON())
		if err != nil || !bytes.Equal(again.Data, c.Data) || again.Kind != c.Kind || again.Options != c.Options || again.Bound != c.Bound {
			t.Fatalf("round trip changed the batch: %v", err)
		}
	})
}

// FuzzParseBallots: the same for ballots files.
func FuzzParseBallots(f *testing.F) {
	key := "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76"
	f.Add([]byte(`{"format":"conclave-ballots/v1","ceremony":"` + key + `","election_key":"` + key + `","options":1,"ballots":[["` + hex128 + `"]]}`))
	f.Add([]byte(`{"format":"conclave-ballots/v1","ceremony":"00","election_key":"","options":0,"ballots":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ParseBallots(data)
		if err != nil {
			return
		}
		again, err := ParseBallots(b.JSON())
		if err != nil || len(again.Ballots) != len(b.Ballots) || again.Options != b.Options {
			t.Fatalf("round trip changed the ballots: %v", err)
		}
	})
}

// hex128 is a ciphertext of two copies of the generator's encoding.
const hex128 = "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76" +
	"e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76"
