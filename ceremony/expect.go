package ceremony

import (
	"strings"
	"unicode"
)

// ErrBadFingerprint is returned by ParseFingerprint for text that is not a
// fingerprint (docs/protocol.md §2.4).
var ErrBadFingerprint = errorf("this is not a fingerprint")

// ErrUnexpectedCeremony is returned by ElectionKey.Expect when the key file
// is of another ceremony than the one written in the minutes
// (docs/protocol.md §5.9).
var ErrUnexpectedCeremony = errorf("this election key is not of the ceremony written in the minutes")

// ErrUnexpectedKey is returned by ElectionKey.ExpectKey when the key file
// states another election key than the one written in the minutes
// (docs/protocol.md §5.9).
var ErrUnexpectedKey = errorf("this election key is not the one written in the minutes")

// ParseFingerprint reads a fingerprint as people type it and returns its
// canonical form (docs/protocol.md §2.4): case, spaces and dashes are
// ignored, and Crockford's look-alikes are read as the digits they resemble
// (O as 0; I and L as 1). Exactly 16 characters must remain.
func ParseFingerprint(s string) (string, error) {
	var b strings.Builder
	for _, r := range s {
		if 'a' <= r && r <= 'z' {
			r -= 'a' - 'A' // ASCII only: ı and ſ upper-case to I and S
		}
		switch {
		case unicode.IsSpace(r) || r == '-' || r == '_' || r == '.' || r == '\u2010' || r == '\u2011' || r == '\u2013' || r == '\u2212':
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		}
		if r > 127 || !strings.ContainsRune(crockford, r) {
			return "", causef("%w: %q holds %q, which is not one of the characters of a fingerprint (0-9 and A-Z without I, L, O, U)", ErrBadFingerprint, s, r)
		}
		b.WriteRune(r)
	}
	c := b.String()
	if len(c) != 16 {
		return "", causef("%w: %q has %d characters, a fingerprint has 16 (four groups of four, e.g. 7KQ2-M9XD-4RTA-W0BZ)", ErrBadFingerprint, s, len(c))
	}
	return c[0:4] + "-" + c[4:8] + "-" + c[8:12] + "-" + c[12:16], nil
}

// Expect checks that the election key file k is the one of the ceremony
// whose fingerprint the members read aloud and wrote in the minutes
// (expected, as typed: see ParseFingerprint). A key file is checkable on its
// own (ParseElectionKey), but so is one a coordinator made alone with
// puppet members under the same title and names: only this comparison with
// what the real members saw tells them apart (docs/protocol.md §5.9,
// docs/threat-model.md).
func (k *ElectionKey) Expect(expected string) error {
	want, err := ParseFingerprint(expected)
	if err != nil {
		return err
	}
	got := k.Ceremony.Fingerprint()
	if got != want {
		return causef("%w: the file is of ceremony %s, the minutes say %s; compare the ceremony fingerprint the members read aloud and wrote in the minutes with the one printed here, and do not encrypt any ballot under this key", ErrUnexpectedCeremony, got, want)
	}
	return nil
}

// ExpectKey checks that the election key file k states the election key
// whose fingerprint the members read on their screens at the end of the
// ceremony and wrote in the minutes (expected, as typed: see
// ParseFingerprint). The ceremony fingerprint (Expect) fixes the manifest,
// not the key: a coordinator who shows each of two groups of at least t
// members only the deals of its own group, going on without the others,
// gets two valid key files of the same ceremony fingerprint with different
// keys, each signed by real members. Only the election key fingerprint of
// the minutes tells them apart (docs/protocol.md §5.9,
// docs/threat-model.md §2.13).
func (k *ElectionKey) ExpectKey(expected string) error {
	want, err := ParseFingerprint(expected)
	if err != nil {
		return err
	}
	if k.Fingerprint != want {
		return causef("%w: the file states election key %s, the minutes say %s; compare the election key fingerprint the members read at the end of the ceremony and wrote in the minutes with the one printed here, and do not encrypt any ballot under this key", ErrUnexpectedKey, k.Fingerprint, want)
	}
	return nil
}
