package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"conclave/app/office"
	"conclave/ceremony"
)

// forceFlag is the --force flag of every verb that writes a file.
func forceFlag(fs *flag.FlagSet) *bool {
	return fs.Bool("force", false, "replace the output file if it exists (never a keystore, a board's file or a device)")
}

// checkOut checks, before any work, that the output may be written
// (office.CheckOutput); the write checks again.
func checkOut(path string, force bool) error {
	return office.CheckOutput(path, force)
}

// openBoardArgs parses a board verb's flags, takes its one board folder,
// checks that --out (when out is not nil) is given and may be written, and
// opens the board.
func openBoardArgs(e *env, fs *flag.FlagSet, args []string, out *string, force *bool) (*office.Board, error) {
	pos, err := parse(fs, args)
	if err != nil {
		return nil, err
	}
	dir, err := oneDir(pos)
	if err != nil {
		return nil, err
	}
	if out != nil {
		if err := required("out", *out); err != nil {
			return nil, err
		}
		if err := checkOut(*out, *force); err != nil {
			return nil, err
		}
		// A verb that writes holds the board for its whole run.
		if err := e.lock(dir, "board"); err != nil {
			return nil, err
		}
	}
	return office.OpenBoard(dir)
}

// refuseSkipped stops a verb that hands something out while the board
// holds files that are not valid messages of it: whatever it wrote would
// be computed without them (issue 10: a bundle with 2 of 3 deals).
func refuseSkipped(e *env, b *office.Board) error {
	if len(b.Skipped) == 0 {
		return nil
	}
	reportSkipped(e, b.Skipped)
	return fmt.Errorf("the board %s holds %d file(s) that are not valid messages of this ceremony (listed above): nothing was written; move them out of the folder, or copy the board again from its backup", b.Dir, len(b.Skipped))
}

func oneDir(pos []string) (string, error) {
	if len(pos) != 1 {
		return "", usagef("give exactly one board folder")
	}
	return pos[0], nil
}

func cmdBoardNew(e *env, args []string) error {
	fs := flag.NewFlagSet("board new", flag.ContinueOnError)
	title := fs.String("title", "", "the ceremony's title")
	members := fs.Uint64("members", 0, "number of members n (1..64)")
	threshold := fs.Uint64("threshold", 0, "members needed to decrypt t (1..n)")
	pq := fs.Bool("pq", false, "seal shares with post-quantum hybrid HPKE (MLKEM768X25519)")
	closeAt := fs.String("close", "", "close of poll, RFC 3339 (nothing decrypts before it)")
	understood := fs.Bool("i-understand", false, "acknowledge dangerous settings (threshold 1 or n, close of poll past or within the hour)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	dir, err := oneDir(pos)
	if err != nil {
		return err
	}
	if err := required("title", *title); err != nil {
		return err
	}
	if *members == 0 || *threshold == 0 {
		return usagef("--members and --threshold are required")
	}
	if *closeAt == "" {
		return usagef("--close is required: the close of poll, e.g. 2027-03-14T18:00:00Z")
	}
	closeTime, err := time.Parse(time.RFC3339, *closeAt)
	if err != nil {
		return usagef("--close %q is not an RFC 3339 time such as 2027-03-14T18:00:00+01:00", *closeAt)
	}
	if dangers := office.Dangers(*members, *threshold, closeTime, time.Now()); len(dangers) > 0 {
		for _, d := range dangers {
			e.printf("DANGER: %s.\n", d.Explain())
		}
		if !*understood {
			return errors.New("these settings are dangerous (see DANGER above), and every member will be asked to acknowledge them too: go on only if the office decided them knowingly, with --i-understand")
		}
	}
	b, err := office.CreateBoard(dir, *title, *members, *threshold, *pq, closeTime)
	if err != nil {
		return err
	}
	e.printf("New ceremony %q in %s: %d members, threshold %d, close of poll %s\n", *title, dir, *members, *threshold, closeTime.UTC().Format(time.RFC3339))
	e.printf("Call fingerprint: %s\n", b.State.CallID.Fingerprint())
	e.printf("Next: 'conclave board next %s --out call.cbor' and hand the call to every member.\n", dir)
	return nil
}

func cmdBoardNext(e *env, args []string) error {
	fs := flag.NewFlagSet("board next", flag.ContinueOnError)
	out := fs.String("out", "", "file to write")
	without := fs.Bool("without-missing", false, "close the deal, verify, reveal or open step without the missing members: a member who did not deal or did not answer a complaint is disqualified; a qualified member who did not open is rebuilt from the others' shares, not dropped")
	force := forceFlag(fs)
	b, err := openBoardArgs(e, fs, args, out, force)
	if err != nil {
		return err
	}
	if err := refuseSkipped(e, b); err != nil {
		return err
	}
	msg, err := b.Next(*without)
	if err != nil {
		return err
	}
	if err := office.WriteMessageOutput(*out, msg, *force); err != nil {
		return err
	}
	p := b.Progress()
	e.printf("Wrote %s (%s, %d bytes).\n", *out, describe(msg), msg.Size())
	r := b.Room() // the same one every member's step prints
	e.printf("%s (members read it aloud): %s\n", r.Label(), r.Fingerprint)
	e.printf("Step: %s\n", p.Step)
	if len(p.Waiting) > 0 {
		e.printf("Waiting for: %s\n", ceremony.List{Items: p.Waiting, Sep: ", "})
	}
	return nil
}

func describe(m *ceremony.Envelope) string {
	if m.Kind == ceremony.KindBundle {
		return "bundle for the members"
	}
	return string(m.Kind)
}

func reportSkipped(e *env, ps []office.Problem) {
	for _, p := range ps {
		fmt.Fprintf(e.stderr, "skipped %s: %s\n", p.Path, p.Reason)
	}
}

func cmdBoardAdd(e *env, args []string) error {
	fs := flag.NewFlagSet("board add", flag.ContinueOnError)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return usagef("give the board folder and at least one file")
	}
	if err := e.lock(pos[0], "board"); err != nil {
		return err
	}
	b, err := office.OpenBoard(pos[0])
	if err != nil {
		return err
	}
	var files []string
	for _, p := range pos[1:] {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			matches, _ := filepath.Glob(filepath.Join(p, "*.cbor"))
			files = append(files, matches...)
			continue
		}
		files = append(files, p)
	}
	refused := 0
	for _, f := range files {
		text, err := b.AddFile(f)
		if err == nil {
			e.printf("ok       %s: %s\n", f, text)
			continue
		}
		refused++
		e.printf("REFUSED  %s: %v\n", f, err)
	}
	p := b.Progress()
	e.printf("Step: %s", p.Step)
	if len(p.Waiting) > 0 {
		e.printf("; waiting for: %s", ceremony.List{Items: p.Waiting, Sep: ", "})
	} else if p.Step != ceremony.StepComplete && p.Step != "" {
		e.printf("; everything is in: run 'conclave board next'")
	}
	e.printf("\n")
	if refused > 0 {
		return fmt.Errorf("%d of %d files refused (the others were taken in)", refused, len(files))
	}
	return nil
}

