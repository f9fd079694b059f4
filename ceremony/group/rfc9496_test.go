package group

import (
	"bufio"
	"bytes"
	"crypto/sha512"
	"encoding/hex"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/edwards25519/field"
)

// wantVectorFiles is the number of RFC 9496 Appendix A cases for
// ristretto255: 16 (A.1) + 29 (A.2) + 11 (A.3) + 6 (A.4).
const wantVectorFiles = 62

var vectorKeys = map[string]bool{
	"name": true, "source": true, "kind": true, "comment": true, "input": true,
	"output": true, "expect": true, "label": true, "u": true, "v": true,
	"was_square": true,
}

func parseVector(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	kv := make(map[string]string)
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, ": ")
		if !ok {
			t.Fatalf("%s:%d: not a \"key: value\" line: %q", path, n, line)
		}
		if !vectorKeys[k] {
			t.Fatalf("%s:%d: unknown key %q", path, n, k)
		}
		if _, dup := kv[k]; dup {
			t.Fatalf("%s:%d: duplicate key %q", path, n, k)
		}
		kv[k] = v
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if kv["name"] != filepath.Base(path) {
		t.Fatalf("%s: name %q does not match the file name", path, kv["name"])
	}
	return kv
}

func mustHex(t *testing.T, kv map[string]string, key string, size int) []byte {
	t.Helper()
	v, ok := kv[key]
	if !ok {
		t.Fatalf("missing %q", key)
	}
	if v != strings.ToLower(v) {
		t.Fatalf("%s: hex is not lowercase", key)
	}
	b, err := hex.DecodeString(v)
	if err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	if len(b) != size {
		t.Fatalf("%s: %d bytes, want %d", key, len(b), size)
	}
	return b
}

func TestRFC9496Vectors(t *testing.T) {
	dir := filepath.Join("testdata", "rfc9496")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	kinds := make(map[string]int)
	n := 0
	for _, ent := range entries {
		if ent.IsDir() || ent.Name() == "README.md" {
			continue
		}
		n++
		path := filepath.Join(dir, ent.Name())
		t.Run(ent.Name(), func(t *testing.T) {
			kv := parseVector(t, path)
			kinds[kv["kind"]]++
			switch kv["kind"] {
			case "encode":
				testEncodeVector(t, kv)
			case "decode":
				testDecodeVector(t, kv)
			case "hash-to-group":
				testHashToGroupVector(t, kv)
			case "sqrt-ratio-m1":
				testSqrtRatioVector(t, kv)
			default:
				t.Fatalf("unknown kind %q", kv["kind"])
			}
		})
	}
	if n < wantVectorFiles {
		t.Errorf("found %d vector files in %s, want at least %d", n, dir, wantVectorFiles)
	}
	want := map[string]int{"encode": 16, "decode": 29, "hash-to-group": 11, "sqrt-ratio-m1": 6}
	for k, c := range want {
		if kinds[k] < c {
			t.Errorf("found %d %q vectors, want at least %d", kinds[k], k, c)
		}
	}
}

