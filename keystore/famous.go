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
// without spaces, capitals, accents or digit-for-letter substitutions).
func isFamous(pass []byte) bool {
	p := letters(string(pass))
	for _, f := range famousFolded {
		if strings.Contains(p, f) {
			return true
		}
	}
	return false
}
