package cli

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"conclave/app/office"
	"conclave/ceremony"
	"conclave/keystore"
)

// passphraseFlags are the flags every command that opens a keystore takes.
type passphraseFlags struct {
	file      *string
	kdfMemory *uint
	kdfTime   *uint
}

func addPassphraseFlags(fs *flag.FlagSet) passphraseFlags {
	return passphraseFlags{
		file: fs.String("passphrase-file", "", "read the passphrase from this file (for scripts) instead of the terminal"),
	}
}

func addKDFFlags(fs *flag.FlagSet, p *passphraseFlags) {
	p.kdfMemory = fs.Uint("kdf-memory", uint(keystore.DefaultKDF.MemoryKiB/1024), "Argon2id memory in MiB for a new keystore (lower only for tests)")
	p.kdfTime = fs.Uint("kdf-time", uint(keystore.DefaultKDF.Time), "Argon2id passes for a new keystore")
}

func (p passphraseFlags) kdf() keystore.KDFParams {
	k := keystore.DefaultKDF
	if p.kdfMemory != nil {
		k.MemoryKiB = uint32(*p.kdfMemory) * 1024
		k.Time = uint32(*p.kdfTime)
		if *p.kdfMemory < 64 {
			k.Threads = 1
		}
	}
	return k
}

// readSecretLine reads a passphrase from a file (its first line) or from
// the terminal without echo.
func readSecretLine(e *env, file, prompt string) ([]byte, error) {
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("cannot read the passphrase file: %v", err)
		}
		line := data
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		out := bytes.Clone(line)
		clear(data)
		return out, nil
	}
	f, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, errors.New("there is no terminal to ask for the passphrase: use --passphrase-file FILE")
	}
	fmt.Fprint(e.stderr, prompt)
	b, err := term.ReadPassword(int(f.Fd()))
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
	msg, err := office.ReadMessage(*in)
	if err != nil {
		return err
	}
	var outcome *ceremony.Outcome
	if _, statErr := os.Stat(*ks); errors.Is(statErr, os.ErrNotExist) {
		if msg.Kind != ceremony.KindCall {
			return fmt.Errorf("the keystore %s does not exist; a new one is made only when answering the coordinator's call, and this is a %s", *ks, msg.Kind)
		}
		if *name == "" {
			return usagef("--name is required to enrol: the name the other members know you by")
		}
		pass, err := pf.create(e, *pf.file, *name)
		if err != nil {
			return err
		}
		defer pass.Destroy()
		m, card, err := office.Enrol(*ks, pass, *name, msg, pf.kdf())
		if err != nil {
			return err
		}
		defer m.Close()
		outcome = &ceremony.Outcome{Step: "enrol", Out: card, Fingerprint: ceremony.Fingerprint(m.Header().Ceremony),
			Checks: []string{"new keys made and sealed in " + *ks}, Note: "hand your card to the coordinator, and read the call fingerprint aloud"}
	} else {
		m, err := pf.unlock(e, *ks)
		if err != nil {
			return err
		}
		defer m.Close()
		if outcome, err = m.Step(msg); err != nil {
			var ex *ceremony.ExcludedError
			if errors.As(err, &ex) && ex.Outcome != nil {
				e.printf("YOU ARE NOT IN THE QUALIFIED SET: %s\n", ex.Reason)
				printQual(e, ex.Outcome)
			}
			return err
		}
	}
	for _, c := range outcome.Checks {
		if strings.Contains(c, " is disqualified: ") {
			continue // listed by printQual
		}
		e.printf("ok  %s\n", c)
	}
	printQual(e, outcome)
	e.printf("Step: %s. Fingerprint to read aloud: %s\n", outcome.Step, outcome.Fingerprint)
	if outcome.Out == nil {
		e.printf("%s.\n", capitalize(outcome.Note))
		return nil
	}
	if err := office.WriteFileAtomic(*out, outcome.Out.Bytes()); err != nil {
		return err
	}
	e.printf("Wrote %s (%s, fingerprint %s): %s.\n", *out, outcome.Out.Kind, outcome.Out.ID().Fingerprint(), outcome.Note)
	return nil
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
	yes := fs.Bool("yes", false, "do not ask for confirmation (for scripts)")
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
	req, err := office.ReadMessage(*in)
	if err != nil {
		return err
	}
	sum, err := ceremony.Summarize(req)
	if err != nil {
		return err
	}
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
	if err := h.CheckCeremony(sum.Ceremony[:]); err != nil {
		return fmt.Errorf("this request is for ceremony %s: %v", sum.Ceremony.Fingerprint(), err)
	}
	if !*yes {
		fmt.Fprint(e.stderr, "Compare these fingerprints with the published ones. Type yes to decrypt: ")
		line, _ := bufio.NewReader(e.stdin).ReadString('\n')
		if strings.TrimSpace(strings.ToLower(line)) != "yes" {
			return errors.New("not confirmed: nothing was decrypted")
		}
	}
	m, err := pf.unlock(e, *ks)
	if err != nil {
		return err
	}
	defer m.Close()
	ans, err := m.Decrypt(req, time.Now())
	if err != nil {
		return err
	}
	if err := office.WriteFileAtomic(*out, ans.Bytes()); err != nil {
		return err
	}
	e.printf("Wrote your partial decryption to %s (fingerprint %s): hand it to the coordinator.\n", *out, ans.ID().Fingerprint())
	return nil
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
	m, err := pf.unlock(e, *ks)
	if err != nil {
		return err
	}
	defer m.Close()
	text, err := m.Check(*record)
	if err != nil {
		return err
	}
	e.printf("ok  %s\n", capitalize(text))
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
	if err := m.Store().ChangePassphrase(np, pf.kdf()); err != nil {
		return err
	}
	e.printf("ok  The passphrase of %s is changed. Make a new backup: the old one still opens with the old passphrase.\n", *ks)
	return nil
}
