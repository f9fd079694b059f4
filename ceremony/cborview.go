package ceremony

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
	"unicode/utf8"

	"conclave/ceremony/group"
)

// A strict reader of the few deterministic CBOR arrays that carry large
// byte strings (the envelope, a request's and an answer's bodies): it
// accepts exactly what decoding and re-encoding would give back unchanged
// (docs/protocol.md §4.1: shortest heads, definite lengths, exact types,
// valid UTF-8, nothing after the value), and its byte strings are slices of
// the input, not copies. The differential fuzz tests (FuzzCBORView) hold it
// to the general decoder.

var errNotDeterministic = causef("not in deterministic CBOR encoding")

type cborView struct {
	b   []byte
	err error
}

// head reads an item's head and returns its major type and argument.
func (r *cborView) head() (major byte, arg uint64) {
	if r.err != nil {
		return 0, 0
	}
	if len(r.b) == 0 {
		r.err = causef("unexpected end of data")
		return 0, 0
	}
	major, ai := r.b[0]>>5, r.b[0]&0x1f
	var n int
	switch {
	case ai < 24:
		arg, n = uint64(ai), 1
	case ai == 24 && len(r.b) >= 2:
		arg, n = uint64(r.b[1]), 2
		if arg < 24 {
			r.err = errNotDeterministic
		}
	case ai == 25 && len(r.b) >= 3:
		arg, n = uint64(binary.BigEndian.Uint16(r.b[1:])), 3
		if arg <= math.MaxUint8 {
			r.err = errNotDeterministic
		}
	case ai == 26 && len(r.b) >= 5:
		arg, n = uint64(binary.BigEndian.Uint32(r.b[1:])), 5
		if arg <= math.MaxUint16 {
			r.err = errNotDeterministic
		}
	case ai == 27 && len(r.b) >= 9:
		arg, n = binary.BigEndian.Uint64(r.b[1:]), 9
		if arg <= math.MaxUint32 {
			r.err = errNotDeterministic
		}
	case ai == 31 && major >= 2 && major <= 5:
		// The general decoder's words, which users may have seen.
		r.err = causef("cbor: indefinite-length %s isn't allowed", [...]string{"byte string", "UTF-8 text string", "array", "map"}[major-2])
	case ai >= 28:
		r.err = causef("cbor: invalid additional information")
	default:
		r.err = causef("unexpected end of data")
	}
	if r.err != nil {
		return 0, 0
	}
	r.b = r.b[n:]
	return major, arg
}

func (r *cborView) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

// mismatch records a value of the wrong type. Null and undefined decode
// to an empty value that re-encodes differently: they are reported as
// the general decoder's strict check reports them.
func (r *cborView) mismatch(m byte, a uint64, why error) {
	if m == 7 && (a == 22 || a == 23) {
		r.fail(errNotDeterministic)
		return
	}
	r.fail(why)
}

func (r *cborView) array(n uint64) {
	if m, a := r.head(); r.err == nil && (m != 4 || a != n) {
		r.mismatch(m, a, causef("not an array of the expected length"))
	}
}

func (r *cborView) uint() uint64 {
	m, a := r.head()
	if r.err == nil && m != 0 {
		r.mismatch(m, a, causef("not an unsigned integer"))
	}
	return a
}

func (r *cborView) int() int64 {
	m, a := r.head()
	if r.err != nil {
		return 0
	}
	if (m != 0 && m != 1) || a > math.MaxInt64 {
		r.mismatch(m, a, causef("not an integer of 64 bits"))
		return 0
	}
	if m == 1 {
		return -1 - int64(a)
	}
	return int64(a)
}

// raw returns the content of a byte or text string of major type want.
func (r *cborView) raw(want byte) []byte {
	m, a := r.head()
	if r.err != nil {
		return nil
	}
	if m != want {
		r.mismatch(m, a, causef("not a string of the expected type"))
		return nil
	}
	if a > uint64(len(r.b)) {
		r.fail(causef("unexpected end of data"))
		return nil
	}
	s := r.b[:a:a]
	r.b = r.b[a:]
	return s
}

