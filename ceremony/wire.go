package ceremony

import (
	"bytes"
	"crypto/ed25519"
	"unicode"
	"unicode/utf8"

	"github.com/fxamacker/cbor/v2"
)

// Version is the format version of every envelope this package writes and
// the only one it reads (docs/protocol.md §4).
const Version = 2

// Kind names what a message is (docs/protocol.md §4.2).
type Kind string

// The kinds of message, in the order a ceremony produces them.
const (
	KindCall        Kind = "call"         // coordinator: opens the enrolment
	KindCard        Kind = "card"         // member: identity keys
	KindManifest    Kind = "manifest"     // coordinator: the ceremony, fixed
	KindDeal        Kind = "deal"         // member: Pedersen commitments, sealed share pairs
	KindComplaints  Kind = "complaints"   // member: dealers whose share failed
	KindReveal      Kind = "reveal"       // member: shares revealed to answer complaints
	KindOpen        Kind = "open"         // member of QUAL: Feldman values with a proof binding them to the deal
	KindRecover     Kind = "recover"      // member: its shares of qualified dealers who did not open
	KindConfirm     Kind = "confirm"      // member: the transcript as it saw it
	KindBundle      Kind = "bundle"       // coordinator: what members need for a step
	KindElectionKey Kind = "election-key" // coordinator: the election public key, with its confirmations
	KindRequest     Kind = "request"      // coordinator: a decryption request
	KindAnswer      Kind = "answer"       // member: a partial decryption with its proof
	KindResult      Kind = "result"       // coordinator: the combined result
)

var knownKinds = map[Kind]bool{
	KindCall: true, KindCard: true, KindManifest: true, KindDeal: true,
	KindComplaints: true, KindReveal: true, KindOpen: true, KindRecover: true, KindConfirm: true, KindBundle: true,
	KindElectionKey: true, KindRequest: true, KindAnswer: true, KindResult: true,
}

// signedKinds are the kinds a member signs; the coordinator's messages are
// unsigned, since the coordinator is trusted for nothing but liveness and
// every member checks what it hands out (docs/protocol.md §4.3).
var signedKinds = map[Kind]bool{
	KindCard: true, KindDeal: true, KindComplaints: true, KindReveal: true,
	KindOpen: true, KindRecover: true, KindConfirm: true, KindAnswer: true,
}

// Envelope is the one container of every message: typed, versioned and, for
// members' messages, signed with the sender's Ed25519 key. Its deterministic
// CBOR encoding (RFC 8949 §4.2.1) is what is hashed, signed, written to files
// and carried in QR codes (docs/protocol.md §4.1).
type Envelope struct {
	_         struct{} `cbor:",toarray"`
	Version   uint64
	Kind      Kind
	Ceremony  []byte // the ceremony ID; the call ID for a card; empty for a call
	Sender    uint64 // the member index 1..n; 0 for the coordinator and for cards
	Body      []byte // the deterministic CBOR encoding of the kind's body
	Signature []byte // Ed25519 over signatureInput; empty when unsigned

	checked *checkedRequest // what Summarize checked of a request's body (cborview.go)
	spill   *spilled        // a request or answer whose large byte string stays in its file (spill.go)
}

var (
	encMode cbor.EncMode
	decMode cbor.DecMode
)

func init() {
	var err error
	opts := cbor.CoreDetEncOptions()
	opts.NilContainers = cbor.NilContainerAsEmpty // one encoding for an empty byte string or array
	encMode, err = opts.EncMode()
	if err != nil {
		panic(err)
	}
	decMode, err = cbor.DecOptions{
		DupMapKey:         cbor.DupMapKeyEnforcedAPF,
		IndefLength:       cbor.IndefLengthForbidden,
		TagsMd:            cbor.TagsForbidden,
		ExtraReturnErrors: cbor.ExtraDecErrorUnknownField,
		MaxNestedLevels:   8,
		MaxArrayElements:  MaxCiphertexts,
		MaxMapPairs:       1 << 10,
	}.DecMode()
	if err != nil {
		panic(err)
	}
}

