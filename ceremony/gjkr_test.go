package ceremony

// Tests of protocol version 2 (the DKG of Gennaro, Jarecki, Krawczyk and
// Rabin) and of the code/specification disagreements of issue 9 §5.

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/mlkem"
	"crypto/rand"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"conclave/ceremony/group"

	"filippo.io/edwards25519"
)

// cloneParties copies every party's secrets, so that one ceremony can be
// run on from the same point in two ways.
func cloneParties(t testing.TB, ps []*party) []*party {
	var out []*party
	for _, p := range ps {
		sec, err := ParseSecrets(p.sec.Marshal())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, &party{name: p.name, sec: sec})
	}
	return out
}

// cloneBoard replays a board's record into a new state.
func cloneBoard(t testing.TB, st *State) *State {
	b := NewState()
	for _, e := range st.Messages() {
		mustAddT(t, b, e)
	}
	return b
}

// TestSilentQualMemberIsRebuilt: once QUAL is fixed, a qualified member who
// stays silent at the open step is not dropped: the others publish their
// shares of it, its Feldman values are rebuilt, and the election key is
// the very key the ceremony gives when it answers. So whoever closes the
// open step (the coordinator) cannot choose the key by choosing who counts.
func TestSilentQualMemberIsRebuilt(t *testing.T) {
	h := verified(t, 5, 3)
	a0 := map[uint64][]byte{} // each a_i0, before confirmation erases it
	for _, p := range h.parties {
		a0[p.sec.Index] = slices.Clone(p.sec.Polynomial[0])
	}
	// Fork the ceremony at the end of the verify step.
	h2 := &harness{t: t, board: cloneBoard(t, h.board), issued: h.issued, parties: cloneParties(t, h.parties)}

	h.runToComplete()
	yAll := electionKey(t, h.board)

	silent := h2.byIndex(2)
	ob := h2.next(false)
	if h2.issued != StepOpen {
		t.Fatalf("issued %q, want open", h2.issued)
	}
	if o, err := cloneParties(t, h2.parties[:1])[0].sec.Step(ob, rand.Reader); err != nil || len(o.Recovered) != 0 || len(o.Qualified) != 5 {
		t.Fatalf("at the open step: QUAL %v, rebuilt %v (want none yet), %v", o.Qualified, o.Recovered, err)
	}
	h2.stepAll(ob, silent)
	if p := h2.board.Progress(h2.issued); p.Ready || !strings.Contains(fmt.Sprint(p.Waiting), "member 2") {
		t.Fatalf("the open step should wait for member 2: %+v", p)
	}
	rb := h2.next(true) // the coordinator closes the open step without member 2
	if h2.issued != StepRecover {
		t.Fatalf("issued %q, want recover", h2.issued)
	}
	if got := h2.board.Recovered(); fmt.Sprint(got) != "[2]" {
		t.Fatalf("recovered = %v, want [2]", got)
	}
	h2.stepAll(rb, silent)
	cb := h2.next(false)
	if h2.issued != StepConfirm {
		t.Fatalf("issued %q, want confirm: %+v", h2.issued, h2.board.Progress(h2.issued))
	}
	out, err := h2.byIndex(1).sec.Step(cb, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(out.Recovered) != "[2]" || fmt.Sprint(out.Qualified) != "[1 2 3 4 5]" {
		t.Fatalf("outcome QUAL %v, recovered %v", out.Qualified, out.Recovered)
	}
	h2.add(out.Out)
	h2.stepAll(cb) // member 2 may confirm too: it still holds its share
	if !h2.board.Complete() {
		t.Fatalf("not complete: %+v", h2.board.Progress(h2.issued))
	}
	yRebuilt := electionKey(t, h2.board)
	if yAll.Equal(yRebuilt) != 1 {
		t.Fatal("the election key changed when a qualified member stayed silent at the open step")
	}
	// It is the sum of every qualified member's a_i0·G, member 2 included.
	want := group.NewIdentityElement()
	for _, p := range h2.parties {
		want.Add(want, group.NewIdentityElement().ScalarBaseMult(mustScalar(t, a0[p.sec.Index])))
	}
	if want.Equal(yRebuilt) != 1 {
		t.Fatal("the election key is not Σ a_i0·G over QUAL")
	}
	// The rebuilt Feldman values are member 2's own.
	for k, c := range h2.board.feldmanOf(2) {
		if c.Equal(h.board.opens[2].commitments[k]) != 1 {
			t.Fatalf("rebuilt C_2%d differs from the one member 2 opened", k)
		}
	}
	// The key file holds the confirmations of those who opened; every
	// member, the rebuilt one included, can decrypt.
	ek, err := h2.board.ElectionKeyFile()
	if err != nil {
		t.Fatal(err)
	}
	var k ElectionKeyFile
	_ = ek.DecodeBody(&k)
	if len(k.Confirmations) != 4 {
		t.Fatalf("key file holds %d confirmations, want 4 (QUAL minus the rebuilt member)", len(k.Confirmations))
	}
	cts := tally(t, yRebuilt, []uint64{1, 2, 2}, 2)
	if got := h2.decrypt(cts, RequestTally, 2, 3, []uint64{2, 4, 5}); fmt.Sprint(got) != "[1 2]" {
		t.Fatalf("tally = %v", got)
	}
	if r := h2.verify(); !r.OK() {
		t.Fatalf("record does not verify: %+v", r.Checks)
	}
}

func mustScalar(t testing.TB, b []byte) *group.Scalar {
	s, err := group.NewScalar().SetCanonicalBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCoordinatorCannotDropDealerAfterOpen: once the openings are public,
// a coordinator who drops a dealer's deal (to change QUAL, and so the key)
// hands out a bundle in which every opening is refused, and an honest
// member who opened refuses to go on.
func TestCoordinatorCannotDropDealerAfterOpen(t *testing.T) {
	h, outs := opened(t, 4, 2)
	for _, e := range outs {
		h.add(e)
	}
	// The honest record: openings taken in.
	if len(h.board.opens) != 4 {
		t.Fatal("openings not taken in")
	}
	// The coordinator rebuilds a board without member 3's deal: QUAL would
	// become {1, 2, 4} and Y = C_10 + C_20 + C_40, chosen after seeing C_30.
	forged := NewState()
	for _, e := range h.board.Messages() {
		if (e.Kind == KindDeal || e.Kind == KindComplaints) && e.Sender == 3 {
			continue
		}
		if e.Kind == KindOpen {
			continue
		}
		mustAddT(t, forged, e)
	}
	for _, e := range outs {
		if e.Sender == 3 {
			continue
		}
		p, _ := ParseEnvelope(e.Bytes())
		_, err := forged.Add(p)
		wantErr(t, err, "the qualified set cannot change once the Feldman values are public")
	}
	// Even if the coordinator leaves the openings out, a member who opened
	// refuses the confirm bundle of the forged board.
	b := Bundle{Step: StepConfirm}
	for _, e := range forged.Messages() {
		if e.Kind != KindCall && e.Kind != KindCard {
			b.Messages = append(b.Messages, e.Bytes())
		}
	}
	_, err := h.sec(1).Step(newEnvelope(KindBundle, forged.ID[:], 0, &b), rand.Reader)
	wantErr(t, err, "the qualified set changed after you opened your commitments")
	// And the member whose deal was dropped refuses the forged bundle.
	var ob Bundle
	for _, e := range forged.Messages() {
		if e.Kind != KindCall && e.Kind != KindCard {
			ob.Messages = append(ob.Messages, e.Bytes())
		}
	}
	ob.Step = StepOpen
	_, err = h.sec(3).Step(newEnvelope(KindBundle, forged.ID[:], 0, &ob), rand.Reader)
	wantErr(t, err, "your deal is missing from the bundle")
}

// TestMemberRefusesBundleHidingItsComplaint: a coordinator that leaves a
// member's complaint out (to keep a cheating dealer in QUAL) is refused by
// that member at the next steps.
func TestMemberRefusesBundleHidingItsComplaint(t *testing.T) {
	h := dealt(t, 3, 2)
	badDeal(t, h.byIndex(1), 2, h.board)
	h.addDeals()
	h.stepAll(h.next(false))
	if got := h.board.complainers(1); fmt.Sprint(got) != "[2]" {
		t.Fatalf("complainers = %v", got)
	}
	hidden := Bundle{Step: StepOpen}
	for _, e := range h.board.Messages() {
		if e.Kind != KindCall && e.Kind != KindCard && !(e.Kind == KindComplaints && e.Sender == 2) {
			hidden.Messages = append(hidden.Messages, e.Bytes())
		}
	}
	_, err := h.sec(2).Step(newEnvelope(KindBundle, h.board.ID[:], 0, &hidden), rand.Reader)
	wantErr(t, err, "the bundle does not hold the list of complaints you made")
	// Members whose list was empty are not stopped by its absence.
	if _, err := h.sec(3).Step(newEnvelope(KindBundle, h.board.ID[:], 0, &hidden), rand.Reader); err != nil {
		t.Fatalf("member 3: %v", err)
	}
}

// TestFalseComplaintIsAnswered: a member complains about an honest dealer;
// the dealer reveals the share pair, which matches its commitments, and
// stays in QUAL; the count is right.
func TestFalseComplaintIsAnswered(t *testing.T) {
	h := dealt(t, 4, 3)
	h.addDeals()
	vb := h.next(false)
	liar := h.sec(3)
	for _, p := range h.parties {
		if p.sec == liar {
			c := resign(liar, KindComplaints, h.board.ID[:], 3, &Complaints{Against: []Complaint{{Dealer: 1, Reason: ReasonMismatch}}})
			liar.Complaints = c.Bytes()
			h.add(c)
			continue
		}
		out, err := p.sec.Step(vb, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		h.add(out.Out)
	}
	if got := h.board.Accused(); fmt.Sprint(got) != "[1]" {
		t.Fatalf("accused = %v", got)
	}
	h.runToComplete()
	qual, excluded := h.board.Qualified()
	if fmt.Sprint(qual) != "[1 2 3 4]" || len(excluded) != 0 {
		t.Fatalf("QUAL = %v, excluded %v: the falsely accused dealer must stay", qual, excluded)
	}
	if !h.board.reveals[1].valid[3] {
		t.Fatal("the revealed share does not match")
	}
	y := electionKey(t, h.board)
	if got := h.decrypt(tally(t, y, []uint64{2, 2, 1}, 2), RequestTally, 2, 3, []uint64{1, 3, 4}); fmt.Sprint(got) != "[1 2]" {
		t.Fatalf("tally = %v", got)
	}
	if r := h.verify(); !r.OK() {
		t.Fatalf("record does not verify: %+v", r.Checks)
	}
}

// TestNonDealerMayComplain: the specification lets a member who never
// dealt complain (docs/protocol.md §6.3): its complaint is taken in and the
// accused must answer it.
func TestNonDealerMayComplain(t *testing.T) {
	h := dealt(t, 3, 2)
	h.addDeals(3)
	vb := h.next(true)
	h.stepAll(vb, h.byIndex(3))
	c := resign(h.sec(3), KindComplaints, h.board.ID[:], 3, &Complaints{Against: []Complaint{{Dealer: 1, Reason: ReasonUnopenable}}})
	if _, err := h.board.Add(c); err != nil {
		t.Fatalf("a complaint of a member who did not deal: %v", err)
	}
	if got := h.board.Accused(); fmt.Sprint(got) != "[1]" {
		t.Fatalf("accused = %v", got)
	}
}

// TestCopiedMessagesAreDuplicates: a byte-identical copy of any message of
// the record, the call included, is a duplicate and ignored (§6, §8).
func TestCopiedMessagesAreDuplicates(t *testing.T) {
	h, req := completed(t, 3, 2)
	h.add(h.answer(1, req))
	h.add(h.answer(2, req))
	res, _, err := h.board.Combine(req.ID())
	if err != nil {
		t.Fatal(err)
	}
	h.add(res)
	var files []RecordFile
	for k, e := range h.board.Messages() {
		files = append(files, RecordFile{Name: fmt.Sprintf("m%02d", k), Data: e.Bytes()}, RecordFile{Name: fmt.Sprintf("copy-of-m%02d", k), Data: e.Bytes()})
		p, _ := ParseEnvelope(e.Bytes())
		if _, err := h.board.Add(p); !errors.Is(err, ErrDuplicate) {
			t.Errorf("a copy of the %s message: %v, want ErrDuplicate", e.Kind, err)
		}
	}
	if r := Verify(files); !r.OK() {
		for _, c := range r.Checks {
			if !c.OK {
				t.Errorf("FAIL %s", c.Text)
			}
		}
	}
}

// smallOrderEd25519 lists the encodings of the eight points of small order
// of edwards25519, and non-canonical encodings of some of them (y ≥ p, and
// the sign bit set on x = 0).
var smallOrderEd25519 = []string{
	"0100000000000000000000000000000000000000000000000000000000000000", // identity
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // order 2
	"0000000000000000000000000000000000000000000000000000000000000080", // order 4
	"0000000000000000000000000000000000000000000000000000000000000000", // order 4
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", // order 8
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", // order 8
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85", // order 8
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // identity, y = p + 1
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // y = p + 1, sign bit set
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // y = p (≡ 0)
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // y = p, sign bit set
	"0100000000000000000000000000000000000000000000000000000000000080", // identity, sign bit set
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // y = -1, sign bit set
}

// TestSmallOrderSigningKeyRefused: with the identity as a card's signing
// key, one "signature" verifies for every message; every small-order key,
// in any encoding, is refused.
func TestSmallOrderSigningKeyRefused(t *testing.T) {
	// The attack: R = S·B, and [S]B = R + [k]·identity for every message.
	s := group.NewScalar().SetUint64(42)
	es, _ := edwards25519.NewScalar().SetCanonicalBytes(s.Bytes())
	r := new(edwards25519.Point).ScalarBaseMult(es)
	sig := append(r.Bytes(), s.Bytes()...)
	id := mustHex(smallOrderEd25519[0])
	for _, msg := range []string{"one message", "any other"} {
		if !ed25519.Verify(id, []byte(msg), sig) {
			t.Fatal("the forged signature does not verify: the premise of this test is wrong")
		}
	}
	decodable := 0
	for _, k := range smallOrderEd25519 {
		pub := mustHex(k)
		err := checkSigningKey(pub)
		if err == nil {
			t.Errorf("signing key %s of small order accepted", k)
			continue
		}
		if _, derr := new(edwards25519.Point).SetBytes(pub); derr == nil {
			decodable++
			if !errors.Is(err, ErrWeakKey) {
				t.Errorf("signing key %s: %v, want ErrWeakKey", k, err)
			}
		}
	}
	if decodable < 12 {
		t.Errorf("only %d of the small-order encodings decode: the list is not what it says", decodable)
	}
	// A whole card with the identity key and the forged signature.
	call, err := NewCall("x", 2, 1, false, time.Unix(1700000000, 0), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	st := NewState()
	mustAddT(t, st, call)
	_, good, _ := Enrol(call, "A", rand.Reader)
	c := cardBody(t, good)
	c.SigningKey = id
	e := newEnvelope(KindCard, good.Ceremony, 0, &c)
	e.Signature = sig
	refuse(t, st, e, "a signing key of small order")
	// A good key is accepted.
	if err := checkSigningKey(cardBody(t, good).SigningKey); err != nil {
		t.Fatal(err)
	}
}

// lowOrderX25519Keys lists X25519 public keys of low order (zero
// included): with them the shared secret is all zeros. X25519 ignores the
// top bit, so each also with it set.
var lowOrderX25519Keys = []string{
	"0000000000000000000000000000000000000000000000000000000000000000",
	"0100000000000000000000000000000000000000000000000000000000000000",
	"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
	"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
}

// TestX25519BlocklistMatchesECDH: the table checkX25519 uses refuses
// exactly the keys for which X25519 gives an all-zero secret, checked
// with crypto/ecdh on the table's keys (both top bits) and on random keys.
func TestX25519BlocklistMatchesECDH(t *testing.T) {
	priv, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	zero := func(u []byte) bool {
		pk, err := ecdh.X25519().NewPublicKey(u)
		if err != nil {
			t.Fatal(err)
		}
		_, err = priv.ECDH(pk)
		return err != nil
	}
	var keys [][]byte
	for _, k := range lowOrderX25519Keys {
		for _, top := range []byte{0, 0x80} {
			u := mustHex(k)
			u[31] |= top
			keys = append(keys, u)
		}
	}
	for i := 0; i < 200; i++ {
		u := make([]byte, 32)
		rand.Read(u)
		keys = append(keys, u)
	}
	for _, u := range keys {
		if zero(u) != (checkX25519(u) != nil) {
			t.Errorf("%x: ECDH all-zero %v, refused %v", u, zero(u), checkX25519(u) != nil)
		}
	}
}

// TestLowOrderEncryptionKeyRefused: a card whose X25519 key (alone or in
// MLKEM768X25519) is of low order is refused on arrival, naming the card;
// before, it passed and made every honest deal fail without naming it.
func TestLowOrderEncryptionKeyRefused(t *testing.T) {
	for _, pq := range []bool{false, true} {
		call, err := NewCall("x", 2, 1, pq, time.Unix(1700000000, 0), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		st := NewState()
		mustAddT(t, st, call)
		sec, good, _ := Enrol(call, "Mallory", rand.Reader)
		for _, k := range lowOrderX25519Keys {
			for _, top := range []byte{0, 0x80} {
				u := mustHex(k)
				u[31] |= top
				c := cardBody(t, good)
				if pq {
					c.EncryptionKey = append(slices.Clone(c.EncryptionKey[:mlkem.EncapsulationKeySize768]), u...)
				} else {
					c.EncryptionKey = u
				}
				refuse(t, st, resign(sec, KindCard, good.Ceremony, 0, &c), `the card of "Mallory" has an X25519 key of low order`)
				if err := checkEncryptionKey(c.KEM, c.EncryptionKey); !errors.Is(err, ErrWeakKey) {
					t.Errorf("%s: %v, want ErrWeakKey", hex.EncodeToString(u), err)
				}
			}
		}
		mustAddT(t, st, good)
	}
	// An ML-KEM part that is not a valid encapsulation key (a coefficient ≥ q).
	call, _ := NewCall("x", 2, 1, true, time.Unix(1700000000, 0), rand.Reader)
	st := NewState()
	mustAddT(t, st, call)
	sec, good, _ := Enrol(call, "Mallory", rand.Reader)
	c := cardBody(t, good)
	c.EncryptionKey = slices.Clone(c.EncryptionKey)
	c.EncryptionKey[0], c.EncryptionKey[1] = 0xff, 0xff
	refuse(t, st, resign(sec, KindCard, good.Ceremony, 0, &c), "an ML-KEM-768 encapsulation key that is not valid")
	c.EncryptionKey = c.EncryptionKey[:100]
	refuse(t, st, resign(sec, KindCard, good.Ceremony, 0, &c), "an MLKEM768X25519 key of 100 bytes, want 1216")
}

// TestSealedShareSizes: the sizes docs/protocol.md §6.2 gives are the
// sizes HPKE produces.
func TestSealedShareSizes(t *testing.T) {
	for _, pq := range []bool{false, true} {
		h := dealt(t, 2, 2)
		if pq {
			h = newHarness(t, 2, 2, true)
			m := h.next(false)
			for _, p := range h.parties {
				if _, err := p.sec.Step(m, rand.Reader); err != nil {
					t.Fatal(err)
				}
			}
		}
		_, d := h.dealOf(1)
		want := sealedShareX25519
		if pq {
			want = sealedShareMLKEM768X25519
		}
		if len(d.Shares[0].Ciphertext) != want || (pq && want != 1200) || (!pq && want != 112) {
			t.Errorf("pq=%v: sealed share of %d bytes, want %d", pq, len(d.Shares[0].Ciphertext), want)
		}
	}
}

// TestIdentityElectionKeyRefused: two members who make their secrets
// cancel out would give the identity as election key; members refuse to
// confirm it, the state refuses any confirmation of it.
func TestIdentityElectionKeyRefused(t *testing.T) {
	h := newHarness(t, 2, 1, false)
	m := h.next(false)
	// Member 2 takes -a_10 as its own a_20 (both collude).
	a10 := mustScalar(t, h.parties[0].sec.Polynomial[0])
	h.parties[1].sec.Polynomial[0] = group.NewScalar().Negate(a10).Bytes()
	h.stepAll(m)
	h.stepAll(h.next(false)) // verify
	h.stepAll(h.next(false)) // open
	cb := h.next(false)
	if h.issued != StepConfirm {
		t.Fatalf("issued %q", h.issued)
	}
	if y := h.board.ElectionKey(h.board.qualified()); !y.IsIdentity() {
		t.Fatal("the premise is wrong: Y is not the identity")
	}
	_, err := h.parties[0].sec.Step(cb, rand.Reader)
	wantErr(t, err, "the election key is the identity element")
	j := h.parties[0].sec.Index
	refuse(t, h.board, resign(h.parties[0].sec, KindConfirm, h.board.ID[:], j, &Confirm{Qualified: []uint64{1, 2}, ElectionKey: make([]byte, 32)}),
		"the election key is the identity element")
}

// TestKeyFileMustCarryTheRecordsConfirmations: a key file whose
// confirmations are valid but not those of the record does not pass
// Verify.
func TestKeyFileMustCarryTheRecordsConfirmations(t *testing.T) {
	h := newHarness(t, 3, 2, false)
	h.runToComplete()
	ekEnv, _ := h.board.ElectionKeyFile()
	var k ElectionKeyFile
	_ = ekEnv.DecodeBody(&k)
	// Member 2 proves its share again: another valid confirmation.
	sec := h.sec(2)
	var c Confirm
	_ = mustParse(sec.Confirm).DecodeBody(&c)
	var tr ID
	copy(tr[:], c.Transcript)
	p, err := prove(tagProofShare, shareProofContext(h.board.ID, 2, tr), mustScalar(t, sec.Share), []*group.Element{nil}, []*group.Element{mustElement(c.VerificationKey)}, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	c.Proof = p.bytes()
	k.Confirmations[1] = resign(sec, KindConfirm, h.board.ID[:], 2, &c).Bytes()
	other := newEnvelope(KindElectionKey, h.board.ID[:], 0, &k)
	if _, err := ParseElectionKey(other); err != nil {
		t.Fatalf("the other key file is valid on its own: %v", err)
	}
	var files []RecordFile
	for _, e := range h.board.Messages() {
		files = append(files, RecordFile{Name: string(e.Kind), Data: e.Bytes()})
	}
	if r := Verify(append(slices.Clone(files), RecordFile{Name: "key.cbor", Data: ekEnv.Bytes()})); !r.OK() {
		t.Fatalf("the record with its own key file does not verify: %+v", r.Checks)
	}
	r := Verify(append(files, RecordFile{Name: "key.cbor", Data: other.Bytes()}))
	if r.OK() || !slices.ContainsFunc(r.Checks, func(c Check) bool {
		return !c.OK && strings.Contains(fmt.Sprint(c.Text), "does not carry the very confirmations of this record")
	}) {
		t.Fatalf("a key file with other confirmations passed: %+v", r.Checks)
	}
}

// TestCloseRange: the close of poll is a Unix time from 1970-01-01T00:00:00Z
// to 9999-12-31T23:59:59Z (docs/protocol.md §5.2).
func TestCloseRange(t *testing.T) {
	for _, tc := range []struct {
		close int64
		ok    bool
	}{{0, true}, {MaxClose, true}, {-1, false}, {MaxClose + 1, false}, {-1 << 62, false}} {
		_, err := NewCall("x", 1, 1, false, time.Unix(tc.close, 0), rand.Reader)
		if (err == nil) != tc.ok {
			t.Errorf("close %d: %v", tc.close, err)
		}
	}
}

// TestGeneratorH: H is hash-to-group of SHA-512 of the length-prefixed tag,
// independently computed, and is neither G nor the identity.
func TestGeneratorH(t *testing.T) {
	tag := "conclave/v2/generator-h"
	pre := append([]byte{0, 0, 0, 0, 0, 0, 0, byte(len(tag))}, tag...)
	sum := sha512.Sum512(pre)
	h, err := group.NewIdentityElement().SetUniformBytes(sum[:])
	if err != nil {
		t.Fatal(err)
	}
	if h.Equal(GeneratorH()) != 1 || h.IsIdentity() || h.Equal(group.NewGeneratorElement()) == 1 {
		t.Fatal("H is not hash-to-group of the tag")
	}
	if !bytes.Equal(GeneratorH().Bytes(), h.Bytes()) {
		t.Fatal("encodings differ")
	}
}

// TestInterpolate: the polynomial rebuilt from t points is the one that
// made them.
func TestInterpolate(t *testing.T) {
	poly := []*group.Scalar{scalarFrom("i0"), scalarFrom("i1"), scalarFrom("i2"), scalarFrom("i3")}
	xs := []uint64{2, 5, 7, 64}
	ys := make([]*group.Scalar, len(xs))
	for k, x := range xs {
		ys[k] = evalPolynomial(poly, x)
	}
	got := interpolate(xs, ys)
	for k := range poly {
		if got[k].Equal(poly[k]) != 1 {
			t.Fatalf("coefficient %d differs", k)
		}
	}
}

// TestRefuseRecover: published shares are checked one by one against the
// dealer's Pedersen commitments, bound to the QUAL hash, and closed once
// members confirm.
func TestRefuseRecover(t *testing.T) {
	h := verified(t, 4, 2)
	ob := h.next(false)
	silent := []*party{h.byIndex(2), h.byIndex(3)}
	h.stepAll(ob, silent...)
	rb := h.next(true)
	if h.issued != StepRecover || fmt.Sprint(h.board.Recovered()) != "[2 3]" {
		t.Fatalf("issued %q, recovered %v", h.issued, h.board.Recovered())
	}
	out, err := h.sec(1).Step(rb, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var r Recover
	if err := out.Out.DecodeBody(&r); err != nil || len(r.Shares) != 2 {
		t.Fatalf("member 1 publishes %d shares: %v", len(r.Shares), err)
	}
	id := h.board.ID[:]
	who := h.board.who(1).String()
	body := func() Recover {
		var c Recover
		_ = out.Out.DecodeBody(&c)
		return c
	}
	for _, tc := range []struct {
		name   string
		mutate func(r *Recover)
		want   string
	}{
		{"dealers out of order", func(r *Recover) { r.Shares[0], r.Shares[1] = r.Shares[1], r.Shares[0] }, "the shares " + who + " publishes name a dealer twice or out of order"},
		{"a dealer twice", func(r *Recover) { r.Shares[1] = r.Shares[0] }, "name a dealer twice or out of order"},
		{"dealer 0", func(r *Recover) { r.Shares[0].Dealer = 0 }, "name a dealer twice or out of order"},
		{"dealer n+1", func(r *Recover) { r.Shares[1].Dealer = 5 }, "publishes its share of member 5, who is not qualified"},
		{"share of 2 as share of 4", func(r *Recover) { r.Shares[1].Dealer = 4 }, "does not match the commitments of " + h.board.who(4).String()},
		{"wrong share", func(r *Recover) { r.Shares[0].Share = flip(r.Shares[0].Share, 0) }, "the share of " + h.board.who(2).String() + " that " + who + " publishes does not match the commitments of " + h.board.who(2).String()},
		{"wrong blinding", func(r *Recover) { r.Shares[0].Blinding = flip(r.Shares[0].Blinding, 0) }, "does not match the commitments"},
		{"non-canonical", func(r *Recover) { r.Shares[0].Share = bytes.Repeat([]byte{0xff}, 32) }, "is not a pair of valid numbers"},
		{"no blinding", func(r *Recover) { r.Shares[0].Blinding = nil }, "is not a pair of valid numbers"},
		{"other QUAL hash", func(r *Recover) { r.Qual = flip(r.Qual, 3) }, "the qualified set cannot change once the Feldman values are public"},
		{"no QUAL hash", func(r *Recover) { r.Qual = nil }, "the qualified set cannot change"},
		{"empty", func(r *Recover) { r.Shares = nil }, "publishes an empty list of shares"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := body()
			tc.mutate(&c)
			refuse(t, h.board, resign(h.sec(1), KindRecover, id, 1, &c), tc.want)
		})
	}
	// Member 1 publishing member 4's share of 2 in its own name: the pair is
	// for another point.
	out4, err := h.sec(4).Step(rb, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var r4 Recover
	_ = out4.Out.DecodeBody(&r4)
	refuse(t, h.board, resign(h.sec(1), KindRecover, id, 1, &r4), "does not match the commitments of "+h.board.who(2).String())
	// Member 2 (rebuilt) publishing a share of itself.
	c := body()
	c.Shares = c.Shares[:1]
	refuse(t, h.board, resign(h.sec(2), KindRecover, id, 2, &c), h.board.who(2).String()+" publishes a share of itself")
	h.add(out.Out)
	h.add(out4.Out)
	refuse(t, h.board, resign(h.sec(1), KindRecover, id, 1, &Recover{Qual: r.Qual, Shares: r.Shares[:1]}), who+" already published its shares of silent members, and this list is different")
	cb := h.next(false)
	if h.issued != StepConfirm {
		t.Fatalf("issued %q: %+v", h.issued, h.board.Progress(h.issued))
	}
	h.stepAll(cb, silent...)
	if !h.board.Complete() {
		t.Fatal("not complete")
	}
	// Too late: the confirm step has begun.
	out2, err := h.byIndex(2).sec.Step(rb, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	refuse(t, h.board, out2.Out, "arrived after members began to confirm: the recover step is over")
	if r := h.verify(); !r.OK() {
		t.Fatalf("record does not verify: %+v", r.Checks)
	}
}
