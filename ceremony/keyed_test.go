package ceremony

import (
	"errors"
	"io/fs"
	"testing"
)

// TestKeyedError: a refusal keeps today's English with one package prefix,
// its key has none, and errors.Is sees the sentinels and causes it wraps.
func TestKeyedError(t *testing.T) {
	err := errorf("cannot read %s: %w", "x.cbor", fs.ErrNotExist)
	if got := err.Error(); got != "ceremony: cannot read x.cbor: file does not exist" {
		t.Fatalf("Error() = %q", got)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatal("not an *Error")
	}
	if format, args := e.Key(); format != "cannot read %s: %w" || len(args) != 2 {
		t.Fatalf("Key() = %q %v", format, args)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("errors.Is lost the cause")
	}
	// A sentinel that starts the message carries the prefix: not twice.
	_, err = ParseFingerprint("0000")
	if !errors.Is(err, ErrBadFingerprint) || err.Error() != `ceremony: this is not a fingerprint: "0000" has 4 characters, a fingerprint has 16 (four groups of four, e.g. 7KQ2-M9XD-4RTA-W0BZ)` {
		t.Fatalf("ParseFingerprint: %v", err)
	}
	// A refusal wrapping another one with %w keeps both findable.
	outer := errorf("the bundle holds a message that fails its checks: %w", ErrDuplicate)
	if !errors.Is(outer, ErrDuplicate) || errors.Is(outer, ErrBadFingerprint) {
		t.Fatalf("errors.Is through two keyed errors: %v", outer)
	}
	// ErrExcluded is matched by the typed error that explains it.
	ex := &ExcludedError{Reason: textf("did not deal")}
	if !errors.Is(ex, ErrExcluded) {
		t.Fatal("ExcludedError does not match ErrExcluded")
	}
	if format, _ := ex.Key(); format != excludedFormat || ex.Error() != "ceremony: you were disqualified (did not deal): you hold no share of this election key; the others go on without your contribution" {
		t.Fatalf("ExcludedError: %q / %q", format, ex.Error())
	}
}

// TestTextString: a text's English is its format filled in, keyed
// arguments and lists included; a text without arguments is its format as
// it is, even with a per cent sign.
func TestTextString(t *testing.T) {
	who := textf("member %d (%s)", 2, "Bruno")
	list := List{Items: []Text{textf("member %d", 1), who}, Sep: ", "}
	got := textf("%s is disqualified: %s; waiting for %v", who, textf("did not answer the complaint of %s", textf("member %d", 4)), list).String()
	want := "member 2 (Bruno) is disqualified: did not answer the complaint of member 4; waiting for member 1, member 2 (Bruno)"
	if got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	if s := (Text{Format: "100% sure"}).String(); s != "100% sure" {
		t.Fatalf("a literal text became %q", s)
	}
}
