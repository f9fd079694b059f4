package ceremony

import (
	"bytes"
	"crypto/hpke"
	"fmt"
	"slices"
	"sort"

	"conclave/ceremony/group"
)

// Limits on the ceremony (docs/protocol.md §5.1).
const (
	MaxMembers    = 64
	MaxNameLength = 64
	MaxTitle      = 200
	MinClose      = 0            // the close of poll, Unix seconds: 1970-01-01T00:00:00Z
	MaxClose      = 253402300799 // 9999-12-31T23:59:59Z
)

// ErrDuplicate is returned by State.Add for a message it already holds.
var ErrDuplicate = errorf("this message was already taken in")

// MemberInfo is the public description of a member, from its card in the
// manifest.
type MemberInfo struct {
	Index         uint64
	Name          string
	SigningKey    []byte
	KEM           uint64
	EncryptionKey []byte
	Card          ID
	// encKey is EncryptionKey parsed once, when the card was checked
	// (nil in a MemberInfo built by hand: sealShare then parses it).
	encKey hpke.PublicKey
}

// Label names the member for people: "member 2 (Alice)".
func (m MemberInfo) Label() string { return m.label().String() }

func (m MemberInfo) label() Text { return textf("member %d (%s)", m.Index, m.Name) }

type dealInfo struct {
	env         *Envelope
	id          ID
	body        Deal
	commitments []*group.Element // the Pedersen commitments E_ik
}

type complaintsInfo struct {
	env  *Envelope
	id   ID
	body Complaints
}

// sharePair is f_i(j) and f'_i(j).
type sharePair struct{ s, blind *group.Scalar }

type revealInfo struct {
	env    *Envelope
	id     ID
	shares map[uint64]sharePair
	valid  map[uint64]bool // whether each revealed pair matches the commitments
}

type openInfo struct {
	env         *Envelope
	id          ID
	commitments []*group.Element // the Feldman values C_ik
}

type recoverInfo struct {
	env    *Envelope
	id     ID
	shares map[uint64]sharePair // by dealer
}

type confirmInfo struct {
	env  *Envelope
	id   ID
	body Confirm
}

// State is a ceremony as its public messages describe it. Add checks every
// message against what came before; the same code serves the coordinator's
// board, the members (who re-check every bundle) and the verifier
// (docs/protocol.md §8).
type State struct {
	call   *Envelope
	Call   Call
	CallID ID

	cards map[ID]*Envelope // cards taken in before the manifest

	manifest *Envelope
	ID       ID // the ceremony ID, once the manifest is known
	Members  []MemberInfo

	deals      map[uint64]*dealInfo
	complaints map[uint64]*complaintsInfo
	reveals    map[uint64]*revealInfo
	opens      map[uint64]*openInfo
	recovers   map[uint64]*recoverInfo
	confirms   map[uint64]*confirmInfo
	feldman    map[uint64][]*group.Element // reconstructed Feldman values, by dealer

	requests  map[ID]*requestInfo
	reqOrder  []ID
	answers   map[ID]map[uint64]*answerInfo
	results   map[ID]*resultInfo
	keyCache  map[string]*group.Element
	qualCache []uint64
	qualHash  *ID
	aggCache  map[string][]*group.Element // Σ_{i∈qual} C_ik, by qual

	cache    *Verified // checks done before in this process (UseCache), or nil
	bundleID ID        // the hash of the messages of the bundle replayed into this state: seeds the members' batch weights

	// Checks, when set, remembers the costly decryption checks that
	// passed across runs (checkcache.go, docs/protocol.md §7.5).
	Checks CheckCache
}

// NewState returns an empty ceremony state.
func NewState() *State {
	return &State{
		cards:      map[ID]*Envelope{},
		deals:      map[uint64]*dealInfo{},
		complaints: map[uint64]*complaintsInfo{},
		reveals:    map[uint64]*revealInfo{},
		opens:      map[uint64]*openInfo{},
		recovers:   map[uint64]*recoverInfo{},
		confirms:   map[uint64]*confirmInfo{},
		feldman:    map[uint64][]*group.Element{},
		requests:   map[ID]*requestInfo{},
		answers:    map[ID]map[uint64]*answerInfo{},
		results:    map[ID]*resultInfo{},
	}
}

// kindRank orders messages for replay: every message comes after those it
// depends on.
var kindRank = map[Kind]int{
	KindCall: 0, KindCard: 1, KindManifest: 2, KindDeal: 3, KindComplaints: 4,
	KindReveal: 5, KindOpen: 6, KindRecover: 7, KindConfirm: 8, KindElectionKey: 9, KindRequest: 10,
	KindAnswer: 11, KindResult: 12, KindBundle: 13,
}

// SortForReplay orders envelopes so that each comes after what it depends
// on: by kind, then sender, then message ID.
func SortForReplay(envs []*Envelope) {
	ids := make(map[*Envelope]ID, len(envs))
	for _, e := range envs {
		ids[e] = e.ID()
	}
	sortForReplay(envs, ids)
}

func sortForReplay(envs []*Envelope, ids map[*Envelope]ID) {
	sort.SliceStable(envs, func(a, b int) bool {
		ea, eb := envs[a], envs[b]
		if kindRank[ea.Kind] != kindRank[eb.Kind] {
			return kindRank[ea.Kind] < kindRank[eb.Kind]
		}
		if ea.Sender != eb.Sender {
			return ea.Sender < eb.Sender
		}
		ia, ib := ids[ea], ids[eb]
		return bytes.Compare(ia[:], ib[:]) < 0
	})
}

// Member returns the member with index i, if there is one.
func (s *State) Member(i uint64) (MemberInfo, bool) {
	if i < 1 || i > uint64(len(s.Members)) {
		return MemberInfo{}, false
	}
	return s.Members[i-1], true
}

func (s *State) who(i uint64) Text {
	if m, ok := s.Member(i); ok {
		return m.label()
	}
	return textf("member %d", i)
}

// Add checks e against the ceremony so far and takes it in. It returns a
// sentence for people saying what was checked. A message that fails any
// check is refused with an error naming what was wrong; nothing is changed.
func (s *State) Add(e *Envelope) (Text, error) { return s.addWithID(e, e.ID()) }

