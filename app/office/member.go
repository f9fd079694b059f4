package office

import (
	"crypto/rand"
	"os"
	"time"

	"conclave/ceremony"
	"conclave/keystore"
)

// Member is a member's keystore, open: the sealed file on the member's
// stick. Secrets are unsealed only inside each operation and wiped after.
type Member struct {
	store *keystore.Store
}

// Enrol answers a call: it makes the member's keys, seals them in a new
// keystore at path (which must not exist) and returns the card to hand in.
// acc is the member's confirmation of the call's terms (ReadTerms, then
// Terms.Accept); an acceptance of another call is refused.
func Enrol(path string, pass keystore.Passphrase, name string, call *ceremony.Envelope, acc Acceptance, kdf keystore.KDFParams) (*Member, *ceremony.Envelope, error) {
	if call.Kind != ceremony.KindCall {
		return nil, nil, errorf("to join a ceremony, start from the coordinator's call; this is a %s message", call.Kind)
	}
	if t, err := ReadTerms(call, time.Now()); err != nil {
		return nil, nil, err
	} else if acc.kind != ceremony.KindCall || acc.id != t.ID {
		return nil, nil, causef("%w: the call's title, threshold and close of poll must be shown to you and confirmed before you enrol", ErrNotConfirmed)
	}
	if _, err := os.Stat(path); err == nil {
		return nil, nil, errorf("%s already exists: a keystore is never overwritten; choose another file name", path)
	}
	sec, card, err := ceremony.Enrol(call, name, rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	defer sec.Wipe()
	data := sec.Marshal()
	defer clear(data)
	cid := sec.CallID()
	st, err := keystore.Create(path, pass, keystore.Header{Ceremony: cid[:], Name: name}, data, kdf)
	if err != nil {
		return nil, nil, err
	}
	return &Member{store: st}, card, nil
}

// OpenMember unlocks the keystore at path.
func OpenMember(path string, pass keystore.Passphrase) (*Member, error) {
	st, err := keystore.Open(path, pass)
	if err != nil {
		return nil, err
	}
	return &Member{store: st}, nil
}

// InspectMember reads a keystore's clear header without the passphrase.
func InspectMember(path string) (keystore.Header, error) { return keystore.Inspect(path) }

// Header returns the keystore's public header.
func (m *Member) Header() keystore.Header { return m.store.Header() }

// Store returns the underlying keystore (for backup and passphrase change).
func (m *Member) Store() *keystore.Store { return m.store }

// Close wipes the keystore's keys from memory.
func (m *Member) Close() { m.store.Destroy() }

// withSecrets unseals the secrets for fn; if fn reports a change, the new
// secrets are sealed back atomically.
func (m *Member) withSecrets(fn func(sec *ceremony.Secrets) (changed bool, err error)) error {
	var updated []byte
	var header keystore.Header
	err := m.store.Use(func(secret []byte) error {
		sec, err := ceremony.ParseSecrets(secret)
		if err != nil {
			return err
		}
		defer sec.Wipe()
		changed, err := fn(sec)
		if err != nil || !changed {
			return err
		}
		updated = sec.Marshal()
		header = m.store.Header()
		id := sec.CeremonyID()
		if id.IsZero() {
			id = sec.CallID()
		}
		header.Ceremony, header.Member, header.VerificationKey = id[:], int(sec.Index), sec.VerificationKey
		return nil
	})
	if err != nil || updated == nil {
		return err
	}
	defer clear(updated)
	return m.store.Save(header, updated)
}

// Step answers the coordinator's message for the current step (a call,
// the manifest or a bundle) and seals the member's new state. A manifest
// is answered (dealt) only if it is the one the member confirmed (Confirm).
func (m *Member) Step(in *ceremony.Envelope) (*ceremony.Outcome, error) {
	var out *ceremony.Outcome
	err := m.withSecrets(func(sec *ceremony.Secrets) (bool, error) {
		if err := checkConfirmed(sec, in); err != nil {
			return false, err
		}
		before := sec.Marshal()
		defer clear(before)
		var err error
		out, err = sec.StepCached(in, checked, rand.Reader)
		if err != nil {
			return false, err
		}
		after := sec.Marshal()
		defer clear(after)
		return string(before) != string(after), nil
	})
	return out, err
}

// Decrypt answers a decryption request at time now (checked against the
// close of poll of the manifest), and adds it to the keystore's log of
// answered requests (see Answered) before returning the answer.
//
// The request's ciphertexts are checked once, by the answer itself; here
// only its ceremony is compared with the keystore's, for the keystore's
// own refusal.
func (m *Member) Decrypt(req *ceremony.Envelope, now time.Time) (*ceremony.Envelope, error) {
	if err := m.checkRequestCeremony(req.Ceremony); err != nil {
		return nil, err
	}
	sum, err := ceremony.Summarize(req)
	if err != nil {
		return nil, err
	}
	return m.answerAndLog(sum, now, func(sec *ceremony.Secrets) (*ceremony.Envelope, error) {
		return sec.Answer(req, now.Unix(), rand.Reader)
	})
}

// checkRequestCeremony refuses a request for another ceremony than the
// keystore's, with the keystore's own refusal.
func (m *Member) checkRequestCeremony(id []byte) error {
	if err := m.store.Header().CheckCeremony(id); err != nil {
		return errorf("this request is for ceremony %s, not the one of this key: %w", ceremony.Fingerprint(id), err)
	}
	return nil
}

// answerAndLog makes the answer with the unlocked secrets and adds the
// request to the keystore's log of answered requests: the answer leaves
// only once the log that records it is sealed.
func (m *Member) answerAndLog(sum ceremony.RequestSummary, now time.Time, answer func(*ceremony.Secrets) (*ceremony.Envelope, error)) (*ceremony.Envelope, error) {
	var out *ceremony.Envelope
	err := m.withSecrets(func(sec *ceremony.Secrets) (bool, error) {
		var err error
		if out, err = answer(sec); err != nil {
			return false, err
		}
		sec.LogAnswer(sum, now.Unix())
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Check answers "do I still hold my key": it recomputes the verification
// key from the sealed share and compares it with the one in the public
// record (the board or record folder dir), or with the keystore's header
// when dir is empty.
func (m *Member) Check(dir string) (ceremony.Text, error) {
	h := m.store.Header()
	published := h.VerificationKey
	source := textf("the keystore's header")
	if dir != "" {
		b, err := OpenBoard(dir)
		if err != nil {
			return ceremony.Text{}, err
		}
		if !b.State.Complete() {
			return ceremony.Text{}, errorf("the record's key ceremony is not complete")
		}
		if err := h.CheckCeremony(b.State.ID[:]); err != nil {
			return ceremony.Text{}, err
		}
		qual, _ := b.State.Qualified()
		published = b.State.VerificationKey(qual, uint64(h.Member)).Bytes()
		source = textf("the public record in %s", dir)
	}
	err := m.withSecrets(func(sec *ceremony.Secrets) (bool, error) {
		return false, sec.CheckShare(published)
	})
	if err != nil {
		return ceremony.Text{}, err
	}
	return textf("you hold the share of member %d (%s): it matches the verification key %s in %s", h.Member, h.Name, ceremony.Fingerprint(published), source), nil
}
