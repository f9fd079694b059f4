package ceremony

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"conclave/ceremony/group"
)

// Secrets is what a member keeps sealed in its keystore: identity keys,
// the polynomial while the ceremony runs, the share afterwards, and the
// member's own messages so that answering the same step twice gives the
// same message (docs/protocol.md §9). Never write it anywhere but into a
// keystore.
type Secrets struct {
	_               struct{} `cbor:",toarray"`
	Version         uint64
	Name            string
	Call            []byte // the call envelope
	SigningSeed     []byte // Ed25519 seed
	KEM             uint64
	EncryptionSeed  []byte   // HPKE DeriveKeyPair input
	Polynomial      [][]byte // a_0..a_{t-1}; erased when the ceremony completes
	Card            []byte   // own messages (public)
	Ceremony        []byte
	Index           uint64
	Close           int64
	Deal            []byte
	Complaints      []byte
	Reveal          []byte
	Confirm         []byte
	Share           []byte // x_j, once the ceremony completes
	VerificationKey []byte // Y_j
	ElectionKey     []byte // Y
	// Confirmed is the ID of the manifest whose terms and member list the
	// member confirmed (docs/protocol.md §9); the deal step refuses any other.
	Confirmed []byte
	// Answered is the log of every decryption request this keystore
	// answered, oldest first (docs/protocol.md §9).
	Answered []AnsweredRequest
}

// Wipe overwrites every secret byte held by sec.
func (sec *Secrets) Wipe() {
	clear(sec.SigningSeed)
	clear(sec.EncryptionSeed)
	for _, c := range sec.Polynomial {
		clear(c)
	}
	clear(sec.Share)
}

// CallID returns the ID of the call the member answered.
func (sec *Secrets) CallID() ID {
	e, err := ParseEnvelope(sec.Call)
	if err != nil {
		return ID{}
	}
	return callID(e)
}

// CeremonyID returns the ceremony ID, or the zero ID before the manifest.
func (sec *Secrets) CeremonyID() ID {
	var id ID
	copy(id[:], sec.Ceremony)
	return id
}

// Stage names where the member is: "enrolled", "dealt", "verified",
// "revealed", "confirmed" or "complete".
func (sec *Secrets) Stage() string {
	switch {
	case len(sec.Share) > 0:
		return "complete"
	case len(sec.Deal) == 0:
		return "enrolled"
	case len(sec.Complaints) == 0:
		return "dealt"
	case len(sec.Reveal) > 0:
		return "revealed"
	}
	return "verified"
}

// Outcome is what a member's step produced, for people to read.
type Outcome struct {
	Step        string    // the step answered
	Out         *Envelope // the message to hand back, or nil if there is none
	Checks      []string  // what was checked, in plain words
	Fingerprint string    // the ceremony's fingerprint (or the call's, before the manifest)
	Note        string    // what to do next
}

// NewCall opens a ceremony (docs/protocol.md §5.2). close is the close of
// poll; nothing decrypts before it.
func NewCall(title string, members, threshold uint64, postQuantum bool, close time.Time, rand io.Reader) (*Envelope, error) {
	c := Call{Title: title, Members: members, Threshold: threshold, PostQuantum: postQuantum, Close: close.Unix(), Nonce: make([]byte, 16)}
	if _, err := io.ReadFull(rand, c.Nonce); err != nil {
		return nil, fmt.Errorf("ceremony: cannot read randomness: %v", err)
	}
	if err := checkCall(&c); err != nil {
		return nil, err
	}
	return newEnvelope(KindCall, nil, 0, &c), nil
}