// addWithID is Add given the message's ID, computed by the caller from the
// bytes it parsed e from (a bundle's replay), which spares encoding e again.
func (s *State) addWithID(e *Envelope, id ID) (Text, error) {
	switch e.Kind {
	case KindCall:
		return s.addCall(e)
	case KindCard:
		return s.addCard(e)
	case KindManifest:
		return s.addManifest(e)
	}
	if s.manifest == nil {
		return Text{}, errorf("a %s message arrived before the manifest: take in the manifest first", e.Kind)
	}
	if !bytes.Equal(e.Ceremony, s.ID[:]) {
		return Text{}, errorf("this %s message belongs to another ceremony (%s), not to this one (%s)",
			e.Kind, Fingerprint(e.Ceremony), s.ID.Fingerprint())
	}
	if signedKinds[e.Kind] {
		m, ok := s.Member(e.Sender)
		if !ok {
			return Text{}, errorf("this %s message names member %d, but the ceremony has members 1 to %d", e.Kind, e.Sender, len(s.Members))
		}
		if !s.signedBy(e, id, m) {
			return Text{}, errorf("the %s message said to be from %s is not signed by that member's key: it was altered or signed by someone else", e.Kind, m.label())
		}
	}
	switch e.Kind {
	case KindDeal:
		return s.addDeal(e, id)
	case KindComplaints:
		return s.addComplaints(e, id)
	case KindReveal:
		return s.addReveal(e, id)
	case KindOpen:
		return s.addOpen(e, id)
	case KindRecover:
		return s.addRecover(e, id)
	case KindConfirm:
		return s.addConfirm(e, id)
	case KindRequest:
		return s.addRequest(e)
	case KindAnswer:
		return s.addAnswer(e)
	case KindResult:
		return s.addResult(e)
	}
	return Text{}, errorf("a %s message is not part of the record", e.Kind)
}

// signedBy checks e's signature by m, the member it names in the ceremony
// it names (§4.3), unless s's cache holds that check already (§8.6).
func (s *State) signedBy(e *Envelope, id ID, m MemberInfo) bool {
	key := cacheKey{kind: cacheSignature, msg: id}
	if _, ok := s.cache.get(key); ok {
		return true
	}
	if !e.verifySignature(m.SigningKey) {
		return false
	}
	s.cache.put(key, true)
	return true
}

func (s *State) addCall(e *Envelope) (Text, error) {
	if s.call != nil {
		if callID(e) == s.CallID {
			return Text{}, ErrDuplicate
		}
		return Text{}, errorf("this is the call of another ceremony: a board holds one call")
	}
	var c Call
	if err := e.DecodeBody(&c); err != nil {
		return Text{}, err
	}
	if err := checkCall(&c); err != nil {
		return Text{}, err
	}
	s.call, s.Call, s.CallID = e, c, callID(e)
	return textf("call %q: %d members, threshold %d", c.Title, c.Members, c.Threshold), nil
}

func callID(e *Envelope) ID { return newTranscript(tagCall).bytes(e.Bytes()).id() }

func checkCall(c *Call) error {
	if err := checkName("title", c.Title, MaxTitle); err != nil {
		return err
	}
	if c.Members < 1 || c.Members > MaxMembers {
		return errorf("a ceremony has 1 to %d members, not %d", MaxMembers, c.Members)
	}
	if c.Threshold < 1 || c.Threshold > c.Members {
		return errorf("the threshold must be between 1 and the number of members (%d), not %d", c.Members, c.Threshold)
	}
	if len(c.Nonce) != 16 {
		return errorf("the call's nonce must be 16 bytes")
	}
	if c.Close < MinClose || c.Close > MaxClose {
		return errorf("the close of poll must lie between 1970-01-01 and 9999-12-31 (Unix seconds %d to %d), not %d", MinClose, MaxClose, c.Close)
	}
	return nil
}

// parseCard checks a card against the call: the call ID, the name, the key
// sizes, and the self-signature (proof of possession of the signing key).
func parseCard(e *Envelope, call *Call, cid ID) (Card, error) {
	c, _, err := parseCardCached(nil, e, call, cid)
	return c, err
}

// cardInfo is a checked card and its parsed encryption key, never modified.
type cardInfo struct {
	card   Card
	encKey hpke.PublicKey
}

// parseCardCached is parseCard remembering its result in v (§8.6): the
// card's ID and the call's ID fix every byte it checks.
func parseCardCached(v *Verified, e *Envelope, call *Call, cid ID) (Card, hpke.PublicKey, error) {
	var key cacheKey
	if v != nil {
		key = cacheKey{kind: cacheCard, msg: e.ID(), dep: cid}
		if x, ok := v.get(key); ok {
			ci := x.(*cardInfo)
			return ci.card, ci.encKey, nil
		}
	}
	c, pk, err := checkCard(e, call, cid)
	if err == nil {
		v.put(key, &cardInfo{card: c, encKey: pk})
	}
	return c, pk, err
}

func checkCard(e *Envelope, call *Call, cid ID) (Card, hpke.PublicKey, error) {
	var c Card
	if e.Kind != KindCard {
		return c, nil, errorf("expected a card, got a %s message", e.Kind)
	}
	if !bytes.Equal(e.Ceremony, cid[:]) {
		return c, nil, errorf("this card answers another call (%s), not this one (%s)", Fingerprint(e.Ceremony), cid.Fingerprint())
	}
	if err := e.DecodeBody(&c); err != nil {
		return c, nil, err
	}
	if err := checkName("member name", c.Name, MaxNameLength); err != nil {
		return c, nil, err
	}
	if err := checkSigningKey(c.SigningKey); err != nil {
		return c, nil, errorf("the card of %q has %w: it is refused", c.Name, err)
	}
	want := uint64(KEMX25519)
	if call.PostQuantum {
		want = KEMMLKEM768X25519
	}
	if c.KEM != want {
		return c, nil, errorf("the card of %q uses encryption %s but the call asks for %s", c.Name, kemName(c.KEM), kemName(want))
	}
	if err := checkEncryptionKey(c.KEM, c.EncryptionKey); err != nil {
		return c, nil, errorf("the card of %q has %w as its encryption key: it is refused", c.Name, err)
	}
	kem, _ := kemFor(c.KEM)
	pk, err := kem.NewPublicKey(c.EncryptionKey)
	if err != nil {
		return c, nil, errorf("the card of %q has an invalid encryption key", c.Name)
	}
	if !e.verifySignature(c.SigningKey) {
		return c, nil, errorf("the card of %q is not signed by its own key: it was altered", c.Name)
	}
	return c, pk, nil
}

