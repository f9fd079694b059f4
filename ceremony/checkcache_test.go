package ceremony

import (
	"crypto/rand"
	"strings"
	"testing"
	"time"
)

type mapCache struct {
	passed     map[ID]bool
	asked, new int
}

func (c *mapCache) Passed(k ID) bool { c.asked++; return c.passed[k] }
func (c *mapCache) Remember(k ID)    { c.new++; c.passed[k] = true }

// replay takes msgs into a fresh state that uses cache.
func replay(t *testing.T, msgs []*Envelope, cache CheckCache) *State {
	t.Helper()
	s := NewState()
	s.Checks = cache
	envs := make([]*Envelope, 0, len(msgs))
	for _, e := range msgs {
		p, err := ParseEnvelope(e.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		envs = append(envs, p)
	}
	SortForReplay(envs)
	for _, e := range envs {
		if _, err := s.Add(e); err != nil {
			t.Fatalf("%s: %v", e.Kind, err)
		}
	}
	return s
}

// TestCheckCache: a replay remembers the request, each answer and the
// result; a second replay with the same cache finds them all and
// remembers nothing new; an answer not seen before (another member's
// bad answer, signed) is checked, found wrong, and not remembered.
func TestCheckCache(t *testing.T) {
	h := newHarness(t, 4, 2, false)
	h.runToComplete()
	pts := h.decrypt(tally(t, electionKey(t, h.board), []uint64{1, 2, 2}, 2), RequestTally, 2, 3, []uint64{1, 2})
	if pts[0] != 1 || pts[1] != 2 {
		t.Fatalf("decrypted %v", pts)
	}
	msgs := h.board.Messages()
	c := &mapCache{passed: map[ID]bool{}}
	replay(t, msgs, c)
	if c.new != 4 {
		t.Fatalf("the first replay remembered %d checks, want 4 (request, two answers, result)", c.new)
	}
	c.new, c.asked = 0, 0
	s := replay(t, msgs, c)
	if c.new != 0 || c.asked != 4 {
		t.Fatalf("the second replay asked %d times and remembered %d new checks, want 4 and 0", c.asked, c.new)
	}
	if _, _, ok := s.Result(s.Requests()[0]); !ok {
		t.Fatal("the second replay lost the result")
	}

	// Member 3's answer, with its shares swapped for member 1's: signed, not
	// a correct decryption, and never seen.
	req := s.requests[s.Requests()[0]].env
	a3, err := h.byIndex(3).sec.Answer(req, time.Now().Unix(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var body Answer
	if err := a3.DecodeBody(&body); err != nil {
		t.Fatal(err)
	}
	var a1 Answer
	for _, e := range msgs {
		if e.Kind == KindAnswer && e.Sender == 1 {
			e.DecodeBody(&a1)
		}
	}
	body.Shares = a1.Shares
	bad := newEnvelope(KindAnswer, a3.Ceremony, 3, &body)
	h.byIndex(3).sec.sign(bad)
	c.new = 0
	out, err := s.Add(bad)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "NOT a correct decryption") || c.new != 0 {
		t.Fatalf("a bad answer was taken as checked (%q, %d remembered)", out, c.new)
	}
}
