package ceremony

import (
	"bytes"
	"crypto/sha512"
	"encoding/binary"
	"hash"
	"io"
	"iter"
	"math/big"
	"math/bits"
	"runtime"
	"slices"
	"sync"

	"conclave/ceremony/group"
)

// CiphertextSize is the size of an encoded ElGamal ciphertext: A || B
// (docs/protocol.md §7.1).
const CiphertextSize = 2 * group.ElementSize

// Limits of a decryption request (docs/protocol.md §7.2).
const (
	MaxCiphertexts = 1 << 24
	MaxOptions     = 1 << 16
	MaxBound       = 1 << 40
	// MaxDlogWork caps bound × N, the work of the discrete logarithms a
	// request asks of every verifier (docs/protocol.md §7.2): with a
	// baby-step table of at most 2^20 entries it keeps combining a request
	// within about 2^21 group additions (seconds), where a tally of many
	// options at bound 2^40 cost hours at every opening of the board.
	MaxDlogWork = 1 << 40
)

// chunkSize is how many ciphertexts a worker handles at once: large enough
// for multi-scalar multiplication to pay, small enough to keep memory flat.
const chunkSize = 512

// Encrypt returns the exponential ElGamal encryption of m under the election
// key y: (r·G, m·G + r·Y), encoded as A || B (docs/protocol.md §7.1).
func Encrypt(y *group.Element, m uint64, rand io.Reader) ([]byte, error) {
	var seed [64]byte
	if _, err := io.ReadFull(rand, seed[:]); err != nil {
		return nil, errorf("cannot read randomness: %v", err)
	}
	r, _ := group.NewScalar().SetUniformBytes(seed[:])
	defer r.Zeroize()
	a := group.NewIdentityElement().ScalarBaseMult(r)
	b := group.NewIdentityElement().ScalarMult(r, y)
	b.Add(b, group.NewIdentityElement().ScalarBaseMult(group.NewScalar().SetUint64(m)))
	return append(a.Bytes(), b.Bytes()...), nil
}

// AddCiphertexts adds two batches of ciphertexts component-wise, which adds
// their plaintexts (the homomorphic tally).
func AddCiphertexts(x, y []byte) ([]byte, error) {
	if len(x) != len(y) || len(x)%CiphertextSize != 0 {
		return nil, errorf("cannot add ciphertext batches of different sizes")
	}
	out := make([]byte, len(x))
	for k := 0; k < len(x); k += group.ElementSize {
		p, err := decodeElement(x[k : k+group.ElementSize])
		if err != nil {
			return nil, errorf("ciphertext %d is not valid", k/CiphertextSize+1)
		}
		q, err := decodeElement(y[k : k+group.ElementSize])
		if err != nil {
			return nil, errorf("ciphertext %d is not valid", k/CiphertextSize+1)
		}
		copy(out[k:], p.Add(p, q).Bytes())
	}
	return out, nil
}

// parallel runs f over [0, n) in chunks of chunkSize on every core. It
// returns the first error.
func parallel(n int, f func(chunk, lo, hi int) error) error {
	return parallelSized(n, chunkSize, f)
}

// parallelSized is parallel with chunks of size elements.
func parallelSized(n, size int, f func(chunk, lo, hi int) error) error {
	chunkSize := size
	chunks := (n + chunkSize - 1) / chunkSize
	workers := min(runtime.GOMAXPROCS(0), chunks)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		next     int
		firstErr error
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				c := next
				next++
				stop := firstErr != nil
				mu.Unlock()
				if stop || c >= chunks {
					return
				}
				lo := c * chunkSize
				if err := f(c, lo, min(lo+chunkSize, n)); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	return firstErr
}

type requestInfo struct {
	env  *Envelope
	id   ID
	body Request // its Ciphertexts are in cts
	n    int
	cts  strand // the ciphertexts, in memory or in the request's file
	hash ID     // CiphertextsHash, once known
}

// ciphertextsHash is the request's CiphertextsHash (docs/protocol.md §7.2).
func (r *requestInfo) ciphertextsHash() ID {
	if r.hash.IsZero() {
		r.hash = CiphertextsHash(r.cts.b)
	}
	return r.hash
}

// checkRequestBody checks a request's fields and every ciphertext's encoding.
func checkRequestBody(r *Request) error { return checkRequestBodyKeep(r, nil) }

// checkRequestBodyKeep is checkRequestBody that, when keep is not nil (of
// one element per ciphertext), keeps there every A_k it decoded, so that
// the answer does not decode them again.
func checkRequestBodyKeep(r *Request, keep *group.Points) error {
	if err := checkRequestFields(r, uint64(len(r.Ciphertexts))); err != nil {
		return err
	}
	return checkCiphertexts(r.Ciphertexts, 0, keep)
}

