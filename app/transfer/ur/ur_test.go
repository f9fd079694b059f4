package ur

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

func collect(e *Encoder, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = e.NextPart()
	}
	return out
}

func TestSinglePartRoundTrip(t *testing.T) {
	msg := []byte("a short conclave message")
	e := NewEncoder(Type, msg, 300)
	if !e.SinglePart() || e.SeqLen() != 1 {
		t.Fatalf("want single part, seqLen %d", e.SeqLen())
	}
	p := e.NextPart()
	if p != strings.ToUpper(p) || !strings.HasPrefix(p, "UR:CONCLAVE/") || strings.Count(p, "/") != 1 {
		t.Fatalf("bad single part %q", p)
	}
	if p2 := e.NextPart(); p2 != p {
		t.Fatal("single part changes between calls")
	}
	for _, in := range []string{p, strings.ToLower(p), "  " + p + "\r\n"} {
		d := NewDecoder()
		if err := d.Receive(in); err != nil {
			t.Fatal(err)
		}
		if have, need := d.Progress(); !d.Done() || have != 1 || need != 1 {
			t.Fatalf("progress %d/%d done %v", have, need, d.Done())
		}
		typ, got, err := d.Result()
		if err != nil || typ != Type || !bytes.Equal(got, msg) {
			t.Fatalf("%q %q %v", typ, got, err)
		}
	}
}

func TestUpperCaseAlphanumericOnly(t *testing.T) {
	e := NewEncoder(Type, randMessage(1, 2000), 100)
	for _, p := range collect(e, 3*e.SeqLen()) {
		for _, c := range p {
			if !strings.ContainsRune("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-/:", c) {
				t.Fatalf("part %q has %q, not in QR alphanumeric set", p, c)
			}
		}
	}
}

// A 50 KB random message survives parts shuffled with 20% dropped.
func TestFiftyKBShuffledLossy(t *testing.T) {
	msg := randMessage(50, 50*1024)
	for _, maxFrag := range []int{100, 300, 1000} {
		e := NewEncoder(Type, msg, maxFrag)
		parts := collect(e, 2*e.SeqLen())
		r := rand.New(rand.NewPCG(uint64(maxFrag), 7))
		r.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
		parts = parts[:len(parts)*8/10] // drop 20%
		d := NewDecoder()
		used := 0
		for _, p := range parts {
			if err := d.Receive(p); err != nil {
				t.Fatal(err)
			}
			used++
			if d.Done() {
				break
			}
		}
		_, got, err := d.Result()
		if err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("maxFrag %d: %v", maxFrag, err)
		}
		t.Logf("maxFrag %d: seqLen %d, rebuilt from %d shuffled parts (%.2fx)", maxFrag, e.SeqLen(), used, float64(used)/float64(e.SeqLen()))
	}
}

func TestForeignPartRefused(t *testing.T) {
	a := NewEncoder(Type, randMessage(1, 3000), 200)
	b := NewEncoder(Type, randMessage(2, 3000), 200)
	c := NewEncoder("other", randMessage(1, 3000), 200)
	d := NewDecoder()
	if err := d.Receive(a.NextPart()); err != nil {
		t.Fatal(err)
	}
	have, need := d.Progress()
	for _, foreign := range []string{b.NextPart(), c.NextPart(), EncodeSingle(Type, []byte("x"))} {
		err := d.Receive(foreign)
		if !errors.Is(err, ErrForeignPart) {
			t.Fatalf("foreign part: %v", err)
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "ur: this code belongs to another message: ") || !strings.Contains(msg, "start a new scan") {
			t.Fatalf("unclear message: %s", msg)
		}
		if h, n := d.Progress(); h != have || n != need {
			t.Fatal("foreign part changed the state")
		}
	}
	t.Log(d.Receive(b.NextPart()))
	// The rest of message a still completes.
	for !d.Done() {
		if err := d.Receive(a.NextPart()); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := d.Result(); err != nil {
		t.Fatal(err)
	}
	// After completion, a foreign part is still refused, our own ignored.
	if err := d.Receive(b.NextPart()); !errors.Is(err, ErrForeignPart) {
		t.Fatal(err)
	}
	if err := d.Receive(a.NextPart()); err != nil {
		t.Fatal(err)
	}
}

func TestCorruptPartRefused(t *testing.T) {
	e := NewEncoder(Type, randMessage(3, 2000), 200)
	p := e.NextPart()
	// Change one letter of the body to another valid byteword letter pair.
	i := strings.LastIndex(p, "/") + 10
	q := []byte(p)
	if q[i] == 'A' {
		q[i] = 'B'
	} else {
		q[i] = 'A'
	}
	d := NewDecoder()
	err := d.Receive(string(q))
	if !errors.Is(err, ErrCorruptPart) {
		t.Fatalf("corrupted part: %v", err)
	}
	if !strings.HasPrefix(err.Error(), "ur: this code is damaged") || !strings.Contains(err.Error(), "scan it again") {
		t.Fatalf("unclear: %s", err)
	}
	t.Log(err)
	if d.Started() {
		t.Fatal("corrupted part was accepted")
	}
	for _, bad := range []string{
		"", "hello", "http://x", "ur:", "ur:conclave", "ur:Con clave/aeae", "ur:conclave/1-2/3/4",
		"ur:conclave/0-2/lpad", "ur:conclave/x-2/lpad", "ur:conclave/1-2/lpadaobbcyrhdpdwlggeaebycpeofygoiyktlonlglwncpeo",
		p[:len(p)-2], p + "AE",
	} {
		if err := d.Receive(bad); err == nil || !strings.HasPrefix(err.Error(), "ur: ") {
			t.Fatalf("%q: %v", bad, err)
		}
	}
	// Label disagreeing with content.
	swapped := strings.Replace(p, "/1-", "/2-", 1)
	if err := d.Receive(swapped); !errors.Is(err, ErrCorruptPart) {
		t.Fatalf("swapped label: %v", err)
	}
}

func TestTruncatedSequenceReported(t *testing.T) {
	e := NewEncoder(Type, randMessage(4, 5000), 100)
	d := NewDecoder()
	if _, _, err := d.Result(); !errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), "no code has been read yet") {
		t.Fatal(err)
	}
	parts := collect(e, e.SeqLen())
	for i, p := range parts {
		if i == 3 || i == 17 || i == 40 {
			continue
		}
		if err := d.Receive(p); err != nil {
			t.Fatal(err)
		}
	}
	have, need := d.Progress()
	if have != e.SeqLen()-3 || need != e.SeqLen() || d.Done() {
		t.Fatalf("progress %d/%d", have, need)
	}
	_, _, err := d.Result()
	if !errors.Is(err, ErrIncomplete) {
		t.Fatal(err)
	}
	want := "ur: the message is incomplete: 47 of 50 parts recovered, missing parts 4, 18, 41; keep scanning"
	if !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("got  %s\nwant %s...", err, want)
	}
	if m := d.Missing(); len(m) != 3 || m[0] != 4 || m[1] != 18 || m[2] != 41 {
		t.Fatal(m)
	}
	// Fountain parts fill the gaps.
	for !d.Done() {
		if err := d.Receive(e.NextPart()); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := d.Result(); err != nil {
		t.Fatal(err)
	}
}

