package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	"fyne.io/fyne/v2/lang"

	"conclave/app/office"
	"conclave/app/transfer/camera"
	"conclave/app/transfer/qr"
	"conclave/app/transfer/ur"
	"conclave/assets"
	"conclave/ceremony"
	"conclave/internal/safefile"
	"conclave/keystore"
)

// The packages below the application (ceremony, keystore, office,
// transfer) speak English: their texts serve the command line, logs and
// auditors. The application shows them in the member's language by key,
// never by the shape of the sentence: their errors and events (an
// Outcome's checks and note, a verification's checks, who a step waits
// for, why a member was excluded) carry their English format and its
// arguments (Key), and that format is the key of assets/translation/*.json:
// en.json gives the words shown in English (plainer than the record's, e.g.
// "objections" for "complaints"), fr.json the French. An argument that is
// itself keyed (a reason, a member's name, a list) is translated in turn.
// Sentinel errors (keystore, ur, qr, camera, the operating system's) are
// keys too. TestKeyedFormats fails if a format of ceremony or office has no
// key in either file; TestFrenchScreens fails on any English that reaches
// a screen.

// french reports whether the interface is in French.
func french() bool { return lang.L("@lang") == "fr" }

// keyed is what the errors and texts of the packages below implement:
// their English format (the translation key) and its arguments.
type keyed interface{ Key() (string, []any) }

// enKeys are the keys of en.json: only these are translated (lang.L gives
// back any other text as it is). A key whose value is a set of plural
// forms ({"one": ..., "other": ...}, as Fyne's lang.N reads them) is in
// pluralKeys too: its count is its first argument.
var enKeys, pluralKeys = func() (map[string]bool, map[string]bool) {
	var m map[string]json.RawMessage
	data, err := assets.Translations.ReadFile("translation/en.json")
	if err == nil {
		json.Unmarshal(data, &m)
	}
	keys, plural := map[string]bool{}, map[string]bool{}
	for k, v := range m {
		keys[k] = true
		if len(v) > 0 && v[0] == '{' {
			plural[k] = true
		}
	}
	return keys, plural
}()

// translate gives a key in the interface's language with its %-verbs
// filled in: an argument that is keyed or a list is translated in turn, an
// error argument explained, a string that is a key translated. It reports
// false for a format that is no key.
func translate(format string, args []any) (string, bool) {
	if !enKeys[format] {
		return "", false
	}
	quoted := quotedArgs(format)
	out := make([]any, len(args))
	for i, a := range args {
		if _, isString := a.(string); isString && quoted[i] {
			out[i] = a // a name or title, as its author typed it
			continue
		}
		out[i] = translateArg(a)
	}
	if len(out) == 0 {
		return lang.L(format), true
	}
	text := lang.L(format)
	if n, ok := count(args[0]); ok && pluralKeys[format] {
		text = lang.N(format, n) // "%d more share(s)": one form or the other
	}
	// %w wraps an error in the package's format; here it is a text.
	return fmt.Sprintf(strings.ReplaceAll(text, "%w", "%v"), out...), true
}

// count is a keyed text's first argument as the count that picks its
// plural form (lang.L without a count gives the "other" form).
func count(a any) (int, bool) {
	switch n := a.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case uint64:
		return int(min(n, 1<<31)), true
	case uint32:
		return int(n), true
	case int32:
		return int(n), true
	case uint:
		return int(min(n, 1<<31)), true
	}
	return 0, false
}

// quotedArgs says which arguments of format are shown with %q: names and
// titles people typed, never translated even when one reads like a key.
func quotedArgs(format string) map[int]bool {
	q := map[int]bool{}
	n := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		for i < len(format) && strings.IndexByte("+-# 0123456789.", format[i]) >= 0 {
			i++
		}
		if i == len(format) || format[i] == '%' {
			continue
		}
		if format[i] == 'q' {
			q[n] = true
		}
		n++
	}
	return q
}

func translateArg(a any) any {
	switch v := a.(type) {
	case error:
		return explain(v)
	case ceremony.List:
		items := make([]string, len(v.Items))
		for i, t := range v.Items {
			items[i] = say(t)
		}
		return strings.Join(items, v.Sep)
	case keyed:
		return say(v)
	case office.Danger:
		return dangerText(v)
	case ceremony.Kind:
		key := "kind:" + string(v)
		if enKeys[key] {
			return lang.L(key)
		}
	case string:
		if enKeys[v] {
			return lang.L(v)
		}
		// A close of poll, which ceremony writes in RFC 3339 UTC, is shown
		// in the member's date format and time zone, and in UTC.
		if t, err := time.Parse(time.RFC3339, v); err == nil && strings.HasSuffix(v, "Z") {
			return closeText(t)
		}
	}
	return a
}

