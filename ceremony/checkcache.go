package ceremony

// CheckCache remembers the costly checks of the decryption phase that
// passed: a request's ciphertexts, an answer's proof of correct decryption
// and a result's recomputation (docs/protocol.md §7.5). Each is remembered
// under a key that hashes the message ID and everything else the check
// depended on, so a changed message, or an answer checked against another
// verification key, is checked again.
//
// What it holds is public and a claim only: a State given a cache trusts
// it, so only a program that keeps the cache for itself (the coordinator's
// board) may use one; ceremony.Verify, the auditor's check, never does.
type CheckCache interface {
	Passed(key ID) bool
	Remember(key ID)
}

// checkVersion changes whenever what a remembered check covers changes,
// so that older entries no longer match.
const checkVersion = 1

const tagChecked = tagPrefix + "checked"

func checkKey(what string, parts ...[]byte) ID {
	t := newTranscript(tagChecked).uint(checkVersion).bytes([]byte(what))
	for _, p := range parts {
		t.bytes(p)
	}
	return t.id()
}

func (s *State) checkPassed(key ID) bool { return s.Checks != nil && s.Checks.Passed(key) }

func (s *State) rememberCheck(key ID) {
	if s.Checks != nil {
		s.Checks.Remember(key)
	}
}
