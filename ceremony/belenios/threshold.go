package belenios

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Context is a threshold trustee's place in the key generation: the group,
// the number of trustees, the threshold (the number of trustees needed to
// decrypt, i.e. the length of each polynomial) and the trustee's 1-based
// index (spec §Certificates).
type Context struct {
	Group     string `json:"group"`
	Size      int    `json:"size"`
	Threshold int    `json:"threshold"`
	Index     int    `json:"index"`
}

// ParseContext reads "I/T/N" (index/threshold/size) as belenios-tool's
// --threshold-context does: 1 ≤ I ≤ N and 0 < T < N.
func ParseContext(s string) (Context, error) {
	parts := strings.Split(s, "/")
	bad := fmt.Errorf("belenios: the context %q is not INDEX/THRESHOLD/SIZE with 1 ≤ INDEX ≤ SIZE and 0 < THRESHOLD < SIZE (e.g. 2/2/3)", s)
	if len(parts) != 3 {
		return Context{}, bad
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || strconv.Itoa(v) != p {
			return Context{}, bad
		}
		n[i] = v
	}
	c := Context{Group: GroupName, Index: n[0], Threshold: n[1], Size: n[2]}
	if err := c.check(); err != nil {
		return Context{}, bad
	}
	return c, nil
}

func (c Context) check() error {
	if c.Group != GroupName || c.Size <= 0 || c.Size > 1000 || c.Index < 1 || c.Index > c.Size || c.Threshold <= 0 || c.Threshold >= c.Size {
		return formatErr("invalid threshold context")
	}
	return nil
}

// String writes the context as "I/T/N".
func (c Context) String() string { return fmt.Sprintf("%d/%d/%d", c.Index, c.Threshold, c.Size) }

// CertKeys are the public keys a certificate binds to its context.
type CertKeys struct {
	Context      *Context `json:"context,omitempty"`
	Verification *Point   `json:"verification"`
	Encryption   *Point   `json:"encryption"`
}

// Cert is a trustee's certificate: its CertKeys signed by its
// verification key (spec §Certificates).
type Cert struct {
	SignedMsg
	Keys CertKeys `json:"-"`
}

// ID is the certificate's id, the name belenios-tool gives its files:
// SHA-256 of the certificate's message, in hex.
func (c *Cert) ID() string { return sha256Hex([]byte(c.Message)) }

// MarshalJSON writes the certificate as a signed_msg.
func (c *Cert) MarshalJSON() ([]byte, error) { return marshal(c.SignedMsg), nil }

// UnmarshalJSON reads a certificate strictly (no check of its signature).
func (c *Cert) UnmarshalJSON(b []byte) error {
	var s SignedMsg
	if err := decode(b, &s, "a certificate", true); err != nil {
		return err
	}
	var k CertKeys
	if err := decode([]byte(s.Message), &k, "a certificate's keys", true); err != nil {
		return err
	}
	if k.Verification.IsIdentity() || k.Encryption.IsIdentity() {
		return formatErr("a certificate's key is the identity")
	}
	c.SignedMsg, c.Keys = s, k
	return nil
}

// ParseCert reads one certificate (one line of belenios-tool's .cert file,
// without its newline).
func ParseCert(b []byte) (*Cert, error) {
	var c Cert
	if err := c.UnmarshalJSON(b); err != nil {
		return nil, err
	}
	return &c, nil
}

// Fingerprint is the trustee's fingerprint to read aloud: the
// certificate id's first 16 hex digits in groups of 4.
func (c *Cert) Fingerprint() string {
	id := c.ID()
	return id[0:4] + " " + id[4:8] + " " + id[8:12] + " " + id[12:16]
}

// MakeCert is step 1 of the threshold key generation (spec §Certificates):
// the certificate of the keys derived from seed, for context.
func MakeCert(k *Keys, ctx Context, rnd io.Reader) (*Cert, error) {
	if err := ctx.check(); err != nil {
		return nil, err
	}
	keys := CertKeys{Context: &ctx, Verification: k.VK, Encryption: k.EK}
	s, err := sign(k.sk, string(marshal(keys)), rnd)
	if err != nil {
		return nil, err
	}
	return &Cert{SignedMsg: s, Keys: keys}, nil
}