// checkRequestFields checks a request's fields but its ciphertexts, of
// which size bytes are stated (docs/protocol.md §7.2).
func checkRequestFields(r *Request, size uint64) error {
	if err := checkName("request label", r.Label, MaxTitle); err != nil {
		return err
	}
	if r.Options < 1 || r.Options > MaxOptions {
		return errorf("a request has 1 to %d options, not %d", MaxOptions, r.Options)
	}
	if size%CiphertextSize != 0 || size == 0 || size/CiphertextSize > MaxCiphertexts {
		return errorf("a request holds 1 to %d ciphertexts of %d bytes each; this one holds %d bytes", MaxCiphertexts, CiphertextSize, size)
	}
	n := int(size / CiphertextSize)
	switch r.Kind {
	case RequestTally:
		if uint64(n) != r.Options {
			return errorf("a tally holds one ciphertext per option: %d options but %d ciphertexts", r.Options, n)
		}
		if r.Bound < 1 || r.Bound > MaxBound {
			return errorf("the bound of a tally (the number of ballots) must be 1 to %d, not %d", uint64(MaxBound), r.Bound)
		}
	case RequestBallots:
		if r.Bound != r.Options {
			return errorf("single ballots decrypt to an option number 1..%d, so the bound must be %d, not %d", r.Options, r.Options, r.Bound)
		}
	default:
		return errorf("unknown kind of request %q (want %q or %q)", r.Kind, RequestTally, RequestBallots)
	}
	if hi, work := bits.Mul64(r.Bound, uint64(n)); hi != 0 || work > MaxDlogWork {
		return errorf("the request asks too much work of every verifier: bound %d × %d ciphertexts is more than 2^40 (docs/protocol.md §7.2): split it into smaller requests", r.Bound, n)
	}
	return nil
}

// CheckCiphertexts checks the encoding of every ciphertext of cts, the
// first of which is ciphertext first+1 of its batch, as a request's check
// does (docs/protocol.md §7.2): for a batch read in chunks before its
// request is made (RequestFrame).
func CheckCiphertexts(cts []byte, first int) error {
	if len(cts)%CiphertextSize != 0 {
		return errorf("a request holds 1 to %d ciphertexts of %d bytes each; this one holds %d bytes", MaxCiphertexts, CiphertextSize, len(cts))
	}
	return checkCiphertexts(cts, first, nil)
}

// checkCiphertexts checks the encoding of every ciphertext of cts, the
// first of which is ciphertext first+1 of its request (docs/protocol.md
// §7.2); keep, when not nil, receives every A_k decoded.
func checkCiphertexts(cts []byte, first int, keep *group.Points) error {
	return parallel(len(cts)/CiphertextSize, func(_, lo, hi int) error {
		var pa, pb group.Element // decoded in place: no allocation per ciphertext
		for k := lo; k < hi; k++ {
			ct := cts[k*CiphertextSize:]
			a, err := pa.SetCanonicalBytes(ct[:32])
			if err != nil || a.IsIdentity() {
				return errorf("ciphertext %d of the request is not valid (its first half is not a group element other than the identity)", first+k+1)
			}
			if keep != nil {
				keep.Set(k, a)
			}
			if _, err := pb.SetCanonicalBytes(ct[32:64]); err != nil {
				return errorf("ciphertext %d of the request is not valid (its second half is not a group element)", first+k+1)
			}
		}
		return nil
	})
}

// NewRequest prepares a decryption request for a completed ceremony
// (docs/protocol.md §7.2). ciphertexts holds N ciphertexts of 64 bytes.
func (s *State) NewRequest(label, kind string, options, bound uint64, ciphertexts []byte) (*Envelope, error) {
	if !s.Complete() {
		return nil, errorf("the key ceremony is not complete: there is nothing to decrypt with yet")
	}
	r := Request{Label: label, Kind: kind, Options: options, Bound: bound, Close: s.Call.Close, Ciphertexts: ciphertexts}
	if err := checkRequestBody(&r); err != nil {
		return nil, err
	}
	return newEnvelope(KindRequest, s.ID[:], 0, &r), nil
}

// RequestFrame is NewRequest for a batch of n ciphertexts that is not
// held in memory (docs/protocol.md §7.2): it checks the request's fields
// as NewRequest does and returns its encoding before the ciphertexts
// (head) and after them (tail), between which the caller writes the n
// ciphertexts, 64 bytes each, in order. The message so written is checked
// whole, ciphertexts included, when it is taken in (State.Add of
// OpenMessage).
func (s *State) RequestFrame(label, kind string, options, bound uint64, n int) (head, tail []byte, err error) {
	if !s.Complete() {
		return nil, nil, errorf("the key ceremony is not complete: there is nothing to decrypt with yet")
	}
	r := Request{Label: label, Kind: kind, Options: options, Bound: bound, Close: s.Call.Close}
	size := uint64(n) * CiphertextSize
	if n < 0 {
		size = 1 // refused below, as a batch that is not whole ciphertexts
	}
	if err := checkRequestFields(&r, size); err != nil {
		return nil, nil, err
	}
	body := writeRequest(&r)  // its ciphertexts' byte string empty: one byte of head
	body = body[:len(body)-1] // without that head
	body = appendHead(body, 2, size)
	head = appendHead(nil, 4, 6)
	head = appendHead(head, 0, Version)
	head = appendHead(head, 3, uint64(len(KindRequest)))
	head = append(head, KindRequest...)
	head = appendHead(head, 2, uint64(len(s.ID)))
	head = append(head, s.ID[:]...)
	head = appendHead(head, 0, 0)
	head = appendHead(head, 2, uint64(len(body))+size)
	return append(head, body...), appendHead(nil, 2, 0), nil
}

