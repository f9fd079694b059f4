package ceremony

import (
	"crypto/rand"
	"fmt"
	"testing"
	"time"
)

// BenchmarkMemberDecrypt measures what a member's program does with a
// request it has just read: check it (Summarize, shown before unlocking),
// then answer it, on a freshly parsed envelope each time. The check decodes
// both halves of every ciphertext (docs/protocol.md §7.2), so this costs
// one decoding of B_k more than BenchmarkAnswer.
func BenchmarkMemberDecrypt(b *testing.B) {
	h := newHarness(b, 3, 2, false)
	h.runToComplete()
	for _, n := range []int{1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			req, err := h.board.NewRequest("bench", RequestBallots, 1, 1, fakeCiphertexts(n))
			if err != nil {
				b.Fatal(err)
			}
			enc := req.Bytes()
			sec := h.byIndex(1).sec
			now := time.Now().Unix()
			interleaved(b, n, func() {
				e, err := ParseEnvelope(enc)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := Summarize(e); err != nil {
					b.Fatal(err)
				}
				if _, err := sec.Answer(e, now, rand.Reader); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}
