// Package cli is Conclave's command line: the same binary as the GUI, with
// exact verbs that scripts and auditors can rely on (docs/cli.md).
//
// Entry point: Main.
package cli

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"sync"

	"conclave/internal/folderlock"
)

// Version and Commit are set at build time with -ldflags "-X".
var (
	Version = "dev"
	Commit  = ""
)

// env is what a command runs with.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	locks          []*folderlock.Lock // released when the verb ends
}

// lock takes the lock of dir (a keystore's or a board's folder, what says
// which) for the rest of the verb, and removes the temporary files that an
// interrupted run left there (docs/cli.md §1, "Locks").
func (e *env) lock(dir, what string) error {
	l, err := folderlock.Acquire(dir, what)
	if err != nil {
		return err
	}
	e.locks = append(e.locks, l)
	for _, n := range l.CleanLeftovers(dir) {
		fmt.Fprintf(e.stderr, "removed %s, a temporary file left by an interrupted run\n", filepath.Join(dir, n))
	}
	return nil
}

func (e *env) release() {
	for _, l := range e.locks {
		l.Release()
	}
	e.locks = nil
}

func (e *env) printf(format string, a ...any) { fmt.Fprintf(e.stdout, format, a...) }

type command struct {
	usage string
	run   func(e *env, args []string) error
}

var commands map[string]command

func init() {
	commands = map[string]command{
		"version":             {"conclave version", cmdVersion},
		"demo":                {"conclave demo [--members N] [--threshold T] [--ballots B] [--options K] [--dir D] [--pq]", cmdDemo},
		"board new":           {"conclave board new DIR --title TITLE --members N --threshold T --close RFC3339 [--pq] [--i-understand]", cmdBoardNew},
		"board next":          {"conclave board next DIR --out FILE [--without-missing] [--force]", cmdBoardNext},
		"board add":           {"conclave board add DIR FILE...", cmdBoardAdd},
		"board status":        {"conclave board status DIR", cmdBoardStatus},
		"board key":           {"conclave board key DIR --out FILE [--force]", cmdBoardKey},
		"board request":       {"conclave board request DIR --ciphertexts FILE --out FILE [--label LABEL] [--force]", cmdBoardRequest},
		"board minutes":       {"conclave board minutes DIR --out FILE.pdf [--lang en|fr] [--tz ZONE] [--option NAME]... [--force]", cmdBoardMinutes},
		"board tally":         {"conclave board tally DIR --out FILE [--request FINGERPRINT] [--force]", cmdBoardTally},
		"member step":         {"conclave member step --keystore K [--name NAME] [--not-removable] --in FILE --out FILE [--force] [--yes] [--i-understand] [--passphrase-file F] [--kdf-memory MIB --kdf-time N]", cmdMemberStep},
		"member decrypt":      {"conclave member decrypt --keystore K --in REQUEST --out FILE [--ballots FILE] [--force] [--yes] [--passphrase-file F]", cmdMemberDecrypt},
		"member check":        {"conclave member check --keystore K [--record DIR] [--passphrase-file F]", cmdMemberCheck},
		"member backup":       {"conclave member backup --keystore K --to DIR [--passphrase-file F]", cmdMemberBackup},
		"member passphrase":   {"conclave member passphrase --keystore K [--passphrase-file F --new-passphrase-file F2] [--kdf-memory MIB --kdf-time N]", cmdMemberPassphrase},
		"ballots encrypt":     {"conclave ballots encrypt --key KEYFILE --expect FINGERPRINT [--expect-key FINGERPRINT] (--votes FILE | --simulate B --options K [--seed S]) [--single] --out FILE [--force]", cmdBallotsEncrypt},
		"key check":           {"conclave key check KEYFILE --expect FINGERPRINT [--expect-key FINGERPRINT]", cmdKeyCheck},
		"ballots sum":         {"conclave ballots sum IN --out OUT [--force]", cmdBallotsSum},
		"verify":              {"conclave verify DIR [--expect FINGERPRINT] [--expect-key FINGERPRINT]", cmdVerify},
		"record export":       {"conclave record export DIR --json FILE [--force]", cmdRecordExport},
		"qr encode":           {"conclave qr encode FILE --out-dir DIR [--bytes-per-frame N] [--level L|M|Q|H] [--parts N] [--module-px N]", cmdQREncode},
		"qr decode":           {"conclave qr decode IMAGE_OR_DIR... --out FILE [--force]", cmdQRDecode},
		"belenios keygen":     {"conclave belenios keygen --keystore K (--context I/T/N | --single) [--not-removable] --out FILE [--force] [--name NAME] [--passphrase-file F] [--kdf-memory MIB --kdf-time N]", cmdBeleniosKeygen},
		"belenios polynomial": {"conclave belenios polynomial --keystore K --certs CERTS --out POLY [--force] [--belenios VERSION] [--passphrase-file F]", cmdBeleniosPolynomial},
		"belenios voutput":    {"conclave belenios voutput --keystore K --certs CERTS --vinput VINPUT --out VOUTPUT [--force] [--belenios VERSION] [--passphrase-file F]", cmdBeleniosVoutput},
		"belenios decrypt":    {"conclave belenios decrypt --keystore K --archive ELECTION.bel --trustee-id N --out FILE [--force] [--yes] [--passphrase-file F]", cmdBeleniosDecrypt},
		"belenios check":      {"conclave belenios check --keystore K [--archive ELECTION.bel] [--passphrase-file F]", cmdBeleniosCheck},
	}
}

