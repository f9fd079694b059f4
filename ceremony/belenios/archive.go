package belenios

import (
	"archive/tar"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
)

// Archive is an election's public data, the .bel file (spec §Public data):
// a tar of JSON files named by their SHA-256, linked by a chain of events.
type Archive struct {
	Election    *Election
	Trustees    []Trustee
	Credentials map[string]Credential
	Ballots     []*Ballot
	// TallyRaw is the encrypted tally's bytes, Tally its value (nil before
	// the tally); NumTallied and TotalWeight come from its event.
	TallyRaw    []byte
	Tally       EncryptedTally
	NumTallied  int
	TotalWeight int64
	// Partial are the partial decryptions already in the archive, by owner.
	Partial map[int]*PartialDecryption
	// Result is the result's JSON if the archive holds it.
	Result []byte
}

type archiveHeader struct {
	Version   int             `json:"version"`
	Timestamp json.RawMessage `json:"timestamp"`
}

type event struct {
	Parent  *string `json:"parent,omitempty"`
	Height  int     `json:"height"`
	Type    string  `json:"type"`
	Payload *string `json:"payload,omitempty"`
}

type setupData struct {
	Election    string `json:"election"`
	Trustees    string `json:"trustees"`
	Credentials string `json:"credentials"`
}

type sizedTally struct {
	NumTallied     int    `json:"num_tallied"`
	TotalWeight    Weight `json:"total_weight"`
	EncryptedTally string `json:"encrypted_tally"`
}

// MaxArchive bounds what ReadArchive accepts (1 GiB).
const MaxArchive = 1 << 30

// ReadArchive reads a .bel archive and checks its structure: the BELENIOS
// header, every file named by the SHA-256 of its content, the events'
// chain (heights, parents, payloads present before their event) in the
// order Setup, Ballot…, EndBallots, EncryptedTally, PartialDecryption…,
// Result. It decodes what the events point at; VerifyArchive checks the
// cryptography.
func ReadArchive(r io.Reader) (*Archive, error) {
	tr := tar.NewReader(r)
	data := map[string][]byte{}
	var total int64
	a := &Archive{Partial: map[int]*PartialDecryption{}}
	var prev string
	height := 0
	stage := 0 // 0 setup, 1 ballots, 2 ended, 3 tallied, 4 result
	first := true
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, formatErr("the archive is not a Belenios archive (tar): %v", err)
		}
		if h.Typeflag != tar.TypeReg && h.Typeflag != tar.TypeRegA {
			return nil, formatErr("the archive holds %q, which is not a regular file", h.Name)
		}
		total += h.Size
		if h.Size < 0 || total > MaxArchive {
			return nil, formatErr("the archive is larger than %d bytes", MaxArchive)
		}
		b, err := io.ReadAll(io.LimitReader(tr, h.Size))
		if err != nil || int64(len(b)) != h.Size {
			return nil, formatErr("the archive is truncated")
		}
		if first {
			first = false
			var hd archiveHeader
			if h.Name != "BELENIOS" || decode(b, &hd, "the archive header", false) != nil || hd.Version != 1 {
				return nil, formatErr("the archive does not start with a version-1 BELENIOS header")
			}
			continue
		}
		name, kind, ok := strings.Cut(h.Name, ".")
		if !ok || (kind != "data.json" && kind != "event.json") || sha256Hex(b) != name {
			return nil, formatErr("archive entry %q is not named by the SHA-256 of its content", h.Name)
		}
		if kind == "data.json" {
			data[name] = b
			continue
		}
		var ev event
		if err := decode(b, &ev, "an event", true); err != nil {
			return nil, err
		}
		if ev.Height != height || (height == 0) != (ev.Parent == nil) || (ev.Parent != nil && *ev.Parent != prev) {
			return nil, formatErr("event %d is not linked to the event before it", height)
		}
		prev, height = name, height+1
		payload := func() ([]byte, error) {
			if ev.Payload == nil {
				return nil, formatErr("the %s event has no payload", ev.Type)
			}
			p, ok := data[*ev.Payload]
			if !ok {
				return nil, formatErr("the %s event's payload is not in the archive before it", ev.Type)
			}
			return p, nil
		}
		get := func(hash, what string) ([]byte, error) {
			p, ok := data[hash]
			if !ok {
				return nil, formatErr("%s is not in the archive", what)
			}
			return p, nil
		}
		switch {
		case ev.Type == "Setup" && stage == 0 && height == 1:
			p, err := payload()
			if err != nil {
				return nil, err
			}
			var sd setupData
			if err := decode(p, &sd, "the setup data", true); err != nil {
				return nil, err
			}
			eb, err := get(sd.Election, "election.json")
			if err != nil {
				return nil, err
			}
			if a.Election, err = ParseElection(eb); err != nil {
				return nil, err
			}
			tb, err := get(sd.Trustees, "trustees.json")
			if err != nil {
				return nil, err
			}
			if a.Trustees, err = ParseTrustees(tb); err != nil {
				return nil, err
			}
			cb, err := get(sd.Credentials, "the public credentials")
			if err != nil {
				return nil, err
			}
			if a.Credentials, err = ParseCredentials(cb); err != nil {
				return nil, err
			}
			stage = 1
		case ev.Type == "Ballot" && stage == 1:
			p, err := payload()
			if err != nil {
				return nil, err
			}
			b, err := ParseBallot(p)
			if err != nil {
				return nil, fmt.Errorf("ballot %d: %w", len(a.Ballots)+1, err)
			}
			a.Ballots = append(a.Ballots, b)
		case ev.Type == "EndBallots" && stage == 1 && ev.Payload == nil:
			stage = 2
		case ev.Type == "EncryptedTally" && stage == 2:
			p, err := payload()
			if err != nil {
				return nil, err
			}
			var st sizedTally
			if err := decode(p, &st, "the sized encrypted tally", true); err != nil {
				return nil, err
			}
			if a.TallyRaw, err = get(st.EncryptedTally, "the encrypted tally"); err != nil {
				return nil, err
			}
			if a.Tally, err = ParseEncryptedTally(a.TallyRaw); err != nil {
				return nil, err
			}
			a.NumTallied, a.TotalWeight = st.NumTallied, int64(st.TotalWeight)
			stage = 3
		case ev.Type == "PartialDecryption" && stage == 3:
			p, err := payload()
			if err != nil {
				return nil, err
			}
			var o OwnedPartialDecryption
			if err := decode(p, &o, "an owned partial decryption", true); err != nil {
				return nil, err
			}
			pb, err := get(o.Payload, "a partial decryption")
			if err != nil {
				return nil, err
			}
			pd, err := ParsePartialDecryption(pb)
			if err != nil {
				return nil, err
			}
			if _, dup := a.Partial[o.Owner]; dup {
				return nil, formatErr("two partial decryptions for trustee %d", o.Owner)
			}
			a.Partial[o.Owner] = pd
		case ev.Type == "Result" && stage == 3:
			p, err := payload()
			if err != nil {
				return nil, err
			}
			a.Result = p
			stage = 4
		case ev.Type == "Shuffle" || ev.Type == "EndShuffles":
			return nil, ErrNotHomomorphic
		default:
			return nil, formatErr("a %s event at height %d is out of order", ev.Type, ev.Height)
		}
	}
	if a.Election == nil {
		return nil, formatErr("the archive has no Setup event")
	}
	return a, nil
}

