package office

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"os"
	"strings"

	"conclave/ceremony"
	"conclave/ceremony/belenios"
	"conclave/keystore"
)

// A Belenios trustee's keystore is an ordinary Conclave keystore whose
// header's ceremony field starts with beleniosKind and whose secret starts
// with belenios.SecretMagic: the two kinds of keystore are never taken
// for one another (docs/belenios.md, "Custody").
const beleniosKind = "belenios/"

// IsBelenios reports whether a keystore header is a Belenios trustee's.
func IsBelenios(h keystore.Header) bool { return bytes.HasPrefix(h.Ceremony, []byte(beleniosKind)) }

// errNotBelenios explains a Conclave ceremony keystore given where a
// Belenios one is expected.
var errNotBelenios = errorf("this keystore is a Conclave ceremony member's, not a Belenios trustee's: bring the keystore made by 'conclave belenios keygen'")

// BeleniosTrustee is a Belenios trustee's keystore, open.
type BeleniosTrustee struct {
	store *keystore.Store
}

// BeleniosKeygen makes a threshold trustee's seed, seals it in a new
// keystore at path (which must not exist) and returns the certificate
// (step 1 of the threshold key generation).
func BeleniosKeygen(path string, pass keystore.Passphrase, name string, ctx belenios.Context, kdf keystore.KDFParams) (*BeleniosTrustee, *belenios.Cert, error) {
	if _, err := os.Stat(path); err == nil {
		return nil, nil, errorf("%s already exists: a keystore is never overwritten; choose another file name", path)
	}
	seed, err := belenios.NewSeed(rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	sec := &belenios.Secret{Threshold: true, Context: ctx, Seed: seed}
	defer sec.Wipe()
	k, err := sec.Keys()
	if err != nil {
		return nil, nil, err
	}
	defer k.Wipe()
	cert, err := belenios.MakeCert(k, ctx, rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	data := sec.Marshal()
	defer clear(data)
	h := keystore.Header{Ceremony: []byte(beleniosKind + cert.ID()[:32]), Member: ctx.Index, Name: name, VerificationKey: []byte(k.VK.String())}
	st, err := keystore.Create(path, pass, h, data, kdf)
	if err != nil {
		return nil, nil, err
	}
	return &BeleniosTrustee{store: st}, cert, nil
}

// BeleniosKeygenSingle makes a Single (non-threshold) trustee key, seals
// it in a new keystore and returns its trustee_public_key.
func BeleniosKeygenSingle(path string, pass keystore.Passphrase, name string, kdf keystore.KDFParams) (*BeleniosTrustee, *belenios.TrusteePublicKey, error) {
	if _, err := os.Stat(path); err == nil {
		return nil, nil, errorf("%s already exists: a keystore is never overwritten; choose another file name", path)
	}
	x, pub, err := belenios.NewSingleKey(rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	sec := &belenios.Secret{Key: x}
	defer sec.Wipe()
	data := sec.Marshal()
	defer clear(data)
	h := keystore.Header{Ceremony: []byte(beleniosKind + "single-" + belenios.SingleKeyID(pub.PublicKey)), Name: name, VerificationKey: []byte(pub.PublicKey.String())}
	st, err := keystore.Create(path, pass, h, data, kdf)
	if err != nil {
		return nil, nil, err
	}
	return &BeleniosTrustee{store: st}, pub, nil
}

// OpenBelenios unlocks a Belenios trustee's keystore; a Conclave ceremony
// keystore is refused.
func OpenBelenios(path string, pass keystore.Passphrase) (*BeleniosTrustee, error) {
	h, err := keystore.Inspect(path)
	if err != nil {
		return nil, err
	}
	if !IsBelenios(h) {
		return nil, errNotBelenios
	}
	st, err := keystore.Open(path, pass)
	if err != nil {
		return nil, err
	}
	return &BeleniosTrustee{store: st}, nil
}

// Header returns the keystore's public header.
func (t *BeleniosTrustee) Header() keystore.Header { return t.store.Header() }

// Close wipes the keystore's keys from memory.
func (t *BeleniosTrustee) Close() { t.store.Destroy() }

// with unseals the secret for fn; if fn returns true the secret is sealed
// back atomically.
func (t *BeleniosTrustee) with(fn func(sec *belenios.Secret) (bool, error)) error {
	var updated []byte
	err := t.store.Use(func(b []byte) error {
		sec, err := belenios.ParseSecret(b)
		if err != nil {
			return err
		}
		defer sec.Wipe()
		changed, err := fn(sec)
		if err != nil || !changed {
			return err
		}
		updated = sec.Marshal()
		return nil
	})
	if err != nil || updated == nil {
		return err
	}
	defer clear(updated)
	return t.store.Save(t.store.Header(), updated)
}

// checkOwnCerts checks the certificates (step 2's checks) and that they
// are for our context with our certificate at our index.
func checkOwnCerts(sec *belenios.Secret, k *belenios.Keys, certs []*belenios.Cert) error {
	if _, err := belenios.CheckCerts(certs); err != nil {
		return err
	}
	c := certs[0].Keys.Context
	if len(certs) != sec.Context.Size || c.Threshold != sec.Context.Threshold {
		return errorf("the certificates are for %d trustees with threshold %d, but this key was made for %d trustees with threshold %d", len(certs), c.Threshold, sec.Context.Size, sec.Context.Threshold)
	}
	mine := certs[sec.Context.Index-1].Keys
	if !mine.Verification.Equal(k.VK) || !mine.Encryption.Equal(k.EK) {
		return errorf("certificate %d is not ours: this is not our election, or the administrator replaced our certificate", sec.Context.Index)
	}
	return nil
}

// Polynomial is step 3: it checks every certificate, then makes our
// polynomial message.
func (t *BeleniosTrustee) Polynomial(v belenios.Version, certs []*belenios.Cert) (*belenios.Polynomial, error) {
	var out *belenios.Polynomial
	err := t.with(func(sec *belenios.Secret) (bool, error) {
		k, err := sec.Keys()
		if err != nil {
			return false, err
		}
		defer k.Wipe()
		if err := checkOwnCerts(sec, k, certs); err != nil {
			return false, err
		}
		out, err = belenios.MakePolynomial(v, certs, k, rand.Reader)
		return false, err
	})
	return out, err
}

// Voutput is step 5: every check of the vinput, then the voutput; the
// decryption key S_j is sealed in the keystore.
func (t *BeleniosTrustee) Voutput(v belenios.Version, certs []*belenios.Cert, in *belenios.Vinput) (*belenios.Voutput, error) {
	var out *belenios.Voutput
	err := t.with(func(sec *belenios.Secret) (bool, error) {
		k, err := sec.Keys()
		if err != nil {
			return false, err
		}
		defer k.Wipe()
		if err := checkOwnCerts(sec, k, certs); err != nil {
			return false, err
		}
		vo, S, err := belenios.MakeVoutput(v, certs, k, in, rand.Reader)
		if err != nil {
			return false, err
		}
		if sec.Key != nil {
			same := sec.Key.Equal(S)
			S.Wipe()
			if !same {
				return false, errorf("this keystore already holds another decryption key for this election: the vinput differs from the one used before; ask the administrator why")
			}
			out = vo
			return false, nil
		}
		sec.Key, out = S, vo
		return true, nil
	})
	return out, err
}

// BeleniosDecryption is a trustee's answer for an archive.
type BeleniosDecryption struct {
	Summary *belenios.Summary
	Owner   int
	// Lines are what belenios-tool's election decrypt prints.
	Lines []byte
}

// ReadBeleniosArchive reads and verifies an archive file.
func ReadBeleniosArchive(path string) (*belenios.Archive, *belenios.Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	a, err := belenios.ReadArchive(f)
	if err != nil {
		return nil, nil, err
	}
	s, err := belenios.VerifyArchive(a)
	if err != nil {
		return a, nil, err
	}
	return a, s, nil
}

// Decrypt makes our partial decryption of a verified archive's tally.
// owner, when not 0, must be our owner index in the archive.
func (t *BeleniosTrustee) Decrypt(a *belenios.Archive, s *belenios.Summary, owner int) (*BeleniosDecryption, error) {
	var out *BeleniosDecryption
	err := t.with(func(sec *belenios.Secret) (bool, error) {
		if sec.Key == nil {
			return false, errorf("this keystore holds no decryption key yet: run 'conclave belenios voutput' (step 5) first")
		}
		X := belenios.GExp(sec.Key)
		o, ok := belenios.Owner(a.Trustees, X)
		if !ok {
			return false, errorf("our key is not among this election's trustees: this is not our election")
		}
		if owner != 0 && owner != o {
			return false, errorf("our key is trustee %d of this election, not %d: check --trustee-id", o, owner)
		}
		pd, err := belenios.Decrypt(s.Fingerprint, a.Tally, sec.Key, rand.Reader)
		if err != nil {
			return false, err
		}
		if err := belenios.CheckPartialDecryption(s.Fingerprint, a.Tally, X, pd); err != nil {
			return false, err
		}
		out = &BeleniosDecryption{Summary: s, Owner: o, Lines: belenios.DecryptionLines(o, pd)}
		return false, nil
	})
	return out, err
}

// Check answers "do I still hold my key": it opens the secret, derives the
// certificate keys (or the Single key) and compares them with the
// keystore's header, and with the archive's trustees when a is not nil.
func (t *BeleniosTrustee) Check(a *belenios.Archive) ([]ceremony.Text, error) {
	var out []ceremony.Text
	h := t.store.Header()
	err := t.with(func(sec *belenios.Secret) (bool, error) {
		var pub *belenios.Point
		if sec.Threshold {
			k, err := sec.Keys()
			if err != nil {
				return false, err
			}
			defer k.Wipe()
			pub = k.VK
			out = append(out, textf("you hold the seed of threshold trustee %s (context index/threshold/size)", sec.Context))
			if sec.Key != nil {
				out = append(out, textf("the decryption key of step 5 is sealed: verification key %s", belenios.GExp(sec.Key).String()))
			} else {
				out = append(out, textf("no decryption key yet: step 5 (voutput) is still to do"))
			}
		} else {
			pub = belenios.GExp(sec.Key)
			out = append(out, textf("you hold the Single trustee key %s", belenios.SingleKeyID(pub)))
		}
		if string(h.VerificationKey) != pub.String() {
			return false, errorf("the sealed key does not match the keystore's header: the keystore is damaged")
		}
		if a != nil {
			X := pub
			if sec.Threshold {
				if sec.Key == nil {
					return false, errorf("no decryption key is sealed yet, so it cannot be found in an election")
				}
				X = belenios.GExp(sec.Key)
			}
			o, ok := belenios.Owner(a.Trustees, X)
			if !ok {
				return false, errorf("our key is not among this election's trustees")
			}
			out = append(out, textf("it is trustee %d of election %q (%s)", o, a.Election.Name, a.Election.UUID))
		}
		return false, nil
	})
	return out, err
}

// FormatSummary writes the archive's summary for reading aloud.
func FormatSummary(s *belenios.Summary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Election: %s (%s)\n", s.Name, s.UUID)
	fmt.Fprintf(&b, "Election fingerprint: %s\n", s.Fingerprint)
	fmt.Fprintf(&b, "Ballots: %d in the archive, %d counted (the last of each voter), total weight %d\n", s.Ballots, s.Tallied, s.TotalWeight)
	fmt.Fprintf(&b, "Fingerprint of the encrypted tally: %s\n", s.TallyFingerprint)
	return b.String()
}
