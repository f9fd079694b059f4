package ceremony

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"conclave/ceremony/group"
)

// Steps of the key ceremony as the board sees it (docs/protocol.md §6).
const (
	StepEnrol    = "enrol"
	StepDeal     = "deal"
	StepComplete = "complete"
)

// Steps lists the key ceremony's steps in order, for people.
// The reveal and recover steps happen only when needed: when a member
// complained, and when a qualified member did not open (docs/protocol.md §6.8).
var Steps = []string{StepEnrol, StepDeal, StepVerify, StepReveal, StepOpen, StepRecover, StepConfirm, StepComplete}

// Progress is where the ceremony stands: the step, and who is awaited.
type Progress struct {
	Step    string
	Waiting []Text // who the step waits for, in plain words
	Ready   bool   // whether the coordinator can move to the next step
}

// Progress describes the ceremony given the last bundle step the
// coordinator issued ("" if none).
func (s *State) Progress(issued string) Progress {
	if s.manifest == nil {
		p := Progress{Step: StepEnrol}
		if s.call == nil {
			return p
		}
		missing := int(s.Call.Members) - len(s.cards)
		if missing > 0 {
			p.Waiting = append(p.Waiting, textf("%d more card(s)", missing))
		}
		p.Ready = missing == 0
		return p
	}
	var kind Kind
	var who []uint64
	p := Progress{}
	switch issued {
	case "":
		p.Step, kind, who = StepDeal, KindDeal, s.all()
	case StepVerify:
		p.Step, kind, who = StepVerify, KindComplaints, s.dealers()
	case StepReveal:
		p.Step, kind, who = StepReveal, KindReveal, s.Accused()
	case StepOpen:
		p.Step, kind, who = StepOpen, KindOpen, s.qualified()
	case StepRecover:
		p.Step, kind = StepRecover, KindRecover
		rec := s.Recovered()
		for _, j := range s.qualified() {
			if !slices.Contains(rec, j) {
				who = append(who, j)
			}
		}
		for _, i := range who {
			if !s.Has(kind, i) {
				p.Waiting = append(p.Waiting, s.who(i))
			}
		}
		p.Ready = true
		for i, need := range s.RecoverNeeds() {
			if need > 0 {
				p.Ready = false
				p.Waiting = append(p.Waiting, textf("%d more share(s) of %s", need, s.who(i)))
			}
		}
		return p
	default:
		if s.Complete() {
			return Progress{Step: StepComplete}
		}
		p.Step, kind, who = StepConfirm, KindConfirm, s.Awaited()
	}
	for _, i := range who {
		if !s.Has(kind, i) {
			p.Waiting = append(p.Waiting, s.who(i))
		}
	}
	p.Ready = len(p.Waiting) == 0
	return p
}

// dealers returns the members who dealt, ascending.
func (s *State) dealers() []uint64 {
	var out []uint64
	for i := uint64(1); i <= uint64(len(s.Members)); i++ {
		if s.deals[i] != nil {
			out = append(out, i)
		}
	}
	return out
}

func (s *State) all() []uint64 {
	out := make([]uint64, len(s.Members))
	for i := range out {
		out[i] = uint64(i + 1)
	}
	return out
}