// bytes returns a byte string: a slice of the input; empty, never nil.
func (r *cborView) bytes() []byte {
	s := r.raw(2)
	if s == nil && r.err == nil {
		s = []byte{}
	}
	return s
}

func (r *cborView) text() string {
	s := r.raw(3)
	if r.err == nil && !utf8.Valid(s) {
		r.fail(causef("invalid UTF-8 text"))
	}
	return string(s)
}

func (r *cborView) end() error {
	if r.err == nil && len(r.b) != 0 {
		r.err = causef("data after the value")
	}
	return r.err
}

// viewEnvelope decodes an envelope strictly; Ceremony, Body and Signature
// are slices of b.
func viewEnvelope(b []byte, e *Envelope) error {
	r := cborView{b: b}
	r.array(6)
	v := Envelope{Version: r.uint(), Kind: Kind(r.text()), Ceremony: r.bytes(), Sender: r.uint(), Body: r.bytes(), Signature: r.bytes()}
	if err := r.end(); err != nil {
		return err
	}
	*e = v
	return nil
}

// viewRequest decodes a request body strictly; Ciphertexts is a slice of b.
func viewRequest(b []byte, q *Request) error {
	r := cborView{b: b}
	r.array(6)
	v := Request{Label: r.text(), Kind: r.text(), Options: r.uint(), Bound: r.uint(), Close: r.int(), Ciphertexts: r.bytes()}
	if err := r.end(); err != nil {
		return err
	}
	*q = v
	return nil
}

// viewAnswer decodes an answer body strictly; its fields are slices of b.
func viewAnswer(b []byte, a *Answer) error {
	r := cborView{b: b}
	r.array(3)
	v := Answer{Request: r.bytes(), Shares: r.bytes(), Proof: r.bytes()}
	if err := r.end(); err != nil {
		return err
	}
	*a = v
	return nil
}

// viewResult decodes a result body strictly; Request and each of Answers
// are slices of b. Its plaintexts are decoded in one slice of the exact
// size (8 bytes each, against 1 to 9 in b): the general decoder also
// encoded them again to check them, a copy this does not make.
func viewResult(b []byte, res *Result) error {
	v, pts, n, err := viewResultHeads(b)
	if err != nil {
		return err
	}
	v.Plaintexts = make([]uint64, n)
	r := cborView{b: pts}
	for k := range v.Plaintexts {
		v.Plaintexts[k] = r.uint() // checked by viewResultHeads
	}
	*res = v
	return nil
}

// viewResultHeads decodes a result body as strictly as viewResult, but
// leaves its plaintexts in their encoding: pts is that part of b (n
// numbers, each checked to be an unsigned integer in its shortest form).
func viewResultHeads(b []byte) (res Result, pts []byte, n int, err error) {
	r := cborView{b: b}
	r.array(3)
	res.Request = r.bytes()
	res.Answers = make([][]byte, r.arrayLen())
	for i := range res.Answers {
		res.Answers[i] = r.bytes()
	}
	k := r.arrayLen()
	start := r.b
	for range k {
		r.uint()
	}
	if err := r.end(); err != nil {
		return Result{}, nil, 0, err
	}
	return res, start[:len(start)-len(r.b)], int(k), nil
}

// arrayLen reads the head of an array and returns its length: 0 after an
// error, or for one longer than MaxCiphertexts (the decoder's limit) or
// than the bytes left could hold.
func (r *cborView) arrayLen() uint64 {
	m, n := r.head()
	switch {
	case r.err != nil:
		return 0
	case m != 4:
		r.mismatch(m, n, causef("not an array of the expected length"))
		return 0
	case n > MaxCiphertexts || n > uint64(len(r.b)):
		r.fail(causef("unexpected end of data"))
		return 0
	}
	return n
}

