package group_test

import (
	"bytes"
	"encoding/hex"
	"math/big"
	"strings"
	"testing"

	"conclave/ceremony/group"
)

// order is l = 2^252 + 27742317777372353535851937790883648493.
var order, _ = new(big.Int).SetString("7237005577332262213973186563042994240857116359379907606001950938285454250989", 10)

// le returns the n-byte little-endian encoding of x.
func le(x *big.Int, n int) []byte {
	b := x.FillBytes(make([]byte, n))
	for i, j := 0, n-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return b
}

func bigOf(s *group.Scalar) *big.Int {
	b := s.Bytes()
	r := make([]byte, len(b))
	for i := range b {
		r[len(b)-1-i] = b[i]
	}
	return new(big.Int).SetBytes(r)
}

func TestScalarSetCanonicalBytesRejects(t *testing.T) {
	one := big.NewInt(1)
	pow := func(n uint) *big.Int { return new(big.Int).Lsh(one, n) }
	notReduced := []struct {
		name string
		x    *big.Int
	}{
		{"l", order},
		{"l+1", new(big.Int).Add(order, one)},
		{"l+2^128", new(big.Int).Add(order, pow(128))},
		{"2l-1", new(big.Int).Sub(new(big.Int).Lsh(order, 1), one)},
		{"2^253", pow(253)},
		{"2^255-19", new(big.Int).Sub(pow(255), big.NewInt(19))},
		{"2^255-1", new(big.Int).Sub(pow(255), one)},
		{"2^256-1", new(big.Int).Sub(pow(256), one)},
	}
	for _, c := range notReduced {
		s := group.NewScalar().SetUint64(42)
		got, err := s.SetCanonicalBytes(le(c.x, 32))
		if err == nil || got != nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		if err.Error() != "group: scalar is not reduced modulo the group order" {
			t.Errorf("%s: error %q", c.name, err)
		}
		if s.Equal(group.NewScalar().SetUint64(42)) != 1 {
			t.Errorf("%s: receiver modified on error", c.name)
		}
	}

	for _, n := range []int{0, 1, 31, 33, 64} {
		s := group.NewScalar().SetUint64(42)
		got, err := s.SetCanonicalBytes(make([]byte, n))
		if err == nil || got != nil {
			t.Errorf("%d bytes: accepted", n)
			continue
		}
		if err.Error() != "group: scalar encoding is not 32 bytes" {
			t.Errorf("%d bytes: error %q", n, err)
		}
		if s.Equal(group.NewScalar().SetUint64(42)) != 1 {
			t.Errorf("%d bytes: receiver modified on error", n)
		}
	}
	if _, err := group.NewScalar().SetCanonicalBytes(nil); err == nil {
		t.Errorf("nil: accepted")
	}
}

func TestScalarSetCanonicalBytesAccepts(t *testing.T) {
	for _, x := range []*big.Int{
		big.NewInt(0), big.NewInt(1),
		new(big.Int).Sub(order, big.NewInt(1)),
		new(big.Int).Lsh(big.NewInt(1), 252),
		new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 252), big.NewInt(1)),
	} {
		in := le(x, 32)
		s, err := group.NewScalar().SetCanonicalBytes(in)
		if err != nil {
			t.Errorf("%v: %v", x, err)
			continue
		}
		if !bytes.Equal(s.Bytes(), in) {
			t.Errorf("%v: re-encodes as %x", x, s.Bytes())
		}
	}
}

func TestScalarSetUniformBytes(t *testing.T) {
	for _, n := range []int{0, 32, 63, 65} {
		s := group.NewScalar().SetUint64(7)
		if got, err := s.SetUniformBytes(make([]byte, n)); err == nil || got != nil {
			t.Errorf("%d bytes: accepted", n)
		} else if err.Error() != "group: uniform input is not 64 bytes" {
			t.Errorf("%d bytes: error %q", n, err)
		}
		if s.Equal(group.NewScalar().SetUint64(7)) != 1 {
			t.Errorf("%d bytes: receiver modified on error", n)
		}
	}
	// Wide reduction matches math/big.
	for _, h := range []string{
		strings.Repeat("ff", 64),
		strings.Repeat("00", 63) + "80",
		hex.EncodeToString(le(order, 64)),
		hex.EncodeToString(le(new(big.Int).Mul(order, order), 64)),
		"5d1be09e3d0c82fc538112490e35701979d99e06ca3e2b5b54bffe8b4dc772c14d98b696a1bbfb5ca32c436cc61c16563790306c79eaca7705668b47dffe5bb6",
	} {
		in, _ := hex.DecodeString(h)
		s, err := group.NewScalar().SetUniformBytes(in)
		if err != nil {
			t.Fatal(err)
		}
		r := make([]byte, 64)
		for i := range in {
			r[63-i] = in[i]
		}
		want := new(big.Int).Mod(new(big.Int).SetBytes(r), order)
		if got := bigOf(s); got.Cmp(want) != 0 {
			t.Errorf("SetUniformBytes(%s) = %v, want %v", h, got, want)
		}
	}
}

func TestScalarSetUint64(t *testing.T) {
	for _, x := range []uint64{0, 1, 255, 1 << 32, 1<<64 - 1} {
		s := group.NewScalar().SetUint64(x)
		if got := bigOf(s); got.Cmp(new(big.Int).SetUint64(x)) != 0 {
			t.Errorf("SetUint64(%d) = %v", x, got)
		}
	}
}

func TestScalarZeroizeAndIsZero(t *testing.T) {
	var zero group.Scalar
	if !zero.IsZero() || !group.NewScalar().IsZero() {
		t.Fatal("zero value / NewScalar is not zero")
	}
	if !bytes.Equal(zero.Bytes(), make([]byte, 32)) {
		t.Fatal("zero value does not encode as zero")
	}
	s := group.NewScalar().SetUint64(12345)
	if s.IsZero() {
		t.Fatal("12345 IsZero")
	}
	// l-1 + 1 wraps to zero.
	m, _ := group.NewScalar().SetCanonicalBytes(le(new(big.Int).Sub(order, big.NewInt(1)), 32))
	if !group.NewScalar().Add(m, group.NewScalar().SetUint64(1)).IsZero() {
		t.Fatal("(l-1)+1 is not zero")
	}
	s.Zeroize()
	if !s.IsZero() || !bytes.Equal(s.Bytes(), make([]byte, 32)) {
		t.Fatal("Zeroize did not zero the scalar")
	}
}