func marshal(v any) []byte {
	// The arrays that carry large byte strings are encoded in one buffer
	// of the exact size (cborview.go); FuzzCBORView holds them to encMode.
	switch x := v.(type) {
	case *Envelope:
		return writeEnvelope(x)
	case *Request:
		return writeRequest(x)
	case *Answer:
		return writeAnswer(x)
	case *Result:
		return writeResult(x)
	}
	b, err := encMode.Marshal(v)
	if err != nil {
		panic("ceremony: internal error: cannot encode: " + err.Error())
	}
	return b
}

// unmarshalStrict decodes b into v and accepts it only if re-encoding v gives
// back exactly b: one value has one encoding (docs/protocol.md §4.1).
func unmarshalStrict(b []byte, v any) error {
	if err := decMode.Unmarshal(b, v); err != nil {
		return err
	}
	if !bytes.Equal(marshal(v), b) {
		return causef("not in deterministic CBOR encoding")
	}
	return nil
}

// Bytes returns the canonical encoding of e. For a message read by
// OpenMessage it reads the file whole, once more: write such a message
// with WriteTo instead. It panics if that file no longer reads as it did
// (Encoding returns an error).
func (e *Envelope) Bytes() []byte {
	b, err := e.Encoding()
	if err != nil {
		panic("ceremony: a message file changed or became unreadable while it was copied: " + err.Error())
	}
	return b
}

