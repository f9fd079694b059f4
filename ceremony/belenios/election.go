package belenios

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ErrNotHomomorphic is returned for an election with a question that is
// not a plain homomorphic one: a non-homomorphic question (counted by
// mix-net, its tally needs a shuffle by every trustee first) or a lists
// question. Conclave does not support them yet.
var ErrNotHomomorphic = errors.New("belenios: this election has a question that is not a plain homomorphic one (a mix-net question, which needs a shuffle before decryption, or a lists question), which Conclave does not support yet: decrypt it with belenios-tool or the Belenios web page")

// Question is a homomorphic question (spec §Questions, question_h).
type Question struct {
	Answers  []string `json:"answers"`
	Blank    *bool    `json:"blank,omitempty"`
	Min      int      `json:"min"`
	Max      int      `json:"max"`
	Question string   `json:"question"`
}

func (q *Question) blank() bool { return q.Blank != nil && *q.Blank }

// Election is election.json (spec §Elections), with its raw bytes: its
// fingerprint φ is the hash of exactly those bytes.
type Election struct {
	Version             int               `json:"version"`
	Description         string            `json:"description"`
	Name                string            `json:"name"`
	Group               string            `json:"group"`
	PublicKey           *Point            `json:"public_key"`
	RawQuestions        []json.RawMessage `json:"questions"`
	UUID                string            `json:"uuid"`
	Administrator       *string           `json:"administrator,omitempty"`
	CredentialAuthority *string           `json:"credential_authority,omitempty"`
	// Language is Belenios 3.2's optional ["lang","ltr"|"rtl"].
	Language json.RawMessage `json:"language,omitempty"`

	Questions []Question `json:"-"`
	Raw       []byte     `json:"-"`
}

// ParseElection reads election.json: version 1, group Ed25519, a Base58
// UUID, homomorphic questions with 0 ≤ min ≤ max ≤ number of answers.
func ParseElection(raw []byte) (*Election, error) {
	var e Election
	if err := decode(raw, &e, "election.json", false); err != nil {
		return nil, err
	}
	if e.Version != 1 {
		return nil, formatErr("election.json has version %d: only Belenios's version 1 (Belenios up to 3.3.0) is supported", e.Version)
	}
	if e.Group != GroupName {
		return nil, formatErr("the election's group is %q: only Ed25519 is supported", e.Group)
	}
	if e.PublicKey == nil || len(e.UUID) < 14 || strings.Trim(e.UUID, base58) != "" {
		return nil, formatErr("election.json has no public key or an invalid uuid")
	}
	if len(e.RawQuestions) == 0 {
		return nil, formatErr("election.json has no question")
	}
	for i, rq := range e.RawQuestions {
		var probe map[string]json.RawMessage
		if err := json.Unmarshal(rq, &probe); err != nil {
			return nil, formatErr("question %d is not an object", i+1)
		}
		if _, ok := probe["type"]; ok {
			return nil, fmt.Errorf("question %d: %w", i+1, ErrNotHomomorphic)
		}
		var q Question
		if err := decode(rq, &q, fmt.Sprintf("question %d", i+1), false); err != nil {
			return nil, err
		}
		if q.Min < 0 || q.Min > q.Max || q.Max > len(q.Answers) || len(q.Answers) == 0 || len(q.Answers) > 1000 {
			return nil, formatErr("question %d has min %d, max %d and %d answers", i+1, q.Min, q.Max, len(q.Answers))
		}
		e.Questions = append(e.Questions, q)
	}
	e.Raw = bytes.Clone(raw)
	return &e, nil
}

// Fingerprint is φ, the election's fingerprint: Base64 without padding of
// SHA-256 of election.json's bytes (spec §Elections, "varphi").
func (e *Election) Fingerprint() string { return sha256B64(e.Raw) }

func sha256B64(b []byte) string {
	d := sha256.Sum256(b)
	return base64.RawStdEncoding.EncodeToString(d[:])
}

// SHA256B64 is Belenios's sha256_b64 (no padding): the fingerprint it
// shows for an election, a ballot or an encrypted tally.
func SHA256B64(b []byte) string { return sha256B64(b) }

// ThresholdParameters are a threshold group of trustees (spec §Threshold
// parameters).
type ThresholdParameters struct {
	Threshold        int                `json:"threshold"`
	Certs            []*Cert            `json:"certs"`
	Coefexps         []SignedMsg        `json:"coefexps"`
	Signatures       []Proof            `json:"signatures,omitempty"`
	VerificationKeys []TrusteePublicKey `json:"verification_keys"`
}

