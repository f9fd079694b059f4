package ceremony

import (
	"bytes"
	"crypto/rand"
	"testing"
	"time"
)

// An answer is always the decryption of the body its envelope holds when
// Answer runs, never of the A_k that Summarize kept for another body: a
// body swapped or rewritten in place after Summarize, a copy of the
// envelope given another body, and a body swapped back. Each answer must
// name its own request and verify against that request's ciphertexts
// (an answer made of the other request's points, under this request's
// name, would not), and the kept A_k of each body serve that body.
func TestAnswerUsesPointsOfItsOwnBody(t *testing.T) {
	h := newHarness(t, 3, 2, false)
	h.runToComplete()
	one := h.request("one", []uint64{1, 2, 2})
	two := h.request("two", []uint64{2, 1, 1})
	if len(one.Body) != len(two.Body) {
		t.Fatal("the two requests should have bodies of the same length")
	}
	body1 := append([]byte(nil), one.Body...)
	body2 := append([]byte(nil), two.Body...)
	sec := h.sec(2)
	qual, _ := h.board.Qualified()
	yj := h.board.VerificationKey(qual, 2)
	check := func(what string, e *Envelope, want *Envelope) {
		t.Helper()
		ans, err := sec.Answer(e, time.Now().Unix(), rand.Reader)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		var a Answer
		if err := ans.DecodeBody(&a); err != nil {
			t.Fatal(err)
		}
		rid := want.ID()
		if !bytes.Equal(a.Request, rid[:]) {
			t.Fatalf("%s: the answer names another request than the body it was made from", what)
		}
		var r Request
		if err := want.DecodeBody(&r); err != nil {
			t.Fatal(err)
		}
		if err := verifyPartialBytes(yj, h.board.ID, rid, 2, r.Ciphertexts, a.Shares, a.Proof); err != nil {
			t.Fatalf("%s: the answer is not a decryption of its request: %v", what, err)
		}
	}
	fresh := func(body []byte) *Envelope {
		e := &Envelope{Version: one.Version, Kind: one.Kind, Ceremony: one.Ceremony, Sender: one.Sender,
			Body: append([]byte(nil), body...)}
		return e
	}

	// The body swapped for another after Summarize.
	e := fresh(body1)
	if _, err := Summarize(e); err != nil {
		t.Fatal(err)
	}
	e.Body = append([]byte(nil), body2...)
	check("a body swapped after Summarize", e, two)

	// The body rewritten in place after Summarize (the same slice).
	e = fresh(body1)
	if _, err := Summarize(e); err != nil {
		t.Fatal(err)
	}
	copy(e.Body, body2)
	check("a body rewritten in place after Summarize", e, two)

	// A copy of a summarized envelope (it shares what Summarize kept)
	// given another body; then the original.
	e = fresh(body1)
	if _, err := Summarize(e); err != nil {
		t.Fatal(err)
	}
	c := *e
	c.Body = append([]byte(nil), body2...)
	check("a copy of the envelope with another body", &c, two)
	check("the original after its copy answered", e, one)

	// Summarized with one body, then the other, then back.
	e = fresh(body1)
	if _, err := Summarize(e); err != nil {
		t.Fatal(err)
	}
	e.Body = append([]byte(nil), body2...)
	if _, err := Summarize(e); err != nil {
		t.Fatal(err)
	}
	copy(e.Body, body1)
	check("a body summarized, swapped and swapped back", e, one)

	// Two envelopes sharing one body slice, both summarized, then the
	// shared bytes rewritten: each answers for what it now holds.
	shared := append([]byte(nil), body1...)
	e, f := fresh(nil), fresh(nil)
	e.Body, f.Body = shared, shared
	if _, err := Summarize(e); err != nil {
		t.Fatal(err)
	}
	if _, err := Summarize(f); err != nil {
		t.Fatal(err)
	}
	copy(shared, body2)
	check("an envelope whose shared body was rewritten", e, two)
	check("the other envelope sharing it", f, two)
}
