package ceremony

import (
	"io"

	"conclave/ceremony/group"
)

// ProofSize is the size in bytes of an encoded proof: the challenge c and
// the response z, each a canonical scalar (docs/protocol.md §3).
const ProofSize = 2 * group.ScalarSize

// proof is a non-interactive zero-knowledge proof of knowledge of x such
// that publics[i] = x·bases[i] for every i: a Schnorr proof for one base, a
// Chaum-Pedersen (DLEQ) proof for two (docs/protocol.md §3). The challenge is
// computed in the strong Fiat-Shamir form: it binds the domain tag, the
// context (ceremony, prover index and whatever the statement is about),
// every base, every public value and every commitment.
type proof struct {
	c, z *group.Scalar
}

func (p proof) bytes() []byte {
	out := make([]byte, 0, ProofSize)
	out = append(out, p.c.Bytes()...)
	return append(out, p.z.Bytes()...)
}

var errProofEncoding = causef("proof is not 64 bytes of two canonical scalars")

func parseProof(b []byte) (proof, error) {
	if len(b) != ProofSize {
		return proof{}, errProofEncoding
	}
	c, err := group.NewScalar().SetCanonicalBytes(b[:32])
	if err != nil {
		return proof{}, errProofEncoding
	}
	z, err := group.NewScalar().SetCanonicalBytes(b[32:])
	if err != nil {
		return proof{}, errProofEncoding
	}
	return proof{c: c, z: z}, nil
}

// challenge computes c = H(tag, context..., bases..., publics..., commitments...).
func challenge(tag string, context [][]byte, bases, publics, commitments []*group.Element) *group.Scalar {
	t := newTranscript(tag)
	t.uint(uint64(len(context)))
	for _, c := range context {
		t.bytes(c)
	}
	t.uint(uint64(len(bases)))
	for i := range bases {
		t.element(bases[i]).element(publics[i]).element(commitments[i])
	}
	return t.scalar()
}

// nonce derives the prover's commitment scalar from the secret, fresh
// randomness and the statement ("hedged" nonces: a broken random source alone
// does not reveal x, and a fault alone does not either).
func nonce(tag string, x *group.Scalar, rand io.Reader, context [][]byte, publics []*group.Element) (*group.Scalar, error) {
	var r [32]byte
	if _, err := io.ReadFull(rand, r[:]); err != nil {
		return nil, errorf("cannot read randomness: %v", err)
	}
	xb := x.Bytes()
	t := newTranscript(tagNonce).bytes([]byte(tag)).bytes(xb).bytes(r[:])
	clear(xb)
	clear(r[:])
	for _, c := range context {
		t.bytes(c)
	}
	for _, p := range publics {
		t.element(p)
	}
	return t.secretScalar(), nil
}

// prove makes a proof that publics[i] = x·bases[i] for all i. A nil base
// stands for the generator G.
func prove(tag string, context [][]byte, x *group.Scalar, bases, publics []*group.Element, rand io.Reader) (proof, error) {
	bases = withGenerator(bases)
	k, err := nonce(tag, x, rand, context, publics)
	if err != nil {
		return proof{}, err
	}
	defer k.Zeroize()
	commitments := make([]*group.Element, len(bases))
	for i, b := range bases {
		commitments[i] = group.NewIdentityElement().ScalarMult(k, b)
	}
	c := challenge(tag, context, bases, publics, commitments)
	z := group.NewScalar().MultiplyAdd(c, x, k)
	return proof{c: c, z: z}, nil
}

// verifyProof checks a proof made by prove. It runs in variable time: every
// input is public.
func verifyProof(tag string, context [][]byte, bases, publics []*group.Element, p proof) bool {
	negC := group.NewScalar().Negate(p.c)
	commitments := make([]*group.Element, len(bases))
	for i, b := range bases {
		if b == nil {
			commitments[i] = group.NewIdentityElement().VarTimeDoubleScalarBaseMult(negC, publics[i], p.z)
		} else {
			commitments[i] = group.NewIdentityElement().VarTimeMultiScalarMult(
				[]*group.Scalar{p.z, negC}, []*group.Element{b, publics[i]})
		}
	}
	return challenge(tag, context, withGenerator(bases), publics, commitments).Equal(p.c) == 1
}