// writeResult encodes a result body in one buffer of the exact size.
func writeResult(res *Result) []byte {
	size := 1 + strSize(len(res.Request)) + headSize(uint64(len(res.Answers))) + headSize(uint64(len(res.Plaintexts)))
	for _, a := range res.Answers {
		size += strSize(len(a))
	}
	for _, v := range res.Plaintexts {
		size += headSize(v)
	}
	w := cborWriter{appendResultHeads(make([]byte, 0, size), res.Request, res.Answers, len(res.Plaintexts))}
	for _, v := range res.Plaintexts {
		w.head(0, v)
	}
	return w.b
}

// appendResultHeads appends to dst a result body's encoding up to its n
// plaintexts, which follow it, each a head of major type 0.
func appendResultHeads(dst, request []byte, answers [][]byte, n int) []byte {
	w := cborWriter{dst}
	w.head(4, 3)
	w.bytes(request)
	w.head(4, uint64(len(answers)))
	for _, a := range answers {
		w.bytes(a)
	}
	w.head(4, uint64(n))
	return w.b
}

// checkedRequest remembers, on an envelope, the request that Summarize
// checked, by a hash of every field: an envelope changed since is checked
// again.
type checkedRequest struct {
	fields  [sha256.Size]byte
	sum     RequestSummary
	decoded *group.Points // every A_k, as the check decoded them (nil above keepDecodedMax, or once taken)
}

// fieldsHash hashes every field of e, each framed by its length.
func (e *Envelope) fieldsHash() [sha256.Size]byte {
	h := sha256.New()
	var n [8]byte
	for _, part := range [][]byte{binary.BigEndian.AppendUint64(nil, e.Version), []byte(e.Kind), e.Ceremony,
		binary.BigEndian.AppendUint64(nil, e.Sender), e.Body, e.Signature} {
		binary.BigEndian.PutUint64(n[:], uint64(len(part)))
		h.Write(n[:])
		h.Write(part)
	}
	return [sha256.Size]byte(h.Sum(nil))
}

// appendHead appends the shortest CBOR head of major type major and
// argument arg (RFC 8949 §4.2.1).
func appendHead(dst []byte, major byte, arg uint64) []byte {
	m := major << 5
	switch {
	case arg < 24:
		return append(dst, m|byte(arg))
	case arg <= math.MaxUint8:
		return append(dst, m|24, byte(arg))
	case arg <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(dst, m|25), uint16(arg))
	case arg <= math.MaxUint32:
		return binary.BigEndian.AppendUint32(append(dst, m|26), uint32(arg))
	default:
		return binary.BigEndian.AppendUint64(append(dst, m|27), arg)
	}
}

// envelopeID is H("conclave/v1/message", encoding of e) (docs/protocol.md
// §2.3), hashed piece by piece: the encoding of a large message is never
// built for it.
func envelopeID(e *Envelope) ID {
	pieces := e.Pieces()
	total := 0
	for _, p := range pieces {
		total += len(p)
	}
	t := newTranscript(tagMessage)
	var l [8]byte
	binary.BigEndian.PutUint64(l[:], uint64(total))
	t.h.Write(l[:])
	for _, p := range pieces {
		t.h.Write(p)
	}
	return t.id()
}

// Pieces returns the encoding of e (docs/protocol.md §4) as consecutive
// pieces whose concatenation is e.Bytes(): the CBOR heads, and e's fields
// themselves, not copies, so that a large message can be hashed or written
// without building its encoding. The caller must not change them.
//
// A message read by OpenMessage has no pieces in memory: write it with
// WriteTo (Pieces panics).
func (e *Envelope) Pieces() [][]byte {
	if e.spill != nil {
		panic("ceremony: internal error: the pieces of a message read from its file were asked for; write it with WriteTo")
	}
	var heads [6][]byte
	heads[0] = appendHead(appendHead(nil, 4, 6), 0, e.Version)
	heads[1] = appendHead(nil, 3, uint64(len(e.Kind)))
	heads[2] = appendHead(nil, 2, uint64(len(e.Ceremony)))
	heads[3] = appendHead(nil, 0, e.Sender)
	heads[4] = appendHead(nil, 2, uint64(len(e.Body)))
	heads[5] = appendHead(nil, 2, uint64(len(e.Signature)))
	return [][]byte{heads[0], heads[1], []byte(e.Kind), heads[2], e.Ceremony, heads[3], heads[4], e.Body, heads[5], e.Signature}
}