func (s *State) addRequest(e *Envelope) (Text, error) {
	if !s.Complete() {
		return Text{}, errorf("a decryption request arrived before the key ceremony completed")
	}
	id := e.ID()
	if _, ok := s.requests[id]; ok {
		return Text{}, ErrDuplicate
	}
	var r Request
	if err := e.DecodeBody(&r); err != nil {
		return Text{}, err
	}
	info := &requestInfo{env: e, id: id, cts: strand{b: r.Ciphertexts, unit: CiphertextSize}}
	info.n = len(r.Ciphertexts) / CiphertextSize
	if e.spill != nil {
		info.cts.file, info.n, info.hash = e.spill, int(e.spill.n/CiphertextSize), e.spill.ctHash
	}
	r.Ciphertexts = nil
	info.body = r
	key := checkKey("request", id[:])
	if !s.checkPassed(key) {
		var err error
		if e.spill == nil {
			r.Ciphertexts = info.cts.b
			err = checkRequestBody(&r)
			r.Ciphertexts = nil
		} else {
			// OpenMessage checked its fields; its ciphertexts now.
			err = strands([]strand{info.cts}, info.n, func(parts [][]byte, first int) error {
				return checkCiphertexts(parts[0], first, nil)
			})
		}
		if err != nil {
			return Text{}, err
		}
		s.rememberCheck(key)
	}
	if r.Close != s.Call.Close {
		return Text{}, errorf("the request states another close of poll than the manifest: it was altered")
	}
	s.requests[id] = info
	s.reqOrder = append(s.reqOrder, id)
	s.answers[id] = map[uint64]*answerInfo{}
	return textf("request %q (%s): %d ciphertexts, fingerprint %s", r.Label, r.Kind, info.n, id.Fingerprint()), nil
}

// RequestSummary is what a member sees of a request before unlocking
// anything (docs/protocol.md §7.2).
type RequestSummary struct {
	ID          ID
	Ceremony    ID
	Label       string
	Kind        string
	Options     uint64
	Bound       uint64
	Close       int64 // the close of poll the request states (checked against the keystore when decrypting)
	Ciphertexts int
	Hash        ID // CiphertextsHash of the batch, to compare with the voting system's
}

// Summarize checks a request on its own and describes it (docs/protocol.md
// §7.2). What it checked is remembered on e, by a hash of every field, so
// that the member's program (which shows the summary, then answers) checks
// the ciphertexts once; up to 262,144 ciphertexts it also keeps every A_k
// it decoded (64 bytes each) until Secrets.Answer takes them, so that the
// answer does not decode them again.
func Summarize(e *Envelope) (RequestSummary, error) {
	sum, _, err := summarize(e, false)
	return sum, err
}

// summarize is Summarize that, when take is true, also hands out (once)
// the A_k its check decoded and kept, or nil.
func summarize(e *Envelope, take bool) (RequestSummary, *group.Points, error) {
	if e.Kind != KindRequest {
		return RequestSummary{}, nil, errorf("this is a %s message, not a decryption request", e.Kind)
	}
	h := e.fieldsHash()
	if c := e.checked; c != nil && c.fields == h {
		d := c.decoded
		if !take {
			d = nil
		} else {
			c.decoded = nil // 64 bytes per ciphertext, used once
		}
		return c.sum, d, nil
	}
	var r Request
	if err := e.DecodeBody(&r); err != nil {
		return RequestSummary{}, nil, err
	}
	// Up to keepDecodedMax ciphertexts, the A_k decoded by the check are
	// kept for the answer (Secrets.Answer takes them).
	var keep *group.Points
	if n := len(r.Ciphertexts) / CiphertextSize; len(r.Ciphertexts)%CiphertextSize == 0 && n > 0 && n <= keepDecodedMax {
		keep = group.NewPoints(n)
	}
	if err := checkRequestBodyKeep(&r, keep); err != nil {
		return RequestSummary{}, nil, err
	}
	sum := RequestSummary{ID: e.ID(), Ceremony: e.ceremonyID(), Label: r.Label, Kind: r.Kind,
		Options: r.Options, Bound: r.Bound, Close: r.Close, Ciphertexts: len(r.Ciphertexts) / CiphertextSize,
		Hash: CiphertextsHash(r.Ciphertexts)}
	if take {
		e.checked = &checkedRequest{fields: h, sum: sum}
		return sum, keep, nil
	}
	e.checked = &checkedRequest{fields: h, sum: sum, decoded: keep}
	return sum, nil, nil
}

// weightSeed binds the batched proof's weights to the whole statement: the
// ceremony, the request (and so every A_k), the member, Y_j and every D_k
// (docs/protocol.md §7.3).
func weightSeed(ceremony, request ID, j uint64, yj *group.Element, shares []byte) []byte {
	return newTranscript(tagWeights).bytes(ceremony[:]).bytes(request[:]).uint(j).element(yj).bytes(shares).sum()
}

// weight returns d_k: the first 16 bytes of H("conclave/v1/decryption-weight",
// seed, k) read as a little-endian 128-bit integer (docs/protocol.md §7.3).
func weight(seed []byte, k int) *group.Scalar {
	return newWeigher(seed).weight(k, group.NewScalar())
}

// weightBits is the length of a weight d_k (docs/protocol.md §7.3).
const weightBits = 128

// weigher computes weights without allocating: one hash, reset for each k,
// fed the same length-prefixed framing as a transcript.
type weigher struct {
	h      hash.Hash
	prefix []byte // the framed tag and seed
	sum    [sha512.Size]byte
	buf    [32]byte
}

