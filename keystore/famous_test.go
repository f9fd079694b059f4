package keystore

import (
	"errors"
	"strings"
	"testing"
)

// TestFamousPassphrasesRefused: the xkcd example and its kin pass the
// strength estimate on their own, and are refused by name, however typed.
func TestFamousPassphrasesRefused(t *testing.T) {
	for _, p := range []string{
		"correct horse battery staple",
		"Correct Horse Battery Staple",
		"correct-horse-battery-staple-2027",
		"c0rrect h0rse b4ttery st4ple",
		"Portez ce vieux whisky au juge blond qui fume !",
		"the quick brown fox jumps over the lazy dog",
	} {
		err := CheckPassphrase([]byte(p), "Alice")
		if !errors.Is(err, ErrWeakPassphrase) || !strings.Contains(err.Error(), "famous") {
			t.Errorf("%q: %v", p, err)
		}
		if err != nil && strings.Contains(strings.ToLower(err.Error()), "horse") {
			t.Errorf("the error quotes the passphrase: %v", err)
		}
	}
	if bits := PassphraseStrength([]byte("correct horse battery staple"), ""); bits < MinPassphraseBits {
		t.Logf("note: the estimator alone already refuses it (%.0f bits)", bits)
	}
	for _, p := range []string{"velvet harbor 1937 quartz meadow", "amber violin 5521 harbor quartz"} {
		if err := CheckPassphrase([]byte(p), "Alice"); err != nil {
			t.Errorf("%q refused: %v", p, err)
		}
	}
}
