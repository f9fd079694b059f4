package ceremony

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParseFingerprint(t *testing.T) {
	for in, want := range map[string]string{
		"7KQ2-M9XD-4RTA-W0BZ":       "7KQ2-M9XD-4RTA-W0BZ",
		"7kq2 m9xd 4rta w0bz":       "7KQ2-M9XD-4RTA-W0BZ",
		" 7KQ2M9XD4RTAWOBZ ":        "7KQ2-M9XD-4RTA-W0BZ",
		"en1g-o4fh-ea3o-ghvo":       "EN1G-04FH-EA30-GHV0",
		"ENIG-04FH-EA30-GHV0":       "EN1G-04FH-EA30-GHV0",
		"enlg-04fh-ea30-ghv0":       "EN1G-04FH-EA30-GHV0",
		"EN1G - 04FH - EA30 - GHV0": "EN1G-04FH-EA30-GHV0",
	} {
		got, err := ParseFingerprint(in)
		if err != nil || got != want {
			t.Errorf("ParseFingerprint(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "7KQ2-M9XD-4RTA", "7KQ2-M9XD-4RTA-W0BZ-0", "7KQ2-M9XD-4RTA-W0BU", "7KQ2-M9XD-4RTA-W0B*", "7KQ2-M9XD-4RTA-W0BÉ"} {
		if _, err := ParseFingerprint(bad); !errors.Is(err, ErrBadFingerprint) {
			t.Errorf("ParseFingerprint(%q): %v, want ErrBadFingerprint", bad, err)
		}
	}
}

// TestPuppetElectionKeyRefused is the attack of issue 9 §1: the coordinator
// enrols puppet members under the real title and the real names, runs a
// ceremony alone and hands the voting system its key file. The file checks
// on its own; only the ceremony fingerprint in the minutes tells it apart.
func TestPuppetElectionKeyRefused(t *testing.T) {
	real := newHarness(t, 3, 2, false)
	real.runToComplete()
	puppet := newHarness(t, 3, 2, false) // same title, same names, all of them the coordinator's
	puppet.runToComplete()
	parse := func(h *harness) *ElectionKey {
		e, err := h.board.ElectionKeyFile()
		if err != nil {
			t.Fatal(err)
		}
		ek, err := ParseElectionKey(e)
		if err != nil {
			t.Fatal(err)
		}
		return ek
	}
	realKey, puppetKey := parse(real), parse(puppet)
	names := func(k *ElectionKey) []string {
		var out []string
		for _, m := range k.Members {
			out = append(out, m.Name)
		}
		slices.Sort(out)
		return out
	}
	if realKey.Title != puppetKey.Title || !slices.Equal(names(realKey), names(puppetKey)) {
		t.Fatal("the puppet ceremony should look the same to a reader of the file")
	}
	minutes := real.board.ID.Fingerprint()
	err := puppetKey.Expect(minutes)
	if !errors.Is(err, ErrUnexpectedCeremony) || !strings.Contains(err.Error(), minutes) || !strings.Contains(err.Error(), puppet.board.ID.Fingerprint()) {
		t.Fatalf("the puppet key file was not refused with both fingerprints: %v", err)
	}
	if err := realKey.Expect(strings.ToLower(strings.ReplaceAll(minutes, "-", " "))); err != nil {
		t.Fatalf("the real key file, fingerprint typed in lower case with spaces: %v", err)
	}
	if err := realKey.Expect(""); !errors.Is(err, ErrBadFingerprint) {
		t.Fatalf("no expected fingerprint: %v", err)
	}
	if len(realKey.Members) != 3 || realKey.Members[1].Card.IsZero() {
		t.Fatalf("the key file's qualified members: %+v", realKey.Members)
	}
}

// TestParseFingerprintOnlyASCII: upper-casing before the check let
// non-ASCII letters through as fingerprint characters: the dotless ı
// (U+0131) upper-cases to I, read as 1, and the long ſ (U+017F) to S. A
// fingerprint is typed from paper in ASCII; anything else is refused.
func TestParseFingerprintOnlyASCII(t *testing.T) {
	for _, bad := range []string{"7KQ2-M9XD-4RTA-W0Bſ", "ıKQ2-M9XD-4RTA-W0BZ", "7KQ2-M9XD-4RTA-W0B\u212A"} {
		if fp, err := ParseFingerprint(bad); !errors.Is(err, ErrBadFingerprint) {
			t.Errorf("ParseFingerprint(%q) = %q, %v; want ErrBadFingerprint", bad, fp, err)
		}
	}
}
