package keystore

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckPassphrase(t *testing.T) {
	const name = "Jean-Pierre Dupont"
	good := []string{
		"cornet hibou batterie stylo", // the xkcd example itself is refused as famous: famous_test.go
		"tigre-velo-nuage-cactus",
		"le chat mange la souris verte",
		"Xk9#mQ2$vL7p",
		"kqjzvwmrtpxbnlhs",
		"Quatre éléphants roses dansent",
		"lamp 7 river Oak sugar",
	}
	for _, p := range good {
		if err := CheckPassphrase([]byte(p), name); err != nil {
			t.Errorf("%q refused: %v", p, err)
		}
	}
	bad := []struct{ pass, want string }{
		{"", "empty"},
		{"short one", "too short"},
		{"eleven char", "too short"},
		{" correct horse battery staple", "starts or ends with a space"},
		{"correct horse battery staple ", "starts or ends with a space"},
		{"correct horse\tbattery staple", "control character"},
		{"jean pierre is my name", "your name"},
		{"DUPONT correct horse battery", "your name"},
		{"dup0nt correct horse battery", "your name"}, // leet
		{"aaaaaaaaaaaaaaaa", "repeated characters"},
		{"abcabcabcabcabc", "repeated parts"},
		{"horse horse horse", "repeated parts"},
		{"abcdefghijklmnop", "sequence"},
		{"123456789012345", "sequence"},
		{"azertyuiop123456", "easy to guess"},
		{"qwertyuiopasdfgh", "easy to guess"},
		{"zxcvbnmasdfghjkl", "sequence"},
		{"P@ssw0rd2024!", "common words"},
		{"motdepasse1234", "common words"},
		{"iloveyoumore", "common words"},
		{"ballot urne vote scrutin", "common words"},
		{"election 2024 conclave", "common words"},
		{"\xff\xfe invalid utf8 passphrase", "not valid text"},
		{strings.Repeat("x", 1025), "longer than"},
	}
	for _, c := range bad {
		err := CheckPassphrase([]byte(c.pass), name)
		if err == nil {
			t.Errorf("%q accepted (%.1f bits)", c.pass, PassphraseStrength([]byte(c.pass), name))
			continue
		}
		if !errors.Is(err, ErrWeakPassphrase) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want mention of %q", c.pass, err, c.want)
		}
		checkErrShape(t, err)
		if len(c.pass) >= 4 && strings.Contains(err.Error(), c.pass) {
			t.Errorf("error quotes the passphrase: %v", err)
		}
	}
	// Each refusal says what to do.
	err := CheckPassphrase([]byte("aaaaaaaaaaaaaaaa"), "")
	if !strings.Contains(err.Error(), "add one or two more unrelated words") {
		t.Errorf("no advice: %v", err)
	}
	// A short name part ("Li") is not matched; names of 3+ letters are.
	if err := CheckPassphrase([]byte("light river lamp seven"), "Li Wu"); err != nil {
		t.Errorf("short name part matched: %v", err)
	}
	if PassphraseStrength([]byte("correct horse battery staple"), "") < MinPassphraseBits {
		t.Error("strength of a 4-word passphrase")
	}
}

func BenchmarkCheckPassphraseWorstCase(b *testing.B) {
	cases := map[string][]byte{
		"letters":  []byte(strings.Repeat("a", 1024)),
		"words":    []byte(strings.Repeat("ab", 512)),
		"mixed":    []byte(strings.Repeat("correct horse 1987 ", 53)),
		"sequence": []byte(strings.Repeat("abcdefghijklmnopqrstuvwxyz", 39)),
	}
	for name, p := range cases {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				CheckPassphrase(p, "Jean Dupont")
			}
		})
	}
}