func testEncodeVector(t *testing.T, kv map[string]string) {
	kb := mustHex(t, kv, "input", ScalarSize)
	want := mustHex(t, kv, "output", ElementSize)
	k, err := NewScalar().SetCanonicalBytes(kb)
	if err != nil {
		t.Fatal(err)
	}
	small := new(big.Int).SetBytes(reverse(kb))
	if !small.IsInt64() || small.Int64() > 64 {
		t.Fatalf("input scalar %v is not a small multiple", small)
	}
	g := NewGeneratorElement()

	sum := NewIdentityElement()
	for range small.Int64() {
		sum.Add(sum, g)
	}
	results := map[string]*Element{
		"repeated addition":           sum,
		"ScalarBaseMult":              new(Element).ScalarBaseMult(k),
		"ScalarMult":                  new(Element).ScalarMult(k, g),
		"VarTimeDoubleScalarBaseMult": new(Element).VarTimeDoubleScalarBaseMult(k, g, NewScalar()),
		"MultiScalarMult":             new(Element).MultiScalarMult([]*Scalar{k}, []*Element{g}),
		"VarTimeMultiScalarMult":      new(Element).VarTimeMultiScalarMult([]*Scalar{k}, []*Element{g}),
	}
	for name, e := range results {
		if got := e.Bytes(); !bytes.Equal(got, want) {
			t.Errorf("%s: got %x, want %x", name, got, want)
		}
	}

	d, err := new(Element).SetCanonicalBytes(want)
	if err != nil {
		t.Fatalf("decoding the output: %v", err)
	}
	if got := d.Bytes(); !bytes.Equal(got, want) {
		t.Errorf("re-encoding: got %x, want %x", got, want)
	}
	if d.Equal(sum) != 1 || sum.Equal(d) != 1 {
		t.Errorf("decoded element is not Equal to the computed one")
	}
	if d.IsIdentity() != (small.Sign() == 0) {
		t.Errorf("IsIdentity = %v for multiple %v", d.IsIdentity(), small)
	}
}

func testDecodeVector(t *testing.T, kv map[string]string) {
	in := mustHex(t, kv, "input", ElementSize)
	e := NewGeneratorElement()
	got, err := e.SetCanonicalBytes(in)
	expect, wantErr := kv["expect"]
	if wantErr {
		if _, ok := kv["output"]; ok {
			t.Fatal("case has both output and expect")
		}
		if err == nil {
			t.Fatalf("decoding succeeded (%x), want error %q", got.Bytes(), expect)
		}
		if got != nil {
			t.Errorf("returned a non-nil element with error %v", err)
		}
		if err.Error() != expect {
			t.Errorf("error %q, want %q", err, expect)
		}
		if e.Equal(NewGeneratorElement()) != 1 {
			t.Errorf("receiver was modified by a failed decode")
		}
		return
	}
	want := mustHex(t, kv, "output", ElementSize)
	if err != nil {
		t.Fatalf("decoding failed: %v", err)
	}
	if b := got.Bytes(); !bytes.Equal(b, want) {
		t.Errorf("re-encoding: got %x, want %x", b, want)
	}
}

func testHashToGroupVector(t *testing.T, kv map[string]string) {
	in := mustHex(t, kv, "input", 64)
	want := mustHex(t, kv, "output", ElementSize)
	if label, ok := kv["label"]; ok {
		h := sha512.Sum512([]byte(label))
		if !bytes.Equal(h[:], in) {
			t.Errorf("SHA-512(label) = %x, want input %x", h, in)
		}
	}
	e, err := new(Element).SetUniformBytes(in)
	if err != nil {
		t.Fatal(err)
	}
	if got := e.Bytes(); !bytes.Equal(got, want) {
		t.Errorf("got %x, want %x", got, want)
	}
	d, err := new(Element).SetCanonicalBytes(want)
	if err != nil {
		t.Fatalf("decoding the output: %v", err)
	}
	if d.Equal(e) != 1 {
		t.Errorf("decoded output is not Equal to the derived element")
	}
}

func testSqrtRatioVector(t *testing.T, kv map[string]string) {
	ub := mustHex(t, kv, "u", 32)
	vb := mustHex(t, kv, "v", 32)
	want := mustHex(t, kv, "output", 32)
	var wantSquare int
	switch kv["was_square"] {
	case "true":
		wantSquare = 1
	case "false":
		wantSquare = 0
	default:
		t.Fatalf("was_square: %q is not true or false", kv["was_square"])
	}
	u, err := new(field.Element).SetBytes(ub)
	if err != nil {
		t.Fatal(err)
	}
	v, err := new(field.Element).SetBytes(vb)
	if err != nil {
		t.Fatal(err)
	}
	wasSquare, r := sqrtRatioM1(u, v)
	if wasSquare != wantSquare {
		t.Errorf("was_square = %d, want %d", wasSquare, wantSquare)
	}
	if got := r.Bytes(); !bytes.Equal(got, want) {
		t.Errorf("r = %x, want %x", got, want)
	}
}

