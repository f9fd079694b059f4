package office

import (
	"time"

	"conclave/ceremony"
)

// Danger is a setting of a ceremony that can void an election, which the
// coordinator (at board new) and every member (at enrolment and at the
// deal step) must acknowledge explicitly (docs/threat-model.md).
type Danger int

const (
	// DangerOneDecrypts: t = 1 with n > 1: any one member can decrypt
	// every ballot alone.
	DangerOneDecrypts Danger = iota + 1
	// DangerNoSpare: t = n: one lost stick or forgotten passphrase and
	// nothing can be counted.
	DangerNoSpare
	// DangerClosePast: the close of poll is already past, so the only time
	// guard of the members' software does nothing.
	DangerClosePast
	// DangerCloseSoon: the close of poll is within the next hour.
	DangerCloseSoon
)

// String is Explain: a danger in a message reads as what it means.
func (d Danger) String() string { return d.Explain() }

// Explain says what the danger means, in English (the GUI has its own
// translated sentences, chosen by the Danger itself).
func (d Danger) Explain() string {
	switch d {
	case DangerOneDecrypts:
		return "the threshold is 1: any one member can decrypt every ballot alone, with no one else"
	case DangerNoSpare:
		return "the threshold equals the number of members: if one stick is lost or one passphrase forgotten, nothing can ever be counted"
	case DangerClosePast:
		return "the close of poll is already past: the members' software will decrypt whatever it is asked, at any time"
	case DangerCloseSoon:
		return "the close of poll is less than an hour away: check that it is the real close of poll"
	}
	return "unknown danger"
}

// Dangers lists the dangerous settings of a ceremony of n members with
// threshold t and close of poll closeOfPoll, at time now.
func Dangers(n, t uint64, closeOfPoll, now time.Time) []Danger {
	var out []Danger
	if t == 1 && n > 1 {
		out = append(out, DangerOneDecrypts)
	}
	if t == n {
		out = append(out, DangerNoSpare)
	}
	switch {
	case !closeOfPoll.After(now):
		out = append(out, DangerClosePast)
	case closeOfPoll.Before(now.Add(time.Hour)):
		out = append(out, DangerCloseSoon)
	}
	return out
}

// ErrNotConfirmed is returned when a member would commit to a call or a
// manifest whose terms it did not confirm (or confirmed another one of).
var ErrNotConfirmed = errorf("the member did not confirm these terms")

// ErrDangerNotAcknowledged is returned by Terms.Accept when the terms hold
// a dangerous setting that was not explicitly acknowledged.
var ErrDangerNotAcknowledged = errorf("a dangerous setting was not acknowledged")

// Terms is what a call or a manifest binds a member to, to be shown in
// words before the member commits (at enrolment and at the deal step).
type Terms struct {
	Kind        ceremony.Kind // ceremony.KindCall or ceremony.KindManifest
	ID          ceremony.ID   // the call ID, or the ceremony ID of a manifest
	Title       string
	Members     uint64 // n
	Threshold   uint64 // t
	PostQuantum bool
	Close       time.Time
	// List holds the enrolled members, in order, with their card
	// fingerprints (a manifest only; empty for a call).
	List    []ceremony.MemberInfo
	Dangers []Danger
}

// ReadTerms checks a call or a manifest and describes what it binds a
// member to, at time now (for the dangers of the close of poll).
func ReadTerms(in *ceremony.Envelope, now time.Time) (*Terms, error) {
	var call ceremony.Call
	t := &Terms{Kind: in.Kind}
	switch in.Kind {
	case ceremony.KindCall:
		st := ceremony.NewState()
		if _, err := st.Add(in); err != nil {
			return nil, err
		}
		call, t.ID = st.Call, st.CallID
	case ceremony.KindManifest:
		var err error
		if call, _, t.List, t.ID, err = ceremony.ParseManifest(in); err != nil {
			return nil, err
		}
	default:
		return nil, errorf("a %s message binds a member to nothing new: only a call and a manifest are confirmed", in.Kind)
	}
	t.Title, t.Members, t.Threshold, t.PostQuantum = call.Title, call.Members, call.Threshold, call.PostQuantum
	t.Close = time.Unix(call.Close, 0)
	t.Dangers = Dangers(t.Members, t.Threshold, t.Close, now)
	return t, nil
}

// Acceptance is a member's confirmation of the terms of one call or
// manifest. Only Terms.Accept makes one; Enrol and Member.Confirm refuse
// an acceptance of other terms than the message they are given.
type Acceptance struct {
	kind ceremony.Kind
	id   ceremony.ID
}

// Accept records that the member saw these terms and confirmed them;
// acknowledged says that the member explicitly acknowledged the dangerous
// settings, which is required when there are any.
func (t *Terms) Accept(acknowledged bool) (Acceptance, error) {
	if len(t.Dangers) > 0 && !acknowledged {
		return Acceptance{}, causef("%w: %s", ErrDangerNotAcknowledged, t.Dangers[0])
	}
	return Acceptance{kind: t.Kind, id: t.ID}, nil
}

// Confirm records in the sealed keystore that the member confirmed the
// terms and member list of a manifest (acc, from Terms.Accept). Step then
// deals for that manifest and refuses any other (docs/protocol.md §9).
func (m *Member) Confirm(acc Acceptance) error {
	if acc.kind != ceremony.KindManifest || acc.id.IsZero() {
		return causef("%w: confirm the manifest shown at the deal step", ErrNotConfirmed)
	}
	return m.withSecrets(func(sec *ceremony.Secrets) (bool, error) {
		// Once dealt, the member is bound to that manifest: confirming
		// another one would bind it to nothing and make the keystore
		// refuse its own ceremony's manifest.
		if len(sec.Ceremony) > 0 && string(sec.Ceremony) != string(acc.id[:]) {
			return false, causef("%w: you already dealt in ceremony %s, and this manifest is another (%s): the coordinator changed the manifest; do not go on, and tell the other members", ErrNotConfirmed, sec.CeremonyID().Fingerprint(), acc.id.Fingerprint())
		}
		sec.Confirmed = acc.id[:]
		return true, nil
	})
}

// checkConfirmed refuses a manifest that is not the one the member
// confirmed.
func checkConfirmed(sec *ceremony.Secrets, in *ceremony.Envelope) error {
	if in.Kind != ceremony.KindManifest {
		return nil
	}
	_, _, _, id, err := ceremony.ParseManifest(in)
	if err != nil {
		return err
	}
	if len(sec.Confirmed) == 0 {
		return causef("%w: the manifest %s (its title, threshold, close of poll and member list) must be shown to you and confirmed before you deal", ErrNotConfirmed, id.Fingerprint())
	}
	if string(sec.Confirmed) != string(id[:]) {
		return causef("%w: this manifest (%s) is not the one you confirmed (%s): do not go on, and tell the other members", ErrNotConfirmed, id.Fingerprint(), ceremony.Fingerprint(sec.Confirmed))
	}
	return nil
}

// Minutes returns the fingerprints a member writes in the minutes once its
// part of the key ceremony is done: the ceremony's and the election key's
// (ok is false before the member confirmed).
func (m *Member) Minutes() (ceremonyFP, electionKeyFP string, ok bool, err error) {
	err = m.withSecrets(func(sec *ceremony.Secrets) (bool, error) {
		if len(sec.ElectionKey) > 0 {
			ceremonyFP, electionKeyFP, ok = sec.CeremonyID().Fingerprint(), ceremony.Fingerprint(sec.ElectionKey), true
		}
		return false, nil
	})
	return
}
