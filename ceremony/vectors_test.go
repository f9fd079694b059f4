package ceremony

// Known-answer test vectors (testdata/vectors, format in its README.md).
//
//	go test ./ceremony -run 'TestVectors|TestFuzzCorpus' -update
//
// regenerates the vector files and the fuzz seed corpora; without -update,
// TestVectors re-reads every vector file, checks that this implementation
// reproduces each expected value or refusal, and that regenerating gives
// the committed files byte for byte.

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/cryptotest"
	"time"

	"conclave/ceremony/group"
)

var update = flag.Bool("update", false, "rewrite testdata/vectors and the fuzz seed corpora under testdata/fuzz")

const vectorDir = "testdata/vectors"

// vectorClose is the close of poll of the vector ceremonies:
// 2026-01-01T00:00:00Z.
const vectorClose = 1767225600

// ---------------------------------------------------------------------------
// The file format: one case per file, "key: value" lines.

type kv struct{ k, v string }

type vector struct {
	name  string
	pairs []kv
}

func newVector(name, kind, description string) *vector {
	v := &vector{name: name}
	v.set("description", description)
	v.set("kind", kind)
	return v
}

func (v *vector) set(k, val string)      { v.pairs = append(v.pairs, kv{k, val}) }
func (v *vector) hex(k string, b []byte) { v.set(k, hex.EncodeToString(b)) }
func (v *vector) uint(k string, x uint64) {
	v.set(k, strconv.FormatUint(x, 10))
}
func (v *vector) comment(s string) { v.pairs = append(v.pairs, kv{"#", s}) }

func (v *vector) all(k string) []string {
	var out []string
	for _, p := range v.pairs {
		if p.k == k {
			out = append(out, p.v)
		}
	}
	return out
}

func (v *vector) has(k string) bool { return len(v.all(k)) > 0 }

func (v *vector) one(t testing.TB, k string) string {
	t.Helper()
	a := v.all(k)
	if len(a) != 1 {
		t.Fatalf("%s: want exactly one %q line, have %d", v.name, k, len(a))
	}
	return a[0]
}

func (v *vector) bytes(t testing.TB, k string) []byte {
	t.Helper()
	b, err := hex.DecodeString(v.one(t, k))
	if err != nil {
		t.Fatalf("%s: %s: %v", v.name, k, err)
	}
	return b
}

func (v *vector) allBytes(t testing.TB, k string) [][]byte {
	t.Helper()
	var out [][]byte
	for _, s := range v.all(k) {
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatalf("%s: %s: %v", v.name, k, err)
		}
		out = append(out, b)
	}
	return out
}

func (v *vector) number(t testing.TB, k string) uint64 {
	t.Helper()
	n, err := strconv.ParseUint(v.one(t, k), 10, 64)
	if err != nil {
		t.Fatalf("%s: %s: %v", v.name, k, err)
	}
	return n
}

func (v *vector) encode() []byte {
	var b bytes.Buffer
	for _, p := range v.pairs {
		switch {
		case p.k == "#":
			b.WriteString("# " + p.v + "\n")
		case p.v == "":
			b.WriteString(p.k + ":\n")
		default:
			b.WriteString(p.k + ": " + p.v + "\n")
		}
	}
	return b.Bytes()
}

func parseVector(name string, data []byte) (*vector, error) {
	v := &vector{name: name}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<24)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, val, ok := strings.Cut(line, ":")
		if !ok || k == "" || strings.Trim(k, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return nil, fmt.Errorf("%s:%d: not a \"key: value\" line", name, n)
		}
		if val != "" && !strings.HasPrefix(val, " ") {
			return nil, fmt.Errorf("%s:%d: want a space after the colon", name, n)
		}
		v.set(k, strings.TrimPrefix(val, " "))
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(v.all("kind")) != 1 || len(v.all("expect")) != 1 {
		return nil, fmt.Errorf("%s: a case has exactly one kind and one expect line", name)
	}
	return v, nil
}

// ---------------------------------------------------------------------------
// Deterministic ceremonies.

// seededReader is the explicit randomness of the vectors: ChaCha8 keyed by
// SHA-256 of a label.
func seededReader(label string) io.Reader {
	return mrand.NewChaCha8(sha256.Sum256([]byte("conclave test vectors: " + label)))
}

// seeded returns n deterministic bytes for a label.
func seeded(label string, n int) []byte {
	b := make([]byte, n)
	if _, err := io.ReadFull(seededReader(label), b); err != nil {
		panic(err)
	}
	return b
}

// vecRun is a small ceremony (n=3, t=2) and its count, made deterministic by
// a seeded reader and cryptotest.SetGlobalRandom (for HPKE).
type vecRun struct {
	seed        uint64
	board       *State
	secs        []*Secrets // by member index: secs[j-1]
	polys       [][][]byte // the polynomial of each member, by index
	blinds      [][][]byte // the blinding polynomial of each member, by index
	stages      [][]byte   // Secrets.Marshal at several stages, for fuzz seeds
	call        *Envelope
	cards       []*Envelope // in member order
	manifest    *Envelope
	deals       []*Envelope // by member index
	complaints  []*Envelope // by member index
	reveals     []*Envelope // by dealer index, only the accused
	opens       []*Envelope // by member index, those who opened
	recovers    []*Envelope // by member index, those who published shares
	confirms    []*Envelope // by member index
	bundles     []*Envelope // verify, [reveal,] open, [recover,] confirm
	electionKey *Envelope
	request     *Envelope   //
	answers     []*Envelope // by member index
	result      *Envelope
	plaintexts  []uint64 //
	votes       []uint64
	y           *group.Element
}

func mustAddT(t testing.TB, st *State, e *Envelope) {
	t.Helper()
	p, err := ParseEnvelope(e.Bytes())
	if err != nil {
		t.Fatalf("parse %s: %v", e.Kind, err)
	}
	if _, err := st.Add(p); err != nil && !errors.Is(err, ErrDuplicate) {
		t.Fatalf("add %s from %d: %v", e.Kind, e.Sender, err)
	}
}

// runVectorCeremony runs a whole ceremony deterministically. With complain,
// dealer 1 seals a wrong share to member 2, who complains; dealer 1 then
// reveals the right share and keeps its place; and member 3 stays silent at
// the open step, so that members 1 and 2 publish their shares of it and its
// Feldman values are rebuilt (it confirms afterwards all the same).
func runVectorCeremony(t *testing.T, seed uint64, complain bool) *vecRun {
	t.Helper()
	cryptotest.SetGlobalRandom(t, seed)
	r := seededReader(fmt.Sprint("ceremony ", seed))
	run := &vecRun{seed: seed, board: NewState()}
	call, err := NewCall(fmt.Sprintf("Vector election %d", seed), 3, 2, false, time.Unix(vectorClose, 0), r)
	if err != nil {
		t.Fatal(err)
	}
	run.call = call
	mustAddT(t, run.board, call)
	var secs []*Secrets
	for _, name := range []string{"Alice", "Bob", "Carol"} {
		sec, card, err := Enrol(call, name, r)
		if err != nil {
			t.Fatal(err)
		}
		run.stages = append(run.stages, sec.Marshal())
		secs = append(secs, sec)
		mustAddT(t, run.board, card)
	}
	m, err := run.board.NewManifest()
	if err != nil {
		t.Fatal(err)
	}
	run.manifest = m
	mustAddT(t, run.board, m)
	for _, mi := range run.board.Members {
		for _, sec := range secs {
			if mustParse(sec.Card).ID() == mi.Card {
				run.secs = append(run.secs, sec)
				run.cards = append(run.cards, mustParse(sec.Card))
				var poly, blind [][]byte
				for _, a := range sec.Polynomial {
					poly = append(poly, slices.Clone(a))
				}
				for _, b := range sec.Blinding {
					blind = append(blind, slices.Clone(b))
				}
				run.polys = append(run.polys, poly)
				run.blinds = append(run.blinds, blind)
			}
		}
	}
	for _, sec := range run.secs {
		out, err := sec.Step(m, r)
		if err != nil {
			t.Fatal(err)
		}
		run.deals = append(run.deals, out.Out)
	}
	run.stages = append(run.stages, run.secs[0].Marshal())
	if complain {
		run.deals[0] = wrongShareDeal(t, run.secs[0], run.board, 2)
	}
	for _, d := range run.deals {
		mustAddT(t, run.board, d)
	}
	step := func(b *Envelope, who []uint64) []*Envelope {
		var outs []*Envelope
		for _, j := range who {
			out, err := run.secs[j-1].Step(b, r)
			if err != nil {
				t.Fatalf("member %d on %s bundle: %v", j, b.Kind, err)
			}
			if out.Out != nil {
				outs = append(outs, out.Out)
				mustAddT(t, run.board, out.Out)
			}
		}
		return outs
	}
	all := []uint64{1, 2, 3}
	vb := run.board.NewBundle(StepVerify)
	run.bundles = append(run.bundles, vb)
	run.complaints = step(vb, all)
	if acc := run.board.Accused(); len(acc) > 0 {
		rb := run.board.NewBundle(StepReveal)
		run.bundles = append(run.bundles, rb)
		run.reveals = step(rb, acc)
	}
	run.stages = append(run.stages, run.secs[0].Marshal())
	ob := run.board.NewBundle(StepOpen)
	run.bundles = append(run.bundles, ob)
	if complain {
		run.opens = step(ob, []uint64{1, 2})
		rb := run.board.NewBundle(StepRecover)
		run.bundles = append(run.bundles, rb)
		run.recovers = step(rb, []uint64{1, 2})
	} else {
		run.opens = step(ob, all)
	}
	run.stages = append(run.stages, run.secs[0].Marshal())
	cb := run.board.NewBundle(StepConfirm)
	run.bundles = append(run.bundles, cb)
	run.confirms = step(cb, all)
	if !run.board.Complete() {
		t.Fatal("vector ceremony did not complete")
	}
	run.stages = append(run.stages, run.secs[0].Marshal())
	if run.electionKey, err = run.board.ElectionKeyFile(); err != nil {
		t.Fatal(err)
	}
	ek, err := ParseElectionKey(run.electionKey)
	if err != nil {
		t.Fatal(err)
	}
	run.y = ek.Key
	run.votes = []uint64{1, 2, 2, 3}
	var cts []byte
	for _, v := range run.votes {
		var ballot []byte
		for o := uint64(1); o <= 3; o++ {
			m := uint64(0)
			if o == v {
				m = 1
			}
			ct, err := Encrypt(run.y, m, r)
			if err != nil {
				t.Fatal(err)
			}
			ballot = append(ballot, ct...)
		}
		if cts == nil {
			cts = ballot
		} else if cts, err = AddCiphertexts(cts, ballot); err != nil {
			t.Fatal(err)
		}
	}
	if run.request, err = run.board.NewRequest("Vector count", RequestTally, 3, uint64(len(run.votes)), cts); err != nil {
		t.Fatal(err)
	}
	mustAddT(t, run.board, run.request)
	for _, sec := range run.secs {
		a, err := sec.Answer(run.request, vectorClose, r)
		if err != nil {
			t.Fatal(err)
		}
		run.answers = append(run.answers, a)
		mustAddT(t, run.board, a)
	}
	if run.result, run.plaintexts, err = run.board.Combine(run.request.ID()); err != nil {
		t.Fatal(err)
	}
	mustAddT(t, run.board, run.result)
	if fmt.Sprint(run.plaintexts) != "[1 2 1]" {
		t.Fatalf("vector tally = %v", run.plaintexts)
	}
	return run
}