func (s *State) addCard(e *Envelope) (Text, error) {
	if s.call == nil {
		return Text{}, errorf("a card arrived before the call: take in the call first")
	}
	c, _, err := parseCardCached(s.cache, e, &s.Call, s.CallID)
	if err != nil {
		return Text{}, err
	}
	id := e.ID()
	if s.manifest != nil {
		for _, m := range s.Members {
			if m.Card == id {
				return Text{}, ErrDuplicate
			}
		}
		return Text{}, errorf("the card of %q arrived after the manifest was fixed: it cannot join this ceremony", c.Name)
	}
	if _, ok := s.cards[id]; ok {
		return Text{}, ErrDuplicate
	}
	for _, o := range s.cards {
		var oc Card
		_ = o.DecodeBody(&oc)
		if bytes.Equal(oc.SigningKey, c.SigningKey) {
			return Text{}, errorf("%q already enrolled with this key: a member enrols once", oc.Name)
		}
		if bytes.Equal(oc.EncryptionKey, c.EncryptionKey) {
			return Text{}, errorf("the card of %q reuses the encryption key of %q: every member makes its own keys", c.Name, oc.Name)
		}
	}
	if uint64(len(s.cards)) >= s.Call.Members {
		return Text{}, errorf("the call is for %d members and all have enrolled: the card of %q is one too many", s.Call.Members, c.Name)
	}
	s.cards[id] = e
	return textf("card of %q: signed by its own key, encryption %s", c.Name, kemName(c.KEM)), nil
}

// Cards returns the cards taken in before the manifest, in member order.
func (s *State) Cards() []*Envelope {
	ids := make([]ID, 0, len(s.cards))
	for id := range s.cards {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b ID) int { return bytes.Compare(a[:], b[:]) })
	out := make([]*Envelope, len(ids))
	for i, id := range ids {
		out[i] = s.cards[id]
	}
	return out
}

// ParseManifest checks a manifest on its own: the call, every card, the
// member order and uniqueness of keys. It returns the ceremony ID.
func ParseManifest(e *Envelope) (call Call, cid ID, members []MemberInfo, id ID, err error) {
	return parseManifestCached(nil, e)
}

// parseManifestCached is ParseManifest remembering its result in v (§8.6).
func parseManifestCached(v *Verified, e *Envelope) (call Call, cid ID, members []MemberInfo, id ID, err error) {
	var key cacheKey
	if v != nil && e.Kind == KindManifest {
		key = cacheKey{kind: cacheManifest, msg: e.ID()}
		if x, ok := v.get(key); ok {
			mi := x.(*manifestInfo)
			return mi.call, mi.cid, cloneMembers(mi.members), mi.id, nil
		}
	}
	call, cid, members, id, err = verifyManifest(v, e)
	if err == nil && v != nil {
		v.put(key, &manifestInfo{call: call, cid: cid, members: cloneMembers(members), id: id})
	}
	return
}

func verifyManifest(v *Verified, e *Envelope) (call Call, cid ID, members []MemberInfo, id ID, err error) {
	if e.Kind != KindManifest {
		return call, cid, nil, id, errorf("expected a manifest, got a %s message", e.Kind)
	}
	var m Manifest
	if err = e.DecodeBody(&m); err != nil {
		return
	}
	id = newTranscript(tagCeremony).bytes(e.Body).id()
	if !bytes.Equal(e.Ceremony, id[:]) {
		err = errorf("the manifest's ceremony ID does not match its content: it was altered")
		return
	}
	ce, err := ParseEnvelope(m.Call)
	if err != nil {
		return
	}
	if ce.Kind != KindCall {
		err = errorf("the manifest does not hold a call")
		return
	}
	if err = ce.DecodeBody(&call); err != nil {
		return
	}
	if err = checkCall(&call); err != nil {
		return
	}
	cid = callID(ce)
	if uint64(len(m.Cards)) != call.Members {
		err = errorf("the manifest lists %d members but the call is for %d", len(m.Cards), call.Members)
		return
	}
	var prev ID
	seen := map[string]bool{}
	for i, cb := range m.Cards {
		var ce *Envelope
		if ce, err = ParseEnvelope(cb); err != nil {
			return
		}
		var c Card
		var pk hpke.PublicKey
		if c, pk, err = parseCardCached(v, ce, &call, cid); err != nil {
			return
		}
		cardID := ce.ID()
		if i > 0 && bytes.Compare(prev[:], cardID[:]) >= 0 {
			err = errorf("the manifest's cards are not in the canonical order (ascending message ID) or one is repeated")
			return
		}
		prev = cardID
		if seen[string(c.SigningKey)] || seen[string(c.EncryptionKey)] {
			err = errorf("two members of the manifest share a key (%q)", c.Name)
			return
		}
		seen[string(c.SigningKey)], seen[string(c.EncryptionKey)] = true, true
		members = append(members, MemberInfo{
			Index: uint64(i + 1), Name: c.Name, SigningKey: c.SigningKey, KEM: c.KEM,
			EncryptionKey: c.EncryptionKey, Card: cardID, encKey: pk,
		})
	}
	return call, cid, members, id, nil
}

func (s *State) addManifest(e *Envelope) (Text, error) {
	call, cid, members, id, err := parseManifestCached(s.cache, e)
	if err != nil {
		return Text{}, err
	}
	if s.manifest != nil {
		if id == s.ID {
			return Text{}, ErrDuplicate
		}
		return Text{}, errorf("this is the manifest of another ceremony (%s), not of this one (%s)", id.Fingerprint(), s.ID.Fingerprint())
	}
	if s.call != nil && cid != s.CallID {
		return Text{}, errorf("this manifest answers another call (%s)", cid.Fingerprint())
	}
	for cardID, ce := range s.cards {
		found := false
		for _, m := range members {
			found = found || m.Card == cardID
		}
		if !found {
			var c Card
			_ = ce.DecodeBody(&c)
			return Text{}, errorf("the manifest leaves out the card of %q", c.Name)
		}
	}
	var me Manifest
	_ = e.DecodeBody(&me)
	ce, _ := ParseEnvelope(me.Call)
	s.call, s.Call, s.CallID = ce, call, cid
	s.manifest, s.ID, s.Members = e, id, members
	s.cards = map[ID]*Envelope{}
	return textf("manifest of %q: %d members, threshold %d, ceremony %s", call.Title, call.Members, call.Threshold, id.Fingerprint()), nil
}

