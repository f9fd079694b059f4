package ceremony

import (
	"slices"
	"sync"

	"conclave/ceremony/group"
)

// Verified remembers, within one process, the checks of a message that
// depend on nothing but bytes fixed by message IDs (docs/protocol.md §8.6):
// a signature, the decoding of a body and of its group elements, a proof,
// a public share checked against commitments. A State that uses it (see
// UseCache, ReplayBundleCached and Secrets.StepCached) skips those checks
// for a message it finds here, and still runs every check that depends on
// what else the state holds: order, duplicates, the step machine, QUAL and
// the QUAL hash, the transcript and the keys. It is safe for concurrent
// use; one Verified may serve a board, its reopenings and any number of
// members in the same process. Only successes are remembered, so a refused
// message is checked again (and refused again) each time.
//
// Its keys are message IDs: an ID is the hash of every byte of the message
// (§2.3), so no other bytes can find an entry made for these.
type Verified struct {
	mu sync.Mutex
	m  map[cacheKey]any
}

// maxVerified bounds a Verified: past it, it forgets everything and starts
// again (a ceremony of 64 members needs a few thousand entries).
const maxVerified = 1 << 16

// NewVerified returns an empty cache of checked messages.
func NewVerified() *Verified { return &Verified{m: map[cacheKey]any{}} }

// cacheKind names what a cache entry says about its message.
type cacheKind uint8

const (
	cacheCard      cacheKind = iota + 1 // card checked against the call (dep): *Card
	cacheManifest                       // manifest checked on its own: *manifestInfo
	cacheSignature                      // signature by the sender the ceremony names: true
	cacheDeal                           // deal body and commitments: *dealParsed
	cachePair                           // public share pair j of msg against deal dep: bool
	cacheOpen                           // opening and its proof against deal dep: []*group.Element
	cacheConfirm                        // confirmation's proof against its own transcript and Y_j: true
)

type cacheKey struct {
	kind cacheKind
	msg  ID     // the message whose check this is
	dep  ID     // the message whose content the check used, if any
	j    uint64 // the member the check is about, if any
}

func (v *Verified) get(k cacheKey) (any, bool) {
	if v == nil {
		return nil, false
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	x, ok := v.m[k]
	return x, ok
}

func (v *Verified) put(k cacheKey, x any) {
	if v == nil {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.m) >= maxVerified {
		v.m = map[cacheKey]any{}
	}
	v.m[k] = x
}

// Len returns how many checks v remembers (0 for a nil v).
func (v *Verified) Len() int {
	if v == nil {
		return 0
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.m)
}

// UseCache makes s remember its checks in v, and skip those v already
// holds (docs/protocol.md §8.6). A nil v turns caching off.
func (s *State) UseCache(v *Verified) { s.cache = v }

// manifestInfo is what ParseManifest returns; members is never modified.
type manifestInfo struct {
	call    Call
	cid     ID
	members []MemberInfo
	id      ID
}

// dealParsed is a deal's body and decoded commitments, never modified.
type dealParsed struct {
	body        Deal
	commitments []*group.Element
}

func cloneMembers(ms []MemberInfo) []MemberInfo { return slices.Clone(ms) }
