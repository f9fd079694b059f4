package cli

import (
	"bufio"
	"errors"
	"fmt"
	"strings"
	"time"

	"conclave/app/office"
	"conclave/ceremony"
)

// formatClose writes a close of poll in the local time zone and in UTC.
func formatClose(t time.Time) string {
	local := t.Local().Format("Monday 2 January 2006, 15:04 MST")
	utc := t.UTC().Format("2006-01-02 15:04 UTC")
	return local + " (" + utc + ")"
}

// printTerms shows, in words, what a call or a manifest binds the member to.
func printTerms(e *env, t *office.Terms) {
	what, fp := "the coordinator's call", "Call fingerprint"
	if t.Kind == ceremony.KindManifest {
		what, fp = "the manifest", "Ceremony fingerprint"
	}
	e.printf("What %s binds you to:\n", what)
	e.printf("  Title:          %q\n", t.Title)
	e.printf("  Threshold:      %d of %d: any %d members together can decrypt; fewer cannot\n", t.Threshold, t.Members, t.Threshold)
	e.printf("  Close of poll:  %s; nothing can be decrypted before it\n", formatClose(t.Close))
	if t.PostQuantum {
		e.printf("  Shares sealed:  post-quantum hybrid HPKE (MLKEM768X25519)\n")
	}
	if len(t.List) > 0 {
		e.printf("  Members (check each name and card fingerprint against the minutes; yours is among them):\n")
		for _, m := range t.List {
			e.printf("    %2d  %-28s card %s\n", m.Index, m.Name, m.Card.Fingerprint())
		}
	}
	e.printf("  %s: %s\n", fp, t.ID.Fingerprint())
	for _, d := range t.Dangers {
		e.printf("  DANGER: %s.\n", d.Explain())
	}
}

// acceptTerms asks the member to confirm the terms (unless yes) and to
// acknowledge the dangers (only with --i-understand).
func acceptTerms(e *env, t *office.Terms, yes, understood bool) (office.Acceptance, error) {
	if len(t.Dangers) > 0 && !understood {
		return office.Acceptance{}, errors.New("these settings are dangerous (see DANGER above): go on only if the office decided them knowingly, with --i-understand")
	}
	if !yes {
		fmt.Fprint(e.stderr, "Is this what the office decided, and are these the members? Type yes to go on: ")
		line, _ := bufio.NewReader(e.stdin).ReadString('\n')
		if strings.TrimSpace(strings.ToLower(line)) != "yes" {
			return office.Acceptance{}, errors.New("not confirmed: nothing was done")
		}
	}
	return t.Accept(understood)
}

// printLarge shows a fingerprint to read aloud and write in the minutes.
func printLarge(e *env, what, fp string) {
	spaced := strings.Join(strings.Split(fp, ""), " ")
	bar := strings.Repeat("=", len(spaced)+4)
	e.printf("\n%s\n%s:\n  %s\n%s\n\n", bar, what, spaced, bar)
}
