package belenios

import (
	"bytes"
	"fmt"
)

// SecretMagic starts every Belenios trustee secret sealed in a Conclave
// keystore, so that it is never taken for a Conclave ceremony's secret nor
// the reverse.
const SecretMagic = "conclave-belenios-trustee 1\n"

// Secret is what a Conclave keystore seals for a Belenios trustee
// (docs/belenios.md, "Custody"). A threshold trustee holds its seed (from
// which its certificate keys derive) and, after step 5, its decryption key
// S_j; a Single trustee holds its private key x.
type Secret struct {
	Threshold bool
	Context   Context // threshold only
	Seed      []byte  // threshold only
	Key       *Scalar // S_j (nil before step 5) or x
}

// Marshal encodes the secret (lines "mode", "context", "seed", "key"
// after SecretMagic). The caller wipes the result.
func (s *Secret) Marshal() []byte {
	var b bytes.Buffer
	b.WriteString(SecretMagic)
	if s.Threshold {
		b.WriteString("mode threshold\ncontext " + s.Context.String() + "\nseed ")
		b.Write(s.Seed)
		b.WriteString("\n")
	} else {
		b.WriteString("mode single\n")
	}
	if s.Key != nil {
		b.WriteString("key " + s.Key.String() + "\n")
	}
	return b.Bytes()
}

// ErrNotBelenios is returned for a keystore that does not hold a Belenios
// trustee's secret (a Conclave ceremony member's keystore, say).
var ErrNotBelenios = fmt.Errorf("%w: this keystore is not a Belenios trustee's (it may be a Conclave ceremony member's): bring the keystore made by 'conclave belenios keygen'", ErrFormat)

// ParseSecret decodes a sealed secret strictly: it must encode back to the
// same bytes.
func ParseSecret(b []byte) (*Secret, error) {
	if !bytes.HasPrefix(b, []byte(SecretMagic)) {
		return nil, ErrNotBelenios
	}
	lines := bytes.Split(bytes.TrimSuffix(b[len(SecretMagic):], []byte("\n")), []byte("\n"))
	s := &Secret{}
	field := func(i int, name string) ([]byte, bool) {
		if i >= len(lines) {
			return nil, false
		}
		v, ok := bytes.CutPrefix(lines[i], []byte(name+" "))
		return v, ok
	}
	bad := formatErr("the keystore's Belenios secret is damaged")
	mode, ok := field(0, "mode")
	i := 1
	switch {
	case ok && string(mode) == "threshold":
		s.Threshold = true
		c, ok := field(1, "context")
		if !ok {
			return nil, bad
		}
		ctx, err := ParseContext(string(c))
		if err != nil {
			return nil, bad
		}
		s.Context = ctx
		seed, ok := field(2, "seed")
		if !ok || CheckSeed(seed) != nil {
			return nil, bad
		}
		s.Seed = bytes.Clone(seed)
		i = 3
	case ok && string(mode) == "single":
	default:
		return nil, bad
	}
	if k, ok := field(i, "key"); ok {
		x, err := ParseScalar(string(k))
		if err != nil {
			return nil, bad
		}
		s.Key = x
		i++
	}
	if i != len(lines) || (!s.Threshold && s.Key == nil) {
		return nil, bad
	}
	m := s.Marshal()
	same := bytes.Equal(m, b)
	clear(m)
	if !same {
		return nil, bad
	}
	return s, nil
}

// Wipe clears the secret.
func (s *Secret) Wipe() {
	clear(s.Seed)
	if s.Key != nil {
		s.Key.Wipe()
	}
}

// Keys derives a threshold trustee's certificate keys.
func (s *Secret) Keys() (*Keys, error) {
	if !s.Threshold {
		return nil, fmt.Errorf("belenios: this keystore holds a Single (non-threshold) key, not a threshold trustee's")
	}
	return DeriveKeys(s.Seed)
}

// String never shows the secret.
func (s *Secret) String() string {
	if s.Threshold {
		return "belenios threshold trustee " + s.Context.String()
	}
	return "belenios single trustee"
}