func newWeigher(seed []byte) *weigher {
	var prefix []byte
	for _, part := range [][]byte{[]byte(tagWeight), seed} {
		prefix = binary.BigEndian.AppendUint64(prefix, uint64(len(part)))
		prefix = append(prefix, part...)
	}
	return &weigher{h: sha512.New(), prefix: prefix}
}

func (w *weigher) weight(k int, out *group.Scalar) *group.Scalar {
	w.h.Reset()
	w.h.Write(w.prefix)
	var n [16]byte
	binary.BigEndian.PutUint64(n[:8], 8)
	binary.BigEndian.PutUint64(n[8:], uint64(k))
	w.h.Write(n[:])
	sum := w.h.Sum(w.sum[:0])
	clear(w.buf[:])
	copy(w.buf[:16], sum[:16])
	s, _ := out.SetCanonicalBytes(w.buf[:])
	return s
}

// composite returns M = Σ d_k·A_k over the ciphertexts and, when shares is
// not nil, Z = Σ d_k·D_k over the decryption shares, in one pass on every
// core that computes each weight once and allocates per chunk, not per
// element (docs/protocol.md §7.3). When decoded is not nil it holds every
// A_k already decoded, and the ciphertexts are not decoded again.
func composite(seed, ciphertexts, shares []byte, n int, decoded *group.Points) (m, z *group.Element, err error) {
	return compositeFrom(seed, ciphertexts, shares, 0, n, decoded)
}

