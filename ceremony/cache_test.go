package ceremony

import (
	"crypto/rand"
	"errors"
	"testing"

	"conclave/ceremony/group"
)

// evalCommitments by Horner's rule gives what the multi-scalar
// multiplication Σ x^k·C_k gives, for member indices and large x.
func TestEvalCommitmentsHorner(t *testing.T) {
	c := make([]*group.Element, 7)
	for k := range c {
		var b [64]byte
		rand.Read(b[:])
		s, _ := group.NewScalar().SetUniformBytes(b[:])
		c[k] = group.NewIdentityElement().ScalarBaseMult(s)
	}
	for _, x := range []uint64{0, 1, 2, 3, 7, 8, 25, 63, 64, 1 << 40, 1<<64 - 1} {
		powers := make([]*group.Scalar, len(c))
		p := group.NewScalar().SetUint64(1)
		for k := range c {
			powers[k] = group.NewScalar().Set(p)
			p.Multiply(p, group.NewScalar().SetUint64(x))
		}
		want := group.NewIdentityElement().VarTimeMultiScalarMult(powers, c)
		if evalCommitments(c, x).Equal(want) != 1 {
			t.Errorf("evalCommitments(c, %d) differs from Σ x^k·C_k", x)
		}
		if evalCommitments(c[:1], x).Equal(c[0]) != 1 {
			t.Errorf("evalCommitments of one commitment at %d is not that commitment", x)
		}
	}
}

// A message refused once is refused again with the cache: only successes
// are remembered, and a cached success serves no other bytes.
func TestVerifiedCacheRefusesAgain(t *testing.T) {
	h := newHarness(t, 3, 2, false)
	h.stepAll(h.next(false)) // deals
	vb := h.next(false)      // the verify bundle
	var b Bundle
	if err := vb.DecodeBody(&b); err != nil {
		t.Fatal(err)
	}
	// Alter one signature byte of a deal: the cache holds the good deal
	// under its own ID, not this one's.
	for k, mb := range b.Messages {
		e, _ := ParseEnvelope(mb)
		if e.Kind != KindDeal {
			continue
		}
		e.Signature[0] ^= 1
		b.Messages[k] = e.Bytes()
		break
	}
	bad := newEnvelope(KindBundle, vb.Ceremony, 0, &b)
	for range 2 {
		if _, _, _, err := ReplayBundleCached(bad, h.cache); err == nil {
			t.Fatal("a bundle with a forged signature was accepted with the cache")
		}
	}
	// The good bundle still replays, from the cache.
	before := h.cache.Len()
	if _, _, _, err := ReplayBundleCached(vb, h.cache); err != nil {
		t.Fatal(err)
	}
	if h.cache.Len() != before {
		t.Errorf("replaying a bundle already checked added %d entries to the cache", h.cache.Len()-before)
	}
	// And a board that takes a good message twice still says it is a duplicate.
	for _, mb := range b.Messages {
		e, _ := ParseEnvelope(mb)
		if e.Kind == KindManifest {
			if _, err := h.board.Add(e); !errors.Is(err, ErrDuplicate) {
				t.Errorf("the manifest taken in again: %v, want ErrDuplicate", err)
			}
		}
	}
}