// Enrol answers a call: it makes the member's identity keys and polynomial
// and returns the secrets to seal and the card to hand in (docs/protocol.md
// §6.1).
func Enrol(callEnv *Envelope, name string, rand io.Reader) (*Secrets, *Envelope, error) {
	st := NewState()
	if _, err := st.Add(callEnv); err != nil {
		return nil, nil, err
	}
	if err := checkName("member name", name, MaxNameLength); err != nil {
		return nil, nil, err
	}
	sec := &Secrets{Version: Version, Name: name, Call: callEnv.Bytes(), KEM: KEMX25519, Close: st.Call.Close,
		SigningSeed: make([]byte, 32), EncryptionSeed: make([]byte, 32)}
	if st.Call.PostQuantum {
		sec.KEM = KEMMLKEM768X25519
	}
	if _, err := io.ReadFull(rand, sec.SigningSeed); err != nil {
		return nil, nil, fmt.Errorf("ceremony: cannot read randomness: %v", err)
	}
	if _, err := io.ReadFull(rand, sec.EncryptionSeed); err != nil {
		return nil, nil, fmt.Errorf("ceremony: cannot read randomness: %v", err)
	}
	commitments := make([][]byte, st.Call.Threshold)
	for k := range commitments {
		var wide [64]byte
		if _, err := io.ReadFull(rand, wide[:]); err != nil {
			return nil, nil, fmt.Errorf("ceremony: cannot read randomness: %v", err)
		}
		a, _ := group.NewScalar().SetUniformBytes(wide[:])
		clear(wide[:])
		sec.Polynomial = append(sec.Polynomial, a.Bytes())
		commitments[k] = group.NewIdentityElement().ScalarBaseMult(a).Bytes()
		a.Zeroize()
	}
	encPub, err := encryptionPublicKey(sec.KEM, sec.EncryptionSeed)
	if err != nil {
		return nil, nil, err
	}
	sk := signingKey(sec.SigningSeed)
	pub := []byte(sk.Public().(ed25519.PublicKey))
	card := Card{Name: name, SigningKey: pub, KEM: sec.KEM, EncryptionKey: encPub,
		Commitments: commitmentHash(st.CallID, pub, commitments)}
	e := newEnvelope(KindCard, st.CallID[:], 0, &card)
	e.sign(sk)
	sec.Card = e.Bytes()
	return sec, e, nil
}

func (sec *Secrets) polynomial() []*group.Scalar {
	out := make([]*group.Scalar, len(sec.Polynomial))
	for k, b := range sec.Polynomial {
		out[k], _ = group.NewScalar().SetCanonicalBytes(b)
	}
	return out
}

func zeroize(s []*group.Scalar) {
	for _, x := range s {
		x.Zeroize()
	}
}

func (sec *Secrets) sign(e *Envelope) *Envelope {
	sk := signingKey(sec.SigningSeed)
	defer clear(sk)
	e.sign(sk)
	return e
}

func mustParse(b []byte) *Envelope {
	e, err := ParseEnvelope(b)
	if err != nil {
		panic("ceremony: internal error: stored message does not parse: " + err.Error())
	}
	return e
}

// Step answers whatever step the coordinator's message in asks for: a call
// (returns the card again), a manifest (deal), or a bundle (complaints,
// reveal or confirmation). Every message in the input is checked first. sec
// is updated; seal it again after a successful step (docs/protocol.md §6).
func (sec *Secrets) Step(in *Envelope, rand io.Reader) (*Outcome, error) {
	switch in.Kind {
	case KindCall:
		if callID(in) != sec.CallID() {
			return nil, errors.New("ceremony: this call is for another ceremony than the one this keystore enrolled in: use a new keystore for a new ceremony")
		}
		return &Outcome{Step: "enrol", Out: mustParse(sec.Card), Fingerprint: sec.CallID().Fingerprint(),
			Checks: []string{"the call is the one this keystore answered"}, Note: "hand your card to the coordinator"}, nil
	case KindManifest:
		return sec.deal(in, rand)
	case KindBundle:
		return sec.bundle(in, rand)
	case KindRequest:
		return nil, errors.New("ceremony: this is a decryption request: use decrypt, not step")
	case KindElectionKey:
		ek, err := ParseElectionKey(in)
		if err != nil {
			return nil, err
		}
		if ek.Ceremony != sec.CeremonyID() || !bytes.Equal(ek.Key.Bytes(), sec.ElectionKey) {
			return nil, fmt.Errorf("ceremony: this election key (%s) is not the one of your ceremony: do not use it", ek.Fingerprint)
		}
		return &Outcome{Step: StepComplete, Fingerprint: ek.Fingerprint,
			Checks: []string{"the published election key is the one you confirmed, signed by all qualified members"},
			Note:   "the key ceremony is complete: keep your stick and your passphrase safe until the count"}, nil
	}
	return nil, fmt.Errorf("ceremony: a %s message is not something a member answers: ask the coordinator for the next step's file", in.Kind)
}

