package belenios

import (
	"crypto/sha256"
	"io"
)

// Proof is a Schnorr or Chaum-Pedersen proof: a challenge and a response
// (spec §Common structures).
type Proof struct {
	Challenge *Scalar `json:"challenge"`
	Response  *Scalar `json:"response"`
}

// proveDLog proves knowledge of x with X = g^x: w random, A = g^w,
// c = H(prefix, A), r = w - x·c (spec §Verification keys, §Signing).
func proveDLog(x *Scalar, prefix string, rnd io.Reader) (Proof, error) {
	w, err := randomScalar(rnd)
	if err != nil {
		return Proof{}, err
	}
	defer w.Wipe()
	c := hashToScalar(prefix, GExp(w))
	return Proof{Challenge: c, Response: w.Sub(x.Mul(c))}, nil
}

// checkDLog checks a proof made by proveDLog for X.
func checkDLog(X *Point, prefix string, p Proof) bool {
	if p.Challenge == nil || p.Response == nil {
		return false
	}
	A := gExpMul(p.Response, X, p.Challenge)
	return hashToScalar(prefix, A).Equal(p.Challenge)
}

// pokPrefix is the statement of a trustee key's proof of knowledge:
// "pok|Ed25519|<X>|" (spec §Verification keys).
func pokPrefix(X *Point) string { return "pok|" + GroupName + "|" + X.String() + "|" }

// sigPrefix is the statement of a PKI signature of message m:
// "sigmsg|<m>|" (spec §Public key infrastructure).
func sigPrefix(m string) string { return "sigmsg|" + m + "|" }

// SignedMsg is a message and its Schnorr signature (spec §Public key
// infrastructure, signed_msg).
type SignedMsg struct {
	Message   string `json:"message"`
	Signature Proof  `json:"signature"`
}

func sign(sk *Scalar, m string, rnd io.Reader) (SignedMsg, error) {
	p, err := proveDLog(sk, sigPrefix(m), rnd)
	return SignedMsg{Message: m, Signature: p}, err
}

func verifySigned(vk *Point, s SignedMsg) bool {
	return checkDLog(vk, sigPrefix(s.Message), s.Signature)
}

// TrusteePublicKey is a trustee's public key with its proof of knowledge,
// and in threshold mode from Belenios 3.0 its signature by the trustee's
// certificate key (spec §Verification keys).
type TrusteePublicKey struct {
	Pok       Proof   `json:"pok"`
	PublicKey *Point  `json:"public_key"`
	Signature *Proof  `json:"signature,omitempty"`
	Name      *string `json:"name,omitempty"`
}

// Check verifies the proof of knowledge.
func (t *TrusteePublicKey) Check() error {
	if t.PublicKey == nil || !checkDLog(t.PublicKey, pokPrefix(t.PublicKey), t.Pok) {
		return invalidErr("the proof of knowledge of trustee key %s does not verify", short(t.PublicKey))
	}
	return nil
}

func short(p *Point) string {
	if p == nil {
		return "(none)"
	}
	return p.String()[:8] + "…"
}

// proveTrusteeKey makes the trustee_public_key of x.
func proveTrusteeKey(x *Scalar, rnd io.Reader) (*TrusteePublicKey, error) {
	X := GExp(x)
	p, err := proveDLog(x, pokPrefix(X), rnd)
	if err != nil {
		return nil, err
	}
	return &TrusteePublicKey{Pok: p, PublicKey: X}, nil
}

// NewSingleKey draws a non-threshold trustee key (spec §Verification keys,
// basic mode) and returns it with its trustee_public_key.
func NewSingleKey(rnd io.Reader) (*Scalar, *TrusteePublicKey, error) {
	x, err := randomScalar(rnd)
	if err != nil {
		return nil, nil, err
	}
	t, err := proveTrusteeKey(x, rnd)
	return x, t, err
}

// SingleKeyID is the name belenios-tool gives a Single key's files: the
// first 8 hex digits, upper-cased, of SHA-256 of the public key's hex.
func SingleKeyID(X *Point) string {
	d := sha256.Sum256([]byte(X.String()))
	const hx = "0123456789ABCDEF"
	b := make([]byte, 8)
	for i := 0; i < 4; i++ {
		b[2*i], b[2*i+1] = hx[d[i]>>4], hx[d[i]&15]
	}
	return string(b)
}
