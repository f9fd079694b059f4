package ceremony

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"conclave/ceremony/group"
)

// party is one member in a test ceremony.
type party struct {
	name string
	sec  *Secrets
}

type harness struct {
	t       testing.TB
	board   *State
	issued  string
	parties []*party
	// cache is shared by the board and every party's steps, as in one
	// process that plays them all (docs/protocol.md §8.6).
	cache *Verified
}

func (h *harness) add(e *Envelope) {
	h.t.Helper()
	b := e.Bytes()
	p, err := ParseEnvelope(b)
	if err != nil {
		h.t.Fatalf("parse %s: %v", e.Kind, err)
	}
	if _, err := h.board.Add(p); err != nil && !errors.Is(err, ErrDuplicate) {
		h.t.Fatalf("board refused %s from %d: %v", e.Kind, e.Sender, err)
	}
}

func (h *harness) next(force bool) *Envelope {
	h.t.Helper()
	e, step, err := h.board.Next(h.issued, force)
	if err != nil {
		h.t.Fatalf("next: %v", err)
	}
	h.issued = step
	if e.Kind == KindManifest {
		h.add(e)
	}
	return e
}

// newHarness enrols n members and fixes the manifest.
func newHarness(t testing.TB, n, th uint64, pq bool) *harness {
	h := &harness{t: t, board: NewState(), cache: NewVerified()}
	h.board.UseCache(h.cache)
	call, err := NewCall("Test election", n, th, pq, time.Unix(1700000000, 0), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	h.add(call)
	for i := uint64(0); i < n; i++ {
		sec, card, err := Enrol(call, fmt.Sprintf("Member %c", 'A'+i), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		h.parties = append(h.parties, &party{name: sec.Name, sec: sec})
		h.add(card)
	}
	return h
}

// stepAll hands in to every party and gives the board what they answer;
// skip lists parties that stay silent.
func (h *harness) stepAll(in *Envelope, skip ...*party) {
	h.t.Helper()
	for _, p := range h.parties {
		if containsParty(skip, p) {
			continue
		}
		out, err := p.sec.StepCached(in, h.cache, rand.Reader)
		if err != nil {
			h.t.Fatalf("%s on %s: %v", p.name, in.Kind, err)
		}
		if out.Out != nil {
			h.add(out.Out)
		}
	}
}

func containsParty(ps []*party, p *party) bool {
	for _, q := range ps {
		if q == p {
			return true
		}
	}
	return false
}

func (h *harness) byIndex(i uint64) *party {
	for _, p := range h.parties {
		if p.sec.Index == i {
			return p
		}
	}
	h.t.Fatalf("no party %d", i)
	return nil
}

func (h *harness) runToComplete() {
	h.t.Helper()
	for i := 0; i < 10 && !h.board.Complete(); i++ {
		h.stepAll(h.next(false))
	}
	if !h.board.Complete() {
		h.t.Fatalf("ceremony did not complete: %+v", h.board.Progress(h.issued))
	}
}

// finish closes every remaining step without the parties in skip, who
// stay silent, until the ceremony completes.
func (h *harness) finish(skip ...*party) {
	h.t.Helper()
	for i := 0; i < 10 && !h.board.Complete(); i++ {
		h.stepAll(h.next(true), skip...)
	}
	if !h.board.Complete() {
		h.t.Fatalf("ceremony did not complete: %+v", h.board.Progress(h.issued))
	}
}

func (h *harness) decrypt(cts []byte, kind string, options, bound uint64, who []uint64) []uint64 {
	h.t.Helper()
	req, err := h.board.NewRequest("count", kind, options, bound, cts)
	if err != nil {
		h.t.Fatal(err)
	}
	h.add(req)
	for _, j := range who {
		a, err := h.byIndex(j).sec.Answer(req, time.Now().Unix(), rand.Reader)
		if err != nil {
			h.t.Fatal(err)
		}
		h.add(a)
	}
	res, pts, err := h.board.Combine(req.ID())
	if err != nil {
		h.t.Fatal(err)
	}
	h.add(res)
	return pts
}

func (h *harness) verify() *Report {
	var files []RecordFile
	for _, e := range h.board.Messages() {
		files = append(files, RecordFile{Name: string(e.Kind), Data: e.Bytes()})
	}
	return Verify(files)
}

func electionKey(t testing.TB, st *State) *group.Element {
	k, err := st.ElectionKeyFile()
	if err != nil {
		t.Fatal(err)
	}
	ek, err := ParseElectionKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return ek.Key
}

func tally(t testing.TB, y *group.Element, votes []uint64, options uint64) []byte {
	var sum []byte
	for _, v := range votes {
		var ballot []byte
		for o := uint64(1); o <= options; o++ {
			m := uint64(0)
			if o == v {
				m = 1
			}
			ct, err := Encrypt(y, m, rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			ballot = append(ballot, ct...)
		}
		if sum == nil {
			sum = ballot
		} else if sum, _ = AddCiphertexts(sum, ballot); sum == nil {
			t.Fatal("add failed")
		}
	}
	return sum
}

func TestCeremonyAndTally(t *testing.T) {
	for _, tc := range []struct {
		n, t uint64
		pq   bool
	}{{1, 1, false}, {3, 2, false}, {5, 3, false}, {4, 4, true}} {
		t.Run(fmt.Sprintf("n=%d,t=%d,pq=%v", tc.n, tc.t, tc.pq), func(t *testing.T) {
			h := newHarness(t, tc.n, tc.t, tc.pq)
			h.runToComplete()
			y := electionKey(t, h.board)
			votes := []uint64{1, 2, 2, 3, 1, 2}
			cts := tally(t, y, votes, 3)
			var who []uint64
			for j := tc.n; j > tc.n-tc.t; j-- {
				who = append(who, j)
			}
			got := h.decrypt(cts, RequestTally, 3, uint64(len(votes)), who)
			if fmt.Sprint(got) != "[2 3 1]" {
				t.Fatalf("tally = %v, want [2 3 1]", got)
			}
			if r := h.verify(); !r.OK() {
				t.Fatalf("record does not verify: %+v", r.Checks)
			}
		})
	}
}

// badDeal re-makes dealer's deal so that the share for victim does not
// match the commitments, validly signed: a cheating dealer.
func badDeal(t testing.TB, dealer *party, victim uint64, st *State) *Envelope {
	e := mustParse(dealer.sec.Deal)
	var d Deal
	if err := e.DecodeBody(&d); err != nil {
		t.Fatal(err)
	}
	wrong := group.NewScalar().SetUint64(12345)
	for k := range d.Shares {
		if d.Shares[k].To == victim {
			m, _ := st.Member(victim)
			ct, err := sealShare(m.KEM, m.EncryptionKey, st.ID, dealer.sec.Index, victim, wrong, wrong)
			if err != nil {
				t.Fatal(err)
			}
			d.Shares[k].Ciphertext = ct
		}
	}
	bad := dealer.sec.sign(newEnvelope(KindDeal, e.Ceremony, e.Sender, &d))
	dealer.sec.Deal = bad.Bytes()
	return bad
}

func TestComplaintDisqualifiesSilentDealer(t *testing.T) {
	h := newHarness(t, 5, 3, false)
	manifest := h.next(false)
	if manifest.Kind != KindManifest {
		t.Fatalf("got %s, want manifest", manifest.Kind)
	}
	h.add(manifest)
	h.stepAll(manifest)
	cheat, victim := h.byIndex(2), uint64(4)
	b := NewState()
	b.Add(manifest)
	// The board already holds the honest deal; start a board that gets the bad one.
	h2 := &harness{t: t, board: NewState(), parties: h.parties}
	h2.add(manifest)
	for _, p := range h.parties {
		if p == cheat {
			h2.add(badDeal(t, p, victim, h.board))
		} else {
			h2.add(mustParse(p.sec.Deal))
		}
	}
	h = h2
	verifyBundle := h.next(false)
	if verifyBundle.Kind != KindBundle {
		t.Fatalf("got %s", verifyBundle.Kind)
	}
	h.stepAll(verifyBundle)
	if got := h.board.Accused(); fmt.Sprint(got) != "[2]" {
		t.Fatalf("accused = %v, want [2]", got)
	}
	reveal := h.next(false)
	h.stepAll(reveal, cheat) // the cheat stays silent
	if p := h.board.Progress(h.issued); p.Ready {
		t.Fatal("reveal step should wait for the cheat")
	}
	h.finish(cheat)
	qual, excluded := h.board.Qualified()
	if fmt.Sprint(qual) != "[1 3 4 5]" || !strings.Contains(fmt.Sprint(excluded[2]), "did not answer") {
		t.Fatalf("qual = %v, excluded = %v", qual, excluded)
	}
	y := electionKey(t, h.board)
	cts := tally(t, y, []uint64{1, 1, 2}, 2)
	if got := h.decrypt(cts, RequestTally, 2, 3, []uint64{5, 4, 1}); fmt.Sprint(got) != "[2 1]" {
		t.Fatalf("tally = %v", got)
	}
	if r := h.verify(); !r.OK() {
		t.Fatalf("record does not verify: %+v", r.Checks)
	}
}

func TestHonestRevealKeepsDealer(t *testing.T) {
	h := newHarness(t, 3, 2, false)
	manifest := h.next(false)
	h.add(manifest)
	for _, p := range h.parties {
		if _, err := p.sec.Step(manifest, rand.Reader); err != nil {
			t.Fatal(err)
		}
	}
	// Dealer 1 sends a bad sealed share to member 2, but reveals the right one.
	h.add(badDeal(t, h.byIndex(1), 2, h.board))
	h.add(mustParse(h.byIndex(2).sec.Deal))
	h.add(mustParse(h.byIndex(3).sec.Deal))
	h.runToComplete()
	qual, _ := h.board.Qualified()
	if fmt.Sprint(qual) != "[1 2 3]" {
		t.Fatalf("qual = %v", qual)
	}
	y := electionKey(t, h.board)
	if got := h.decrypt(tally(t, y, []uint64{2}, 2), RequestTally, 2, 1, []uint64{2, 3}); fmt.Sprint(got) != "[0 1]" {
		t.Fatalf("tally = %v", got)
	}
}