// wrongShareDeal re-makes dealer's deal with a wrong share sealed to victim,
// validly signed, and makes it the dealer's own deal.
func wrongShareDeal(t testing.TB, dealer *Secrets, st *State, victim uint64) *Envelope {
	t.Helper()
	e := mustParse(dealer.Deal)
	var d Deal
	if err := e.DecodeBody(&d); err != nil {
		t.Fatal(err)
	}
	for k := range d.Shares {
		if d.Shares[k].To == victim {
			m, _ := st.Member(victim)
			ct, err := sealShare(m.KEM, m.EncryptionKey, st.ID, dealer.Index, victim, group.NewScalar().SetUint64(12345), group.NewScalar().SetUint64(6789))
			if err != nil {
				t.Fatal(err)
			}
			d.Shares[k].Ciphertext = ct
		}
	}
	bad := dealer.sign(newEnvelope(KindDeal, e.Ceremony, e.Sender, &d))
	dealer.Deal = bad.Bytes()
	return bad
}

// record returns the run's record messages in order (no bundles), the
// election key file in its place after the confirmations.
func (run *vecRun) record() []*Envelope {
	out := []*Envelope{run.call}
	out = append(out, run.cards...)
	out = append(out, run.manifest)
	out = append(out, run.deals...)
	out = append(out, run.complaints...)
	out = append(out, run.reveals...)
	out = append(out, run.opens...)
	out = append(out, run.recovers...)
	out = append(out, run.confirms...)
	out = append(out, run.electionKey, run.request)
	out = append(out, run.answers...)
	return append(out, run.result)
}

func (run *vecRun) poly(j uint64) []*group.Scalar { return scalarList(run.polys[j-1]) }

func (run *vecRun) blind(j uint64) []*group.Scalar { return scalarList(run.blinds[j-1]) }

func scalarList(bs [][]byte) []*group.Scalar {
	var out []*group.Scalar
	for _, b := range bs {
		s, err := group.NewScalar().SetCanonicalBytes(b)
		if err != nil {
			panic(err)
		}
		out = append(out, s)
	}
	return out
}

// ---------------------------------------------------------------------------
// Generation.

func ub(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

// preimage is an independent implementation of the transcript encoding:
// len(tag) || tag || len(x1) || x1 || ..., lengths as 8-byte big-endian.
func preimage(tag string, inputs [][]byte) []byte {
	out := binary.BigEndian.AppendUint64(nil, uint64(len(tag)))
	out = append(out, tag...)
	for _, in := range inputs {
		out = binary.BigEndian.AppendUint64(out, uint64(len(in)))
		out = append(out, in...)
	}
	return out
}

func hashVector(name, desc, tag string, inputs [][]byte) *vector {
	v := newVector(name, "hash", desc)
	v.set("tag", tag)
	tr := newTranscript(tag)
	for _, in := range inputs {
		v.hex("input", in)
		tr.bytes(in)
	}
	v.hex("preimage", preimage(tag, inputs))
	v.hex("sha512", tr.sum())
	id := tr.id()
	v.hex("id", id[:])
	v.hex("scalar", tr.scalar().Bytes())
	v.set("expect", "success")
	return v
}

func mustElement(b []byte) *group.Element {
	e, err := decodeElement(b)
	if err != nil {
		panic(err)
	}
	return e
}

func scalarFrom(label string) *group.Scalar {
	s, _ := group.NewScalar().SetUniformBytes(seeded(label, 64))
	return s
}

// proofVector makes a valid proof with explicit randomness and records every
// intermediate value.
func proofVector(name, kind, desc, tag string, ctx [][]byte, x *group.Scalar, bases []*group.Element, r []byte) *vector {
	v := newVector(name, kind, desc)
	v.set("tag", tag)
	for _, c := range ctx {
		v.hex("context", c)
	}
	publics := make([]*group.Element, len(bases))
	for i, b := range bases {
		publics[i] = group.NewIdentityElement().ScalarMult(x, b)
		v.hex("base", b.Bytes())
	}
	for _, p := range publics {
		v.hex("public", p.Bytes())
	}
	v.hex("secret", x.Bytes())
	v.hex("rand", r)
	k, err := nonce(tag, x, bytes.NewReader(r), ctx, publics)
	if err != nil {
		panic(err)
	}
	v.hex("nonce", k.Bytes())
	commitments := make([]*group.Element, len(bases))
	for i, b := range bases {
		commitments[i] = group.NewIdentityElement().ScalarMult(k, b)
		v.hex("commitment", commitments[i].Bytes())
	}
	p, err := prove(tag, ctx, x, bases, publics, bytes.NewReader(r))
	if err != nil {
		panic(err)
	}
	if challenge(tag, ctx, bases, publics, commitments).Equal(p.c) != 1 {
		panic("challenge mismatch")
	}
	v.hex("challenge", p.c.Bytes())
	v.hex("response", p.z.Bytes())
	v.hex("proof", p.bytes())
	v.set("expect", "success")
	return v
}

// badProofVector states a proof that must be refused.
func badProofVector(name, kind, desc, tag string, ctx [][]byte, bases, publics []*group.Element, proof []byte, expect string) *vector {
	v := newVector(name, kind, desc)
	v.set("tag", tag)
	for _, c := range ctx {
		v.hex("context", c)
	}
	for _, b := range bases {
		v.hex("base", b.Bytes())
	}
	for _, p := range publics {
		v.hex("public", p.Bytes())
	}
	v.hex("proof", proof)
	v.set("expect", expect)
	return v
}

func flip(b []byte, i int) []byte {
	c := slices.Clone(b)
	c[i] ^= 1
	return c
}

func signatureVector(name, desc string, e *Envelope, seed []byte) *vector {
	v := newVector(name, "signature", desc)
	v.uint("version", e.Version)
	v.set("envelope-kind", string(e.Kind))
	v.hex("ceremony", e.Ceremony)
	v.uint("sender", e.Sender)
	v.hex("body", e.Body)
	v.hex("signing-seed", seed)
	v.hex("public-key", ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey))
	v.hex("preimage", preimage(tagSignature, [][]byte{ub(e.Version), []byte(e.Kind), e.Ceremony, ub(e.Sender), e.Body}))
	v.hex("signature-input", e.signatureInput())
	v.hex("signature", e.Signature)
	v.hex("encoding", e.Bytes())
	id := e.ID()
	v.hex("message-id", id[:])
	v.set("fingerprint", id.Fingerprint())
	v.set("expect", "success")
	return v
}

func envelopeVector(name, desc string, enc []byte, expect string) *vector {
	v := newVector(name, "envelope", desc)
	v.hex("encoding", enc)
	if expect == "success" {
		e, err := ParseEnvelope(enc)
		if err != nil {
			panic(err)
		}
		v.set("envelope-kind", string(e.Kind))
		id := e.ID()
		v.hex("message-id", id[:])
	}
	v.set("expect", expect)
	return v
}

func sequenceVector(name, desc string, msgs []*Envelope, expect string) *vector {
	v := newVector(name, "sequence", desc)
	for _, e := range msgs {
		v.comment(fmt.Sprintf("%s, sender %d", e.Kind, e.Sender))
		v.hex("message", e.Bytes())
	}
	v.set("expect", expect)
	return v
}

// prefix returns the record messages up to those of kind upto, without the
// election key file (which is not taken in by State.Add).
func (run *vecRun) prefix(upto Kind) []*Envelope {
	var out []*Envelope
	for _, e := range run.record() {
		if kindRank[e.Kind] > kindRank[upto] {
			break
		}
		if e.Kind != KindElectionKey {
			out = append(out, e)
		}
	}
	return out
}

