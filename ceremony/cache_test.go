package ceremony

import (
	"crypto/rand"
	"errors"
	"strings"
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

func randomScalar(t *testing.T) *group.Scalar {
	t.Helper()
	var b [64]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	s, _ := group.NewScalar().SetUniformBytes(b[:])
	return s
}

// The batched share checks accept exactly what the one-by-one checks
// accept: every good set passes, and one wrong share, blinding value or
// commitment among many makes the batch fail.
func TestBatchShareChecks(t *testing.T) {
	const dealers, th, j = 6, 4, uint64(5)
	var bundle ID
	rand.Read(bundle[:])
	type dealer struct {
		a, b []*group.Scalar
		e, c []*group.Element
	}
	ds := make([]dealer, dealers)
	for i := range ds {
		for k := 0; k < th; k++ {
			a, b := randomScalar(t), randomScalar(t)
			ds[i].a, ds[i].b = append(ds[i].a, a), append(ds[i].b, b)
			ds[i].e = append(ds[i].e, pedersen(a, b))
			ds[i].c = append(ds[i].c, group.NewIdentityElement().ScalarBaseMult(a))
		}
	}
	build := func() []shareCheck {
		var out []shareCheck
		for _, d := range ds {
			p := &sharePair{evalPolynomial(d.a, j), evalPolynomial(d.b, j)}
			out = append(out, shareCheck{p: p, e: d.e}, shareCheck{p: p, c: d.c})
		}
		return out
	}
	if !batchShareChecks(bundle, j, build()) {
		t.Fatal("a batch of good shares fails")
	}
	if !batchShareChecks(bundle, j, nil) {
		t.Fatal("an empty batch fails")
	}
	for u := range 2 * dealers {
		for _, what := range []string{"share", "blinding", "commitment"} {
			cs := build()
			ch := cs[u]
			switch what {
			case "share":
				ch.p = &sharePair{group.NewScalar().Add(ch.p.s, group.NewScalar().SetUint64(1)), ch.p.blind}
			case "blinding":
				if ch.e == nil {
					continue // a Feldman check does not read the blinding value
				}
				ch.p = &sharePair{ch.p.s, group.NewScalar().Add(ch.p.blind, group.NewScalar().SetUint64(1))}
			case "commitment":
				cc := append([]*group.Element(nil), ch.e...)
				if ch.e == nil {
					cc = append([]*group.Element(nil), ch.c...)
				}
				cc[th-1] = group.NewIdentityElement().Add(cc[th-1], group.NewGeneratorElement())
				if ch.e != nil {
					ch.e = cc
				} else {
					ch.c = cc
				}
			}
			cs[u] = ch
			if batchShareChecks(bundle, j, cs) {
				t.Errorf("a batch with a wrong %s in check %d passes", what, u)
			}
		}
	}
}

// A member whose share fails the batched check at the confirm step is told
// which dealer sent it, as the one-by-one checks say: here a dealer sealed
// a bad share to a member whose keystore already held an empty list of
// complaints (so it never complained), and the batch falls back to naming
// the dealer.
func TestConfirmBatchNamesDealer(t *testing.T) {
	h := newHarness(t, 5, 3, false)
	manifest := h.next(false)
	h.stepAll(manifest)
	cheat, victim := h.byIndex(2), h.byIndex(4)
	h2 := &harness{t: t, board: NewState(), parties: h.parties, cache: NewVerified()}
	h2.board.UseCache(h2.cache)
	h2.add(manifest)
	for _, p := range h.parties {
		if p == cheat {
			h2.add(badDeal(t, p, victim.sec.Index, h.board))
		} else {
			h2.add(mustParse(p.sec.Deal))
		}
	}
	victim.sec.Complaints = victim.sec.sign(newEnvelope(KindComplaints, victim.sec.Ceremony, victim.sec.Index, &Complaints{})).Bytes()
	h2.stepAll(h2.next(false)) // verify: nobody complains
	if got := h2.board.Accused(); len(got) != 0 {
		t.Fatalf("accused = %v, want nobody", got)
	}
	ob := h2.next(false)
	if err := ob.DecodeBody(&Bundle{}); err != nil {
		t.Fatal(err)
	}
	h2.stepAll(ob)
	cb := h2.next(false)
	var b Bundle
	if err := cb.DecodeBody(&b); err != nil || b.Step != StepConfirm {
		t.Fatalf("got step %q (%v), want confirm", b.Step, err)
	}
	for _, v := range []*Verified{nil, h2.cache} {
		_, err := victim.sec.StepCached(cb, v, rand.Reader)
		if err == nil || !strings.Contains(err.Error(), "share from "+h2.board.who(2).String()) {
			t.Fatalf("the victim confirmed a bad share, or did not name its dealer: %v", err)
		}
	}
	if _, err := h.byIndex(1).sec.StepCached(cb, h2.cache, rand.Reader); err != nil {
		t.Fatalf("an honest member with good shares: %v", err)
	}
}