// Manifest returns the manifest envelope, or nil before it is known.
func (s *State) Manifest() *Envelope { return s.manifest }

func dealerProofContext(ceremony ID, dealer uint64) [][]byte {
	return [][]byte{ceremony[:], uintBytes(dealer)}
}

func uintBytes(v uint64) []byte {
	return []byte{byte(v >> 56), byte(v >> 48), byte(v >> 40), byte(v >> 32), byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
}

// decodeCommitments decodes exactly t elements.
func (s *State) decodeCommitments(what string, m MemberInfo, bs [][]byte) ([]*group.Element, error) {
	t := s.Call.Threshold
	if uint64(len(bs)) != t {
		return nil, errorf("the %s of %s has %d commitments; the threshold %d needs exactly %d", what, m.label(), len(bs), t, t)
	}
	cs := make([]*group.Element, t)
	for k, cb := range bs {
		c, err := decodeElement(cb)
		if err != nil {
			return nil, errorf("commitment %d of the %s of %s is not a valid group element", k, what, m.label())
		}
		cs[k] = c
	}
	return cs, nil
}

// dkgOver says which later step has begun, if any: a message of an earlier
// step is refused once a later one has arrived (docs/protocol.md §6.8).
func (s *State) dkgOver(after Kind) string {
	for _, k := range []Kind{KindComplaints, KindReveal, KindOpen, KindRecover, KindConfirm} {
		if kindRank[k] <= kindRank[after] {
			continue
		}
		if s.count(k) > 0 {
			return string(k)
		}
	}
	return ""
}

func (s *State) count(k Kind) int {
	switch k {
	case KindDeal:
		return len(s.deals)
	case KindComplaints:
		return len(s.complaints)
	case KindReveal:
		return len(s.reveals)
	case KindOpen:
		return len(s.opens)
	case KindRecover:
		return len(s.recovers)
	case KindConfirm:
		return len(s.confirms)
	}
	return 0
}

// changed forgets what is computed from the deals, complaints and reveals.
func (s *State) changed() {
	s.qualCache = nil
	s.qualHash = nil
	s.keysChanged()
}

// keysChanged forgets what is computed from the openings and published
// shares (QUAL does not depend on them, §6.5).
func (s *State) keysChanged() {
	s.keyCache = nil
	s.aggCache = nil
	s.feldman = map[uint64][]*group.Element{}
}

// checkDeal decodes a deal and checks it against the manifest alone: the
// commitments, and one sealed share of the right size for every other
// member, in order (§6.2). Its result depends on the deal's bytes only
// (the ceremony ID among them fixes the manifest), so it is cached (§8.6).
func (s *State) checkDeal(e *Envelope, id ID, m MemberInfo) (*dealParsed, error) {
	key := cacheKey{kind: cacheDeal, msg: id}
	if x, ok := s.cache.get(key); ok {
		return x.(*dealParsed), nil
	}
	i := e.Sender
	var d Deal
	if err := e.DecodeBody(&d); err != nil {
		return nil, err
	}
	cs, err := s.decodeCommitments("deal", m, d.Commitments)
	if err != nil {
		return nil, err
	}
	n := uint64(len(s.Members))
	if uint64(len(d.Shares)) != n-1 {
		return nil, errorf("the deal of %s holds %d sealed shares; it must hold one for each of the %d other members", m.label(), len(d.Shares), n-1)
	}
	want := uint64(1)
	for _, sh := range d.Shares {
		if want == i {
			want++
		}
		switch {
		case sh.To == 0 || sh.To > n:
			return nil, errorf("the deal of %s has a share for member %d, who does not exist", m.label(), sh.To)
		case sh.To == i:
			return nil, errorf("the deal of %s has a share for its own dealer", m.label())
		case sh.To < want:
			return nil, errorf("the deal of %s has two shares for member %d or is out of order", m.label(), sh.To)
		case sh.To > want:
			return nil, errorf("the deal of %s has no share for %s", m.label(), s.who(want))
		}
		to, _ := s.Member(sh.To)
		if size := sealedShareSize(to.KEM); len(sh.Ciphertext) != size {
			return nil, errorf("the deal of %s has a sealed share for member %d of %d bytes; its KEM %s gives exactly %d", m.label(), sh.To, len(sh.Ciphertext), kemName(to.KEM), size)
		}
		want++
	}
	dp := &dealParsed{body: d, commitments: cs}
	s.cache.put(key, dp)
	return dp, nil
}

func (s *State) addDeal(e *Envelope, id ID) (Text, error) {
	i := e.Sender
	m, _ := s.Member(i)
	if d, ok := s.deals[i]; ok {
		if d.id == id {
			return Text{}, ErrDuplicate
		}
		return Text{}, errorf("%s already dealt, and this is a different deal: a member deals once", m.label())
	}
	if later := s.dkgOver(KindDeal); later != "" {
		return Text{}, errorf("the deal of %s arrived after members checked the deals: the deal step is over", m.label())
	}
	dp, err := s.checkDeal(e, id, m)
	if err != nil {
		return Text{}, err
	}
	d, cs, n := dp.body, dp.commitments, uint64(len(s.Members))
	s.deals[i] = &dealInfo{env: e, id: id, body: d, commitments: cs}
	s.changed()
	return textf("deal of %s: signature, %d Pedersen commitments, %d sealed share pairs", m.label(), len(cs), n-1), nil
}

func (s *State) addComplaints(e *Envelope, id ID) (Text, error) {
	j := e.Sender
	m, _ := s.Member(j)
	if c, ok := s.complaints[j]; ok {
		if c.id == id {
			return Text{}, ErrDuplicate
		}
		return Text{}, errorf("%s already sent its complaints, and this list is different", m.label())
	}
	if later := s.dkgOver(KindComplaints); later != "" {
		return Text{}, errorf("the complaints of %s arrived after the verify step was over", m.label())
	}
	var c Complaints
	if err := e.DecodeBody(&c); err != nil {
		return Text{}, err
	}
	var prev uint64
	for _, a := range c.Against {
		switch {
		case a.Dealer <= prev:
			return Text{}, errorf("the complaints of %s name a dealer twice or out of order", m.label())
		case a.Dealer == j:
			return Text{}, errorf("%s complains about itself", m.label())
		case s.deals[a.Dealer] == nil:
			return Text{}, errorf("%s complains about %s, who has not dealt", m.label(), s.who(a.Dealer))
		case a.Reason != ReasonUnopenable && a.Reason != ReasonMismatch:
			return Text{}, errorf("the complaints of %s give an unknown reason %d", m.label(), a.Reason)
		}
		prev = a.Dealer
	}
	s.complaints[j] = &complaintsInfo{env: e, id: id, body: c}
	s.changed()
	if len(c.Against) == 0 {
		return textf("complaints of %s: none, every share it received was good", m.label()), nil
	}
	return textf("complaints of %s: against %s", m.label(), s.dealerList(c.Against)), nil
}

func (s *State) dealerList(cs []Complaint) List {
	l := List{Sep: ", "}
	for _, c := range cs {
		l.Items = append(l.Items, s.who(c.Dealer))
	}
	return l
}

// complainers returns the members who complained about dealer i, ascending.
func (s *State) complainers(i uint64) []uint64 {
	var out []uint64
	for j := uint64(1); j <= uint64(len(s.Members)); j++ {
		if c := s.complaints[j]; c != nil {
			for _, a := range c.body.Against {
				if a.Dealer == i {
					out = append(out, j)
				}
			}
		}
	}
	return out
}

func parsePair(share, blind []byte) (sharePair, bool) {
	a, err1 := group.NewScalar().SetCanonicalBytes(share)
	b, err2 := group.NewScalar().SetCanonicalBytes(blind)
	return sharePair{a, b}, err1 == nil && err2 == nil
}

// pairMatches checks f(j)·G + f'(j)·H = Σ_k j^k·E_k (docs/protocol.md §6.3).
func (d *dealInfo) pairMatches(j uint64, p sharePair) bool {
	return pedersen(p.s, p.blind).Equal(evalCommitments(d.commitments, j)) == 1
}

// publicPairMatches is pairMatches for a pair that message msg makes public
// (a reveal or published shares), remembered by s's cache under msg, the
// deal and which of msg's pairs it is (which), all of which fix the pair,
// the recipient j and the commitments (§8.6).
func (s *State) publicPairMatches(msg ID, d *dealInfo, which, j uint64, p sharePair) bool {
	key := cacheKey{kind: cachePair, msg: msg, dep: d.id, j: which}
	if x, ok := s.cache.get(key); ok {
		return x.(bool)
	}
	ok := d.pairMatches(j, p)
	s.cache.put(key, ok)
	return ok
}

func (s *State) addReveal(e *Envelope, id ID) (Text, error) {
	i := e.Sender
	m, _ := s.Member(i)
	if r, ok := s.reveals[i]; ok {
		if r.id == id {
			return Text{}, ErrDuplicate
		}
		return Text{}, errorf("%s already answered the complaints, and this answer is different", m.label())
	}
	if later := s.dkgOver(KindReveal); later != "" {
		return Text{}, errorf("%s answered the complaints after the %s step began: the reveal step is over", m.label(), later)
	}
	var r Reveal
	if err := e.DecodeBody(&r); err != nil {
		return Text{}, err
	}
	d := s.deals[i]
	accusers := s.complainers(i)
	if d == nil || len(accusers) == 0 {
		return Text{}, errorf("%s reveals shares, but nobody complained about it", m.label())
	}
	if len(r.Shares) != len(accusers) {
		return Text{}, errorf("%s must reveal the shares of the %d members who complained, and reveals %d", m.label(), len(accusers), len(r.Shares))
	}
	info := &revealInfo{env: e, id: id, shares: map[uint64]sharePair{}, valid: map[uint64]bool{}}
	bad := 0
	for k, rs := range r.Shares {
		if rs.To != accusers[k] {
			return Text{}, errorf("%s reveals a share for member %d, who did not complain (or out of order)", m.label(), rs.To)
		}
		p, ok := parsePair(rs.Share, rs.Blinding)
		if !ok {
			return Text{}, errorf("the share %s reveals for member %d is not a pair of valid numbers", m.label(), rs.To)
		}
		info.shares[rs.To] = p
		ok = s.publicPairMatches(id, d, rs.To, rs.To, p)
		info.valid[rs.To] = ok
		if !ok {
			bad++
		}
	}
	s.reveals[i] = info
	s.changed()
	if bad > 0 {
		return textf("reveal of %s: %d of %d revealed shares do not match its commitments: %s is disqualified", m.label(), bad, len(accusers), m.label()), nil
	}
	return textf("reveal of %s: the %d revealed shares match its commitments", m.label(), len(accusers)), nil
}

// Qualified returns QUAL, the dealers whose contribution counts: those who
// dealt and answered every complaint with a share pair that matches their
// commitments, with the reason each other member is left out
// (docs/protocol.md §6.5). It treats a missing answer to a complaint as
// silence: call it once the coordinator has closed the reveal step. QUAL is
// fixed before anything about the election key is public; nothing a member
// does later takes it out of QUAL.
func (s *State) Qualified() (qual []uint64, excluded map[uint64]Text) {
	excluded = map[uint64]Text{}
	for i := uint64(1); i <= uint64(len(s.Members)); i++ {
		if s.deals[i] == nil {
			excluded[i] = textf("did not deal")
			continue
		}
		accusers := s.complainers(i)
		if len(accusers) > 0 {
			r := s.reveals[i]
			if r == nil {
				excluded[i] = textf("did not answer the complaint of %s", s.who(accusers[0]))
				continue
			}
			failed := uint64(0)
			for _, j := range accusers {
				if !r.valid[j] {
					failed = j
					break
				}
			}
			if failed != 0 {
				excluded[i] = textf("revealed a share for %s that does not match its commitments", s.who(failed))
				continue
			}
		}
		qual = append(qual, i)
	}
	return qual, excluded
}

func (s *State) qualified() []uint64 {
	if s.qualCache == nil {
		s.qualCache, _ = s.Qualified()
	}
	return s.qualCache
}

// QualHash identifies the view under which QUAL was fixed: the ceremony
// ID, every member's deal, complaints and reveal (their message IDs, empty
// when absent) and QUAL itself (docs/protocol.md §6.5). Openings and
// published shares carry it, so that none of them can serve in a record
// whose QUAL was changed after the Feldman values became public.
func (s *State) QualHash() ID {
	if s.qualHash == nil {
		q := s.qualHashOf()
		s.qualHash = &q
	}
	return *s.qualHash
}

func (s *State) qualHashOf() ID {
	t := newTranscript(tagQual).bytes(s.ID[:])
	n := uint64(len(s.Members))
	t.uint(n)
	for i := uint64(1); i <= n; i++ {
		var d, c, r []byte
		if x := s.deals[i]; x != nil {
			d = x.id[:]
		}
		if x := s.complaints[i]; x != nil {
			c = x.id[:]
		}
		if x := s.reveals[i]; x != nil {
			r = x.id[:]
		}
		t.bytes(d).bytes(c).bytes(r)
	}
	qual := s.qualified()
	t.uint(uint64(len(qual)))
	for _, i := range qual {
		t.uint(i)
	}
	return t.id()
}

func (s *State) checkQualHash(what string, m MemberInfo, h []byte) error {
	if q := s.QualHash(); !bytes.Equal(h, q[:]) {
		return errorf("the %s of %s was made under another set of deals, complaints and reveals (QUAL %s) than this one (QUAL %s): the qualified set cannot change once the Feldman values are public", what, m.label(), Fingerprint(h), q.Fingerprint())
	}
	return nil
}

func (s *State) addOpen(e *Envelope, id ID) (Text, error) {
	i := e.Sender
	m, _ := s.Member(i)
	if o, ok := s.opens[i]; ok {
		if o.id == id {
			return Text{}, ErrDuplicate
		}
		return Text{}, errorf("%s already opened its commitments, and this opening is different", m.label())
	}
	if s.count(KindConfirm) > 0 {
		return Text{}, errorf("the opening of %s arrived after members began to confirm: the open step is over", m.label())
	}
	var o Open
	if err := e.DecodeBody(&o); err != nil {
		return Text{}, err
	}
	if !slices.Contains(s.qualified(), i) {
		_, excluded := s.Qualified()
		return Text{}, errorf("%s is not qualified (%s) and has nothing to open", m.label(), excluded[i])
	}
	if err := s.checkQualHash("opening", m, o.Qual); err != nil {
		return Text{}, err
	}
	d := s.deals[i]
	key := cacheKey{kind: cacheOpen, msg: id, dep: d.id}
	var cs []*group.Element
	if x, ok := s.cache.get(key); ok {
		cs = x.([]*group.Element)
	} else {
		var err error
		if cs, err = s.decodeCommitments("opening", m, o.Commitments); err != nil {
			return Text{}, err
		}
		if cs[0].IsIdentity() {
			return Text{}, errorf("the opening of %s commits to a zero secret", m.label())
		}
		if !verifyOpenEncoded(dealerProofContext(s.ID, i), d.body.Commitments, o.Commitments, d.commitments, cs, o.Proof) {
			return Text{}, errorf("the proof that the opening of %s is what its deal committed to does not verify", m.label())
		}
		s.cache.put(key, cs)
	}
	s.opens[i] = &openInfo{env: e, id: id, commitments: cs}
	s.keysChanged()
	return textf("opening of %s: signature, %d Feldman values, proof that they are those its deal committed to", m.label(), len(cs)), nil
}

func (s *State) addRecover(e *Envelope, id ID) (Text, error) {
	j := e.Sender
	m, _ := s.Member(j)
	if r, ok := s.recovers[j]; ok {
		if r.id == id {
			return Text{}, ErrDuplicate
		}
		return Text{}, errorf("%s already published its shares of silent members, and this list is different", m.label())
	}
	if s.count(KindConfirm) > 0 {
		return Text{}, errorf("the shares %s publishes arrived after members began to confirm: the recover step is over", m.label())
	}
	var r Recover
	if err := e.DecodeBody(&r); err != nil {
		return Text{}, err
	}
	if err := s.checkQualHash("published shares", m, r.Qual); err != nil {
		return Text{}, err
	}
	if len(r.Shares) == 0 {
		return Text{}, errorf("%s publishes an empty list of shares: a member with nothing to publish sends nothing", m.label())
	}
	qual := s.qualified()
	info := &recoverInfo{env: e, id: id, shares: map[uint64]sharePair{}}
	var prev uint64
	for _, rs := range r.Shares {
		i := rs.Dealer
		switch {
		case i <= prev:
			return Text{}, errorf("the shares %s publishes name a dealer twice or out of order", m.label())
		case i == j:
			return Text{}, errorf("%s publishes a share of itself", m.label())
		case !slices.Contains(qual, i):
			return Text{}, errorf("%s publishes its share of %s, who is not qualified", m.label(), s.who(i))
		}
		prev = i
		p, ok := parsePair(rs.Share, rs.Blinding)
		if !ok {
			return Text{}, errorf("the share of %s that %s publishes is not a pair of valid numbers", s.who(i), m.label())
		}
		if !s.publicPairMatches(id, s.deals[i], i, j, p) {
			return Text{}, errorf("the share of %s that %s publishes does not match the commitments of %s", s.who(i), m.label(), s.who(i))
		}
		info.shares[i] = p
	}
	s.recovers[j] = info
	s.keysChanged()
	return textf("shares published by %s for %s: each matches the dealer's commitments", m.label(), s.recoverList(r.Shares)), nil
}

func (s *State) recoverList(rs []RecoveredShare) List {
	l := List{Sep: ", "}
	for _, r := range rs {
		l.Items = append(l.Items, s.who(r.Dealer))
	}
	return l
}

// publicPoints returns the share pairs of dealer i that are public and
// match its commitments: those revealed to answer complaints and those
// published at the recover step, by recipient.
func (s *State) publicPoints(i uint64) map[uint64]*group.Scalar {
	out := map[uint64]*group.Scalar{}
	if r := s.reveals[i]; r != nil {
		for j, p := range r.shares {
			if r.valid[j] {
				out[j] = p.s
			}
		}
	}
	for j, r := range s.recovers {
		if p, ok := r.shares[i]; ok {
			out[j] = p.s
		}
	}
	return out
}

// Recovered returns the qualified dealers that did not open: their Feldman
// values are reconstructed from the shares the others publish
// (docs/protocol.md §6.6). Call it once the open step is closed.
func (s *State) Recovered() []uint64 {
	var out []uint64
	for _, i := range s.qualified() {
		if s.opens[i] == nil {
			out = append(out, i)
		}
	}
	return out
}

// RecoverNeeds returns, for each qualified dealer that did not open, how
// many more public shares its reconstruction needs (0 once it can be
// reconstructed).
func (s *State) RecoverNeeds() map[uint64]int {
	out := map[uint64]int{}
	t := int(s.Call.Threshold)
	for _, i := range s.Recovered() {
		out[i] = max(0, t-len(s.publicPoints(i)))
	}
	return out
}

// feldmanOf returns C_i0..C_i(t-1) for a qualified dealer: those it opened,
// or those reconstructed from t public shares by interpolation (the t
// lowest recipient indices), or nil if neither is available yet.
func (s *State) feldmanOf(i uint64) []*group.Element {
	if o := s.opens[i]; o != nil {
		return o.commitments
	}
	if c, ok := s.feldman[i]; ok {
		return c
	}
	pts := s.publicPoints(i)
	t := int(s.Call.Threshold)
	if len(pts) < t {
		return nil
	}
	xs := make([]uint64, 0, len(pts))
	for j := range pts {
		xs = append(xs, j)
	}
	slices.Sort(xs)
	xs = xs[:t]
	ys := make([]*group.Scalar, t)
	for k, j := range xs {
		ys[k] = pts[j]
	}
	coeffs := interpolate(xs, ys)
	cs := make([]*group.Element, t)
	for k, a := range coeffs {
		cs[k] = group.NewIdentityElement().ScalarBaseMult(a)
	}
	s.feldman[i] = cs
	return cs
}

// keysReady reports whether every qualified dealer's Feldman values are
// known, opened or reconstructed.
func (s *State) keysReady(qual []uint64) error {
	for _, i := range qual {
		if s.feldmanOf(i) == nil {
			return errorf("%s did not open its commitments and fewer than %d of its shares are public: it cannot be reconstructed yet", s.who(i), s.Call.Threshold)
		}
	}
	return nil
}

// ElectionKey returns Y = Σ_{i∈QUAL} C_i0 (docs/protocol.md §6.6), or nil
// while the Feldman values of some qualified dealer are unknown.
func (s *State) ElectionKey(qual []uint64) *group.Element {
	if s.keysReady(qual) != nil {
		return nil
	}
	y := group.NewIdentityElement()
	for _, i := range qual {
		y.Add(y, s.feldmanOf(i)[0])
	}
	return y
}

// VerificationKey returns Y_j = Σ_{i∈QUAL} f_i(j)·G, computed from the
// Feldman values alone (docs/protocol.md §6.6), or nil while those of some
// qualified dealer are unknown.
func (s *State) VerificationKey(qual []uint64, j uint64) *group.Element {
	if s.keysReady(qual) != nil {
		return nil
	}
	key := fmt.Sprint(qual, j)
	if s.keyCache == nil {
		s.keyCache = map[string]*group.Element{}
	}
	if y, ok := s.keyCache[key]; ok {
		return y
	}
	y := evalCommitments(s.aggregate(qual), j)
	s.keyCache[key] = y
	return y
}

// aggregate returns A_k = Σ_{i∈qual} C_ik for k < t, so that
// Y_j = Σ_k j^k·A_k costs one multi-scalar multiplication of t terms rather
// than one per dealer. Call it once keysReady(qual) holds.
func (s *State) aggregate(qual []uint64) []*group.Element {
	key := fmt.Sprint(qual)
	if a, ok := s.aggCache[key]; ok {
		return a
	}
	a := make([]*group.Element, s.Call.Threshold)
	for k := range a {
		a[k] = group.NewIdentityElement()
	}
	for _, i := range qual {
		for k, c := range s.feldmanOf(i) {
			a[k].Add(a[k], c)
		}
	}
	if s.aggCache == nil {
		s.aggCache = map[string][]*group.Element{}
	}
	s.aggCache[key] = a
	return a
}

// Transcript returns the hash of the ceremony as the messages show it: the
// ceremony ID, every member's deal, complaints, reveal, opening and
// published shares, QUAL, the reconstructed dealers and the election key
// (docs/protocol.md §6.7). Call it once the election key is known.
func (s *State) Transcript(qual []uint64) ID {
	t := newTranscript(tagTranscript).bytes(s.ID[:])
	n := uint64(len(s.Members))
	t.uint(n)
	for i := uint64(1); i <= n; i++ {
		var d, c, r, o, rc []byte
		if x := s.deals[i]; x != nil {
			d = x.id[:]
		}
		if x := s.complaints[i]; x != nil {
			c = x.id[:]
		}
		if x := s.reveals[i]; x != nil {
			r = x.id[:]
		}
		if x := s.opens[i]; x != nil {
			o = x.id[:]
		}
		if x := s.recovers[i]; x != nil {
			rc = x.id[:]
		}
		t.bytes(d).bytes(c).bytes(r).bytes(o).bytes(rc)
	}
	t.uint(uint64(len(qual)))
	for _, i := range qual {
		t.uint(i)
	}
	rec := s.recoveredOf(qual)
	t.uint(uint64(len(rec)))
	for _, i := range rec {
		t.uint(i)
	}
	y := s.ElectionKey(qual)
	if y == nil {
		y = group.NewIdentityElement()
	}
	t.element(y)
	return t.id()
}

func (s *State) recoveredOf(qual []uint64) []uint64 {
	var out []uint64
	for _, i := range qual {
		if s.opens[i] == nil {
			out = append(out, i)
		}
	}
	return out
}

// Awaited returns the members whose confirmation completes the ceremony:
// QUAL but those reconstructed (docs/protocol.md §6.7).
func (s *State) Awaited() []uint64 {
	var out []uint64
	for _, i := range s.qualified() {
		if s.opens[i] != nil {
			out = append(out, i)
		}
	}
	return out
}

func shareProofContext(ceremony ID, j uint64, transcript ID) [][]byte {
	return [][]byte{ceremony[:], uintBytes(j), transcript[:]}
}

func (s *State) addConfirm(e *Envelope, id ID) (Text, error) {
	j := e.Sender
	m, _ := s.Member(j)
	if c, ok := s.confirms[j]; ok {
		if c.id == id {
			return Text{}, ErrDuplicate
		}
		return Text{}, errorf("%s already confirmed, and this confirmation is different", m.label())
	}
	var c Confirm
	if err := e.DecodeBody(&c); err != nil {
		return Text{}, err
	}
	qual, excluded := s.Qualified()
	if !slices.Contains(qual, j) {
		return Text{}, errorf("%s was disqualified (%s) and cannot confirm", m.label(), excluded[j])
	}
	if uint64(len(qual)) < s.Call.Threshold {
		return Text{}, errorf("only %d members qualified, fewer than the threshold %d: the ceremony cannot complete and must start again", len(qual), s.Call.Threshold)
	}
	if err := s.keysReady(qual); err != nil {
		return Text{}, err
	}
	if !slices.Equal(c.Qualified, qual) {
		return Text{}, errorf("%s counts qualified members %v, but the messages show %v: it was shown different messages", m.label(), c.Qualified, qual)
	}
	if rec := s.recoveredOf(qual); !slices.Equal(c.Recovered, rec) {
		return Text{}, errorf("%s counts reconstructed members %v, but the messages show %v: it was shown different messages", m.label(), c.Recovered, rec)
	}
	y := s.ElectionKey(qual)
	if y.IsIdentity() {
		return Text{}, errorf("the election key is the identity element, which hides nothing: the ceremony must start again")
	}
	tr := s.Transcript(qual)
	if !bytes.Equal(c.Transcript, tr[:]) {
		return Text{}, errorf("%s saw a different ceremony transcript (%s) from this one (%s): the coordinator showed members different messages, or a message was altered", m.label(), Fingerprint(c.Transcript), tr.Fingerprint())
	}
	if !bytes.Equal(c.ElectionKey, y.Bytes()) {
		return Text{}, errorf("%s computed a different election key", m.label())
	}
	yj := s.VerificationKey(qual, j)
	if !bytes.Equal(c.VerificationKey, yj.Bytes()) {
		return Text{}, errorf("the verification key of %s does not match the commitments", m.label())
	}
	// The proof is about the transcript and Y_j the confirmation states,
	// which are those just compared: the cache may hold its check (§8.6).
	key := cacheKey{kind: cacheConfirm, msg: id}
	if _, ok := s.cache.get(key); !ok {
		p, err := parseProof(c.Proof)
		if err != nil || !verifyProof(tagProofShare, shareProofContext(s.ID, j, tr), []*group.Element{nil}, []*group.Element{yj}, p) {
			return Text{}, errorf("the proof that %s holds its share does not verify", m.label())
		}
		s.cache.put(key, true)
	}
	s.confirms[j] = &confirmInfo{env: e, id: id, body: c}
	return textf("confirmation of %s: transcript %s, election key, verification key, proof that it holds its share", m.label(), tr.Fingerprint()), nil
}

// Complete reports whether every qualified member that opened has confirmed
// the same transcript, and at least t did: the election key is then final
// (docs/protocol.md §6.7).
func (s *State) Complete() bool {
	if s.manifest == nil {
		return false
	}
	qual := s.qualified()
	if uint64(len(qual)) < s.Call.Threshold {
		return false
	}
	aw := s.Awaited()
	if uint64(len(aw)) < s.Call.Threshold {
		return false
	}
	for _, j := range aw {
		if s.confirms[j] == nil {
			return false
		}
	}
	return true
}

// Has reports which messages of each kind have arrived from member i.
func (s *State) Has(kind Kind, i uint64) bool {
	switch kind {
	case KindDeal:
		return s.deals[i] != nil
	case KindComplaints:
		return s.complaints[i] != nil
	case KindReveal:
		return s.reveals[i] != nil
	case KindOpen:
		return s.opens[i] != nil
	case KindRecover:
		return s.recovers[i] != nil
	case KindConfirm:
		return s.confirms[i] != nil
	}
	return false
}

// Accused returns the dealers who must answer complaints, ascending.
func (s *State) Accused() []uint64 {
	var out []uint64
	for i := uint64(1); i <= uint64(len(s.Members)); i++ {
		if len(s.complainers(i)) > 0 {
			out = append(out, i)
		}
	}
	return out
}

// Messages returns every message taken in, in replay order: the record.
func (s *State) Messages() []*Envelope {
	var out []*Envelope
	if s.call != nil {
		out = append(out, s.call)
	}
	out = append(out, s.Cards()...)
	if s.manifest != nil {
		out = append(out, s.manifest)
	}
	for i := uint64(1); i <= uint64(len(s.Members)); i++ {
		if x := s.deals[i]; x != nil {
			out = append(out, x.env)
		}
	}
	for i := uint64(1); i <= uint64(len(s.Members)); i++ {
		if x := s.complaints[i]; x != nil {
			out = append(out, x.env)
		}
	}
	for i := uint64(1); i <= uint64(len(s.Members)); i++ {
		if x := s.reveals[i]; x != nil {
			out = append(out, x.env)
		}
	}
	for i := uint64(1); i <= uint64(len(s.Members)); i++ {
		if x := s.opens[i]; x != nil {
			out = append(out, x.env)
		}
	}
	for i := uint64(1); i <= uint64(len(s.Members)); i++ {
		if x := s.recovers[i]; x != nil {
			out = append(out, x.env)
		}
	}
	for i := uint64(1); i <= uint64(len(s.Members)); i++ {
		if x := s.confirms[i]; x != nil {
			out = append(out, x.env)
		}
	}
	for _, rid := range s.reqOrder {
		out = append(out, s.requests[rid].env)
		for i := uint64(1); i <= uint64(len(s.Members)); i++ {
			if a := s.answers[rid][i]; a != nil {
				out = append(out, a.env)
			}
		}
		if r := s.results[rid]; r != nil {
			out = append(out, r.env)
		}
	}
	SortForReplay(out)
	return out
}
