package ur

import (
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// allocLimit is what decoding at most 4 KiB of text may allocate in all
// (docs/transfer.md §2.5).
const allocLimit = 8 << 20

// allocated returns the bytes allocated while f runs.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// decodeText feeds every line of text to a MultiDecoder and asks each
// message for its result, as the importer and 'qr decode' do.
func decodeText(text string) {
	var m MultiDecoder
	for _, line := range strings.Split(text, "\n") {
		_, _ = m.Receive(line)
	}
	for _, d := range m.Decoders() {
		_, _, _ = d.Result()
	}
}

// craftPart writes a part with any announced lengths, as an attacker would.
func craftPart(seqNum uint32, seqLen, messageLen int, checksum uint32, fragment []byte) string {
	p := &part{seqNum: seqNum, seqLen: seqLen, messageLen: messageLen, checksum: checksum, fragment: fragment}
	return "ur:conclave/" + strconv.FormatUint(uint64(seqNum), 10) + "-" + strconv.Itoa(seqLen) + "/" + BytewordsEncode(Minimal, p.cbor())
}

// The 72-byte text of issue 10 announced 2^30 fragments of one byte; the
// decoder allocated a table for all of them (24 GiB) and the process died.
func TestHugeAnnouncedPartsRefusedWithoutAllocating(t *testing.T) {
	const attack = "ur:conclave/1-1073741824/lpadcyfzaeaeaecyfzaeaeaecylkuocmlsfpksjnsedtia"
	d := NewDecoder()
	n := allocated(func() {
		if err := d.Receive(attack); err == nil {
			t.Error("a part announcing 2^30 fragments was accepted")
		}
	})
	if n > allocLimit {
		t.Errorf("decoding the 72-byte attack allocated %d bytes", n)
	}
	// Just above and at the limit, with lengths that agree with each other.
	for _, seqLen := range []int{MaxSeqLen + 1, 1 << 20} {
		s := craftPart(1, seqLen, seqLen, 7, []byte{1})
		if err := NewDecoder().Receive(s); err == nil {
			t.Errorf("a part of %d fragments was accepted", seqLen)
		}
	}
	if err := NewDecoder().Receive(craftPart(MaxSeqLen+5, MaxSeqLen, MaxSeqLen, 7, []byte{1})); err != nil {
		t.Errorf("a part of %d fragments was refused: %v", MaxSeqLen, err)
	}
	if err := NewDecoder().Receive(craftPart(1, 1, MaxFragmentLen+1, 7, make([]byte, MaxFragmentLen+1))); err == nil {
		t.Error("a fragment longer than MaxFragmentLen was accepted")
	}
}

// attackText is 4 KiB of the costliest parts: each announces the most
// fragments allowed and is a mixed part of a message of its own, so every
// line starts a decoder with its own degree sampler.
func attackText(distinct bool) string {
	var sb strings.Builder
	for k := uint32(0); ; k++ {
		sum := uint32(7)
		seqLen := MaxSeqLen
		if distinct {
			sum, seqLen = k, MaxSeqLen-int(k)
		}
		line := craftPart(uint32(MaxSeqLen)+1000+k, seqLen, seqLen, sum, []byte{byte(k)}) + "\n"
		if sb.Len()+len(line) > 4096 {
			return sb.String()
		}
		sb.WriteString(line)
	}
}

func TestDecodingFourKiBAllocatesLittle(t *testing.T) {
	for _, distinct := range []bool{false, true} {
		text := attackText(distinct)
		n := allocated(func() { decodeText(text) })
		t.Logf("%d bytes of text (%d parts, distinct messages %v) allocated %d bytes", len(text), strings.Count(text, "\n"), distinct, n)
		if n > allocLimit {
			t.Errorf("%d bytes of text allocated %d bytes (limit %d)", len(text), n, allocLimit)
		}
	}
}

// FuzzDecodeAllocation: decoding any text of at most 4 KiB (lines fed to a
// MultiDecoder, then every result asked for) allocates less than
// allocLimit in all.
func FuzzDecodeAllocation(f *testing.F) {
	f.Add("ur:conclave/1-1073741824/lpadcyfzaeaeaecyfzaeaeaecylkuocmlsfpksjnsedtia")
	f.Add(attackText(false))
	f.Add(attackText(true))
	e := NewEncoder(Type, randMessage(3, 900), 30)
	var parts []string
	for range 40 {
		parts = append(parts, e.NextPart())
	}
	f.Add(strings.Join(parts, "\n"))
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 4096 {
			return
		}
		if n := allocated(func() { decodeText(text) }); n > allocLimit {
			t.Fatalf("%d bytes of text allocated %d bytes", len(text), n)
		}
	})
}
