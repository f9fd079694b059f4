package office

import (
	"crypto/rand"
	"encoding/hex"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"conclave/ceremony"
	"conclave/internal/memscan"
	"conclave/keystore"
)

// randomPassphrase builds a distinctive passphrase at run time (a literal
// would sit in the test binary's read-only data, which the scan reads) and
// returns it only as a needle.
func randomPassphrase(name string) memscan.Needle {
	b := append(make([]byte, 0, 64), "violet canary "...)
	var r [8]byte
	rand.Read(r[:])
	b = hex.AppendEncode(b, r[:])
	b = append(b, " harbor walrus"...)
	clear(r[:])
	n := memscan.NewNeedle(name, b)
	clear(b)
	return n
}

func passFromNeedle(n memscan.Needle) keystore.Passphrase {
	return keystore.NewPassphrase(n.Unmasked())
}

// secretNeedles reads the member's seeds (and share, once there is one)
// through the ordinary path and returns them as needles.
func secretNeedles(t *testing.T, m *Member, who string, have map[string]bool, bare *[]memscan.Needle) []memscan.Needle {
	t.Helper()
	var out []memscan.Needle
	// Two needles per secret: the field as encoded (CBOR head 0x58 0x20,
	// then the 32 bytes), which a copy left by the encoding, the strict
	// decoding or the keystore has; and the bare 32 bytes, which the
	// working copies of the protocol's own cryptography (key derivation,
	// signing, proofs) would have (docs/threat-model.md §2.15).
	add := func(name string, b []byte) {
		if !have[who+name] && len(b) == 32 {
			have[who+name] = true
			out = append(out, memscan.NewNeedle(who+name+" (encoded)", []byte{0x58, 0x20}, b))
			*bare = append(*bare, memscan.NewNeedle(who+name, b))
		}
	}
	err := m.Store().Use(func(secret []byte) error {
		sec, err := ceremony.ParseSecrets(secret)
		if err != nil {
			return err
		}
		defer sec.Wipe()
		add("signing seed", sec.SigningSeed)
		add("encryption seed", sec.EncryptionSeed)
		if len(sec.Share) > 0 {
			add("share", sec.Share)
		}
		if len(sec.Polynomial) > 0 {
			add("polynomial a_0", sec.Polynomial[0])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestNoSecretCopiesInMemory is the attack of issue 10 ("Secrets left
// behind"): after every keystore operation of a member (enrol, unlock,
// each ceremony step, decrypt, check, backup, passphrase change, close and
// garbage collection) it scans the process's own memory for the member's
// seeds, polynomial, share and passphrases, encoded or bare, and finds
// none outside locked memory that is still in use (there is none between
// operations).
func TestNoSecretCopiesInMemory(t *testing.T) {
	t.Run("X25519", func(t *testing.T) { noSecretCopies(t, false) })
	t.Run("MLKEM768X25519", func(t *testing.T) { noSecretCopies(t, true) })
}

func noSecretCopies(t *testing.T, postQuantum bool) {
	if err := memscan.Available(); err != nil {
		t.Skipf("the process's memory cannot be read here: %v", err)
	}
	if ok, msg := keystore.LockedMemoryStatus(); !ok {
		// Without locked memory the open keystore keeps its secret in
		// ordinary (wiped-on-close) memory, which the scan would find.
		t.Skipf("locked memory is limited here: %s", msg)
	}
	dir := t.TempDir()
	var needles, bare []memscan.Needle
	have := map[string]bool{}
	names := []string{"Alice", "Bruno"}
	learn := func(ms []*Member) {
		for i, m := range ms {
			needles = append(needles, secretNeedles(t, m, names[i]+"'s ", have, &bare)...)
		}
	}
	found := 0 // copies found after all operations, for the log
	scan := func(after string) {
		t.Helper()
		runtime.GC()
		// The encoded secrets, the passphrases and the bare seeds, share
		// and polynomial: the bare copies that crypto/hpke's key
		// derivation, crypto/ed25519's signing and the proofs' encodings
		// of secret scalars used to leave are gone, and must stay gone.
		hits, err := memscan.Scan(append(append([]memscan.Needle(nil), needles...), bare...))
		if err != nil {
			t.Fatal(err)
		}
	hits:
		for _, h := range hits {
			for _, n := range needles {
				if memscan.Argon2Residue(h, n) {
					// x/crypto/argon2's BLAKE2b state, freed unwiped
					// (docs/threat-model.md §2.15): not ours to clear.
					t.Logf("after %s: %s: left by x/crypto/argon2", after, h)
					continue hits
				}
			}
			found++
			t.Errorf("after %s: %s", after, h)
		}
	}

	b, err := CreateBoard(filepath.Join(dir, "board"), "Test", 2, 2, postQuantum, time.Unix(1600000000, 0))
	if err != nil {
		t.Fatal(err)
	}
	call, err := b.Next(false)
	if err != nil {
		t.Fatal(err)
	}
	pass1 := randomPassphrase("passphrase")
	needles = append(needles, pass1)
	var ms []*Member
	for i, name := range names {
		p := passFromNeedle(pass1)
		m, card, err := Enrol(filepath.Join(dir, name+".key"), p, name, call, accept(t, call), keystore.MinKDF)
		p.Destroy()
		if err != nil {
			t.Fatal(i, err)
		}
		if _, err := b.Add(card.Bytes()); err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	learn(ms)
	scan("enrol")

	// Unlock.
	ms[0].Close()
	p := passFromNeedle(pass1)
	ms[0], err = OpenMember(filepath.Join(dir, "Alice.key"), p)
	p.Destroy()
	if err != nil {
		t.Fatal(err)
	}
	scan("unlock")

	for round := 0; round < 5 && !b.State.Complete(); round++ {
		msg, err := b.Next(false)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if msg.Kind == ceremony.KindManifest {
				if err := m.Confirm(accept(t, msg)); err != nil {
					t.Fatal(err)
				}
			}
			out, err := m.Step(msg)
			if err != nil {
				t.Fatal(err)
			}
			if out.Out != nil {
				if _, err := b.Add(out.Out.Bytes()); err != nil {
					t.Fatal(err)
				}
			}
		}
		if round == 0 {
			// The polynomial exists from the deal on.
			learn(ms)
		}
		scan("step " + string(msg.Kind))
	}
	if !b.State.Complete() {
		t.Fatal("not complete")
	}
	learn(ms)
	scan("the last step")

	k, _ := b.State.ElectionKeyFile()
	ek, _ := ceremony.ParseElectionKey(k)
	ballots, _ := EncryptBallots(ek, []uint64{1, 2, 2}, 2)
	tally, _ := ballots.Sum()
	req, err := b.Request("count", tally)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if _, err := m.Decrypt(req, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	scan("decrypt")
	if _, err := ms[0].Check(""); err != nil {
		t.Fatal(err)
	}
	scan("check")
	if _, err := ms[0].Store().Backup(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	scan("backup")
	pass2 := randomPassphrase("new passphrase")
	needles = append(needles, pass2)
	np := passFromNeedle(pass2)
	err = ms[0].Store().ChangePassphrase(np, keystore.MinKDF)
	np.Destroy()
	if err != nil {
		t.Fatal(err)
	}
	scan("passphrase change")
	for _, m := range ms {
		m.Close()
	}
	scan("close")
	t.Logf("%d encoded secrets and passphrases and %d bare secrets scanned for after each operation; copies found: %d", len(needles), len(bare), found)
}
