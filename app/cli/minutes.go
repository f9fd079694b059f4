package cli

import (
	"errors"
	"flag"
	"fmt"
	"time"

	"conclave/app/minutes"
	"conclave/app/office"
	"conclave/ceremony"
)

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string     { return fmt.Sprint(*s) }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func cmdBoardMinutes(e *env, args []string) error {
	fs := flag.NewFlagSet("board minutes", flag.ContinueOnError)
	out := fs.String("out", "", "PDF file to write")
	lang := fs.String("lang", "en", "language of the minutes: en or fr")
	force := forceFlag(fs)
	tz := fs.String("tz", "", "time zone of the office, e.g. Europe/Paris (default: this machine's)")
	var names stringList
	fs.Var(&names, "option", "the name of the next option, in order (repeat for each option)")
	// The minutes only read the board: no lock (the coordinator's screen
	// may hold it), but the same rules for --out as every verb that writes.
	b, err := openBoardArgs(e, fs, args, nil, nil)
	if err != nil {
		return err
	}
	if err := required("out", *out); err != nil {
		return err
	}
	if err := checkOut(*out, *force); err != nil {
		return err
	}
	if *lang != "en" && *lang != "fr" {
		return usagef("--lang must be en or fr")
	}
	loc := time.Local
	if *tz != "" {
		if loc, err = time.LoadLocation(*tz); err != nil {
			return usagef("--tz %q is not a time zone such as Europe/Paris", *tz)
		}
	}
	reportSkipped(e, b.Skipped)
	pdf, err := minutes.Render(b, minutes.Options{Lang: *lang, Location: loc, OptionNames: names})
	if err != nil {
		return err
	}
	if err := office.WriteFileAtomic(*out, pdf); err != nil {
		return err
	}
	st := b.State
	e.printf("Wrote the minutes (%s, %d bytes) to %s.\n", *lang, len(pdf), *out)
	e.printf("Ceremony fingerprint: %s\n", st.ID.Fingerprint())
	if len(st.Requests()) > 0 {
		e.printf("They hold the minutes of the ceremony and of the count (decryption requests: %d).\n", len(st.Requests()))
	}
	e.printf("Print them; every member checks the fingerprints against their own screen and signs.\n")
	return nil
}

// expectedFingerprint reads --expect as people type it; "" when not given.
func expectedFingerprint(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	fp, err := ceremony.ParseFingerprint(s)
	if err != nil {
		return "", usagef("--expect %q: %v", s, err)
	}
	return fp, nil
}

// errOtherCeremony: the record is not that of the ceremony in the minutes.
var errOtherCeremony = errors.New("this is not the record of the ceremony in the minutes")

// expectError says whether the record is of the ceremony whose fingerprint
// want was written in the signed minutes (nothing to check if want is "").
func expectError(st *ceremony.State, want string) error {
	if want == "" {
		return nil
	}
	if st == nil || st.ID.IsZero() {
		return fmt.Errorf("%w: it holds no manifest, so no ceremony fingerprint, where %s was expected", errOtherCeremony, want)
	}
	if got := st.ID.Fingerprint(); got != want {
		return fmt.Errorf("%w: its ceremony fingerprint is %s, the minutes say %s", errOtherCeremony, got, want)
	}
	return nil
}

// expectCheck is the check of --expect, as a line of the report.
func expectCheck(st *ceremony.State, want string) []ceremony.Check {
	if want == "" {
		return nil
	}
	if err := expectError(st, want); err != nil {
		return []ceremony.Check{{OK: false, Text: ceremony.Text{Format: err.Error()}}}
	}
	return []ceremony.Check{{OK: true, Text: ceremony.Text{Format: "the ceremony fingerprint is " + want + ", as expected from the minutes"}}}
}

// errOtherKey: the record's election key is not the one in the minutes.
var errOtherKey = errors.New("this record does not make the election key written in the minutes")

// expectKeyError says whether the record's election key is the one whose
// fingerprint wantKey was written in the signed minutes (nothing to check
// if wantKey is ""). The ceremony fingerprint alone does not fix the key:
// see ceremony.ElectionKey.ExpectKey.
func expectKeyError(st *ceremony.State, wantKey string) error {
	if wantKey == "" {
		return nil
	}
	if st == nil || !st.Complete() {
		return fmt.Errorf("%w: its key ceremony is not complete, so it has no election key, where %s was expected", errOtherKey, wantKey)
	}
	k, err := st.ElectionKeyFile()
	if err != nil {
		return fmt.Errorf("%w: %v", errOtherKey, err)
	}
	ek, err := ceremony.ParseElectionKey(k)
	if err != nil {
		return fmt.Errorf("%w: %v", errOtherKey, err)
	}
	if ek.Fingerprint != wantKey {
		return fmt.Errorf("%w: its election key fingerprint is %s, the minutes say %s", errOtherKey, ek.Fingerprint, wantKey)
	}
	return nil
}

// expectKeyCheck is the check of --expect-key, as a line of the report.
func expectKeyCheck(st *ceremony.State, wantKey string) []ceremony.Check {
	if wantKey == "" {
		return nil
	}
	if err := expectKeyError(st, wantKey); err != nil {
		return []ceremony.Check{{OK: false, Text: ceremony.Text{Format: err.Error()}}}
	}
	return []ceremony.Check{{OK: true, Text: ceremony.Text{Format: "the election key fingerprint is " + wantKey + ", as expected from the minutes"}}}
}

// printRecordFingerprint shows the record's fingerprint, which the minutes
// print (docs/protocol.md §8.5). It fails if a file read in chunks no
// longer reads as it did when it was checked: the fingerprint would be
// another record's.
func printRecordFingerprint(e *env, st *ceremony.State, files []ceremony.RecordFile) error {
	id, n, err := ceremony.RecordID(files)
	if err != nil {
		return err
	}
	if st != nil && !st.ID.IsZero() {
		e.printf("Ceremony fingerprint: %s\n", st.ID.Fingerprint())
	}
	e.printf("Record fingerprint: %s (%d messages)\n", id.Fingerprint(), n)
	return nil
}