func (sec *Secrets) deal(in *Envelope, rand io.Reader) (*Outcome, error) {
	call, cid, members, id, err := ParseManifest(in)
	if err != nil {
		return nil, err
	}
	if cid != sec.CallID() {
		return nil, fmt.Errorf("ceremony: this manifest is for another ceremony (call %s), not the one this keystore enrolled in (call %s)", cid.Fingerprint(), sec.CallID().Fingerprint())
	}
	myCard := mustParse(sec.Card).ID()
	var me uint64
	for _, m := range members {
		if m.Card == myCard {
			me = m.Index
		}
	}
	if me == 0 {
		return nil, errors.New("ceremony: your card is not in this manifest: tell the coordinator, and do not go on until it is")
	}
	if len(sec.Ceremony) > 0 && !bytes.Equal(sec.Ceremony, id[:]) {
		return nil, fmt.Errorf("ceremony: you already dealt in ceremony %s, and this manifest is a different one (%s): the coordinator changed the manifest; do not go on", sec.CeremonyID().Fingerprint(), id.Fingerprint())
	}
	checks := []string{
		fmt.Sprintf("the manifest holds the call %q and %d signed cards, in order", call.Title, len(members)),
		fmt.Sprintf("your card is in it: you are member %d", me),
	}
	out := &Outcome{Step: "deal", Fingerprint: id.Fingerprint(), Checks: checks,
		Note: "read the ceremony fingerprint aloud, check that every member sees the same, then hand your deal to the coordinator"}
	if len(sec.Deal) > 0 {
		out.Out = mustParse(sec.Deal)
		return out, nil
	}
	poly := sec.polynomial()
	defer zeroize(poly)
	d := Deal{}
	cs := make([]*group.Element, len(poly))
	for k, a := range poly {
		cs[k] = group.NewIdentityElement().ScalarBaseMult(a)
		d.Commitments = append(d.Commitments, cs[k].Bytes())
	}
	p, err := prove(tagProofDealer, dealerProofContext(id, me), poly[0], []*group.Element{nil}, cs[:1], rand)
	if err != nil {
		return nil, err
	}
	d.Proof = p.bytes()
	for _, m := range members {
		if m.Index == me {
			continue
		}
		share := evalPolynomial(poly, m.Index)
		ct, err := sealShare(m.KEM, m.EncryptionKey, id, me, m.Index, share)
		share.Zeroize()
		if err != nil {
			return nil, err
		}
		d.Shares = append(d.Shares, SealedShare{To: m.Index, Ciphertext: ct})
	}
	e := sec.sign(newEnvelope(KindDeal, id[:], me, &d))
	sec.Ceremony, sec.Index, sec.Deal = id[:], me, e.Bytes()
	out.Out = e
	return out, nil
}

