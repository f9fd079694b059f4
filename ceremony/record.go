package ceremony

import (
	"bytes"
	"errors"
	"sort"
	"strings"
	"unicode"
)

// tagRecord is the domain tag of the record hash (docs/protocol.md §2.5).
const tagRecord = tagPrefix + "record"

// RecordID returns the record hash of a set of record files and the number
// of messages it covers: the hash of the message IDs of every file that
// parses as an envelope, bundles and election key files excepted (they are
// not part of the record, §8.1), each ID once, in ascending byte order
// (docs/protocol.md §8.5). File names and the order of the files do not
// matter; a file that does not parse is not a message and is left out.
// Its fingerprint is what the minutes print and 'conclave verify' shows.
func RecordID(files []RecordFile) (ID, int) {
	seen := map[ID]bool{}
	var ids []ID
	for _, f := range files {
		e, err := ParseEnvelope(f.Data)
		if err != nil || e.Kind == KindBundle || e.Kind == KindElectionKey {
			continue
		}
		id := e.ID()
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(a, b int) bool { return bytes.Compare(ids[a][:], ids[b][:]) < 0 })
	t := newTranscript(tagRecord).uint(uint64(len(ids)))
	for _, id := range ids {
		t.bytes(id[:])
	}
	return t.id(), len(ids)
}

// ErrFingerprintSyntax is returned by ParseFingerprint for text that is not
// a fingerprint.
var ErrFingerprintSyntax = errors.New("ceremony: a fingerprint is 16 characters of Crockford's base 32 (0-9 and A-Z without I, L, O, U), written in four groups of four such as 7KQ2-M9XD-4RTA-W0BZ")

// ParseFingerprint reads a fingerprint as people type it: in any case, with
// or without spaces and dashes, and with Crockford's aliases (O for 0, I and
// L for 1). It returns the canonical form (docs/protocol.md §2.4).
func ParseFingerprint(s string) (string, error) {
	var out strings.Builder
	n := 0
	for _, r := range strings.ToUpper(s) {
		switch {
		case unicode.IsSpace(r) || r == '-' || r == '\u2010' || r == '\u2011' || r == '\u2013' || r == '\u2212':
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		}
		if r > 127 || !strings.ContainsRune(crockford, r) {
			return "", ErrFingerprintSyntax
		}
		if n > 0 && n%4 == 0 {
			out.WriteByte('-')
		}
		out.WriteRune(r)
		n++
	}
	if n != 16 {
		return "", ErrFingerprintSyntax
	}
	return out.String(), nil
}
