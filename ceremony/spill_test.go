package ceremony

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"conclave/ceremony/group"
)

// verifyPartialBytes is verifyPartial of an answer held in memory.
func verifyPartialBytes(yj *group.Element, ceremony, request ID, j uint64, ciphertexts, shares, proofBytes []byte) error {
	return verifyPartial(yj, ceremony, request, j, strand{b: ciphertexts, unit: CiphertextSize}, len(ciphertexts)/CiphertextSize,
		strand{b: shares, unit: group.ElementSize}, proofBytes)
}

// memSource is a Source in memory: every Open reads the bytes that change
// returns for that open (the first is 1), or the same bytes.
type memSource struct {
	mu     sync.Mutex
	b      []byte
	opens  int
	change func(open int, b []byte) []byte
}

func (m *memSource) Open() (SourceFile, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.opens++
	if m.change != nil {
		m.b = m.change(m.opens, m.b)
	}
	return nopCloser{bytes.NewReader(m.b)}, nil
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

// spill opens e's encoding as a file read in chunks.
func spill(t testing.TB, e *Envelope, change func(int, []byte) []byte) *Envelope {
	t.Helper()
	b := e.Bytes()
	s := &memSource{b: b, change: change}
	out, err := OpenMessage(s, int64(len(b)))
	if err != nil {
		t.Fatalf("OpenMessage of a %s: %v", e.Kind, err)
	}
	if out.ID() != e.ID() {
		t.Fatalf("OpenMessage of a %s: ID %s, want %s", e.Kind, out.ID().Fingerprint(), e.ID().Fingerprint())
	}
	return out
}

// ballotsFor encrypts one ballot per entry of votes under st's key.
func ballotsFor(t testing.TB, st *State, votes []uint64) []byte {
	t.Helper()
	y := electionKey(t, st)
	var cts []byte
	for _, v := range votes {
		ct, err := Encrypt(y, v, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		cts = append(cts, ct...)
	}
	return cts
}

func smallChunks(t *testing.T, n int) {
	old := strandChunk
	strandChunk = n
	t.Cleanup(func() { strandChunk = old })
}

// A board that reads its requests and answers in chunks from their files
// (OpenMessage) says and decides exactly what a board holding them says:
// the same texts, the same valid and invalid answers, the same result,
// byte for byte, and the same verification report; at chunk sizes that
// divide the request or not.
func TestSpilledBoardAsInMemory(t *testing.T) {
	h := newHarness(t, 4, 2, false)
	h.runToComplete()
	votes := make([]uint64, 37)
	for k := range votes {
		votes[k] = uint64(k%3 + 1)
	}
	req, err := h.board.NewRequest("spill", RequestBallots, 3, 3, ballotsFor(t, h.board, votes))
	if err != nil {
		t.Fatal(err)
	}
	h.add(req)
	var answers []*Envelope
	for _, j := range []uint64{1, 3, 4} {
		answers = append(answers, h.answer(j, req))
	}
	// Member 3's answer, with one share changed and signed again: signed,
	// but not a correct decryption.
	var a Answer
	if err := answers[1].DecodeBody(&a); err != nil {
		t.Fatal(err)
	}
	a.Shares = bytes.Clone(a.Shares)
	copy(a.Shares[5*32:], group.NewGeneratorElement().Bytes())
	bad := NewEnvelope(KindAnswer, answers[1].Ceremony, 3, &a)
	h.sec(3).sign(bad)
	answers[1] = bad
	for _, chunk := range []int{1, 5, 16, 37, 100} {
		t.Run(fmt.Sprint(chunk), func(t *testing.T) {
			smallChunks(t, chunk)
			replay := func(spilled bool) (*State, []string) {
				st := NewState()
				var texts []string
				for _, e := range append(h.board.Messages()[:0:0], h.board.Messages()...) {
					if e.Kind == KindRequest || e.Kind == KindAnswer || e.Kind == KindResult {
						continue
					}
					if _, err := st.Add(e); err != nil {
						t.Fatal(err)
					}
				}
				for _, e := range append([]*Envelope{req}, answers...) {
					if spilled {
						e = spill(t, e, nil)
					}
					text, err := st.Add(e)
					if err != nil {
						t.Fatal(err)
					}
					texts = append(texts, text.String())
				}
				return st, texts
			}
			mem, memTexts := replay(false)
			sp, spTexts := replay(true)
			if !slices.Equal(memTexts, spTexts) {
				t.Fatalf("texts in chunks:\n%q\nheld:\n%q", spTexts, memTexts)
			}
			v1, inv1 := mem.AnswerStatus(req.ID())
			v2, inv2 := sp.AnswerStatus(req.ID())
			if !slices.Equal(v1, v2) || len(inv1) != 1 || len(inv2) != 1 || inv1[3].Error() != inv2[3].Error() {
				t.Fatalf("answers: held %v %v, in chunks %v %v", v1, inv1, v2, inv2)
			}
			r1, pts, err := mem.Combine(req.ID())
			if err != nil {
				t.Fatal(err)
			}
			r2, _, err := sp.Combine(req.ID())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(r1.Bytes(), r2.Bytes()) || !slices.Equal(pts, votes) {
				t.Fatalf("results differ, or are not the votes: %v", pts)
			}
			if _, err := sp.Add(r2); err != nil {
				t.Fatal(err)
			}
			sum, _ := sp.RequestSummary(req.ID())
			want, _ := Summarize(req)
			if sum != want {
				t.Fatalf("summary %+v, want %+v", sum, want)
			}
			// Verify, with the request and answers as files.
			var held, files []RecordFile
			for _, e := range append(mem.Messages(), r1) {
				held = append(held, RecordFile{Name: string(e.Kind), Data: e.Bytes()})
				f := RecordFile{Name: string(e.Kind), Data: e.Bytes()}
				if e.Kind == KindRequest || e.Kind == KindAnswer {
					b := e.Bytes()
					f = RecordFile{Name: f.Name, Source: &memSource{b: b}, Size: int64(len(b))}
				}
				files = append(files, f)
			}
			rep1, rep2 := Verify(held), Verify(files)
			if !rep1.OK() || len(rep1.Checks) != len(rep2.Checks) {
				t.Fatalf("verify: held %v, in chunks %v", rep1.Checks, rep2.Checks)
			}
			for k := range rep1.Checks {
				if rep1.Checks[k].OK != rep2.Checks[k].OK || rep1.Checks[k].Text.String() != rep2.Checks[k].Text.String() {
					t.Fatalf("check %d: held %v, in chunks %v", k, rep1.Checks[k], rep2.Checks[k])
				}
			}
			id1, _, err1 := RecordID(held)
			id2, _, err2 := RecordID(files)
			if id1 != id2 || err1 != nil || err2 != nil {
				t.Fatalf("record IDs differ (%v, %v)", err1, err2)
			}
			// Written out, it is the message.
			var out bytes.Buffer
			s := spill(t, answers[0], nil)
			if _, err := s.WriteTo(&out); err != nil || !bytes.Equal(out.Bytes(), answers[0].Bytes()) || s.Size() != int64(out.Len()) {
				t.Fatalf("WriteTo: %v", err)
			}
		})
	}
}

// plusOne adds G to every B_k of the ciphertexts of a request's encoding
// (which follow its heads to the end of its body): the same A_k, each
// plaintext one more.
func plusOne(t testing.TB, enc []byte, n int) []byte {
	t.Helper()
	out := bytes.Clone(enc)
	start := len(enc) - 1 - n*CiphertextSize // then the empty signature (one byte)
	for k := 0; k < n; k++ {
		b := out[start+k*CiphertextSize+32 : start+(k+1)*CiphertextSize]
		p, err := group.NewIdentityElement().SetCanonicalBytes(b)
		if err != nil {
			t.Fatal(err)
		}
		copy(b, p.Add(p, group.NewGeneratorElement()).Bytes())
	}
	return out
}

// A coordinator (or anyone who can write to the folder while a board or a
// verifier reads it) who changes a request's or an answer's file between
// the passes made over it would have the board judge bytes that no pass
// checked: an honest member's answer found "not a correct decryption", or
// a tally counted from other ciphertexts than the request that was
// checked and shown. Every pass hashes the whole file to its message ID:
// the change is refused (ErrMessageChanged), and nothing is judged.
func TestSpilledFileChangedBetweenPasses(t *testing.T) {
	smallChunks(t, 8)
	h := newHarness(t, 3, 2, false)
	h.runToComplete()
	votes := []uint64{1, 2, 1, 1, 2, 2, 1, 2, 1, 1, 1, 2, 2, 1, 2, 1, 1, 2, 2, 1}
	n := len(votes)
	req, err := h.board.NewRequest("changed", RequestBallots, 3, 3, ballotsFor(t, h.board, votes))
	if err != nil {
		t.Fatal(err)
	}
	a1, a2 := h.answer(1, req), h.answer(2, req)
	// from returns a change that swaps the file for other from the given
	// open on (the first open is OpenMessage's own pass).
	from := func(open int, other []byte) func(int, []byte) []byte {
		return func(k int, b []byte) []byte {
			if k >= open {
				return other
			}
			return b
		}
	}
	base := func() *State {
		st := NewState()
		for _, e := range h.board.Messages() {
			if kindRank[e.Kind] < kindRank[KindRequest] {
				if _, err := st.Add(e); err != nil {
					t.Fatal(err)
				}
			}
		}
		return st
	}
	changed := func(t *testing.T, what string, err error) {
		t.Helper()
		if !errors.Is(err, ErrMessageChanged) {
			t.Fatalf("%s: %v, want ErrMessageChanged", what, err)
		}
	}
	other := plusOne(t, req.Bytes(), n)
	t.Run("request before its check", func(t *testing.T) {
		st := base()
		_, err := st.Add(spill(t, req, from(2, other)))
		changed(t, "request", err)
	})
	t.Run("request before an answer's check", func(t *testing.T) {
		st := base()
		if _, err := st.Add(spill(t, req, from(3, other))); err != nil {
			t.Fatal(err)
		}
		_, err := st.Add(a1)
		changed(t, "answer", err)
		if valid, invalid := st.AnswerStatus(req.ID()); len(valid)+len(invalid) != 0 {
			t.Fatalf("the answer was judged: valid %v, invalid %v", valid, invalid)
		}
	})
	t.Run("request before the count", func(t *testing.T) {
		st := base()
		r := spill(t, req, nil)
		if _, err := st.Add(r); err != nil {
			t.Fatal(err)
		}
		for _, a := range []*Envelope{a1, a2} {
			if _, err := st.Add(a); err != nil {
				t.Fatal(err)
			}
		}
		r.spill.src.(*memSource).b = other
		_, pts, err := st.Combine(req.ID())
		changed(t, fmt.Sprintf("count (%v)", pts), err)
	})
	t.Run("answer", func(t *testing.T) {
		for _, open := range []int{2, 3} { // its weights' pass, its composite's
			st := base()
			if _, err := st.Add(req); err != nil {
				t.Fatal(err)
			}
			enc := a1.Bytes()
			forged := bytes.Clone(enc)
			forged[len(enc)/2] ^= 1 // a share
			_, err := st.Add(spill(t, a1, from(open, forged)))
			changed(t, fmt.Sprint("answer at open ", open), err)
		}
	})
	t.Run("answer before the count", func(t *testing.T) {
		st := base()
		if _, err := st.Add(req); err != nil {
			t.Fatal(err)
		}
		s1 := spill(t, a1, nil)
		for _, a := range []*Envelope{s1, a2} {
			if _, err := st.Add(a); err != nil {
				t.Fatal(err)
			}
		}
		s1.spill.src.(*memSource).b = a2.Bytes()[:len(a1.Bytes())]
		_, _, err := st.Combine(req.ID())
		if !errors.Is(err, ErrMessageChanged) {
			t.Fatalf("count: %v, want ErrMessageChanged", err)
		}
	})
	t.Run("cut", func(t *testing.T) {
		st := base()
		enc := req.Bytes()
		_, err := st.Add(spill(t, req, from(2, enc[:len(enc)-100])))
		changed(t, "request", err)
	})
}

// OpenMessage decides as ParseEnvelope and DecodeBody (and, for a
// request, the check of its fields) decide on the same bytes held in
// memory, and reads the same message: the same ID, fields, signature
// input, ciphertexts hash and encoding.
func FuzzOpenMessage(f *testing.F) {
	cer := bytes.Repeat([]byte{7}, 32)
	add := func(e *Envelope) { f.Add(e.Bytes()) }
	add(NewEnvelope(KindRequest, cer, 0, &Request{Label: "élection", Kind: RequestBallots, Options: 3, Bound: 3, Close: -5, Ciphertexts: fakeCiphertexts(3)}))
	add(NewEnvelope(KindRequest, cer, 0, &Request{Label: "t", Kind: RequestTally, Options: 2, Bound: 1000, Close: 1 << 33, Ciphertexts: fakeCiphertexts(2)}))
	add(NewEnvelope(KindRequest, cer, 0, &Request{Label: "x", Kind: RequestBallots, Options: 1, Bound: 1, Ciphertexts: fakeCiphertexts(1)[:63]}))
	signed := NewEnvelope(KindAnswer, cer, 2, &Answer{Request: cer, Shares: fakeCiphertexts(2), Proof: make([]byte, ProofSize)})
	signed.Signature = make([]byte, 64)
	add(signed)
	add(NewEnvelope(KindAnswer, cer, 1, &Answer{Request: cer}))
	long := NewEnvelope(KindAnswer, cer, 2, &Answer{Request: cer, Shares: fakeCiphertexts(2), Proof: make([]byte, 2*spillTailMax)})
	long.Signature = make([]byte, 64)
	add(long) // signed, not a correct decryption: judged, not refused
	add(NewEnvelope(KindResult, cer, 0, &Result{Request: cer, Answers: [][]byte{cer}, Plaintexts: []uint64{1, 2}}))
	f.Add([]byte{})
	f.Add([]byte{0x86, 0x02, 0x67})
	f.Fuzz(func(t *testing.T, b []byte) {
		e1, err1 := ParseEnvelope(b)
		var r1 Request
		var a1 Answer
		if err1 == nil {
			switch e1.Kind {
			case KindRequest:
				if err1 = e1.DecodeBody(&r1); err1 == nil {
					err1 = checkRequestFields(&r1, uint64(len(r1.Ciphertexts)))
				}
			case KindAnswer:
				err1 = e1.DecodeBody(&a1)
			}
		}
		e2, err2 := OpenMessage(&memSource{b: b}, int64(len(b)))
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("%x: held %v, in chunks %v", b, err1, err2)
		}
		if err1 != nil {
			return
		}
		if e1.ID() != e2.ID() || !bytes.Equal(e1.signatureInput(), e2.signatureInput()) || e1.Kind != e2.Kind ||
			e1.Sender != e2.Sender || !bytes.Equal(e1.Ceremony, e2.Ceremony) || !bytes.Equal(e1.Signature, e2.Signature) {
			t.Fatalf("%x: read otherwise in chunks", b)
		}
		var out bytes.Buffer
		if _, err := e2.WriteTo(&out); err != nil || !bytes.Equal(out.Bytes(), b) || e2.Size() != int64(len(b)) {
			t.Fatalf("%x: written back as %x (%v)", b, out.Bytes(), err)
		}
		switch e1.Kind {
		case KindRequest:
			var r2 Request
			if err := e2.DecodeBody(&r2); err != nil {
				t.Fatal(err)
			}
			if r1.Label != r2.Label || r1.Kind != r2.Kind || r1.Options != r2.Options || r1.Bound != r2.Bound ||
				r1.Close != r2.Close || r2.Ciphertexts != nil || e2.spill.ctHash != CiphertextsHash(b[len(b)-1-int(e2.spill.n):len(b)-1]) {
				t.Fatalf("%x: request %+v, want %+v", b, r2, r1)
			}
		case KindAnswer:
			var a2 Answer
			if err := e2.DecodeBody(&a2); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a1.Request, a2.Request) || !bytes.Equal(a1.Proof, a2.Proof) || a2.Shares != nil ||
				e2.spill.n != int64(len(a1.Shares)) {
				t.Fatalf("%x: answer read otherwise", b)
			}
		}
	})
}