// Encoding is Bytes, with an error instead of a panic when e was read by
// OpenMessage and its file no longer reads as it did (ErrMessageChanged,
// ErrMessageUnreadable).
func (e *Envelope) Encoding() ([]byte, error) {
	if e.spill == nil {
		return marshal(e), nil
	}
	var b bytes.Buffer
	b.Grow(int(e.spill.size))
	if _, err := e.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ID returns the message's identifier: H("conclave/v1/message", encoding)
// (docs/protocol.md §2.3).
func (e *Envelope) ID() ID {
	if e.spill != nil {
		return e.spill.id
	}
	return envelopeID(e)
}

// signatureInput is what a member signs: the hash of every field of the
// envelope but the signature (docs/protocol.md §4.3).
func (e *Envelope) signatureInput() []byte {
	if e.spill != nil {
		return e.spill.sigInput
	}
	return newTranscript(tagSignature).uint(e.Version).bytes([]byte(e.Kind)).
		bytes(e.Ceremony).uint(e.Sender).bytes(e.Body).sum()
}

// Sign signs e with a member's key (docs/protocol.md §4.3).
func (e *Envelope) Sign(key ed25519.PrivateKey) { e.sign(key) }

func (e *Envelope) sign(key ed25519.PrivateKey) {
	e.Signature = ed25519.Sign(key, e.signatureInput())
}

func (e *Envelope) verifySignature(pub []byte) bool {
	return len(pub) == ed25519.PublicKeySize && len(e.Signature) == ed25519.SignatureSize &&
		ed25519.Verify(ed25519.PublicKey(pub), e.signatureInput(), e.Signature)
}

// ParseEnvelope decodes a message strictly: deterministic CBOR only, a known
// kind, version 2, identifiers and signatures of the right size. It does not
// check the signature or the body, which need the ceremony's context
// (docs/protocol.md §4.1).
//
// The envelope's byte strings are slices of b, not copies (a request of a
// million ciphertexts is held once): do not change b afterwards.
func ParseEnvelope(b []byte) (*Envelope, error) {
	if len(b) == 0 {
		return nil, errorf("the file is empty: it is not a Conclave message")
	}
	var e Envelope
	if err := viewEnvelope(b, &e); err != nil {
		return nil, errorf("this is not a Conclave message (%v): check that you picked the right file", err)
	}
	if err := checkEnvelope(&e); err != nil {
		return nil, err
	}
	return &e, nil
}

// checkEnvelope checks the fields of a decoded envelope as ParseEnvelope
// does (docs/protocol.md §4.1): version, kind, identifier and signature
// sizes; not the signature itself, nor the body.
func checkEnvelope(e *Envelope) error {
	if e.Version != Version {
		return errorf("message format version %d is not supported (this program reads version %d): use a matching version of Conclave", e.Version, Version)
	}
	if !knownKinds[e.Kind] {
		return errorf("unknown kind of message %q", string(e.Kind))
	}
	if e.Kind == KindCall {
		if len(e.Ceremony) != 0 {
			return errorf("a call must not name a ceremony")
		}
	} else if len(e.Ceremony) != len(ID{}) {
		return errorf("%s message has a ceremony identifier of %d bytes, want 32", e.Kind, len(e.Ceremony))
	}
	if signedKinds[e.Kind] {
		if len(e.Signature) != ed25519.SignatureSize {
			return errorf("%s message is not signed", e.Kind)
		}
		if e.Kind != KindCard && e.Sender == 0 {
			return errorf("%s message names member 0; members are numbered from 1", e.Kind)
		}
	} else {
		if len(e.Signature) != 0 {
			return errorf("%s message carries a signature but the coordinator does not sign", e.Kind)
		}
		if e.Sender != 0 {
			return errorf("%s message comes from the coordinator but names member %d", e.Kind, e.Sender)
		}
	}
	if e.Kind == KindCard && e.Sender != 0 {
		return errorf("a card must not name a member index: the manifest assigns them")
	}
	return nil
}

func (e *Envelope) ceremonyID() ID {
	var id ID
	copy(id[:], e.Ceremony)
	return id
}

// DecodeBody decodes the body of e strictly into v, a pointer to the body
// type of e.Kind (docs/protocol.md §5).
//
// A request's ciphertexts and an answer's fields are slices of the body,
// not copies.
func (e *Envelope) DecodeBody(v any) error {
	var err error
	if s := e.spill; s != nil {
		switch x := v.(type) {
		case *Request:
			if e.Kind == KindRequest {
				*x = s.request
				return nil
			}
		case *Answer:
			if e.Kind == KindAnswer {
				*x = s.answer
				return nil
			}
		}
		return errorf("the body of this %s message is malformed (%v)", e.Kind, causef("not of the expected type"))
	}
	switch x := v.(type) {
	case *Request:
		err = viewRequest(e.Body, x)
	case *Answer:
		err = viewAnswer(e.Body, x)
	case *Result:
		err = viewResult(e.Body, x)
	default:
		err = unmarshalStrict(e.Body, v)
	}
	if err != nil {
		return errorf("the body of this %s message is malformed (%v)", e.Kind, err)
	}
	return nil
}

// NewEnvelope wraps a body (one of the types of docs/protocol.md §5) in an
// unsigned envelope.
func NewEnvelope(kind Kind, ceremony []byte, sender uint64, body any) *Envelope {
	return newEnvelope(kind, ceremony, sender, body)
}

func newEnvelope(kind Kind, ceremony []byte, sender uint64, body any) *Envelope {
	return &Envelope{Version: Version, Kind: kind, Ceremony: ceremony, Sender: sender, Body: marshal(body)}
}

// checkName accepts a member name or ceremony title: 1 to max characters of
// valid UTF-8 without control characters.
func checkName(what, s string, max int) error {
	if s == "" {
		return errorf("the %s is empty", what)
	}
	if !utf8.ValidString(s) {
		return errorf("the %s is not valid text", what)
	}
	if utf8.RuneCountInString(s) > max {
		return errorf("the %s is longer than %d characters", what, max)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return errorf("the %s contains a control character", what)
		}
		// Format characters (bidirectional controls, zero-width
		// characters, the byte-order mark, tags...) and line or paragraph
		// separators would let text show otherwise than it reads: a name
		// that reverses the card fingerprint printed after it, two names
		// that look the same (docs/protocol.md §5.1).
		if unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) {
			return errorf("the %s contains an invisible or direction-changing character (U+%04X): type it again without it", what, r)
		}
	}
	return nil
}