// cborWriter builds the deterministic encoding of the same arrays in one
// buffer of the exact size: no growing buffer, no copy (the encoding of an
// answer to a million ciphertexts is written once).
type cborWriter struct{ b []byte }

func (w *cborWriter) head(major byte, arg uint64) { w.b = appendHead(w.b, major, arg) }
func (w *cborWriter) bytes(p []byte)              { w.head(2, uint64(len(p))); w.b = append(w.b, p...) }
func (w *cborWriter) text(s string)               { w.head(3, uint64(len(s))); w.b = append(w.b, s...) }
func (w *cborWriter) int(v int64) {
	if v < 0 {
		w.head(1, uint64(-1-v))
	} else {
		w.head(0, uint64(v))
	}
}

// headSize is the size of the shortest head of argument arg.
func headSize(arg uint64) int {
	switch {
	case arg < 24:
		return 1
	case arg <= math.MaxUint8:
		return 2
	case arg <= math.MaxUint16:
		return 3
	case arg <= math.MaxUint32:
		return 5
	default:
		return 9
	}
}

func strSize(n int) int { return headSize(uint64(n)) + n }

func writeEnvelope(e *Envelope) []byte {
	w := cborWriter{make([]byte, 0, 1+headSize(e.Version)+strSize(len(e.Kind))+strSize(len(e.Ceremony))+
		headSize(e.Sender)+strSize(len(e.Body))+strSize(len(e.Signature)))}
	w.head(4, 6)
	w.head(0, e.Version)
	w.text(string(e.Kind))
	w.bytes(e.Ceremony)
	w.head(0, e.Sender)
	w.bytes(e.Body)
	w.bytes(e.Signature)
	return w.b
}

func writeRequest(r *Request) []byte {
	c := uint64(r.Close)
	if r.Close < 0 {
		c = uint64(-1 - r.Close)
	}
	w := cborWriter{make([]byte, 0, 1+strSize(len(r.Label))+strSize(len(r.Kind))+headSize(r.Options)+
		headSize(r.Bound)+headSize(c)+strSize(len(r.Ciphertexts)))}
	w.head(4, 6)
	w.text(r.Label)
	w.text(r.Kind)
	w.head(0, r.Options)
	w.head(0, r.Bound)
	w.int(r.Close)
	w.bytes(r.Ciphertexts)
	return w.b
}

// answerWriter lays out the encoding of an answer to n ciphertexts whose
// shares are computed in place (shares is that part of the buffer), so
// that an answer to a million ciphertexts is not held twice: finish adds
// the proof and returns the body, byte for byte writeAnswer's.
type answerWriter struct {
	w      cborWriter
	shares []byte
}

func newAnswerWriter(request []byte, n int) *answerWriter {
	size := n * group.ElementSize
	w := cborWriter{make([]byte, 0, 1+strSize(len(request))+strSize(size)+strSize(ProofSize))}
	w.head(4, 3)
	w.bytes(request)
	w.head(2, uint64(size))
	off := len(w.b)
	w.b = w.b[:off+size]
	return &answerWriter{w: w, shares: w.b[off : off+size : off+size]}
}

func (a *answerWriter) finish(proof []byte) []byte {
	a.w.bytes(proof)
	return a.w.b
}

func writeAnswer(a *Answer) []byte {
	w := cborWriter{make([]byte, 0, 1+strSize(len(a.Request))+strSize(len(a.Shares))+strSize(len(a.Proof)))}
	w.head(4, 3)
	w.bytes(a.Request)
	w.bytes(a.Shares)
	w.bytes(a.Proof)
	return w.b
}
