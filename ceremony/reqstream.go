package ceremony

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"hash"
	"io"

	"conclave/ceremony/group"
)

// A decryption request read in chunks from its file, so that a member's
// memory does not grow with the request (docs/performance.md): its heads
// are decoded as strictly as ParseEnvelope and Request bodies are
// (docs/protocol.md §4.1), its ciphertexts are read, checked (§7.2) and
// hashed chunk by chunk, and the answer (§7.3) reads them twice more: once
// for the shares D_k, once for the composite M = Σ d_k·A_k, whose weights
// hash every share. Each chunk is copied into the process, hashed and used
// from that copy, and every pass must hash to the request ID that the
// first one checked: a file changed between the passes (or during one)
// makes the answer refuse, never decrypt points that were not checked.

// ErrRequestChanged is the refusal of an answer whose request file did not
// read the same at every pass.
var ErrRequestChanged = errorf("the request file changed while it was read: nothing was decrypted; make sure that nothing writes to it and decrypt again")

// streamChunk is how many ciphertexts a pass reads at once (1 MiB): two
// composite chunks of compositeChunk, so that each core has one.
const streamChunk = 2 * compositeChunk

// streamHeadMax is how many bytes of the file are read to decode the
// heads before the ciphertexts: far more than any request that passes its
// check (a label of at most MaxTitle characters) takes.
const streamHeadMax = 4096

// streamTailMax is the most the file may hold after the ciphertexts (the
// signature's byte string) to be read: a request is unsigned, so one byte.
const streamTailMax = 128

// StreamRequestsAbove is the size of a request file above which a
// member's program reads it in chunks (OpenRequest): up to it, the request
// is read whole and Summarize keeps the A_k it decoded for the answer
// (keepDecodedMax ciphertexts), which then does not decode them again.
const StreamRequestsAbove = keepDecodedMax*CiphertextSize + streamHeadMax

// RequestFile is a decryption request read from a file in chunks
// (docs/protocol.md §7.2): OpenRequest checks it as Summarize checks a
// request held in memory, and Secrets.AnswerFile answers it as
// Secrets.Answer does, byte for byte.
type RequestFile struct {
	r     io.ReaderAt
	size  int64
	head  []byte // the file's bytes before the ciphertexts, as read and decoded
	tail  []byte // its bytes after them
	off   int64  // where the ciphertexts start
	n     int
	sum   RequestSummary
	chunk int // ciphertexts per read
}

// OpenRequest reads and checks the request of size bytes in r, in chunks:
// the same decoding and checks as ParseEnvelope and Summarize, the same
// summary (docs/protocol.md §4.1, §7.2). Nothing of the request is kept
// but its heads: the answer reads r again.
func OpenRequest(r io.ReaderAt, size int64) (*RequestFile, error) {
	return openRequest(r, size, streamChunk)
}

func openRequest(r io.ReaderAt, size int64, chunk int) (*RequestFile, error) {
	if size <= 0 {
		return nil, errorf("the file is empty: it is not a Conclave message")
	}
	prefix := make([]byte, min(size, streamHeadMax))
	if err := readAt(r, prefix, 0, size); err != nil {
		return nil, err
	}
	e, v, bodyOff, bodyLen, err := envelopeHeads(prefix, size)
	if err != nil {
		return nil, err
	}
	bodyEnd := bodyOff + int64(bodyLen)
	// What follows the body: the signature, and nothing after it.
	if size-bodyEnd > streamTailMax {
		return nil, errorf("this is not a Conclave message (%v): check that you picked the right file", causef("data after the value"))
	}
	tail := make([]byte, size-bodyEnd)
	if err := readAt(r, tail, bodyEnd, size); err != nil {
		return nil, err
	}
	t := cborView{b: tail}
	e.Signature = t.bytes()
	if err := t.end(); err != nil {
		return nil, errorf("this is not a Conclave message (%v): check that you picked the right file", err)
	}
	if err := checkEnvelope(&e); err != nil {
		return nil, err
	}
	if e.Kind != KindRequest {
		return nil, errorf("this is a %s message, not a decryption request", e.Kind)
	}
	// The request's heads, up to its ciphertexts' byte string.
	rest := v.b
	if uint64(len(rest)) > bodyLen {
		rest = rest[:bodyLen]
	}
	q := cborView{b: rest}
	q.array(6)
	req := Request{Label: q.text(), Kind: q.text(), Options: q.uint(), Bound: q.uint(), Close: q.int()}
	m, ctLen := q.head()
	if q.err == nil && m != 2 {
		q.mismatch(m, ctLen, causef("not a string of the expected type"))
	}
	off := bodyOff + int64(len(rest)-len(q.b))
	if q.err == nil {
		switch left := uint64(bodyEnd - off); {
		case ctLen > left:
			q.fail(causef("unexpected end of data"))
		case ctLen < left:
			q.fail(causef("data after the value"))
		}
	}
	if q.err != nil {
		return nil, errorf("the body of this %s message is malformed (%v)", e.Kind, q.err)
	}
	if err := checkRequestFields(&req, ctLen); err != nil {
		return nil, err
	}
	f := &RequestFile{r: r, size: size, head: prefix[:off:off], tail: tail, off: off, n: int(ctLen / CiphertextSize), chunk: chunk}
	// The first pass: every ciphertext checked, the message ID and the
	// ciphertexts' hash (docs/protocol.md §2.3, §7.2) of what was checked.
	ct := newTranscript(tagCiphertexts).uint(uint64(f.n))
	var l [8]byte
	binary.BigEndian.PutUint64(l[:], ctLen)
	ct.h.Write(l[:])
	id, err := f.pass(func(cts []byte, first int) error {
		ct.h.Write(cts)
		return checkCiphertexts(cts, first, nil)
	})
	if err != nil {
		return nil, err
	}
	f.sum = RequestSummary{ID: id, Ceremony: e.ceremonyID(), Label: req.Label, Kind: req.Kind,
		Options: req.Options, Bound: req.Bound, Close: req.Close, Ciphertexts: f.n, Hash: ct.id()}
	return f, nil
}

