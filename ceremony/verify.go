package ceremony

import (
	"bytes"
	"errors"
)

// Check is one line of a verification report.
type Check struct {
	OK   bool
	Text Text // in English: Text.String()
}

// Report is the outcome of verifying a record: every check, in order.
type Report struct {
	Checks []Check
	State  *State
}

// OK reports whether every check passed.
func (r *Report) OK() bool {
	for _, c := range r.Checks {
		if !c.OK {
			return false
		}
	}
	return len(r.Checks) > 0
}

func (r *Report) pass(format string, a ...any) {
	r.Checks = append(r.Checks, Check{true, textf(format, a...)})
}
func (r *Report) fail(format string, a ...any) {
	r.Checks = append(r.Checks, Check{false, textf(format, a...)})
}

// RecordFile is one file of a record: its name (for messages only: names
// are never trusted) and its bytes, or, for a file too large to hold, the
// file itself, read in chunks at each pass over it (OpenMessage).
type RecordFile struct {
	Name   string
	Data   []byte
	Source Source // when Data is nil: the file, of Size bytes
	Size   int64
}

// Message decodes the file's message: ParseEnvelope of its bytes, or
// OpenMessage of its Source.
func (f RecordFile) Message() (*Envelope, error) {
	if f.Data == nil && f.Source != nil {
		return OpenMessage(f.Source, f.Size)
	}
	return ParseEnvelope(f.Data)
}

// bytes returns the file's bytes: Data, or its Source read whole.
func (f RecordFile) bytes() ([]byte, error) {
	if f.Data != nil || f.Source == nil {
		return f.Data, nil
	}
	r, err := f.Source.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	b := make([]byte, f.Size)
	if err := readSpill(r, b, 0, f.Size); err != nil {
		return nil, err
	}
	return b, nil
}

// Verify re-checks a whole record from itself alone: every message's
// encoding and signature, every proof, every share commitment, the
// complaints and QUAL, the election key and every verification key, every
// partial decryption and every combined result (docs/protocol.md §8).
func Verify(files []RecordFile) *Report {
	r := &Report{}
	var envs []*Envelope
	names := map[*Envelope]string{}
	var keyFiles []*Envelope
	for _, f := range files {
		e, err := f.Message()
		if err != nil {
			r.fail("%s: %v", f.Name, err)
			continue
		}
		switch e.Kind {
		case KindBundle:
			continue // derived from the record, not part of it
		case KindElectionKey:
			keyFiles = append(keyFiles, e)
			names[e] = f.Name
			continue
		}
		envs = append(envs, e)
		names[e] = f.Name
	}
	SortForReplay(envs)
	st := NewState()
	r.State = st
	for _, e := range envs {
		text, err := st.Add(e)
		switch {
		case errors.Is(err, ErrDuplicate):
			r.pass("%s: the same message again, identical", names[e])
		case err != nil:
			r.fail("%s: %v", names[e], err)
		default:
			r.Checks = append(r.Checks, Check{true, text})
		}
	}
	if st.manifest == nil {
		r.fail("the record holds no valid manifest: there is no ceremony to verify")
		return r
	}
	qual, excluded := st.Qualified()
	for i := uint64(1); i <= uint64(len(st.Members)); i++ {
		if why, ok := excluded[i]; ok {
			r.pass("%s is disqualified: %s", st.who(i), why)
		}
	}
	if !st.Complete() {
		var missing []string
		for _, j := range qual {
			if st.confirms[j] == nil {
				missing = append(missing, st.who(j).String())
			}
		}
		r.fail("the key ceremony is not complete: no confirmation from %v (qualified members: %v, threshold %d)", missing, qual, st.Call.Threshold)
		return r
	}
	tr := st.Transcript(qual)
	rec := st.Recovered()
	r.pass("key ceremony complete: %d qualified members %v, all that opened confirmed transcript %s", len(qual), qual, tr.Fingerprint())
	for _, i := range rec {
		r.pass("%s did not open: its Feldman values were rebuilt from %d published shares, and it stays in QUAL", st.who(i), st.Call.Threshold)
	}
	y := st.ElectionKey(qual)
	if y == nil || y.IsIdentity() {
		r.fail("the election key is the identity element: it hides nothing")
		return r
	}
	r.pass("election key %s = sum of the qualified dealers' first Feldman values", Fingerprint(y.Bytes()))
	canonical, _ := st.ElectionKeyFile()
	for _, j := range qual {
		r.pass("verification key of %s: %s, from the commitments, matches its confirmation", st.who(j), Fingerprint(st.VerificationKey(qual, j).Bytes()))
	}
	for _, k := range keyFiles {
		ek, err := ParseElectionKey(k)
		switch {
		case err != nil:
			r.fail("%s: %v", names[k], err)
		case ek.Ceremony != st.ID || ek.Key.Equal(y) != 1:
			r.fail("%s: the election key file does not state this ceremony's key", names[k])
		case !bytes.Equal(k.Bytes(), canonical.Bytes()):
			r.fail("%s: the election key file does not carry the very confirmations of this record", names[k])
		default:
			r.pass("%s: the published election key is this ceremony's", names[k])
		}
	}
	for _, rid := range st.reqOrder {
		req := st.requests[rid]
		valid, invalid := st.AnswerStatus(rid)
		for j, why := range invalid {
			r.pass("answer of %s to request %q is signed but not a correct decryption (%s): it must not be used", st.who(j), req.body.Label, why)
		}
		if st.results[rid] == nil {
			r.pass("request %q: %d valid answers, not combined yet", req.body.Label, len(valid))
		}
	}
	return r
}
