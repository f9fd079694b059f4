package belenios

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
)

// Version is the variant of Belenios's v1 protocol a message follows. The
// variants differ only in the trustee messages (docs/belenios.md,
// "Versions").
type Version int

const (
	// V2_5 is Belenios 2.5.1 to 2.5.x: the channel is AES-CCM and
	// encrypted_msg has no "algorithm"; threshold verification keys are
	// not signed.
	V2_5 Version = iota + 1
	// V3_0 is Belenios 3.0: AES-CCM, signed threshold verification keys.
	V3_0
	// V3_1 is Belenios 3.1 to 3.3.0: AES-GCM, signed verification keys.
	V3_1
)

// ParseVersion reads a Belenios release number ("2.5.1", "3.0", "3.1",
// "3.2.0", "3.3.0"...) into the protocol variant it speaks.
func ParseVersion(s string) (Version, error) {
	switch s {
	case "2.5", "2.5.1", "2.5.2":
		return V2_5, nil
	case "3.0":
		return V3_0, nil
	case "3.1", "3.2", "3.2.0", "3.3", "3.3.0":
		return V3_1, nil
	}
	return 0, fmt.Errorf("belenios: version %q is not supported: give 2.5.1, 3.0, 3.1, 3.2.0 or 3.3.0 (the version of the Belenios server)", s)
}

func (v Version) String() string {
	switch v {
	case V2_5:
		return "2.5.1"
	case V3_0:
		return "3.0"
	case V3_1:
		return "3.1"
	}
	return "unknown"
}

func (v Version) gcm() bool       { return v >= V3_1 }
func (v Version) signsKeys() bool { return v >= V3_0 }

const base58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// SeedLength is the length of a threshold trustee's seed (spec §Public key
// infrastructure).
const SeedLength = 22

// NewSeed draws a 22-character Base58 seed, without bias.
func NewSeed(rnd io.Reader) ([]byte, error) {
	out := make([]byte, 0, SeedLength)
	var b [1]byte
	for len(out) < SeedLength {
		if _, err := readFull(rnd, b[:]); err != nil {
			return nil, fmt.Errorf("belenios: no randomness: %w", err)
		}
		if int(b[0]) < 4*len(base58) { // 232: rejection keeps it uniform
			out = append(out, base58[int(b[0])%len(base58)])
		}
	}
	return out, nil
}

// CheckSeed checks a seed's form.
func CheckSeed(seed []byte) error {
	if len(seed) != SeedLength {
		return formatErr("a seed is %d Base58 characters", SeedLength)
	}
	for _, c := range seed {
		if !strings.ContainsRune(base58, rune(c)) {
			return formatErr("a seed is %d Base58 characters", SeedLength)
		}
	}
	return nil
}

func derive(prefix string, seed []byte) *Scalar {
	h := sha256.New()
	h.Write([]byte(prefix))
	h.Write(seed)
	return reduceDigest(h.Sum(nil))
}

// Keys are a threshold trustee's signing and decryption keys, derived from
// its seed: sk = SHA256("sk|"+seed) mod q, dk = SHA256("dk|"+seed) mod q.
type Keys struct {
	sk, dk *Scalar
	// VK = g^sk and EK = g^dk are the certificate's keys.
	VK, EK *Point
}

// DeriveKeys derives the keys of a seed.
func DeriveKeys(seed []byte) (*Keys, error) {
	if err := CheckSeed(seed); err != nil {
		return nil, err
	}
	k := &Keys{sk: derive("sk|", seed), dk: derive("dk|", seed)}
	k.VK, k.EK = GExp(k.sk), GExp(k.dk)
	return k, nil
}

// Wipe clears the secret keys.
func (k *Keys) Wipe() { k.sk.Wipe(); k.dk.Wipe() }

// EncryptedMsg is a message encrypted to a public key (spec §Public key
// infrastructure): an ElGamal-encrypted key g^s and the AES data.
type EncryptedMsg struct {
	Algorithm string `json:"algorithm,omitempty"`
	Alpha     *Point `json:"alpha"`
	Beta      *Point `json:"beta"`
	Data      string `json:"data"`
}

func aesKeyIV(gs, alpha *Point) (key, iv []byte) {
	k := sha256.Sum256([]byte("key|" + gs.String()))
	i := sha256.Sum256([]byte("iv|" + alpha.String()))
	return k[:], i[:]
}

// encrypt encrypts plaintext to ek: alpha = g^r, beta = ek^r·g^s, AES-256
// key SHA256("key|"+g^s), 32-byte nonce SHA256("iv|"+alpha); AES-GCM from
// 3.1, AES-CCM with an 8-byte tag before.
func encrypt(v Version, ek *Point, plaintext []byte, rnd io.Reader) (*EncryptedMsg, error) {
	r, err := randomScalar(rnd)
	if err != nil {
		return nil, err
	}
	s, err := randomScalar(rnd)
	if err != nil {
		return nil, err
	}
	defer r.Wipe()
	defer s.Wipe()
	gs := GExp(s)
	alpha := GExp(r)
	beta := ek.Exp(r).Mul(gs)
	key, iv := aesKeyIV(gs, alpha)
	block, _ := aes.NewCipher(key)
	m := &EncryptedMsg{Alpha: alpha, Beta: beta}
	if v.gcm() {
		aead, _ := cipher.NewGCMWithNonceSize(block, len(iv))
		m.Algorithm = "AES-GCM"
		m.Data = hex.EncodeToString(aead.Seal(nil, iv, plaintext, nil))
	} else {
		m.Data = hex.EncodeToString(ccmSeal(block, iv, plaintext))
	}
	return m, nil
}

