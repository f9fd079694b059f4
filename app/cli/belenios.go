package cli

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"conclave/app/office"
	"conclave/ceremony/belenios"
	"conclave/keystore"
)

// The "belenios" verbs make a Conclave member a trustee of a Belenios
// election (docs/belenios.md). Every file they write is byte for byte what
// belenios-tool writes at the same step, so the administrator uses them
// unchanged.

const maxBeleniosFile = 64 << 20

func readBeleniosFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxBeleniosFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxBeleniosFile {
		return nil, fmt.Errorf("%s is larger than %d MiB", path, maxBeleniosFile>>20)
	}
	return b, nil
}

// readOneLine reads a file holding one JSON line (an optional final
// newline, as belenios-tool writes it).
func readOneLine(path string) ([]byte, error) {
	b, err := readBeleniosFile(path)
	if err != nil {
		return nil, err
	}
	b = bytes.TrimSuffix(bytes.TrimSuffix(b, []byte("\n")), []byte("\r"))
	if bytes.IndexByte(b, '\n') >= 0 {
		return nil, fmt.Errorf("%s holds more than one line", path)
	}
	return b, nil
}

func readCerts(path string) ([]*belenios.Cert, error) {
	b, err := readBeleniosFile(path)
	if err != nil {
		return nil, err
	}
	certs, err := belenios.ParseCerts(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return certs, nil
}

func addVersionFlag(fs *flag.FlagSet) *string {
	return fs.String("belenios", "3.1", "the Belenios version of the election's server: 2.5.1, 3.0, 3.1, 3.2.0 or 3.3.0")
}

func (p passphraseFlags) unlockBelenios(e *env, path string) (*office.BeleniosTrustee, error) {
	h, err := keystore.Inspect(path)
	if err != nil {
		return nil, err
	}
	if !office.IsBelenios(h) {
		return nil, errors.New("this keystore is a Conclave ceremony member's, not a Belenios trustee's: bring the keystore made by 'conclave belenios keygen'")
	}
	pass, err := p.open(e)
	if err != nil {
		return nil, err
	}
	defer pass.Destroy()
	return office.OpenBelenios(path, pass)
}

// writeLine writes one line of Belenios JSON at path, by the rules of every
// verb that writes (office.WriteOutput).
func writeLine(path string, b []byte, force bool) error {
	return office.WriteOutput(path, append(bytes.Clone(b), '\n'), force)
}

// holdKeystore applies to a Belenios verb what every member verb does
// before any work (docs/cli.md): --out is checked (never the keystore, a
// board's file or a device; an existing file only with --force), and the
// keystore's folder is locked for the whole verb.
func holdKeystore(e *env, ks, out string, force bool) error {
	if err := checkMemberOut(ks, out, force); err != nil {
		return err
	}
	return e.lock(filepath.Dir(ks), "keystore")
}

func cmdBeleniosKeygen(e *env, args []string) error {
	fs := flag.NewFlagSet("belenios keygen", flag.ContinueOnError)
	ks := fs.String("keystore", "", "the new keystore file (on your stick)")
	ctxs := fs.String("context", "", "your place in the threshold key generation: INDEX/THRESHOLD/SIZE, as the administrator gives it (e.g. 2/2/3)")
	single := fs.Bool("single", false, "make a Single (non-threshold) trustee key instead")
	notRemovable := fs.Bool("not-removable", false, "allow the keystore on this computer's own disk rather than a USB stick")
	out := fs.String("out", "", "file to write your certificate (or, with --single, your public key) to")
	force := forceFlag(fs)
	name := fs.String("name", "", "your name")
	pf := addPassphraseFlags(fs)
	addKDFFlags(fs, &pf)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	for _, r := range [][2]string{{"keystore", *ks}, {"out", *out}} {
		if err := required(r[0], r[1]); err != nil {
			return err
		}
	}
	if *single == (*ctxs != "") {
		return usagef("give either --context INDEX/THRESHOLD/SIZE (a threshold trustee) or --single")
	}
	var ctx belenios.Context
	if !*single {
		var err error
		if ctx, err = belenios.ParseContext(*ctxs); err != nil {
			return usagef("%v", err)
		}
	}
	kdf, err := pf.kdf()
	if err != nil {
		return err
	}
	if _, err := os.Stat(*ks); err == nil {
		return fmt.Errorf("%s already exists: a keystore is never overwritten; choose another file name", *ks)
	}
	if !*notRemovable {
		if err := office.CheckKeystoreLocation(*ks); err != nil {
			return err
		}
	}
	if err := holdKeystore(e, *ks, *out, *force); err != nil {
		return err
	}
	pass, err := pf.create(e, *pf.file, *name)
	if err != nil {
		return err
	}
	defer pass.Destroy()
	if *single {
		t, pub, err := office.BeleniosKeygenSingle(*ks, pass, *name, kdf)
		if err != nil {
			return err
		}
		defer t.Close()
		if err := writeLine(*out, belenios.Marshal(pub), *force); err != nil {
			return err
		}
		e.printf("ok  new Single trustee key made and sealed in %s\n", *ks)
		e.printf("Key id: %s (belenios-tool would name the file %s.pubkey)\n", belenios.SingleKeyID(pub.PublicKey), belenios.SingleKeyID(pub.PublicKey))
		e.printf("Fingerprint to read aloud: %s\n", belenios.SHA256B64([]byte(`"`+pub.PublicKey.String()+`"`)))
		e.printf("Wrote %s: hand it to the administrator.\n", *out)
		return nil
	}
	t, cert, err := office.BeleniosKeygen(*ks, pass, *name, ctx, kdf)
	if err != nil {
		return err
	}
	defer t.Close()
	if err := writeLine(*out, belenios.Marshal(cert), *force); err != nil {
		return err
	}
	e.printf("ok  new seed made and sealed in %s (trustee %d of %d, threshold %d)\n", *ks, ctx.Index, ctx.Size, ctx.Threshold)
	e.printf("Trustee id: %s\n", cert.ID())
	e.printf("Fingerprint to read aloud: %s\n", cert.Fingerprint())
	e.printf("Wrote %s (belenios-tool's %s.cert): hand it to the administrator.\n", *out, cert.ID())
	return nil
}

func cmdBeleniosPolynomial(e *env, args []string) error {
	fs := flag.NewFlagSet("belenios polynomial", flag.ContinueOnError)
	ks := fs.String("keystore", "", "your keystore")
	certsPath := fs.String("certs", "", "every trustee's certificate, one per line, in order (from the administrator)")
	out := fs.String("out", "", "file to write your polynomial to")
	force := forceFlag(fs)
	ver := addVersionFlag(fs)
	pf := addPassphraseFlags(fs)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	for _, r := range [][2]string{{"keystore", *ks}, {"certs", *certsPath}, {"out", *out}} {
		if err := required(r[0], r[1]); err != nil {
			return err
		}
	}
	if err := holdKeystore(e, *ks, *out, *force); err != nil {
		return err
	}
	v, err := belenios.ParseVersion(*ver)
	if err != nil {
		return usagef("%v", err)
	}
	certs, err := readCerts(*certsPath)
	if err != nil {
		return err
	}
	t, err := pf.unlockBelenios(e, *ks)
	if err != nil {
		return err
	}
	defer t.Close()
	p, err := t.Polynomial(v, certs)
	if err != nil {
		return err
	}
	e.printf("ok  %d certificates, each for this election's context, each signed by its key\n", len(certs))
	e.printf("ok  our certificate is number %d\n", t.Header().Member)
	for i, c := range certs {
		e.printf("    trustee %d: %s\n", i+1, c.Fingerprint())
	}
	if err := writeLine(*out, belenios.Marshal(p), *force); err != nil {
		return err
	}
	e.printf("Wrote %s (Belenios %s): hand it to the administrator.\n", *out, v)
	return nil
}

func cmdBeleniosVoutput(e *env, args []string) error {
	fs := flag.NewFlagSet("belenios voutput", flag.ContinueOnError)
	ks := fs.String("keystore", "", "your keystore")
	certsPath := fs.String("certs", "", "every trustee's certificate, one per line, in order")
	vin := fs.String("vinput", "", "your vinput (from the administrator)")
	out := fs.String("out", "", "file to write your voutput to")
	force := forceFlag(fs)
	ver := addVersionFlag(fs)
	pf := addPassphraseFlags(fs)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	for _, r := range [][2]string{{"keystore", *ks}, {"certs", *certsPath}, {"vinput", *vin}, {"out", *out}} {
		if err := required(r[0], r[1]); err != nil {
			return err
		}
	}
	if err := holdKeystore(e, *ks, *out, *force); err != nil {
		return err
	}
	v, err := belenios.ParseVersion(*ver)
	if err != nil {
		return usagef("%v", err)
	}
	certs, err := readCerts(*certsPath)
	if err != nil {
		return err
	}
	raw, err := readOneLine(*vin)
	if err != nil {
		return err
	}
	in, err := belenios.ParseVinput(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", *vin, err)
	}
	t, err := pf.unlockBelenios(e, *ks)
	if err != nil {
		return err
	}
	defer t.Close()
	vo, err := t.Voutput(v, certs, in)
	if err != nil {
		return err
	}
	e.printf("ok  %d certificates, each for this election's context, each signed by its key\n", len(certs))
	e.printf("ok  every trustee's commitments are signed and bound to the certificates\n")
	e.printf("ok  every share is signed by its sender, addressed to us, and matches its sender's commitments\n")
	e.printf("ok  decryption key sealed in %s\n", *ks)
	if err := writeLine(*out, belenios.Marshal(vo), *force); err != nil {
		return err
	}
	e.printf("Verification key: %s\n", vo.PublicKey.PublicKey)
	e.printf("Wrote %s (Belenios %s): hand it to the administrator.\n", *out, v)
	return nil
}

func cmdBeleniosDecrypt(e *env, args []string) error {
	fs := flag.NewFlagSet("belenios decrypt", flag.ContinueOnError)
	ks := fs.String("keystore", "", "your keystore")
	arch := fs.String("archive", "", "the election's public archive (UUID.bel)")
	tid := fs.Int("trustee-id", 0, "your trustee id in the election (as for belenios-tool election decrypt)")
	out := fs.String("out", "", "file to write your partial decryption to (two lines, for belenios-tool archive add-event --type=PartialDecryption)")
	force := forceFlag(fs)
	yes := fs.Bool("yes", false, "do not ask for confirmation (for scripts)")
	pf := addPassphraseFlags(fs)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	for _, r := range [][2]string{{"keystore", *ks}, {"archive", *arch}, {"out", *out}} {
		if err := required(r[0], r[1]); err != nil {
			return err
		}
	}
	if err := holdKeystore(e, *ks, *out, *force); err != nil {
		return err
	}
	if *tid <= 0 {
		return usagef("--trustee-id N is required (N ≥ 1)")
	}
	h, err := keystore.Inspect(*ks)
	if err != nil {
		return err
	}
	if !office.IsBelenios(h) {
		return errors.New("this keystore is a Conclave ceremony member's, not a Belenios trustee's")
	}
	a, s, err := office.ReadBeleniosArchive(*arch)
	if err != nil {
		return fmt.Errorf("the archive %s is refused, nothing was decrypted: %w", *arch, err)
	}
	e.printf("ok  the trustees are valid and make the election's public key\n")
	e.printf("ok  %d ballots: each signed by a credential of the election, each with valid proofs\n", s.Ballots)
	e.printf("ok  the encrypted tally is the product of the %d ballots counted\n", s.Tallied)
	if s.Partials > 0 {
		e.printf("ok  the %d partial decryptions already in the archive are valid\n", s.Partials)
	}
	e.printf("%s", office.FormatSummary(s))
	if !*yes {
		fmt.Fprint(e.stderr, "Compare these with what the administrator publishes. Type yes to decrypt: ")
		line, _ := bufio.NewReader(e.stdin).ReadString('\n')
		if strings.TrimSpace(strings.ToLower(line)) != "yes" {
			return errors.New("not confirmed: nothing was decrypted")
		}
	}
	t, err := pf.unlockBelenios(e, *ks)
	if err != nil {
		return err
	}
	defer t.Close()
	d, err := t.Decrypt(a, s, *tid)
	if err != nil {
		return err
	}
	if err := office.WriteOutput(*out, d.Lines, *force); err != nil {
		return err
	}
	e.printf("Wrote your partial decryption (trustee %d) to %s: hand it to the administrator.\n", d.Owner, *out)
	return nil
}

func cmdBeleniosCheck(e *env, args []string) error {
	fs := flag.NewFlagSet("belenios check", flag.ContinueOnError)
	ks := fs.String("keystore", "", "your keystore")
	arch := fs.String("archive", "", "an election's archive to find your key in (optional)")
	pf := addPassphraseFlags(fs)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if err := required("keystore", *ks); err != nil {
		return err
	}
	var a *belenios.Archive
	if *arch != "" {
		b, err := readBeleniosFile(*arch)
		if err != nil {
			return err
		}
		if a, err = belenios.ReadArchive(bytes.NewReader(b)); err != nil {
			return fmt.Errorf("%s: %w", *arch, err)
		}
		if _, err := belenios.CheckTrustees(a.Trustees); err != nil {
			return fmt.Errorf("%s: %w", *arch, err)
		}
	}
	t, err := pf.unlockBelenios(e, *ks)
	if err != nil {
		return err
	}
	defer t.Close()
	lines, err := t.Check(a)
	if err != nil {
		return err
	}
	for _, l := range lines {
		e.printf("ok  %s\n", capitalize(l.String()))
	}
	return nil
}