// Trustee is one item of trustees.json: a Single key or a Pedersen
// (threshold) group.
type Trustee struct {
	Single   *TrusteePublicKey
	Pedersen *ThresholdParameters
}

// ParseTrustees reads trustees.json (spec §Trustees).
func ParseTrustees(raw []byte) ([]Trustee, error) {
	var items [][]json.RawMessage
	if err := decode(raw, &items, "trustees.json", false); err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, formatErr("trustees.json is empty")
	}
	var out []Trustee
	for i, it := range items {
		var kind string
		if len(it) != 2 || json.Unmarshal(it[0], &kind) != nil {
			return nil, formatErr("trustee %d is not [KIND, VALUE]", i+1)
		}
		switch kind {
		case "Single":
			var t TrusteePublicKey
			if err := decode(it[1], &t, "a trustee's public key", false); err != nil {
				return nil, err
			}
			out = append(out, Trustee{Single: &t})
		case "Pedersen":
			var t ThresholdParameters
			if err := decode(it[1], &t, "threshold parameters", false); err != nil {
				return nil, err
			}
			for _, c := range t.Certs {
				if c == nil {
					return nil, formatErr("trustee %d has a null certificate", i+1)
				}
			}
			out = append(out, Trustee{Pedersen: &t})
		default:
			return nil, formatErr("trustee kind %q is unknown", kind)
		}
	}
	return out, nil
}

// CheckTrustees verifies trustees.json (spec §Trustees, §Threshold
// parameters): every Single key's proof of knowledge; for each threshold
// group its certificates, signed commitments, their binding to the
// certificates, the verification keys (their proofs, their value computed
// from the commitments and, from Belenios 3.0, their signatures). It
// returns the election public key they make: the product of the Single
// keys and of every threshold group's constant commitments.
func CheckTrustees(ts []Trustee) (*Point, error) {
	y := One()
	for n, t := range ts {
		if t.Single != nil {
			if err := t.Single.Check(); err != nil {
				return nil, err
			}
			y = y.Mul(t.Single.PublicKey)
			continue
		}
		p := t.Pedersen
		th, err := CheckCerts(p.Certs)
		if err != nil {
			return nil, fmt.Errorf("trustee group %d: %w", n+1, err)
		}
		k := len(p.Certs)
		if th != p.Threshold || len(p.Coefexps) != k || len(p.VerificationKeys) != k || len(p.Signatures) != k {
			return nil, invalidErr("trustee group %d: the threshold, commitments, signatures and keys do not match its %d certificates", n+1, k)
		}
		A := make([][]*Point, k)
		for i := range p.Certs {
			if A[i], err = checkCoefexps(p.Certs, i, th, p.Coefexps[i], &p.Signatures[i], true); err != nil {
				return nil, fmt.Errorf("trustee group %d: %w", n+1, err)
			}
			y = y.Mul(A[i][0])
		}
		signed := p.VerificationKeys[0].Signature != nil
		for j, vk := range VerificationKeys(A) {
			tk := &p.VerificationKeys[j]
			if err := tk.Check(); err != nil {
				return nil, err
			}
			if !tk.PublicKey.Equal(vk) {
				return nil, invalidErr("trustee group %d: verification key %d is not the one its commitments give", n+1, j+1)
			}
			if (tk.Signature != nil) != signed {
				return nil, invalidErr("trustee group %d: some verification keys are signed and others not", n+1)
			}
			if signed && !verifySigned(p.Certs[j].Keys.Verification, SignedMsg{Message: vk.String(), Signature: *tk.Signature}) {
				return nil, invalidErr("trustee group %d: verification key %d's signature does not verify", n+1, j+1)
			}
		}
	}
	return y, nil
}

// Owner returns the 1-based owner index of public key X in trustees.json
// flattened (each Single counts one, each threshold group one per
// verification key), as the archive's owned_partial_decryption gives it.
func Owner(ts []Trustee, X *Point) (int, bool) {
	i := 0
	for _, t := range ts {
		if t.Single != nil {
			i++
			if t.Single.PublicKey.Equal(X) {
				return i, true
			}
			continue
		}
		for _, vk := range t.Pedersen.VerificationKeys {
			i++
			if vk.PublicKey.Equal(X) {
				return i, true
			}
		}
	}
	return 0, false
}

// Credential is a public credential with its weight.
type Credential struct {
	Key    *Point
	Weight int64
}

