package keystore

import (
	"strings"
	"unicode"
)

// famousPassphrases are example passphrases printed in comics, articles,
// manuals and typing exercises: they look strong to the estimator (four
// unrelated words) but are the first an attacker tries. Lower case,
// without accents; compared with letters and digits only, after fold.
var famousPassphrases = []string{
	"correct horse battery staple", // xkcd 936
	"troubador&3",                  // xkcd 936, "Tr0ub4dor&3"
	"the quick brown fox jumps over the lazy dog",
	"portez ce vieux whisky au juge blond qui fume",
	"voix ambigue d un coeur qui au zephyr prefere les jattes de kiwis",
	"lorem ipsum dolor sit amet",
	"to be or not to be that is the question",
	"may the force be with you",
	"all your base are belong to us",
	"mary had a little lamb",
	"je pense donc je suis",
	"liberte egalite fraternite",
	"sesame ouvre toi",
	"open sesame",
	"il etait une fois",
	"once upon a time",
	"hunter2",
}

// letters keeps the folded letters and digits of s.
func letters(s string) string {
	var b strings.Builder
	for _, r := range foldString(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

var famousFolded = func() []string {
	out := make([]string, len(famousPassphrases))
	for i, f := range famousPassphrases {
		out[i] = letters(f)
	}
	return out
}()

// isFamous reports whether pass holds a famous example passphrase (with or
// without spaces, capitals, accents or digit-for-letter substitutions). It
// works on the passphrase only in buffers of final size that it wipes
// (docs/threat-model.md, "Secrets left in memory").
func isFamous(pass []byte) bool {
	runes := foldBytes(pass)
	defer clear(runes)
	n := 0
	for _, r := range runes {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			runes[n] = r
			n++
		}
	}
	f := utf8Of(runes[:n])
	defer clear(f)
	p := view(f)
	for _, famous := range famousFolded {
		if strings.Contains(p, famous) {
			return true
		}
	}
	return false
}
