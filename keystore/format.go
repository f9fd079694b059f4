package keystore

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"unicode"
	"unicode/utf8"

	"github.com/fxamacker/cbor/v2"
)

// File layout, format version 1 (normative text: docs/keystore.md).
//
//	offset      size  field
//	0           8     magic 89 43 4B 53 0D 0A 1A 0A
//	8           2     version, uint16 big-endian = 1
//	10          4     H = header length, uint32 big-endian
//	14          4     C = ciphertext length, uint32 big-endian
//	18          8     prefix check = SHA-256(bytes 0..17)[0:8]
//	26          H     header: deterministic CBOR map (keys 1..11)
//	26+H        C     XChaCha20-Poly1305 ciphertext of the secret, AD = bytes 0..26+H-1
//	26+H+C      32    file check = SHA-256(bytes 0..26+H+C-1)
const (
	// FormatVersion is the only format version this package writes and reads.
	FormatVersion = 1

	prefixLen     = 26
	fileCheckLen  = 32
	saltLen       = 16
	nonceLen      = 24
	keyLen        = 32
	keyCheckLen   = 16
	tagLen        = 16
	kdfArgon2id   = 1
	maxHeaderLen  = 4096
	maxCeremony   = 64
	maxName       = 256
	maxVerifKey   = 1024
	maxMember     = 65535
	maxSecretLen  = 1 << 20
	maxCipherLen  = maxSecretLen + tagLen
	maxFileLen    = prefixLen + maxHeaderLen + maxCipherLen + fileCheckLen
	minCipherLen  = 1 + tagLen
	prefixCheckSz = 8
)

// magic opens every keystore file. The 0x89 byte and the CR LF, ^Z, LF
// sequence (as in PNG) reveal 7-bit or text-mode transfers.
var magic = [8]byte{0x89, 'C', 'K', 'S', 0x0D, 0x0A, 0x1A, 0x0A}

// wireHeader is the clear header as encoded in the file. Every key is
// present, in this order (deterministic CBOR, RFC 8949 §4.2.1).
type wireHeader struct {
	Ceremony        []byte `cbor:"1,keyasint"`
	Member          uint64 `cbor:"2,keyasint"`
	Name            string `cbor:"3,keyasint"`
	VerificationKey []byte `cbor:"4,keyasint"`
	KDF             uint64 `cbor:"5,keyasint"`
	Time            uint64 `cbor:"6,keyasint"`
	MemoryKiB       uint64 `cbor:"7,keyasint"`
	Threads         uint64 `cbor:"8,keyasint"`
	Salt            []byte `cbor:"9,keyasint"`
	Nonce           []byte `cbor:"10,keyasint"`
	KeyCheck        []byte `cbor:"11,keyasint"`
}

var (
	encMode cbor.EncMode
	decMode cbor.DecMode
)

func init() {
	eo := cbor.CoreDetEncOptions()
	eo.NilContainers = cbor.NilContainerAsEmpty
	var err error
	if encMode, err = eo.EncMode(); err != nil {
		panic(err)
	}
	decMode, err = cbor.DecOptions{
		DupMapKey:         cbor.DupMapKeyEnforcedAPF,
		IndefLength:       cbor.IndefLengthForbidden,
		TagsMd:            cbor.TagsForbidden,
		ExtraReturnErrors: cbor.ExtraDecErrorUnknownField,
		MaxNestedLevels:   4,
		MaxMapPairs:       32,
		MaxArrayElements:  32,
		UTF8:              cbor.UTF8RejectInvalid,
	}.DecMode()
	if err != nil {
		panic(err)
	}
}

// sealedFile is a structurally valid keystore file (checksums verified,
// header decoded and validated). It holds no secret.
type sealedFile struct {
	raw    []byte     // the whole file
	hdr    wireHeader // decoded header
	adLen  int        // length of the associated data: prefix + header
	cipher []byte     // ciphertext (slice of raw)
}

func prefixCheck(first18 []byte) []byte {
	sum := sha256.Sum256(first18)
	return sum[:prefixCheckSz]
}

