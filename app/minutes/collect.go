package minutes

import (
	"errors"
	"slices"
	"time"

	"conclave/app/office"
	"conclave/ceremony"
)

// facts is what the minutes print, gathered from the board as
// 'conclave board status' shows it (the same fingerprints, from the same
// package ceremony functions). Text is drawable: what the font cannot
// draw is written as code points.
type facts struct {
	Title              string
	Members, Threshold uint64
	Close              time.Time
	PostQuantum        bool
	CallFP, CeremonyFP string
	Step               string // where the ceremony stands
	Complete           bool
	ElectionKeyFP      string
	People             []person
	Qualified          []uint64
	Requests           []request
	RecordFP           string
	RecordMessages     int
}

type person struct {
	Index     uint64
	Name      string
	Card      string // card fingerprint
	Qualified bool
	Excluded  string // a key of the table (excl_*), or the ceremony's own words
}

type request struct {
	Label         string
	Kind          string
	Ciphertexts   int
	FP            string // request fingerprint
	CiphertextsFP string
	Valid         []uint64
	Invalid       []uint64
	Done          bool
	Used          []uint64
	Counts        []uint64
}

// ErrNoManifest is returned by Render for a board without a manifest: the
// minutes need the members, who are known from the manifest on
// (docs/protocol.md §6.1).
var ErrNoManifest = errors.New("minutes: the members are not fixed yet (no manifest): print the minutes once every member has enrolled and the coordinator has handed out the manifest")

func collect(b *office.Board) (*facts, error) {
	st := b.State
	if st.Manifest() == nil {
		return nil, ErrNoManifest
	}
	f := &facts{
		Title: drawable(st.Call.Title), Members: st.Call.Members, Threshold: st.Call.Threshold,
		Close: time.Unix(st.Call.Close, 0), PostQuantum: st.Call.PostQuantum,
		CallFP: st.CallID.Fingerprint(), CeremonyFP: st.ID.Fingerprint(),
		Step: b.Progress().Step, Complete: st.Complete(),
	}
	var excluded map[uint64]ceremony.Text
	if f.Complete {
		k, err := st.ElectionKeyFile()
		if err != nil {
			return nil, err
		}
		ek, err := ceremony.ParseElectionKey(k)
		if err != nil {
			return nil, err
		}
		f.ElectionKeyFP = ek.Fingerprint
		f.Qualified, excluded = st.Qualified()
	}
	accused := st.Accused()
	for _, m := range st.Members {
		p := person{Index: m.Index, Name: drawable(m.Name), Card: m.Card.Fingerprint()}
		if f.Complete {
			p.Qualified = slices.Contains(f.Qualified, m.Index)
			if why, ok := excluded[m.Index]; ok {
				// The reason in the office's language, from the public
				// facts behind it (docs/protocol.md §6.5); the ceremony's
				// own words when none fits.
				switch {
				case !st.Has(ceremony.KindDeal, m.Index):
					p.Excluded = "excl_no_deal"
				case slices.Contains(accused, m.Index) && !st.Has(ceremony.KindReveal, m.Index):
					p.Excluded = "excl_no_answer"
				case slices.Contains(accused, m.Index):
					p.Excluded = "excl_mismatch"
				default:
					p.Excluded = why.String()
				}
			}
		}
		f.People = append(f.People, p)
	}
	for _, id := range st.Requests() {
		r, _ := st.RequestSummary(id)
		valid, invalid := st.AnswerStatus(id)
		rq := request{Label: drawable(r.Label), Kind: r.Kind, Ciphertexts: r.Ciphertexts,
			FP: id.Fingerprint(), CiphertextsFP: r.Hash.Fingerprint(), Valid: valid}
		for j := range invalid {
			rq.Invalid = append(rq.Invalid, j)
		}
		slices.Sort(rq.Invalid)
		if _, _, done := st.Result(id); done {
			res, err := b.TallyResult(id)
			if err != nil {
				return nil, err
			}
			rq.Done, rq.Used, rq.Counts = true, res.MembersUsed, res.Counts
		}
		f.Requests = append(f.Requests, rq)
	}
	files, _, err := office.ReadRecord(b.Dir)
	if err != nil {
		return nil, err
	}
	id, n, err := ceremony.RecordID(files)
	if err != nil {
		return nil, err
	}
	f.RecordFP, f.RecordMessages = id.Fingerprint(), n
	return f, nil
}

func (f *facts) member(i uint64) (person, bool) {
	if i < 1 || i > uint64(len(f.People)) {
		return person{}, false
	}
	return f.People[i-1], true
}
