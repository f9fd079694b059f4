package cli

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/term"

	"conclave/app/office"
	"conclave/ceremony"
	"conclave/internal/folderlock"
	"conclave/internal/safefile"
	"conclave/keystore"
)

// passphraseFlags are the flags every command that opens a keystore takes.
type passphraseFlags struct {
	file      *string
	kdfMemory *uint64
	kdfTime   *uint64
}

func addPassphraseFlags(fs *flag.FlagSet) passphraseFlags {
	return passphraseFlags{
		file: fs.String("passphrase-file", "", "read the passphrase from this file (for scripts) instead of the terminal"),
	}
}

func addKDFFlags(fs *flag.FlagSet, p *passphraseFlags) {
	p.kdfMemory = fs.Uint64("kdf-memory", uint64(keystore.DefaultKDF.MemoryKiB/1024), "Argon2id memory in MiB for a new keystore, 8 to 1024 (lower than the default only for tests)")
	p.kdfTime = fs.Uint64("kdf-time", uint64(keystore.DefaultKDF.Time), "Argon2id passes for a new keystore, 1 to 32 (memory × passes at most 4096 MiB)")
}

// kdf returns the Argon2id parameters of the flags, range-checked before
// any conversion (a value that does not fit is refused, never wrapped).
func (p passphraseFlags) kdf() (keystore.KDFParams, error) {
	k := keystore.DefaultKDF
	if p.kdfMemory == nil {
		return k, nil
	}
	mib, passes := *p.kdfMemory, *p.kdfTime
	const minMiB, maxMiB = keystore.MinKDFMemoryKiB / 1024, keystore.MaxKDFMemoryKiB / 1024
	if mib < minMiB || mib > maxMiB {
		return k, usagef("--kdf-memory %d is out of range: give %d to %d (MiB)", mib, minMiB, maxMiB)
	}
	if passes < keystore.MinKDFTime || passes > keystore.MaxKDFTime {
		return k, usagef("--kdf-time %d is out of range: give %d to %d (passes)", passes, keystore.MinKDFTime, keystore.MaxKDFTime)
	}
	if mib*1024*passes > keystore.MaxKDFWork {
		return k, usagef("--kdf-memory %d with --kdf-time %d is too much work: memory × passes may be at most %d MiB", mib, passes, keystore.MaxKDFWork/1024)
	}
	k.MemoryKiB, k.Time = uint32(mib*1024), uint32(passes)
	if mib < 64 {
		k.Threads = 1
	}
	return k, nil
}

// readSecretLine reads a passphrase from a file (one line, checked by
// keystore.TrimPassphraseFile) or from the terminal without echo.
func readSecretLine(e *env, file, prompt string) ([]byte, error) {
	if file != "" {
		data, err := safefile.Read(file, safefile.Passphrase)
		if err != nil {
			return nil, fmt.Errorf("the passphrase file: %v", err)
		}
		// One line of visible text, at most one line break after it; the
		// result is a prefix of data, which the caller wipes.
		return keystore.TrimPassphraseFile(data)
	}
	f, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, errors.New("there is no terminal to ask for the passphrase: use --passphrase-file FILE")
	}
	fmt.Fprint(e.stderr, prompt)
	b, err := readTerminalSecret(f)
	fmt.Fprintln(e.stderr)
	return b, err
}

// unlock asks for the passphrase and opens the keystore at path; the
// passphrase is wiped at once. The caller closes the member.
func (p passphraseFlags) unlock(e *env, path string) (*office.Member, error) {
	pass, err := p.open(e)
	if err != nil {
		return nil, err
	}
	defer pass.Destroy()
	return office.OpenMember(path, pass)
}

func (p passphraseFlags) open(e *env) (keystore.Passphrase, error) {
	b, err := readSecretLine(e, *p.file, "Passphrase: ")
	if err != nil {
		return nil, err
	}
	return keystore.NewPassphrase(b), nil
}

// create asks for a new passphrase (twice at a terminal) and checks it
// against the rules.
func (p passphraseFlags) create(e *env, file, name string) (keystore.Passphrase, error) {
	b, err := readSecretLine(e, file, "Choose a passphrase (four or more unrelated words): ")
	if err != nil {
		return nil, err
	}
	if err := keystore.CheckPassphrase(b, name); err != nil {
		clear(b)
		return nil, err
	}
	if file == "" {
		again, err := readSecretLine(e, "", "Type it again: ")
		if err != nil {
			clear(b)
			return nil, err
		}
		same := bytes.Equal(b, again)
		clear(again)
		if !same {
			clear(b)
			return nil, errors.New("the two passphrases differ: nothing was created; try again")
		}
	}
	return keystore.NewPassphrase(b), nil
}

