package office

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"iter"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"sync"

	"conclave/ceremony"
)

// Formats of the JSON files exchanged with voting systems (docs/formats.md).
const (
	FormatCiphertexts = "conclave-ciphertexts/v1"
	FormatBallots     = "conclave-ballots/v1"
	FormatResult      = "conclave-result/v1"
)

// Ciphertexts is a batch to decrypt: a homomorphic tally (one ciphertext per
// option) or shuffled single ballots (one ciphertext per ballot).
type Ciphertexts struct {
	Kind    string // ceremony.RequestTally or ceremony.RequestBallots
	Options uint64
	Bound   uint64
	Data    []byte // N ciphertexts of 64 bytes
}

type ciphertextsJSON struct {
	Format      string   `json:"format"`
	Kind        string   `json:"kind"`
	Options     uint64   `json:"options"`
	Bound       uint64   `json:"bound"`
	Ciphertexts []string `json:"ciphertexts"`
}

func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return causef("extra data after the JSON object")
	}
	return nil
}

// decodeCiphertext reads one ciphertext: 128 lower-case hex digits (A || B).
func decodeCiphertext(s string, what ceremony.Text) ([]byte, error) {
	if len(s) != 2*ceremony.CiphertextSize {
		return nil, causef("%s has %d hex digits, want %d", what, len(s), 2*ceremony.CiphertextSize)
	}
	b, err := hex.DecodeString(s)
	if err != nil || hex.EncodeToString(b) != s {
		return nil, causef("%s is not lower-case hexadecimal", what)
	}
	return b, nil
}

// ParseCiphertexts reads a ciphertext file (format conclave-ciphertexts/v1)
// strictly. The group encodings are checked when the request is made.
func ParseCiphertexts(data []byte) (*Ciphertexts, error) {
	var j ciphertextsJSON
	if err := strictJSON(data, &j); err != nil {
		return nil, errorf("the ciphertext file is not valid JSON of format %s: %v", FormatCiphertexts, err)
	}
	if j.Format != FormatCiphertexts {
		return nil, errorf("the ciphertext file has format %q, want %q", j.Format, FormatCiphertexts)
	}
	if len(j.Ciphertexts) == 0 {
		return nil, errorf("the ciphertext file holds no ciphertexts")
	}
	c := &Ciphertexts{Kind: j.Kind, Options: j.Options, Bound: j.Bound, Data: make([]byte, 0, len(j.Ciphertexts)*ceremony.CiphertextSize)}
	for k, s := range j.Ciphertexts {
		b, err := decodeCiphertext(s, textf("ciphertext %d", k+1))
		if err != nil {
			return nil, errorf("the ciphertext file: %v", err)
		}
		c.Data = append(c.Data, b...)
	}
	return c, nil
}

// JSON encodes c in format conclave-ciphertexts/v1.
func (c *Ciphertexts) JSON() []byte {
	j := ciphertextsJSON{Format: FormatCiphertexts, Kind: c.Kind, Options: c.Options, Bound: c.Bound}
	for k := 0; k < len(c.Data); k += ceremony.CiphertextSize {
		j.Ciphertexts = append(j.Ciphertexts, hex.EncodeToString(c.Data[k:k+ceremony.CiphertextSize]))
	}
	out, _ := json.MarshalIndent(&j, "", " ")
	return append(out, '\n')
}

// Ballots are encrypted ballots for a homomorphic tally: each ballot holds
// one ciphertext per option, of 1 for the option chosen and 0 for the others.
type Ballots struct {
	Ceremony    ceremony.ID
	ElectionKey []byte
	Options     uint64
	Ballots     [][]byte // each K ciphertexts of 64 bytes
}

type ballotsJSON struct {
	Format      string     `json:"format"`
	Ceremony    string     `json:"ceremony"`
	ElectionKey string     `json:"election_key"`
	Options     uint64     `json:"options"`
	Ballots     [][]string `json:"ballots"`
}

// forEach runs f(k) for k in [0, n) on every core.
func forEach(n int, f func(k int) error) error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	next := 0
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				k := next
				next++
				stop := first != nil
				mu.Unlock()
				if stop || k >= n {
					return
				}
				if err := f(k); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return first
}

func checkVotes(votes []uint64, options uint64) error {
	if options < 1 || options > ceremony.MaxOptions {
		return errorf("the number of options must be 1 to %d", ceremony.MaxOptions)
	}
	for k, v := range votes {
		if v < 1 || v > options {
			return errorf("vote %d is for option %d, but the options are numbered 1 to %d", k+1, v, options)
		}
	}
	return nil
}

