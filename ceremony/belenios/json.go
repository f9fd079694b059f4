package belenios

import (
	"bytes"
	"encoding/json"
	"io"
)

// MarshalJSON writes p as a JSON string of its hex form.
func (p *Point) MarshalJSON() ([]byte, error) { return []byte(`"` + p.String() + `"`), nil }

// UnmarshalJSON reads a point strictly (ParsePoint).
func (p *Point) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return formatErr("a point is a JSON string")
	}
	q, err := ParsePoint(s)
	if err != nil {
		return err
	}
	*p = *q
	return nil
}

// MarshalJSON writes x as a JSON string of its decimal form.
func (x *Scalar) MarshalJSON() ([]byte, error) { return []byte(`"` + x.String() + `"`), nil }

// UnmarshalJSON reads a scalar strictly (ParseScalar).
func (x *Scalar) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return formatErr("a scalar is a JSON string")
	}
	y, err := ParseScalar(s)
	if err != nil {
		return err
	}
	*x = *y
	return nil
}

// marshal writes v as Belenios does: compact JSON, fields in declaration
// order, no HTML escaping, no trailing newline (spec §Conventions).
func marshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("belenios: cannot encode: " + err.Error())
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// Marshal returns the canonical JSON of a Belenios message.
func Marshal(v any) []byte { return marshal(v) }

// decode reads exactly one JSON value into v, refusing unknown fields and
// trailing data; when canonical, the bytes must also be exactly what
// marshal(v) writes (so no other spelling, order, spacing or duplicate
// field is accepted).
func decode(data []byte, v any, what string, canonical bool) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return formatErr("%s: %v", what, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return formatErr("%s: trailing data", what)
	}
	if canonical && !bytes.Equal(marshal(v), data) {
		return formatErr("%s is not in Belenios's canonical form", what)
	}
	return nil
}

// decodeSecret is decode for bytes that may hold a secret: the error says
// what was malformed, never where or which character.
func decodeSecret(data []byte, v any, what string) error {
	if err := decode(data, v, what, true); err != nil {
		return formatErr("%s is malformed or not in canonical form", what)
	}
	return nil
}
