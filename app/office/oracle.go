package office

import (
	"bytes"

	"conclave/ceremony"
	"conclave/internal/safefile"
)

// ErrNotTheTally is returned by CheckTally when a request is not the sum of
// every ballot of the published ballots file.
var ErrNotTheTally = errorf("this request is not the tally of the published ballots")

// Answered returns the keystore's log of the decryption requests it
// answered, oldest first (docs/protocol.md §9). It is sealed with the
// share: the member sees it once the keystore is open, before the share is
// used for a new request.
func (m *Member) Answered() ([]ceremony.AnsweredRequest, error) {
	var log []ceremony.AnsweredRequest
	err := m.withSecrets(func(sec *ceremony.Secrets) (bool, error) {
		log = append(log, sec.Answered...)
		return false, nil
	})
	return log, err
}

// CheckTally recomputes the homomorphic sum of every ballot of the
// published ballots file and checks that the request req asks to decrypt
// exactly that: a tally of this ceremony, over the same options, stating
// the number of ballots of the file, whose ciphertexts are that sum. A
// request for fewer ballots (down to one, which would decrypt a vote) or
// for other ciphertexts is refused with ErrNotTheTally (docs/threat-model.md,
// "decryption oracle").
func CheckTally(req *ceremony.Envelope, ballots *Ballots) error {
	sum, err := ceremony.Summarize(req)
	if err != nil {
		return err
	}
	tally, err := checkTallySummary(sum, ballots)
	if err != nil {
		return err
	}
	var r ceremony.Request
	if err := req.DecodeBody(&r); err != nil {
		return err
	}
	if !bytes.Equal(tally.Data, r.Ciphertexts) {
		return notTheSum(sum, ballots, tally)
	}
	return nil
}

// CheckTallyRequest is CheckTally for a request as a member's program
// reads it (ReadRequest): one read in chunks is compared by the hash of
// its ciphertexts, which its first reading computed (docs/protocol.md §7.2).
func CheckTallyRequest(req *MemberRequest, ballots *Ballots) error {
	if req.Envelope != nil {
		return CheckTally(req.Envelope, ballots)
	}
	tally, err := checkTallySummary(req.Summary, ballots)
	if err != nil {
		return err
	}
	if ceremony.CiphertextsHash(tally.Data) != req.Summary.Hash {
		return notTheSum(req.Summary, ballots, tally)
	}
	return nil
}

// CheckTallyFile reads the published ballots file at path and checks the
// request against it (CheckTallyRequest), as `member decrypt --ballots`
// and the Decrypt screen do; it returns how many ballots the file holds.
func CheckTallyFile(req *MemberRequest, path string) (int, error) {
	data, err := safefile.Read(path, safefile.Ballots)
	if err != nil {
		return 0, err
	}
	b, err := ParseBallots(data)
	if err != nil {
		return 0, err
	}
	if err := CheckTallyRequest(req, b); err != nil {
		return 0, err
	}
	return len(b.Ballots), nil
}

func notTheSum(sum ceremony.RequestSummary, ballots *Ballots, tally *Ciphertexts) error {
	return causef("%w: its ciphertexts (%s) are not the sum of the %d published ballots (%s): do not decrypt", ErrNotTheTally,
		sum.Hash.Fingerprint(), len(ballots.Ballots), ceremony.CiphertextsHash(tally.Data).Fingerprint())
}

// checkTallySummary checks what CheckTally checks but the ciphertexts,
// and returns the sum of the ballots.
func checkTallySummary(sum ceremony.RequestSummary, ballots *Ballots) (*Ciphertexts, error) {
	if sum.Kind != ceremony.RequestTally {
		return nil, causef("%w: it asks to decrypt %d single ciphertexts (%q), not the sum of the ballots; a member who brings the ballots file decrypts only their tally", ErrNotTheTally, sum.Ciphertexts, sum.Kind)
	}
	if ballots.Ceremony != sum.Ceremony {
		return nil, causef("%w: the ballots file is of ceremony %s, the request of ceremony %s: bring the ballots file published for this election", ErrNotTheTally, ballots.Ceremony.Fingerprint(), sum.Ceremony.Fingerprint())
	}
	if ballots.Options != sum.Options {
		return nil, causef("%w: the ballots have %d options, the request %d", ErrNotTheTally, ballots.Options, sum.Options)
	}
	if sum.Bound != uint64(len(ballots.Ballots)) {
		return nil, causef("%w: it states that it sums %d ballots, but the published file holds %d: do not decrypt", ErrNotTheTally, sum.Bound, len(ballots.Ballots))
	}
	return ballots.Sum()
}
