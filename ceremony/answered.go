package ceremony

import "bytes"

// MaxAnswered bounds the log of answered requests kept in a keystore: far
// more than any election needs, and a keystore stays small.
const MaxAnswered = 1000

// AnsweredRequest is one entry of a member's log of answered requests
// (docs/protocol.md §9): what was decrypted, so that a member asked again
// sees what it already answered before it answers anything.
type AnsweredRequest struct {
	_           struct{} `cbor:",toarray"`
	Request     []byte   // the request's message ID
	Ciphertexts []byte   // the ciphertexts hash (§7.2)
	Label       string
	Kind        string
	Count       uint64 // N, the number of ciphertexts decrypted
	Ballots     uint64 // for a tally, the number of ballots it states it sums (its bound); else 0
	At          int64  // when it was answered, Unix seconds
}

// RequestID returns the ID of the request answered.
func (a AnsweredRequest) RequestID() ID {
	var id ID
	copy(id[:], a.Request)
	return id
}

// CiphertextsID returns the ciphertexts hash of the request answered.
func (a AnsweredRequest) CiphertextsID() ID {
	var id ID
	copy(id[:], a.Ciphertexts)
	return id
}

// LogAnswer adds the request sum to the log of answered requests, at time
// at (Unix seconds). The oldest entries go once MaxAnswered is reached.
func (sec *Secrets) LogAnswer(sum RequestSummary, at int64) {
	a := AnsweredRequest{Request: bytes.Clone(sum.ID[:]), Ciphertexts: bytes.Clone(sum.Hash[:]), Label: sum.Label,
		Kind: sum.Kind, Count: uint64(sum.Ciphertexts), At: at}
	if sum.Kind == RequestTally {
		a.Ballots = sum.Bound
	}
	sec.Answered = append(sec.Answered, a)
	if len(sec.Answered) > MaxAnswered {
		sec.Answered = sec.Answered[len(sec.Answered)-MaxAnswered:]
	}
}
