// Package ur implements Uniform Resources (BCR-2020-005) as Blockchain
// Commons' bc-ur and @ngraveio/bc-ur implement them: single-part
// "ur:type/<minimal bytewords>" and multipart, fountain-coded
// "ur:type/seqNum-seqLen/<minimal bytewords of CBOR [seqNum, seqLen,
// messageLen, checksum, fragment]>".
//
// The message is carried as the UR's CBOR payload byte for byte (Conclave
// messages are deterministic CBOR already). Output is upper case so that QR
// codes use the alphanumeric mode; input is read in any case.
package ur

import (
	"errors"
	"fmt"
	"hash/crc32"
	"strconv"
	"strings"
)

// Type is the UR type of Conclave messages.
const Type = "conclave"

func crc32IEEE(b []byte) uint32 { return crc32.ChecksumIEEE(b) }

// ValidType reports whether t is a UR type: one or more of a-z, 0-9 and '-'.
func ValidType(t string) bool {
	if t == "" {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// Encoder produces the parts of one message. Parts 1..SeqLen() carry the
// fragments in order; later parts are fountain-mixed, so a receiver that
// missed some parts only needs a few more of the endless sequence.
type Encoder struct {
	urType  string
	message []byte
	fe      *fountainEncoder
}

// NewEncoder prepares the parts of message under urType ("conclave" for our
// messages), with fragments of at most maxFragmentLen bytes (at least 10).
// It panics if urType is not a valid UR type or message is empty: both are
// programming errors.
func NewEncoder(urType string, message []byte, maxFragmentLen int) *Encoder {
	if !ValidType(urType) {
		panic(fmt.Sprintf("ur: invalid ur type %q: use lower-case letters, digits and '-'", urType))
	}
	if len(message) == 0 {
		panic("ur: empty message")
	}
	if len(message) > maxMessageLen || PartsNeeded(len(message), maxFragmentLen) > MaxSeqLen {
		panic("ur: message too long for its fragment length (check with PartsNeeded and MaxSeqLen)")
	}
	m := append([]byte(nil), message...)
	return &Encoder{urType: urType, message: m, fe: newFountainEncoder(m, maxFragmentLen, 0)}
}

// SeqLen is the number of fragments: the fewest parts that can rebuild the
// message. It is 1 when the message fits one part.
func (e *Encoder) SeqLen() int { return len(e.fe.frags) }

// SinglePart reports whether the message fits one (non-fountain) part.
func (e *Encoder) SinglePart() bool { return e.SeqLen() == 1 }

// SeqNum is the sequence number of the last part returned (0 before any).
func (e *Encoder) SeqNum() uint32 { return e.fe.seqNum }

// FragmentLen is the length of each fragment in bytes.
func (e *Encoder) FragmentLen() int { return e.fe.fragLen }

// NextPart returns the next part, in upper case. A single-part message
// returns the same text every time.
func (e *Encoder) NextPart() string {
	p := e.fe.nextPart()
	if e.SinglePart() {
		return EncodeSingle(e.urType, e.message)
	}
	return strings.ToUpper("ur:" + e.urType + "/" +
		strconv.FormatUint(uint64(p.seqNum), 10) + "-" + strconv.Itoa(p.seqLen) + "/" +
		BytewordsEncode(Minimal, p.cbor()))
}

// EncodeSingle returns message as one single-part UR, in upper case.
func EncodeSingle(urType string, message []byte) string {
	if !ValidType(urType) {
		panic(fmt.Sprintf("ur: invalid ur type %q: use lower-case letters, digits and '-'", urType))
	}
	return strings.ToUpper("ur:" + urType + "/" + BytewordsEncode(Minimal, message))
}

// Errors returned by the Decoder; test them with errors.Is. Their texts are
// complete sentences for the person scanning.
var (
	// ErrNotUR: the text is not a UR part at all (wrong scheme or shape).
	ErrNotUR = errors.New("ur: this is not a ur code")
	// ErrCorruptPart: the part is a UR but fails its own checks.
	ErrCorruptPart = errors.New("ur: this code is damaged")
	// ErrForeignPart: a valid part of a different message than the one being assembled.
	ErrForeignPart = errors.New("ur: this code belongs to another message")
	// ErrIncomplete: Result was asked before enough parts arrived.
	ErrIncomplete = errors.New("ur: the message is incomplete")
	// ErrChecksum: all fragments arrived but the whole does not match its checksum.
	ErrChecksum = errors.New("ur: the reassembled message does not match its checksum")
)

// parsed is one decoded UR text.
type parsed struct {
	urType string
	single []byte // single-part body
	part   *part  // multipart part
}

func notUR(reason string) error {
	return fmt.Errorf("%w (%s): scan a code made by Conclave, or paste its text exactly", ErrNotUR, reason)
}

func corrupt(reason string) error {
	return fmt.Errorf("%w (%s): scan it again, or ask for the code to be shown again", ErrCorruptPart, reason)
}

// parse checks one UR text on its own: scheme, type, sequence, bytewords
// checksum and, for multipart, the CBOR part and its agreement with the path.
func parse(s string) (*parsed, error) {
	s = strings.TrimSpace(s)
	if len(s) < 3 || !strings.EqualFold(s[:3], "ur:") {
		return nil, notUR("it does not start with \"ur:\"")
	}
	s = strings.ToLower(s[3:])
	comps := strings.Split(s, "/")
	if len(comps) < 2 || len(comps) > 3 {
		return nil, notUR("it does not have the form ur:type/... ")
	}
	t := comps[0]
	if !ValidType(t) {
		return nil, notUR(fmt.Sprintf("%q is not a ur type", truncateForError(t)))
	}
	if len(comps) == 2 {
		body, err := BytewordsDecode(Minimal, comps[1])
		if err != nil {
			return nil, corrupt(err.Error())
		}
		return &parsed{urType: t, single: body}, nil
	}
	seqNum, seqLen, err := parseSeq(comps[1])
	if err != nil {
		return nil, notUR(err.Error())
	}
	cb, err := BytewordsDecode(Minimal, comps[2])
	if err != nil {
		return nil, corrupt(err.Error())
	}
	p, err := parsePartCBOR(cb)
	if err != nil {
		return nil, corrupt("its content " + err.Error())
	}
	if p.seqNum != seqNum || p.seqLen != seqLen {
		return nil, corrupt(fmt.Sprintf("its label %d-%d disagrees with its content %d-%d", seqNum, seqLen, p.seqNum, p.seqLen))
	}
	return &parsed{urType: t, part: p}, nil
}

func parseSeq(s string) (uint32, int, error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return 0, 0, fmt.Errorf("%q is not a sequence like 12-40", truncateForError(s))
	}
	n, err1 := parseDecimal(a)
	l, err2 := parseDecimal(b)
	if err1 != nil || err2 != nil || n < 1 || l < 1 {
		return 0, 0, fmt.Errorf("%q is not a sequence like 12-40", truncateForError(s))
	}
	if l > MaxSeqLen {
		return 0, 0, fmt.Errorf("%q announces more than %d parts", truncateForError(s), MaxSeqLen)
	}
	return uint32(n), int(l), nil
}

func parseDecimal(s string) (uint64, error) {
	if s == "" || len(s) > 10 {
		return 0, errors.New("bad number")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, errors.New("bad number")
		}
	}
	return strconv.ParseUint(s, 10, 32)
}

