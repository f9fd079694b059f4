package cli

import (
	"errors"
	"flag"
	"strings"
	"time"

	"conclave/app/office"
	"conclave/ceremony"
)

// cmdKeyCheck is for the voting system's operators: it checks an election
// key file on its own and against the ceremony fingerprint of the minutes,
// and prints what to compare with the minutes (docs/cli.md).
func cmdKeyCheck(e *env, args []string) error {
	fs := flag.NewFlagSet("key check", flag.ContinueOnError)
	expect := fs.String("expect", "", "the ceremony fingerprint written in the minutes of the key ceremony (required)")
	expectKey := fs.String("expect-key", "", expectKeyUsage)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("give exactly one election key file")
	}
	if strings.TrimSpace(*expect) == "" {
		return usagef(expectUsage)
	}
	m, err := office.ReadMessage(pos[0])
	if err != nil {
		return err
	}
	ek, err := ceremony.ParseElectionKey(m)
	if err != nil {
		return err
	}
	e.printf("Election key file %s\n  title:                %s\n  ceremony fingerprint: %s\n  election key:         %s\n  threshold:            %d of the %d qualified members\n  close of poll:        %s\n",
		pos[0], ek.Title, ek.Ceremony.Fingerprint(), ek.Fingerprint, ek.Threshold, len(ek.Members), time.Unix(ek.Close, 0).UTC().Format(time.RFC3339))
	e.printf("Qualified members (name, card fingerprint), each of whom signed this key:\n")
	for _, mi := range ek.Members {
		e.printf("  %2d  %-28s %s\n", mi.Index, mi.Name, mi.Card.Fingerprint())
	}
	if err := ek.Expect(*expect); err != nil {
		if errors.Is(err, ceremony.ErrBadFingerprint) {
			return usagef("%v", err)
		}
		e.printf("NOT the ceremony of the minutes: do not encrypt any ballot under this key.\n")
		return err
	}
	e.printf("ok  the ceremony fingerprint is the one of the minutes (%s)\n", ek.Ceremony.Fingerprint())
	if *expectKey == "" {
		e.printf("Compare the election key fingerprint (%s) and the members' card fingerprints with the minutes too, or give --expect-key.\n", ek.Fingerprint)
		return nil
	}
	if err := ek.ExpectKey(*expectKey); err != nil {
		if errors.Is(err, ceremony.ErrBadFingerprint) {
			return usagef("--expect-key: %v", err)
		}
		e.printf("NOT the election key of the minutes: do not encrypt any ballot under this key.\n")
		return err
	}
	e.printf("ok  the election key fingerprint is the one of the minutes (%s); compare the members' card fingerprints with the minutes too.\n", ek.Fingerprint)
	return nil
}