// compositeFrom is composite over ciphertexts first+1 to first+n of a
// request: ciphertexts, shares and decoded hold only those, and the
// weights are those of their place in the request.
func compositeFrom(seed, ciphertexts, shares []byte, first, n int, decoded *group.Points) (m, z *group.Element, err error) {
	// Chunks as large as compositeChunk while every core has one: the
	// bucket method's cost per term falls as its chunk grows.
	chunk := min(compositeChunk, max(compositeChunkMin, (n+runtime.GOMAXPROCS(0)-1)/runtime.GOMAXPROCS(0)))
	chunks := (n + chunk - 1) / chunk
	partM := make([]*group.Element, chunks)
	partZ := make([]*group.Element, chunks)
	err = parallelSized(n, chunk, func(c, lo, hi int) error {
		w := newWeigher(seed)
		size := hi - lo
		elems := make([]group.Element, size)
		if shares != nil {
			elems = make([]group.Element, 2*size)
		}
		scalars := make([]group.Scalar, size)
		ws := make([]*group.Scalar, size)
		as := make([]*group.Element, size)
		ds := make([]*group.Element, size)
		for k := lo; k < hi; k++ {
			i := k - lo
			if decoded != nil {
				as[i] = decoded.Get(k, &elems[i])
			} else {
				a, err := elems[i].SetCanonicalBytes(ciphertexts[k*CiphertextSize : k*CiphertextSize+group.ElementSize])
				if err != nil {
					return causef("ciphertext %d is not a valid group element", first+k+1)
				}
				as[i] = a
			}
			if shares != nil {
				d, err := elems[size+i].SetCanonicalBytes(shares[k*group.ElementSize : (k+1)*group.ElementSize])
				if err != nil {
					return causef("decryption share %d is not a valid group element", first+k+1)
				}
				ds[i] = d
			}
			ws[i] = w.weight(first+k, &scalars[i])
		}
		partM[c] = group.NewIdentityElement().VarTimeMultiScalarMultShort(ws, as, weightBits)
		if shares != nil {
			partZ[c] = group.NewIdentityElement().VarTimeMultiScalarMultShort(ws, ds, weightBits)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	m, z = group.NewIdentityElement(), group.NewIdentityElement()
	for c := range partM {
		m.Add(m, partM[c])
		if shares != nil {
			z.Add(z, partZ[c])
		}
	}
	return m, z, nil
}

// compositeChunk is how many terms of a composite a worker sums at once:
// the bucket method's cost per term falls as the chunk grows (about 15
// additions per term at 8,192 against 19 at 2,048; about 5 MiB per worker
// at this size). compositeChunkMin is the least size of a chunk when the
// terms are shared between cores.
const (
	compositeChunk    = 8192
	compositeChunkMin = 2048
)

// keepDecodedMax is the largest batch whose decoded A_k an answer keeps
// for its proof (64 bytes each, so at most 16 MiB); a larger one decodes
// them again, so that memory stays within twice the request's size.
const keepDecodedMax = 1 << 18

func decryptionContext(ceremony, request ID, j uint64) [][]byte {
	return [][]byte{ceremony[:], uintBytes(j), request[:]}
}

// partialDecrypt computes D_k = x·A_k for every ciphertext and the batched
// proof that log_G Y_j = log_A_k D_k for all k (docs/protocol.md §7.3).
//
// Each A_k is decoded once: a chunk computes (x/2)·A_k for its elements and
// encodes the doubles in one batch (group.DoubleAndEncodeBatch: one field
// inversion per chunk instead of an inverse square root per share), and
// keeps A_k decoded for the composite of the proof.
func partialDecrypt(x *group.Scalar, ceremony, request ID, j uint64, ciphertexts []byte, rand io.Reader) (shares, proofBytes []byte, err error) {
	n := len(ciphertexts) / CiphertextSize
	shares = make([]byte, n*group.ElementSize)
	proofBytes, err = partialDecryptInto(shares, x, ceremony, request, j, ciphertexts, nil, rand)
	if err != nil {
		return nil, nil, err
	}
	return shares, proofBytes, nil
}

// partialDecryptInto is partialDecrypt writing the shares to shares
// (32 bytes per ciphertext), with every A_k already decoded in have (by
// the request's check), or have nil.
func partialDecryptInto(shares []byte, x *group.Scalar, ceremony, request ID, j uint64, ciphertexts []byte, have *group.Points, rand io.Reader) (proofBytes []byte, err error) {
	n := len(ciphertexts) / CiphertextSize
	if len(shares) != n*group.ElementSize {
		panic("ceremony: internal error: room for the decryption shares of the wrong size")
	}
	half := group.NewScalar().Multiply(x, halfScalar)
	defer half.Zeroize()
	decoded := have
	if decoded != nil && decoded.Len() != n {
		decoded = nil
	}
	fresh := decoded == nil
	if fresh && n <= keepDecodedMax {
		decoded = group.NewPoints(n)
	}
	err = parallel(n, func(_, lo, hi int) error {
		var a group.Element
		ds := make([]group.Element, hi-lo)
		dp := make([]*group.Element, hi-lo)
		for k := lo; k < hi; k++ {
			if !fresh {
				decoded.Get(k, &a)
			} else if _, err := a.SetCanonicalBytes(ciphertexts[k*CiphertextSize : k*CiphertextSize+32]); err != nil {
				return errorf("ciphertext %d of the request is not valid", k+1)
			} else if decoded != nil {
				decoded.Set(k, &a)
			}
			dp[k-lo] = ds[k-lo].ScalarMult(half, &a)
		}
		group.DoubleAndEncodeBatch(shares[lo*group.ElementSize:hi*group.ElementSize], dp)
		return nil
	})
	if err != nil {
		return nil, err
	}
	yj := group.NewIdentityElement().ScalarBaseMult(x)
	seed := weightSeed(ceremony, request, j, yj, shares)
	m, _, err := composite(seed, ciphertexts, nil, n, decoded)
	if err != nil {
		return nil, err
	}
	z := group.NewIdentityElement().ScalarMult(x, m)
	p, err := prove(tagProofDecryption, decryptionContext(ceremony, request, j), x,
		[]*group.Element{nil, m}, []*group.Element{yj, z}, rand)
	if err != nil {
		return nil, err
	}
	return p.bytes(), nil
}

// halfScalar is 1/2 modulo the group order.
var halfScalar = group.NewScalar().Invert(group.NewScalar().SetUint64(2))

// verifyPartial checks member j's answer to a request of n ciphertexts
// against its verification key (docs/protocol.md §7.3): one pass over the
// shares for the weights' seed, one over the ciphertexts and the shares
// together for the composites.
func verifyPartial(yj *group.Element, ceremony, request ID, j uint64, cts strand, n int, shares strand, proofBytes []byte) error {
	if size := shares.len(); size != int64(n)*group.ElementSize {
		return causef("it holds %d bytes of decryption shares, want %d (32 for each of the %d ciphertexts)", size, n*group.ElementSize, n)
	}
	p, err := parseProof(proofBytes)
	if err != nil {
		return err
	}
	// weightSeed, the shares hashed as they are read.
	t := newTranscript(tagWeights).bytes(ceremony[:]).bytes(request[:]).uint(j).element(yj)
	var l [8]byte
	binary.BigEndian.PutUint64(l[:], uint64(n)*group.ElementSize)
	t.h.Write(l[:])
	if err := strands([]strand{shares}, n, func(parts [][]byte, _ int) error {
		t.h.Write(parts[0])
		return nil
	}); err != nil {
		return err
	}
	seed := t.sum()
	m, z := group.NewIdentityElement(), group.NewIdentityElement()
	err = strands([]strand{cts, shares}, n, func(parts [][]byte, first int) error {
		pm, pz, err := compositeFrom(seed, parts[0], parts[1], first, len(parts[1])/group.ElementSize, nil)
		if err != nil {
			return err
		}
		m.Add(m, pm)
		z.Add(z, pz)
		return nil
	})
	if err != nil {
		return err
	}
	if !verifyProof(tagProofDecryption, decryptionContext(ceremony, request, j),
		[]*group.Element{nil, m}, []*group.Element{yj, z}, p) {
		return causef("its proof of correct decryption does not verify")
	}
	return nil
}

type answerInfo struct {
	env    *Envelope
	id     ID
	body   Answer // its Shares are in shares
	shares strand // in memory or in the answer's file
	valid  bool
	fault  error // why an answer signed by its member is not a correct decryption
}

func (s *State) addAnswer(e *Envelope) (Text, error) {
	j := e.Sender
	m, _ := s.Member(j)
	var a Answer
	if err := e.DecodeBody(&a); err != nil {
		return Text{}, err
	}
	var rid ID
	if len(a.Request) != len(rid) {
		return Text{}, errorf("the answer of %s does not name a request", m.label())
	}
	copy(rid[:], a.Request)
	req := s.requests[rid]
	if req == nil {
		return Text{}, errorf("the answer of %s is for request %s, which is not on this board: take in the request first", m.label(), rid.Fingerprint())
	}
	qual := s.qualified()
	if !slices.Contains(qual, j) {
		return Text{}, errorf("%s was disqualified during the key ceremony and holds no share", m.label())
	}
	id := e.ID()
	if prev := s.answers[rid][j]; prev != nil {
		if prev.id == id {
			return Text{}, ErrDuplicate
		}
		return Text{}, errorf("%s already answered request %s with a different answer", m.label(), rid.Fingerprint())
	}
	info := &answerInfo{env: e, id: id, body: a, shares: strand{b: a.Shares, file: e.spill, unit: group.ElementSize}, valid: true}
	info.body.Shares = nil
	yj := s.VerificationKey(qual, j)
	key := checkKey("answer", id[:], s.ID[:], rid[:], binary.BigEndian.AppendUint64(nil, j), yj.Bytes())
	if !s.checkPassed(key) {
		if err := verifyPartial(yj, s.ID, rid, j, req.cts, req.n, info.shares, a.Proof); fileFault(err) {
			return Text{}, err
		} else if err != nil {
			info.valid, info.fault = false, err
		} else {
			s.rememberCheck(key)
		}
	}
	s.answers[rid][j] = info
	if !info.valid {
		return textf("answer of %s to request %s: signed, but NOT a correct decryption (%s): it will be skipped", m.label(), rid.Fingerprint(), info.fault), nil
	}
	return textf("answer of %s to request %s: signed, proof of correct decryption verifies", m.label(), rid.Fingerprint()), nil
}

// PendingRequests returns the requests that have no result yet.
func (s *State) PendingRequests() []ID {
	var out []ID
	for _, id := range s.reqOrder {
		if s.results[id] == nil {
			out = append(out, id)
		}
	}
	return out
}

// Requests returns the IDs of the decryption requests, in the order they
// were taken in (in replay order, by ID, when read back from a record).
func (s *State) Requests() []ID { return slices.Clone(s.reqOrder) }

// RequestInfo describes request id: its fields, but not its ciphertexts
// (Ciphertexts is nil), which may stay in its file (OpenMessage); its
// RequestSummary gives their number and hash.
func (s *State) RequestInfo(id ID) (Request, bool) {
	r := s.requests[id]
	if r == nil {
		return Request{}, false
	}
	return r.body, true
}

// RequestSummary describes request id as a member sees it
// (docs/protocol.md §7.2): its fields, the number of its ciphertexts and
// their hash.
func (s *State) RequestSummary(id ID) (RequestSummary, bool) {
	r := s.requests[id]
	if r == nil {
		return RequestSummary{}, false
	}
	b := r.body
	return RequestSummary{ID: id, Ceremony: s.ID, Label: b.Label, Kind: b.Kind, Options: b.Options, Bound: b.Bound,
		Close: b.Close, Ciphertexts: r.n, Hash: r.ciphertextsHash()}, true
}

// AnswerStatus says which members answered request id, and which answers
// are not correct decryptions and why.
func (s *State) AnswerStatus(id ID) (valid []uint64, invalid map[uint64]error) {
	invalid = map[uint64]error{}
	for j := uint64(1); j <= uint64(len(s.Members)); j++ {
		if a := s.answers[id][j]; a != nil {
			if a.valid {
				valid = append(valid, j)
			} else {
				invalid[j] = a.fault
			}
		}
	}
	return valid, invalid
}

// Count decrypts request id from the first t valid answers (by member
// index): M_k = B_k − Σ λ_j·D_jk, then the bounded discrete logarithm of
// each M_k (docs/protocol.md §7.4). It returns the result message, whose
// plaintexts are held only in their encoding (1 to 3 bytes each for single
// ballots), made chunk by chunk as they are found.
func (s *State) Count(id ID) (*Envelope, error) {
	req := s.requests[id]
	if req == nil {
		return nil, errorf("request %s is not on this board", id.Fingerprint())
	}
	valid, invalid := s.AnswerStatus(id)
	t := int(s.Call.Threshold)
	if len(valid) < t {
		if len(invalid) == 0 {
			return nil, errorf("%d valid answers to request %s, and %d are needed", len(valid), id.Fingerprint(), t)
		}
		skipped := List{Sep: "; "}
		for j, why := range invalid {
			skipped.Items = append(skipped.Items, textf("%s was skipped: %s", s.who(j), why))
		}
		return nil, errorf("%d valid answers to request %s, and %d are needed; %v", len(valid), id.Fingerprint(), t, skipped)
	}
	used := valid[:t]
	// The result's body (writeResult's encoding), its plaintexts appended
	// as the count finds them.
	answers := make([][]byte, len(used))
	for k, j := range used {
		aid := s.answers[id][j].id
		answers[k] = aid[:]
	}
	body := appendResultHeads(nil, id[:], answers, req.n)
	err := s.combine(req, used, func(_ int, pts []uint64) error {
		for _, v := range pts {
			body = appendHead(body, 0, v)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	e := &Envelope{Version: Version, Kind: KindResult, Ceremony: s.ID[:], Body: body}
	// The result is what this combination gives: taking it in (Add)
	// need not combine again what was just combined.
	rid := e.ID()
	s.rememberCheck(checkKey("result", rid[:], s.ID[:]))
	return e, nil
}

// Combine is Count, with the plaintexts decoded (8 bytes each).
func (s *State) Combine(id ID) (*Envelope, []uint64, error) {
	e, err := s.Count(id)
	if err != nil {
		return nil, nil, err
	}
	var r Result
	if err := e.DecodeBody(&r); err != nil {
		return nil, nil, err
	}
	return e, r.Plaintexts, nil
}

// combine decrypts request req from the answers of used (§7.4), a chunk
// at a time: it hands emit each chunk's plaintexts (valid until the next
// call) with the index of the first.
func (s *State) combine(req *requestInfo, used []uint64, emit func(first int, pts []uint64) error) error {
	// With the Lagrange coefficients over a common denominator L,
	// λ_j = N_j/L with small integers, L·M_k = L·B_k − Σ N_j·D_jk costs a
	// few additions instead of t+1 full scalar multiplications, and the
	// discrete logarithm of L·M_k = m·(L·G) is taken in base L·G.
	l, nums, small := smallLagrange(used)
	var lambda []*group.Scalar
	base := group.NewGeneratorElement()
	if small {
		base.ScalarMult(group.NewScalar().SetUint64(uint64(l)), base)
	} else {
		lambda = lagrangeAtZero(used)
		for _, x := range lambda {
			x.Negate(x)
		}
	}
	bound := req.body.Bound
	table := newDlogTable(base, bound, req.n)
	buf := make([]uint64, min(req.n, strandChunk))
	// The request's ciphertexts and the t answers' shares, read together.
	ss := []strand{req.cts}
	for _, j := range used {
		sh := s.answers[req.id][j].shares
		if sh.len() != int64(req.n)*group.ElementSize {
			// Only a check remembered wrongly (CheckCache) gets here.
			return errorf("the answer of %s holds %d bytes of decryption shares, want %d", s.who(j), sh.len(), req.n*group.ElementSize)
		}
		ss = append(ss, sh)
	}
	return strands(ss, req.n, func(parts [][]byte, first int) error {
		cts, shares := parts[0], parts[1:]
		pts := buf[:len(cts)/CiphertextSize]
		err := parallel(len(pts), func(_, lo, hi int) error {
			var scalars []*group.Scalar
			var ks []int64
			if small {
				ks = make([]int64, len(used)+1)
				for u := range used {
					ks[u] = -nums[u]
				}
				ks[len(used)] = l
			} else {
				scalars = make([]*group.Scalar, len(used)+1)
				copy(scalars, lambda)
				scalars[len(used)] = group.NewScalar().SetUint64(1)
			}
			elems := make([]group.Element, len(used)+1)
			points := make([]*group.Element, len(used)+1)
			m := group.NewIdentityElement()
			for i := lo; i < hi; i++ {
				k := first + i
				b, err := elems[len(used)].SetCanonicalBytes(cts[i*CiphertextSize+32 : (i+1)*CiphertextSize])
				if err != nil {
					return errorf("ciphertext %d is not valid", k+1)
				}
				points[len(used)] = b
				for u, j := range used {
					d, err := elems[u].SetCanonicalBytes(shares[u][i*32 : i*32+32])
					if err != nil {
						return errorf("the answer of %s has an invalid share for ciphertext %d", s.who(j), k+1)
					}
					points[u] = d
				}
				if small {
					m.VarTimeMultiSmallMult(ks, points)
				} else {
					m.VarTimeMultiScalarMult(scalars, points)
				}
				v, ok := table.solve(m)
				if !ok {
					return errorf("ciphertext %d does not decrypt to a number from 0 to %d: it is not an encryption of a valid count or option under this election key", k+1, bound)
				}
				if req.body.Kind == RequestBallots && v == 0 {
					return errorf("ballot %d decrypts to 0, which is not an option number (1 to %d)", k+1, req.body.Options)
				}
				pts[i] = v
			}
			return nil
		})
		if err != nil {
			return err
		}
		return emit(first, pts)
	})
}

// smallLagrange writes the Lagrange coefficients at zero for the members
// in used as λ_j = nums[j]/l with integers: l the least common multiple of
// the denominators' magnitudes, and nums of any sign. ok is false when one
// of them does not fit in 62 bits (then the full scalars are used).
func smallLagrange(used []uint64) (l int64, nums []int64, ok bool) {
	dens := make([]*big.Int, len(used))
	lcm := big.NewInt(1)
	for a, j := range used {
		den := big.NewInt(1)
		for b, m := range used {
			if a != b {
				den.Mul(den, big.NewInt(int64(m)-int64(j)))
			}
		}
		dens[a] = den
		abs := new(big.Int).Abs(den)
		g := new(big.Int).GCD(nil, nil, lcm, abs)
		lcm.Mul(lcm, abs.Quo(abs, g))
	}
	if lcm.BitLen() > 62 {
		return 0, nil, false
	}
	nums = make([]int64, len(used))
	for a, j := range used {
		num := new(big.Int).Set(lcm)
		for b, m := range used {
			if a != b {
				num.Mul(num, new(big.Int).SetUint64(m))
			}
		}
		num.Quo(num, dens[a]) // exact: dens[a] divides lcm
		if num.BitLen() > 62 {
			return 0, nil, false
		}
		nums[a] = num.Int64()
		_ = j
	}
	return lcm.Int64(), nums, true
}

type resultInfo struct {
	env  *Envelope
	id   ID
	body Result // its Plaintexts are in pts
	pts  []byte // the plaintexts' encoding, a slice of env.Body
	n    int
	used []uint64
}

func (s *State) addResult(e *Envelope) (Text, error) {
	r, pts, n, err := viewResultHeads(e.Body)
	if err != nil {
		return Text{}, errorf("the body of this %s message is malformed (%v)", e.Kind, err)
	}
	var rid ID
	if len(r.Request) != len(rid) {
		return Text{}, errorf("the result does not name a request")
	}
	copy(rid[:], r.Request)
	req := s.requests[rid]
	if req == nil {
		return Text{}, errorf("the result is for request %s, which is not in the record", rid.Fingerprint())
	}
	id := e.ID()
	if prev := s.results[rid]; prev != nil {
		if prev.id == id {
			return Text{}, ErrDuplicate
		}
		return Text{}, errorf("request %s already has a different result", rid.Fingerprint())
	}
	if uint64(len(r.Answers)) != s.Call.Threshold {
		return Text{}, errorf("the result combines %d answers; the threshold is %d", len(r.Answers), s.Call.Threshold)
	}
	var used []uint64
	for _, aid := range r.Answers {
		found := uint64(0)
		for j, a := range s.answers[rid] {
			if bytes.Equal(a.id[:], aid) {
				found = j
			}
		}
		if found == 0 {
			return Text{}, errorf("the result uses an answer (%s) that is not in the record", Fingerprint(aid))
		}
		if a := s.answers[rid][found]; !a.valid {
			return Text{}, errorf("the result uses the answer of %s, which is not a correct decryption (%s)", s.who(found), a.fault)
		}
		if len(used) > 0 && found <= used[len(used)-1] {
			return Text{}, errorf("the result lists its answers out of order")
		}
		used = append(used, found)
	}
	key := checkKey("result", id[:], s.ID[:])
	if !s.checkPassed(key) {
		altered := errorf("the result of request %s does not match the decryption of its ciphertexts by the answers it names: it was altered", rid.Fingerprint())
		if n != req.n {
			return Text{}, altered
		}
		stated := cborView{b: pts}
		err := s.combine(req, used, func(_ int, found []uint64) error {
			for _, v := range found {
				if stated.uint() != v {
					return altered
				}
			}
			return nil
		})
		if err != nil {
			return Text{}, err
		}
		s.rememberCheck(key)
	}
	s.results[rid] = &resultInfo{env: e, id: id, body: r, pts: pts, n: n, used: used}
	return textf("result of request %q: recomputed from the answers of members %v, matches (%d plaintexts)", req.body.Label, used, n), nil
}

// Plaintexts returns the plaintexts of the result of request id, one after
// the other, decoded from the result's encoding as they are read (the
// state holds only that encoding), or nothing if it has no result.
func (s *State) Plaintexts(id ID) iter.Seq[uint64] {
	return func(yield func(uint64) bool) {
		r := s.results[id]
		if r == nil {
			return
		}
		v := cborView{b: r.pts}
		for range r.n {
			if !yield(v.uint()) {
				return
			}
		}
	}
}

// Result returns the result of request id, if there is one, and the
// members whose answers it combines. Its Plaintexts is nil: they are
// read with Plaintexts.
func (s *State) Result(id ID) (Result, []uint64, bool) {
	r := s.results[id]
	if r == nil {
		return Result{}, nil, false
	}
	return r.body, r.used, true
}

// dlogTable solves m·G = P for 0 ≤ m ≤ bound, for a base G (the
// generator, or a small multiple of it) by baby-step giant-step
// (docs/protocol.md §7.4).
type dlogTable struct {
	step  uint64
	bound uint64
	baby  map[[32]byte]uint64
	giant *group.Element // −step·G
}

// newDlogTable sizes the baby-step table for n discrete logarithms below
// bound: about sqrt(n·bound) entries, so that building the table and the
// giant steps cost about the same, and at most bound+1 entries (then every
// solution is one look-up) or 2^20.
func newDlogTable(g *group.Element, bound uint64, n int) *dlogTable {
	step := uint64(1)
	for step*step < bound+1 {
		step++
	}
	if full := bound + 1; full <= 1<<20 && full <= step*uint64(n) {
		step = full
	} else {
		for step < 1<<20 && step*step < (bound+1)*uint64(n) {
			step *= 2
		}
	}
	t := &dlogTable{step: step, bound: bound, baby: make(map[[32]byte]uint64, step)}
	p := group.NewIdentityElement()
	for j := uint64(0); j < step; j++ {
		t.baby[[32]byte(p.Bytes())] = j
		p.Add(p, g)
	}
	t.giant = group.NewIdentityElement().Negate(p) // p = step·G
	return t
}

func (t *dlogTable) solve(p *group.Element) (uint64, bool) {
	q := group.NewIdentityElement().Set(p)
	for i := uint64(0); i*t.step <= t.bound; i++ {
		if j, ok := t.baby[[32]byte(q.Bytes())]; ok {
			if m := i*t.step + j; m <= t.bound {
				return m, true
			}
			return 0, false
		}
		q.Add(q, t.giant)
	}
	return 0, false
}

// CiphertextsHash is the hash of a batch of ciphertexts that a voting system
// publishes and members compare (docs/protocol.md §7.2).
func CiphertextsHash(ciphertexts []byte) ID {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(ciphertexts)/CiphertextSize))
	return newTranscript(tagCiphertexts).bytes(n[:]).bytes(ciphertexts).id()
}
