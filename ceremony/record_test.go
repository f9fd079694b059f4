package ceremony

import (
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseFingerprintAsTyped(t *testing.T) {
	for _, in := range []string{"EN1G-04FH-EA30-GHV0", "en1g04fhea30ghv0", " en1g 04fh ea30 ghv0 ", "EN1G–04FH–EA30–GHV0", "ENlG-o4FH-EA3O-GHV0", "EN1G-04FH-EA30-GHV0\n"} {
		got, err := ParseFingerprint(in)
		if err != nil || got != "EN1G-04FH-EA30-GHV0" {
			t.Errorf("ParseFingerprint(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "EN1G-04FH-EA30", "EN1G-04FH-EA30-GHV0-0", "EN1G-04FH-EA30-GHVU", "EN1G-04FH-EA30-GHV!", "ÉN1G-04FH-EA30-GHV0"} {
		if _, err := ParseFingerprint(in); !errors.Is(err, ErrBadFingerprint) {
			t.Errorf("ParseFingerprint(%q) accepted, want ErrBadFingerprint", in)
		}
	}
}

func TestRecordIDIgnoresNamesOrderAndDuplicates(t *testing.T) {
	call := func(title string) []byte {
		e, err := NewCall(title, 3, 2, false, time.Unix(1800000000, 0), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return e.Bytes()
	}
	a, b := call("a"), call("b")
	id1, n1, err1 := RecordID([]RecordFile{{Name: "x", Data: a}, {Name: "y", Data: b}})
	id2, n2, err2 := RecordID([]RecordFile{{Name: "other", Data: b}, {Name: "name", Data: a}, {Name: "again", Data: a}, {Name: "junk", Data: []byte("not a message")}})
	if id1 != id2 || n1 != 2 || n2 != 2 || err1 != nil || err2 != nil {
		t.Fatalf("record IDs differ: %x (%d) and %x (%d) (%v, %v)", id1, n1, id2, n2, err1, err2)
	}
	id3, _, _ := RecordID([]RecordFile{{Name: "x", Data: a}})
	if id3 == id1 {
		t.Fatal("a record without one of its messages has the same record ID")
	}
}

// FuzzParseFingerprint: whatever people type, an accepted fingerprint is
// canonical (four groups of four Crockford characters), reads back as
// itself, and names the same value as what was typed once the separators
// and Crockford's aliases are taken out.
func FuzzParseFingerprint(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		fp, err := ParseFingerprint(s)
		if err != nil {
			if !errors.Is(err, ErrBadFingerprint) {
				t.Fatalf("error without ErrBadFingerprint: %v", err)
			}
			return
		}
		if len(fp) != 19 || fp[4] != '-' || fp[9] != '-' || fp[14] != '-' {
			t.Fatalf("%q read as %q, not in four groups of four", s, fp)
		}
		for i, r := range fp {
			if i%5 != 4 && !strings.ContainsRune(crockford, r) {
				t.Fatalf("%q read as %q, which holds %q", s, fp, r)
			}
		}
		if again, err := ParseFingerprint(fp); err != nil || again != fp {
			t.Fatalf("%q is not read back as itself: %q, %v", fp, again, err)
		}
		var typed strings.Builder
		for _, r := range strings.ToUpper(s) {
			if strings.ContainsRune(crockford, r) || strings.ContainsRune("OIL", r) {
				typed.WriteString(strings.NewReplacer("O", "0", "I", "1", "L", "1").Replace(string(r)))
			}
		}
		if typed.String() != strings.ReplaceAll(fp, "-", "") {
			t.Fatalf("%q read as %q", s, fp)
		}
	})
}
