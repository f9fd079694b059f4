package ceremony

import (
	"bytes"
	"crypto/rand"
	"testing"
)

// refMarshal and refStrict are the general encoder and strict decoder
// (encMode, decMode), which marshal and unmarshalStrict no longer use for
// these four types.
func refMarshal(v any) []byte {
	b, err := encMode.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func refStrict(b []byte, v any) error {
	if err := decMode.Unmarshal(b, v); err != nil {
		return err
	}
	if !bytes.Equal(refMarshal(v), b) {
		return errNotDeterministic
	}
	return nil
}

// FuzzCBORView holds the zero-copy strict reader and the exact-size
// encoders (cborview.go) to the general strict decoder and encoder: for
// every input, both accept or both refuse, what they accept is the same,
// and the exact-size encoding of what was read is the input.
func FuzzCBORView(f *testing.F) {
	f.Add(refMarshal(&Envelope{Version: 1, Kind: KindRequest, Ceremony: make([]byte, 32), Body: []byte{1, 2}}))
	f.Add(refMarshal(&Envelope{Version: 1, Kind: KindAnswer, Ceremony: make([]byte, 32), Sender: 300, Body: make([]byte, 70000), Signature: make([]byte, 64)}))
	f.Add(refMarshal(&Request{Label: "élection", Kind: RequestTally, Options: 2, Bound: 1 << 40, Close: -5, Ciphertexts: make([]byte, 128)}))
	f.Add(refMarshal(&Request{Label: "x", Kind: RequestBallots, Options: 300, Bound: 70000, Close: 1 << 33}))
	f.Add(refMarshal(&Answer{Request: make([]byte, 32), Shares: make([]byte, 64), Proof: make([]byte, 64)}))
	f.Add(refMarshal(&Result{Request: make([]byte, 32), Answers: [][]byte{make([]byte, 32), {}}, Plaintexts: []uint64{0, 23, 24, 255, 256, 1 << 40}}))
	f.Add(refMarshal(&Result{}))
	f.Add([]byte{0x83, 0x40, 0x40, 0xf6})
	f.Add([]byte{0x86, 0x01, 0x7f, 0xff, 0x40, 0x00, 0x40, 0x40})
	f.Fuzz(func(t *testing.T, b []byte) {
		var e1, e2 Envelope
		err1, err2 := refStrict(b, &e1), viewEnvelope(b, &e2)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("envelope %x: general decoder %v, view %v", b, err1, err2)
		}
		if err1 == nil && !bytes.Equal(refMarshal(&e1), refMarshal(&e2)) {
			t.Fatalf("envelope %x: the two decoders read different values", b)
		}
		if err1 == nil && !bytes.Equal(writeEnvelope(&e2), b) {
			t.Fatalf("envelope %x: the exact-size encoder writes %x", b, writeEnvelope(&e2))
		}
		if err1 == nil && envelopeID(&e2) != newTranscript(tagMessage).bytes(b).id() {
			t.Fatalf("envelope %x: its ID is not the hash of its encoding", b)
		}
		var q1, q2 Request
		err1, err2 = refStrict(b, &q1), viewRequest(b, &q2)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("request %x: general decoder %v, view %v", b, err1, err2)
		}
		if err1 == nil && !bytes.Equal(refMarshal(&q1), refMarshal(&q2)) {
			t.Fatalf("request %x: the two decoders read different values", b)
		}
		if err1 == nil && !bytes.Equal(writeRequest(&q2), b) {
			t.Fatalf("request %x: the exact-size encoder writes %x", b, writeRequest(&q2))
		}
		var a1, a2 Answer
		err1, err2 = refStrict(b, &a1), viewAnswer(b, &a2)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("answer %x: general decoder %v, view %v", b, err1, err2)
		}
		if err1 == nil && !bytes.Equal(refMarshal(&a1), refMarshal(&a2)) {
			t.Fatalf("answer %x: the two decoders read different values", b)
		}
		if err1 == nil && !bytes.Equal(writeAnswer(&a2), b) {
			t.Fatalf("answer %x: the exact-size encoder writes %x", b, writeAnswer(&a2))
		}
		var r1, r2 Result
		err1, err2 = refStrict(b, &r1), viewResult(b, &r2)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("result %x: general decoder %v, view %v", b, err1, err2)
		}
		if err1 == nil && !bytes.Equal(refMarshal(&r1), refMarshal(&r2)) {
			t.Fatalf("result %x: the two decoders read different values", b)
		}
		if err1 == nil && !bytes.Equal(writeResult(&r2), b) {
			t.Fatalf("result %x: the exact-size encoder writes %x", b, writeResult(&r2))
		}
		r3, pts, n, err3 := viewResultHeads(b)
		if (err1 == nil) != (err3 == nil) {
			t.Fatalf("result %x: general decoder %v, heads %v", b, err1, err3)
		}
		if err1 == nil {
			v := cborView{b: pts}
			for k := range n {
				if v.uint() != r1.Plaintexts[k] {
					t.Fatalf("result %x: plaintext %d read otherwise from its encoding", b, k+1)
				}
			}
			if n != len(r1.Plaintexts) || len(v.b) != 0 || v.err != nil || !bytes.Equal(r3.Request, r1.Request) || len(r3.Answers) != len(r1.Answers) {
				t.Fatalf("result %x: its heads read otherwise", b)
			}
		}
	})
}

// TestSummarizeRemembers checks that a second Summarize of the same
// request does not check it again, and that a changed envelope is.
func TestSummarizeRemembers(t *testing.T) {
	h := newHarness(t, 3, 2, false)
	h.runToComplete()
	y := electionKey(t, h.board)
	ct, _ := Encrypt(y, 1, rand.Reader)
	req, err := h.board.NewRequest("t", RequestBallots, 1, 1, ct)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Summarize(req); err != nil {
		t.Fatal(err)
	}
	if req.checked == nil {
		t.Fatal("Summarize did not remember what it checked")
	}
	req.Body = bytes.Clone(req.Body)
	req.Body[len(req.Body)-1] ^= 0xff // the B half of the ciphertext, now invalid (or another element)
	sum, err := Summarize(req)
	if err == nil && sum.Hash == CiphertextsHash(ct) {
		t.Fatal("a changed request was not checked again")
	}
}
