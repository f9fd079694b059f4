package ceremony

import (
	"strings"
	"testing"
)

// The discrete logarithm's work, bound × N, is capped at MaxDlogWork
// (docs/protocol.md §7.2): a tally of two options at bound 2^40 cost every
// verifier 17 s, and of 65,536 options days (issue 10).
func TestRequestDlogBudget(t *testing.T) {
	budget := func(kind string, options, bound uint64, n int) bool {
		r := Request{Label: "count", Kind: kind, Options: options, Bound: bound, Ciphertexts: make([]byte, n*CiphertextSize)}
		err := checkRequestBody(&r)
		// The ciphertexts are zero bytes: a request within the budget is
		// refused for its first ciphertext, checked after the budget.
		return err != nil && strings.Contains(err.Error(), "too much work")
	}
	for _, c := range []struct {
		kind           string
		options, bound uint64
		n              int
		over           bool
	}{
		{RequestTally, 2, MaxBound, 2, true},
		{RequestTally, 1, MaxBound, 1, false},
		{RequestTally, 1024, 1 << 30, 1024, false},
		{RequestTally, 1025, 1 << 30, 1025, true},
		{RequestTally, MaxOptions, MaxBound, MaxOptions, true},
		{RequestBallots, MaxOptions, MaxOptions, 1 << 10, false},
	} {
		if got := budget(c.kind, c.options, c.bound, c.n); got != c.over {
			t.Errorf("%s K=%d bound=%d N=%d: refused for its work %v, want %v", c.kind, c.options, c.bound, c.n, got, c.over)
		}
	}
}
