package ceremony

import (
	"bytes"
	"testing"

	"conclave/ceremony/group"
)

// The share pairs a member opens at the verify step are kept in memory for
// its confirm step in the same process, never in its sealed secrets, and
// wiped when it confirms or is wiped (docs/protocol.md §6.9).
func TestOpenedSharesKeptInMemoryOnly(t *testing.T) {
	h := newHarness(t, 4, 3, false)
	h.stepAll(h.next(false)) // the manifest: every member deals
	h.stepAll(h.next(false)) // the verify bundle: every member opens its shares
	for _, p := range h.parties {
		if len(p.sec.Complaints) == 0 {
			t.Fatalf("%s did not answer the verify step", p.name)
		}
		if len(p.sec.opened) != 3 {
			t.Fatalf("%s keeps %d opened share pairs after the verify step, want 3", p.name, len(p.sec.opened))
		}
		if len(p.sec.pedersenAt) != 3 {
			t.Fatalf("%s keeps %d evaluated commitments after the verify step, want 3", p.name, len(p.sec.pedersenAt))
		}
	}
	// Sealing does not carry them: the encoding is the one without them.
	a := h.byIndex(1).sec
	kept := a.opened
	b1 := a.Marshal()
	a.opened = nil
	b2 := a.Marshal()
	a.opened = kept
	if !bytes.Equal(b1, b2) {
		t.Fatal("the encoding of the secrets changes with the share pairs kept in memory")
	}
	clear(b2)
	// Member 2 goes on from its keystore, as after a restart: it opens again.
	re, err := ParseSecrets(b1)
	clear(b1)
	if err != nil {
		t.Fatal(err)
	}
	if re.opened != nil {
		t.Fatal("secrets read back from their encoding hold opened share pairs")
	}
	b3 := h.byIndex(2).sec.Marshal()
	two, err := ParseSecrets(b3)
	clear(b3)
	if err != nil {
		t.Fatal(err)
	}
	re.Wipe()
	h.byIndex(2).sec.Wipe()
	h.byIndex(2).sec = two
	var probe *group.Scalar
	for _, p := range kept {
		probe = p.s
		break
	}
	h.runToComplete()
	for _, p := range h.parties {
		if p.sec.opened != nil || p.sec.pedersenAt != nil {
			t.Fatalf("%s still keeps opened share pairs or evaluated commitments after confirming", p.name)
		}
	}
	if probe.Equal(group.NewScalar()) != 1 {
		t.Fatal("a kept share pair was dropped without being wiped")
	}
	// Wipe clears them too.
	c := h.byIndex(3).sec
	c.opened = map[ID]*sharePair{{1}: {group.NewScalar().SetUint64(5), group.NewScalar().SetUint64(6)}}
	p := c.opened[ID{1}]
	c.Wipe()
	if c.opened != nil || p.s.Equal(group.NewScalar()) != 1 || p.blind.Equal(group.NewScalar()) != 1 {
		t.Fatal("Wipe leaves the kept share pairs")
	}
}