// ReplayBundle checks every message of a bundle and returns the ceremony
// state they describe.
func ReplayBundle(in *Envelope) (*State, *Bundle, []string, error) {
	if in.Kind != KindBundle {
		return nil, nil, nil, fmt.Errorf("ceremony: expected a bundle, got a %s message", in.Kind)
	}
	var b Bundle
	if err := in.DecodeBody(&b); err != nil {
		return nil, nil, nil, err
	}
	switch b.Step {
	case StepVerify, StepReveal, StepConfirm:
	default:
		return nil, nil, nil, fmt.Errorf("ceremony: the bundle announces an unknown step %q", b.Step)
	}
	envs := make([]*Envelope, 0, len(b.Messages))
	for k, mb := range b.Messages {
		e, err := ParseEnvelope(mb)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("ceremony: message %d of the bundle: %v", k+1, err)
		}
		envs = append(envs, e)
	}
	SortForReplay(envs)
	st := NewState()
	var checks []string
	for _, e := range envs {
		c, err := st.Add(e)
		if errors.Is(err, ErrDuplicate) {
			continue
		}
		if err != nil {
			return nil, nil, nil, fmt.Errorf("ceremony: the bundle holds a message that fails its checks: %v", err)
		}
		checks = append(checks, c)
	}
	if st.manifest == nil {
		return nil, nil, nil, errors.New("ceremony: the bundle holds no manifest")
	}
	if !bytes.Equal(in.Ceremony, st.ID[:]) {
		return nil, nil, nil, errors.New("ceremony: the bundle is labelled with another ceremony than its manifest's")
	}
	return st, &b, checks, nil
}

func (sec *Secrets) bundle(in *Envelope, rand io.Reader) (*Outcome, error) {
	if len(sec.Ceremony) == 0 {
		return nil, errors.New("ceremony: you have not dealt yet: answer the manifest first")
	}
	if !bytes.Equal(in.Ceremony, sec.Ceremony) {
		return nil, fmt.Errorf("ceremony: this bundle belongs to another ceremony (%s), not yours (%s)", Fingerprint(in.Ceremony), sec.CeremonyID().Fingerprint())
	}
	st, b, checks, err := ReplayBundle(in)
	if err != nil {
		return nil, err
	}
	me := sec.Index
	mine := st.deals[me]
	if mine == nil {
		return nil, errors.New("ceremony: your deal is missing from the bundle: hand your deal to the coordinator again")
	}
	if !bytes.Equal(mine.env.Bytes(), sec.Deal) {
		return nil, errors.New("ceremony: the bundle holds a deal in your name that you did not make: stop and tell the others")
	}
	out := &Outcome{Step: b.Step, Fingerprint: st.ID.Fingerprint(), Checks: checks}
	switch b.Step {
	case StepVerify:
		return sec.verify(st, out)
	case StepReveal:
		return sec.reveal(st, out)
	default:
		return sec.confirm(st, out, rand)
	}
}

// receivedShare opens the share dealer i sent to this member and checks it
// against the dealer's commitments.
func (sec *Secrets) receivedShare(st *State, i uint64) (*group.Scalar, uint64) {
	d := st.deals[i]
	for _, sh := range d.body.Shares {
		if sh.To != sec.Index {
			continue
		}
		s, err := openShare(sec.KEM, sec.EncryptionSeed, st.ID, i, sec.Index, sh.Ciphertext)
		if err != nil {
			return nil, ReasonUnopenable
		}
		if group.NewIdentityElement().ScalarBaseMult(s).Equal(evalCommitments(d.commitments, sec.Index)) != 1 {
			s.Zeroize()
			return nil, ReasonMismatch
		}
		return s, 0
	}
	return nil, ReasonUnopenable
}

func (sec *Secrets) verify(st *State, out *Outcome) (*Outcome, error) {
	if len(sec.Complaints) > 0 {
		out.Out = mustParse(sec.Complaints)
		out.Note = "you already checked your shares; hand this list to the coordinator"
		return out, nil
	}
	var c Complaints
	for i := uint64(1); i <= uint64(len(st.Members)); i++ {
		if i == sec.Index || st.deals[i] == nil {
			continue
		}
		s, reason := sec.receivedShare(st, i)
		if s == nil {
			c.Against = append(c.Against, Complaint{Dealer: i, Reason: reason})
			why := "does not open"
			if reason == ReasonMismatch {
				why = "does not match its commitments"
			}
			out.Checks = append(out.Checks, fmt.Sprintf("FAILED: the share from %s %s: you complain", st.who(i), why))
			continue
		}
		s.Zeroize()
		out.Checks = append(out.Checks, fmt.Sprintf("the share from %s opens and matches its commitments", st.who(i)))
	}
	e := sec.sign(newEnvelope(KindComplaints, sec.Ceremony, sec.Index, &c))
	sec.Complaints = e.Bytes()
	out.Out = e
	out.Note = "hand your list of complaints to the coordinator (an empty list says every share was good)"
	return out, nil
}