// yesCache remembers every check as passed: a check cache written by
// someone else than the board.
type yesCache struct{}

func (yesCache) Passed(ID) bool { return true }
func (yesCache) Remember(ID)    {}

// An answer of the wrong length that a wrongly remembered check let in
// makes the count refuse, not panic, in memory and in chunks.
func TestCountRefusesShortAnswerLetInByCache(t *testing.T) {
	h := newHarness(t, 3, 2, false)
	h.runToComplete()
	req, err := h.board.NewRequest("short", RequestBallots, 2, 2, ballotsFor(t, h.board, []uint64{1, 2, 2}))
	if err != nil {
		t.Fatal(err)
	}
	h.add(req)
	var a Answer
	good := h.answer(1, req)
	if err := good.DecodeBody(&a); err != nil {
		t.Fatal(err)
	}
	a.Shares = a.Shares[:32]
	short := NewEnvelope(KindAnswer, good.Ceremony, 1, &a)
	h.sec(1).sign(short)
	for _, spilled := range []bool{false, true} {
		st := NewState()
		for _, e := range h.board.Messages() {
			if _, err := st.Add(e); err != nil {
				t.Fatal(err)
			}
		}
		st.Checks = yesCache{}
		for _, e := range []*Envelope{short, h.answer(2, req)} {
			if spilled {
				e = spill(t, e, nil)
			}
			if _, err := st.Add(e); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := st.Combine(req.ID()); err == nil {
			t.Fatal("a count from an answer of one share for three ciphertexts")
		}
	}
}

// RequestFrame's head and tail around the ciphertexts are NewRequest's
// encoding, byte for byte, at sizes whose heads differ in length.
func TestRequestFrameIsNewRequest(t *testing.T) {
	h := newHarness(t, 3, 2, false)
	h.runToComplete()
	for _, n := range []int{1, 23, 24, 255, 1023, 1024, 1025} {
		cts := fakeCiphertexts(n)
		want, err := h.board.NewRequest("frame", RequestBallots, 1, 1, cts)
		if err != nil {
			t.Fatal(err)
		}
		head, tail, err := h.board.RequestFrame("frame", RequestBallots, 1, 1, n)
		if err != nil {
			t.Fatal(err)
		}
		got := append(append(head, cts...), tail...)
		if !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("%d ciphertexts: the frame differs from NewRequest's encoding", n)
		}
	}
	if _, _, err := h.board.RequestFrame("frame", RequestBallots, 1, 1, 0); err == nil {
		t.Fatal("a frame for no ciphertexts")
	}
	if _, _, err := h.board.RequestFrame("frame", RequestBallots, 1, 1, MaxCiphertexts+1); err == nil {
		t.Fatal("a frame for more ciphertexts than a request holds")
	}
}