func reverse(b []byte) []byte {
	r := make([]byte, len(b))
	for i := range b {
		r[len(b)-1-i] = b[i]
	}
	return r
}

// TestConstants checks the constants of RFC 9496, Section 4.1 against the
// decimal values printed in the RFC and against their definitions.
func TestConstants(t *testing.T) {
	p, _ := new(big.Int).SetString("57896044618658097711785492504343953926634992332820282019728792003956564819949", 10)
	toBig := func(fe *field.Element) *big.Int { return new(big.Int).SetBytes(reverse(fe.Bytes())) }
	dec := func(s string) *big.Int {
		n, ok := new(big.Int).SetString(s, 10)
		if !ok {
			t.Fatalf("bad decimal %q", s)
		}
		return n
	}
	cases := []struct {
		name string
		fe   *field.Element
		dec  string
	}{
		{"D", feD, "37095705934669439343138083508754565189542113879843219016388785533085940283555"},
		{"SQRT_M1", feSqrtM1, "19681161376707505956807079304988542015446066515923890162744021073123829784752"},
		{"SQRT_AD_MINUS_ONE", feSqrtADMinusOne, "25063068953384623474111414158702152701244531502492656460079210482610430750235"},
		{"INVSQRT_A_MINUS_D", feInvSqrtAMinusD, "54469307008909316920995813868745141605393597292927456921205312896311721017578"},
		{"ONE_MINUS_D_SQ", feOneMinusDSQ, "1159843021668779879193775521855586647937357759715417654439879720876111806838"},
		{"D_MINUS_ONE_SQ", feDMinusOneSQ, "40440834346308536858101042469323190826248399146238708352240133220865137265952"},
	}
	for _, c := range cases {
		if got := toBig(c.fe); got.Cmp(dec(c.dec)) != 0 {
			t.Errorf("%s = %v, want %s", c.name, got, c.dec)
		}
	}

	mod := func(x *big.Int) *big.Int { return x.Mod(x, p) }
	d := toBig(feD)
	// d = -121665/121666
	inv := new(big.Int).ModInverse(big.NewInt(121666), p)
	if want := mod(new(big.Int).Mul(big.NewInt(-121665), inv)); d.Cmp(want) != 0 {
		t.Errorf("D != -121665/121666")
	}
	sq := func(x *big.Int) *big.Int { return mod(new(big.Int).Mul(x, x)) }
	if sq(toBig(feSqrtM1)).Cmp(mod(big.NewInt(-1))) != 0 {
		t.Errorf("SQRT_M1^2 != -1")
	}
	// a = -1: SQRT_AD_MINUS_ONE^2 = a*d - 1 = -d - 1.
	if sq(toBig(feSqrtADMinusOne)).Cmp(mod(new(big.Int).Sub(new(big.Int).Neg(d), big.NewInt(1)))) != 0 {
		t.Errorf("SQRT_AD_MINUS_ONE^2 != a*d - 1")
	}
	// INVSQRT_A_MINUS_D^2 * (a - d) = 1.
	aMinusD := mod(new(big.Int).Sub(big.NewInt(-1), d))
	if mod(new(big.Int).Mul(sq(toBig(feInvSqrtAMinusD)), aMinusD)).Cmp(big.NewInt(1)) != 0 {
		t.Errorf("INVSQRT_A_MINUS_D^2 * (a - d) != 1")
	}
	if toBig(feOneMinusDSQ).Cmp(mod(new(big.Int).Sub(big.NewInt(1), sq(d)))) != 0 {
		t.Errorf("ONE_MINUS_D_SQ != 1 - d^2")
	}
	if toBig(feDMinusOneSQ).Cmp(sq(new(big.Int).Sub(d, big.NewInt(1)))) != 0 {
		t.Errorf("D_MINUS_ONE_SQ != (d - 1)^2")
	}
}