// MaxWeight is the largest weight a credential may have:
// 100000000000, Belenios's bound on the total weight of an election
// (max_expanded_weight in src/lib/core/common_types.ml), so no election
// its server accepts is refused. Weights may be 0 (spec §Weights: Belenios
// accepts any integer weight ≥ 0; a ballot of weight 0 is counted but
// adds nothing).
const MaxWeight = 100_000_000_000

// maxJSONIntWeight is the largest weight Belenios writes as a JSON number
// (max_int31 in src/lib/core/common_types.ml); above it, it writes a
// decimal string.
const maxJSONIntWeight = 1<<30 - 1

// Weight is a weight in a Belenios JSON message (the total_weight of the
// sized encrypted tally, spec §Encrypted tally). The specification says
// it is an integer, but Belenios writes a weight above 2^30−1 as a JSON
// string of its decimal form (json_of_weight in
// src/lib/core/common_types.ml): "total_weight":"2000000006". Weight reads
// both forms and writes the one Belenios writes, so the canonical check
// accepts exactly Belenios's spelling.
type Weight int64

// MarshalJSON writes w as Belenios does: a number up to 2^30−1, else a
// decimal string.
func (w Weight) MarshalJSON() ([]byte, error) {
	s := strconv.FormatInt(int64(w), 10)
	if w > maxJSONIntWeight {
		s = `"` + s + `"`
	}
	return []byte(s), nil
}

// UnmarshalJSON reads a weight: a JSON number or a string of decimal
// digits, in canonical form (no sign, no leading zero), at most
// 2^62 (a total of many credentials of MaxWeight).
func (w *Weight) UnmarshalJSON(b []byte) error {
	s := string(b)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > 1<<62 || strconv.FormatInt(n, 10) != s {
		return formatErr("a weight is a non-negative integer (a JSON number, or a string of decimal digits)")
	}
	*w = Weight(n)
	return nil
}

// ParseCredentials reads the public credentials: a JSON list of strings,
// each a point, optionally followed by a comma and an integer weight (spec
// §Credentials).
func ParseCredentials(raw []byte) (map[string]Credential, error) {
	var list []string
	if err := decode(raw, &list, "the public credentials", false); err != nil {
		return nil, err
	}
	out := make(map[string]Credential, len(list))
	for i, s := range list {
		k, w, hasW := strings.Cut(s, ",")
		c := Credential{Weight: 1}
		var err error
		if c.Key, err = ParsePoint(k); err != nil {
			return nil, fmt.Errorf("credential %d: %w", i+1, err)
		}
		if hasW {
			c.Weight, err = strconv.ParseInt(w, 10, 64)
			if err != nil || c.Weight < 0 || c.Weight > MaxWeight || strconv.FormatInt(c.Weight, 10) != w {
				return nil, formatErr("credential %d has weight %q: only integer weights from 0 to %d are supported", i+1, w, int64(MaxWeight))
			}
		}
		if _, dup := out[k]; dup {
			return nil, formatErr("credential %d appears twice", i+1)
		}
		out[k] = c
	}
	return out, nil
}

// Ciphertext is an ElGamal ciphertext (g^r, y^r·g^m).
type Ciphertext struct {
	Alpha *Point `json:"alpha"`
	Beta  *Point `json:"beta"`
}

func (c Ciphertext) mul(d Ciphertext) Ciphertext {
	return Ciphertext{Alpha: c.Alpha.Mul(d.Alpha), Beta: c.Beta.Mul(d.Beta)}
}

func (c Ciphertext) exp(n int64) Ciphertext {
	s := scalarFromInt(n)
	return Ciphertext{Alpha: c.Alpha.Exp(s), Beta: c.Beta.Exp(s)}
}

func neutral() Ciphertext { return Ciphertext{Alpha: One(), Beta: One()} }

// Answer is an encrypted answer to a homomorphic question (spec §Encrypted
// answers, answer_h).
type Answer struct {
	Choices          []Ciphertext `json:"choices"`
	IndividualProofs [][]Proof    `json:"individual_proofs"`
	OverallProof     []Proof      `json:"overall_proof"`
	BlankProof       []Proof      `json:"blank_proof,omitempty"`
}

// BallotSignature is a ballot's signature by its credential (spec
// §Signatures).
type BallotSignature struct {
	Hash  string `json:"hash"`
	Proof Proof  `json:"proof"`
}

