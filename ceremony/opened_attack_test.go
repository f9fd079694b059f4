package ceremony

import (
	"crypto/rand"
	"errors"
	"testing"

	"conclave/ceremony/group"
)

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("no randomness") }

// The share pairs kept from the verify step serve the steps up to the
// confirm step only: a confirm step that fails after opening them (here,
// its proof finds no randomness) drops and wipes them as a successful one
// does, rather than leaving them for Wipe (docs/protocol.md §6.9); the
// member then confirms, opening its shares again.
func TestKeptSharesForgottenWhenConfirmFails(t *testing.T) {
	h := newHarness(t, 4, 3, false)
	h.stepAll(h.next(false)) // the manifest
	h.stepAll(h.next(false)) // verify: the pairs are kept
	a := h.byIndex(1).sec
	var probes []*group.Scalar
	for _, p := range a.opened {
		probes = append(probes, p.s, p.blind)
	}
	if len(probes) != 6 {
		t.Fatalf("member 1 keeps %d scalars after the verify step, want 6", len(probes))
	}
	for i := 0; i < 10 && !h.board.Complete(); i++ {
		in := h.next(false)
		var b Bundle
		if err := in.DecodeBody(&b); err != nil {
			t.Fatal(err)
		}
		if b.Step == StepConfirm {
			if _, err := a.StepCached(in, h.cache, failingReader{}); err == nil {
				t.Fatal("a confirm step without randomness succeeded")
			}
			if a.opened != nil || a.pedersenAt != nil {
				t.Fatal("a failed confirm step left the kept share pairs in memory")
			}
			for _, s := range probes {
				if s.Equal(group.NewScalar()) != 1 {
					t.Fatal("a failed confirm step dropped a kept share pair without wiping it")
				}
			}
			if _, err := a.StepCached(in, h.cache, rand.Reader); err != nil {
				t.Fatalf("member 1 cannot confirm after a failed attempt: %v", err)
			}
		}
		h.stepAll(in)
	}
	if !h.board.Complete() {
		t.Fatal("the ceremony did not complete")
	}
}

// A kept share pair serves only the deal it was opened from, by that
// deal's ID: another deal in the dealer's name (a coordinator who shows
// members different deals from one step to the next) is opened afresh
// and its own pair checked, never given the pair kept from the first, at
// the verify step's batch, the confirm step's and the recover step's
// one-by-one opening alike.
func TestKeptPairOnlyForItsDeal(t *testing.T) {
	h := newHarness(t, 3, 2, false)
	h.stepAll(h.next(false)) // the manifest
	verify := h.next(false)
	h.stepAll(verify)
	st, _, _, err := ReplayBundle(verify)
	if err != nil {
		t.Fatal(err)
	}
	a := h.byIndex(1).sec
	d := st.deals[2]
	kept := a.opened[d.id]
	if kept == nil {
		t.Fatal("member 1 kept no pair from member 2's deal")
	}
	truth := sharePair{group.NewScalar().Set(kept.s), group.NewScalar().Set(kept.blind)}
	// Poison the kept pair: whatever reads it under this deal's ID gets it.
	kept.s.SetUint64(1)
	kept.blind.SetUint64(2)
	if got := a.openedShares(st, []uint64{2})[2]; got == nil || got.s.Equal(kept.s) != 1 {
		t.Fatal("the kept pair is not what the deal it was opened from is given (the test's premise)")
	}
	// The same dealer's deal under another ID.
	other := *d
	other.id[0] ^= 1
	st.deals[2] = &other
	if p, reason := a.receivedShare(st, 2); p == nil || reason != 0 || p.s.Equal(truth.s) != 1 {
		t.Fatal("the one-by-one opening used a pair kept from another deal")
	}
	got := a.openedShares(st, []uint64{2})[2]
	if got == nil || got.s.Equal(truth.s) != 1 || got.blind.Equal(truth.blind) != 1 {
		t.Fatal("a pair kept from one deal was given for another deal of the same dealer")
	}
}