func cmdMemberStep(e *env, args []string) error {
	fs := flag.NewFlagSet("member step", flag.ContinueOnError)
	ks := fs.String("keystore", "", "the member's keystore file (on the member's stick)")
	name := fs.String("name", "", "your name, when enrolling")
	in := fs.String("in", "", "the coordinator's file for this step")
	out := fs.String("out", "", "file to write your answer to")
	yes := fs.Bool("yes", false, "confirm the call's or manifest's terms without asking (for scripts)")
	understood := fs.Bool("i-understand", false, "acknowledge the dangerous settings shown (threshold 1 or n, close of poll past or within the hour)")
	force := forceFlag(fs)
	notRemovable := fs.Bool("not-removable", false, "allow a new keystore on this computer's own disk rather than a USB stick")
	pf := addPassphraseFlags(fs)
	addKDFFlags(fs, &pf)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	for _, r := range [][2]string{{"keystore", *ks}, {"in", *in}, {"out", *out}} {
		if err := required(r[0], r[1]); err != nil {
			return err
		}
	}
	kdf, err := pf.kdf()
	if err != nil {
		return err
	}
	if err := checkMemberOut(*ks, *out, *force); err != nil {
		return err
	}
	if err := e.lock(filepath.Dir(*ks), "keystore"); err != nil {
		return err
	}
	msg, err := office.ReadMessage(*in)
	if err != nil {
		return err
	}
	_, statErr := os.Stat(*ks)
	creating := errors.Is(statErr, os.ErrNotExist)
	if creating && msg.Kind != ceremony.KindCall {
		return fmt.Errorf("the keystore %s does not exist; a new one is made only when answering the coordinator's call, and this is a %s", *ks, msg.Kind)
	}
	if creating && *name == "" {
		return usagef("--name is required to enrol: the name the other members know you by")
	}
	if creating && !*notRemovable {
		if err := office.CheckKeystoreLocation(*ks); err != nil {
			return err
		}
	}
	var acc office.Acceptance
	if creating || msg.Kind == ceremony.KindManifest {
		terms, err := office.ReadTerms(msg, time.Now())
		if err != nil {
			return err
		}
		printTerms(e, terms)
		if acc, err = acceptTerms(e, terms, *yes, *understood); err != nil {
			return err
		}
	}
	var outcome *ceremony.Outcome
	var minutes [2]string
	if creating {
		pass, err := pf.create(e, *pf.file, *name)
		if err != nil {
			return err
		}
		defer pass.Destroy()
		m, card, err := office.Enrol(*ks, pass, *name, msg, acc, kdf)
		if err != nil {
			return err
		}
		defer m.Close()
		outcome = &ceremony.Outcome{Step: "enrol", Out: card, Fingerprint: ceremony.Fingerprint(m.Header().Ceremony),
			Checks: []ceremony.Text{{Format: "new keys made and sealed in " + *ks}}, Note: ceremony.Text{Format: "hand your card to the coordinator, and read the call fingerprint and your card fingerprint aloud"}}
		printLarge(e, "Your card fingerprint (read it aloud; it is written in the minutes beside your name)", card.ID().Fingerprint())
	} else {
		m, err := pf.unlock(e, *ks)
		if err != nil {
			return err
		}
		defer m.Close()
		if msg.Kind == ceremony.KindManifest {
			if err := m.Confirm(acc); err != nil {
				return err
			}
		}
		if outcome, err = m.Step(msg); err != nil {
			var ex *ceremony.ExcludedError
			if errors.As(err, &ex) && ex.Outcome != nil {
				e.printf("YOU ARE NOT IN THE QUALIFIED SET: %s\n", ex.Reason)
				printQual(e, ex.Outcome)
				r := office.MemberRoom(ex.Outcome)
				e.printf("Fingerprint the others read aloud: %s (%s)\n", r.Fingerprint, r.Label())
			}
			return err
		}
		if c, k, ok, err := m.Minutes(); err == nil && ok {
			minutes = [2]string{c, k}
		}
	}
	for _, c := range outcome.Checks {
		if strings.Contains(c.Format, " is disqualified: ") {
			continue // listed by printQual
		}
		e.printf("ok  %s\n", c)
	}
	printQual(e, outcome)
	r := office.MemberRoom(outcome) // the same one the board prints
	e.printf("Step: %s. Fingerprint to read aloud: %s (%s)\n", outcome.Step, r.Fingerprint, strings.ToLower(r.Label()[:1])+r.Label()[1:])
	if minutes[0] != "" {
		printLarge(e, "For the minutes: the ceremony fingerprint", minutes[0])
		printLarge(e, "For the minutes: the election key fingerprint", minutes[1])
	}
	if outcome.Out == nil {
		e.printf("%s.\n", capitalize(outcome.Note.String()))
		return nil
	}
	if err := office.WriteOutput(*out, outcome.Out.Bytes(), *force); err != nil {
		return err
	}
	e.printf("Wrote %s (%s, fingerprint %s): %s.\n", *out, outcome.Out.Kind, outcome.Out.ID().Fingerprint(), outcome.Note)
	return nil
}

