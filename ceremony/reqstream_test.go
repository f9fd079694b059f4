package ceremony

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

// zeroRand makes the proof's nonce the same in two answers, so that they
// can be compared byte for byte.
func zeroRand() io.Reader { return bytes.NewReader(make([]byte, 1024)) }

// A request read in chunks from its file is summed up as Summarize sums up
// the request read whole, and answered byte for byte as Secrets.Answer
// answers it: at chunk sizes that divide the request or not, a request
// smaller than one chunk, and the default chunk size.
func TestRequestFileAnswersAsAnswer(t *testing.T) {
	h := newHarness(t, 3, 2, false)
	h.runToComplete()
	now := time.Now().Unix()
	qual, _ := h.board.Qualified()
	cases := []struct{ n, chunk int }{{1, 100}, {99, 100}, {100, 100}, {101, 100}, {1000, 100}, {700, 512}, {streamChunk + 5, streamChunk}}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.n, "/", c.chunk), func(t *testing.T) {
			req, err := h.board.NewRequest("chunks", RequestBallots, 1, 1, fakeCiphertexts(c.n))
			if err != nil {
				t.Fatal(err)
			}
			enc := req.Bytes()
			whole, err := ParseEnvelope(enc)
			if err != nil {
				t.Fatal(err)
			}
			want, err := Summarize(whole)
			if err != nil {
				t.Fatal(err)
			}
			f, err := openRequest(bytes.NewReader(enc), int64(len(enc)), c.chunk)
			if err != nil {
				t.Fatal(err)
			}
			if f.Summary() != want {
				t.Fatalf("summary %+v, want %+v", f.Summary(), want)
			}
			j := uint64(2)
			sec := h.sec(j)
			a1, err := sec.Answer(whole, now, zeroRand())
			if err != nil {
				t.Fatal(err)
			}
			a2, err := sec.AnswerFile(f, now, zeroRand())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a1.Bytes(), a2.Bytes()) {
				t.Fatal("the answer read in chunks differs from the answer read whole")
			}
			var a Answer
			if err := a2.DecodeBody(&a); err != nil {
				t.Fatal(err)
			}
			var r Request
			if err := whole.DecodeBody(&r); err != nil {
				t.Fatal(err)
			}
			if err := verifyPartialBytes(h.board.VerificationKey(qual, j), h.board.ID, want.ID, j, r.Ciphertexts, a.Shares, a.Proof); err != nil {
				t.Fatalf("the answer does not verify: %v", err)
			}
		})
	}
}

// swapFile is a file whose content is replaced by another after a given
// number of reads of the ciphertexts (reads past the first streamHeadMax
// bytes and before the tail).
type swapFile struct {
	mu     sync.Mutex
	b      []byte
	other  []byte
	after  int // reads of the ciphertexts before the swap
	reads  int
	cutTo  int // when other is nil: the length the file is cut to
	ctFrom int64
}

func (s *swapFile) ReadAt(p []byte, off int64) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if off == s.ctFrom || (off > s.ctFrom && len(p) > 1) {
		if s.reads == s.after {
			if s.other != nil {
				s.b = s.other
			} else {
				s.b = s.b[:s.cutTo]
			}
		}
		s.reads++
	}
	return bytes.NewReader(s.b).ReadAt(p, off)
}

// A coordinator who swaps the request file for another of the same size
// while the member types the passphrase (between the first pass, which
// checked and showed it, and the answer), or during the answer's passes,
// would obtain x_j·A'_k for points never checked nor shown: the answer is
// refused, with ErrRequestChanged, before any share leaves. A file cut
// during the answer is refused too.
func TestRequestFileChangedBetweenPasses(t *testing.T) {
	h := newHarness(t, 3, 2, false)
	h.runToComplete()
	now := time.Now().Unix()
	const n, chunk = 300, 100 // three reads of the ciphertexts per pass
	one, err := h.board.NewRequest("chunks", RequestBallots, 1, 1, fakeCiphertexts(n))
	if err != nil {
		t.Fatal(err)
	}
	cts := fakeCiphertexts(n + 1)[CiphertextSize:] // other valid points, same size
	two, err := h.board.NewRequest("chunks", RequestBallots, 1, 1, cts)
	if err != nil {
		t.Fatal(err)
	}
	enc1, enc2 := one.Bytes(), two.Bytes()
	if len(enc1) != len(enc2) || bytes.Equal(enc1, enc2) {
		t.Fatal("the two requests should differ and be of the same size")
	}
	ctFrom := int64(bytes.Index(enc1, fakeCiphertexts(1)))
	sec := h.sec(1)
	for _, after := range []int{3, 4, 5, 6, 7, 8} { // 3: between the passes; 4, 5: in pass 2; 6: before pass 3; 7, 8: in pass 3
		for _, cut := range []bool{false, true} {
			s := &swapFile{b: enc1, other: enc2, after: after, ctFrom: ctFrom}
			if cut {
				s.other, s.cutTo = nil, len(enc1)-CiphertextSize
			}
			f, err := openRequest(s, int64(len(enc1)), chunk)
			if err != nil {
				t.Fatal(err)
			}
			if f.Summary().ID != one.ID() {
				t.Fatal("the first pass did not read the first request")
			}
			a, err := sec.AnswerFile(f, now, zeroRand())
			if a != nil || err == nil {
				t.Fatalf("swap after read %d (cut %v): the changed file was answered", after, cut)
			}
			if !cut && !errors.Is(err, ErrRequestChanged) {
				t.Fatalf("swap after read %d: %v, want ErrRequestChanged", after, err)
			}
			if cut && errors.Is(err, ErrRequestChanged) {
				t.Fatalf("cut after read %d: %v, want the short read", after, err)
			}
		}
	}
	// The file unchanged, read the same way: answered.
	s := &swapFile{b: enc1, other: enc1, after: 3, ctFrom: ctFrom}
	f, err := openRequest(s, int64(len(enc1)), chunk)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sec.AnswerFile(f, now, zeroRand()); err != nil {
		t.Fatal(err)
	}
}