// say shows a keyed text of the packages below (a check, a note, a name)
// in the interface's language; a text with no key is shown as it is, in
// English (TestKeyedFormats keeps that from happening).
func say(t keyed) string {
	if text, ok := translate(t.Key()); ok {
		return text
	}
	return fmt.Sprint(t)
}

// sentinels are the errors whose own text is a key: a refusal that wraps
// one is shown by it when its own format has no translation.
var sentinels = []error{
	keystore.ErrWrongPassphrase, keystore.ErrOtherCeremony, keystore.ErrTruncated, keystore.ErrDamaged,
	keystore.ErrMalformed, keystore.ErrTampered, keystore.ErrNotKeystore, keystore.ErrUnknownVersion,
	keystore.ErrExists, keystore.ErrFileChanged, keystore.ErrUnreadable, keystore.ErrWriteFailed,
	keystore.ErrBackupMismatch, keystore.ErrSameLocation, keystore.ErrLockedMemory, keystore.ErrWeakPassphrase,
	keystore.ErrInvalidArgument, keystore.ErrClosed, keystore.ErrPassphraseFile,
	ur.ErrNotUR, ur.ErrCorruptPart, ur.ErrForeignPart, ur.ErrIncomplete, ur.ErrChecksum,
	qr.ErrNoCode, camera.ErrNoCamera,
}

// osCauses are the operating system's refusals, in plain words.
var osCauses = []struct {
	err error
	key string
}{
	{os.ErrNotExist, "the file or folder does not exist"},
	{os.ErrPermission, "permission denied"},
	{os.ErrExist, "a file of that name already exists"},
	{syscall.EROFS, "the drive is read-only"},
	{syscall.ENOSPC, "the drive is full"},
	{syscall.ENOTDIR, "this is a file, not a folder"},
	{syscall.EIO, "the drive could not be read or written (was it pulled out?)"},
}

// errCancel is the user's own Cancel: it is shown as "Cancelled", not as
// a refusal.
var errCancel = errors.New("cancelled: nothing was changed")

// packagePrefixes start the errors of the packages below: useful in a
// log, noise on a member's screen.
var packagePrefixes = []string{"ceremony: ", "office: ", "keystore: ", "transfer: ", "ur: ", "qr: ", "camera: "}

// unprefixed is an error's English without its package prefix, for an
// error that has no key.
func unprefixed(text string) string {
	for _, p := range packagePrefixes {
		text = strings.TrimPrefix(text, p)
	}
	return text
}

// explain shows an error in the interface's language: every error that
// reaches a screen goes through it (STYLE.md §7).
func explain(err error) string {
	if err == nil {
		return ""
	}
	if errors.Is(err, errCancel) {
		return lang.L("Cancelled: nothing was changed.")
	}
	var k keyed
	if errors.As(err, &k) {
		if text, ok := translate(k.Key()); ok {
			return text
		}
	}
	if french() {
		// The English text is more precise than its sentinel's, so the
		// sentinel stands in only where the text has no translation.
		for _, s := range sentinels {
			if errors.Is(err, s) {
				if text, ok := translate(s.Error(), nil); ok {
					return text
				}
			}
		}
		for _, c := range osCauses {
			if errors.Is(err, c.err) {
				return lang.L(c.key)
			}
		}
	}
	return unprefixed(err.Error())
}

// kindName names a kind of message in plain words, as the member who made
// it sees it (the technical kind is for the record and the details).
func kindName(k ceremony.Kind) string {
	switch k {
	case ceremony.KindCall:
		return lang.L("The call to join the ceremony")
	case ceremony.KindCard:
		return lang.L("Your registration (your name and public keys)")
	case ceremony.KindManifest:
		return lang.L("The list of members")
	case ceremony.KindDeal:
		return lang.L("Your shares for the other members")
	case ceremony.KindComplaints:
		return lang.L("Your verdict on the shares you received")
	case ceremony.KindReveal:
		return lang.L("Your answer to the objections")
	case ceremony.KindOpen:
		return lang.L("Your public part of the key")
	case ceremony.KindRecover:
		return lang.L("Your shares of the silent members, to rebuild them")
	case ceremony.KindConfirm:
		return lang.L("Your confirmation")
	case ceremony.KindBundle:
		return lang.L("What the members need for the next step")
	case ceremony.KindElectionKey:
		return lang.L("The election key")
	case ceremony.KindRequest:
		return lang.L("The decryption request")
	case ceremony.KindAnswer:
		return lang.L("Your partial decryption")
	case ceremony.KindResult:
		return lang.L("The result")
	}
	return lang.L("A message of an unknown kind")
}

// problemText shows a file of a record that was skipped or could not be
// read, and why, in the interface's language.
func problemText(p office.Problem) string {
	if p.Cause == nil {
		return p.Path + ": " + p.Reason
	}
	text, _ := translate("%s: %v", []any{safefile.Path(p.Path), p.Cause})
	return text
}
