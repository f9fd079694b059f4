package ceremony

// The bodies of the messages (docs/protocol.md §5). Each is encoded as a
// deterministic CBOR array, in the field order given here.

// Call opens a ceremony for enrolment: what the coordinator proposes. Its
// identifier, the call ID, is bound into every card.
type Call struct {
	_           struct{} `cbor:",toarray"`
	Title       string
	Members     uint64 // n, 1..64
	Threshold   uint64 // t, 1..n
	PostQuantum bool   // shares are sealed with HPKE MLKEM768X25519 instead of DHKEM(X25519)
	Close       int64  // the close of poll, Unix seconds (UTC); nothing decrypts before it
	Nonce       []byte // 16 random bytes, so that two calls never share an ID
}

// Card is a member's enrolment: its identity keys. The envelope carries the
// call ID and is signed with SigningKey, which is the proof of possession of
// that key (docs/protocol.md §5.3).
type Card struct {
	_             struct{} `cbor:",toarray"`
	Name          string
	SigningKey    []byte // Ed25519 public key, 32 bytes, not of small order
	KEM           uint64 // HPKE KEM identifier: 0x0020 DHKEM(X25519) or 0x647a MLKEM768X25519
	EncryptionKey []byte // HPKE public key (docs/protocol.md §6.2)
}

// Manifest fixes the ceremony: the call and the cards of the n members, in
// member order (ascending card message ID). The ceremony ID is the hash of
// this body.
type Manifest struct {
	_     struct{} `cbor:",toarray"`
	Call  []byte   // the call envelope
	Cards [][]byte // the card envelopes; member i is Cards[i-1]
}

// Deal is member i's contribution: Pedersen commitments
// E_ik = a_ik·G + b_ik·H, and the share pair f_i(j), f'_i(j) sealed to every
// other member j. Nothing in it says anything about a_i0 (docs/protocol.md
// §5.4, §6.2).
type Deal struct {
	_           struct{}      `cbor:",toarray"`
	Commitments [][]byte      // t encoded elements E_i0..E_i(t-1)
	Shares      []SealedShare // one per other member, by ascending index
}

// SealedShare is f_i(To) || f'_i(To) sealed with HPKE to member To's
// encryption key.
type SealedShare struct {
	_          struct{} `cbor:",toarray"`
	To         uint64
	Ciphertext []byte // HPKE enc || ciphertext of the two 32-byte scalars; exact size per KEM
}

// Complaints lists the dealers whose share failed to open or to match their
// commitments. An empty list says that every share was good.
type Complaints struct {
	_       struct{}    `cbor:",toarray"`
	Against []Complaint // ascending dealer index
}

// Complaint names a dealer and the reason.
type Complaint struct {
	_      struct{} `cbor:",toarray"`
	Dealer uint64
	Reason uint64 // ReasonUnopenable or ReasonMismatch
}

// Reasons for a complaint.
const (
	ReasonUnopenable = 1 // the sealed share does not open
	ReasonMismatch   = 2 // the share does not match the dealer's commitments
)

// Reveal answers complaints: the dealer publishes in clear the share pairs
// it sent to the members who complained (docs/protocol.md §5.6).
type Reveal struct {
	_      struct{}        `cbor:",toarray"`
	Shares []RevealedShare // ascending recipient index
}

// RevealedShare is f_i(To) and f'_i(To) in clear.
type RevealedShare struct {
	_        struct{} `cbor:",toarray"`
	To       uint64
	Share    []byte // f_i(To), canonical scalar
	Blinding []byte // f'_i(To), canonical scalar
}

// Open is a qualified dealer's Feldman values C_ik = a_ik·G, published once
// QUAL is fixed, with a proof that binds them to its Pedersen commitments:
// knowledge of a_ik, b_ik with C_ik = a_ik·G and E_ik − C_ik = b_ik·H for
// every k (docs/protocol.md §5.13, §6.6).
type Open struct {
	_           struct{} `cbor:",toarray"`
	Qual        []byte   // the QUAL hash (docs/protocol.md §6.5): the view under which QUAL was fixed
	Commitments [][]byte // t encoded elements C_i0..C_i(t-1)
	Proof       []byte   // 4t·32 bytes: R_0..R_(t-1), S_0..S_(t-1), z_0..z_(t-1), w_0..w_(t-1)
}