// Next returns what the members need for the current step, moving the
// ceremony on when the step is done (docs/protocol.md §6): the call while
// members enrol, the manifest once all have, then bundles. issued is the last
// bundle step given out; the returned step is the one to record. When
// withoutMissing is set, a step closes without the members who are
// missing: a member who did not deal, or did not answer a complaint, is
// disqualified; a missing list of complaints counts as no complaint; a
// qualified member who did not open is not dropped but rebuilt from the
// shares the others publish (the recover step). No choice made here can
// pick the election key: QUAL is fixed before anything about it is public.
func (s *State) Next(issued string, withoutMissing bool) (out *Envelope, step string, err error) {
	p := s.Progress(issued)
	switch p.Step {
	case StepEnrol:
		if s.call == nil {
			return nil, "", errorf("the board has no call")
		}
		if !p.Ready {
			return s.call, issued, nil
		}
		m, err := s.NewManifest()
		return m, issued, err
	case StepDeal:
		if !p.Ready && !withoutMissing {
			return s.manifest, issued, nil
		}
		if len(s.deals) == 0 {
			return nil, "", errorf("no member has dealt yet")
		}
		return s.NewBundle(StepVerify), StepVerify, nil
	case StepVerify:
		if !p.Ready && !withoutMissing {
			return s.NewBundle(StepVerify), issued, nil
		}
		if len(s.Accused()) > 0 {
			return s.NewBundle(StepReveal), StepReveal, nil
		}
		return s.openBundle()
	case StepReveal:
		if !p.Ready && !withoutMissing {
			return s.NewBundle(StepReveal), issued, nil
		}
		return s.openBundle()
	case StepOpen:
		if !p.Ready && !withoutMissing {
			return s.NewBundle(StepOpen), issued, nil
		}
		if len(s.Recovered()) > 0 {
			return s.NewBundle(StepRecover), StepRecover, nil
		}
		return s.NewBundle(StepConfirm), StepConfirm, nil
	case StepRecover:
		if !p.Ready {
			if withoutMissing {
				return nil, "", errorf("a qualified member who did not open cannot be rebuilt yet (%s): the recover step cannot close without those shares", List{p.Waiting, ", "})
			}
			return s.NewBundle(StepRecover), issued, nil
		}
		return s.NewBundle(StepConfirm), StepConfirm, nil
	case StepConfirm:
		return s.NewBundle(StepConfirm), issued, nil
	}
	switch pending := s.PendingRequests(); len(pending) {
	case 0:
	case 1:
		return s.requests[pending[0]].env, issued, nil
	default:
		return nil, "", errorf("%d decryption requests await answers: hand out the file that 'board request' wrote for the one you mean", len(pending))
	}
	k, err := s.ElectionKeyFile()
	return k, issued, err
}

// openBundle closes the verify (or reveal) step: QUAL is now fixed.
func (s *State) openBundle() (*Envelope, string, error) {
	if qual := s.qualified(); uint64(len(qual)) < s.Call.Threshold {
		return nil, "", errorf("only %d members qualified, fewer than the threshold %d: the ceremony cannot complete and must start again", len(qual), s.Call.Threshold)
	}
	return s.NewBundle(StepOpen), StepOpen, nil
}

// NewManifest fixes the ceremony from the call and the n cards taken in
// (docs/protocol.md §5.3).
func (s *State) NewManifest() (*Envelope, error) {
	if s.manifest != nil {
		return s.manifest, nil
	}
	if s.call == nil || uint64(len(s.cards)) != s.Call.Members {
		return nil, errorf("the manifest needs the cards of all %d members; %d have arrived", s.Call.Members, len(s.cards))
	}
	m := Manifest{Call: s.call.Bytes()}
	for _, c := range s.Cards() {
		m.Cards = append(m.Cards, c.Bytes())
	}
	body := marshal(&m)
	id := newTranscript(tagCeremony).bytes(body).id()
	return &Envelope{Version: Version, Kind: KindManifest, Ceremony: id[:], Body: body}, nil
}

// NewBundle gathers every message of the ceremony for the given step.
func (s *State) NewBundle(step string) *Envelope {
	b := Bundle{Step: step}
	for _, e := range s.Messages() {
		if e.Kind == KindCall || e.Kind == KindCard {
			continue // the manifest holds them
		}
		if kindRank[e.Kind] > kindRank[KindConfirm] {
			continue
		}
		b.Messages = append(b.Messages, e.Bytes())
	}
	return newEnvelope(KindBundle, s.ID[:], 0, &b)
}

// ElectionKeyFile publishes the election key with the manifest and the
// confirmation of every qualified member that opened (docs/protocol.md
// §5.9). It is deterministic: one complete record gives one file.
func (s *State) ElectionKeyFile() (*Envelope, error) {
	if !s.Complete() {
		return nil, errorf("the key ceremony is not complete: the election key is not final yet")
	}
	qual := s.qualified()
	k := ElectionKeyFile{ElectionKey: s.ElectionKey(qual).Bytes(), Manifest: s.manifest.Bytes()}
	for _, j := range s.Awaited() {
		k.Confirmations = append(k.Confirmations, s.confirms[j].env.Bytes())
	}
	return newEnvelope(KindElectionKey, s.ID[:], 0, &k), nil
}

// ElectionKey is a published election key, checked.
type ElectionKey struct {
	Key         *group.Element
	Ceremony    ID
	Title       string
	Close       int64
	Threshold   uint64
	Qualified   []uint64
	Recovered   []uint64 // qualified members rebuilt from the others' shares, who need not confirm
	Fingerprint string
	// Members are the qualified members, from the manifest, with their card
	// fingerprints, for the voting system's operators to compare with the
	// minutes.
	Members []MemberInfo
}

