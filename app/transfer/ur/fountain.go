package ur

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Fountain coding (BCR-2020-005 multipart, as in bc-ur): the message is cut
// into seqLen fragments of equal length (the last one zero-padded). Parts 1 to
// seqLen carry the fragments in order; each later part carries the XOR of a
// pseudo-random subset of fragments chosen from its sequence number and the
// message checksum, so any sufficiently large set of parts, in any order,
// rebuilds the message.

const minFragmentLen = 10

// nominalFragmentLen is bc-ur's find_nominal_fragment_length: the smallest
// fragment count whose (rounded-up) fragment length fits maxLen.
func nominalFragmentLen(messageLen, minLen, maxLen int) int {
	maxCount := (messageLen + minLen - 1) / minLen
	fragLen := 0
	for count := 1; count <= maxCount; count++ {
		fragLen = (messageLen + count - 1) / count
		if fragLen <= maxLen {
			break
		}
	}
	return fragLen
}

func partitionMessage(message []byte, fragLen int) [][]byte {
	n := (len(message) + fragLen - 1) / fragLen
	frags := make([][]byte, n)
	for i := range frags {
		f := make([]byte, fragLen)
		copy(f, message[i*fragLen:])
		frags[i] = f
	}
	return frags
}

// degreeSampler chooses how many fragments a mixed part combines: degree d
// in 1..seqLen with probability proportional to 1/d.
func degreeSampler(seqLen int) *aliasSampler {
	w := make([]float64, seqLen)
	for i := range w {
		w[i] = 1 / float64(i+1)
	}
	return newAliasSamplerInPlace(w)
}

// chooser caches the degree sampler for one sequence length.
type chooser struct {
	seqLen   int
	checksum uint32
	sampler  *aliasSampler
}

// fragments returns the (0-based) fragment indexes mixed into part seqNum, in
// the order the reference's shuffle draws them.
func (c *chooser) fragments(seqNum uint32) []int {
	if int64(seqNum) <= int64(c.seqLen) {
		return []int{int(seqNum) - 1}
	}
	if c.sampler == nil {
		c.sampler = degreeSampler(c.seqLen)
	}
	var seed [8]byte
	binary.BigEndian.PutUint32(seed[0:], seqNum)
	binary.BigEndian.PutUint32(seed[4:], c.checksum)
	rng := newXoshiro(seed[:])
	degree := c.sampler.next(rng) + 1
	// The reference shuffles all indexes and keeps the first degree ones;
	// the first draws do not depend on the later ones, so stop early.
	remaining := make([]uint16, c.seqLen) // seqLen ≤ MaxSeqLen < 2^16
	for i := range remaining {
		remaining[i] = uint16(i)
	}
	out := make([]int, 0, degree)
	for len(out) < degree {
		k := rng.nextInt(0, len(remaining)-1)
		out = append(out, int(remaining[k]))
		remaining = append(remaining[:k], remaining[k+1:]...)
	}
	return out
}

// part is one fountain part: CBOR [seqNum, seqLen, messageLen, checksum, fragment].
type part struct {
	seqNum     uint32
	seqLen     int
	messageLen int
	checksum   uint32
	fragment   []byte
}

func appendCBORHead(b []byte, major byte, v uint64) []byte {
	m := major << 5
	switch {
	case v < 24:
		return append(b, m|byte(v))
	case v <= 0xff:
		return append(b, m|24, byte(v))
	case v <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, m|25), uint16(v))
	case v <= 0xffffffff:
		return binary.BigEndian.AppendUint32(append(b, m|26), uint32(v))
	default:
		return binary.BigEndian.AppendUint64(append(b, m|27), v)
	}
}

func (p *part) cbor() []byte {
	b := make([]byte, 0, 24+len(p.fragment))
	b = append(b, 0x85)
	b = appendCBORHead(b, 0, uint64(p.seqNum))
	b = appendCBORHead(b, 0, uint64(p.seqLen))
	b = appendCBORHead(b, 0, uint64(p.messageLen))
	b = appendCBORHead(b, 0, uint64(p.checksum))
	b = appendCBORHead(b, 2, uint64(len(p.fragment)))
	return append(b, p.fragment...)
}

// readCBORHead reads one CBOR head in shortest form (as every bc-ur encoder
// writes it) and returns major type, argument and the rest.
func readCBORHead(b []byte) (major byte, v uint64, rest []byte, err error) {
	if len(b) == 0 {
		return 0, 0, nil, errors.New("ends too early")
	}
	major, info := b[0]>>5, b[0]&0x1f
	b = b[1:]
	n := 0
	switch {
	case info < 24:
		return major, uint64(info), b, nil
	case info == 24:
		n = 1
	case info == 25:
		n = 2
	case info == 26:
		n = 4
	case info == 27:
		n = 8
	default:
		return 0, 0, nil, errors.New("uses an unsupported CBOR form")
	}
	if len(b) < n {
		return 0, 0, nil, errors.New("ends too early")
	}
	for _, c := range b[:n] {
		v = v<<8 | uint64(c)
	}
	var min uint64
	switch n {
	case 1:
		min = 24
	case 2:
		min = 0x100
	case 4:
		min = 0x10000
	case 8:
		min = 0x100000000
	}
	if v < min {
		return 0, 0, nil, errors.New("has a non-canonical CBOR integer")
	}
	return major, v, b[n:], nil
}

