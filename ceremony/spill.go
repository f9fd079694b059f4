package ceremony

import (
	"encoding/binary"
	"errors"
	"hash"
	"io"
)

// Messages whose large byte string stays in its file (docs/performance.md,
// "Reading a record in chunks"): a board or a verifier reads a request's
// ciphertexts and an answer's shares in chunks, at each pass over them,
// rather than holding them, so that its memory does not grow with the
// request. OpenMessage reads such a file as strictly as ParseEnvelope reads
// one held in memory (docs/protocol.md §4.1); the State then checks it as
// any other message, reading the file again where it needs the ciphertexts
// or shares. Every pass hashes the whole file and must find the message ID
// that the first one found: a file changed in between stops what the pass
// was doing (ErrMessageChanged), never lets it use bytes that were not
// checked.

// Source is a message file that is read again at every pass over it (it
// is opened for each pass, and closed after it): a file of a board or of
// a record, whose size was taken when it was listed.
type Source interface {
	// Open opens the file for one pass.
	Open() (SourceFile, error)
}

// SourceFile is a Source opened for one pass.
type SourceFile interface {
	io.ReaderAt
	io.Closer
}

// ErrMessageChanged is the refusal of a message file that did not read
// the same at every pass: nothing read from it was used.
var ErrMessageChanged = errorf("the file of a message changed while it was read: nothing was taken from it; make sure that nothing else writes to the folder, and run again")

// ErrMessageUnreadable is the refusal of a message file that could not be
// read again (a pulled stick, an I/O error).
var ErrMessageUnreadable = errorf("a message file cannot be read: check that the drive is still there, and run again")

// spillHeadMax is how many bytes of a file are read to decode the heads
// before its large byte string; spillTailMax is the most a request's file
// may hold after it (an answer's proof and signature, with their heads, are
// less, but an answer's proof of another size is judged, not refused: its
// tail may be up to MaxWholeMessage).
const (
	spillHeadMax = streamHeadMax
	spillTailMax = 256
)

// MaxWholeMessage is the largest file of a message of another kind than a
// request or an answer that OpenMessage reads: far more than the largest
// valid one (a deal sealing 64 shares of ML-KEM-768, about 17 MiB; a
// result of 2^24 ballots, about 48 MiB).
const MaxWholeMessage = 64 << 20

// spilled is a request or an answer read from its file: its heads and
// tail are held, its large byte string (a request's ciphertexts, an
// answer's shares) is read again at each pass.
type spilled struct {
	src        Source
	size       int64
	head, tail []byte // the file before and after the large byte string
	off, n     int64  // the large byte string: where it starts, its length
	bodyOff    int64  // where the envelope's body starts in the file
	bodyEnd    int64  // and where it ends

	id       ID     // the message ID, from the first pass
	sigInput []byte // what its member signed (§4.3)
	ctHash   ID     // a request's CiphertextsHash
	request  Request
	answer   Answer
}

