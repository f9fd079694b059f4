package ceremony

import (
	"bytes"
	"reflect"

	"github.com/fxamacker/cbor/v2"
)

// The encoding of Secrets never leaves a copy of a secret behind
// (docs/threat-model.md, "Secrets in memory"): the CBOR library's Marshal
// encodes into pooled buffers that are never wiped, and the strict decoder
// re-encodes what it decoded to compare. So the secrets are encoded only
// into a buffer allocated here at its final size (it never grows, so no
// half-filled copy is abandoned), which the caller wipes, and the strict
// comparison re-encodes into such a buffer and wipes it.

// secretsBound is an upper bound of the encoded size of sec: a head of at
// most 9 bytes for the array, each field and each element, plus the
// content of byte and text strings. It follows the struct's fields by
// reflection, so that it stays right when fields are added; a field of a
// kind it does not know is measured by encoding it alone (such a field
// must not hold a secret).
func secretsBound(sec *Secrets) int {
	const head = 9
	v := reflect.ValueOf(sec).Elem()
	n := head
	for i := 0; i < v.NumField(); i++ {
		if f := v.Type().Field(i); f.Name == "_" || !f.IsExported() {
			continue // never encoded
		}
		n += valueBound(v.Field(i))
	}
	return n
}

func valueBound(f reflect.Value) int {
	const head = 9
	switch f.Kind() {
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Bool:
		return head
	case reflect.String:
		return head + f.Len()
	case reflect.Slice:
		if f.Type().Elem().Kind() == reflect.Uint8 {
			return head + f.Len()
		}
		n := head
		for j := 0; j < f.Len(); j++ {
			n += valueBound(f.Index(j))
		}
		return n
	}
	b, err := encMode.Marshal(f.Interface())
	if err != nil {
		return head
	}
	return len(b)
}

// encodeSecrets encodes sec into a new buffer of exactly the bound's
// capacity and returns the encoding (a prefix of that buffer).
func encodeSecrets(sec *Secrets) ([]byte, error) {
	own := make([]byte, 0, secretsBound(sec))
	buf := bytes.NewBuffer(own)
	err := encMode.(cbor.UserBufferEncMode).MarshalToBuffer(sec, buf)
	out := buf.Bytes()
	if cap(out) == 0 || &out[:1][0] != &own[:1][0] {
		// The buffer grew: the bound is wrong. Wipe both and refuse.
		clear(own[:cap(own)])
		clear(out[:cap(out)])
		return nil, errorf("internal error: the secrets' encoding outgrew its buffer")
	}
	if err != nil {
		clear(own[:cap(own)])
		return nil, err
	}
	return out, nil
}

// Marshal encodes the secrets for sealing in a keystore (deterministic
// CBOR, docs/protocol.md §4.1 and §9). The result holds the secrets in
// clear: the caller must wipe it (clear) once sealed; no other copy is left.
func (sec *Secrets) Marshal() []byte {
	b, err := encodeSecrets(sec)
	if err != nil {
		panic(err.Error())
	}
	return b
}

// ParseSecrets decodes secrets unsealed from a keystore, strictly (the
// deterministic encoding only, docs/protocol.md §4.1). b is left untouched;
// the caller wipes it, and calls Wipe on the result when done. On error
// nothing decoded is left in memory.
func ParseSecrets(b []byte) (*Secrets, error) {
	sec := new(Secrets)
	if err := decMode.Unmarshal(b, sec); err != nil {
		sec.Wipe()
		return nil, errorf("the keystore's content is not a member's secrets: it may be from another program")
	}
	re, err := encodeSecrets(sec)
	same := err == nil && bytes.Equal(re, b)
	clear(re)
	if !same {
		sec.Wipe()
		return nil, errorf("the keystore's content is not a member's secrets: it may be from another program")
	}
	if sec.Version != Version || len(sec.SigningSeed) != 32 || len(sec.EncryptionSeed) != 32 {
		sec.Wipe()
		return nil, errorf("the keystore's content is incomplete or from an unknown version")
	}
	return sec, nil
}