// Summary describes the request as Summarize does (docs/protocol.md §7.2).
func (f *RequestFile) Summary() RequestSummary { return f.sum }

// pass reads the ciphertexts once, in chunks, each into the same buffer,
// hashes it and hands it to use (with the index of its first ciphertext),
// and returns the message ID of the file as read: the heads and tail
// checked when it was opened around the ciphertexts read now.
func (f *RequestFile) pass(use func(cts []byte, first int) error) (ID, error) {
	t := newTranscript(tagMessage)
	var l [8]byte
	binary.BigEndian.PutUint64(l[:], uint64(f.size))
	t.h.Write(l[:])
	t.h.Write(f.head)
	buf := make([]byte, min(f.n, f.chunk)*CiphertextSize)
	for first := 0; first < f.n; first += f.chunk {
		b := buf[:min(f.chunk, f.n-first)*CiphertextSize]
		if err := readAt(f.r, b, f.off+int64(first)*CiphertextSize, f.size); err != nil {
			return ID{}, err
		}
		t.h.Write(b)
		if err := use(b, first); err != nil {
			return ID{}, err
		}
	}
	t.h.Write(f.tail)
	return t.id(), nil
}

// readAt fills b from r at off, in a file of size bytes.
func readAt(r io.ReaderAt, b []byte, off, size int64) error {
	n, err := r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errorf("the request file is shorter than its %d bytes when it was opened: it was cut or changed while it was read", size)
	}
	return errorf("cannot read the request file: %v", err)
}

// AnswerFile is Secrets.Answer for a request read from a file
// (docs/protocol.md §7.3): the same checks and the same answer, byte for
// byte, but the ciphertexts are read twice more in chunks, and the answer
// is refused (ErrRequestChanged) unless both reads hash to the request ID
// that OpenRequest checked and summed up. The answer (32 bytes per
// ciphertext) is held whole: AnswerFileTo writes it instead.
func (sec *Secrets) AnswerFile(f *RequestFile, now int64, rand io.Reader) (*Envelope, error) {
	var b bytes.Buffer
	b.Grow(int(answerSize(f.n)))
	if _, err := sec.AnswerFileTo(f, now, rand, &b); err != nil {
		return nil, err
	}
	return ParseEnvelope(b.Bytes())
}

// answerLayout is the encoding of an answer to n ciphertexts around its
// shares and proof (docs/protocol.md §5.11): the envelope's and body's
// heads before the shares, the proof's head after them, the signature's
// head at the end.
func answerLayout(ceremony, request []byte, sender uint64, n int) (head, body, proofHead, sigHead []byte, bodyLen uint64) {
	size := uint64(n) * group.ElementSize
	body = appendHead(nil, 4, 3)
	body = appendHead(body, 2, uint64(len(request)))
	body = append(body, request...)
	body = appendHead(body, 2, size)
	proofHead = appendHead(nil, 2, ProofSize)
	bodyLen = uint64(len(body)) + size + uint64(len(proofHead)) + ProofSize
	head = appendHead(nil, 4, 6)
	head = appendHead(head, 0, Version)
	head = appendHead(head, 3, uint64(len(KindAnswer)))
	head = append(head, KindAnswer...)
	head = appendHead(head, 2, uint64(len(ceremony)))
	head = append(head, ceremony...)
	head = appendHead(head, 0, sender)
	head = appendHead(head, 2, bodyLen)
	return head, body, proofHead, appendHead(nil, 2, ed25519.SignatureSize), bodyLen
}

// answerSize is the size of the encoding of an answer to n ciphertexts.
func answerSize(n int) int64 {
	var id ID
	head, body, proofHead, sigHead, _ := answerLayout(id[:], id[:], MaxMembers, n)
	return int64(len(head)+len(body)+len(proofHead)+len(sigHead)) + int64(n)*group.ElementSize + ProofSize + ed25519.SignatureSize
}

