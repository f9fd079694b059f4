package ceremony

import (
	"math/rand/v2"
	"testing"

	"conclave/ceremony/group"
)

// TestSmallLagrange checks λ_j·L = N_j modulo the group order for random
// sets of members, and that sets whose integers are too long are refused
// (the combination then uses the full scalars).
func TestSmallLagrange(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	small, large := 0, 0
	for trial := 0; trial < 400; trial++ {
		size := 1 + r.IntN(20)
		perm := r.Perm(64)[:size]
		used := make([]uint64, size)
		for i, p := range perm {
			used[i] = uint64(p + 1)
		}
		l, nums, ok := smallLagrange(used)
		if !ok {
			large++
			continue
		}
		small++
		lambda := lagrangeAtZero(used)
		ls := group.NewScalar().SetUint64(uint64(l))
		for a := range used {
			n := group.NewScalar().SetUint64(uint64(nums[a]))
			if nums[a] < 0 {
				n.SetUint64(uint64(-nums[a])).Negate(n)
			}
			if group.NewScalar().Multiply(lambda[a], ls).Equal(n) != 1 {
				t.Fatalf("members %v: λ_%d·L ≠ N_%d", used, used[a], used[a])
			}
		}
	}
	if small == 0 || large == 0 {
		t.Fatalf("%d small and %d large sets: both kinds must be tried", small, large)
	}
	if _, _, ok := smallLagrange([]uint64{1, 2, 3}); !ok {
		t.Fatal("members 1, 2, 3 have Lagrange coefficients 3, −3, 1: they are small")
	}
}
