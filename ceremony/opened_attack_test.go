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