// Ballot is a ballot (spec §Ballots).
type Ballot struct {
	ElectionUUID string           `json:"election_uuid"`
	ElectionHash string           `json:"election_hash"`
	Credential   *Point           `json:"credential"`
	Answers      []Answer         `json:"answers"`
	Signature    *BallotSignature `json:"signature,omitempty"`
}

// ParseBallot reads a ballot strictly (canonical, as the server demands).
func ParseBallot(raw []byte) (*Ballot, error) {
	var b Ballot
	if err := decode(raw, &b, "a ballot", true); err != nil {
		return nil, err
	}
	return &b, nil
}

// Hash is the hash a ballot's signature signs: sha256_b64 of the ballot
// without its signature.
func (b *Ballot) Hash() string {
	c := *b
	c.Signature = nil
	return sha256B64(marshal(c))
}

// VerifyBallot checks a ballot against the election (spec §Ballots): the
// election's uuid and fingerprint, its signature by its credential, and
// every answer's proofs (each choice is 0 or 1; the number of choices is
// within [min, max], or the blank-vote proofs).
func VerifyBallot(e *Election, b *Ballot) error {
	if b.ElectionUUID != e.UUID || b.ElectionHash != e.Fingerprint() {
		return invalidErr("the ballot is for another election")
	}
	if b.Signature == nil || b.Signature.Hash != b.Hash() {
		return invalidErr("the ballot's signature is missing or signs another ballot")
	}
	c, r := b.Signature.Proof.Challenge, b.Signature.Proof.Response
	if c == nil || r == nil || !hashToScalar("sig|"+b.Signature.Hash+"|", gExpMul(r, b.Credential, c)).Equal(c) {
		return invalidErr("the ballot's signature does not verify with its credential")
	}
	if len(b.Answers) != len(e.Questions) {
		return invalidErr("the ballot has %d answers for %d questions", len(b.Answers), len(e.Questions))
	}
	s0 := e.Fingerprint() + "|" + b.Credential.String()
	for i := range b.Answers {
		if err := verifyAnswer(e.PublicKey, s0, &e.Questions[i], &b.Answers[i]); err != nil {
			return fmt.Errorf("answer %d: %w", i+1, err)
		}
	}
	return nil
}

// disjVerify checks an interval proof that (α, β) encrypts one of M_j,
// given as d_j = g^-M_j (spec §Proofs of interval membership): with
// A_j = g^r_j·α^c_j, B_j = y^r_j·(β·d_j)^c_j, the hash of "prove|S|α,β|"
// and the commitments equals Σ c_j.
func disjVerify(y *Point, d []*Point, s string, proofs []Proof, ct Ciphertext) bool {
	if len(proofs) != len(d) {
		return false
	}
	com := make([]*Point, 0, 2*len(d))
	sum := scalarFromInt(0)
	for j, p := range proofs {
		if p.Challenge == nil || p.Response == nil {
			return false
		}
		com = append(com, gExpMul(p.Response, ct.Alpha, p.Challenge), expMul(y, p.Response, ct.Beta.Mul(d[j]), p.Challenge))
		sum = sum.Add(p.Challenge)
	}
	return hashToScalar("prove|"+s+"|"+ct.Alpha.String()+","+ct.Beta.String()+"|", com...).Equal(sum)
}

// gPowNeg returns g^-m.
func gPowNeg(m int) *Point { return One().Div(GExp(scalarFromInt(int64(m)))) }

func verifyAnswer(y *Point, s0 string, q *Question, a *Answer) error {
	n := len(a.Choices)
	if n != len(a.IndividualProofs) {
		return invalidErr("the numbers of choices and of proofs differ")
	}
	d01 := []*Point{One(), gPowNeg(1)}
	var sb strings.Builder
	sb.WriteString(s0 + "|")
	for i, c := range a.Choices {
		if !disjVerify(y, d01, s0, a.IndividualProofs[i], c) {
			return invalidErr("the proof that choice %d is 0 or 1 does not verify", i+1)
		}
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(c.Alpha.String() + "," + c.Beta.String())
	}
	s := sb.String()
	switch {
	case q.blank() && a.BlankProof != nil:
		if n != len(q.Answers)+1 {
			return invalidErr("%d choices for %d answers and blank", n, len(q.Answers))
		}
		sum := neutral()
		for _, c := range a.Choices[1:] {
			sum = sum.mul(c)
		}
		if !verifyBlank(y, s, q.Min, q.Max, a.Choices[0], sum, a.OverallProof, a.BlankProof) {
			return invalidErr("the blank-vote proofs do not verify")
		}
	case a.BlankProof == nil:
		if n != len(q.Answers) {
			return invalidErr("%d choices for %d answers", n, len(q.Answers))
		}
		sum := neutral()
		for _, c := range a.Choices {
			sum = sum.mul(c)
		}
		d := make([]*Point, q.Max-q.Min+1)
		for i := range d {
			d[i] = gPowNeg(q.Min + i)
		}
		if !disjVerify(y, d, s, a.OverallProof, sum) {
			return invalidErr("the proof that the number of choices is between %d and %d does not verify", q.Min, q.Max)
		}
	default:
		return invalidErr("a blank-vote proof for a question that does not allow blank votes")
	}
	return nil
}