func (sec *Secrets) reveal(st *State, out *Outcome) (*Outcome, error) {
	accusers := st.complainers(sec.Index)
	if len(accusers) == 0 {
		out.Note = "nobody complained about your deal: you have nothing to hand in at this step"
		return out, nil
	}
	if len(sec.Reveal) > 0 {
		out.Out = mustParse(sec.Reveal)
		return out, nil
	}
	if len(sec.Polynomial) == 0 {
		return nil, errors.New("ceremony: your polynomial is no longer in the keystore: you cannot answer complaints")
	}
	poly := sec.polynomial()
	defer zeroize(poly)
	var r Reveal
	for _, j := range accusers {
		s := evalPolynomial(poly, j)
		r.Shares = append(r.Shares, RevealedShare{To: j, Share: s.Bytes()})
		s.Zeroize()
		out.Checks = append(out.Checks, fmt.Sprintf("%s complained about your share: it is revealed so that everyone can check it", st.who(j)))
	}
	e := sec.sign(newEnvelope(KindReveal, sec.Ceremony, sec.Index, &r))
	sec.Reveal = e.Bytes()
	out.Out = e
	out.Note = "hand your answer to the complaints to the coordinator"
	return out, nil
}

func (sec *Secrets) confirm(st *State, out *Outcome, rand io.Reader) (*Outcome, error) {
	if len(sec.Confirm) > 0 {
		out.Out = mustParse(sec.Confirm)
		out.Note = "you already confirmed; hand your confirmation to the coordinator"
		return out, nil
	}
	qual, excluded := st.Qualified()
	for i := uint64(1); i <= uint64(len(st.Members)); i++ {
		if why, ok := excluded[i]; ok {
			out.Checks = append(out.Checks, fmt.Sprintf("%s is disqualified: %s", st.who(i), why))
		}
	}
	if !slices.Contains(qual, sec.Index) {
		return nil, fmt.Errorf("ceremony: you were disqualified (%s): you hold no share of this election key", excluded[sec.Index])
	}
	if uint64(len(qual)) < st.Call.Threshold {
		return nil, fmt.Errorf("ceremony: only %d members qualified, fewer than the threshold %d: the ceremony cannot complete and must start again", len(qual), st.Call.Threshold)
	}
	poly := sec.polynomial()
	defer zeroize(poly)
	x := group.NewScalar()
	for _, i := range qual {
		var s *group.Scalar
		switch {
		case i == sec.Index:
			s = evalPolynomial(poly, i)
		case st.reveals[i] != nil && st.reveals[i].shares[sec.Index] != nil:
			s = group.NewScalar().Set(st.reveals[i].shares[sec.Index])
		default:
			var reason uint64
			if s, reason = sec.receivedShare(st, i); s == nil {
				return nil, fmt.Errorf("ceremony: the share from %s is bad (reason %d) and was not revealed, yet it is counted as qualified: do not go on", st.who(i), reason)
			}
		}
		x.Add(x, s)
		s.Zeroize()
	}
	defer x.Zeroize()
	yj := st.VerificationKey(qual, sec.Index)
	if group.NewIdentityElement().ScalarBaseMult(x).Equal(yj) != 1 {
		return nil, errors.New("ceremony: your share does not match your verification key: do not go on, and tell the others")
	}
	tr := st.Transcript(qual)
	p, err := prove(tagProofShare, shareProofContext(st.ID, sec.Index, tr), x, []*group.Element{nil}, []*group.Element{yj}, rand)
	if err != nil {
		return nil, err
	}
	y := st.ElectionKey(qual)
	c := Confirm{Transcript: tr[:], Qualified: qual, ElectionKey: y.Bytes(), VerificationKey: yj.Bytes(), Proof: p.bytes()}
	e := sec.sign(newEnvelope(KindConfirm, sec.Ceremony, sec.Index, &c))
	for _, a := range sec.Polynomial {
		clear(a)
	}
	sec.Polynomial = nil
	sec.Confirm, sec.Share, sec.VerificationKey, sec.ElectionKey = e.Bytes(), x.Bytes(), yj.Bytes(), y.Bytes()
	out.Out = e
	out.Checks = append(out.Checks, fmt.Sprintf("your share matches your verification key; election key %s", Fingerprint(y.Bytes())))
	out.Note = "read the transcript fingerprint " + tr.Fingerprint() + " aloud: every member must see the same; then hand your confirmation to the coordinator"
	return out, nil
}

