package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"

	"conclave/app/office"
	"conclave/ceremony"
	"conclave/internal/safefile"
)

// expectUsage is what a missing --expect is told.
const expectUsage = "--expect FINGERPRINT is required: the ceremony fingerprint the members read aloud and wrote in the minutes of the key ceremony; a key file is used only if its ceremony fingerprint is that one"

// expectKeyUsage is the help of --expect-key.
const expectKeyUsage = "the election key fingerprint written in the minutes at the end of the key ceremony (recommended: the ceremony fingerprint alone does not fix the key)"

// readElectionKey reads an election key file and checks it against the
// ceremony fingerprint of the minutes and, when expectKey is not empty,
// against their election key fingerprint (docs/protocol.md §5.9).
func readElectionKey(path, expect, expectKey string) (*ceremony.ElectionKey, error) {
	if strings.TrimSpace(expect) == "" {
		return nil, usagef(expectUsage)
	}
	m, err := office.ReadMessage(path)
	if err != nil {
		return nil, err
	}
	ek, err := ceremony.ParseElectionKey(m)
	if err != nil {
		return nil, err
	}
	if err := ek.Expect(expect); err != nil {
		return ek, err
	}
	if expectKey != "" {
		return ek, ek.ExpectKey(expectKey)
	}
	return ek, nil
}

// readVotes reads a votes file: one option number per line; blank lines and
// lines starting with # are ignored.
func readVotes(path string, options uint64) ([]uint64, error) {
	f, _, err := safefile.Open(path, safefile.Votes)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var votes []uint64
	sc := bufio.NewScanner(io.LimitReader(f, safefile.Votes.Max))
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil || v < 1 || v > options {
			return nil, fmt.Errorf("%s line %d: %q is not an option number from 1 to %d", path, line, s, options)
		}
		votes = append(votes, v)
	}
	if len(votes) == 0 {
		return nil, fmt.Errorf("%s holds no votes", path)
	}
	return votes, sc.Err()
}

func cmdBallotsEncrypt(e *env, args []string) error {
	fs := flag.NewFlagSet("ballots encrypt", flag.ContinueOnError)
	key := fs.String("key", "", "the election key file (from 'board key')")
	expect := fs.String("expect", "", "the ceremony fingerprint written in the minutes of the key ceremony (required)")
	expectKey := fs.String("expect-key", "", expectKeyUsage)
	votesFile := fs.String("votes", "", "votes file: one option number (1..K) per line")
	simulate := fs.Int("simulate", 0, "simulate this many ballots with random votes")
	options := fs.Uint64("options", 0, "number of options K")
	seed := fs.Uint64("seed", 0, "seed for simulated votes (0: random)")
	single := fs.Bool("single", false, "one ciphertext of the option number per ballot (as a mix-net outputs), instead of one per option")
	out := fs.String("out", "", "file to write")
	force := forceFlag(fs)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if err := required("key", *key); err != nil {
		return err
	}
	if err := required("out", *out); err != nil {
		return err
	}
	if strings.TrimSpace(*expect) == "" {
		return usagef(expectUsage)
	}
	if err := checkOut(*out, *force); err != nil {
		return err
	}
	if (*votesFile == "") == (*simulate == 0) {
		return usagef("give either --votes FILE or --simulate B")
	}
	optionsGiven := *options != 0
	if !optionsGiven {
		if *votesFile == "" {
			return usagef("--options is required")
		}
		*options = ceremony.MaxOptions
	}
	ek, err := readElectionKey(*key, *expect, *expectKey)
	if err != nil {
		return err
	}
	if *expectKey == "" {
		e.printf("The election key fingerprint was not checked: it is %s; compare it with the minutes, or give --expect-key.\n", ek.Fingerprint)
	}
	var votes []uint64
	if *votesFile != "" {
		if votes, err = readVotes(*votesFile, *options); err != nil {
			return err
		}
		if !optionsGiven {
			*options = 0
			for _, v := range votes {
				*options = max(*options, v)
			}
		}
	} else {
		r := rand.New(rand.NewPCG(*seed, *seed^0x9e3779b97f4a7c15))
		if *seed == 0 {
			r = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
		}
		for range *simulate {
			votes = append(votes, 1+r.Uint64N(*options))
		}
	}
	counts := make([]uint64, *options)
	for _, v := range votes {
		counts[v-1]++
	}
	var data []byte
	if *single {
		c, err := office.EncryptSingle(ek, votes, *options)
		if err != nil {
			return err
		}
		data = c.JSON()
	} else {
		b, err := office.EncryptBallots(ek, votes, *options)
		if err != nil {
			return err
		}
		data = b.JSON()
	}
	if err := office.WriteOutput(*out, data, *force); err != nil {
		return err
	}
	e.printf("Encrypted %d ballots over %d options under election key %s into %s.\n", len(votes), *options, ek.Fingerprint, *out)
	if *simulate > 0 {
		j, _ := json.Marshal(counts)
		e.printf("Simulated counts (for checking the demo): %s\n", j)
	}
	return nil
}