func cmdBoardStatus(e *env, args []string) error {
	b, err := openBoardArgs(e, flag.NewFlagSet("board status", flag.ContinueOnError), args, nil, nil)
	if err != nil {
		return err
	}
	reportSkipped(e, b.Skipped)
	st := b.State
	e.printf("Ceremony %q: %d members, threshold %d, close of poll %s\n", st.Call.Title, st.Call.Members, st.Call.Threshold,
		time.Unix(st.Call.Close, 0).UTC().Format(time.RFC3339))
	e.printf("Call fingerprint:     %s\n", st.CallID.Fingerprint())
	if !st.ID.IsZero() {
		e.printf("Ceremony fingerprint: %s\n", st.ID.Fingerprint())
	}
	p := b.Progress()
	if r := b.Room(); r.What == office.RoomQual || r.What == office.RoomTranscript {
		e.printf("%s (to compare now): %s\n", r.Label(), r.Fingerprint)
	}
	var steps []string
	reached := false
	for _, s := range ceremony.Steps {
		switch {
		case s == p.Step:
			steps = append(steps, "["+s+"]")
			reached = true
		case !reached && s == ceremony.StepReveal && len(st.Accused()) == 0 && st.Manifest() != nil:
			steps = append(steps, s+" (not needed)")
		case !reached && s == ceremony.StepRecover && len(st.Recovered()) == 0 && st.Manifest() != nil:
			steps = append(steps, s+" (not needed)")
		case !reached:
			steps = append(steps, s+" (done)")
		default:
			steps = append(steps, s)
		}
	}
	e.printf("Steps: %s\n", strings.Join(steps, " > "))
	if len(p.Waiting) > 0 {
		e.printf("Waiting for: %s\n", ceremony.List{Items: p.Waiting, Sep: ", "})
	}
	if st.Manifest() == nil {
		for _, c := range st.Cards() {
			e.printf("  card %s\n", c.ID().Fingerprint())
		}
	} else {
		e.printf("%s", st.Summary())
		for _, m := range st.Members {
			e.printf("Card of %s: %s\n", m.Label(), m.Card.Fingerprint())
		}
	}
	if st.Complete() {
		k, _ := st.ElectionKeyFile()
		ek, _ := ceremony.ParseElectionKey(k)
		e.printf("Election key: %s\n", ek.Fingerprint)
		qual, excluded := st.Qualified()
		e.printf("Qualified members: %v\n", qual)
		for i, why := range excluded {
			e.printf("Disqualified: member %d: %s\n", i, why)
		}
	}
	for _, id := range st.Requests() {
		r, _ := st.RequestSummary(id)
		valid, invalid := st.AnswerStatus(id)
		_, _, done := st.Result(id)
		e.printf("Request %q %s: %d ciphertexts, %d valid answers, %d invalid, result: %v\n", r.Label, id.Fingerprint(),
			r.Ciphertexts, len(valid), len(invalid), done)
	}
	if files, _, err := office.ReadRecord(b.Dir); err == nil {
		id, n, err := ceremony.RecordID(files)
		if err != nil {
			return err
		}
		e.printf("Record fingerprint: %s (%d messages)\n", id.Fingerprint(), n)
	}
	if len(b.Skipped) > 0 {
		return fmt.Errorf("%d file(s) of the board were skipped (listed above): the status leaves them out", len(b.Skipped))
	}
	return nil
}