// EncryptBallots encrypts one ballot per vote (an option number 1..K) for a
// homomorphic tally.
func EncryptBallots(key *ceremony.ElectionKey, votes []uint64, options uint64) (*Ballots, error) {
	if err := checkVotes(votes, options); err != nil {
		return nil, err
	}
	b := &Ballots{Ceremony: key.Ceremony, ElectionKey: key.Key.Bytes(), Options: options, Ballots: make([][]byte, len(votes))}
	err := forEach(len(votes), func(k int) error {
		ballot := make([]byte, 0, options*ceremony.CiphertextSize)
		for o := uint64(1); o <= options; o++ {
			m := uint64(0)
			if o == votes[k] {
				m = 1
			}
			ct, err := ceremony.Encrypt(key.Key, m, rand.Reader)
			if err != nil {
				return err
			}
			ballot = append(ballot, ct...)
		}
		b.Ballots[k] = ballot
		return nil
	})
	return b, err
}

// EncryptSingle encrypts each vote as one ciphertext of its option number,
// as a mix-net outputs shuffled ballots.
func EncryptSingle(key *ceremony.ElectionKey, votes []uint64, options uint64) (*Ciphertexts, error) {
	if err := checkVotes(votes, options); err != nil {
		return nil, err
	}
	c := &Ciphertexts{Kind: ceremony.RequestBallots, Options: options, Bound: options, Data: make([]byte, len(votes)*ceremony.CiphertextSize)}
	err := forEach(len(votes), func(k int) error {
		ct, err := ceremony.Encrypt(key.Key, votes[k], rand.Reader)
		copy(c.Data[k*ceremony.CiphertextSize:], ct)
		return err
	})
	return c, err
}

// JSON encodes b in format conclave-ballots/v1.
func (b *Ballots) JSON() []byte {
	j := ballotsJSON{Format: FormatBallots, Ceremony: hex.EncodeToString(b.Ceremony[:]), ElectionKey: hex.EncodeToString(b.ElectionKey), Options: b.Options}
	for _, ballot := range b.Ballots {
		var cts []string
		for k := 0; k < len(ballot); k += ceremony.CiphertextSize {
			cts = append(cts, hex.EncodeToString(ballot[k:k+ceremony.CiphertextSize]))
		}
		j.Ballots = append(j.Ballots, cts)
	}
	out, _ := json.Marshal(&j)
	return append(out, '\n')
}

// ParseBallots reads a ballots file strictly.
func ParseBallots(data []byte) (*Ballots, error) {
	var j ballotsJSON
	if err := strictJSON(data, &j); err != nil {
		return nil, errorf("the ballots file is not valid JSON of format %s: %v", FormatBallots, err)
	}
	if j.Format != FormatBallots {
		return nil, errorf("the ballots file has format %q, want %q", j.Format, FormatBallots)
	}
	b := &Ballots{Options: j.Options}
	cer, err := hex.DecodeString(j.Ceremony)
	if err != nil || len(cer) != 32 {
		return nil, errorf("the ballots file names no valid ceremony")
	}
	copy(b.Ceremony[:], cer)
	if b.ElectionKey, err = hex.DecodeString(j.ElectionKey); err != nil || len(b.ElectionKey) != 32 {
		return nil, errorf("the ballots file names no valid election key")
	}
	if j.Options < 1 || j.Options > ceremony.MaxOptions {
		return nil, errorf("the ballots file has %d options", j.Options)
	}
	for k, ballot := range j.Ballots {
		if uint64(len(ballot)) != j.Options {
			return nil, errorf("ballot %d holds %d ciphertexts, want one per option (%d)", k+1, len(ballot), j.Options)
		}
		var data []byte
		for o, s := range ballot {
			ct, err := decodeCiphertext(s, textf("ballot %d, option %d", k+1, o+1))
			if err != nil {
				return nil, errorf("the ballots file: %v", err)
			}
			data = append(data, ct...)
		}
		b.Ballots = append(b.Ballots, data)
	}
	if len(b.Ballots) == 0 {
		return nil, errorf("the ballots file holds no ballots")
	}
	return b, nil
}

// Sum adds the ballots homomorphically into a tally: one ciphertext per
// option, whose plaintext is the number of votes for it.
func (b *Ballots) Sum() (*Ciphertexts, error) {
	sum := b.Ballots[0]
	for k, ballot := range b.Ballots[1:] {
		var err error
		if sum, err = ceremony.AddCiphertexts(sum, ballot); err != nil {
			return nil, errorf("ballot %d: %v", k+2, err)
		}
	}
	return &Ciphertexts{Kind: ceremony.RequestTally, Options: b.Options, Bound: uint64(len(b.Ballots)), Data: sum}, nil
}