// errUsage marks an error in the command's words; Main prints the usage.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// Main runs the command line and returns the exit status: 0 on success, 1
// when the command failed (a refusal, a failed verification), 2 when the
// command's words are wrong.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	setMemoryLimit()
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "help" || args[0] == "--help" || args[0] == "-h" {
		printUsage(stdout)
		return 0
	}
	name := args[0]
	rest := args[1:]
	cmd, ok := commands[name]
	if !ok && len(args) > 1 {
		name = args[0] + " " + args[1]
		cmd, ok = commands[name]
		rest = args[2:]
	}
	if !ok {
		fmt.Fprintf(stderr, "conclave: unknown command %q\n\n", strings.Join(args[:min(2, len(args))], " "))
		printUsage(stderr)
		return 2
	}
	defer e.release()
	if err := cmd.run(e, rest); err != nil {
		var u usageError
		if errors.As(err, &u) {
			fmt.Fprintf(stderr, "conclave %s: %v\nusage: %s\n", name, err, cmd.usage)
			return 2
		}
		fmt.Fprintf(stderr, "conclave %s: %v\n", name, err)
		return 1
	}
	return 0
}

// memoryLimit is the soft limit of the Go heap for a verb (unless
// GOMEMLIMIT says otherwise): a request of a million ciphertexts (64 MB)
// is answered, checked and combined within 256 MiB of peak RSS at the test
// key-derivation cost (docs/performance.md), because the collector
// reclaims the encodings a verb is done with before the heap grows past
// it. It is soft: a verb that needs more (the default key derivation
// takes 256 MiB) gets it.
const memoryLimit = 192 << 20

var memoryLimitOnce sync.Once

func setMemoryLimit() {
	memoryLimitOnce.Do(func() {
		if os.Getenv("GOMEMLIMIT") == "" {
			debug.SetMemoryLimit(memoryLimit)
		}
	})
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "Conclave: the election key ceremony, custody of the shares, and the count.")
	fmt.Fprintln(w, "Run 'conclave' alone to open the application. Commands:")
	var names []string
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintln(w, "  "+commands[n].usage)
	}
}

// parse parses flags that may come before, between or after positional
// arguments, and returns the positional arguments.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usagef("%v", err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// parseNoArgs parses flags and refuses positional arguments.
func parseNoArgs(fs *flag.FlagSet, args []string) error {
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	return nil
}

func required(name, value string) error {
	if value == "" {
		return usagef("--%s is required", name)
	}
	return nil
}

func cmdVersion(e *env, args []string) error {
	if err := parseNoArgs(flag.NewFlagSet("version", flag.ContinueOnError), args); err != nil {
		return err
	}
	commit := Commit
	if commit == "" {
		if bi, ok := debug.ReadBuildInfo(); ok {
			for _, s := range bi.Settings {
				if s.Key == "vcs.revision" {
					commit = s.Value
				}
			}
		}
	}
	if commit == "" {
		commit = "unknown"
	}
	sum, err := BinaryFingerprint()
	if err != nil {
		sum = "unknown (" + err.Error() + ")"
	}
	e.printf("conclave %s\ncommit %s\nbinary sha256 %s\n", Version, commit, sum)
	return nil
}

// BinaryFingerprint returns the SHA-256 of the running executable, in hex:
// what an expert compares with the audited build (docs/release.md).
func BinaryFingerprint() (string, error) {
	path, err := os.Executable()
	if err != nil {
		return "", err
	}
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, bufio.NewReader(f)); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
