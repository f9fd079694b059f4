package ceremony

import (
	"encoding/hex"
	"encoding/json"
	"reflect"
	"strings"
	"time"
	"unicode"
)

// bodyTypes maps each kind to its body type.
var bodyTypes = map[Kind]reflect.Type{
	KindCall: reflect.TypeFor[Call](), KindCard: reflect.TypeFor[Card](), KindManifest: reflect.TypeFor[Manifest](),
	KindDeal: reflect.TypeFor[Deal](), KindComplaints: reflect.TypeFor[Complaints](), KindReveal: reflect.TypeFor[Reveal](),
	KindOpen: reflect.TypeFor[Open](), KindRecover: reflect.TypeFor[Recover](),
	KindConfirm: reflect.TypeFor[Confirm](), KindBundle: reflect.TypeFor[Bundle](), KindElectionKey: reflect.TypeFor[ElectionKeyFile](),
	KindRequest: reflect.TypeFor[Request](), KindAnswer: reflect.TypeFor[Answer](), KindResult: reflect.TypeFor[Result](),
}

// snake turns a Go field name into the JSON name: "ElectionKey" → "election_key".
func snake(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if unicode.IsUpper(r) {
			if i > 0 && (unicode.IsLower(rs[i-1]) || (i+1 < len(rs) && unicode.IsLower(rs[i+1]))) {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// jsonValue converts a decoded body to JSON-ready values: structs become
// objects with snake_case names, byte strings lower-case hex.
func jsonValue(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Struct:
		m := map[string]any{}
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if f.Name == "_" || !f.IsExported() {
				continue
			}
			m[snake(f.Name)] = jsonValue(v.Field(i))
		}
		return m
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return hex.EncodeToString(v.Bytes())
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = jsonValue(v.Index(i))
		}
		return out
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return v.Bool()
	case reflect.Uint64, reflect.Uint:
		return v.Uint()
	case reflect.Int64, reflect.Int:
		return v.Int()
	}
	return v.Interface()
}

// ExportJSON renders a record as JSON (format conclave-record/v1,
// docs/formats.md): every message with its identifier, its envelope fields,
// its decoded body and its canonical encoding, so that auditors' own tools
// can work from it. Files that are not messages are left out. A file read
// in chunks (Source) is read whole: the export holds every byte of the
// record, in hexadecimal.
func ExportJSON(files []RecordFile) ([]byte, error) {
	type msg struct {
		File        string `json:"file"`
		ID          string `json:"id"`
		Fingerprint string `json:"fingerprint"`
		Kind        Kind   `json:"kind"`
		Sender      uint64 `json:"sender"`
		Ceremony    string `json:"ceremony"`
		Signature   string `json:"signature"`
		Body        any    `json:"body"`
		Encoded     string `json:"encoded"`
	}
	out := struct {
		Format      string       `json:"format"`
		Ceremony    string       `json:"ceremony,omitempty"`
		Fingerprint string       `json:"fingerprint,omitempty"`
		Title       string       `json:"title,omitempty"`
		Members     []MemberJSON `json:"members"`
		Threshold   uint64       `json:"threshold,omitempty"`
		Close       string       `json:"close_of_poll,omitempty"`
		Messages    []msg        `json:"messages"`
	}{Format: "conclave-record/v1", Members: []MemberJSON{}, Messages: []msg{}}
	for _, f := range files {
		data, err := f.bytes()
		if err != nil {
			return nil, err
		}
		e, err := ParseEnvelope(data)
		if err != nil {
			continue
		}
		body := reflect.New(bodyTypes[e.Kind])
		if err := e.DecodeBody(body.Interface()); err != nil {
			continue
		}
		id := e.ID()
		out.Messages = append(out.Messages, msg{File: f.Name, ID: hex.EncodeToString(id[:]), Fingerprint: id.Fingerprint(),
			Kind: e.Kind, Sender: e.Sender, Ceremony: hex.EncodeToString(e.Ceremony), Signature: hex.EncodeToString(e.Signature),
			Body: jsonValue(body.Elem()), Encoded: hex.EncodeToString(data)})
		if e.Kind == KindManifest {
			call, _, members, cid, err := ParseManifest(e) // cid: the ceremony ID
			if err == nil {
				out.Ceremony, out.Fingerprint, out.Title = hex.EncodeToString(cid[:]), cid.Fingerprint(), call.Title
				out.Threshold, out.Close = call.Threshold, time.Unix(call.Close, 0).UTC().Format(time.RFC3339)
				for _, m := range members {
					out.Members = append(out.Members, MemberJSON{Index: m.Index, Name: m.Name, SigningKey: hex.EncodeToString(m.SigningKey),
						KEM: m.KEM, EncryptionKey: hex.EncodeToString(m.EncryptionKey), Card: hex.EncodeToString(m.Card[:])})
				}
			}
		}
	}
	return json.Marshal(&out)
}

// MemberJSON describes a member in the JSON export.
type MemberJSON struct {
	Index         uint64 `json:"index"`
	Name          string `json:"name"`
	SigningKey    string `json:"signing_key"`
	KEM           uint64 `json:"kem"`
	EncryptionKey string `json:"encryption_key"`
	Card          string `json:"card"`
}