// rawEnvelope encodes an envelope's fields without any check.
func rawEnvelope(version uint64, kind string, ceremony []byte, sender uint64, body, sig []byte) []byte {
	return marshal(&Envelope{Version: version, Kind: Kind(kind), Ceremony: ceremony, Sender: sender, Body: body, Signature: sig})
}

func generateVectors(t *testing.T) []*vector {
	a := runVectorCeremony(t, 1, false)
	b := runVectorCeremony(t, 2, true)
	var vs []*vector
	add := func(v *vector) { vs = append(vs, v) }

	// Hashes.
	add(hashVector("hash-empty", "the transcript hash of a tag alone", tagMessage, nil))
	add(hashVector("hash-one-input", "one input", tagMessage, [][]byte{[]byte("abc")}))
	add(hashVector("hash-empty-input", "an empty input still adds its 8-byte length", tagMessage, [][]byte{{}}))
	add(hashVector("hash-prefix-ab-c", "length prefixes: (\"ab\", \"c\") differs from (\"a\", \"bc\")", tagTranscript, [][]byte{[]byte("ab"), []byte("c")}))
	add(hashVector("hash-prefix-a-bc", "length prefixes: (\"a\", \"bc\") differs from (\"ab\", \"c\")", tagTranscript, [][]byte{[]byte("a"), []byte("bc")}))
	add(hashVector("hash-call-id", "the call ID of the vector ceremony: H(call, call envelope)", tagCall, [][]byte{a.call.Bytes()}))
	add(hashVector("hash-ceremony-id", "the ceremony ID of the vector ceremony: H(ceremony, manifest body)", tagCeremony, [][]byte{a.manifest.Body}))
	add(hashVector("hash-message-id", "the message ID of member 1's deal: H(message, envelope)", tagMessage, [][]byte{a.deals[0].Bytes()}))
	for _, run := range []*vecRun{a, b} {
		qual, _ := run.board.Qualified()
		in := [][]byte{run.board.ID[:], ub(3)}
		for i := uint64(1); i <= 3; i++ {
			for _, k := range []Kind{KindDeal, KindComplaints, KindReveal, KindOpen, KindRecover} {
				var x []byte
				for _, e := range run.record() {
					if e.Kind == k && e.Sender == i {
						id := e.ID()
						x = id[:]
					}
				}
				in = append(in, x)
			}
		}
		in = append(in, ub(uint64(len(qual))))
		for _, j := range qual {
			in = append(in, ub(j))
		}
		rec := run.board.Recovered()
		in = append(in, ub(uint64(len(rec))))
		for _, j := range rec {
			in = append(in, ub(j))
		}
		in = append(in, run.board.ElectionKey(qual).Bytes())
		name, desc := "hash-transcript", "the transcript hash of ceremony-n3-t2"
		if run == b {
			name, desc = "hash-transcript-recovered", "the transcript hash of ceremony-n3-t2-complaint (a reveal, member 3 rebuilt)"
		}
		v := hashVector(name, desc+": H(transcript, ceremony ID, n, then per member deal, complaints, reveal, open and recover IDs (empty when absent), |QUAL|, QUAL..., |R|, R..., Y)", tagTranscript, in)
		tr := run.board.Transcript(qual)
		if v.all("id")[0] != hex.EncodeToString(tr[:]) {
			t.Fatal("transcript vector disagrees with State.Transcript")
		}
		add(v)
	}
	{
		qual, _ := b.board.Qualified()
		in := [][]byte{b.board.ID[:], ub(3)}
		for i := uint64(1); i <= 3; i++ {
			for _, k := range []Kind{KindDeal, KindComplaints, KindReveal} {
				var x []byte
				for _, e := range b.record() {
					if e.Kind == k && e.Sender == i {
						id := e.ID()
						x = id[:]
					}
				}
				in = append(in, x)
			}
		}
		in = append(in, ub(uint64(len(qual))))
		for _, j := range qual {
			in = append(in, ub(j))
		}
		v := hashVector("hash-qual", "the QUAL hash of ceremony-n3-t2-complaint, carried by openings and published shares: H(qual, ceremony ID, n, then per member deal, complaints and reveal IDs (empty when absent), |QUAL|, QUAL...)", tagQual, in)
		q := b.board.QualHash()
		if v.all("id")[0] != hex.EncodeToString(q[:]) {
			t.Fatal("QUAL hash vector disagrees with State.QualHash")
		}
		add(v)
	}
	{
		v := hashVector("hash-generator-h", "the second generator H: the 64-byte H(\"conclave/v2/generator-h\") mapped by ristretto255 hash-to-group (RFC 9496 §4.3.4)", tagGeneratorH, nil)
		v.pairs = v.pairs[:len(v.pairs)-1]
		v.hex("element", GeneratorH().Bytes())
		v.set("expect", "success")
		add(v)
	}

	// Fingerprints.
	fp := func(name, desc string, in []byte) {
		v := newVector(name, "fingerprint", desc)
		v.hex("input", in)
		v.set("fingerprint", Fingerprint(in))
		v.set("expect", "success")
		add(v)
	}
	fp("fingerprint-zeros", "32 zero bytes", make([]byte, 32))
	fp("fingerprint-ones", "32 bytes 0xff", bytes.Repeat([]byte{0xff}, 32))
	fp("fingerprint-counting", "bytes 01..0a: only the first 80 bits count", []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	fp("fingerprint-short", "an input shorter than 10 bytes is padded with zeros", []byte{0xde, 0xad, 0xbe})
	fp("fingerprint-ceremony", "the vector ceremony's ID", a.board.ID[:])

	// Schnorr proofs.
	G := group.NewGeneratorElement()
	x := scalarFrom("schnorr secret")
	atr := a.board.Transcript([]uint64{1, 2, 3})
	dctx := shareProofContext(a.board.ID, 1, atr)
	sv := proofVector("schnorr-share", "schnorr", "proof of knowledge of a member's share x_j at confirmation (tag proof/share, context: ceremony ID, j, transcript hash)",
		tagProofShare, dctx, x, []*group.Element{G}, seeded("schnorr rand", 32))
	add(sv)
	pub := group.NewIdentityElement().ScalarBaseMult(x)
	pr := mustHex(sv.all("proof")[0])
	{
		var c Confirm
		_ = a.confirms[0].DecodeBody(&c)
		add(badProofVector("schnorr-confirm-verify-only", "schnorr", "the proof in member 1's confirmation of the vector ceremony, verified only",
			tagProofShare, dctx, []*group.Element{G}, []*group.Element{mustElement(c.VerificationKey)}, c.Proof, "success"))
	}
	badS := func(name, desc string, tag string, ctx [][]byte, publics []*group.Element, proof []byte, expect string) {
		add(badProofVector(name, "schnorr", desc, tag, ctx, []*group.Element{G}, publics, proof, expect))
	}
	badS("schnorr-bad-challenge", "challenge with its lowest bit flipped", tagProofShare, dctx, []*group.Element{pub}, flip(pr, 0), "proof does not verify")
	badS("schnorr-bad-response", "response with its lowest bit flipped", tagProofShare, dctx, []*group.Element{pub}, flip(pr, 32), "proof does not verify")
	badS("schnorr-other-index", "a valid proof checked for another member index: the index is bound", tagProofShare, shareProofContext(a.board.ID, 2, atr), []*group.Element{pub}, pr, "proof does not verify")
	badS("schnorr-other-ceremony", "a valid proof checked for another ceremony: the ceremony ID is bound", tagProofShare, shareProofContext(b.board.ID, 1, atr), []*group.Element{pub}, pr, "proof does not verify")
	badS("schnorr-other-transcript", "a valid proof checked for another transcript: the transcript is bound", tagProofShare, shareProofContext(a.board.ID, 1, ID{1}), []*group.Element{pub}, pr, "proof does not verify")
	badS("schnorr-other-tag", "a valid share proof checked as a decryption proof: the tag is bound", tagProofDecryption, dctx, []*group.Element{pub}, pr, "proof does not verify")
	badS("schnorr-other-public", "a valid proof checked against another public value", tagProofShare, dctx, []*group.Element{G}, pr, "proof does not verify")
	badS("schnorr-swapped", "challenge and response swapped", tagProofShare, dctx, []*group.Element{pub}, append(slices.Clone(pr[32:]), pr[:32]...), "proof does not verify")
	{
		nc := slices.Clone(pr)
		copy(nc[32:], mustHex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")) // the group order l
		badS("schnorr-noncanonical-response", "response = l, the group order: not a canonical scalar", tagProofShare, dctx, []*group.Element{pub}, nc, "proof is not 64 bytes of two canonical scalars")
	}
	badS("schnorr-short", "63 bytes", tagProofShare, dctx, []*group.Element{pub}, pr[:63], "proof is not 64 bytes of two canonical scalars")
	badS("schnorr-long", "65 bytes", tagProofShare, dctx, []*group.Element{pub}, append(slices.Clone(pr), 0), "proof is not 64 bytes of two canonical scalars")

	// Open proofs (member 1 of the vector ceremony, with its real polynomials).
	{
		octx := dealerProofContext(a.board.ID, 1)
		var o Open
		_ = a.opens[0].DecodeBody(&o)
		es := a.board.deals[1].commitments
		cs := decodeAllT(t, o.Commitments)
		r := seeded("open rand", 32)
		add(openVector("open-proof", "member 1's open proof: knowledge of a_k, b_k with C_k = a_k·G and E_k − C_k = b_k·H (tag proof/open, context: ceremony ID, i)",
			octx, a.poly(1), a.blind(1), es, cs, r, nil, "success"))
		add(openVector("open-proof-verify-only", "the proof in member 1's opening of the vector ceremony, verified only", octx, nil, nil, es, cs, nil, o.Proof, "success"))
		add(openVector("open-proof-other-index", "member 1's proof checked for dealer 2", dealerProofContext(a.board.ID, 2), nil, nil, es, cs, nil, o.Proof, "proof does not verify"))
		add(openVector("open-proof-other-ceremony", "member 1's proof checked in another ceremony", dealerProofContext(b.board.ID, 1), nil, nil, es, cs, nil, o.Proof, "proof does not verify"))
		c2 := slices.Clone(cs)
		c2[1] = G
		add(openVector("open-proof-other-c1", "C_1 replaced by G: the proof binds every Feldman value to its Pedersen commitment", octx, nil, nil, es, c2, nil, o.Proof, "proof does not verify"))
		add(openVector("open-proof-flipped-r", "a bit of R_1 flipped", octx, nil, nil, es, cs, nil, flip(o.Proof, 33), "proof does not verify"))
		add(openVector("open-proof-flipped-z", "a bit of z_0 flipped", octx, nil, nil, es, cs, nil, flip(o.Proof, 4*32), "proof does not verify"))
		add(openVector("open-proof-flipped-w", "a bit of w_1 flipped", octx, nil, nil, es, cs, nil, flip(o.Proof, 7*32), "proof does not verify"))
		add(openVector("open-proof-short", "the proof without its last response", octx, nil, nil, es, cs, nil, o.Proof[:len(o.Proof)-32], "proof does not verify"))
	}

	// DLEQ proofs.
	h := group.NewIdentityElement().ScalarBaseMult(scalarFrom("dleq base"))
	xd := scalarFrom("dleq secret")
	rid := a.request.ID()
	cctx := decryptionContext(a.board.ID, rid, 1)
	dv := proofVector("dleq-decryption", "dleq", "Chaum-Pedersen proof that log_G Y = log_H Z (tag proof/decryption, context: ceremony ID, j, request ID)",
		tagProofDecryption, cctx, xd, []*group.Element{G, h}, seeded("dleq rand", 32))
	add(dv)
	dpubs := []*group.Element{group.NewIdentityElement().ScalarBaseMult(xd), group.NewIdentityElement().ScalarMult(xd, h)}
	dpr := mustHex(dv.all("proof")[0])
	badD := func(name, desc string, ctx [][]byte, bases, publics []*group.Element, proof []byte, expect string) {
		add(badProofVector(name, "dleq", desc, tagProofDecryption, ctx, bases, publics, proof, expect))
	}
	badD("dleq-unequal-logs", "Z = (x+1)·H: the two logarithms differ", cctx, []*group.Element{G, h},
		[]*group.Element{dpubs[0], group.NewIdentityElement().Add(dpubs[1], h)}, dpr, "proof does not verify")
	badD("dleq-other-member", "a valid proof checked for member 2", decryptionContext(a.board.ID, rid, 2), []*group.Element{G, h}, dpubs, dpr, "proof does not verify")
	badD("dleq-swapped-bases", "bases (and publics) in the other order", cctx, []*group.Element{h, G}, []*group.Element{dpubs[1], dpubs[0]}, dpr, "proof does not verify")
	badD("dleq-bad-response", "response with a bit flipped", cctx, []*group.Element{G, h}, dpubs, flip(dpr, 40), "proof does not verify")

	// Batched partial decryption (real share, real request).
	{
		var req Request
		_ = a.request.DecodeBody(&req)
		x1, _ := group.NewScalar().SetCanonicalBytes(a.secs[0].Share)
		r := seeded("partial rand", 32)
		shares, proofB, err := partialDecrypt(x1, a.board.ID, rid, 1, req.Ciphertexts, bytes.NewReader(r))
		if err != nil {
			t.Fatal(err)
		}
		v := newVector("partial-decryption", "partial-decryption", "member 1's batched partial decryption of the vector request, every intermediate value")
		v.hex("ceremony", a.board.ID[:])
		v.hex("request", rid[:])
		v.uint("member", 1)
		v.hex("secret", x1.Bytes())
		v.hex("rand", r)
		for k := 0; k < len(req.Ciphertexts); k += CiphertextSize {
			v.hex("ciphertext", req.Ciphertexts[k:k+CiphertextSize])
		}
		yj := group.NewIdentityElement().ScalarBaseMult(x1)
		v.hex("verification-key", yj.Bytes())
		for k := 0; k < len(shares); k += 32 {
			v.hex("decryption-share", shares[k:k+32])
		}
		seed := weightSeed(a.board.ID, rid, 1, yj, shares)
		v.hex("weight-seed", seed)
		n := len(shares) / 32
		for k := 0; k < n; k++ {
			v.hex("weight", weight(seed, k).Bytes())
		}
		m, z, _ := composite(seed, req.Ciphertexts, shares, n, nil)
		v.hex("composite-a", m.Bytes())
		v.hex("composite-d", z.Bytes())
		v.hex("proof", proofB)
		v.set("expect", "success")
		add(v)
		bad := func(name, desc string, shares []byte) {
			w := newVector(name, "partial-decryption", desc)
			w.hex("ceremony", a.board.ID[:])
			w.hex("request", rid[:])
			w.uint("member", 1)
			for k := 0; k < len(req.Ciphertexts); k += CiphertextSize {
				w.hex("ciphertext", req.Ciphertexts[k:k+CiphertextSize])
			}
			w.hex("verification-key", yj.Bytes())
			for k := 0; k < len(shares); k += 32 {
				w.hex("decryption-share", shares[k:k+32])
			}
			w.hex("proof", proofB)
			w.set("expect", "proof of correct decryption does not verify")
			add(w)
		}
		s2 := slices.Clone(shares)
		copy(s2[32:64], group.NewIdentityElement().Add(mustElement(shares[32:64]), G).Bytes())
		bad("partial-decryption-wrong-share", "decryption share 2 replaced by D_2 + G, proof unchanged", s2)
		s3 := slices.Clone(shares)
		copy(s3[0:32], shares[32:64])
		copy(s3[32:64], shares[0:32])
		bad("partial-decryption-swapped-shares", "decryption shares 1 and 2 swapped: the weights bind each share to its ciphertext", s3)
	}

	// Signatures.
	add(signatureVector("signature-card", "member 1's card: signed by its own key, sender 0, ceremony field = call ID", a.cards[0], a.secs[0].SigningSeed))
	add(signatureVector("signature-complaints", "member 2's empty list of complaints", a.complaints[1], a.secs[1].SigningSeed))

	// Envelope decoding.
	good := a.complaints[0].Bytes()
	add(envelopeVector("envelope-valid", "a valid complaints envelope", good, "success"))
	add(envelopeVector("envelope-valid-call", "a valid call: empty ceremony (h''), sender 0, no signature (h'')", a.call.Bytes(), "success"))
	{
		c := a.call.Bytes()
		if c[len(c)-1] != 0x40 {
			t.Fatalf("a call ends with %x, want an empty signature", c[len(c)-1])
		}
		add(envelopeVector("envelope-null-signature", "the valid call with its empty signature written as null (f6): an empty value has one encoding", slices.Concat(c[:len(c)-1], []byte{0xf6}), "not in deterministic CBOR encoding"))
	}
	{
		nm := append([]byte{good[0], 0x18}, good[1:]...) // version 2 as 0x18 0x02
		add(envelopeVector("envelope-noncanonical-uint", "version 2 encoded in two bytes (0x18 0x02): not minimal", nm, "not in deterministic CBOR encoding"))
		i := bytes.Index(good, append([]byte{0x58, 0x20}, a.board.ID[:4]...))
		nb := append(append(slices.Clone(good[:i]), 0x59, 0x00, 0x20), good[i+2:]...)
		add(envelopeVector("envelope-noncanonical-length", "the 32-byte ceremony ID with a 2-byte length (0x59 0x00 0x20): not minimal", nb, "not in deterministic CBOR encoding"))
		indef := append(append([]byte{0x9f}, good[1:]...), 0xff)
		add(envelopeVector("envelope-indefinite", "the envelope as an indefinite-length array", indef, "not a Conclave message"))
		add(envelopeVector("envelope-trailing", "one byte after the envelope", append(slices.Clone(good), 0x00), "not a Conclave message"))
		add(envelopeVector("envelope-tagged", "the envelope wrapped in tag 24", append([]byte{0xd8, 0x18}, good...), "not a Conclave message"))
		add(envelopeVector("envelope-short-array", "an array of 5 fields", append([]byte{0x85}, good[1:len(good)-66]...), "not a Conclave message"))
	}
	add(envelopeVector("envelope-empty", "no bytes at all", nil, "the file is empty"))
	add(envelopeVector("envelope-map", "a map, not an array", []byte{0xa1, 0x01, 0x01}, "not a Conclave message"))
	sig := a.complaints[0].Signature
	cid := a.board.ID[:]
	add(envelopeVector("envelope-version-1", "version 1 (Joint-Feldman, before protocol version 2)", rawEnvelope(1, "complaints", cid, 1, []byte{0x81, 0x80}, sig), "version 1 is not supported"))
	add(envelopeVector("envelope-version-3", "version 3", rawEnvelope(3, "complaints", cid, 1, []byte{0x81, 0x80}, sig), "version 3 is not supported"))
	add(envelopeVector("envelope-unknown-kind", "kind \"vote\"", rawEnvelope(Version, "vote", cid, 1, []byte{0x81, 0x80}, sig), "unknown kind of message"))
	add(envelopeVector("envelope-call-with-ceremony", "a call that names a ceremony", rawEnvelope(Version, "call", cid, 0, a.call.Body, nil), "a call must not name a ceremony"))
	add(envelopeVector("envelope-short-ceremony", "a 31-byte ceremony ID", rawEnvelope(Version, "complaints", cid[:31], 1, []byte{0x81, 0x80}, sig), "ceremony identifier of 31 bytes"))
	add(envelopeVector("envelope-unsigned", "a member's message without signature", rawEnvelope(Version, "complaints", cid, 1, []byte{0x81, 0x80}, nil), "complaints message is not signed"))
	add(envelopeVector("envelope-member-zero", "a member's message from member 0", rawEnvelope(Version, "deal", cid, 0, a.deals[0].Body, sig), "names member 0"))
	add(envelopeVector("envelope-coordinator-signed", "a coordinator's message with a signature", rawEnvelope(Version, "request", cid, 0, a.request.Body, sig), "carries a signature"))
	add(envelopeVector("envelope-coordinator-sender", "a coordinator's message naming member 1", rawEnvelope(Version, "request", cid, 1, a.request.Body, nil), "comes from the coordinator but names member 1"))
	add(envelopeVector("envelope-card-sender", "a card naming member index 1", rawEnvelope(Version, "card", a.board.CallID[:], 1, a.cards[0].Body, a.cards[0].Signature), "a card must not name a member index"))

	// Whole ceremonies.
	add(ceremonyVector("ceremony-n3-t2", "a whole ceremony, n=3, t=2, no complaint, and a tally of 4 ballots over 3 options", a))
	add(ceremonyVector("ceremony-n3-t2-complaint", "a whole ceremony, n=3, t=2: dealer 1 seals a wrong share to member 2, who complains; dealer 1 reveals the right share and stays qualified; member 3 stays silent at the open step and is rebuilt from the shares members 1 and 2 publish", b))

	// Failures: a sequence of messages whose last one must be refused.
	for _, v := range failureVectors(t, a, b) {
		add(v)
	}
	return vs
}

func decodeAllT(t testing.TB, bs [][]byte) []*group.Element {
	var out []*group.Element
	for _, b := range bs {
		out = append(out, mustElement(b))
	}
	return out
}

// openVector states an open proof; with the secrets and rand it is made
// here and every intermediate value recorded, else proof is checked as is.
func openVector(name, desc string, ctx [][]byte, a, b []*group.Scalar, es, cs []*group.Element, r, proof []byte, expect string) *vector {
	v := newVector(name, "open-proof", desc)
	for _, c := range ctx {
		v.hex("context", c)
	}
	v.hex("generator-h", GeneratorH().Bytes())
	for _, e := range es {
		v.hex("pedersen", e.Bytes())
	}
	for _, c := range cs {
		v.hex("feldman", c.Bytes())
	}
	if a != nil {
		for k := range a {
			v.hex("secret-a", a[k].Bytes())
			v.hex("secret-b", b[k].Bytes())
		}
		v.hex("rand", r)
		var err error
		if proof, err = proveOpen(ctx, a, b, es, cs, bytes.NewReader(r)); err != nil {
			panic(err)
		}
	}
	v.hex("proof", proof)
	v.set("expect", expect)
	return v
}

func checkOpenVector(t *testing.T, v *vector) {
	ctx := v.allBytes(t, "context")
	eqHex(t, "H", GeneratorH().Bytes(), v.one(t, "generator-h"))
	es := decodeAll(t, v.allBytes(t, "pedersen"))
	cs := decodeAll(t, v.allBytes(t, "feldman"))
	proof := v.bytes(t, "proof")
	if v.has("secret-a") {
		a, b := scalarList(v.allBytes(t, "secret-a")), scalarList(v.allBytes(t, "secret-b"))
		for k := range a {
			if group.NewIdentityElement().ScalarBaseMult(a[k]).Equal(cs[k]) != 1 {
				t.Errorf("C_%d is not a_%d·G", k, k)
			}
			if pedersen(a[k], b[k]).Equal(es[k]) != 1 {
				t.Errorf("E_%d is not a_%d·G + b_%d·H", k, k, k)
			}
		}
		p, err := proveOpen(ctx, a, b, es, cs, bytes.NewReader(v.bytes(t, "rand")))
		if err != nil {
			t.Fatal(err)
		}
		eqHex(t, "proof", p, v.one(t, "proof"))
	}
	var err error
	if !verifyOpen(ctx, es, cs, proof) {
		err = errors.New("proof does not verify")
	}
	checkExpect(t, v, err)
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func ceremonyVector(name, desc string, run *vecRun) *vector {
	v := newVector(name, "ceremony", desc)
	v.uint("seed", run.seed)
	v.uint("members", 3)
	v.uint("threshold", 2)
	v.uint("close", vectorClose)
	for j, sec := range run.secs {
		v.comment(fmt.Sprintf("member %d (%s): secrets", j+1, sec.Name))
		v.hex("signing-seed", sec.SigningSeed)
		v.hex("encryption-seed", sec.EncryptionSeed)
		v.hex("polynomial", bytes.Join(run.polys[j], nil))
		v.hex("blinding", bytes.Join(run.blinds[j], nil))
	}
	for _, e := range run.record() {
		v.comment(fmt.Sprintf("%s, sender %d", e.Kind, e.Sender))
		v.hex("message", e.Bytes())
	}
	st := run.board
	qual, _ := st.Qualified()
	tr := st.Transcript(qual)
	v.hex("call-id", st.CallID[:])
	v.hex("ceremony-id", st.ID[:])
	v.set("ceremony-fingerprint", st.ID.Fingerprint())
	v.set("qualified", joinUints(qual))
	v.set("recovered", joinUints(st.Recovered()))
	v.hex("transcript", tr[:])
	v.set("transcript-fingerprint", tr.Fingerprint())
	v.hex("election-key", run.y.Bytes())
	for j := uint64(1); j <= 3; j++ {
		v.hex("verification-key", st.VerificationKey(qual, j).Bytes())
	}
	for _, sec := range run.secs {
		v.hex("share", sec.Share)
	}
	rid := run.request.ID()
	v.hex("request-id", rid[:])
	v.set("plaintexts", joinUints(run.plaintexts))
	v.set("expect", "success")
	return v
}

func joinUints(xs []uint64) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.FormatUint(x, 10)
	}
	return strings.Join(s, ",")
}

func parseUints(s string) []uint64 {
	var out []uint64
	for _, f := range strings.Split(s, ",") {
		if f == "" {
			continue
		}
		x, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			panic(err)
		}
		out = append(out, x)
	}
	return out
}