// decodeFile parses and checks a whole keystore file without the passphrase.
// Each failure maps to one sentinel, decided in this order (normative):
// not-a-keystore / truncated / unknown version / damaged / malformed.
func decodeFile(b []byte) (*sealedFile, error) {
	if len(b) < len(magic) {
		if bytes.HasPrefix(magic[:], b) {
			if len(b) == 0 {
				return nil, newErr(ErrTruncated, "the key file is empty (cut short, e.g. the stick was pulled during a copy): use your backup copy")
			}
			return nil, ErrTruncated
		}
		return nil, ErrNotKeystore
	}
	if !bytes.Equal(b[:8], magic[:]) {
		// A keystore whose signature bytes alone were damaged still has a
		// valid prefix check once the signature is restored.
		if len(b) >= prefixLen {
			var p [18]byte
			copy(p[:], magic[:])
			copy(p[8:], b[8:18])
			if subtle.ConstantTimeCompare(prefixCheck(p[:]), b[18:26]) == 1 {
				return nil, newErr(ErrDamaged, "the key file is damaged (its signature bytes are altered): use your backup copy")
			}
		}
		return nil, ErrNotKeystore
	}
	if len(b) < 10 {
		return nil, ErrTruncated
	}
	if v := binary.BigEndian.Uint16(b[8:10]); v != FormatVersion {
		// Distinguish a damaged version field of a version-1 file from a
		// genuinely different version: the v1 prefix check covers it.
		if len(b) >= prefixLen {
			var p [18]byte
			copy(p[:], b[:18])
			binary.BigEndian.PutUint16(p[8:10], FormatVersion)
			if subtle.ConstantTimeCompare(prefixCheck(p[:]), b[18:26]) == 1 {
				return nil, newErr(ErrDamaged, "the key file is damaged (its version field is altered): use your backup copy")
			}
		}
		return nil, newErr(ErrUnknownVersion, "the key file uses format version %d, which this Conclave cannot read (it reads version %d): open it with a newer Conclave, or use your backup copy if it is damaged", v, FormatVersion)
	}
	if len(b) < prefixLen {
		return nil, ErrTruncated
	}
	if !bytes.Equal(prefixCheck(b[:18]), b[18:26]) {
		return nil, ErrDamaged
	}
	h := uint64(binary.BigEndian.Uint32(b[10:14]))
	c := uint64(binary.BigEndian.Uint32(b[14:18]))
	if h == 0 || h > maxHeaderLen || c < minCipherLen || c > maxCipherLen {
		return nil, newErr(ErrMalformed, "the key file declares impossible lengths although its checksum is intact: it was not written by Conclave; use your backup copy")
	}
	total := prefixLen + h + c + fileCheckLen
	if uint64(len(b)) < total {
		return nil, ErrTruncated
	}
	if uint64(len(b)) > total {
		return nil, newErr(ErrDamaged, "the key file is damaged (it has extra bytes after its end): use your backup copy")
	}
	body := b[:total-fileCheckLen]
	sum := sha256.Sum256(body)
	if !bytes.Equal(sum[:], b[total-fileCheckLen:]) {
		return nil, ErrDamaged
	}
	hb := b[prefixLen : prefixLen+h]
	var wh wireHeader
	if err := decMode.Unmarshal(hb, &wh); err != nil {
		return nil, ErrMalformed
	}
	// Strictness: the header must be exactly the deterministic encoding of
	// what it decodes to (all keys present, no extra key, shortest forms,
	// no null for an empty byte string, ...).
	re, err := encMode.Marshal(&wh)
	if err != nil || !bytes.Equal(re, hb) {
		return nil, newErr(ErrMalformed, "the key file's header is not in canonical form although its checksum is intact: it was not written by Conclave; use your backup copy")
	}
	if err := validateWire(&wh); err != nil {
		return nil, err
	}
	return &sealedFile{
		raw:    b,
		hdr:    wh,
		adLen:  int(prefixLen + h),
		cipher: b[prefixLen+h : prefixLen+h+c],
	}, nil
}

// validateWire checks every header field of a decoded file.
func validateWire(w *wireHeader) error {
	bad := func(what string) error {
		return newErr(ErrMalformed, "the key file's header has an invalid %s although its checksum is intact: it was not written by Conclave; use your backup copy", what)
	}
	if len(w.Ceremony) > maxCeremony {
		return bad("ceremony ID")
	}
	if w.Member > maxMember {
		return bad("member index")
	}
	if checkName(w.Name) != nil {
		return bad("member name")
	}
	if len(w.VerificationKey) > maxVerifKey {
		return bad("verification key")
	}
	if w.KDF != kdfArgon2id {
		return bad("key-derivation algorithm")
	}
	if w.Time > 0xFFFFFFFF || w.MemoryKiB > 0xFFFFFFFF || w.Threads > 0xFF ||
		checkKDF(KDFParams{Time: uint32(w.Time), MemoryKiB: uint32(w.MemoryKiB), Threads: uint8(w.Threads)}) != nil {
		return bad("key-derivation parameters")
	}
	if len(w.Salt) != saltLen || len(w.Nonce) != nonceLen || len(w.KeyCheck) != keyCheckLen {
		return bad("salt, nonce or key check length")
	}
	return nil
}

// checkName accepts UTF-8 names up to maxName bytes without control or
// bidirectional-override characters (they would let a name spoof the
// display of "this stick holds the key of member X").
func checkName(s string) error {
	if len(s) > maxName || !utf8.ValidString(s) {
		return ErrInvalidArgument
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == utf8.RuneError {
			return ErrInvalidArgument
		}
	}
	return nil
}

// encodeFile builds a whole file. seal receives the associated data (prefix
// and header) and must return the ciphertext of exactly cipherLen bytes.
func encodeFile(w *wireHeader, cipherLen int, seal func(ad []byte) ([]byte, error)) ([]byte, error) {
	hb, err := encMode.Marshal(w)
	if err != nil {
		return nil, err
	}
	if len(hb) > maxHeaderLen || cipherLen < minCipherLen || cipherLen > maxCipherLen {
		return nil, ErrInvalidArgument
	}
	out := make([]byte, 0, prefixLen+len(hb)+cipherLen+fileCheckLen)
	out = append(out, magic[:]...)
	out = binary.BigEndian.AppendUint16(out, FormatVersion)
	out = binary.BigEndian.AppendUint32(out, uint32(len(hb)))
	out = binary.BigEndian.AppendUint32(out, uint32(cipherLen))
	out = append(out, prefixCheck(out[:18])...)
	out = append(out, hb...)
	ct, err := seal(out)
	if err != nil {
		return nil, err
	}
	if len(ct) != cipherLen {
		return nil, ErrInvalidArgument
	}
	out = append(out, ct...)
	sum := sha256.Sum256(out)
	return append(out, sum[:]...), nil
}
