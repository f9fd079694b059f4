package ceremony

import (
	"bytes"
	"errors"
	"io"
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
	Blinding        [][]byte // b_0..b_{t-1}, the Pedersen blinding polynomial; erased with it
	Card            []byte   // own messages (public)
	Ceremony        []byte
	Index           uint64
	Close           int64
	Deal            []byte
	Complaints      []byte
	Reveal          []byte
	Open            []byte
	Recover         []byte
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

	// opened holds, in memory only, the share pairs sealed to this member
	// that it opened, by the ID of the deal that carries them, so that a
	// later step in the same process does not open them again (§6.9: the
	// checks of them are still made each time). Never encoded; wiped by
	// Wipe and at the confirm step, whatever its outcome.
	opened map[ID]*sharePair
	// pedersenAt holds, by deal ID, the deal's Pedersen commitments
	// evaluated at this member's index (public), computed at the verify
	// step for the confirm step's batched check (§6.9).
	pedersenAt map[ID]*group.Element
}

// Wipe overwrites every secret byte held by sec.
func (sec *Secrets) Wipe() {
	clear(sec.SigningSeed)
	clear(sec.EncryptionSeed)
	for _, c := range sec.Polynomial {
		clear(c)
	}
	for _, c := range sec.Blinding {
		clear(c)
	}
	clear(sec.Share)
	sec.forgetOpened()
}

