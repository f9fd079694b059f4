package ceremony

import (
	"crypto/rand"
	"errors"
	"testing"
)

// TestForkedCeremonyOtherKey is an attack by a dishonest coordinator alone:
// every member enrols and deals under one manifest (one ceremony
// fingerprint, read aloud by all), but the coordinator then shows each half
// of the members only the deals of that half, going on "without the
// missing members". Each half completes a ceremony of its own: two valid
// election key files, each signed by t real members, of the same ceremony
// fingerprint, with different keys. The ceremony fingerprint in the minutes
// cannot tell them apart; the election key fingerprint, written in the
// minutes too, does (ElectionKey.ExpectKey, 'key check --expect-key').
func TestForkedCeremonyOtherKey(t *testing.T) {
	h := newHarness(t, 4, 2, false)
	manifest := h.next(false)
	for _, p := range h.parties {
		if _, err := p.sec.Step(manifest, rand.Reader); err != nil {
			t.Fatal(err)
		}
	}
	branch := func(members ...uint64) *ElectionKey {
		t.Helper()
		b := &harness{t: t, board: NewState(), issued: h.issued}
		for _, e := range h.board.Messages() {
			b.add(e)
		}
		for _, i := range members {
			p := h.byIndex(i)
			b.parties = append(b.parties, p)
			b.add(mustParse(p.sec.Deal))
		}
		for k := 0; k < 10 && !b.board.Complete(); k++ {
			b.stepAll(b.next(true))
		}
		if !b.board.Complete() {
			t.Fatalf("branch %v did not complete", members)
		}
		e, err := b.board.ElectionKeyFile()
		if err != nil {
			t.Fatal(err)
		}
		ek, err := ParseElectionKey(mustParse(e.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		return ek
	}
	shown, other := branch(1, 2), branch(3, 4)
	minutes := h.board.ID.Fingerprint()
	if shown.Ceremony != other.Ceremony || shown.Fingerprint == other.Fingerprint {
		t.Fatalf("not a fork: ceremonies %s and %s, keys %s and %s", shown.Ceremony.Fingerprint(), other.Ceremony.Fingerprint(), shown.Fingerprint, other.Fingerprint)
	}
	// Both pass the check of the ceremony fingerprint alone.
	if err := shown.Expect(minutes); err != nil {
		t.Fatal(err)
	}
	if err := other.Expect(minutes); err != nil {
		t.Fatal(err)
	}
	// The election key fingerprint of the minutes refuses the other one.
	if err := other.ExpectKey(shown.Fingerprint); !errors.Is(err, ErrUnexpectedKey) {
		t.Fatalf("the other branch's key file passed the election key fingerprint of the minutes: %v", err)
	}
	if err := shown.ExpectKey(shown.Fingerprint); err != nil {
		t.Fatal(err)
	}
}