// Recover publishes, for each qualified dealer that did not open, the share
// pair the sender holds from it, so that the dealer's Feldman values are
// reconstructed instead of the dealer being dropped (docs/protocol.md §5.14,
// §6.6).
type Recover struct {
	_      struct{}         `cbor:",toarray"`
	Qual   []byte           // the QUAL hash, as in Open
	Shares []RecoveredShare // ascending dealer index, at least one
}

// RecoveredShare is f_Dealer(sender) and f'_Dealer(sender) in clear.
type RecoveredShare struct {
	_        struct{} `cbor:",toarray"`
	Dealer   uint64
	Share    []byte
	Blinding []byte
}

// Confirm is member j's view of the completed ceremony, signed: the
// transcript hash, the qualified dealers, those of them whose Feldman values
// were reconstructed, the election key, its own verification key and a proof
// that it knows the share behind it (docs/protocol.md §5.7).
type Confirm struct {
	_               struct{} `cbor:",toarray"`
	Transcript      []byte   // 32 bytes
	Qualified       []uint64 // ascending
	Recovered       []uint64 // ascending, a subset of Qualified
	ElectionKey     []byte   // Y
	VerificationKey []byte   // Y_j
	Proof           []byte   // Schnorr proof of knowledge of x_j
}

// Bundle is what the coordinator hands to every member for a step: every
// message of the ceremony so far. Members re-check all of it.
type Bundle struct {
	_        struct{} `cbor:",toarray"`
	Step     string   // StepVerify, StepReveal, StepOpen, StepRecover or StepConfirm
	Messages [][]byte // envelopes
}

// Steps announced by bundles.
const (
	StepVerify  = "verify"
	StepReveal  = "reveal"
	StepOpen    = "open"
	StepRecover = "recover"
	StepConfirm = "confirm"
)

// ElectionKeyFile is the published election key with the evidence behind
// it: the manifest and the confirmation of every qualified member that
// opened (docs/protocol.md §5.9).
type ElectionKeyFile struct {
	_             struct{} `cbor:",toarray"`
	ElectionKey   []byte
	Manifest      []byte   // the manifest envelope
	Confirmations [][]byte // confirm envelopes of Qualified minus Recovered, by ascending member index
}

// Request asks the members for partial decryptions of a batch of
// ciphertexts, after the close of poll stated in the manifest.
type Request struct {
	_           struct{} `cbor:",toarray"`
	Label       string
	Kind        string // RequestTally or RequestBallots
	Options     uint64 // number of options K
	Bound       uint64 // largest plaintext: the number of ballots for a tally, K for ballots
	Close       int64  // the close of poll of the manifest, Unix seconds, shown to members before they unlock
	Ciphertexts []byte // N ciphertexts, 64 bytes each: A || B
}

// Request kinds.
const (
	RequestTally   = "tally"   // one summed ciphertext per option; plaintexts are counts
	RequestBallots = "ballots" // one ciphertext per ballot; plaintexts are option numbers 1..K
)

// Answer is member j's partial decryption: D_k = x_j·A_k for every
// ciphertext, and one batched Chaum-Pedersen proof for the whole request.
type Answer struct {
	_       struct{} `cbor:",toarray"`
	Request []byte   // the request message ID
	Shares  []byte   // N encoded elements D_k, 32 bytes each
	Proof   []byte
}

// Result is the combined decryption.
type Result struct {
	_          struct{} `cbor:",toarray"`
	Request    []byte   // the request message ID
	Answers    [][]byte // the message IDs of the t answers combined, by ascending member index
	Plaintexts []uint64 // one per ciphertext
}
