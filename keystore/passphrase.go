package keystore

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

const (
	// MinPassphraseChars is the minimum passphrase length in characters.
	MinPassphraseChars = 12
	// MinPassphraseBits is the minimum estimated strength. Four words
	// chosen at random from a common list, or 10+ random characters of
	// mixed classes, reach it; patterns, repeats and common words do not.
	MinPassphraseBits = 48
	maxPassphraseLen  = 1024 // bytes
	maxChunk          = 64   // longest chunk the estimator considers at once
)

// CheckPassphrase applies the passphrase rules a member can follow and
// returns nil or an error wrapping ErrWeakPassphrase that says what to do:
//   - at least MinPassphraseChars characters (e.g. four or more unrelated
//     words), valid UTF-8, at most 1024 bytes, no space at either end;
//   - it must not contain the member's name (any part of 3+ letters, case,
//     accents and digit-for-letter substitutions ignored);
//   - its estimated strength (PassphraseStrength) must reach
//     MinPassphraseBits: repeats, sequences (abc, 123, qwerty, azerty rows),
//     years and common passwords count for little.
//
// The passphrase is checked in its Unicode NFC form, the form the key is
// derived from (docs/keystore.md §4). The error never quotes the passphrase.
func CheckPassphrase(pass []byte, name string) error {
	return withNFC(pass, func(p []byte) error { return checkPassphrase(p, name) })
}

// checkPassphrase is CheckPassphrase for a passphrase already in NFC.
func checkPassphrase(pass []byte, name string) error {
	weak := func(format string, args ...any) error {
		return newErr(ErrWeakPassphrase, format, args...)
	}
	switch {
	case len(pass) == 0:
		return weak("the passphrase is empty: choose four or more unrelated words")
	case len(pass) > maxPassphraseLen:
		return weak("the passphrase is longer than %d bytes: choose a shorter one", maxPassphraseLen)
	case !utf8.Valid(pass):
		return weak("the passphrase is not valid text: type it again")
	}
	n := utf8.RuneCount(pass)
	if n < MinPassphraseChars {
		return weak("the passphrase is too short (%d characters): use at least %d, for example four or more unrelated words", n, MinPassphraseChars)
	}
	first, _ := utf8.DecodeRune(pass)
	last, _ := utf8.DecodeLastRune(pass)
	if unicode.IsSpace(first) || unicode.IsSpace(last) {
		return weak("the passphrase starts or ends with a space, which is easy to forget: remove it")
	}
	for i := 0; i < len(pass); {
		r, size := utf8.DecodeRune(pass[i:])
		i += size
		if unicode.IsControl(r) {
			return weak("the passphrase contains a control character: use letters, digits, spaces and punctuation only")
		}
		if invisible(r) {
			return weak("the passphrase contains an invisible character (U+%04X: zero-width, byte-order mark or direction mark): remove it", r)
		}
	}
	if isFamous(pass) {
		return weak("the passphrase is a famous published example: it is among the first an attacker tries; choose your own unrelated words")
	}
	if containsName(pass, name) {
		return weak("the passphrase contains your name: choose words that have nothing to do with you")
	}
	bits, why := estimate(pass, name)
	if bits < MinPassphraseBits {
		return weak("the passphrase is too easy to guess (%s; estimated strength %.0f bits, %d needed): add one or two more unrelated words", why, bits, MinPassphraseBits)
	}
	return nil
}

// PassphraseStrength returns the estimated strength of pass in bits (the
// same estimate CheckPassphrase uses), e.g. for a strength meter.
func PassphraseStrength(pass []byte, name string) float64 {
	var b float64
	_ = withNFC(pass, func(p []byte) error { b, _ = estimate(p, name); return nil })
	return b
}

// commonWords are common passwords and words a member of an electoral
// office may think of (English and French, lower case, no accents).
var commonWords = strings.Fields(`
password passwd motdepasse passphrase secret secrets admin administrator root user login welcome bienvenue
letmein iloveyou jetaime loveyou love amour trustno1 master dragon monkey shadow sunshine princess football soccer
baseball superman batman starwars pokemon azerty azertyuiop qwerty qwertyuiop qwertz abc abcd abcdef
test testing changeme default guest hello bonjour salut coucou merci soleil chocolat doudou loulou nounours
chouchou marseille paris lyon france francais liberte egalite fraternite republique democratie
conclave election elections electoral electorale scrutin vote voter votes ballot bulletin urne bureau ceremony
ceremonie cle key keys trustee assesseur president secretaire membre member office mairie
janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre
january february march april may june july august september october november december
lundi mardi mercredi jeudi vendredi samedi dimanche monday tuesday wednesday thursday friday saturday sunday
`)