// TallyResult is the published result of a request (format
// conclave-result/v1).
type TallyResult struct {
	Format              string    `json:"format"`
	Ceremony            string    `json:"ceremony"`
	CeremonyFingerprint string    `json:"ceremony_fingerprint"`
	Title               string    `json:"title"`
	Request             string    `json:"request"`
	RequestFingerprint  string    `json:"request_fingerprint"`
	Label               string    `json:"label"`
	Kind                string    `json:"kind"`
	Options             uint64    `json:"options"`
	Counts              []uint64  `json:"counts"`
	MembersUsed         []uint64  `json:"members_used"`
	Skipped             []Skipped `json:"skipped"`
	// Choices gives, for single ballots, each ballot's option in the order
	// of the request, read from the board's result as it is used (the
	// JSON's "choices", after "counts"); nil for a tally. It is not held:
	// a million ballots are a million numbers.
	Choices iter.Seq[uint64] `json:"-"`
}

// Skipped names an answer that was not a correct decryption.
type Skipped struct {
	Member uint64 `json:"member"`
	Name   string `json:"name"`
	Reason string `json:"reason"`
	// Cause is the reason as an error (for the application's translation).
	Cause error `json:"-"`
}

// TallyResult describes the result of request id, if it was combined.
func (b *Board) TallyResult(id ceremony.ID) (*TallyResult, error) {
	st := b.State
	_, used, ok := st.Result(id)
	if !ok {
		return nil, errorf("request %s has no result yet", id.Fingerprint())
	}
	req, _ := st.RequestInfo(id)
	tr := &TallyResult{Format: FormatResult, Ceremony: hex.EncodeToString(st.ID[:]), CeremonyFingerprint: st.ID.Fingerprint(),
		Title: st.Call.Title, Request: hex.EncodeToString(id[:]), RequestFingerprint: id.Fingerprint(),
		Label: req.Label, Kind: req.Kind, Options: req.Options, Skipped: []Skipped{}}
	if req.Kind == ceremony.RequestTally {
		tr.Counts = slices.Collect(st.Plaintexts(id)) // one per option
	} else {
		tr.Choices = st.Plaintexts(id)
		tr.Counts = make([]uint64, req.Options)
		for c := range tr.Choices {
			if c < 1 || c > req.Options { // the result's check makes every choice an option
				return nil, errorf("the result of request %s holds a ballot for option %d, but the options are numbered 1 to %d", id.Fingerprint(), c, req.Options)
			}
			tr.Counts[c-1]++
		}
	}
	_, invalid := st.AnswerStatus(id)
	tr.MembersUsed = used
	var bad []uint64
	for j := range invalid {
		bad = append(bad, j)
	}
	sort.Slice(bad, func(a, c int) bool { return bad[a] < bad[c] })
	for _, j := range bad {
		m, _ := st.Member(j)
		tr.Skipped = append(tr.Skipped, Skipped{Member: j, Name: m.Name, Reason: invalid[j].Error(), Cause: invalid[j]})
	}
	return tr, nil
}

// JSON encodes the result (WriteJSON).
func (t *TallyResult) JSON() []byte {
	var b bytes.Buffer
	t.WriteJSON(&b)
	return b.Bytes()
}

// WriteJSON writes the result in format conclave-result/v1, indented by two
// spaces, the choices of single ballots (one number per ballot) as they
// are read: the result of a million ballots is not encoded whole, then
// indented again, in memory.
func (t *TallyResult) WriteJSON(w io.Writer) error {
	out, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err
	}
	at := bytes.Index(out, []byte(",\n  \"members_used\": "))
	if t.Choices == nil || at < 0 {
		if _, err := w.Write(out); err != nil {
			return err
		}
		_, err := w.Write([]byte{'\n'})
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.Write(out[:at])
	bw.WriteString(",\n  \"choices\": [")
	var num []byte
	sep := ""
	for c := range t.Choices {
		bw.WriteString(sep)
		bw.WriteString("\n    ")
		num = strconv.AppendUint(num[:0], c, 10)
		bw.Write(num)
		sep = ","
	}
	if sep == "" { // no ballot: as encoding/json writes an empty array
		bw.WriteString("]")
	} else {
		bw.WriteString("\n  ]")
	}
	bw.Write(out[at:])
	bw.WriteByte('\n')
	return bw.Flush()
}