// OpenMessage reads the message of size bytes in src (docs/protocol.md
// §4.1). A request or an answer is decoded as strictly as ParseEnvelope
// and DecodeBody decode one in memory, but its ciphertexts or shares stay
// in the file: the envelope it returns can be taken in by a State
// (State.Add), written out (Envelope.WriteTo) and identified (ID), each
// of which reads the file again; its Body is nil. A message of any other
// kind, of at most MaxWholeMessage bytes, is read whole and parsed by
// ParseEnvelope.
func OpenMessage(src Source, size int64) (*Envelope, error) {
	if size <= 0 {
		return nil, errorf("the file is empty: it is not a Conclave message")
	}
	f, err := src.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	prefix := make([]byte, min(size, spillHeadMax))
	if err := readSpill(f, prefix, 0, size); err != nil {
		return nil, err
	}
	e, v, bodyOff, bodyLen, err := envelopeHeads(prefix, size)
	if err != nil {
		return nil, err
	}
	if e.Kind != KindRequest && e.Kind != KindAnswer {
		if size > MaxWholeMessage {
			return nil, errorf("this %s message holds %d bytes, more than any valid one: it is not a Conclave message", e.Kind, size)
		}
		whole := make([]byte, size)
		n := copy(whole, prefix) // read already
		if err := readSpill(f, whole[n:], int64(n), size); err != nil {
			return nil, err
		}
		return ParseEnvelope(whole)
	}
	e.Ceremony = append([]byte(nil), e.Ceremony...)
	bodyEnd := bodyOff + int64(bodyLen)
	rest := v.b
	if uint64(len(rest)) > bodyLen {
		rest = rest[:bodyLen]
	}
	s := &spilled{src: src, size: size, bodyOff: bodyOff, bodyEnd: bodyEnd}
	q := cborView{b: rest}
	if e.Kind == KindRequest {
		q.array(6)
		s.request = Request{Label: q.text(), Kind: q.text(), Options: q.uint(), Bound: q.uint(), Close: q.int()}
	} else {
		q.array(3)
		s.answer.Request = append([]byte(nil), q.bytes()...)
	}
	m, strLen := q.head()
	if q.err == nil && m != 2 {
		q.mismatch(m, strLen, causef("not a string of the expected type"))
	}
	s.off = bodyOff + int64(len(rest)-len(q.b))
	if q.err == nil && strLen > uint64(bodyEnd-s.off) {
		q.fail(causef("unexpected end of data"))
	}
	if q.err != nil {
		return nil, errorf("the body of this %s message is malformed (%v)", e.Kind, q.err)
	}
	s.n = int64(strLen)
	// What follows the large byte string: nothing of a request's body,
	// an answer's proof; then the signature, and nothing after it. An
	// answer whose proof is not of ProofSize bytes is not malformed but
	// signed and not a correct decryption (docs/protocol.md §7.3): its
	// tail is held, however long, up to what a message read whole may be.
	tailMax := int64(spillTailMax)
	if e.Kind == KindAnswer {
		tailMax = MaxWholeMessage
	}
	if size-(s.off+s.n) > tailMax {
		return nil, errorf("this is not a Conclave message (%v): check that you picked the right file", causef("data after the value"))
	}
	s.head = prefix[:s.off:s.off]
	s.tail = make([]byte, size-(s.off+s.n))
	if err := readSpill(f, s.tail, s.off+s.n, size); err != nil {
		return nil, err
	}
	inBody := s.tail[:bodyEnd-(s.off+s.n)]
	b := cborView{b: inBody}
	if e.Kind == KindAnswer {
		s.answer.Proof = b.bytes() // a slice of the tail, as DecodeBody gives slices of the body
	}
	if err := b.end(); err != nil {
		return nil, errorf("the body of this %s message is malformed (%v)", e.Kind, err)
	}
	t := cborView{b: s.tail[len(inBody):]}
	e.Signature = append([]byte(nil), t.bytes()...)
	if err := t.end(); err != nil {
		return nil, errorf("this is not a Conclave message (%v): check that you picked the right file", err)
	}
	if err := checkEnvelope(&e); err != nil {
		return nil, err
	}
	if e.Kind == KindRequest {
		if err := checkRequestFields(&s.request, strLen); err != nil {
			return nil, err
		}
	}
	// The first pass: the message ID, the signature's input and a
	// request's ciphertexts hash, of the file as it reads now.
	sig := newTranscript(tagSignature).uint(e.Version).bytes([]byte(e.Kind)).bytes(e.Ceremony).uint(e.Sender)
	var l [8]byte
	binary.BigEndian.PutUint64(l[:], uint64(bodyEnd-bodyOff))
	sig.h.Write(l[:])
	ct := newTranscript(tagCiphertexts).uint(strLen / CiphertextSize)
	binary.BigEndian.PutUint64(l[:], strLen)
	ct.h.Write(l[:])
	p := s.begin(f, sig.h)
	for left := s.n; left > 0; {
		c, err := p.read(int(min(left, spillChunkBytes)))
		if err != nil {
			return nil, err
		}
		if e.Kind == KindRequest {
			ct.h.Write(c)
		}
		left -= int64(len(c))
	}
	s.id, err = p.end()
	if err != nil {
		return nil, err
	}
	s.sigInput = sig.sum()
	s.ctHash = ct.id()
	e.spill = s
	return &e, nil
}