// Parts whose CRC and shape are right but whose content was altered before
// encoding (a forged part) are caught by the whole-message checksum.
func TestWholeChecksumFailure(t *testing.T) {
	msg := randMessage(5, 1000)
	e := NewEncoder(Type, msg, 100)
	d := NewDecoder()
	var err error
	for i := 0; i < e.SeqLen(); i++ {
		p := e.fe.nextPart()
		if i == 2 {
			p.fragment[0] ^= 1
		}
		s := strings.ToUpper("ur:" + Type + "/" + itoa(int(p.seqNum)) + "-" + itoa(p.seqLen) + "/" + BytewordsEncode(Minimal, p.cbor()))
		err = d.Receive(s)
	}
	if !errors.Is(err, ErrChecksum) || !d.Done() {
		t.Fatalf("%v", err)
	}
	if _, _, err := d.Result(); !errors.Is(err, ErrChecksum) || !strings.Contains(err.Error(), "start the scan again") {
		t.Fatal(err)
	}
	d.Reset()
	if d.Started() {
		t.Fatal("reset")
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

func TestSinglePartOfMultipartMessage(t *testing.T) {
	msg := randMessage(6, 1000)
	e := NewEncoder(Type, msg, 100)
	d := NewDecoder()
	if err := d.Receive(e.NextPart()); err != nil {
		t.Fatal(err)
	}
	if err := d.Receive(EncodeSingle(Type, msg)); err != nil {
		t.Fatal(err)
	}
	if _, got, err := d.Result(); err != nil || !bytes.Equal(got, msg) {
		t.Fatal(err)
	}
	if err := d.Receive(e.NextPart()); err != nil {
		t.Fatal(err)
	}
}

func TestNewEncoderPanics(t *testing.T) {
	for _, c := range []struct {
		typ string
		msg []byte
	}{{"Conclave", []byte("x")}, {"", []byte("x")}, {Type, nil}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewEncoder(%q, %d bytes) did not panic", c.typ, len(c.msg))
				}
			}()
			NewEncoder(c.typ, c.msg, 100)
		}()
	}
}

func BenchmarkEncodePart(b *testing.B) {
	e := NewEncoder(Type, randMessage(1, 50*1024), 300)
	b.ReportAllocs()
	for b.Loop() {
		_ = e.NextPart()
	}
}

func BenchmarkDecode50KB(b *testing.B) {
	msg := randMessage(1, 50*1024)
	e := NewEncoder(Type, msg, 300)
	parts := collect(e, 3*e.SeqLen())
	r := rand.New(rand.NewPCG(1, 2))
	r.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
	b.ResetTimer()
	for b.Loop() {
		d := NewDecoder()
		for _, p := range parts {
			if d.Receive(p) != nil || d.Done() {
				break
			}
		}
		if !d.Done() {
			b.Fatal("not done")
		}
	}
}

func TestMultiDecoder(t *testing.T) {
	a, b := randMessage(11, 2000), randMessage(12, 900)
	pa := collect(NewEncoder(Type, a, 100), 40)
	pb := collect(NewEncoder(Type, b, 100), 20)
	var m MultiDecoder
	for i := 0; i < 40; i++ {
		if _, err := m.Receive(pa[i]); err != nil {
			t.Fatal(err)
		}
		if i < 20 {
			if _, err := m.Receive(pb[i]); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := m.Receive("UR:CONCLAVE/1-3/LPADAX"); !errors.Is(err, ErrCorruptPart) {
		t.Fatal(err)
	}
	ds := m.Decoders()
	if len(ds) != 2 {
		t.Fatalf("%d decoders", len(ds))
	}
	for i, want := range [][]byte{a, b} {
		if _, got, err := ds[i].Result(); err != nil || !bytes.Equal(got, want) {
			t.Fatalf("message %d: %v", i, err)
		}
	}
}
