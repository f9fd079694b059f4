package ceremony

import (
	"bytes"
	"testing"

	"conclave/ceremony/group"
)

// The A_k that Summarize decodes are kept for the answer, which then does
// not decode them again, and writes its shares in place in its encoding: the
// answer made so is byte for byte the one made by decoding the ciphertexts
// afresh and encoding the answer.
func TestAnswerUsesDecodedFromCheck(t *testing.T) {
	const n = 700 // more than one chunk
	cts := fakeCiphertexts(n)
	r := Request{Label: "kept", Kind: RequestBallots, Options: 1, Bound: 1, Close: 1, Ciphertexts: cts}
	e := newEnvelope(KindRequest, benchID[:], 0, &r)
	sum, err := Summarize(e)
	if err != nil {
		t.Fatal(err)
	}
	if e.checked == nil || e.checked.decoded == nil || e.checked.decoded.Len() != n {
		t.Fatal("Summarize did not keep the decoded A_k")
	}
	x := group.NewScalar().SetUint64(987654321)
	seed := bytes.Repeat([]byte{7}, 64)
	_, have, _ := summarize(e, true)
	if _, again, _ := summarize(e, true); have == nil || again != nil {
		t.Fatal("takeDecoded must hand the decoded A_k out once")
	}
	w := newAnswerWriter(sum.ID[:], n)
	p1, err := partialDecryptInto(w.shares, x, sum.Ceremony, sum.ID, 2, cts, have, bytes.NewReader(seed))
	if err != nil {
		t.Fatal(err)
	}
	s1 := w.shares
	body := w.finish(p1)
	if want := writeAnswer(&Answer{Request: sum.ID[:], Shares: s1, Proof: p1}); !bytes.Equal(body, want) {
		t.Fatal("the answer written in place is not the encoding of the answer")
	}
	s2, p2, err := partialDecrypt(x, sum.Ceremony, sum.ID, 2, cts, bytes.NewReader(seed))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(s1, s2) || !bytes.Equal(p1, p2) {
		t.Fatal("the answer from the kept A_k differs from the one decoding them")
	}
	yj := group.NewIdentityElement().ScalarBaseMult(x)
	if err := verifyPartialBytes(yj, sum.Ceremony, sum.ID, 2, cts, s1, p1); err != nil {
		t.Fatal(err)
	}
}

// An envelope whose body changed after Summarize does not hand out the A_k
// of the body that was checked.
func TestDecodedNotKeptAcrossChange(t *testing.T) {
	cts := fakeCiphertexts(3)
	r := Request{Label: "kept", Kind: RequestBallots, Options: 1, Bound: 1, Close: 1, Ciphertexts: cts}
	e := newEnvelope(KindRequest, benchID[:], 0, &r)
	if _, err := Summarize(e); err != nil {
		t.Fatal(err)
	}
	other := fakeCiphertexts(4)[CiphertextSize:]
	r.Ciphertexts = other
	e.Body = writeRequest(&r)
	if _, d, err := summarize(e, true); err != nil || d == nil || d.Len() != 3 {
		t.Fatal("the changed body was not checked again")
	} else if d.Get(0, group.NewIdentityElement()).Equal(mustDecode(t, other[:32])) != 1 {
		t.Fatal("the A_k of the body that was checked were handed out for another body")
	}
}

func mustDecode(t *testing.T, b []byte) *group.Element {
	t.Helper()
	e, err := group.NewIdentityElement().SetCanonicalBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// The pieces of an envelope are its encoding, and its ID is the hash of
// that encoding.
func TestEnvelopePieces(t *testing.T) {
	r := Request{Label: "pieces", Kind: RequestBallots, Options: 1, Bound: 1, Close: 1, Ciphertexts: fakeCiphertexts(30)}
	e := newEnvelope(KindRequest, benchID[:], 0, &r)
	e.Signature = bytes.Repeat([]byte{9}, 64)
	if got := bytes.Join(e.Pieces(), nil); !bytes.Equal(got, e.Bytes()) {
		t.Fatal("the pieces of an envelope are not its encoding")
	}
	if e.ID() != newTranscript(tagMessage).bytes(e.Bytes()).id() {
		t.Fatal("the message ID is not the hash of the encoding")
	}
}