// Decode decodes a single-part UR (any case). For multipart use a Decoder.
func Decode(s string) (urType string, message []byte, err error) {
	p, err := parse(s)
	if err != nil {
		return "", nil, err
	}
	if p.part != nil {
		return "", nil, fmt.Errorf("%w: this code is part %d of %d of a longer message: scan all its parts", ErrIncomplete, p.part.seqNum, p.part.seqLen)
	}
	return p.urType, p.single, nil
}

// Decoder reassembles one message from its parts, received in any order,
// with duplicates and losses. Each part is checked on its own (bytewords
// CRC-32, CBOR shape) and against the first accepted part (type, sequence
// length, message length and checksum); the whole is checked against its
// CRC-32. A Decoder is not safe for concurrent use.
type Decoder struct {
	urType string
	fd     *fountainDecoder
	result []byte
	err    error
}

// NewDecoder returns an empty decoder.
func NewDecoder() *Decoder { return &Decoder{} }

// Reset forgets everything received.
func (d *Decoder) Reset() { *d = Decoder{} }

// Started reports whether a part has been accepted.
func (d *Decoder) Started() bool { return d.urType != "" }

// Done reports whether the message was rebuilt and checked (Result then
// returns it), or failed its final check (Result then returns the error).
func (d *Decoder) Done() bool { return d.result != nil || d.err != nil }

// Progress returns how many of the message's fragments are recovered and how
// many there are in all ("37 of 52 parts"); (0, 0) before the first part.
func (d *Decoder) Progress() (have, need int) {
	switch {
	case d.fd != nil:
		return d.fd.have, d.fd.seqLen
	case d.result != nil:
		return 1, 1
	}
	return 0, 0
}