// verifyBlank checks the proofs of a possibly-blank vote (spec §Proofs of
// possibly-blank votes): blank_proof for m0 = 0 ∨ mΣ = 0, overall_proof for
// m0 = 1 ∨ mΣ ∈ [min, max].
func verifyBlank(y *Point, s string, min, max int, c0, cS Ciphertext, overall, blank []Proof) bool {
	if len(blank) != 2 || len(overall) != max-min+2 {
		return false
	}
	for _, p := range append(append([]Proof(nil), blank...), overall...) {
		if p.Challenge == nil || p.Response == nil {
			return false
		}
	}
	b0, bS := blank[0], blank[1]
	com := []*Point{
		gExpMul(b0.Response, c0.Alpha, b0.Challenge), expMul(y, b0.Response, c0.Beta, b0.Challenge),
		gExpMul(bS.Response, cS.Alpha, bS.Challenge), expMul(y, bS.Response, cS.Beta, bS.Challenge),
	}
	if !hashToScalar("bproof0|"+s+"|", com...).Equal(b0.Challenge.Add(bS.Challenge)) {
		return false
	}
	o0 := overall[0]
	com = []*Point{gExpMul(o0.Response, c0.Alpha, o0.Challenge), expMul(y, o0.Response, c0.Beta.Div(G()), o0.Challenge)}
	sum := o0.Challenge
	for i := 1; i < len(overall); i++ {
		p := overall[i]
		nb := cS.Beta.Mul(gPowNeg(min + i - 1))
		com = append(com, gExpMul(p.Response, cS.Alpha, p.Challenge), expMul(y, p.Response, nb, p.Challenge))
		sum = sum.Add(p.Challenge)
	}
	return hashToScalar("bproof1|"+s+"|", com...).Equal(sum)
}

// EncryptedTally is the tally: per question, the product of the accepted
// ballots' ciphertexts for each choice (spec §Encrypted tally).
type EncryptedTally [][]Ciphertext

// ParseEncryptedTally reads an encrypted tally strictly.
func ParseEncryptedTally(raw []byte) (EncryptedTally, error) {
	var t EncryptedTally
	if err := decode(raw, &t, "the encrypted tally", true); err != nil {
		return nil, err
	}
	return t, nil
}

// ComputeTally computes the encrypted tally of the ballots counted: the
// last ballot of each credential (spec §Tallied ballots), each raised to
// its credential's weight. It returns the tally, the number of ballots
// counted and their total weight.
func ComputeTally(e *Election, creds map[string]Credential, ballots []*Ballot) (EncryptedTally, int, int64, error) {
	lastAt := map[string]int{}
	for i, b := range ballots {
		lastAt[b.Credential.String()] = i
	}
	var order []string
	last := map[string]*Ballot{}
	for i, b := range ballots {
		if k := b.Credential.String(); lastAt[k] == i {
			order = append(order, k)
			last[k] = b
		}
	}
	t := make(EncryptedTally, len(e.Questions))
	for i, q := range e.Questions {
		n := len(q.Answers)
		if q.blank() {
			n++
		}
		t[i] = make([]Ciphertext, n)
		for j := range t[i] {
			t[i][j] = neutral()
		}
	}
	var total int64
	for _, k := range order {
		b := last[k]
		c, ok := creds[k]
		if !ok {
			return nil, 0, 0, invalidErr("a ballot's credential is not among the election's credentials")
		}
		if total > 1<<62-c.Weight {
			return nil, 0, 0, invalidErr("the total weight of the ballots is too large")
		}
		total += c.Weight
		for i := range t {
			if len(b.Answers) != len(t) || len(b.Answers[i].Choices) != len(t[i]) {
				return nil, 0, 0, invalidErr("a ballot does not have the shape of the election")
			}
			for j, ct := range b.Answers[i].Choices {
				if c.Weight != 1 {
					ct = ct.exp(c.Weight)
				}
				t[i][j] = t[i][j].mul(ct)
			}
		}
	}
	return t, len(order), total, nil
}