// A file cut anywhere, or grown by a byte, is refused when it is opened,
// as ParseEnvelope refuses it; so is a request whose ciphertext is not a
// group element.
func TestRequestFileTruncated(t *testing.T) {
	h := newHarness(t, 3, 2, false)
	h.runToComplete()
	req, err := h.board.NewRequest("chunks", RequestBallots, 1, 1, fakeCiphertexts(20))
	if err != nil {
		t.Fatal(err)
	}
	enc := req.Bytes()
	for cut := 0; cut < len(enc); cut++ {
		b := enc[:cut]
		if _, err := openRequest(bytes.NewReader(b), int64(len(b)), 7); err == nil {
			t.Fatalf("a request cut to %d of its %d bytes was accepted", cut, len(enc))
		}
	}
	if _, err := openRequest(bytes.NewReader(enc), int64(len(enc))+1, 7); err == nil {
		t.Fatal("a file shorter than its stated size was accepted")
	}
	grown := append(append([]byte(nil), enc...), 0)
	if _, err := openRequest(bytes.NewReader(grown), int64(len(grown)), 7); err == nil {
		t.Fatal("a request followed by a byte was accepted")
	}
	bad := append([]byte(nil), enc...)
	at := bytes.Index(bad, fakeCiphertexts(20)) + 13*CiphertextSize + CiphertextSize - 1
	bad[at] |= 0x80 // a field element of 2^255 or more: not canonical
	if e, err := ParseEnvelope(bad); err != nil {
		t.Fatal(err)
	} else if _, err := Summarize(e); err == nil {
		t.Fatal("the test's invalid ciphertext is valid")
	}
	if _, err := openRequest(bytes.NewReader(bad), int64(len(bad)), 7); err == nil {
		t.Fatal("a request with an invalid ciphertext was accepted")
	}
}

// FuzzRequestFile holds the streaming reader to ParseEnvelope and
// Summarize: the same decision on every file, and the same summary.
func FuzzRequestFile(f *testing.F) {
	ceremony := bytes.Repeat([]byte{7}, 32)
	add := func(r *Request) {
		f.Add(NewEnvelope(KindRequest, ceremony, 0, r).Bytes())
	}
	add(&Request{Label: "élection", Kind: RequestBallots, Options: 3, Bound: 3, Close: -5, Ciphertexts: fakeCiphertexts(3)})
	add(&Request{Label: "t", Kind: RequestTally, Options: 2, Bound: 1000, Close: 1 << 33, Ciphertexts: fakeCiphertexts(2)})
	add(&Request{Label: "x", Kind: RequestBallots, Options: 1, Bound: 1, Ciphertexts: fakeCiphertexts(1)[:63]})
	add(&Request{Label: "", Kind: RequestBallots, Options: 1, Bound: 1, Ciphertexts: fakeCiphertexts(1)})
	add(&Request{Label: "x", Kind: RequestBallots, Options: 1, Bound: 1, Ciphertexts: make([]byte, 64)})
	f.Add(NewEnvelope(KindAnswer, ceremony, 1, &Answer{Request: ceremony}).Bytes())
	signed := NewEnvelope(KindRequest, ceremony, 0, &Request{Label: "s", Kind: RequestBallots, Options: 1, Bound: 1, Ciphertexts: fakeCiphertexts(1)})
	signed.Signature = make([]byte, 64)
	f.Add(signed.Bytes())
	add(&Request{Label: strings.Repeat("é", MaxTitle), Kind: RequestBallots, Options: 1, Bound: 1, Ciphertexts: fakeCiphertexts(2)})
	add(&Request{Label: strings.Repeat("x", streamHeadMax+10), Kind: RequestBallots, Options: 1, Bound: 1, Ciphertexts: fakeCiphertexts(2)})
	f.Add([]byte{})
	f.Add([]byte{0x86, 0x01, 0x67})
	f.Fuzz(func(t *testing.T, b []byte) {
		var want RequestSummary
		e, err1 := ParseEnvelope(b)
		if err1 == nil {
			want, err1 = Summarize(e)
		}
		r, err2 := openRequest(bytes.NewReader(b), int64(len(b)), 2)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("%x: read whole %v, in chunks %v", b, err1, err2)
		}
		if err1 == nil && r.Summary() != want {
			t.Fatalf("%x: summary %+v, want %+v", b, r.Summary(), want)
		}
	})
}
