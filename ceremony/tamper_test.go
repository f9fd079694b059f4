package ceremony

import (
	"testing"
	"time"
)

// TestEveryByteOfTheRecord changes every single byte of every message of a
// small but complete record (a ceremony, a tally, two answers and the
// result), one at a time, and checks that verification then fails with a
// failed check (docs/protocol.md §8).
func TestEveryByteOfTheRecord(t *testing.T) {
	if testing.Short() {
		t.Skip("exhaustive; run without -short")
	}
	h := newHarness(t, 2, 2, false)
	h.runToComplete()
	y := electionKey(t, h.board)
	cts := tally(t, y, []uint64{1, 2, 2}, 2)
	h.decrypt(cts, RequestTally, 2, 3, []uint64{1, 2})
	var files []RecordFile
	for _, e := range h.board.Messages() {
		files = append(files, RecordFile{Name: string(e.Kind), Data: e.Bytes()})
	}
	if r := Verify(files); !r.OK() {
		t.Fatal("the record does not verify to begin with")
	}
	start := time.Now()
	total := 0
	for i := range files {
		orig := files[i].Data
		for pos := range orig {
			for _, mask := range []byte{0x01, 0x80} {
				changed := append([]byte(nil), orig...)
				changed[pos] ^= mask
				files[i].Data = changed
				r := Verify(files)
				if r.OK() {
					t.Fatalf("changing byte %d of the %s (mask %02x) went unnoticed", pos, files[i].Name, mask)
				}
				total++
			}
		}
		files[i].Data = orig
	}
	t.Logf("%d single-byte changes over %d messages, every one refused, in %v", total, len(files), time.Since(start))
}