// envelopeHeads decodes an envelope's fields up to its body, from the
// first bytes of a file of size bytes (docs/protocol.md §4.1): it returns
// them, the view after the body's head, and where the body starts and its
// length.
func envelopeHeads(prefix []byte, size int64) (Envelope, cborView, int64, uint64, error) {
	v := cborView{b: prefix}
	v.array(6)
	e := Envelope{Version: v.uint(), Kind: Kind(v.text()), Ceremony: v.bytes(), Sender: v.uint()}
	m, bodyLen := v.head()
	if v.err == nil && m != 2 {
		v.mismatch(m, bodyLen, causef("not a string of the expected type"))
	}
	bodyOff := int64(len(prefix) - len(v.b))
	if v.err == nil && bodyLen > uint64(size-bodyOff) {
		v.fail(causef("unexpected end of data"))
	}
	if v.err != nil {
		return Envelope{}, v, 0, 0, errorf("this is not a Conclave message (%v): check that you picked the right file", v.err)
	}
	return e, v, bodyOff, bodyLen, nil
}

// spillChunkBytes is how much of a large byte string a pass reads at once
// when it only hashes it.
const spillChunkBytes = 1 << 20

// readSpill fills b from f at off, in a file of size bytes.
func readSpill(f io.ReaderAt, b []byte, off, size int64) error {
	n, err := f.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return causef("%w (it is shorter than the %d bytes it had when it was listed)", ErrMessageChanged, size)
	}
	return causef("%w (%v)", ErrMessageUnreadable, err)
}

// fileFault reports whether err is a message file that changed or could
// not be read, not a fault of the message: the verb stops, rather than
// judging the message on what it could not read.
func fileFault(err error) bool {
	return errors.Is(err, ErrMessageChanged) || errors.Is(err, ErrMessageUnreadable)
}

// spillPass is one pass over a spilled message's file: it hashes every
// byte read into the message ID (and, when body is not nil, the body's
// bytes into body), and end checks that the file read as before.
type spillPass struct {
	s    *spilled
	f    SourceFile
	t    *transcript
	body hash.Hash
	at   int64 // bytes of the large byte string read so far
	buf  []byte
}

// begin starts a pass over the opened file f.
func (s *spilled) begin(f SourceFile, body hash.Hash) *spillPass {
	t := newTranscript(tagMessage)
	var l [8]byte
	binary.BigEndian.PutUint64(l[:], uint64(s.size))
	t.h.Write(l[:])
	t.h.Write(s.head)
	if body != nil {
		body.Write(s.head[s.bodyOff:])
	}
	return &spillPass{s: s, f: f, t: t, body: body}
}

// open opens the file and begins a pass.
func (s *spilled) open() (*spillPass, error) {
	f, err := s.src.Open()
	if err != nil {
		return nil, err
	}
	return s.begin(f, nil), nil
}

// read returns the next n bytes of the large byte string, hashed. The
// slice is valid until the next read.
func (p *spillPass) read(n int) ([]byte, error) {
	if int64(n) > p.s.n-p.at {
		panic("ceremony: internal error: read past the end of a message's byte string")
	}
	if cap(p.buf) < n {
		p.buf = make([]byte, n)
	}
	b := p.buf[:n]
	if err := readSpill(p.f, b, p.s.off+p.at, p.s.size); err != nil {
		return nil, err
	}
	p.at += int64(n)
	p.t.h.Write(b)
	if p.body != nil {
		p.body.Write(b)
	}
	return b, nil
}