// decrypt opens m with dk.
func decrypt(dk *Scalar, m *EncryptedMsg) ([]byte, error) {
	gs := m.Beta.Div(m.Alpha.Exp(dk))
	key, iv := aesKeyIV(gs, m.Alpha)
	data, err := hex.DecodeString(m.Data)
	if err != nil || strings.ToLower(m.Data) != m.Data {
		return nil, formatErr("the encrypted data is not lowercase hex")
	}
	block, _ := aes.NewCipher(key)
	switch m.Algorithm {
	case "AES-GCM":
		aead, _ := cipher.NewGCMWithNonceSize(block, len(iv))
		pt, err := aead.Open(nil, iv, data, nil)
		if err != nil {
			return nil, invalidErr("a message does not decrypt: it was not encrypted to this trustee, or it was altered")
		}
		return pt, nil
	case "", "AES-CCM":
		pt, ok := ccmOpen(block, iv, data)
		if !ok {
			return nil, invalidErr("a message does not decrypt: it was not encrypted to this trustee, or it was altered")
		}
		return pt, nil
	}
	return nil, formatErr("encryption algorithm %q is not supported", m.Algorithm)
}

// CCM as SJCL and Belenios before 3.1 use it: tag of 8 bytes, no associated
// data, length field L of 2 to 4 bytes depending on the message length,
// nonce = the first 15-L bytes of the 32-byte IV (RFC 3610 otherwise).
const ccmTag = 8

func ccmL(n int) int {
	l := 2
	for l < 4 && n>>(8*l) != 0 {
		l++
	}
	return l
}

func ccmMAC(b cipher.Block, nonce []byte, L int, pt []byte) []byte {
	var x [16]byte
	x[0] = byte(((ccmTag-2)/2)<<3 | (L - 1))
	copy(x[1:], nonce)
	n := len(pt)
	for i := 0; i < L; i++ {
		x[15-i] = byte(n >> (8 * i))
	}
	b.Encrypt(x[:], x[:])
	for i := 0; i < len(pt); i += 16 {
		var blk [16]byte
		copy(blk[:], pt[i:min(i+16, len(pt))])
		subtle.XORBytes(x[:], x[:], blk[:])
		b.Encrypt(x[:], x[:])
	}
	return x[:ccmTag]
}

func ccmCTR(b cipher.Block, nonce []byte, L int, in []byte, tag []byte) (out, t []byte) {
	var ctr [16]byte
	ctr[0] = byte(L - 1)
	copy(ctr[1:], nonce)
	var s [16]byte
	b.Encrypt(s[:], ctr[:])
	t = make([]byte, ccmTag)
	subtle.XORBytes(t, tag, s[:ccmTag])
	out = make([]byte, len(in))
	for i := 0; i < len(in); i += 16 {
		// The counter is the last 4 bytes as a big-endian integer, incremented
		// as SJCL does (for messages below 2^31 bytes, as RFC 3610).
		c := binary.BigEndian.Uint32(ctr[12:]) + 1
		binary.BigEndian.PutUint32(ctr[12:], c)
		b.Encrypt(s[:], ctr[:])
		subtle.XORBytes(out[i:min(i+16, len(in))], in[i:min(i+16, len(in))], s[:])
	}
	return out, t
}

func ccmSeal(b cipher.Block, iv, pt []byte) []byte {
	L := ccmL(len(pt))
	nonce := iv[:15-L]
	ct, t := ccmCTR(b, nonce, L, pt, ccmMAC(b, nonce, L, pt))
	return append(ct, t...)
}

func ccmOpen(b cipher.Block, iv, data []byte) ([]byte, bool) {
	if len(data) < ccmTag {
		return nil, false
	}
	ct, tag := data[:len(data)-ccmTag], data[len(data)-ccmTag:]
	L := ccmL(len(ct))
	nonce := iv[:15-L]
	pt, t := ccmCTR(b, nonce, L, ct, tag)
	if subtle.ConstantTimeCompare(t, ccmMAC(b, nonce, L, pt)) != 1 {
		clear(pt)
		return nil, false
	}
	return pt, true
}

// channelMsg is the innermost layer of a channel message.
type channelMsg struct {
	Recipient *Point `json:"recipient"`
	Message   string `json:"message"`
}

// send is the channel (spec §Channels): the message with its recipient,
// signed by sk, encrypted to ekTo, written as the JSON of an encrypted_msg.
func send(v Version, sk *Scalar, ekTo *Point, msg string, rnd io.Reader) (string, error) {
	inner := marshal(channelMsg{Recipient: ekTo, Message: msg})
	signed, err := sign(sk, string(inner), rnd)
	if err != nil {
		return "", err
	}
	pt := marshal(signed)
	e, err := encrypt(v, ekTo, pt, rnd)
	clear(pt)
	if err != nil {
		return "", err
	}
	return string(marshal(e)), nil
}

// recv opens a channel message sent to the owner of dk by the owner of
// vkFrom, checks the signature and the recipient, and returns the message.
func recv(dk *Scalar, vkFrom *Point, msg string) (string, error) {
	var e EncryptedMsg
	if err := decode([]byte(msg), &e, "an encrypted message", true); err != nil {
		return "", err
	}
	pt, err := decrypt(dk, &e)
	if err != nil {
		return "", err
	}
	defer clear(pt)
	var s SignedMsg
	if err := decodeSecret(pt, &s, "a decrypted message"); err != nil {
		return "", err
	}
	if !verifySigned(vkFrom, s) {
		return "", invalidErr("a message's signature does not verify with its sender's certificate")
	}
	var c channelMsg
	if err := decodeSecret([]byte(s.Message), &c, "a channel message"); err != nil {
		return "", err
	}
	if !c.Recipient.Equal(GExp(dk)) {
		return "", invalidErr("a message was addressed to another trustee")
	}
	return c.Message, nil
}