func cmdBallotsSum(e *env, args []string) error {
	fs := flag.NewFlagSet("ballots sum", flag.ContinueOnError)
	out := fs.String("out", "", "tally file to write (conclave-ciphertexts/v1)")
	force := forceFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("give exactly one ballots file")
	}
	if err := required("out", *out); err != nil {
		return err
	}
	if err := checkOut(*out, *force); err != nil {
		return err
	}
	data, err := safefile.Read(pos[0], safefile.Ballots)
	if err != nil {
		return err
	}
	b, err := office.ParseBallots(data)
	if err != nil {
		return err
	}
	sum, err := b.Sum()
	if err != nil {
		return err
	}
	if err := office.WriteOutput(*out, sum.JSON(), *force); err != nil {
		return err
	}
	e.printf("Summed %d ballots into %d ciphertexts (one per option) in %s.\nCiphertexts fingerprint: %s\n", len(b.Ballots), b.Options, *out,
		ceremony.CiphertextsHash(sum.Data).Fingerprint())
	return nil
}

func cmdVerify(e *env, args []string) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	expect := fs.String("expect", "", "the ceremony fingerprint written in the signed minutes")
	expectKey := fs.String("expect-key", "", "the election key fingerprint written in the signed minutes")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	dir, err := oneDir(pos)
	if err != nil {
		return err
	}
	want, err := expectedFingerprint(*expect)
	if err != nil {
		return err
	}
	wantKey, err := expectedFingerprint(*expectKey)
	if err != nil {
		return err
	}
	files, problems, err := office.ReadRecord(dir)
	if err != nil {
		return err
	}
	r := ceremony.Verify(files)
	for _, p := range problems {
		r.Checks = append(r.Checks, ceremony.Check{OK: false, Text: ceremony.Text{Format: p.Path + ": " + p.Reason}})
	}
	r.Checks = append(r.Checks, expectCheck(r.State, want)...)
	r.Checks = append(r.Checks, expectKeyCheck(r.State, wantKey)...)
	failed := 0
	for _, c := range r.Checks {
		mark := "ok  "
		if !c.OK {
			mark = "FAIL"
			failed++
		}
		e.printf("%s %s\n", mark, c.Text)
	}
	if err := printRecordFingerprint(e, r.State, files); err != nil {
		return fmt.Errorf("the record in %s does NOT verify: %w", dir, err)
	}
	if err := expectError(r.State, want); err != nil {
		return fmt.Errorf("the record in %s does NOT verify: %w", dir, err)
	}
	if err := expectKeyError(r.State, wantKey); err != nil {
		return fmt.Errorf("the record in %s does NOT verify: %w", dir, err)
	}
	if failed > 0 {
		return fmt.Errorf("the record in %s does NOT verify: %d of %d checks failed", dir, failed, len(r.Checks))
	}
	e.printf("The record in %s verifies: %d checks passed.\n", dir, len(r.Checks))
	return nil
}

func cmdRecordExport(e *env, args []string) error {
	fs := flag.NewFlagSet("record export", flag.ContinueOnError)
	out := fs.String("json", "", "JSON file to write")
	force := forceFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	dir, err := oneDir(pos)
	if err != nil {
		return err
	}
	if err := required("json", *out); err != nil {
		return err
	}
	if err := checkOut(*out, *force); err != nil {
		return err
	}
	files, problems, err := office.ReadRecord(dir)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		reportSkipped(e, problems)
		return fmt.Errorf("%d file(s) of %s cannot be read (listed above): nothing was exported, since the record would be incomplete", len(problems), dir)
	}
	j, err := ceremony.ExportJSON(files)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, j, "", "  "); err != nil {
		return err
	}
	buf.WriteByte('\n')
	if err := office.WriteOutput(*out, buf.Bytes(), *force); err != nil {
		return err
	}
	e.printf("Wrote the record of %d messages to %s.\n", len(files), *out)
	return nil
}