// ErrNoTally is returned when the archive does not hold the encrypted
// tally yet.
var ErrNoTally = errors.New("belenios: the archive holds no encrypted tally yet: ask the administrator for the archive after the election is closed and the tally computed")

// Summary is what a trustee reads before decrypting.
type Summary struct {
	Name, UUID, Fingerprint string
	// Ballots is the number of ballots in the archive; Tallied the number
	// counted (the last of each credential).
	Ballots, Tallied int
	TotalWeight      int64
	// TallyFingerprint is sha256_b64 of the encrypted tally, as Belenios's
	// trustee page shows it.
	TallyFingerprint string
	// Partials is the number of partial decryptions already there, all
	// verified.
	Partials int
}

// VerifyArchive checks everything a trustee must before decrypting (spec
// §Audit, during and after the tally): the trustees and that they make the
// election's public key; every ballot (credential known, signature,
// proofs); that the encrypted tally is exactly the product of the counted
// ballots with their sizes; and every partial decryption already present.
func VerifyArchive(a *Archive) (*Summary, error) {
	e := a.Election
	y, err := CheckTrustees(a.Trustees)
	if err != nil {
		return nil, err
	}
	if !y.Equal(e.PublicKey) {
		return nil, invalidErr("the election's public key is not the one its trustees make: the election was not set up with these trustees")
	}
	for i, b := range a.Ballots {
		if _, ok := a.Credentials[b.Credential.String()]; !ok {
			return nil, invalidErr("ballot %d has a credential that is not the election's", i+1)
		}
	}
	if err := verifyBallots(e, a.Ballots); err != nil {
		return nil, err
	}
	if a.Tally == nil {
		return nil, ErrNoTally
	}
	t, n, w, err := ComputeTally(e, a.Credentials, a.Ballots)
	if err != nil {
		return nil, err
	}
	if !t.Equal(a.Tally) || n != a.NumTallied || w != a.TotalWeight {
		return nil, invalidErr("the encrypted tally is not the product of the ballots counted (or their number or weight differs): it must not be decrypted")
	}
	s := &Summary{Name: e.Name, UUID: e.UUID, Fingerprint: e.Fingerprint(), Ballots: len(a.Ballots), Tallied: n, TotalWeight: w, TallyFingerprint: sha256B64(a.TallyRaw)}
	keys := ownerKeys(a.Trustees)
	for owner, pd := range a.Partial {
		if owner < 1 || owner > len(keys) {
			return nil, invalidErr("a partial decryption has owner %d, but there are %d trustee keys", owner, len(keys))
		}
		if err := CheckPartialDecryption(s.Fingerprint, a.Tally, keys[owner-1], pd); err != nil {
			return nil, fmt.Errorf("the partial decryption of trustee %d: %w", owner, err)
		}
		s.Partials++
	}
	return s, nil
}

// ownerKeys lists the trustees' keys by owner index (1-based, minus one).
func ownerKeys(ts []Trustee) []*Point {
	var out []*Point
	for _, t := range ts {
		if t.Single != nil {
			out = append(out, t.Single.PublicKey)
			continue
		}
		for _, vk := range t.Pedersen.VerificationKeys {
			out = append(out, vk.PublicKey)
		}
	}
	return out
}

// OwnerKeys returns every trustee key of trustees.json, index i holding
// owner i+1's.
func OwnerKeys(ts []Trustee) []*Point { return ownerKeys(ts) }

// verifyBallots verifies every ballot, on every core; it reports the
// first ballot (in archive order) that fails.
func verifyBallots(e *Election, ballots []*Ballot) error {
	workers := min(runtime.GOMAXPROCS(0), len(ballots))
	errs := make([]error, len(ballots))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				errs[i] = VerifyBallot(e, ballots[i])
			}
		}()
	}
	for i := range ballots {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return fmt.Errorf("ballot %d: %w", i+1, err)
		}
	}
	return nil
}