// A member who signs an answer whose proof is not 64 bytes long (here
// longer than spillTailMax) sends an answer that is signed but not a
// correct decryption (docs/protocol.md §7.3: kept, marked invalid, and a
// record holding it verifies). Read in chunks, it was refused as "not a
// Conclave message": a board that had taken it in whole could no longer
// be opened once its file was read in chunks, and its record failed
// verify, because of one dishonest member.
func TestSpilledAnswerWithLongProof(t *testing.T) {
	h := newHarness(t, 3, 2, false)
	h.runToComplete()
	votes := []uint64{1, 2, 2, 1, 2}
	req, err := h.board.NewRequest("long proof", RequestBallots, 2, 2, ballotsFor(t, h.board, votes))
	if err != nil {
		t.Fatal(err)
	}
	h.add(req)
	for _, size := range []int{ProofSize + 1, spillTailMax, 4 * spillTailMax, 1 << 16} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			var a Answer
			if err := h.answer(2, req).DecodeBody(&a); err != nil {
				t.Fatal(err)
			}
			a.Proof = append(bytes.Clone(a.Proof), make([]byte, size-ProofSize)...)
			bad := NewEnvelope(KindAnswer, req.Ceremony, 2, &a)
			h.sec(2).sign(bad)
			good := h.answer(1, req)
			replay := func(spilled bool) (*State, []RecordFile) {
				st := NewState()
				var files []RecordFile
				for _, e := range append(h.board.Messages(), good, bad) {
					b := e.Bytes()
					f := RecordFile{Name: string(e.Kind), Data: b}
					if spilled && (e.Kind == KindRequest || e.Kind == KindAnswer) {
						f = RecordFile{Name: f.Name, Source: &memSource{b: b}, Size: int64(len(b))}
					}
					files = append(files, f)
					m, err := f.Message()
					if err != nil {
						t.Fatalf("spilled %v: %s: %v", spilled, e.Kind, err)
					}
					if _, err := st.Add(m); err != nil && !errors.Is(err, ErrDuplicate) {
						t.Fatalf("spilled %v: %s: %v", spilled, e.Kind, err)
					}
				}
				return st, files
			}
			mem, held := replay(false)
			sp, files := replay(true)
			_, inv1 := mem.AnswerStatus(req.ID())
			_, inv2 := sp.AnswerStatus(req.ID())
			if inv1[2] == nil || inv2[2] == nil || inv1[2].Error() != inv2[2].Error() {
				t.Fatalf("the answer with a proof of %d bytes: held %v, in chunks %v", size, inv1, inv2)
			}
			if rep1, rep2 := Verify(held), Verify(files); !rep1.OK() || !rep2.OK() {
				t.Fatalf("verify: held %v, in chunks %v", rep1.Checks, rep2.Checks)
			}
		})
	}
}