func withGenerator(bases []*group.Element) []*group.Element {
	out := make([]*group.Element, len(bases))
	for i, b := range bases {
		if b == nil {
			b = group.NewGeneratorElement()
		}
		out[i] = b
	}
	return out
}

// OpenProofSize is the size of the proof in an open message for threshold
// t: the 2t commitments and the 2t responses (docs/protocol.md §3.6).
func OpenProofSize(t uint64) int { return int(4 * t * 32) }

// openChallenge computes c = H("conclave/v2/proof/open"; context..., G, H,
// t, then for each k: E_k, C_k, R_k, S_k) (docs/protocol.md §3.6), from
// the canonical encodings (elements decoded strictly have only those, so
// hashing the bytes received spares encoding them again).
func openChallenge(context [][]byte, e, c, r, s [][]byte) *group.Scalar {
	t := newTranscript(tagProofOpen)
	t.uint(uint64(len(context)))
	for _, x := range context {
		t.bytes(x)
	}
	t.element(group.NewGeneratorElement()).element(GeneratorH()).uint(uint64(len(e)))
	for k := range e {
		t.bytes(e[k]).bytes(c[k]).bytes(r[k]).bytes(s[k])
	}
	return t.scalar()
}

func encodings(es []*group.Element) [][]byte {
	out := make([][]byte, len(es))
	for k, e := range es {
		out[k] = e.Bytes()
	}
	return out
}

// proveOpen proves knowledge of a_k, b_k with C_k = a_k·G and
// E_k − C_k = b_k·H for every k: the Feldman values C are those the Pedersen
// commitments E hide, so that a dealer cannot publish other C than its E
// bind it to (docs/protocol.md §3.6). Nonces are hedged as in nonce. The
// proof carries its commitments R_k, S_k so that it verifies in one batched
// multi-scalar multiplication.
func proveOpen(context [][]byte, a, b []*group.Scalar, e, c []*group.Element, rand io.Reader) ([]byte, error) {
	return proveOpenEncoded(context, a, b, encodings(e), encodings(c), rand)
}

// proveOpenEncoded is proveOpen given the encodings of E_k and C_k (a
// member has them at hand: its deal and its opening), which are all the
// proof uses of them.
func proveOpenEncoded(context [][]byte, a, b []*group.Scalar, eb, cb [][]byte, rand io.Reader) ([]byte, error) {
	t := len(a)
	var seed [32]byte
	if _, err := io.ReadFull(rand, seed[:]); err != nil {
		return nil, errorf("cannot read randomness: %v", err)
	}
	nt := newTranscript(tagNonce).bytes([]byte(tagProofOpen)).bytes(seed[:])
	for k := range a {
		ab, bb := a[k].Bytes(), b[k].Bytes()
		nt.bytes(ab).bytes(bb)
		clear(ab)
		clear(bb)
	}
	for _, x := range context {
		nt.bytes(x)
	}
	base := nt.sum()
	nt.burn()
	clear(seed[:])
	rs := make([]*group.Scalar, 2*t)
	for k := range rs {
		rs[k] = newTranscript(tagNonce).bytes(base).uint(uint64(k)).secretScalar()
	}
	defer zeroize(rs)
	clear(base)
	rb := make([][]byte, t)
	sb := make([][]byte, t)
	out := make([]byte, 0, OpenProofSize(uint64(t)))
	for k := 0; k < t; k++ {
		out = append(out, group.NewIdentityElement().ScalarBaseMult(rs[k]).Bytes()...)
		rb[k] = out[32*k : 32*k+32]
	}
	for k := 0; k < t; k++ {
		out = append(out, mulH(rs[t+k]).Bytes()...)
		sb[k] = out[32*(t+k) : 32*(t+k)+32]
	}
	ch := openChallenge(context, eb, cb, rb, sb)
	for k := 0; k < t; k++ {
		out = append(out, group.NewScalar().MultiplyAdd(ch, a[k], rs[k]).Bytes()...)
	}
	for k := 0; k < t; k++ {
		out = append(out, group.NewScalar().MultiplyAdd(ch, b[k], rs[t+k]).Bytes()...)
	}
	return out, nil
}