func cmdBoardKey(e *env, args []string) error {
	fs := flag.NewFlagSet("board key", flag.ContinueOnError)
	out := fs.String("out", "", "file to write")
	force := forceFlag(fs)
	b, err := openBoardArgs(e, fs, args, out, force)
	if err != nil {
		return err
	}
	if err := refuseSkipped(e, b); err != nil {
		return err
	}
	k, err := b.State.ElectionKeyFile()
	if err != nil {
		return err
	}
	if err := office.WriteOutput(*out, k.Bytes(), *force); err != nil {
		return err
	}
	ek, err := ceremony.ParseElectionKey(k)
	if err != nil {
		return err
	}
	e.printf("Wrote the election key to %s.\nElection key fingerprint: %s\nCeremony fingerprint: %s\n", *out, ek.Fingerprint, ek.Ceremony.Fingerprint())
	return nil
}

func cmdBoardRequest(e *env, args []string) error {
	fs := flag.NewFlagSet("board request", flag.ContinueOnError)
	in := fs.String("ciphertexts", "", "ciphertext file (JSON, format conclave-ciphertexts/v1)")
	out := fs.String("out", "", "file to write")
	label := fs.String("label", "count", "a label for people")
	force := forceFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	dir, err := oneDir(pos)
	if err != nil {
		return err
	}
	if err := required("ciphertexts", *in); err != nil {
		return err
	}
	if err := required("out", *out); err != nil {
		return err
	}
	if err := checkOut(*out, *force); err != nil {
		return err
	}
	// Read in chunks, twice (a check, then the request written as it is
	// read again): a batch of a million ciphertexts is never held.
	batch, err := office.OpenCiphertexts(*in)
	if err != nil {
		return err
	}
	if err := e.lock(dir, "board"); err != nil {
		return err
	}
	b, err := office.OpenBoard(dir)
	if err != nil {
		return err
	}
	if err := refuseSkipped(e, b); err != nil {
		return err
	}
	req, err := b.RequestFromFile(*label, batch, *out, *force)
	if err != nil {
		return err
	}
	sum, _ := b.State.RequestSummary(req.ID())
	e.printf("Wrote the decryption request to %s: %d ciphertexts (%s).\n", *out, sum.Ciphertexts, sum.Kind)
	e.printf("Request fingerprint: %s\nCiphertexts fingerprint: %s\n", req.ID().Fingerprint(), sum.Hash.Fingerprint())
	return nil
}

func cmdBoardTally(e *env, args []string) error {
	fs := flag.NewFlagSet("board tally", flag.ContinueOnError)
	out := fs.String("out", "", "result file to write (JSON)")
	which := fs.String("request", "", "fingerprint of the request (default: the one without a result)")
	force := forceFlag(fs)
	b, err := openBoardArgs(e, fs, args, out, force)
	if err != nil {
		return err
	}
	if err := refuseSkipped(e, b); err != nil {
		return err
	}
	var id ceremony.ID
	if *which != "" {
		if id, err = b.FindRequest(*which); err != nil {
			return err
		}
	}
	res, err := b.Tally(id)
	if err != nil {
		return err
	}
	if err := office.WriteOutputWith(*out, *force, res.WriteJSON); err != nil {
		return err
	}
	for _, s := range res.Skipped {
		e.printf("Skipped the answer of member %d (%s): %s\n", s.Member, s.Name, s.Reason)
	}
	e.printf("Result of %q, combined from members %v:\n", res.Label, res.MembersUsed)
	for k, c := range res.Counts {
		e.printf("  option %d: %d\n", k+1, c)
	}
	e.printf("Wrote %s.\n", *out)
	return nil
}