// Equal reports whether two tallies are the same.
func (t EncryptedTally) Equal(u EncryptedTally) bool {
	if len(t) != len(u) {
		return false
	}
	for i := range t {
		if len(t[i]) != len(u[i]) {
			return false
		}
		for j := range t[i] {
			if !t[i][j].Alpha.Equal(u[i][j].Alpha) || !t[i][j].Beta.Equal(u[i][j].Beta) {
				return false
			}
		}
	}
	return true
}

// PartialDecryption is a trustee's decryption factors α^x of the tally,
// each with its proof (spec §Partial decryptions).
type PartialDecryption struct {
	DecryptionFactors [][]*Point `json:"decryption_factors"`
	DecryptionProofs  [][]Proof  `json:"decryption_proofs"`
}

// ParsePartialDecryption reads a partial decryption strictly.
func ParsePartialDecryption(raw []byte) (*PartialDecryption, error) {
	var p PartialDecryption
	if err := decode(raw, &p, "a partial decryption", true); err != nil {
		return nil, err
	}
	return &p, nil
}

func decryptPrefix(phi string, X *Point) string { return "decrypt|" + phi + "|" + X.String() + "|" }

// Decrypt computes the partial decryption of the tally with key x:
// factors α^x, and for each a proof of equality of discrete logarithms
// (g^x = X, α^x = f) with w random, c = H("decrypt|φ|X|", g^w, α^w),
// r = w - x·c (spec §Partial decryptions).
func Decrypt(phi string, t EncryptedTally, x *Scalar, rnd io.Reader) (*PartialDecryption, error) {
	X := GExp(x)
	pd := &PartialDecryption{DecryptionFactors: make([][]*Point, len(t)), DecryptionProofs: make([][]Proof, len(t))}
	for i := range t {
		pd.DecryptionFactors[i] = make([]*Point, len(t[i]))
		pd.DecryptionProofs[i] = make([]Proof, len(t[i]))
		for j, ct := range t[i] {
			w, err := randomScalar(rnd)
			if err != nil {
				return nil, err
			}
			c := hashToScalar(decryptPrefix(phi, X), GExp(w), ct.Alpha.Exp(w))
			pd.DecryptionFactors[i][j] = ct.Alpha.Exp(x)
			pd.DecryptionProofs[i][j] = Proof{Challenge: c, Response: w.Sub(x.Mul(c))}
			w.Wipe()
		}
	}
	return pd, nil
}

// CheckPartialDecryption verifies a partial decryption of the tally by the
// owner of X.
func CheckPartialDecryption(phi string, t EncryptedTally, X *Point, pd *PartialDecryption) error {
	if len(pd.DecryptionFactors) != len(t) || len(pd.DecryptionProofs) != len(t) {
		return invalidErr("the partial decryption does not have the shape of the tally")
	}
	for i := range t {
		if len(pd.DecryptionFactors[i]) != len(t[i]) || len(pd.DecryptionProofs[i]) != len(t[i]) {
			return invalidErr("the partial decryption does not have the shape of the tally")
		}
		for j, ct := range t[i] {
			f, p := pd.DecryptionFactors[i][j], pd.DecryptionProofs[i][j]
			if p.Challenge == nil || p.Response == nil {
				return invalidErr("a decryption proof is missing")
			}
			A := gExpMul(p.Response, X, p.Challenge)
			B := expMul(ct.Alpha, p.Response, f, p.Challenge)
			if !hashToScalar(decryptPrefix(phi, X), A, B).Equal(p.Challenge) {
				return invalidErr("the decryption proof of question %d, choice %d does not verify", i+1, j+1)
			}
		}
	}
	return nil
}

// OwnedPartialDecryption ties a partial decryption to its owner in the
// archive (spec §Partial decryptions).
type OwnedPartialDecryption struct {
	Owner   int    `json:"owner"`
	Payload string `json:"payload"`
}

// DecryptionLines are the two lines belenios-tool's election decrypt
// prints: the partial decryption, then its owner line (each followed by a
// newline).
func DecryptionLines(owner int, pd *PartialDecryption) []byte {
	p := marshal(pd)
	o := marshal(OwnedPartialDecryption{Owner: owner, Payload: sha256Hex(p)})
	return []byte(string(p) + "\n" + string(o) + "\n")
}