// checkMemberOut refuses, before anything is unlocked or sealed, an output
// path that is the keystore's own (even before the keystore exists, at
// enrolment) or that office.CheckOutput refuses.
func checkMemberOut(ks, out string, force bool) error {
	a, errA := filepath.Abs(ks)
	b, errB := filepath.Abs(out)
	if errA == nil && errB == nil && a == b {
		return fmt.Errorf("%w: --out %s is the keystore itself: give another file for your answer", office.ErrOutputProtected, out)
	}
	if fa, err := os.Stat(ks); err == nil {
		if fb, err := os.Stat(out); err == nil && os.SameFile(fa, fb) {
			return fmt.Errorf("%w: --out %s is the keystore itself: give another file for your answer", office.ErrOutputProtected, out)
		}
	}
	return checkOut(out, force)
}

// printQual lists QUAL and every exclusion with its reason, once QUAL is
// fixed (the open, recover and confirm steps).
func printQual(e *env, o *ceremony.Outcome) {
	if len(o.Qualified) == 0 && len(o.Excluded) == 0 {
		return
	}
	var q []string
	for _, j := range o.Qualified {
		q = append(q, fmt.Sprint(j))
	}
	e.printf("Qualified members (QUAL): %s\n", strings.Join(q, ", "))
	for _, x := range o.Excluded {
		e.printf("Excluded: %s: %s\n", x.Label, x.Reason)
	}
	for _, j := range o.Recovered {
		e.printf("Rebuilt: member %d did not open; its part of the key is rebuilt from the others' shares, not dropped\n", j)
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func cmdMemberDecrypt(e *env, args []string) error {
	fs := flag.NewFlagSet("member decrypt", flag.ContinueOnError)
	ks := fs.String("keystore", "", "the member's keystore file")
	in := fs.String("in", "", "the decryption request")
	out := fs.String("out", "", "file to write your answer to")
	ballotsFile := fs.String("ballots", "", "the published ballots file: decrypt only if the request is the tally of all of them")
	yes := fs.Bool("yes", false, "do not ask for confirmation (for scripts)")
	force := forceFlag(fs)
	pf := addPassphraseFlags(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	for _, r := range [][2]string{{"keystore", *ks}, {"in", *in}, {"out", *out}} {
		if err := required(r[0], r[1]); err != nil {
			return err
		}
	}
	if err := checkMemberOut(*ks, *out, *force); err != nil {
		return err
	}
	if err := e.lock(filepath.Dir(*ks), "keystore"); err != nil {
		return err
	}
	// A large request is read in chunks from its file, which stays open
	// for the answer (docs/performance.md).
	req, err := office.ReadRequest(*in)
	if err != nil {
		return err
	}
	defer req.Close()
	sum := req.Summary
	h, err := office.InspectMember(*ks)
	if err != nil {
		return err
	}
	closeAt := time.Unix(sum.Close, 0).UTC()
	state := "the poll is closed"
	if time.Now().Before(closeAt) {
		state = "the poll is NOT closed yet: nothing can be decrypted before the close of poll"
	}
	e.printf("Decryption request %q (%s)\n  ceremony:      %s\n  close of poll: %s (%s)\n  ciphertexts:   %d, fingerprint %s\n  request:       %s\n",
		sum.Label, sum.Kind, sum.Ceremony.Fingerprint(), closeAt.Format(time.RFC3339), state, sum.Ciphertexts, sum.Hash.Fingerprint(), sum.ID.Fingerprint())
	if sum.Kind == ceremony.RequestTally {
		e.printf("  ballots:       the request states that it sums %d ballots\n", sum.Bound)
	} else {
		e.printf("  ballots:       each ciphertext is decrypted on its own (shuffled ballots)\n")
	}
	if err := h.CheckCeremony(sum.Ceremony[:]); err != nil {
		return fmt.Errorf("this request is for ceremony %s: %v", sum.Ceremony.Fingerprint(), err)
	}
	if *ballotsFile != "" {
		n, err := office.CheckTallyFile(req, *ballotsFile)
		if err != nil {
			return err
		}
		e.printf("ok  the request is the sum of all %d published ballots in %s\n", n, *ballotsFile)
	} else if sum.Kind == ceremony.RequestTally {
		e.printf("Without the published ballots file (--ballots FILE), Conclave cannot check that this tally sums every ballot.\n")
	}
	m, err := pf.unlock(e, *ks)
	if err != nil {
		return err
	}
	defer m.Close()
	log, err := m.Answered()
	if err != nil {
		return err
	}
	e.printf("%s", describeAnswered(log))
	if !*yes {
		fmt.Fprint(e.stderr, "Compare these fingerprints with the published ones. Type yes to decrypt: ")
		line, _ := bufio.NewReader(e.stdin).ReadString('\n')
		if strings.TrimSpace(strings.ToLower(line)) != "yes" {
			return errors.New("not confirmed: nothing was decrypted")
		}
	}
	id, err := m.DecryptRequestTo(req, time.Now(), *out, *force)
	if err != nil {
		return err
	}
	e.printf("Wrote your partial decryption to %s (fingerprint %s): hand it to the coordinator.\n", *out, id.Fingerprint())
	return nil
}

// describeAnswered tells a member what its keystore already decrypted.
func describeAnswered(log []ceremony.AnsweredRequest) string {
	if len(log) == 0 {
		return "This keystore has answered no request yet.\n"
	}
	var b strings.Builder
	noun := "requests"
	if len(log) == 1 {
		noun = "request"
	}
	fmt.Fprintf(&b, "You already answered %d %s for this ceremony:\n", len(log), noun)
	for _, a := range log {
		what := fmt.Sprintf("%d ciphertexts", a.Count)
		if a.Kind == ceremony.RequestTally {
			what = fmt.Sprintf("a tally of %d ballots", a.Ballots)
		}
		fmt.Fprintf(&b, "  %s  %q (%s), request %s, ciphertexts %s\n", time.Unix(a.At, 0).UTC().Format(time.RFC3339), a.Label, what,
			a.RequestID().Fingerprint(), a.CiphertextsID().Fingerprint())
	}
	return b.String()
}

func cmdMemberCheck(e *env, args []string) error {
	fs := flag.NewFlagSet("member check", flag.ContinueOnError)
	ks := fs.String("keystore", "", "the member's keystore file")
	record := fs.String("record", "", "the public record folder to compare with (default: the keystore's header)")
	pf := addPassphraseFlags(fs)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if err := required("keystore", *ks); err != nil {
		return err
	}
	// Only reads: a keystore on a write-protected stick is still checked,
	// but never while another run is changing it.
	if err := e.lock(filepath.Dir(*ks), "keystore"); errors.Is(err, folderlock.ErrBusy) {
		return err
	}
	m, err := pf.unlock(e, *ks)
	if err != nil {
		return err
	}
	defer m.Close()
	text, err := m.Check(*record)
	if err != nil {
		return err
	}
	e.printf("ok  %s\n", capitalize(text.String()))
	return nil
}

func cmdMemberBackup(e *env, args []string) error {
	fs := flag.NewFlagSet("member backup", flag.ContinueOnError)
	ks := fs.String("keystore", "", "the member's keystore file")
	to := fs.String("to", "", "folder on a second stick")
	pf := addPassphraseFlags(fs)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if err := required("keystore", *ks); err != nil {
		return err
	}
	if err := required("to", *to); err != nil {
		return err
	}
	if err := e.lock(filepath.Dir(*ks), "keystore"); err != nil {
		return err
	}
	m, err := pf.unlock(e, *ks)
	if err != nil {
		return err
	}
	defer m.Close()
	path, err := m.Store().Backup(*to)
	if err != nil {
		return err
	}
	e.printf("ok  Backup written to %s, read back and checked. Keep it apart from the first stick.\n", path)
	return nil
}

func cmdMemberPassphrase(e *env, args []string) error {
	fs := flag.NewFlagSet("member passphrase", flag.ContinueOnError)
	ks := fs.String("keystore", "", "the member's keystore file")
	newFile := fs.String("new-passphrase-file", "", "read the new passphrase from this file")
	pf := addPassphraseFlags(fs)
	addKDFFlags(fs, &pf)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if err := required("keystore", *ks); err != nil {
		return err
	}
	kdf, err := pf.kdf()
	if err != nil {
		return err
	}
	if err := e.lock(filepath.Dir(*ks), "keystore"); err != nil {
		return err
	}
	m, err := pf.unlock(e, *ks)
	if err != nil {
		return err
	}
	defer m.Close()
	np, err := pf.create(e, *newFile, m.Header().Name)
	if err != nil {
		return err
	}
	defer np.Destroy()
	if err := m.Store().ChangePassphrase(np, kdf); err != nil {
		return err
	}
	e.printf("ok  The passphrase of %s is changed. Make a new backup: the old one still opens with the old passphrase.\n", *ks)
	return nil
}
