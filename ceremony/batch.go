package ceremony

import (
	"crypto/hpke"

	"conclave/ceremony/group"
)

// shareWeights derives n batching weights of 128 bits from the hash of the
// messages of the bundle a member answers and its index (docs/protocol.md
// §6.9): every message the weights could be ground against is fixed
// before them.
func shareWeights(bundle ID, j uint64, n int) []*group.Scalar {
	seed := newTranscript(tagShareWeights).bytes(bundle[:]).uint(j).sum()
	out := make([]*group.Scalar, n)
	for u := range out {
		var b [32]byte
		copy(b[:16], newTranscript(tagShareWeights).bytes(seed).uint(uint64(u)).sum())
		out[u], _ = group.NewScalar().SetCanonicalBytes(b[:])
	}
	return out
}

// shareCheck is one equation a member checks about a share it holds from
// a dealer: s·G + b·H = Σ_k j^k·E_k (Pedersen, when e is set) or
// s·G = Σ_k j^k·C_k (Feldman, when c is set). at, if set, is e evaluated at
// j already.
type shareCheck struct {
	p    *sharePair
	e, c []*group.Element
	at   *group.Element
}

// batchShareChecks checks every equation at once (small-exponent batch
// verification, docs/protocol.md §6.9): with weights ρ_u,
//
//	(Σ_u ρ_u·s_u)·G + (Σ_{u Pedersen} ρ_u·b_u)·H = Σ_u ρ_u·P_u
//
// where P_u is the commitments evaluated at j. If any equation is false
// the sum is the identity only with probability 2^-128 over the weights. The
// shares are secret: their combination is multiplied in constant time; the
// right-hand side is public and computed in variable time.
func batchShareChecks(bundle ID, j uint64, checks []shareCheck) bool {
	if len(checks) == 0 {
		return true
	}
	w := shareWeights(bundle, j, len(checks))
	a, b := group.NewScalar(), group.NewScalar()
	defer a.Zeroize()
	defer b.Zeroize()
	points := make([]*group.Element, len(checks))
	for u, ch := range checks {
		a.MultiplyAdd(w[u], ch.p.s, a)
		if ch.e != nil {
			b.MultiplyAdd(w[u], ch.p.blind, b)
			points[u] = ch.at
			if points[u] == nil {
				points[u] = evalCommitments(ch.e, j)
			}
		} else {
			points[u] = evalCommitments(ch.c, j)
		}
	}
	left := group.NewIdentityElement().ScalarBaseMult(a)
	left.Add(left, mulH(b))
	right := group.NewIdentityElement().VarTimeMultiScalarMult(w, points)
	return left.Equal(right) == 1
}

// openedShares opens the share pairs sealed to this member by dealers,
// deriving its HPKE key once and only if a pair is not kept from an earlier
// step in this process (sec.opened); it keeps what it opens, and returns
// copies, which the caller wipes. A dealer whose pair does not open is
// absent from the result.
func (sec *Secrets) openedShares(st *State, dealers []uint64) map[uint64]*sharePair {
	out := map[uint64]*sharePair{}
	var sk hpke.PrivateKey
	var skErr error
	for _, i := range dealers {
		d := st.deals[i]
		if d == nil {
			continue
		}
		if p := sec.opened[d.id]; p != nil {
			out[i] = &sharePair{group.NewScalar().Set(p.s), group.NewScalar().Set(p.blind)}
			continue
		}
		for _, sh := range d.body.Shares {
			if sh.To != sec.Index {
				continue
			}
			if sk == nil && skErr == nil {
				sk, skErr = shareKey(sec.KEM, sec.EncryptionSeed)
			}
			if skErr != nil {
				continue
			}
			if s, b, err := openShareWith(sk, st.ID, i, sec.Index, sh.Ciphertext); err == nil {
				out[i] = &sharePair{s, b}
				if sec.opened == nil {
					sec.opened = map[ID]*sharePair{}
				}
				sec.opened[d.id] = &sharePair{group.NewScalar().Set(s), group.NewScalar().Set(b)}
			}
		}
	}
	return out
}

func wipePairs(ps map[uint64]*sharePair) {
	for _, p := range ps {
		p.s.Zeroize()
		p.blind.Zeroize()
	}
}

// heldShares returns the share pairs this member holds from dealers, as
// shareFrom does, and the checks that shareFrom and the Feldman check would
// make of them, to batch: the pairs sealed to it against the Pedersen
// commitments, and, when feldman is set, every pair but its own against the
// dealer's Feldman values. ok is false if a sealed pair does not open.
func (sec *Secrets) heldShares(st *State, dealers []uint64, feldman bool) (pairs map[uint64]*sharePair, checks []shareCheck, ok bool) {
	pairs = map[uint64]*sharePair{}
	var sealed []uint64
	for _, i := range dealers {
		switch r := st.reveals[i]; {
		case i == sec.Index:
			poly, blind := sec.polynomial(), sec.blinding()
			pairs[i] = &sharePair{evalPolynomial(poly, i), evalPolynomial(blind, i)}
			zeroize(poly)
			zeroize(blind)
		case r != nil && r.valid[sec.Index]:
			p := r.shares[sec.Index]
			pairs[i] = &sharePair{group.NewScalar().Set(p.s), group.NewScalar().Set(p.blind)}
		default:
			sealed = append(sealed, i)
		}
	}
	for i, p := range sec.openedShares(st, sealed) {
		pairs[i] = p
	}
	for _, i := range dealers {
		p := pairs[i]
		if p == nil {
			wipePairs(pairs)
			return nil, nil, false
		}
		if i == sec.Index {
			continue
		}
		if r := st.reveals[i]; r == nil || !r.valid[sec.Index] {
			checks = append(checks, shareCheck{p: p, e: st.deals[i].commitments, at: sec.pedersenAt[st.deals[i].id]})
		}
		if feldman {
			checks = append(checks, shareCheck{p: p, c: st.feldmanOf(i)})
		}
	}
	return pairs, checks, true
}