// CheckShare recomputes the verification key from the share and compares
// it with the one the ceremony published ("do I still hold my key",
// docs/protocol.md §9). published may be nil to compare with the key kept
// beside the share.
func (sec *Secrets) CheckShare(published []byte) error {
	if len(sec.Share) == 0 {
		return errors.New("ceremony: this keystore holds no share yet: the key ceremony has not completed for it")
	}
	x, err := group.NewScalar().SetCanonicalBytes(sec.Share)
	if err != nil {
		return errors.New("ceremony: the share in this keystore is damaged")
	}
	defer x.Zeroize()
	y := group.NewIdentityElement().ScalarBaseMult(x).Bytes()
	if published == nil {
		published = sec.VerificationKey
	}
	if !bytes.Equal(y, published) {
		return errors.New("ceremony: the share in this keystore does NOT match the published verification key: this is not the key the ceremony recorded for you")
	}
	return nil
}

// Answer makes the member's partial decryption of a request, after checking
// that the request is for this ceremony and that the poll has closed: now is
// the current time in Unix seconds (docs/protocol.md §7.3).
func (sec *Secrets) Answer(req *Envelope, now int64, rand io.Reader) (*Envelope, error) {
	sum, err := Summarize(req)
	if err != nil {
		return nil, err
	}
	if len(sec.Ceremony) == 0 || sum.Ceremony != sec.CeremonyID() {
		return nil, fmt.Errorf("ceremony: this request is for ceremony %s, but this keystore holds a share of ceremony %s", sum.Ceremony.Fingerprint(), sec.CeremonyID().Fingerprint())
	}
	if len(sec.Share) == 0 {
		return nil, errors.New("ceremony: this keystore holds no share: the key ceremony did not complete for it")
	}
	if sum.Close != sec.Close {
		return nil, errors.New("ceremony: the request states another close of poll than your ceremony's manifest: it was altered; do not decrypt")
	}
	if now < sec.Close {
		return nil, fmt.Errorf("ceremony: the poll closes at %s: nothing can be decrypted before the close of poll", time.Unix(sec.Close, 0).UTC().Format(time.RFC3339))
	}
	x, err := group.NewScalar().SetCanonicalBytes(sec.Share)
	if err != nil {
		return nil, errors.New("ceremony: the share in this keystore is damaged")
	}
	defer x.Zeroize()
	var r Request
	_ = req.DecodeBody(&r)
	shares, p, err := partialDecrypt(x, sum.Ceremony, sum.ID, sec.Index, r.Ciphertexts, rand)
	if err != nil {
		return nil, err
	}
	a := Answer{Request: sum.ID[:], Shares: shares, Proof: p}
	return sec.sign(newEnvelope(KindAnswer, sec.Ceremony, sec.Index, &a)), nil
}