// ParseElectionKey checks an election key file: the manifest, and that the
// confirmations of every qualified member that opened (at least t), each
// signed by the member named in the manifest, all state this key, the same
// QUAL, the same reconstructed members and the same transcript
// (docs/protocol.md §5.9).
func ParseElectionKey(e *Envelope) (*ElectionKey, error) {
	if e.Kind != KindElectionKey {
		return nil, errorf("this is a %s message, not an election key", e.Kind)
	}
	var k ElectionKeyFile
	if err := e.DecodeBody(&k); err != nil {
		return nil, err
	}
	me, err := ParseEnvelope(k.Manifest)
	if err != nil {
		return nil, err
	}
	call, _, members, id, err := ParseManifest(me)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(e.Ceremony, id[:]) {
		return nil, errorf("the election key file names another ceremony than its manifest")
	}
	y, err := decodeElement(k.ElectionKey)
	if err != nil || y.IsIdentity() {
		return nil, errorf("the election key is not a valid group element")
	}
	var qual, rec, awaited []uint64
	var transcript []byte
	for n, cb := range k.Confirmations {
		ce, err := ParseEnvelope(cb)
		if err != nil {
			return nil, err
		}
		if ce.Kind != KindConfirm || !bytes.Equal(ce.Ceremony, id[:]) || ce.Sender < 1 || ce.Sender > uint64(len(members)) {
			return nil, errorf("the election key file holds a confirmation of another ceremony or member")
		}
		if !ce.verifySignature(members[ce.Sender-1].SigningKey) {
			return nil, errorf("the confirmation of %s in the election key file is not signed by that member", members[ce.Sender-1].label())
		}
		var c Confirm
		if err := ce.DecodeBody(&c); err != nil {
			return nil, err
		}
		if !bytes.Equal(c.ElectionKey, k.ElectionKey) {
			return nil, errorf("%s confirmed another election key", members[ce.Sender-1].label())
		}
		if n == 0 {
			transcript, qual, rec = c.Transcript, c.Qualified, c.Recovered
			for k, j := range qual {
				if j < 1 || j > uint64(len(members)) || (k > 0 && j <= qual[k-1]) {
					return nil, errorf("the list of qualified members in the election key file is not a strictly ascending list of members")
				}
			}
			for k, j := range rec {
				if !slices.Contains(qual, j) || (k > 0 && j <= rec[k-1]) {
					return nil, errorf("the list of reconstructed members in the election key file is not a strictly ascending list of qualified members")
				}
			}
			for _, j := range qual {
				if !slices.Contains(rec, j) {
					awaited = append(awaited, j)
				}
			}
		}
		if !bytes.Equal(transcript, c.Transcript) || !slices.Equal(qual, c.Qualified) || !slices.Equal(rec, c.Recovered) {
			return nil, errorf("the members in the election key file confirmed different transcripts")
		}
		if n >= len(awaited) || ce.Sender != awaited[n] {
			return nil, errorf("the confirmations are not those of the qualified members that opened, in order")
		}
	}
	if len(k.Confirmations) == 0 || len(k.Confirmations) != len(awaited) {
		return nil, errorf("the election key file lacks the confirmation of some qualified members")
	}
	if uint64(len(qual)) < call.Threshold || uint64(len(awaited)) < call.Threshold {
		return nil, errorf("fewer members qualified and confirmed than the threshold")
	}
	ek := &ElectionKey{Key: y, Ceremony: id, Title: call.Title, Close: call.Close, Threshold: call.Threshold,
		Qualified: qual, Recovered: rec, Fingerprint: Fingerprint(k.ElectionKey)}
	for _, j := range qual {
		ek.Members = append(ek.Members, members[j-1])
	}
	return ek, nil
}

// Summary lists the members and what each has sent, for the coordinator's
// board.
func (s *State) Summary() string {
	var b strings.Builder
	for _, m := range s.Members {
		fmt.Fprintf(&b, "%-28s", m.Label())
		for _, k := range []Kind{KindDeal, KindComplaints, KindReveal, KindOpen, KindRecover, KindConfirm} {
			mark := "-"
			if s.Has(k, m.Index) {
				mark = "yes"
			}
			fmt.Fprintf(&b, " %s:%s", k, mark)
		}
		b.WriteByte('\n')
	}
	return b.String()
}