// sequences whose runs of 3+ neighbours (either direction) are patterns.
var sequences = []string{
	"abcdefghijklmnopqrstuvwxyz", "0123456789",
	"qwertyuiop", "asdfghjkl", "zxcvbnm", "azertyuiop", "qsdfghjklm", "wxcvbn", "qwertzuiop", "yxcvbnm",
	"1234567890", "&é\"'(-è_çà",
}

// fold maps a rune to lower case without accents and undoes common
// digit-for-letter substitutions (for word and name matching only).
func fold(r rune) rune {
	r = unicode.ToLower(r)
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å', '@', '4':
		return 'a'
	case 'ç':
		return 'c'
	case 'è', 'é', 'ê', 'ë', '3', '€':
		return 'e'
	case 'ì', 'í', 'î', 'ï', '1', '!':
		return 'i'
	case 'ñ':
		return 'n'
	case 'ò', 'ó', 'ô', 'õ', 'ö', '0':
		return 'o'
	case 'ù', 'ú', 'û', 'ü':
		return 'u'
	case 'ý', 'ÿ':
		return 'y'
	case '$', '5':
		return 's'
	case '7':
		return 't'
	}
	return r
}

func foldString(s string) []rune {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		out = append(out, fold(r))
	}
	return out
}

// nameParts returns the folded parts of name of 3+ letters, and the whole
// name without separators.
func nameParts(name string) []string {
	var parts []string
	var whole strings.Builder
	for _, p := range strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) }) {
		f := string(foldString(p))
		whole.WriteString(f)
		if utf8.RuneCountInString(f) >= 3 {
			parts = append(parts, f)
		}
	}
	if w := whole.String(); utf8.RuneCountInString(w) >= 3 && len(parts) != 1 {
		parts = append(parts, w)
	}
	return parts
}

func containsName(pass []byte, name string) bool {
	runes := foldBytes(pass)
	defer clear(runes)
	f := utf8Of(runes)
	defer clear(f)
	fs := view(f)
	for _, p := range nameParts(name) {
		if strings.Contains(fs, p) {
			return true
		}
	}
	return false
}

// The estimator works on the passphrase only in buffers it allocates at
// their final size and wipes before returning (docs/threat-model.md,
// "Secrets in memory"): no string conversion, no growing slice.

// runesOf returns the runes of b in a new slice of exact size.
func runesOf(b []byte) []rune {
	out := make([]rune, 0, utf8.RuneCount(b))
	for i := 0; i < len(b); { // not range string(b): that copies b
		r, size := utf8.DecodeRune(b[i:])
		out = append(out, r)
		i += size
	}
	return out
}

// foldBytes is foldString for a passphrase.
func foldBytes(b []byte) []rune {
	out := runesOf(b)
	for i, r := range out {
		out[i] = fold(r)
	}
	return out
}

// utf8Of encodes rs in a new slice of exact size.
func utf8Of(rs []rune) []byte {
	n := 0
	for _, r := range rs {
		n += utf8.RuneLen(r)
	}
	out := make([]byte, 0, n)
	for _, r := range rs {
		out = utf8.AppendRune(out, r)
	}
	return out
}