// openWeights derives the 2t batching weights, 128 bits each, from the
// challenge and the whole proof (docs/protocol.md §3.6).
func openWeights(ch *group.Scalar, proof []byte, n int) []*group.Scalar {
	seed := newTranscript(tagOpenWeights).bytes(ch.Bytes()).bytes(proof).sum()
	out := make([]*group.Scalar, n)
	for u := range out {
		var b [32]byte
		copy(b[:16], newTranscript(tagOpenWeights).bytes(seed).uint(uint64(u)).sum())
		out[u], _ = group.NewScalar().SetCanonicalBytes(b[:])
	}
	return out
}

// verifyOpen checks a proof made by proveOpen, in variable time: every
// equation z_k·G = R_k + c·C_k and w_k·H = S_k + c·(E_k − C_k), combined
// with weights ρ_k, σ_k into one multi-scalar multiplication that must give
// the identity.
func verifyOpen(context [][]byte, e, c []*group.Element, p []byte) bool {
	return verifyOpenEncoded(context, encodings(e), encodings(c), e, c, p)
}

// verifyOpenEncoded is verifyOpen given also the canonical encodings of e
// and c, as received.
func verifyOpenEncoded(context [][]byte, eb, cb [][]byte, e, c []*group.Element, p []byte) bool {
	t := len(e)
	if t == 0 || len(c) != t || len(eb) != t || len(cb) != t || len(p) != OpenProofSize(uint64(t)) {
		return false
	}
	rb := make([][]byte, t)
	sb := make([][]byte, t)
	for k := 0; k < t; k++ {
		rb[k], sb[k] = p[32*k:32*k+32], p[32*(t+k):32*(t+k)+32]
	}
	R := make([]*group.Element, t)
	S := make([]*group.Element, t)
	for k := 0; k < 2*t; k++ {
		x, err := decodeElement(p[32*k : 32*k+32])
		if err != nil {
			return false
		}
		if k < t {
			R[k] = x
		} else {
			S[k-t] = x
		}
	}
	z := make([]*group.Scalar, 2*t)
	for k := range z {
		off := 32 * (2*t + k)
		x, err := group.NewScalar().SetCanonicalBytes(p[off : off+32])
		if err != nil {
			return false
		}
		z[k] = x
	}
	ch := openChallenge(context, eb, cb, rb, sb)
	w := openWeights(ch, p, 2*t)
	scalars := make([]*group.Scalar, 0, 4*t+2)
	points := make([]*group.Element, 0, 4*t+2)
	g, h := group.NewScalar(), group.NewScalar()
	for k := 0; k < t; k++ {
		rho, sigma := w[k], w[t+k]
		g.MultiplyAdd(rho, z[k], g)
		h.MultiplyAdd(sigma, z[t+k], h)
		cc := group.NewScalar().Subtract(sigma, rho)
		scalars = append(scalars, cc.Multiply(cc, ch), group.NewScalar().Negate(group.NewScalar().Multiply(ch, sigma)),
			group.NewScalar().Negate(rho), group.NewScalar().Negate(sigma))
		points = append(points, c[k], e[k], R[k], S[k])
	}
	scalars = append(scalars, g, h)
	points = append(points, group.NewGeneratorElement(), GeneratorH())
	return group.NewIdentityElement().VarTimeMultiScalarMult(scalars, points).IsIdentity()
}
