package office

import (
	"errors"
	"strings"
	"testing"
	"time"

	"conclave/ceremony"
)

// TestDecryptionLogAndTallyCheck is issue 9 §4: a keystore logs every
// request it answered, and a member who brings the published ballots file
// refuses a "tally" that leaves a ballot out, or that decrypts ballots one
// by one.
func TestDecryptionLogAndTallyCheck(t *testing.T) {
	dir := t.TempDir()
	b, ms, ek := smallCeremonyKey(t, dir)
	votes := []uint64{1, 2, 2, 1, 2}
	ballots, err := EncryptBallots(ek, votes, 2)
	if err != nil {
		t.Fatal(err)
	}
	all, err := ballots.Sum()
	if err != nil {
		t.Fatal(err)
	}
	// The attack: a "tally" of every ballot but the last, then its
	// difference with the full tally is that voter's vote.
	allButOne := &Ballots{Ceremony: ballots.Ceremony, ElectionKey: ballots.ElectionKey, Options: 2, Ballots: ballots.Ballots[:4]}
	partial, err := allButOne.Sum()
	if err != nil {
		t.Fatal(err)
	}
	reqAll, err := b.Request("tally", all)
	if err != nil {
		t.Fatal(err)
	}
	reqPartial, err := b.Request("tally", partial)
	if err != nil {
		t.Fatal(err)
	}
	single := &Ciphertexts{Kind: ceremony.RequestBallots, Options: 2, Bound: 2, Data: ballots.Ballots[4][:ceremony.CiphertextSize]}
	reqSingle, err := b.Request("one", single)
	if err != nil {
		t.Fatal(err)
	}
	// A partial tally that lies about its count, and one that tells it.
	forged := &Ciphertexts{Kind: ceremony.RequestTally, Options: 2, Bound: 5, Data: partial.Data}
	reqForged, err := b.Request("tally", forged)
	if err != nil {
		t.Fatal(err)
	}

	if err := CheckTally(reqAll, ballots); err != nil {
		t.Fatalf("the true tally: %v", err)
	}
	for name, req := range map[string]*ceremony.Envelope{"all but one": reqPartial, "one ballot": reqSingle, "forged count": reqForged} {
		if err := CheckTally(req, ballots); !errors.Is(err, ErrNotTheTally) {
			t.Errorf("%s: %v, want ErrNotTheTally", name, err)
		}
	}
	if err := CheckTally(reqPartial, ballots); !strings.Contains(err.Error(), "sums 4 ballots, but the published file holds 5") {
		t.Errorf("all but one: %v", err)
	}

	log, err := ms[0].Answered()
	if err != nil || len(log) != 0 {
		t.Fatalf("a new keystore's log: %v %v", log, err)
	}
	now := time.Unix(1700000000, 0)
	if _, err := ms[0].Decrypt(reqAll, now); err != nil {
		t.Fatal(err)
	}
	// The log survives closing and reopening: it is sealed in the file.
	path := ms[0].Store().Path()
	again, err := OpenMember(path, passOf(0))
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	log, err = again.Answered()
	if err != nil || len(log) != 1 {
		t.Fatalf("after one answer, the log holds %d entries (%v)", len(log), err)
	}
	e := log[0]
	if e.RequestID() != reqAll.ID() || e.CiphertextsID() != ceremony.CiphertextsHash(all.Data) || e.Label != "tally" ||
		e.Kind != ceremony.RequestTally || e.Count != 2 || e.Ballots != 5 || e.At != now.Unix() {
		t.Fatalf("log entry %+v", e)
	}
}