// view is a string over b without a copy; it must not outlive b's wiping.
func view(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

func charBits(r rune) float64 {
	switch {
	case r >= 'a' && r <= 'z':
		return math.Log2(26)
	case r >= 'A' && r <= 'Z':
		return math.Log2(26) + 1
	case r >= '0' && r <= '9':
		return math.Log2(10)
	case r == ' ':
		return 1
	case r < 0x80:
		return 5 // 33 printable ASCII symbols
	case unicode.IsLetter(r):
		return 6
	default:
		return 7
	}
}

// capsBits is the cost of the capitalisation of a run of letters.
func capsBits(rs []rune) float64 {
	up, low := 0, 0
	for _, r := range rs {
		if unicode.IsUpper(r) {
			up++
		} else if unicode.IsLower(r) {
			low++
		}
	}
	switch {
	case up == 0:
		return 0
	case low == 0 || (up == 1 && unicode.IsUpper(rs[0])):
		return 1
	default:
		return float64(min(up, low)) + 1
	}
}

func isVowel(r rune) bool {
	switch r {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

// runeOffsets returns the byte offset of each rune of s, then len(s).
func runeOffsets(s string) []int {
	offs := make([]int, 0, len(s)+1)
	for o := range s {
		offs = append(offs, o)
	}
	return append(offs, len(s))
}

// wordBits estimates a run of letters: a word from a dictionary of about
// 2^13..2^17 entries costs 10 + 1.6 bits a letter; a run with few vowels is
// more likely random, at log2(26) bits a letter.
func wordBits(folded []rune) float64 {
	l := float64(len(folded))
	v := 0
	for _, r := range folded {
		if isVowel(r) {
			v++
		}
	}
	random := l * math.Log2(26)
	if float64(v) < 0.2*l {
		return random
	}
	return min(random, 10+1.6*l)
}

func inSequence(a, b rune) int { // +1 or -1 if b follows a in a sequence, 0 otherwise
	for _, s := range sequences {
		rs := []rune(s)
		for i := 0; i+1 < len(rs); i++ {
			if rs[i] == a && rs[i+1] == b {
				return 1
			}
			if rs[i] == b && rs[i+1] == a {
				return -1
			}
		}
	}
	return 0
}

// estimate computes a conservative strength in bits: the cheapest way to
// produce pass as a sequence of chunks (a common word, a name part, a
// repeat, a sequence, a year, a run of letters or digits, a character),
// each with its cost; why names the pattern that cost most strength.
func estimate(pass []byte, name string) (bits float64, why string) {
	orig := runesOf(pass)
	defer clear(orig)
	low := make([]rune, len(orig))
	defer clear(low)
	for i, r := range orig {
		low[i] = unicode.ToLower(r)
	}
	folded := foldBytes(pass)
	defer clear(folded)
	n := len(orig)
	dict := append(append([]string(nil), commonWords...), nameParts(name)...)
	foldedB, lowB := utf8Of(folded), utf8Of(low)
	defer clear(foldedB)
	defer clear(lowB)
	foldedStr, lowStr := view(foldedB), view(lowB)
	offs, lowOffs := runeOffsets(foldedStr), runeOffsets(lowStr)

	type step struct {
		cost float64
		from int
		kind string
	}
	best := make([]step, n+1)
	for i := 1; i <= n; i++ {
		best[i].cost = math.Inf(1)
	}
	relax := func(i, j int, c float64, kind string) {
		if c += best[i].cost; c < best[j].cost {
			best[j] = step{c, i, kind}
		}
	}
	for i := 0; i < n; i++ {
		if math.IsInf(best[i].cost, 1) {
			continue
		}
		relax(i, i+1, charBits(orig[i]), "")
		// Common words and name parts (folded, so leet and accents match).
		for _, w := range dict {
			if !strings.HasPrefix(foldedStr[offs[i]:], w) {
				continue
			}
			l := utf8.RuneCountInString(w)
			c := math.Log2(float64(len(dict))) + capsBits(orig[i:i+l])
			if lowStr[lowOffs[i]:lowOffs[i+l]] != w {
				c++ // substitutions
			}
			relax(i, i+l, c, "common words")
		}
		// Runs of letters (as words) and of digits, up to maxChunk long.
		for j := i + 1; j < n+1 && j-i <= maxChunk && unicode.IsLetter(orig[j-1]); j++ {
			if j-i >= 2 {
				relax(i, j, wordBits(folded[i:j])+capsBits(orig[i:j]), "")
			}
		}
		for j := i + 1; j < n+1 && j-i <= maxChunk && orig[j-1] >= '0' && orig[j-1] <= '9'; j++ {
			l := j - i
			c := float64(l) * math.Log2(10)
			if l == 4 && ((orig[i] == '1' && orig[i+1] == '9') || (orig[i] == '2' && orig[i+1] == '0')) {
				c = 7 // a year
				relax(i, j, c, "a year")
				continue
			}
			if l >= 2 {
				relax(i, j, c, "")
			}
		}
		// The same character repeated.
		for j := i + 1; j < n && j-i < maxChunk && low[j] == low[i]; j++ {
			if l := j - i + 1; l >= 3 {
				relax(i, j+1, charBits(orig[i])+math.Log2(float64(l)), "repeated characters")
			}
		}
		// Sequences (abc, 987, qwerty, azerty rows...).
		if i+1 < n {
			if dir := inSequence(low[i], low[i+1]); dir != 0 {
				j := i + 1
				for j+1 < n && j-i < maxChunk && inSequence(low[j], low[j+1]) == dir {
					j++
				}
				for k := i + 2; k <= j; k++ {
					relax(i, k+1, 6+math.Log2(float64(k-i+1)), "a sequence of letters, digits or keys")
				}
			}
		}
		// A copy of an earlier part.
		if i >= 3 {
			before := lowStr[:lowOffs[i]]
			for l := 3; i+l <= n && l <= i && l <= maxChunk; l++ {
				if !strings.Contains(before, lowStr[lowOffs[i]:lowOffs[i+l]]) {
					break // a longer chunk cannot match either
				}
				relax(i, i+l, math.Log2(float64(i))+math.Log2(float64(l))+1, "repeated parts")
			}
		}
	}
	// Find the pattern that covered most characters on the cheapest path.
	cover := map[string]int{}
	for j := n; j > 0; j = best[j].from {
		if k := best[j].kind; k != "" {
			cover[k] += j - best[j].from
		}
	}
	why, most := "it is predictable", 0
	for _, k := range []string{"repeated characters", "repeated parts", "a sequence of letters, digits or keys", "common words", "a year"} {
		if cover[k] > most {
			why, most = "it uses "+k, cover[k]
		}
	}
	return best[n].cost, why
}