// CheckCerts does step 2's checks on the certificates of every trustee, in
// order (spec §Certificates): each carries the context (Ed25519, the number
// of certificates, the same threshold, its own index) and a valid
// signature. It returns the threshold. Certificates without a context
// (Belenios before 2.5.1) are refused.
func CheckCerts(certs []*Cert) (int, error) {
	if len(certs) < 2 {
		return 0, invalidErr("a threshold election has at least 2 trustees")
	}
	c0 := certs[0].Keys.Context
	if c0 == nil {
		return 0, invalidErr("certificate 1 has no context: it was made by a Belenios older than 2.5.1, which is not supported")
	}
	for i, c := range certs {
		want := Context{Group: GroupName, Size: len(certs), Threshold: c0.Threshold, Index: i + 1}
		if c.Keys.Context == nil || *c.Keys.Context != want || want.check() != nil {
			return 0, invalidErr("certificate %d is for another context (%s), not trustee %d of %d with threshold %d", i+1, ctxString(c.Keys.Context), i+1, len(certs), c0.Threshold)
		}
		if !verifySigned(c.Keys.Verification, c.SignedMsg) {
			return 0, invalidErr("certificate %d's signature does not verify", i+1)
		}
	}
	return c0.Threshold, nil
}

func ctxString(c *Context) string {
	if c == nil {
		return "none"
	}
	return fmt.Sprintf("%s %s", c.Group, c.String())
}