// Limits of a multipart UR (docs/transfer.md §2.5). Every length and count a
// part announces is checked against them before anything is allocated, so
// the decoder's memory grows with the parts it holds and never with what a
// part claims: a part announcing 2^30 fragments of one byte is refused.
const (
	// MaxMessageLen bounds a message carried by QR codes (the largest file
	// 'qr encode' reads).
	MaxMessageLen = 16 << 20
	// MaxSeqLen bounds the fragments of one message: 4096 frames are more
	// than 15 minutes of scanning at the densest setting.
	MaxSeqLen = 4096
	// MaxFragmentLen bounds one fragment: a version-40 QR code holds about
	// 2,100 bytes of UR text.
	MaxFragmentLen = 4096
)

// maxMessageLen is the historical name, kept for the encoder's check.
const maxMessageLen = MaxMessageLen

// PartsNeeded is the number of fragments (seqLen) a message of messageLen
// bytes is cut into with fragments of at most maxFragmentLen bytes.
func PartsNeeded(messageLen, maxFragmentLen int) int {
	if messageLen <= 0 {
		return 0
	}
	if maxFragmentLen < minFragmentLen {
		maxFragmentLen = minFragmentLen
	}
	fl := nominalFragmentLen(messageLen, minFragmentLen, maxFragmentLen)
	return (messageLen + fl - 1) / fl
}

func parsePartCBOR(b []byte) (*part, error) {
	major, n, rest, err := readCBORHead(b)
	if err != nil {
		return nil, err
	}
	if major != 4 || n != 5 {
		return nil, errors.New("is not a CBOR array of five items")
	}
	var nums [4]uint64
	for i := range nums {
		major, v, r, err := readCBORHead(rest)
		if err != nil {
			return nil, err
		}
		if major != 0 {
			return nil, fmt.Errorf("item %d is not an unsigned integer", i+1)
		}
		if v > 0xffffffff {
			return nil, fmt.Errorf("item %d is out of range", i+1)
		}
		nums[i] = v
		rest = r
	}
	major, flen, rest, err := readCBORHead(rest)
	if err != nil {
		return nil, err
	}
	if major != 2 {
		return nil, errors.New("item 5 is not a byte string")
	}
	if uint64(len(rest)) != flen {
		if uint64(len(rest)) < flen {
			return nil, errors.New("ends too early")
		}
		return nil, errors.New("has trailing bytes")
	}
	p := &part{
		seqNum:     uint32(nums[0]),
		seqLen:     int(nums[1]),
		messageLen: int(nums[2]),
		checksum:   uint32(nums[3]),
		fragment:   rest,
	}
	switch {
	case p.seqNum < 1:
		return nil, errors.New("has sequence number 0")
	case p.seqLen < 1:
		return nil, errors.New("has sequence length 0")
	case p.seqLen > MaxSeqLen:
		return nil, fmt.Errorf("announces %d parts, more than the %d a message may have", p.seqLen, MaxSeqLen)
	case p.messageLen < 1 || p.messageLen > MaxMessageLen:
		return nil, errors.New("has an impossible message length")
	case len(p.fragment) == 0:
		return nil, errors.New("has an empty fragment")
	case len(p.fragment) > MaxFragmentLen:
		return nil, errors.New("has a fragment longer than any QR code holds")
	case p.seqLen != (p.messageLen+len(p.fragment)-1)/len(p.fragment):
		// Every encoder cuts the message into ceil(len/fragLen) fragments.
		return nil, errors.New("has a sequence length that does not fit its message and fragment lengths")
	}
	return p, nil
}

// fountainEncoder produces parts 1, 2, 3, ... of one message.
type fountainEncoder struct {
	frags      [][]byte
	fragLen    int
	messageLen int
	checksum   uint32
	seqNum     uint32
	ch         chooser
}

func newFountainEncoder(message []byte, maxFragmentLen int, firstSeqNum uint32) *fountainEncoder {
	if maxFragmentLen < minFragmentLen {
		maxFragmentLen = minFragmentLen
	}
	fragLen := nominalFragmentLen(len(message), minFragmentLen, maxFragmentLen)
	frags := partitionMessage(message, fragLen)
	sum := crc32IEEE(message)
	return &fountainEncoder{
		frags:      frags,
		fragLen:    fragLen,
		messageLen: len(message),
		checksum:   sum,
		seqNum:     firstSeqNum,
		ch:         chooser{seqLen: len(frags), checksum: sum},
	}
}

func (e *fountainEncoder) nextPart() *part {
	e.seqNum++ // wraps at 2^32 as in the reference
	mixed := make([]byte, e.fragLen)
	for _, i := range e.ch.fragments(e.seqNum) {
		xorInto(mixed, e.frags[i])
	}
	return &part{
		seqNum:     e.seqNum,
		seqLen:     len(e.frags),
		messageLen: e.messageLen,
		checksum:   e.checksum,
		fragment:   mixed,
	}
}

func xorInto(dst, src []byte) {
	for i := range dst {
		dst[i] ^= src[i]
	}
}