// Missing returns the 1-based numbers of the parts whose fragment is still
// unknown (fountain parts may still supply them).
func (d *Decoder) Missing() []int {
	if d.fd == nil || d.Done() {
		return nil
	}
	m := d.fd.missing()
	for i := range m {
		m[i]++
	}
	return m
}

func describe(urType string, messageLen, seqLen int, checksum uint32) string {
	parts := "1 part"
	if seqLen != 1 {
		parts = fmt.Sprintf("%d parts", seqLen)
	}
	return fmt.Sprintf("a %q message of %d bytes in %s, checksum %08x", urType, messageLen, parts, checksum)
}

func (d *Decoder) expected() string {
	if d.fd != nil {
		return describe(d.urType, d.fd.messageLen, d.fd.seqLen, d.fd.checksum)
	}
	return describe(d.urType, len(d.result), 1, crc32IEEE(d.result))
}

func (d *Decoder) foreign(got string) error {
	return fmt.Errorf("%w: it is part of %s, but this scan is assembling %s; show only the codes of one message, or start a new scan", ErrForeignPart, got, d.expected())
}

// Receive takes one scanned or pasted UR part (any case, surrounding space
// ignored). It returns nil when the part was accepted or was a harmless
// duplicate; otherwise an error saying why the part was refused, and the
// decoder's state is unchanged. Parts of the same message received after
// Done are ignored.
func (d *Decoder) Receive(s string) error {
	p, err := parse(s)
	if err != nil {
		return err
	}
	if d.err != nil {
		return d.err
	}
	if p.single != nil {
		got := describe(p.urType, len(p.single), 1, crc32IEEE(p.single))
		switch {
		case !d.Started():
			d.urType, d.result = p.urType, p.single
			return nil
		case p.urType != d.urType:
			return d.foreign(got)
		case d.fd != nil && len(p.single) == d.fd.messageLen && crc32IEEE(p.single) == d.fd.checksum:
			// The same message shown whole: take it.
			if d.result == nil {
				d.result, d.fd = p.single, nil
			}
			return nil
		case d.fd == nil && string(p.single) == string(d.result):
			return nil
		}
		return d.foreign(got)
	}
	q := p.part
	got := describe(p.urType, q.messageLen, q.seqLen, q.checksum)
	if !d.Started() {
		d.urType = p.urType
		d.fd = newFountainDecoder(q)
	} else if p.urType != d.urType || d.fd == nil ||
		q.seqLen != d.fd.seqLen || q.messageLen != d.fd.messageLen ||
		q.checksum != d.fd.checksum || len(q.fragment) != d.fd.fragLen {
		if d.fd == nil && d.result != nil && p.urType == d.urType &&
			q.messageLen == len(d.result) && q.checksum == crc32IEEE(d.result) {
			return nil // a part of the message we already hold whole
		}
		return d.foreign(got)
	}
	if d.result != nil {
		return nil
	}
	d.fd.receive(q)
	switch {
	case d.fd.result != nil:
		d.result = d.fd.result
	case d.fd.failed:
		d.err = fmt.Errorf("%w (%s): a part was altered or mixed in from another sender; start the scan again", ErrChecksum, d.expected())
		return d.err
	}
	return nil
}

// Result returns the UR type and the message once Done; before that, an
// error that says how far the scan is and what is missing.
func (d *Decoder) Result() (urType string, message []byte, err error) {
	switch {
	case d.err != nil:
		return "", nil, d.err
	case d.result != nil:
		return d.urType, append([]byte(nil), d.result...), nil
	case !d.Started():
		return "", nil, fmt.Errorf("%w: no code has been read yet; show the first code to the camera, or paste its text", ErrIncomplete)
	}
	have, need := d.Progress()
	return "", nil, fmt.Errorf("%w: %d of %d parts recovered, missing %s; keep scanning the animated code (it repeats with new combined parts) or add the missing parts", ErrIncomplete, have, need, listParts(oneBased(d.fd.missingFirst(10)), need-have))
}

func oneBased(m []int) []int {
	for i := range m {
		m[i]++
	}
	return m
}

// listParts names the first missing parts (1-based m, at most show of
// them) out of total missing.
func listParts(m []int, total int) string {
	const show = 10
	var sb strings.Builder
	if total == 1 {
		sb.WriteString("part ")
	} else {
		sb.WriteString("parts ")
	}
	for i, n := range m {
		if i == show {
			break
		}
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(strconv.Itoa(n))
	}
	if total > len(m) && len(m) >= show {
		fmt.Fprintf(&sb, " and %d more", total-len(m))
	}
	return sb.String()
}
