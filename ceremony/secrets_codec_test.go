package ceremony

import (
	"bytes"
	"testing"
)

// TestSecretsEncodingOwnBuffer: the secrets encode into a buffer sized in
// advance (it never grows, so no partial copy is abandoned), round-trip,
// and a non-canonical encoding is refused.
func TestSecretsEncodingOwnBuffer(t *testing.T) {
	sec := &Secrets{Version: Version, Name: "Alice", SigningSeed: bytes.Repeat([]byte{1}, 32),
		EncryptionSeed: bytes.Repeat([]byte{2}, 32), Polynomial: [][]byte{bytes.Repeat([]byte{3}, 32), bytes.Repeat([]byte{4}, 32)},
		Card: bytes.Repeat([]byte{5}, 300), Index: 1 << 40, Close: -1, Share: bytes.Repeat([]byte{6}, 32)}
	b := sec.Marshal()
	if cap(b) != secretsBound(sec) || len(b) > cap(b) {
		t.Fatalf("encoded %d bytes in a buffer of %d, bound %d", len(b), cap(b), secretsBound(sec))
	}
	if !bytes.Equal(b, marshal(sec)) {
		t.Fatal("differs from the canonical encoding")
	}
	got, err := ParseSecrets(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Marshal(), b) {
		t.Fatal("round trip")
	}
	// The same value with a non-shortest integer head is refused.
	long := bytes.Clone(b)
	long[1] = 0x18 // version 1 as a one-byte-argument unsigned: 0x18 0x01
	long = append(long[:2], append([]byte{0x01}, long[2:]...)...)
	if _, err := ParseSecrets(long); err == nil {
		t.Fatal("non-canonical encoding accepted")
	}
}