// Someone who can write to the folder while 'conclave verify' reads it
// makes a request's file unreadable (or changes it) once Verify has
// checked it: the record fingerprint printed next to "verifies" left the
// file out, silently, and was that of the record without the request (a
// request for single ballots hidden from an auditor who compares the
// fingerprint with the minutes). RecordID fails instead.
func TestRecordIDOfAFileChangedAfterVerify(t *testing.T) {
	h := newHarness(t, 3, 2, false)
	h.runToComplete()
	req, err := h.board.NewRequest("hidden", RequestBallots, 2, 2, ballotsFor(t, h.board, []uint64{1, 2}))
	if err != nil {
		t.Fatal(err)
	}
	h.add(req)
	var files, without []RecordFile
	for _, e := range h.board.Messages() {
		b := e.Bytes()
		if e.Kind != KindRequest {
			files = append(files, RecordFile{Name: string(e.Kind), Data: b})
			without = append(without, RecordFile{Name: string(e.Kind), Data: b})
			continue
		}
		// Opens 1 and 2 are Verify's (the first pass, the ciphertexts'
		// check); from the third on, the file is cut.
		files = append(files, RecordFile{Name: "request", Size: int64(len(b)), Source: &memSource{b: b, change: func(k int, b []byte) []byte {
			if k > 2 {
				return b[:len(b)-1]
			}
			return b
		}}})
	}
	if rep := Verify(files); !rep.OK() {
		t.Fatal(rep.Checks)
	}
	idWithout, _, _ := RecordID(without)
	id, n, err := RecordID(files)
	if err == nil {
		t.Fatalf("the record fingerprint of a record whose request no longer reads: %s (%d messages; without the request %s)",
			id.Fingerprint(), n, idWithout.Fingerprint())
	}
	if !errors.Is(err, ErrMessageChanged) {
		t.Fatalf("%v, want ErrMessageChanged", err)
	}
}