// end reads what is left of the large byte string, hashes the tail and
// closes the file. It returns the message ID of the file as it read, and
// ErrMessageChanged if a pass before read another.
func (p *spillPass) end() (ID, error) {
	defer p.close()
	for p.at < p.s.n {
		if _, err := p.read(int(min(p.s.n-p.at, spillChunkBytes))); err != nil {
			return ID{}, err
		}
	}
	p.t.h.Write(p.s.tail)
	if p.body != nil {
		p.body.Write(p.s.tail[:p.s.bodyEnd-(p.s.off+p.s.n)])
	}
	id := p.t.id()
	if !p.s.id.IsZero() && id != p.s.id {
		return ID{}, ErrMessageChanged
	}
	return id, nil
}

func (p *spillPass) close() {
	if p.f != nil {
		p.f.Close()
		p.f = nil
	}
}

// strand is the large byte string of a request (its ciphertexts, unit
// CiphertextSize) or of an answer (its shares, unit group.ElementSize):
// in memory, or in its file.
type strand struct {
	b    []byte
	file *spilled
	unit int
}

// len is the strand's length in bytes.
func (s strand) len() int64 {
	if s.file != nil {
		return s.file.n
	}
	return int64(len(s.b))
}

// strandChunk is how many items strands reads at once: streamChunk (1 MiB
// of ciphertexts); tests lower it.
var strandChunk = streamChunk

// strands reads strands together, chunk by chunk of strandChunk items (of
// n), and hands use each chunk's parts (one per strand) with the index of
// its first item. A part read from a file is valid only during use. Every
// file is read whole and checked to read as before (ErrMessageChanged):
// an error of use is returned only once the files it read are known not
// to have changed.
func strands(ss []strand, n int, use func(parts [][]byte, first int) error) (err error) {
	passes := make([]*spillPass, len(ss))
	defer func() {
		for _, p := range passes {
			if p != nil {
				p.close()
			}
		}
	}()
	for i, s := range ss {
		if s.file != nil {
			if passes[i], err = s.file.open(); err != nil {
				return err
			}
		}
	}
	parts := make([][]byte, len(ss))
	var useErr error
	for first := 0; first < n && useErr == nil; first += strandChunk {
		m := min(strandChunk, n-first)
		for i, s := range ss {
			if passes[i] == nil {
				parts[i] = s.b[first*s.unit : (first+m)*s.unit]
			} else if parts[i], err = passes[i].read(m * s.unit); err != nil {
				return err
			}
		}
		useErr = use(parts, first)
	}
	for i, p := range passes {
		if p != nil {
			passes[i] = nil
			if _, err := p.end(); err != nil {
				return err
			}
		}
	}
	return useErr
}

// WriteTo writes the encoding of e to w (docs/protocol.md §4): for a
// message read by OpenMessage, the file read again, and ErrMessageChanged
// if it did not read as before (w then holds a partial copy, to discard).
func (e *Envelope) WriteTo(w io.Writer) (int64, error) {
	s := e.spill
	if s == nil {
		var n int64
		for _, p := range e.Pieces() {
			k, err := w.Write(p)
			n += int64(k)
			if err != nil {
				return n, err
			}
		}
		return n, nil
	}
	p, err := s.open()
	if err != nil {
		return 0, err
	}
	defer p.close()
	n, err := w.Write(s.head)
	total := int64(n)
	if err != nil {
		return total, err
	}
	for p.at < s.n {
		c, err := p.read(int(min(s.n-p.at, spillChunkBytes)))
		if err != nil {
			return total, err
		}
		n, err = w.Write(c)
		total += int64(n)
		if err != nil {
			return total, err
		}
	}
	n, err = w.Write(s.tail)
	total += int64(n)
	if err != nil {
		return total, err
	}
	if _, err := p.end(); err != nil {
		return total, err
	}
	return total, nil
}

// Size is the size of e's encoding in bytes.
func (e *Envelope) Size() int64 {
	if e.spill != nil {
		return e.spill.size
	}
	var n int64
	for _, p := range e.Pieces() {
		n += int64(len(p))
	}
	return n
}