// forgetOpened wipes and drops the share pairs kept from earlier steps.
func (sec *Secrets) forgetOpened() {
	for _, p := range sec.opened {
		p.s.Zeroize()
		p.blind.Zeroize()
	}
	sec.opened = nil
	sec.pedersenAt = nil
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
// "revealed", "opened", "recovered" or "complete".
func (sec *Secrets) Stage() string {
	switch {
	case len(sec.Share) > 0:
		return "complete"
	case len(sec.Deal) == 0:
		return "enrolled"
	case len(sec.Recover) > 0:
		return "recovered"
	case len(sec.Open) > 0:
		return "opened"
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
	Checks      []Text    // what was checked, in plain words
	Fingerprint string    // the ceremony's fingerprint (the call's before the manifest, the election key's at the end)
	Note        Text      // what to do next
	// Qual and Transcript are the fingerprints of the QUAL hash (from the
	// open step on) and of the transcript (at the confirm step), the ones
	// the room compares then (docs/protocol.md §6.5, §6.7).
	Qual, Transcript string
	// From the open step on: QUAL, the reason each other member is excluded,
	// those reconstructed, and whether this member itself was excluded
	// (docs/protocol.md §6.5).
	Qualified    []uint64
	Excluded     []Exclusion
	Recovered    []uint64
	SelfExcluded bool // this member is not in QUAL: it holds no share of the election key
}

// ErrExcluded is matched (errors.Is) by the error a member's step returns
// when the member itself is not in QUAL (docs/protocol.md §6.5).
var ErrExcluded = errorf("you were disqualified")

// ExcludedError says plainly that this member was left out of QUAL, and
// why; Outcome still lists QUAL and every exclusion, for the screen.
type ExcludedError struct {
	Reason  Text
	Outcome *Outcome
}

func (e *ExcludedError) Error() string {
	return "ceremony: " + Text{excludedFormat, []any{e.Reason}}.String()
}

const excludedFormat = "you were disqualified (%s): you hold no share of this election key; the others go on without your contribution"

// Key returns the English format without the package prefix (the
// translation key) and its argument, the reason.
func (e *ExcludedError) Key() (string, []any) { return excludedFormat, []any{e.Reason} }

// Is makes errors.Is(err, ErrExcluded) true.
func (e *ExcludedError) Is(target error) bool { return target == ErrExcluded }

// Exclusion is a member left out of QUAL, with the reason in plain words.
type Exclusion struct {
	Member uint64
	Label  Text // "member 2 (Alice)"
	Reason Text
}

// NewCall opens a ceremony (docs/protocol.md §5.2). close is the close of
// poll; nothing decrypts before it.
func NewCall(title string, members, threshold uint64, postQuantum bool, close time.Time, rand io.Reader) (*Envelope, error) {
	c := Call{Title: title, Members: members, Threshold: threshold, PostQuantum: postQuantum, Close: close.Unix(), Nonce: make([]byte, 16)}
	if _, err := io.ReadFull(rand, c.Nonce); err != nil {
		return nil, errorf("cannot read randomness: %v", err)
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
		return nil, nil, errorf("cannot read randomness: %v", err)
	}
	if _, err := io.ReadFull(rand, sec.EncryptionSeed); err != nil {
		return nil, nil, errorf("cannot read randomness: %v", err)
	}
	for k := uint64(0); k < 2*st.Call.Threshold; k++ {
		var wide [64]byte
		if _, err := io.ReadFull(rand, wide[:]); err != nil {
			return nil, nil, errorf("cannot read randomness: %v", err)
		}
		a, _ := group.NewScalar().SetUniformBytes(wide[:])
		clear(wide[:])
		if k < st.Call.Threshold {
			sec.Polynomial = append(sec.Polynomial, a.Bytes())
		} else {
			sec.Blinding = append(sec.Blinding, a.Bytes())
		}
		a.Zeroize()
	}
	encPub, err := encryptionPublicKey(sec.KEM, sec.EncryptionSeed)
	if err != nil {
		return nil, nil, err
	}
	sk := newEdKey(sec.SigningSeed)
	defer sk.wipe()
	card := Card{Name: name, SigningKey: sk.public(), KEM: sec.KEM, EncryptionKey: encPub}
	e := newEnvelope(KindCard, st.CallID[:], 0, &card)
	e.signWith(sk)
	sec.Card = e.Bytes()
	return sec, e, nil
}

func scalars(bs [][]byte) []*group.Scalar {
	out := make([]*group.Scalar, len(bs))
	for k, b := range bs {
		out[k], _ = group.NewScalar().SetCanonicalBytes(b)
	}
	return out
}

func (sec *Secrets) polynomial() []*group.Scalar { return scalars(sec.Polynomial) }
func (sec *Secrets) blinding() []*group.Scalar   { return scalars(sec.Blinding) }

func zeroize(s []*group.Scalar) {
	for _, x := range s {
		x.Zeroize()
	}
}

func (sec *Secrets) sign(e *Envelope) *Envelope {
	sk := newEdKey(sec.SigningSeed)
	defer sk.wipe()
	e.signWith(sk)
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
	return sec.StepCached(in, nil, rand)
}

// StepCached is Step, skipping the checks that v holds already and
// remembering those it makes (docs/protocol.md §8.6): a member that answers
// several steps in one process, or a process that plays several members and
// the board, checks each message once. A nil v checks everything.
func (sec *Secrets) StepCached(in *Envelope, v *Verified, rand io.Reader) (*Outcome, error) {
	switch in.Kind {
	case KindCall:
		if callID(in) != sec.CallID() {
			return nil, errorf("this call is for another ceremony than the one this keystore enrolled in: use a new keystore for a new ceremony")
		}
		return &Outcome{Step: "enrol", Out: mustParse(sec.Card), Fingerprint: sec.CallID().Fingerprint(),
			Checks: []Text{textf("the call is the one this keystore answered")}, Note: textf("hand your card to the coordinator")}, nil
	case KindManifest:
		return sec.deal(in, v, rand)
	case KindBundle:
		return sec.bundle(in, v, rand)
	case KindRequest:
		return nil, errorf("this is a decryption request: use decrypt, not step")
	case KindElectionKey:
		ek, err := ParseElectionKey(in)
		if err != nil {
			return nil, err
		}
		if ek.Ceremony != sec.CeremonyID() || !bytes.Equal(ek.Key.Bytes(), sec.ElectionKey) {
			return nil, errorf("this election key (%s) is not the one of your ceremony: do not use it", ek.Fingerprint)
		}
		return &Outcome{Step: StepComplete, Fingerprint: ek.Fingerprint,
			Checks: []Text{textf("the published election key is the one you confirmed, signed by all qualified members")},
			Note:   textf("the key ceremony is complete: keep your stick and your passphrase safe until the count")}, nil
	}
	return nil, errorf("a %s message is not something a member answers: ask the coordinator for the next step's file", in.Kind)
}

func (sec *Secrets) deal(in *Envelope, v *Verified, rand io.Reader) (*Outcome, error) {
	call, cid, members, id, err := parseManifestCached(v, in)
	if err != nil {
		return nil, err
	}
	if cid != sec.CallID() {
		return nil, errorf("this manifest is for another ceremony (call %s), not the one this keystore enrolled in (call %s)", cid.Fingerprint(), sec.CallID().Fingerprint())
	}
	myCard := mustParse(sec.Card).ID()
	var me uint64
	for _, m := range members {
		if m.Card == myCard {
			me = m.Index
		}
	}
	if me == 0 {
		return nil, errorf("your card is not in this manifest: tell the coordinator, and do not go on until it is")
	}
	if len(sec.Ceremony) > 0 && !bytes.Equal(sec.Ceremony, id[:]) {
		return nil, errorf("you already dealt in ceremony %s, and this manifest is a different one (%s): the coordinator changed the manifest; do not go on", sec.CeremonyID().Fingerprint(), id.Fingerprint())
	}
	checks := []Text{
		textf("the manifest holds the call %q and %d signed cards, in order", call.Title, len(members)),
		textf("your card is in it: you are member %d", me),
	}
	out := &Outcome{Step: "deal", Fingerprint: id.Fingerprint(), Checks: checks,
		Note: textf("read the ceremony fingerprint aloud, check that every member sees the same, then hand your deal to the coordinator")}
	if len(sec.Deal) > 0 {
		out.Out = mustParse(sec.Deal)
		return out, nil
	}
	if uint64(len(sec.Polynomial)) != call.Threshold || len(sec.Blinding) != len(sec.Polynomial) {
		return nil, errorf("the polynomials in this keystore do not fit the threshold: it was made by another version of Conclave")
	}
	poly, blind := sec.polynomial(), sec.blinding()
	defer zeroize(poly)
	defer zeroize(blind)
	d := Deal{}
	for k := range poly {
		e := group.NewIdentityElement().ScalarBaseMult(poly[k])
		e.Add(e, mulH(blind[k]))
		d.Commitments = append(d.Commitments, e.Bytes())
	}
	for _, m := range members {
		if m.Index == me {
			continue
		}
		share, sb := evalPolynomial(poly, m.Index), evalPolynomial(blind, m.Index)
		var ct []byte
		if m.encKey != nil {
			ct, err = sealShareTo(m.encKey, id, me, m.Index, share, sb)
		} else {
			ct, err = sealShare(m.KEM, m.EncryptionKey, id, me, m.Index, share, sb)
		}
		share.Zeroize()
		sb.Zeroize()
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
func ReplayBundle(in *Envelope) (*State, *Bundle, []Text, error) {
	return ReplayBundleCached(in, nil)
}

// ReplayBundleCached is ReplayBundle with a cache of checked messages
// (docs/protocol.md §8.6): a message v holds costs its reading and the
// checks that depend on the rest of the bundle, not its signature and
// proofs again. The returned state keeps using v.
func ReplayBundleCached(in *Envelope, v *Verified) (*State, *Bundle, []Text, error) {
	if in.Kind != KindBundle {
		return nil, nil, nil, errorf("expected a bundle, got a %s message", in.Kind)
	}
	var b Bundle
	if err := in.DecodeBody(&b); err != nil {
		return nil, nil, nil, err
	}
	switch b.Step {
	case StepVerify, StepReveal, StepOpen, StepRecover, StepConfirm:
	default:
		return nil, nil, nil, errorf("the bundle announces an unknown step %q", b.Step)
	}
	envs := make([]*Envelope, 0, len(b.Messages))
	ids := make(map[*Envelope]ID, len(b.Messages))
	for k, mb := range b.Messages {
		e, err := ParseEnvelope(mb)
		if err != nil {
			return nil, nil, nil, errorf("message %d of the bundle: %v", k+1, err)
		}
		envs = append(envs, e)
		// mb is e's one canonical encoding (ParseEnvelope checked it).
		ids[e] = newTranscript(tagMessage).bytes(mb).id()
	}
	sortForReplay(envs, ids)
	st := NewState()
	st.UseCache(v)
	// The members' batch weights (§6.9) are seeded by every message of the
	// bundle, by their IDs in replay order: as binding as the bundle's own
	// ID, without hashing its bytes again.
	seed := newTranscript(tagShareWeights).uint(uint64(len(envs)))
	for _, e := range envs {
		id := ids[e]
		seed.bytes(id[:])
	}
	st.bundleID = seed.id()
	var checks []Text
	for _, e := range envs {
		c, err := st.addWithID(e, ids[e])
		if errors.Is(err, ErrDuplicate) {
			continue
		}
		if err != nil {
			return nil, nil, nil, errorf("the bundle holds a message that fails its checks: %v", err)
		}
		checks = append(checks, c)
	}
	if st.manifest == nil {
		return nil, nil, nil, errorf("the bundle holds no manifest")
	}
	if !bytes.Equal(in.Ceremony, st.ID[:]) {
		return nil, nil, nil, errorf("the bundle is labelled with another ceremony than its manifest's")
	}
	return st, &b, checks, nil
}

func (sec *Secrets) bundle(in *Envelope, v *Verified, rand io.Reader) (*Outcome, error) {
	if len(sec.Ceremony) == 0 {
		return nil, errorf("you have not dealt yet: answer the manifest first")
	}
	if !bytes.Equal(in.Ceremony, sec.Ceremony) {
		return nil, errorf("this bundle belongs to another ceremony (%s), not yours (%s)", Fingerprint(in.Ceremony), sec.CeremonyID().Fingerprint())
	}
	st, b, checks, err := ReplayBundleCached(in, v)
	if err != nil {
		return nil, err
	}
	if b.Step == StepConfirm {
		// Nothing after the confirm step uses the kept share pairs: they
		// go whether it succeeds, fails or finds this member excluded.
		defer sec.forgetOpened()
	}
	me := sec.Index
	mine := st.deals[me]
	if mine == nil {
		return nil, errorf("your deal is missing from the bundle: hand your deal to the coordinator again")
	}
	if !bytes.Equal(mine.env.Bytes(), sec.Deal) {
		return nil, errorf("the bundle holds a deal in your name that you did not make: stop and tell the others")
	}
	// A list of complaints against someone must be in every later bundle
	// (an empty list left out counts as no complaint, §6.8).
	if len(sec.Complaints) > 0 && b.Step != StepVerify && sec.complained() {
		if c := st.complaints[me]; c == nil || !bytes.Equal(c.env.Bytes(), sec.Complaints) {
			return nil, errorf("the bundle does not hold the list of complaints you made: hand it to the coordinator again, and do not go on until it is in")
		}
	}
	if len(sec.Reveal) > 0 && b.Step != StepVerify && b.Step != StepReveal {
		if r := st.reveals[me]; r == nil || !bytes.Equal(r.env.Bytes(), sec.Reveal) {
			return nil, errorf("the bundle does not hold your answer to the complaints: hand it to the coordinator again, and do not go on until it is in")
		}
	}
	if len(sec.Open) > 0 && (b.Step == StepRecover || b.Step == StepConfirm) {
		var o Open
		_ = mustParse(sec.Open).DecodeBody(&o)
		if q := st.QualHash(); !bytes.Equal(o.Qual, q[:]) {
			return nil, errorf("the qualified set changed after you opened your commitments (QUAL %s then, %s now): the coordinator changed the deals, complaints or reveals once the key could be seen; stop and tell the others", Fingerprint(o.Qual), q.Fingerprint())
		}
	}
	out := &Outcome{Step: b.Step, Fingerprint: st.ID.Fingerprint(), Checks: checks}
	switch b.Step {
	case StepVerify:
		return sec.verify(st, out)
	case StepReveal:
		return sec.reveal(st, out)
	}
	// From the open step on, QUAL is fixed: say who is in it and why each
	// other member is not.
	qual, excluded := st.Qualified()
	out.Qualified = qual
	out.Qual = st.QualHash().Fingerprint()
	if b.Step == StepConfirm && st.keysReady(qual) == nil {
		out.Transcript = st.Transcript(qual).Fingerprint()
	}
	if b.Step != StepOpen { // at the open step nobody has opened yet
		out.Recovered = st.recoveredOf(qual)
	}
	for i := uint64(1); i <= uint64(len(st.Members)); i++ {
		if why, ok := excluded[i]; ok {
			out.Excluded = append(out.Excluded, Exclusion{Member: i, Label: st.who(i), Reason: why})
			out.Checks = append(out.Checks, textf("%s is disqualified: %s", st.who(i), why))
		}
	}
	if why, ok := excluded[me]; ok {
		out.SelfExcluded = true
		if b.Step == StepRecover {
			return sec.recover(st, out)
		}
		return nil, &ExcludedError{Reason: why, Outcome: out}
	}
	switch b.Step {
	case StepOpen:
		return sec.open(st, out, rand)
	case StepRecover:
		return sec.recover(st, out)
	}
	return sec.confirm(st, out, rand)
}

// complained reports whether the member's list of complaints names anyone.
func (sec *Secrets) complained() bool {
	var c Complaints
	return mustParse(sec.Complaints).DecodeBody(&c) == nil && len(c.Against) > 0
}

// receivedShare opens the share pair dealer i sent to this member and
// checks it against the dealer's Pedersen commitments.
func (sec *Secrets) receivedShare(st *State, i uint64) (*sharePair, uint64) {
	d := st.deals[i]
	for _, sh := range d.body.Shares {
		if sh.To != sec.Index {
			continue
		}
		var p sharePair
		if k := sec.opened[d.id]; k != nil {
			p = sharePair{group.NewScalar().Set(k.s), group.NewScalar().Set(k.blind)}
		} else {
			s, b, err := openShare(sec.KEM, sec.EncryptionSeed, st.ID, i, sec.Index, sh.Ciphertext)
			if err != nil {
				return nil, ReasonUnopenable
			}
			p = sharePair{s, b}
		}
		if !d.pairMatches(sec.Index, p) {
			p.s.Zeroize()
			p.blind.Zeroize()
			return nil, ReasonMismatch
		}
		return &p, 0
	}
	return nil, ReasonUnopenable
}

// shareFrom returns the share pair this member holds from qualified dealer
// i: its own, the one revealed for it, or the one sealed to it.
func (sec *Secrets) shareFrom(st *State, i uint64) (*sharePair, error) {
	switch r := st.reveals[i]; {
	case i == sec.Index:
		poly, blind := sec.polynomial(), sec.blinding()
		defer zeroize(poly)
		defer zeroize(blind)
		return &sharePair{evalPolynomial(poly, i), evalPolynomial(blind, i)}, nil
	case r != nil && r.valid[sec.Index]:
		p := r.shares[sec.Index]
		return &sharePair{group.NewScalar().Set(p.s), group.NewScalar().Set(p.blind)}, nil
	}
	p, reason := sec.receivedShare(st, i)
	if p == nil {
		return nil, errorf("the share from %s is bad (reason %d) and was not revealed, yet it is counted as qualified: do not go on", st.who(i), reason)
	}
	return p, nil
}

func (sec *Secrets) verify(st *State, out *Outcome) (*Outcome, error) {
	if len(sec.Complaints) > 0 {
		out.Out = mustParse(sec.Complaints)
		out.Note = textf("you already checked your shares; hand this list to the coordinator")
		return out, nil
	}
	var c Complaints
	// Open every share sealed to this member with its key derived once, and
	// check them all against the Pedersen commitments in one batch; only if
	// the batch fails, one by one, to name the dealers (§6.9).
	var dealers []uint64
	for i := uint64(1); i <= uint64(len(st.Members)); i++ {
		if i != sec.Index && st.deals[i] != nil {
			dealers = append(dealers, i)
		}
	}
	opened := sec.openedShares(st, dealers)
	defer wipePairs(opened)
	checks := make([]shareCheck, 0, len(opened))
	for _, i := range dealers {
		if p := opened[i]; p != nil {
			d := st.deals[i]
			at := sec.pedersenAt[d.id]
			if at == nil {
				at = evalCommitments(d.commitments, sec.Index)
				if sec.pedersenAt == nil {
					sec.pedersenAt = map[ID]*group.Element{}
				}
				sec.pedersenAt[d.id] = at
			}
			checks = append(checks, shareCheck{p: p, e: d.commitments, at: at})
		}
	}
	allMatch := batchShareChecks(st.bundleID, sec.Index, checks)
	for _, i := range dealers {
		reason := uint64(0)
		switch p := opened[i]; {
		case p == nil:
			reason = ReasonUnopenable
		case !allMatch && !st.deals[i].pairMatches(sec.Index, *p):
			reason = ReasonMismatch
		}
		if reason != 0 {
			c.Against = append(c.Against, Complaint{Dealer: i, Reason: reason})
			failed := textf("FAILED: the share from %s does not open: you complain", st.who(i))
			if reason == ReasonMismatch {
				failed = textf("FAILED: the share from %s does not match its commitments: you complain", st.who(i))
			}
			out.Checks = append(out.Checks, failed)
			continue
		}
		out.Checks = append(out.Checks, textf("the share from %s opens and matches its commitments", st.who(i)))
	}
	e := sec.sign(newEnvelope(KindComplaints, sec.Ceremony, sec.Index, &c))
	sec.Complaints = e.Bytes()
	out.Out = e
	out.Note = textf("hand your list of complaints to the coordinator (an empty list says every share was good)")
	return out, nil
}

func (sec *Secrets) reveal(st *State, out *Outcome) (*Outcome, error) {
	accusers := st.complainers(sec.Index)
	if len(accusers) == 0 {
		out.Note = textf("nobody complained about your deal: you have nothing to hand in at this step")
		return out, nil
	}
	if len(sec.Reveal) > 0 {
		out.Out = mustParse(sec.Reveal)
		return out, nil
	}
	if len(sec.Polynomial) == 0 {
		return nil, errorf("your polynomial is no longer in the keystore: you cannot answer complaints")
	}
	poly, blind := sec.polynomial(), sec.blinding()
	defer zeroize(poly)
	defer zeroize(blind)
	var r Reveal
	for _, j := range accusers {
		s, b := evalPolynomial(poly, j), evalPolynomial(blind, j)
		r.Shares = append(r.Shares, RevealedShare{To: j, Share: s.Bytes(), Blinding: b.Bytes()})
		s.Zeroize()
		b.Zeroize()
		out.Checks = append(out.Checks, textf("%s complained about your share: it is revealed so that everyone can check it", st.who(j)))
	}
	e := sec.sign(newEnvelope(KindReveal, sec.Ceremony, sec.Index, &r))
	sec.Reveal = e.Bytes()
	out.Out = e
	out.Note = textf("hand your answer to the complaints to the coordinator")
	return out, nil
}

func (sec *Secrets) open(st *State, out *Outcome, rand io.Reader) (*Outcome, error) {
	if len(sec.Open) > 0 {
		out.Out = mustParse(sec.Open)
		out.Note = textf("you already opened your commitments; hand this opening to the coordinator")
		return out, nil
	}
	if len(sec.Polynomial) == 0 {
		return nil, errorf("your polynomial is no longer in the keystore: you cannot open your commitments")
	}
	poly, blind := sec.polynomial(), sec.blinding()
	defer zeroize(poly)
	defer zeroize(blind)
	q := st.QualHash()
	o := Open{Qual: q[:]}
	for _, a := range poly {
		o.Commitments = append(o.Commitments, group.NewIdentityElement().ScalarBaseMult(a).Bytes())
	}
	p, err := proveOpenEncoded(dealerProofContext(st.ID, sec.Index), poly, blind, st.deals[sec.Index].body.Commitments, o.Commitments, rand)
	if err != nil {
		return nil, err
	}
	o.Proof = p
	e := sec.sign(newEnvelope(KindOpen, sec.Ceremony, sec.Index, &o))
	sec.Open = e.Bytes()
	out.Out = e
	out.Checks = append(out.Checks, textf("QUAL is fixed: %d qualified members; nothing about the election key was public before (QUAL %s)", len(out.Qualified), q.Fingerprint()))
	out.Note = textf("hand your opening to the coordinator")
	return out, nil
}

func (sec *Secrets) recover(st *State, out *Outcome) (*Outcome, error) {
	if len(sec.Recover) > 0 {
		out.Out = mustParse(sec.Recover)
		out.Note = textf("you already published your shares of the silent members; hand them to the coordinator")
		return out, nil
	}
	// Check the openings against the shares this member holds.
	for _, i := range out.Qualified {
		o := st.opens[i]
		if o == nil || i == sec.Index {
			continue
		}
		p, err := sec.shareFrom(st, i)
		if err != nil {
			return nil, err
		}
		ok := group.NewIdentityElement().ScalarBaseMult(p.s).Equal(evalCommitments(o.commitments, sec.Index)) == 1
		p.s.Zeroize()
		p.blind.Zeroize()
		if !ok {
			return nil, errorf("the opening of %s does not match the share it sent you, though its proof verifies: stop the ceremony and tell the others", st.who(i))
		}
	}
	q := st.QualHash()
	r := Recover{Qual: q[:]}
	for _, i := range out.Recovered {
		if i == sec.Index {
			continue
		}
		p, err := sec.shareFrom(st, i)
		if err != nil {
			return nil, err
		}
		r.Shares = append(r.Shares, RecoveredShare{Dealer: i, Share: p.s.Bytes(), Blinding: p.blind.Bytes()})
		p.s.Zeroize()
		p.blind.Zeroize()
		out.Checks = append(out.Checks, textf("%s is qualified but did not open its commitments: your share of it is published so that its part of the key is rebuilt, not dropped", st.who(i)))
	}
	if len(r.Shares) == 0 {
		out.Note = textf("no qualified member needs rebuilding from your shares: you have nothing to hand in at this step")
		return out, nil
	}
	e := sec.sign(newEnvelope(KindRecover, sec.Ceremony, sec.Index, &r))
	sec.Recover = e.Bytes()
	out.Out = e
	out.Note = textf("hand your published shares to the coordinator")
	return out, nil
}

func (sec *Secrets) confirm(st *State, out *Outcome, rand io.Reader) (*Outcome, error) {
	if len(sec.Confirm) > 0 {
		out.Out = mustParse(sec.Confirm)
		out.Note = textf("you already confirmed; hand your confirmation to the coordinator")
		return out, nil
	}
	qual := out.Qualified
	if uint64(len(qual)) < st.Call.Threshold {
		return nil, errorf("only %d members qualified, fewer than the threshold %d: the ceremony cannot complete and must start again", len(qual), st.Call.Threshold)
	}
	if err := st.keysReady(qual); err != nil {
		return nil, err
	}
	for _, i := range out.Recovered {
		out.Checks = append(out.Checks, textf("%s did not open its commitments: its part of the key was rebuilt from the shares the others published", st.who(i)))
	}
	x := group.NewScalar()
	defer x.Zeroize()
	// Every share against its Pedersen commitments (if sealed) and its
	// Feldman values, in one batch (§6.9); one by one only if it fails, to
	// say which dealer.
	pairs, checks, ok := sec.heldShares(st, qual, true)
	if ok && batchShareChecks(st.bundleID, sec.Index, checks) {
		for _, i := range qual {
			x.Add(x, pairs[i].s)
		}
		wipePairs(pairs)
	} else {
		wipePairs(pairs)
		for _, i := range qual {
			p, err := sec.shareFrom(st, i)
			if err != nil {
				return nil, err
			}
			if i != sec.Index && group.NewIdentityElement().ScalarBaseMult(p.s).Equal(evalCommitments(st.feldmanOf(i), sec.Index)) != 1 {
				return nil, errorf("the public values of %s do not match the share it sent you: do not go on, and tell the others", st.who(i))
			}
			x.Add(x, p.s)
			p.s.Zeroize()
			p.blind.Zeroize()
		}
	}
	yj := st.VerificationKey(qual, sec.Index)
	if group.NewIdentityElement().ScalarBaseMult(x).Equal(yj) != 1 {
		return nil, errorf("your share does not match your verification key: do not go on, and tell the others")
	}
	y := st.ElectionKey(qual)
	if y.IsIdentity() {
		return nil, errorf("the election key is the identity element, which hides nothing: do not go on; the ceremony must start again")
	}
	tr := st.Transcript(qual)
	p, err := prove(tagProofShare, shareProofContext(st.ID, sec.Index, tr), x, []*group.Element{nil}, []*group.Element{yj}, rand)
	if err != nil {
		return nil, err
	}
	c := Confirm{Transcript: tr[:], Qualified: qual, Recovered: out.Recovered, ElectionKey: y.Bytes(), VerificationKey: yj.Bytes(), Proof: p.bytes()}
	e := sec.sign(newEnvelope(KindConfirm, sec.Ceremony, sec.Index, &c))
	for _, a := range sec.Polynomial {
		clear(a)
	}
	for _, b := range sec.Blinding {
		clear(b)
	}
	sec.Polynomial, sec.Blinding = nil, nil
	sec.forgetOpened()
	sec.Confirm, sec.Share, sec.VerificationKey, sec.ElectionKey = e.Bytes(), x.Bytes(), yj.Bytes(), y.Bytes()
	out.Out = e
	out.Checks = append(out.Checks, textf("your share matches your verification key; election key %s", Fingerprint(y.Bytes())))
	out.Note = textf("read the transcript fingerprint %s aloud: every member must see the same; then hand your confirmation to the coordinator", tr.Fingerprint())
	return out, nil
}

// CheckShare recomputes the verification key from the share and compares
// it with the one the ceremony published ("do I still hold my key",
// docs/protocol.md §9). published may be nil to compare with the key kept
// beside the share.
func (sec *Secrets) CheckShare(published []byte) error {
	if len(sec.Share) == 0 {
		return errorf("this keystore holds no share yet: the key ceremony has not completed for it")
	}
	x, err := group.NewScalar().SetCanonicalBytes(sec.Share)
	if err != nil {
		return errorf("the share in this keystore is damaged")
	}
	defer x.Zeroize()
	y := group.NewIdentityElement().ScalarBaseMult(x).Bytes()
	if published == nil {
		published = sec.VerificationKey
	}
	if !bytes.Equal(y, published) {
		return errorf("the share in this keystore does NOT match the published verification key: this is not the key the ceremony recorded for you")
	}
	return nil
}

// Answer makes the member's partial decryption of a request, after checking
// that the request is for this ceremony and that the poll has closed: now is
// the current time in Unix seconds (docs/protocol.md §7.3).
func (sec *Secrets) Answer(req *Envelope, now int64, rand io.Reader) (*Envelope, error) {
	sum, decoded, err := summarize(req, true)
	if err != nil {
		return nil, err
	}
	x, err := sec.answerKey(sum, now)
	if err != nil {
		return nil, err
	}
	defer x.Zeroize()
	var r Request
	_ = req.DecodeBody(&r)
	// The shares are written in place in the answer's encoding.
	w := newAnswerWriter(sum.ID[:], sum.Ciphertexts)
	p, err := partialDecryptInto(w.shares, x, sum.Ceremony, sum.ID, sec.Index, r.Ciphertexts, decoded, rand)
	if err != nil {
		return nil, err
	}
	e := &Envelope{Version: Version, Kind: KindAnswer, Ceremony: sec.Ceremony, Sender: sec.Index, Body: w.finish(p)}
	return sec.sign(e), nil
}

// answerKey checks that a request checked and summed up as sum may be
// answered with this keystore at time now (its ceremony, its close of
// poll, docs/protocol.md §7.3) and returns the share x_j; the caller
// zeroizes it.
func (sec *Secrets) answerKey(sum RequestSummary, now int64) (*group.Scalar, error) {
	if len(sec.Ceremony) == 0 || sum.Ceremony != sec.CeremonyID() {
		return nil, errorf("this request is for ceremony %s, but this keystore holds a share of ceremony %s", sum.Ceremony.Fingerprint(), sec.CeremonyID().Fingerprint())
	}
	if len(sec.Share) == 0 {
		return nil, errorf("this keystore holds no share: the key ceremony did not complete for it")
	}
	if sum.Close != sec.Close {
		return nil, errorf("the request states another close of poll than your ceremony's manifest: it was altered; do not decrypt")
	}
	if now < sec.Close {
		return nil, errorf("the poll closes at %s: nothing can be decrypted before the close of poll", time.Unix(sec.Close, 0).UTC().Format(time.RFC3339))
	}
	x, err := group.NewScalar().SetCanonicalBytes(sec.Share)
	if err != nil {
		return nil, errorf("the share in this keystore is damaged")
	}
	return x, nil
}