// resign re-makes member j's message of run with another body, validly
// signed by signer.
func resign(signer *Secrets, kind Kind, ceremony []byte, sender uint64, body any) *Envelope {
	return signer.sign(newEnvelope(kind, ceremony, sender, body))
}

func failureVectors(t *testing.T, a, b *vecRun) []*vector {
	var vs []*vector
	add := func(name, desc string, msgs []*Envelope, expect string) {
		vs = append(vs, sequenceVector(name, desc, msgs, expect))
	}
	id := a.board.ID[:]
	upToManifest := a.prefix(KindManifest)
	upToDeals := a.prefix(KindDeal)
	upToComplaints := a.prefix(KindComplaints)
	upToConfirms := a.prefix(KindConfirm)
	with := func(p []*Envelope, e ...*Envelope) []*Envelope { return append(slices.Clone(p), e...) }
	deal := func(j int) Deal {
		var d Deal
		if err := a.deals[j-1].DecodeBody(&d); err != nil {
			t.Fatal(err)
		}
		return d
	}

	{
		e := mustParse(a.deals[0].Bytes())
		e.Body = flip(e.Body, len(e.Body)-1)
		add("fail-deal-altered", "member 1's deal with one byte of its body changed, not re-signed", with(upToManifest, e), "is not signed by that member's key")
	}
	add("fail-deal-wrong-signer", "member 2's deal re-signed by member 3's key, still naming member 2",
		with(upToManifest, resign(a.secs[2], KindDeal, id, 2, ptr(deal(2)))), "is not signed by that member's key")
	add("fail-deal-other-ceremony", "a deal from another ceremony (its member 1)", with(upToManifest, b.deals[0]), "belongs to another ceremony")
	{
		d := deal(1)
		d.Commitments = append(d.Commitments, group.NewGeneratorElement().Bytes())
		add("fail-deal-extra-commitment", "member 1's deal with t+1 commitments", with(upToManifest, resign(a.secs[0], KindDeal, id, 1, &d)), "has 3 commitments; the threshold 2 needs exactly 2")
		d.Commitments = d.Commitments[:1]
		add("fail-deal-missing-commitment", "member 1's deal with t-1 commitments", with(upToManifest, resign(a.secs[0], KindDeal, id, 1, &d)), "has 1 commitments; the threshold 2 needs exactly 2")
		d = deal(1)
		d.Shares[0].Ciphertext = d.Shares[0].Ciphertext[:len(d.Shares[0].Ciphertext)-1]
		add("fail-deal-share-size", "member 1's deal with a sealed share one byte short: X25519 sealed shares are exactly 112 bytes", with(upToManifest, resign(a.secs[0], KindDeal, id, 1, &d)), "its KEM X25519 gives exactly 112")
	}
	{
		d := deal(1)
		d.Shares[1].To = 2
		add("fail-deal-duplicate-share", "member 1's deal with two shares for member 2 and none for 3", with(upToManifest, resign(a.secs[0], KindDeal, id, 1, &d)), "two shares for member 2")
		d = deal(1)
		d.Shares[0].To = 1
		add("fail-deal-own-share", "member 1's deal with a share for itself", with(upToManifest, resign(a.secs[0], KindDeal, id, 1, &d)), "a share for its own dealer")
		d = deal(1)
		d.Shares[1].To = 4
		add("fail-deal-share-out-of-range", "member 1's deal with a share for member 4 of 3", with(upToManifest, resign(a.secs[0], KindDeal, id, 1, &d)), "a share for member 4, who does not exist")
		d = deal(1)
		d.Shares[0].To = 0
		add("fail-deal-share-zero", "member 1's deal with a share for member 0", with(upToManifest, resign(a.secs[0], KindDeal, id, 1, &d)), "a share for member 0, who does not exist")
		d = deal(1)
		d.Shares = d.Shares[:1]
		add("fail-deal-missing-share", "member 1's deal with one share only", with(upToManifest, resign(a.secs[0], KindDeal, id, 1, &d)), "holds 1 sealed shares; it must hold one for each of the 2 other members")
	}
	add("fail-complaints-as-deal", "member 1's list of complaints sent as a deal, re-signed",
		with(upToManifest, resign(a.secs[0], KindDeal, id, 1, &Complaints{})), "the body of this deal message is malformed")
	{
		e := mustParse(a.complaints[0].Bytes())
		e.Kind = KindDeal
		add("fail-complaints-relabelled", "member 1's list of complaints with its kind changed to deal, not re-signed", with(upToManifest, e), "is not signed by that member's key")
	}
	{
		s, sb := evalPolynomial(a.poly(1), 2), evalPolynomial(a.blind(1), 2)
		add("fail-reveal-without-complaint", "member 1 reveals member 2's share though nobody complained",
			with(upToComplaints, resign(a.secs[0], KindReveal, id, 1, &Reveal{Shares: []RevealedShare{{To: 2, Share: s.Bytes(), Blinding: sb.Bytes()}}})), "nobody complained about it")
	}
	{
		var o Open
		_ = a.opens[0].DecodeBody(&o)
		o.Proof = flip(o.Proof, 40)
		add("fail-open-bad-proof", "member 1's opening with a bit of its proof flipped, re-signed", with(upToComplaints, resign(a.secs[0], KindOpen, id, 1, &o)), "is what its deal committed to does not verify")
		_ = a.opens[0].DecodeBody(&o)
		o.Commitments[1] = group.NewGeneratorElement().Bytes()
		add("fail-open-other-values", "member 1's opening with C_1 replaced by G, re-signed: the proof binds C to the deal's E", with(upToComplaints, resign(a.secs[0], KindOpen, id, 1, &o)), "does not verify")
		_ = a.opens[0].DecodeBody(&o)
		o.Commitments[0] = make([]byte, 32)
		add("fail-open-identity-c0", "member 1's opening with C_0 the identity, re-signed", with(upToComplaints, resign(a.secs[0], KindOpen, id, 1, &o)), "commits to a zero secret")
		_ = a.opens[0].DecodeBody(&o)
		o.Qual = flip(o.Qual, 0)
		add("fail-open-other-qual", "member 1's opening made under another QUAL hash (the coordinator changed the deals, complaints or reveals after the openings)", with(upToComplaints, resign(a.secs[0], KindOpen, id, 1, &o)), "the qualified set cannot change once the Feldman values are public")
	}
	{
		// Ceremony b: member 3 did not open; members 1 and 2 published their shares of it.
		bid := b.board.ID[:]
		upToOpensB := b.prefix(KindOpen)
		var r Recover
		_ = b.recovers[0].DecodeBody(&r)
		r.Shares[0].Share = flip(r.Shares[0].Share, 0)
		add("fail-recover-wrong-share", "member 1 publishes a share of member 3 that does not match member 3's Pedersen commitments", with(upToOpensB, resign(b.secs[0], KindRecover, bid, 1, &r)), "does not match the commitments of")
		_ = b.recovers[0].DecodeBody(&r)
		r.Shares[0].Dealer = 2
		add("fail-recover-self-or-other", "member 1 publishes its share of member 2 under member 2's name: it does not match", with(upToOpensB, resign(b.secs[0], KindRecover, bid, 1, &r)), "does not match the commitments of")
		add("fail-recover-empty", "an empty list of published shares", with(upToOpensB, resign(b.secs[0], KindRecover, bid, 1, &Recover{Qual: r.Qual})), "publishes an empty list of shares")
		_ = b.recovers[0].DecodeBody(&r)
		r.Qual = flip(r.Qual, 0)
		add("fail-recover-other-qual", "published shares made under another QUAL hash", with(upToOpensB, resign(b.secs[0], KindRecover, bid, 1, &r)), "the qualified set cannot change once the Feldman values are public")
		_ = b.recovers[0].DecodeBody(&r)
		_ = b.recovers[0].DecodeBody(&r)
		r.Shares[0].Dealer = 1
		add("fail-recover-of-itself", "member 1 publishes a share of itself", with(upToOpensB, resign(b.secs[0], KindRecover, bid, 1, &r)), "publishes a share of itself")
	}
	{
		var c Confirm
		_ = a.confirms[0].DecodeBody(&c)
		c.Transcript = flip(c.Transcript, 0)
		p := a.prefix(KindRecover)
		add("fail-confirm-other-transcript", "member 1's confirmation of another transcript, re-signed", with(p, resign(a.secs[0], KindConfirm, id, 1, &c)), "saw a different ceremony transcript")
	}
	{
		var m Manifest
		_ = a.manifest.DecodeBody(&m)
		m.Cards[0], m.Cards[1] = m.Cards[1], m.Cards[0]
		add("fail-manifest-out-of-order", "a manifest with its first two cards swapped (ID recomputed)", []*Envelope{a.call, manifestEnvelope(&m)}, "not in the canonical order")
		_ = a.manifest.DecodeBody(&m)
		m.Cards = m.Cards[:2]
		add("fail-manifest-wrong-count", "a manifest with 2 cards for a call of 3", []*Envelope{a.call, manifestEnvelope(&m)}, "lists 2 members but the call is for 3")
		_ = a.manifest.DecodeBody(&m)
		m.Cards[2] = m.Cards[1]
		add("fail-manifest-duplicate-card", "a manifest with a card twice", []*Envelope{a.call, manifestEnvelope(&m)}, "or one is repeated")
		_ = a.manifest.DecodeBody(&m)
		e := manifestEnvelope(&m)
		e.Ceremony = b.board.ID[:]
		add("fail-manifest-wrong-id", "a manifest whose ceremony ID is not the hash of its body", []*Envelope{a.call, e}, "does not match its content")
	}
	add("fail-card-other-call", "a card answering another call", []*Envelope{a.call, b.cards[0]}, "this card answers another call")
	add("fail-request-before-completion", "a decryption request before any confirmation", with(upToDeals, a.request), "arrived before the key ceremony completed")
	{
		p := with(upToConfirms, a.request)
		wrong := wrongAnswer(t, a, 2)
		good := slices.Concat(p, []*Envelope{a.answers[0], wrong, a.answers[2]})
		st := NewState()
		for _, e := range good {
			mustAddT(t, st, e)
		}
		res, pts, err := st.Combine(a.request.ID())
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(pts) != fmt.Sprint(a.plaintexts) {
			t.Fatal("combine without the wrong answer gave another tally")
		}
		v := sequenceVector("answer-wrong-share-skipped", "member 2's answer has a wrong decryption share (validly signed): it is taken in as evidence, flagged invalid, and the result combines members 1 and 3", slices.Concat(good, []*Envelope{res}), "success")
		v.set("invalid-answer", "2")
		v.set("plaintexts", joinUints(pts))
		vs = append(vs, v)
		var r Result
		_ = a.result.DecodeBody(&r)
		wid := wrong.ID()
		r.Answers = [][]byte{r.Answers[0], wid[:]}
		add("fail-result-uses-invalid-answer", "a result that names member 2's wrong answer", slices.Concat(good, []*Envelope{newEnvelope(KindResult, id, 0, &r)}), "which is not a correct decryption")
	}
	{
		var r Result
		_ = a.result.DecodeBody(&r)
		r.Plaintexts[0]++
		add("fail-result-altered", "the result with its first count increased", with(a.prefix(KindAnswer), newEnvelope(KindResult, id, 0, &r)), "it was altered")
	}
	return vs
}

