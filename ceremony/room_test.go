package ceremony

import (
	"crypto/rand"
	"testing"
)

// TestOutcomeRoomFingerprints: from the open step on, every member's
// outcome carries the QUAL hash's fingerprint the board computes, and at
// the confirm step the transcript's, the one its confirmation signs
// (docs/protocol.md §6.5, §6.7): these are what the room compares.
func TestOutcomeRoomFingerprints(t *testing.T) {
	h := newHarness(t, 4, 2, false)
	h.stepAll(h.next(false)) // the manifest: everyone deals
	silent := h.parties[2]   // qualified, but does not open: rebuilt
	seen := map[string]int{}
	for i := 0; i < 10 && !h.board.Complete(); i++ {
		in := h.next(true)
		var b Bundle
		if err := in.DecodeBody(&b); err != nil {
			t.Fatal(err)
		}
		for _, p := range h.parties {
			if p == silent && (b.Step == StepOpen || b.Step == StepRecover || b.Step == StepConfirm) {
				continue
			}
			out, err := p.sec.Step(in, rand.Reader)
			if err != nil {
				t.Fatalf("%s at %s: %v", p.name, b.Step, err)
			}
			switch b.Step {
			case StepVerify:
				if out.Qual != "" || out.Transcript != "" {
					t.Fatalf("verify step: QUAL %q, transcript %q before QUAL is fixed", out.Qual, out.Transcript)
				}
			case StepOpen, StepRecover, StepConfirm:
				if want := h.board.QualHash().Fingerprint(); out.Qual != want {
					t.Fatalf("%s at %s: QUAL %s, the board %s", p.name, b.Step, out.Qual, want)
				}
			}
			if b.Step == StepConfirm {
				var c Confirm
				if err := out.Out.DecodeBody(&c); err != nil {
					t.Fatal(err)
				}
				qual, _ := h.board.Qualified()
				if out.Transcript == "" || out.Transcript != Fingerprint(c.Transcript) || out.Transcript != h.board.Transcript(qual).Fingerprint() {
					t.Fatalf("%s: transcript %q, confirmed %s", p.name, out.Transcript, Fingerprint(c.Transcript))
				}
			} else if out.Transcript != "" {
				t.Fatalf("%s at %s: a transcript before the confirm step", p.name, b.Step)
			}
			seen[b.Step]++
			if out.Out != nil {
				h.add(out.Out)
			}
		}
	}
	if !h.board.Complete() || seen[StepOpen] == 0 || seen[StepRecover] == 0 || seen[StepConfirm] == 0 {
		t.Fatalf("steps answered: %v, complete %v", seen, h.board.Complete())
	}
}
