package ceremony

import (
	"encoding/binary"
	"errors"
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
// that OpenRequest checked and summed up. Only the answer (32 bytes per
// ciphertext) is held whole.
func (sec *Secrets) AnswerFile(f *RequestFile, now int64, rand io.Reader) (*Envelope, error) {
	sum := f.sum
	x, err := sec.answerKey(sum, now)
	if err != nil {
		return nil, err
	}
	defer x.Zeroize()
	half := group.NewScalar().Multiply(x, halfScalar)
	defer half.Zeroize()
	w := newAnswerWriter(sum.ID[:], f.n)
	// The second pass: D_k = x·A_k, as partialDecryptInto makes them.
	id, err := f.pass(func(cts []byte, first int) error {
		return parallel(len(cts)/CiphertextSize, func(_, lo, hi int) error {
			var a group.Element
			ds := make([]group.Element, hi-lo)
			dp := make([]*group.Element, hi-lo)
			for k := lo; k < hi; k++ {
				if _, err := a.SetCanonicalBytes(cts[k*CiphertextSize : k*CiphertextSize+group.ElementSize]); err != nil {
					return ErrRequestChanged
				}
				dp[k-lo] = ds[k-lo].ScalarMult(half, &a)
			}
			group.DoubleAndEncodeBatch(w.shares[(first+lo)*group.ElementSize:(first+hi)*group.ElementSize], dp)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	if id != sum.ID {
		return nil, ErrRequestChanged
	}
	// The third pass: the composite M = Σ d_k·A_k of the batched proof,
	// whose weights hash every share.
	yj := group.NewIdentityElement().ScalarBaseMult(x)
	seed := weightSeed(sum.Ceremony, sum.ID, sec.Index, yj, w.shares)
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
		return nil, err
	}
	if id != sum.ID {
		return nil, ErrRequestChanged
	}
	z := group.NewIdentityElement().ScalarMult(x, m)
	p, err := prove(tagProofDecryption, decryptionContext(sum.Ceremony, sum.ID, sec.Index), x,
		[]*group.Element{nil, m}, []*group.Element{yj, z}, rand)
	if err != nil {
		return nil, err
	}
	e := &Envelope{Version: Version, Kind: KindAnswer, Ceremony: sec.Ceremony, Sender: sec.Index, Body: w.finish(p.bytes())}
	return sec.sign(e), nil
}