// AnswerFileTo is AnswerFile writing the answer to w as it is made: the
// shares of each chunk as soon as they are computed, then the proof and
// the signature, so that nothing of the answer is held (docs/performance.md).
// It returns the answer's message ID. On an error, what w received is not
// an answer: discard it (a temporary file, renamed only on success).
func (sec *Secrets) AnswerFileTo(f *RequestFile, now int64, rand io.Reader, w io.Writer) (ID, error) {
	sum := f.sum
	x, err := sec.answerKey(sum, now)
	if err != nil {
		return ID{}, err
	}
	defer x.Zeroize()
	half := group.NewScalar().Multiply(x, halfScalar)
	defer half.Zeroize()
	yj := group.NewIdentityElement().ScalarBaseMult(x)
	head, body, proofHead, sigHead, bodyLen := answerLayout(sec.Ceremony, sum.ID[:], sec.Index, f.n)
	total := uint64(len(head)) + bodyLen + uint64(len(sigHead)) + ed25519.SignatureSize
	var l [8]byte
	// The message ID (§2.3), the signature's input (§4.3) and the
	// weights' seed (§7.3, weightSeed), hashed as the answer is written.
	idT := newTranscript(tagMessage)
	binary.BigEndian.PutUint64(l[:], total)
	idT.h.Write(l[:])
	sigT := newTranscript(tagSignature).uint(Version).bytes([]byte(KindAnswer)).bytes(sec.Ceremony).uint(sec.Index)
	binary.BigEndian.PutUint64(l[:], bodyLen)
	sigT.h.Write(l[:])
	seedT := newTranscript(tagWeights).bytes(sum.Ceremony[:]).bytes(sum.ID[:]).uint(sec.Index).element(yj)
	binary.BigEndian.PutUint64(l[:], uint64(f.n)*group.ElementSize)
	seedT.h.Write(l[:])
	out := func(b []byte, more ...hash.Hash) error {
		idT.h.Write(b)
		for _, h := range more {
			h.Write(b)
		}
		_, err := w.Write(b)
		return err
	}
	if err := out(head); err != nil {
		return ID{}, err
	}
	if err := out(body, sigT.h); err != nil {
		return ID{}, err
	}
	// The second pass: D_k = x·A_k, as partialDecryptInto makes them,
	// written chunk by chunk.
	shares := make([]byte, min(f.n, f.chunk)*group.ElementSize)
	var writeErr error
	id, err := f.pass(func(cts []byte, first int) error {
		n := len(cts) / CiphertextSize
		sh := shares[:n*group.ElementSize]
		err := parallel(n, func(_, lo, hi int) error {
			var a group.Element
			ds := make([]group.Element, hi-lo)
			dp := make([]*group.Element, hi-lo)
			for k := lo; k < hi; k++ {
				if _, err := a.SetCanonicalBytes(cts[k*CiphertextSize : k*CiphertextSize+group.ElementSize]); err != nil {
					return ErrRequestChanged
				}
				dp[k-lo] = ds[k-lo].ScalarMult(half, &a)
			}
			group.DoubleAndEncodeBatch(sh[lo*group.ElementSize:hi*group.ElementSize], dp)
			return nil
		})
		if err != nil {
			return err
		}
		if writeErr = out(sh, sigT.h, seedT.h); writeErr != nil {
			return writeErr
		}
		return nil
	})
	if writeErr != nil {
		return ID{}, writeErr
	}
	if err != nil {
		return ID{}, err
	}
	if id != sum.ID {
		return ID{}, ErrRequestChanged
	}
	// The third pass: the composite M = Σ d_k·A_k of the batched proof,
	// whose weights hash every share.
	seed := seedT.sum()
	m := group.NewIdentityElement()
	id, err = f.pass(func(cts []byte, first int) error {
		part, _, err := compositeFrom(seed, cts, nil, first, len(cts)/CiphertextSize, nil)
		if err != nil {
			return ErrRequestChanged
		}
		m.Add(m, part)
		return nil
	})
	if err != nil {
		return ID{}, err
	}
	if id != sum.ID {
		return ID{}, ErrRequestChanged
	}
	z := group.NewIdentityElement().ScalarMult(x, m)
	p, err := prove(tagProofDecryption, decryptionContext(sum.Ceremony, sum.ID, sec.Index), x,
		[]*group.Element{nil, m}, []*group.Element{yj, z}, rand)
	if err != nil {
		return ID{}, err
	}
	if err := out(append(proofHead, p.bytes()...), sigT.h); err != nil {
		return ID{}, err
	}
	sk := newEdKey(sec.SigningSeed)
	sig := sk.sign(sigT.sum())
	sk.wipe()
	if err := out(append(sigHead, sig...)); err != nil {
		return ID{}, err
	}
	return idT.id(), nil
}
