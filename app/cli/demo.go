package cli

import (
	crand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"conclave/app/office"
	"conclave/ceremony"
	"conclave/keystore"
)

// cmdDemo runs a whole election in one process: ceremony, votes, close,
// t members decrypt, result, verify.
func cmdDemo(e *env, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	n := fs.Uint64("members", 5, "number of members")
	t := fs.Uint64("threshold", 3, "members needed to decrypt")
	ballots := fs.Int("ballots", 1000, "number of simulated ballots")
	options := fs.Uint64("options", 4, "number of options")
	dir := fs.String("dir", "", "folder to keep everything in (default: a new temporary folder)")
	pq := fs.Bool("pq", false, "post-quantum hybrid sealing of shares")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if *ballots < 1 {
		return usagef("--ballots must be at least 1")
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "conclave-demo-")
		if err != nil {
			return err
		}
		*dir = d
	}
	boardDir := filepath.Join(*dir, "board")
	e.printf("Conclave demo in %s: %d members, threshold %d, %d ballots over %d options.\n", *dir, *n, *t, *ballots, *options)
	e.printf("(Demo keystores use the lowest key-derivation cost so that it runs in seconds; real ones take about a second to open.)\n\n")
	b, err := office.CreateBoard(boardDir, "Demo election", *n, *t, *pq, time.Now().Add(-time.Second))
	if err != nil {
		return err
	}
	e.printf("1. The coordinator opens the ceremony. Call fingerprint %s\n", b.State.CallID.Fingerprint())

	type mem struct {
		name string
		path string
		pass []byte
	}
	names := []string{"Alice", "Bruno", "Chloé", "Dmitri", "Esther", "Farid", "Gaëlle", "Hugo"}
	var ms []*mem
	call, err := b.Next(false)
	if err != nil {
		return err
	}
	// Every demo member reads the call's terms and confirms them; the
	// demo's close of poll is already past, a danger they acknowledge.
	callTerms, err := office.ReadTerms(call, time.Now())
	if err != nil {
		return err
	}
	for _, d := range callTerms.Dangers {
		e.printf("   (demo) acknowledged danger: %s\n", d.Explain())
	}
	acc, err := callTerms.Accept(true)
	if err != nil {
		return err
	}
	for i := uint64(0); i < *n; i++ {
		name := fmt.Sprintf("Member %d", i+1)
		if i < uint64(len(names)) {
			name = names[i]
		}
		var pw [16]byte
		crand.Read(pw[:])
		m := &mem{name: name, path: filepath.Join(*dir, fmt.Sprintf("stick-%d", i+1), "conclave.key"), pass: []byte("demo " + hex.EncodeToString(pw[:]))}
		if err := os.MkdirAll(filepath.Dir(m.path), 0o700); err != nil {
			return err
		}
		mk, card, err := office.Enrol(m.path, keystore.NewPassphrase(append([]byte(nil), m.pass...)), name, call, acc, keystore.MinKDF)
		if err != nil {
			return err
		}
		mk.Close()
		if _, err := b.Add(card.Bytes()); err != nil {
			return err
		}
		ms = append(ms, m)
	}
	e.printf("2. %d members enrol, each with a keystore on their own stick.\n", len(ms))
	open := func(m *mem) (*office.Member, error) {
		return office.OpenMember(m.path, keystore.NewPassphrase(append([]byte(nil), m.pass...)))
	}
	for round := 0; round < 8 && !b.State.Complete(); round++ {
		msg, err := b.Next(false)
		if err != nil {
			return err
		}
		step := "deal"
		var bundle ceremony.Bundle
		if msg.DecodeBody(&bundle) == nil && bundle.Step != "" {
			step = bundle.Step
		}
		var confirmed office.Acceptance
		if msg.Kind == ceremony.KindManifest {
			e.printf("3. The manifest is fixed. Ceremony fingerprint %s (every member reads it aloud)\n", b.State.ID.Fingerprint())
			terms, err := office.ReadTerms(msg, time.Now())
			if err != nil {
				return err
			}
			if confirmed, err = terms.Accept(true); err != nil {
				return err
			}
		}
		for _, m := range ms {
			mk, err := open(m)
			if err != nil {
				return err
			}
			if msg.Kind == ceremony.KindManifest {
				if err := mk.Confirm(confirmed); err != nil {
					mk.Close()
					return err
				}
			}
			out, err := mk.Step(msg)
			mk.Close()
			if err != nil {
				return fmt.Errorf("%s: %v", m.name, err)
			}
			if out.Out != nil {
				if _, err := b.Add(out.Out.Bytes()); err != nil {
					return err
				}
			}
		}
		e.printf("   every member answered the %s step\n", step)
	}
	if !b.State.Complete() {
		return fmt.Errorf("the demo ceremony did not complete: %+v", b.Progress())
	}
	k, _ := b.State.ElectionKeyFile()
	ek, err := ceremony.ParseElectionKey(k)
	if err != nil {
		return err
	}
	e.printf("4. Key ceremony complete. Election key %s\n", ek.Fingerprint)

	r := rand.New(rand.NewPCG(rand.Uint64(), 1))
	votes := make([]uint64, *ballots)
	want := make([]uint64, *options)
	for i := range votes {
		votes[i] = 1 + r.Uint64N(*options)
		want[votes[i]-1]++
	}
	bs, err := office.EncryptBallots(ek, votes, *options)
	if err != nil {
		return err
	}
	sum, err := bs.Sum()
	if err != nil {
		return err
	}
	e.printf("5. %d voters cast encrypted ballots; after the close of poll they are summed without decrypting any.\n", *ballots)
	req, err := b.Request("Demo tally", sum)
	if err != nil {
		return err
	}
	e.printf("6. The coordinator prepares the decryption request %s.\n", req.ID().Fingerprint())
	for _, m := range ms[len(ms)-int(*t):] {
		mk, err := open(m)
		if err != nil {
			return err
		}
		ans, err := mk.Decrypt(req, time.Now())
		mk.Close()
		if err != nil {
			return fmt.Errorf("%s: %v", m.name, err)
		}
		if _, err := b.Add(ans.Bytes()); err != nil {
			return err
		}
		e.printf("   %s decrypts their part of the tally, with a proof.\n", m.name)
	}
	res, err := b.Tally(ceremony.ID{})
	if err != nil {
		return err
	}
	got, _ := json.Marshal(res.Counts)
	exp, _ := json.Marshal(want)
	e.printf("7. Result %s (the votes cast were %s)\n", got, exp)
	if string(got) != string(exp) {
		return fmt.Errorf("the result %s differs from the votes cast %s", got, exp)
	}
	files, _, err := office.ReadRecord(boardDir)
	if err != nil {
		return err
	}
	rep := ceremony.Verify(files)
	if !rep.OK() {
		for _, c := range rep.Checks {
			if !c.OK {
				e.printf("FAIL %s\n", c.Text)
			}
		}
		return fmt.Errorf("the demo's record does not verify")
	}
	e.printf("8. The record in %s verifies: %d checks passed. Try 'conclave verify %s'.\n", boardDir, len(rep.Checks), boardDir)
	return nil
}
