package ceremony

import (
	"bytes"
	"sort"
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
//
// A file read in chunks (Source) that no longer reads as it did, or cannot
// be read, is not left out: RecordID fails (ErrMessageChanged,
// ErrMessageUnreadable), rather than give the hash of another record than
// the one that was checked.
func RecordID(files []RecordFile) (ID, int, error) {
	seen := map[ID]bool{}
	var ids []ID
	for _, f := range files {
		e, err := f.Message()
		if fileFault(err) {
			return ID{}, 0, causef("%w (%v)", err, f.Name)
		}
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
	return t.id(), len(ids), nil
}