func ptr[T any](v T) *T { return &v }

// manifestEnvelope wraps a manifest body with its ceremony ID, without any
// check.
func manifestEnvelope(m *Manifest) *Envelope {
	body := marshal(m)
	id := newTranscript(tagCeremony).bytes(body).id()
	return &Envelope{Version: Version, Kind: KindManifest, Ceremony: id[:], Body: body}
}

// wrongAnswer returns member j's answer with D_1 replaced by D_1 + G,
// re-signed: a validly signed answer that is not a correct decryption.
func wrongAnswer(t testing.TB, run *vecRun, j uint64) *Envelope {
	var a Answer
	if err := run.answers[j-1].DecodeBody(&a); err != nil {
		t.Fatal(err)
	}
	a.Shares = slices.Clone(a.Shares)
	copy(a.Shares[:32], group.NewIdentityElement().Add(mustElement(a.Shares[:32]), group.NewGeneratorElement()).Bytes())
	return resign(run.secs[j-1], KindAnswer, run.board.ID[:], j, &a)
}

// ---------------------------------------------------------------------------
// The test.

func TestVectors(t *testing.T) {
	if *update {
		vs := generateVectors(t)
		if err := os.MkdirAll(vectorDir, 0o755); err != nil {
			t.Fatal(err)
		}
		old, _ := filepath.Glob(filepath.Join(vectorDir, "*.txt"))
		for _, f := range old {
			os.Remove(f)
		}
		for _, v := range vs {
			if err := os.WriteFile(filepath.Join(vectorDir, v.name+".txt"), v.encode(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("wrote %d vectors", len(vs))
	}
	files, err := filepath.Glob(filepath.Join(vectorDir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no vectors in %s (run with -update): %v", vectorDir, err)
	}
	kinds := map[string]int{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		v, err := parseVector(filepath.Base(f), data)
		if err != nil {
			t.Fatal(err)
		}
		kind := v.one(t, "kind")
		kinds[kind]++
		t.Run(strings.TrimSuffix(v.name, ".txt"), func(t *testing.T) {
			switch kind {
			case "hash":
				checkHashVector(t, v)
			case "fingerprint":
				checkFingerprintVector(t, v)
			case "schnorr", "dleq":
				checkProofVector(t, v)
			case "open-proof":
				checkOpenVector(t, v)
			case "partial-decryption":
				checkPartialVector(t, v)
			case "signature":
				checkSignatureVector(t, v)
			case "envelope":
				checkEnvelopeVector(t, v)
			case "sequence":
				checkSequenceVector(t, v)
			case "ceremony":
				checkCeremonyVector(t, v)
			default:
				t.Fatalf("unknown kind %q", kind)
			}
		})
	}
	for _, k := range []string{"hash", "fingerprint", "schnorr", "dleq", "open-proof", "partial-decryption", "signature", "envelope", "sequence", "ceremony"} {
		if kinds[k] == 0 {
			t.Errorf("no vector of kind %s", k)
		}
	}
	if *update {
		return
	}
	// Determinism: regenerating gives the committed files byte for byte.
	for _, v := range generateVectors(t) {
		got, err := os.ReadFile(filepath.Join(vectorDir, v.name+".txt"))
		if err != nil {
			t.Errorf("%s: generated but not committed: %v", v.name, err)
			continue
		}
		if !bytes.Equal(got, v.encode()) {
			t.Errorf("%s: regenerating does not reproduce the committed file (run with -update if the change is intended)", v.name)
		}
	}
}

func checkExpect(t *testing.T, v *vector, err error) {
	t.Helper()
	want := v.one(t, "expect")
	switch {
	case want == "success" && err != nil:
		t.Fatalf("want success, got %v", err)
	case want != "success" && err == nil:
		t.Fatalf("want an error containing %q, got success", want)
	case want != "success" && !strings.Contains(err.Error(), want):
		t.Fatalf("want an error containing %q, got %v", want, err)
	}
}

func eqHex(t *testing.T, what string, got []byte, want string) {
	t.Helper()
	if hex.EncodeToString(got) != want {
		t.Errorf("%s = %x, want %s", what, got, want)
	}
}

func checkHashVector(t *testing.T, v *vector) {
	tag := v.one(t, "tag")
	ins := v.allBytes(t, "input")
	pre := preimage(tag, ins)
	eqHex(t, "preimage", pre, v.one(t, "preimage"))
	sum := sha512.Sum512(pre)
	eqHex(t, "sha512 of the preimage", sum[:], v.one(t, "sha512"))
	tr := newTranscript(tag)
	for _, in := range ins {
		tr.bytes(in)
	}
	eqHex(t, "transcript sum", tr.sum(), v.one(t, "sha512"))
	id := tr.id()
	eqHex(t, "id", id[:], v.one(t, "id"))
	eqHex(t, "scalar", tr.scalar().Bytes(), v.one(t, "scalar"))
	s, _ := group.NewScalar().SetUniformBytes(sum[:])
	eqHex(t, "wide reduction of sha512", s.Bytes(), v.one(t, "scalar"))
	if v.has("element") {
		h, err := group.NewIdentityElement().SetUniformBytes(sum[:])
		if err != nil {
			t.Fatal(err)
		}
		eqHex(t, "hash-to-group of sha512", h.Bytes(), v.one(t, "element"))
	}
	checkExpect(t, v, nil)
}

func checkFingerprintVector(t *testing.T, v *vector) {
	if got := Fingerprint(v.bytes(t, "input")); got != v.one(t, "fingerprint") {
		t.Errorf("Fingerprint = %s, want %s", got, v.one(t, "fingerprint"))
	}
	checkExpect(t, v, nil)
}

func decodeAll(t *testing.T, bs [][]byte) []*group.Element {
	var out []*group.Element
	for _, b := range bs {
		e, err := decodeElement(b)
		if err != nil {
			t.Fatalf("element %x: %v", b, err)
		}
		out = append(out, e)
	}
	return out
}

func checkProofVector(t *testing.T, v *vector) {
	tag := v.one(t, "tag")
	ctx := v.allBytes(t, "context")
	bases := decodeAll(t, v.allBytes(t, "base"))
	publics := decodeAll(t, v.allBytes(t, "public"))
	if len(bases) != len(publics) || len(bases) == 0 {
		t.Fatal("want as many bases as publics")
	}
	if k := v.one(t, "kind"); (k == "schnorr") != (len(bases) == 1) {
		t.Fatal("a schnorr case has one base, a dleq case two")
	}
	proofBytes := v.bytes(t, "proof")
	if v.has("secret") {
		x, err := group.NewScalar().SetCanonicalBytes(v.bytes(t, "secret"))
		if err != nil {
			t.Fatal(err)
		}
		r := v.bytes(t, "rand")
		for i, b := range bases {
			if group.NewIdentityElement().ScalarMult(x, b).Equal(publics[i]) != 1 {
				t.Errorf("public %d is not secret·base", i)
			}
		}
		k, _ := nonce(tag, x, bytes.NewReader(r), ctx, publics)
		eqHex(t, "nonce", k.Bytes(), v.one(t, "nonce"))
		coms := v.all("commitment")
		for i, b := range bases {
			eqHex(t, "commitment", group.NewIdentityElement().ScalarMult(k, b).Bytes(), coms[i])
		}
		p, err := prove(tag, ctx, x, baseArgs(bases), publics, bytes.NewReader(r))
		if err != nil {
			t.Fatal(err)
		}
		eqHex(t, "challenge", p.c.Bytes(), v.one(t, "challenge"))
		eqHex(t, "response", p.z.Bytes(), v.one(t, "response"))
		eqHex(t, "proof", p.bytes(), v.one(t, "proof"))
	}
	p, err := parseProof(proofBytes)
	if err == nil && !verifyProof(tag, ctx, baseArgs(bases), publics, p) {
		err = errors.New("proof does not verify")
	}
	// The same answer with G passed explicitly rather than as nil.
	if err == nil && !verifyProof(tag, ctx, bases, publics, p) {
		t.Error("verifies with nil for G but not with G")
	}
	checkExpect(t, v, err)
}

// baseArgs passes G as nil, as the protocol code does.
func baseArgs(bases []*group.Element) []*group.Element {
	out := slices.Clone(bases)
	for i, b := range out {
		if b.Equal(group.NewGeneratorElement()) == 1 {
			out[i] = nil
		}
	}
	return out
}

func checkPartialVector(t *testing.T, v *vector) {
	var cer, req ID
	copy(cer[:], v.bytes(t, "ceremony"))
	copy(req[:], v.bytes(t, "request"))
	j := v.number(t, "member")
	cts := bytes.Join(v.allBytes(t, "ciphertext"), nil)
	shares := bytes.Join(v.allBytes(t, "decryption-share"), nil)
	yj := mustElement(v.bytes(t, "verification-key"))
	proofBytes := v.bytes(t, "proof")
	if v.has("secret") {
		x, err := group.NewScalar().SetCanonicalBytes(v.bytes(t, "secret"))
		if err != nil {
			t.Fatal(err)
		}
		if group.NewIdentityElement().ScalarBaseMult(x).Equal(yj) != 1 {
			t.Error("verification key is not secret·G")
		}
		gotShares, gotProof, err := partialDecrypt(x, cer, req, j, cts, bytes.NewReader(v.bytes(t, "rand")))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(gotShares, shares) {
			t.Error("decryption shares differ")
		}
		eqHex(t, "proof", gotProof, v.one(t, "proof"))
		seed := weightSeed(cer, req, j, yj, shares)
		eqHex(t, "weight seed", seed, v.one(t, "weight-seed"))
		ws := v.all("weight")
		if len(ws) != len(shares)/32 {
			t.Fatal("want one weight per ciphertext")
		}
		for k := range ws {
			eqHex(t, "weight", weight(seed, k).Bytes(), ws[k])
		}
		n := len(ws)
		m, z, _ := composite(seed, cts, shares, n, nil)
		eqHex(t, "composite A", m.Bytes(), v.one(t, "composite-a"))
		eqHex(t, "composite D", z.Bytes(), v.one(t, "composite-d"))
	}
	checkExpect(t, v, verifyPartialBytes(yj, cer, req, j, cts, shares, proofBytes))
}

func checkSignatureVector(t *testing.T, v *vector) {
	e := &Envelope{Version: v.number(t, "version"), Kind: Kind(v.one(t, "envelope-kind")), Ceremony: v.bytes(t, "ceremony"),
		Sender: v.number(t, "sender"), Body: v.bytes(t, "body")}
	pre := preimage(tagSignature, [][]byte{ub(e.Version), []byte(e.Kind), e.Ceremony, ub(e.Sender), e.Body})
	eqHex(t, "preimage", pre, v.one(t, "preimage"))
	sum := sha512.Sum512(pre)
	eqHex(t, "signature input", sum[:], v.one(t, "signature-input"))
	eqHex(t, "signatureInput()", e.signatureInput(), v.one(t, "signature-input"))
	key := ed25519.NewKeyFromSeed(v.bytes(t, "signing-seed"))
	eqHex(t, "public key", key.Public().(ed25519.PublicKey), v.one(t, "public-key"))
	e.Sign(key)
	eqHex(t, "signature", e.Signature, v.one(t, "signature"))
	eqHex(t, "encoding", e.Bytes(), v.one(t, "encoding"))
	id := e.ID()
	eqHex(t, "message ID", id[:], v.one(t, "message-id"))
	if id.Fingerprint() != v.one(t, "fingerprint") {
		t.Errorf("fingerprint %s", id.Fingerprint())
	}
	p, err := ParseEnvelope(v.bytes(t, "encoding"))
	if err == nil && !p.verifySignature(v.bytes(t, "public-key")) {
		err = errors.New("signature does not verify")
	}
	checkExpect(t, v, err)
}

func checkEnvelopeVector(t *testing.T, v *vector) {
	e, err := ParseEnvelope(v.bytes(t, "encoding"))
	checkExpect(t, v, err)
	if err == nil {
		if string(e.Kind) != v.one(t, "envelope-kind") {
			t.Errorf("kind %s", e.Kind)
		}
		id := e.ID()
		eqHex(t, "message ID", id[:], v.one(t, "message-id"))
		if !bytes.Equal(e.Bytes(), v.bytes(t, "encoding")) {
			t.Error("does not re-encode to the same bytes")
		}
	}
}

func checkSequenceVector(t *testing.T, v *vector) {
	msgs := v.allBytes(t, "message")
	st := NewState()
	var last error
	for k, m := range msgs {
		e, err := ParseEnvelope(m)
		if err == nil {
			_, err = st.Add(e)
		}
		if k < len(msgs)-1 && err != nil {
			t.Fatalf("message %d (of %d) refused: %v", k+1, len(msgs), err)
		}
		last = err
	}
	checkExpect(t, v, last)
	if v.has("invalid-answer") {
		j := v.number(t, "invalid-answer")
		rids := st.Requests()
		if len(rids) != 1 {
			t.Fatal("want one request")
		}
		if _, invalid := st.AnswerStatus(rids[0]); invalid[j] == nil {
			t.Errorf("answer of member %d not flagged invalid", j)
		}
		_, _, ok := st.Result(rids[0])
		if pts := slices.Collect(st.Plaintexts(rids[0])); !ok || joinUints(pts) != v.one(t, "plaintexts") {
			t.Errorf("result %v, want %s", pts, v.one(t, "plaintexts"))
		}
	}
}

func checkCeremonyVector(t *testing.T, v *vector) {
	st := NewState()
	var files []RecordFile
	var ekFile *ElectionKey
	for k, m := range v.allBytes(t, "message") {
		files = append(files, RecordFile{Name: fmt.Sprintf("message-%02d", k+1), Data: m})
		e, err := ParseEnvelope(m)
		if err != nil {
			t.Fatalf("message %d: %v", k+1, err)
		}
		if e.Kind == KindElectionKey {
			if ekFile, err = ParseElectionKey(e); err != nil {
				t.Fatalf("election key file: %v", err)
			}
			continue
		}
		if _, err := st.Add(e); err != nil {
			t.Fatalf("message %d (%s from %d): %v", k+1, e.Kind, e.Sender, err)
		}
	}
	if !st.Complete() || ekFile == nil {
		t.Fatal("the ceremony did not complete, or has no election key file")
	}
	n, th := v.number(t, "members"), v.number(t, "threshold")
	if uint64(len(st.Members)) != n || st.Call.Threshold != th || st.Call.Close != int64(v.number(t, "close")) {
		t.Error("members, threshold or close differ")
	}
	eqHex(t, "call ID", st.CallID[:], v.one(t, "call-id"))
	eqHex(t, "ceremony ID", st.ID[:], v.one(t, "ceremony-id"))
	if st.ID.Fingerprint() != v.one(t, "ceremony-fingerprint") {
		t.Error("ceremony fingerprint")
	}
	qual, _ := st.Qualified()
	if joinUints(qual) != v.one(t, "qualified") {
		t.Errorf("QUAL = %v", qual)
	}
	tr := st.Transcript(qual)
	eqHex(t, "transcript", tr[:], v.one(t, "transcript"))
	if tr.Fingerprint() != v.one(t, "transcript-fingerprint") {
		t.Error("transcript fingerprint")
	}
	y := st.ElectionKey(qual)
	eqHex(t, "election key", y.Bytes(), v.one(t, "election-key"))
	eqHex(t, "election key file", ekFile.Key.Bytes(), v.one(t, "election-key"))
	vks, shares := v.all("verification-key"), v.allBytes(t, "share")
	sseeds, eseeds, polys, blinds := v.allBytes(t, "signing-seed"), v.allBytes(t, "encryption-seed"), v.allBytes(t, "polynomial"), v.allBytes(t, "blinding")
	if joinUints(st.Recovered()) != v.one(t, "recovered") {
		t.Errorf("recovered = %v", st.Recovered())
	}
	if len(vks) != int(n) || len(shares) != int(n) || len(sseeds) != int(n) || len(eseeds) != int(n) || len(polys) != int(n) || len(blinds) != int(n) {
		t.Fatal("want one verification key, share and set of secrets per member")
	}
	split := func(b []byte) []*group.Scalar {
		var out []*group.Scalar
		for k := 0; k < len(b); k += 32 {
			s, err := group.NewScalar().SetCanonicalBytes(b[k : k+32])
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		return out
	}
	poly := func(i uint64) []*group.Scalar { return split(polys[i-1]) }
	blind := func(i uint64) []*group.Scalar { return split(blinds[i-1]) }
	for j := uint64(1); j <= n; j++ {
		m := st.Members[j-1]
		yj := st.VerificationKey(qual, j)
		eqHex(t, "verification key", yj.Bytes(), vks[j-1])
		x, err := group.NewScalar().SetCanonicalBytes(shares[j-1])
		if err != nil || group.NewIdentityElement().ScalarBaseMult(x).Equal(yj) != 1 {
			t.Errorf("share of member %d does not match its verification key", j)
		}
		eqHex(t, "signing key", ed25519.NewKeyFromSeed(sseeds[j-1]).Public().(ed25519.PublicKey), hex.EncodeToString(m.SigningKey))
		pub, err := encryptionPublicKey(m.KEM, eseeds[j-1])
		if err != nil || !bytes.Equal(pub, m.EncryptionKey) {
			t.Errorf("encryption key of member %d", j)
		}
		// The polynomials match the deal's Pedersen commitments, and the
		// Feldman values (opened or rebuilt) are a_k·G.
		pa, pb := poly(j), blind(j)
		for k := range pa {
			if pedersen(pa[k], pb[k]).Equal(st.deals[j].commitments[k]) != 1 {
				t.Errorf("polynomials of member %d do not match E_%d of its deal", j, k)
			}
			if group.NewIdentityElement().ScalarBaseMult(pa[k]).Equal(st.feldmanOf(j)[k]) != 1 {
				t.Errorf("C_%d of member %d is not a_%d·G", k, j, k)
			}
		}
		// x_j = Σ_{i∈QUAL} f_i(j); every sealed share opens to f_i(j), or the
		// recipient complained and the dealer revealed f_i(j).
		sum := group.NewScalar()
		for _, i := range qual {
			f := evalPolynomial(poly(i), j)
			sum.Add(sum, f)
			if i == j {
				continue
			}
			for _, sh := range st.deals[i].body.Shares {
				if sh.To != j {
					continue
				}
				fb := evalPolynomial(blind(i), j)
				got, gotb, err := openShare(m.KEM, eseeds[j-1], st.ID, i, j, sh.Ciphertext)
				if err == nil && got.Equal(f) == 1 && gotb.Equal(fb) == 1 {
					continue
				}
				r := st.reveals[i]
				if r == nil || !r.valid[j] || r.shares[j].s.Equal(f) != 1 || r.shares[j].blind.Equal(fb) != 1 || !slices.ContainsFunc(st.complaints[j].body.Against, func(c Complaint) bool { return c.Dealer == i }) {
					t.Errorf("share from %d to %d neither opens to f_%d(%d) nor was complained about and revealed", i, j, i, j)
				}
			}
		}
		if sum.Equal(x) != 1 {
			t.Errorf("share of member %d is not the sum of f_i(%d)", j, j)
		}
	}
	var rid ID
	copy(rid[:], v.bytes(t, "request-id"))
	_, _, ok := st.Result(rid)
	if pts := slices.Collect(st.Plaintexts(rid)); !ok || joinUints(pts) != v.one(t, "plaintexts") {
		t.Errorf("result %v, want %s", pts, v.one(t, "plaintexts"))
	}
	if rep := Verify(files); !rep.OK() {
		t.Errorf("the record does not verify: %+v", rep.Checks)
	}
	checkExpect(t, v, nil)
}