// ParseCerts reads belenios-tool's certs file: one certificate per line.
func ParseCerts(b []byte) ([]*Cert, error) {
	var out []*Cert
	for i, line := range splitLines(b) {
		c, err := ParseCert(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, formatErr("no certificate")
	}
	return out, nil
}

// splitLines splits newline-terminated lines (a file carried through
// Windows may end them with CRLF); the last newline is optional; empty
// lines are refused by the line decoders.
func splitLines(b []byte) [][]byte {
	s := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	if s == "" {
		return nil
	}
	var out [][]byte
	for _, l := range strings.Split(s, "\n") {
		out = append(out, []byte(strings.TrimSuffix(l, "\r")))
	}
	return out
}

// findSelf returns the 0-based position of k's certificate in certs.
func findSelf(certs []*Cert, k *Keys) (int, error) {
	for i, c := range certs {
		if c.Keys.Verification.Equal(k.VK) && c.Keys.Encryption.Equal(k.EK) {
			return i, nil
		}
	}
	return 0, invalidErr("our own certificate is not among the certificates: this is not our election, or the administrator left us out")
}

type rawPolynomial struct {
	Polynomial []*Scalar `json:"polynomial"`
}

type rawCoefexps struct {
	Coefexps []*Point `json:"coefexps"`
}

type secretMsg struct {
	Secret *Scalar `json:"secret"`
}

type partialDecryptionKey struct {
	DecryptionKey *Scalar `json:"decryption_key"`
}

type certsSig struct {
	Certs    []*Cert  `json:"certs"`
	Coefexps []*Point `json:"coefexps"`
}

func certsSigMessage(certs []*Cert, coefexps []*Point) string {
	return "certs_sig|" + string(marshal(certsSig{Certs: certs, Coefexps: coefexps}))
}

// Polynomial is a trustee's step-3 message (spec §Polynomials): its
// polynomial encrypted to itself, the shares encrypted to each trustee, the
// signed commitments g^a_k, and the signature binding them to the
// certificates.
type Polynomial struct {
	Polynomial string    `json:"polynomial"`
	Secrets    []string  `json:"secrets"`
	Coefexps   SignedMsg `json:"coefexps"`
	Signature  *Proof    `json:"signature,omitempty"`
}

// MakePolynomial is step 3: after CheckCerts and finding our own
// certificate, it draws a random polynomial of degree threshold-1 and
// shares it.
func MakePolynomial(v Version, certs []*Cert, k *Keys, rnd io.Reader) (*Polynomial, error) {
	t, err := CheckCerts(certs)
	if err != nil {
		return nil, err
	}
	if _, err := findSelf(certs, k); err != nil {
		return nil, err
	}
	poly := make([]*Scalar, t)
	defer func() {
		for _, a := range poly {
			if a != nil {
				a.Wipe()
			}
		}
	}()
	coefexps := make([]*Point, t)
	for i := range poly {
		if poly[i], err = randomScalar(rnd); err != nil {
			return nil, err
		}
		coefexps[i] = GExp(poly[i])
	}
	p := &Polynomial{}
	pj := marshal(rawPolynomial{Polynomial: poly})
	p.Polynomial, err = send(v, k.sk, k.EK, string(pj), rnd)
	clear(pj)
	if err != nil {
		return nil, err
	}
	for j, c := range certs {
		f := evalPoly(poly, scalarFromInt(int64(j+1)))
		sj := marshal(secretMsg{Secret: f})
		f.Wipe()
		s, err := send(v, k.sk, c.Keys.Encryption, string(sj), rnd)
		clear(sj)
		if err != nil {
			return nil, err
		}
		p.Secrets = append(p.Secrets, s)
	}
	sig, err := sign(k.sk, certsSigMessage(certs, coefexps), rnd)
	if err != nil {
		return nil, err
	}
	p.Signature = &sig.Signature
	if p.Coefexps, err = sign(k.sk, string(marshal(rawCoefexps{Coefexps: coefexps})), rnd); err != nil {
		return nil, err
	}
	return p, nil
}

func evalPoly(poly []*Scalar, x *Scalar) *Scalar {
	res := scalarFromInt(0)
	for i := len(poly) - 1; i >= 0; i-- {
		res = res.Mul(x).Add(poly[i])
	}
	return res
}

// ParsePolynomial reads a step-3 message strictly.
func ParsePolynomial(b []byte) (*Polynomial, error) {
	var p Polynomial
	if err := decode(b, &p, "a polynomial", true); err != nil {
		return nil, err
	}
	return &p, nil
}

// Vinput is what the administrator gives trustee j at step 5 (spec
// §Vinputs): its own encrypted polynomial, the share every trustee sent it,
// and every trustee's commitments and signature.
type Vinput struct {
	Polynomial string      `json:"polynomial"`
	Secrets    []string    `json:"secrets"`
	Coefexps   []SignedMsg `json:"coefexps"`
	Signatures []Proof     `json:"signatures,omitempty"`
}

// ParseVinput reads a vinput strictly.
func ParseVinput(b []byte) (*Vinput, error) {
	var v Vinput
	if err := decode(b, &v, "a vinput", true); err != nil {
		return nil, err
	}
	return &v, nil
}

// Voutput is trustee j's step-5 answer (spec §Voutputs): its decryption
// key S_j encrypted to itself, and g^S_j with its proof of knowledge (and
// from 3.0 its signature).
type Voutput struct {
	PrivateKey string           `json:"private_key"`
	PublicKey  TrusteePublicKey `json:"public_key"`
}

// ParseVoutput reads a voutput strictly.
func ParseVoutput(b []byte) (*Voutput, error) {
	var v Voutput
	if err := decode(b, &v, "a voutput", true); err != nil {
		return nil, err
	}
	return &v, nil
}

// checkCoefexps verifies trustee i's signed commitments (and, when
// present, the certs_sig signature binding them to the certificates) and
// returns them.
func checkCoefexps(certs []*Cert, i, t int, ce SignedMsg, sig *Proof, requireSig bool) ([]*Point, error) {
	if !verifySigned(certs[i].Keys.Verification, ce) {
		return nil, invalidErr("the commitments of trustee %d are not signed by its certificate", i+1)
	}
	var rc rawCoefexps
	if err := decode([]byte(ce.Message), &rc, "commitments", true); err != nil {
		return nil, err
	}
	if len(rc.Coefexps) != t {
		return nil, invalidErr("trustee %d committed to %d coefficients, not %d (the threshold)", i+1, len(rc.Coefexps), t)
	}
	if sig == nil {
		if requireSig {
			return nil, invalidErr("the commitments of trustee %d are not bound to the certificates (no certs_sig signature)", i+1)
		}
	} else if !verifySigned(certs[i].Keys.Verification, SignedMsg{Message: certsSigMessage(certs, rc.Coefexps), Signature: *sig}) {
		return nil, invalidErr("the signature binding trustee %d's commitments to the certificates does not verify", i+1)
	}
	return rc.Coefexps, nil
}

// commitmentAt returns Π_k A_k^(j^k), i.e. g^f(j) for the polynomial
// committed to by A.
func commitmentAt(A []*Point, j int) *Point {
	jj := scalarFromInt(int64(j))
	res := One()
	for k := len(A) - 1; k >= 0; k-- {
		res = res.Exp(jj).Mul(A[k])
	}
	return res
}

// MakeVoutput is step 5 (spec §Voutputs): with the certificates and the
// vinput, it checks every certificate, finds our own, opens our polynomial
// and every share sent to us (each signed by its sender and addressed to
// us), checks each commitment's signatures and each share against its
// sender's commitments, and returns the voutput and our decryption key
// S_j = Σ_i s_ij.
func MakeVoutput(v Version, certs []*Cert, k *Keys, in *Vinput, rnd io.Reader) (*Voutput, *Scalar, error) {
	t, err := CheckCerts(certs)
	if err != nil {
		return nil, nil, err
	}
	self, err := findSelf(certs, k)
	if err != nil {
		return nil, nil, err
	}
	n := len(certs)
	if len(in.Secrets) != n || len(in.Coefexps) != n {
		return nil, nil, invalidErr("the vinput has %d shares and %d commitments for %d trustees", len(in.Secrets), len(in.Coefexps), n)
	}
	if in.Signatures != nil && len(in.Signatures) != n {
		return nil, nil, invalidErr("the vinput has %d signatures for %d trustees", len(in.Signatures), n)
	}
	if err := checkCiphers(v, self, in); err != nil {
		return nil, nil, err
	}
	pj, err := recv(k.dk, k.VK, in.Polynomial)
	if err != nil {
		return nil, nil, fmt.Errorf("our own polynomial: %w", err)
	}
	var rp rawPolynomial
	err = decodeSecret([]byte(pj), &rp, "our polynomial")
	if err != nil {
		return nil, nil, err
	}
	for _, a := range rp.Polynomial {
		a.Wipe()
	}
	if len(rp.Polynomial) != t {
		return nil, nil, invalidErr("our polynomial has %d coefficients, not %d", len(rp.Polynomial), t)
	}
	S := scalarFromInt(0)
	for i := 0; i < n; i++ {
		var sig *Proof
		if in.Signatures != nil {
			sig = &in.Signatures[i]
		}
		A, err := checkCoefexps(certs, i, t, in.Coefexps[i], sig, true)
		if err != nil {
			return nil, nil, err
		}
		sm, err := recv(k.dk, certs[i].Keys.Verification, in.Secrets[i])
		if err != nil {
			return nil, nil, fmt.Errorf("the share from trustee %d: %w", i+1, err)
		}
		var s secretMsg
		if err := decodeSecret([]byte(sm), &s, "a share"); err != nil {
			return nil, nil, err
		}
		if !GExp(s.Secret).Equal(commitmentAt(A, self+1)) {
			return nil, nil, invalidErr("the share from trustee %d does not match its commitments: trustee %d cheated or the vinput was altered", i+1, i+1)
		}
		S = S.Add(s.Secret)
		s.Secret.Wipe()
	}
	pub, err := proveTrusteeKey(S, rnd)
	if err != nil {
		return nil, nil, err
	}
	if v.signsKeys() {
		sig, err := sign(k.sk, pub.PublicKey.String(), rnd)
		if err != nil {
			return nil, nil, err
		}
		pub.Signature = &sig.Signature
	}
	pdk := marshal(partialDecryptionKey{DecryptionKey: S})
	priv, err := send(v, k.sk, k.EK, string(pdk), rnd)
	clear(pdk)
	if err != nil {
		return nil, nil, err
	}
	return &Voutput{PrivateKey: priv, PublicKey: *pub}, S, nil
}

// ErrVersionMismatch is returned by MakeVoutput when the vinput's
// messages were not all encrypted with the cipher of the Belenios version
// given (docs/belenios.md, "Versions supported"): a trustee, perhaps this
// one, follows another version than the administrator's. Going on would
// make an election that Belenios refuses later (Belenios 3.0 and later
// refuse an unsigned verification key, at the first ballot with
// belenios-tool; Belenios 2.5.x cannot open AES-GCM shares).
var ErrVersionMismatch = errors.New("belenios: the trustees do not all follow the same Belenios version")

func cipherName(gcm bool) string {
	if gcm {
		return "AES-GCM, which Belenios 3.1 and later write"
	}
	return "AES-CCM, which Belenios 2.5.x and 3.0 write"
}

// checkCiphers checks that our own polynomial and every share in the
// vinput use the cipher of version v (spec §Channels: AES-GCM from 3.1,
// AES-CCM before), so that a wrong --belenios, ours or another trustee's,
// is caught at step 5 rather than when the election is used.
func checkCiphers(v Version, self int, in *Vinput) error {
	alg := func(msg string) (bool, error) {
		var e EncryptedMsg
		if err := decode([]byte(msg), &e, "an encrypted message", true); err != nil {
			return false, err
		}
		return e.Algorithm == "AES-GCM", nil
	}
	gcm, err := alg(in.Polynomial)
	if err != nil {
		return fmt.Errorf("our own polynomial: %w", err)
	}
	if gcm != v.gcm() {
		return fmt.Errorf("%w: our own polynomial (step 3) is encrypted with %s, but this step was asked for Belenios %s: give the same --belenios at steps 3 and 5, the version of the administrator's Belenios", ErrVersionMismatch, cipherName(gcm), v)
	}
	for i, m := range in.Secrets {
		if i == self {
			continue
		}
		g, err := alg(m)
		if err != nil {
			return fmt.Errorf("the share from trustee %d: %w", i+1, err)
		}
		if g != gcm {
			return fmt.Errorf("%w: the share from trustee %d is encrypted with %s, but ours (Belenios %s) with %s: ask the administrator which Belenios version runs the election; the trustees whose --belenios (or Belenios) differs from it must make their polynomial again (step 3), and the administrator must then redo step 4", ErrVersionMismatch, i+1, cipherName(g), v, cipherName(gcm))
		}
	}
	return nil
}

// OpenDecryptionKey opens an encrypted decryption key (the voutput's
// private_key, belenios-tool's .dkey) with the trustee's keys. An
// unreduced key (elections set up by Belenios 2.1-2.2) is refused.
func OpenDecryptionKey(k *Keys, dkey string) (*Scalar, error) {
	m, err := recv(k.dk, k.VK, dkey)
	if err != nil {
		return nil, err
	}
	var p partialDecryptionKey
	if err := decodeSecret([]byte(m), &p, "a decryption key"); err != nil {
		return nil, err
	}
	return p.DecryptionKey, nil
}

// VerificationKeys computes every trustee's verification key g^S_j from
// the commitments: Π_i Π_k A_ik^(j^k).
func VerificationKeys(coefexps [][]*Point) []*Point {
	n := len(coefexps)
	out := make([]*Point, n)
	for j := 1; j <= n; j++ {
		acc := One()
		for i := range coefexps {
			acc = acc.Mul(commitmentAt(coefexps[i], j))
		}
		out[j-1] = acc
	}
	return out
}
