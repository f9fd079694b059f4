package keystore

import (
	"fmt"
	"os"
	"sync"

	"github.com/awnumar/memguard"
)

// Locked memory.
//
// memguard allocates every LockedBuffer in mlock'ed pages and panics when
// mlock fails; when that happens inside Enclave.Open (or when its global
// key is first created) the panic handler re-takes a mutex the same
// goroutine already holds and the whole program deadlocks (memguard issues
// #147, #173). So this package never calls memguard without first checking,
// under lockMu, that the locked-memory budget (RLIMIT_MEMLOCK minus what the
// process already locked) covers the pages the call can lock. Where it does
// not, secrets live in ordinary memory that is wiped after use ("degraded"
// mode), and LockedMemoryStatus says so.

const (
	cofferPages = 3 // memguard's global key: three 32-byte buffers, one page each, created on first use
	viewPages   = 1 // memguard's transient copy of its global key during Seal/Open
	marginPages = 2 // headroom for other users of locked memory in the process
	// nestPages is what a caller may hold locked while a vault is open: a
	// passphrase (ChangePassphrase opens the secret with the new one held)
	// and a scratch buffer.
	nestPages = 2
	// recommendedPages is what a Store comfortably needs: coffer, key and
	// secret open, view, margin.
	recommendedPages = 12
)

// The budget rule. A vault's secret goes into a memguard Enclave only if,
// once sealed, it can always be opened again: opening an Enclave needs
// locked memory and cannot fall back, so a vault sealed with too little
// room left would refuse every later open with ErrLockedMemory (this
// happened for every RLIMIT_MEMLOCK between about 28 and 48 KiB). So
// sealing asks for what sealing locks, plus what opening will ask for
// afterwards with a caller's buffers held (nestPages), counting memguard's
// key twice: sealing may create it, and openPages counts it again (it
// cannot tell whether memguard.Purge destroyed it meanwhile, so it always
// counts it). Where the budget is short the vault is ordinary wiped memory,
// whose open never fails.

// openPages is what opening a vault of n bytes may lock at once.
func openPages(n int) int64 { return pages(n) + viewPages + cofferPages }

// sealPages is what sealing n bytes requires to be free: the key memguard
// may create now, and the room of a later open with nested buffers (which
// covers the buffer and the view locked while sealing).
func sealPages(n int) int64 { return cofferPages + openPages(n) + nestPages }

// lockInfo describes the locked-memory budget of the process.
type lockInfo struct {
	unlimited bool   // no limit applies (RLIM_INFINITY or CAP_IPC_LOCK)
	measured  bool   // limit and usage could be read
	limit     int64  // bytes
	used      int64  // bytes currently locked by the process
	note      string // platform detail for the status message
}

func (li lockInfo) avail() int64 {
	if li.unlimited {
		return 1 << 62
	}
	if !li.measured || li.used > li.limit {
		return 0
	}
	return li.limit - li.used
}

var (
	lockMu   sync.Mutex   // serialises budget checks with the memguard calls they guard
	budgetFn = lockBudget // platform probe; replaced in tests
	pageSize = int64(os.Getpagesize())

	statusMu sync.Mutex
	degraded string // first reason for falling back to ordinary memory
)

func pages(n int) int64 { return (int64(n) + pageSize - 1) / pageSize }

// canLock reports whether p more pages may be locked now. lockMu must be held.
func canLock(p int64) bool {
	li := budgetFn()
	return li.unlimited || li.avail() >= (p+marginPages)*pageSize
}

func noteDegraded(reason string) {
	statusMu.Lock()
	if degraded == "" {
		degraded = reason
	}
	statusMu.Unlock()
}

// LockedMemoryStatus reports whether secrets can be kept in locked memory
// (memory that is never written to swap). When ok is false, message is one
// plain sentence for the member, to be shown once (e.g. at start-up or at
// the first unlock); the package keeps working with ordinary wiped memory
// and never logs. The result does not change from call to call except to
// turn false after the first fallback.
func LockedMemoryStatus() (ok bool, message string) {
	lockMu.Lock()
	li := budgetFn()
	lockMu.Unlock()
	statusMu.Lock()
	d := degraded
	statusMu.Unlock()
	short := !li.unlimited && li.avail() < recommendedPages*pageSize
	if d == "" && !short {
		return true, ""
	}
	limit := "unknown"
	if li.measured {
		limit = fmt.Sprintf("%d KiB, %d KiB already in use", li.limit/1024, li.used/1024)
	}
	msg := fmt.Sprintf("Memory locking is limited on this computer (limit %s): Conclave keeps working, but secrets held in memory could be written to the swap file. To avoid it, raise the locked-memory limit to at least %d KiB (ulimit -l, LimitMEMLOCK= for a systemd service, or /etc/security/limits.conf) or turn swap off.", limit, 2*recommendedPages*pageSize/1024)
	if li.note != "" {
		msg += " " + li.note
	}
	return false, msg
}

// vault holds one secret: in a memguard Enclave when locked memory allows,
// otherwise in ordinary memory wiped on destroy. It is reference counted so
// that destroy never blocks on (or wipes under) an open call.
type vault struct {
	mu    sync.Mutex
	enc   *memguard.Enclave
	plain []byte
	size  int
	refs  int
	dead  bool
}

// sealNew builds a vault of n bytes filled by fill. The buffer fill writes
// into is locked memory when the budget allows, and is never left behind:
// it becomes the Enclave (and is wiped) or the plain storage.
func sealNew(n int, fill func(dst []byte) error) (*vault, error) {
	if n <= 0 {
		return nil, ErrInvalidArgument
	}
	lockMu.Lock()
	if canLock(sealPages(n)) {
		lb := memguard.NewBuffer(n)
		lockMu.Unlock()
		if err := fill(lb.Bytes()); err != nil {
			lb.Destroy()
			return nil, err
		}
		lockMu.Lock()
		if !canLock(sealPages(n) - pages(n)) { // lb is locked already
			// The budget shrank meanwhile: keep the data in ordinary memory.
			plain := make([]byte, n)
			copy(plain, lb.Bytes())
			lb.Destroy()
			lockMu.Unlock()
			noteDegraded("budget shrank while sealing")
			return &vault{plain: plain, size: n}, nil
		}
		enc := lb.Seal() // wipes and destroys lb
		lockMu.Unlock()
		return &vault{enc: enc, size: n}, nil
	}
	lockMu.Unlock()
	noteDegraded("not enough locked memory to seal a secret")
	plain := make([]byte, n)
	if err := fill(plain); err != nil {
		wipe(plain)
		return nil, err
	}
	return &vault{plain: plain, size: n}, nil
}

// sealCopy seals a copy of src (src is left untouched).
func sealCopy(src []byte) (*vault, error) {
	return sealNew(len(src), func(dst []byte) error { copy(dst, src); return nil })
}

// open calls fn with the secret for the duration of fn only. The slice is
// read-only locked memory (memguard) or a wiped copy in ordinary memory;
// fn must not retain or modify it.
func (v *vault) open(fn func(secret []byte) error) error {
	if v == nil {
		return ErrClosed
	}
	v.mu.Lock()
	if v.dead {
		v.mu.Unlock()
		return ErrClosed
	}
	v.refs++
	v.mu.Unlock()
	defer v.release()

	if v.enc == nil {
		tmp := make([]byte, len(v.plain))
		copy(tmp, v.plain)
		defer wipe(tmp)
		return fn(tmp)
	}
	lockMu.Lock()
	if !canLock(openPages(v.size)) {
		lockMu.Unlock()
		noteDegraded("not enough locked memory to open a secret")
		return ErrLockedMemory
	}
	lb, err := v.enc.Open()
	lockMu.Unlock()
	if err != nil {
		// memguard's key was replaced (memguard.Purge): the enclave is lost.
		return ErrClosed
	}
	defer lb.Destroy()
	return fn(lb.Bytes())
}

func (v *vault) release() {
	v.mu.Lock()
	v.refs--
	if v.dead && v.refs == 0 {
		v.wipeLocked()
	}
	v.mu.Unlock()
}

// destroy wipes the vault now, or as soon as the last open call returns.
func (v *vault) destroy() {
	if v == nil {
		return
	}
	v.mu.Lock()
	v.dead = true
	if v.refs == 0 {
		v.wipeLocked()
	}
	v.mu.Unlock()
}

func (v *vault) wipeLocked() {
	wipe(v.plain)
	v.plain = nil
	v.enc = nil // the Enclave is ciphertext under memguard's key; dropped
}

// withScratch calls fn with an n-byte scratch buffer, locked when the
// budget allows, wiped (and unlocked) afterwards.
func withScratch(n int, fn func(buf []byte) error) error {
	lockMu.Lock()
	if canLock(pages(n)) {
		lb := memguard.NewBuffer(n)
		lockMu.Unlock()
		defer lb.Destroy()
		return fn(lb.Bytes())
	}
	lockMu.Unlock()
	noteDegraded("not enough locked memory for a scratch buffer")
	buf := make([]byte, n)
	defer wipe(buf)
	return fn(buf)
}

// Passphrase is a passphrase held in memory. *memguard.LockedBuffer
// implements it (Create, Open and friends accept one directly), and so does
// what NewPassphrase returns.
type Passphrase interface {
	Bytes() []byte
	Destroy()
}

// plainPassphrase is the fallback used where memory cannot be locked.
type plainPassphrase struct{ b []byte }

func (p *plainPassphrase) Bytes() []byte { return p.b }
func (p *plainPassphrase) Destroy()      { wipe(p.b); p.b = nil }

// NewPassphrase moves src into a Passphrase and wipes src. It uses a
// memguard LockedBuffer when the locked-memory budget allows (calling
// memguard.NewBufferFromBytes directly panics when it does not) and
// ordinary memory otherwise. Call Destroy when done.
func NewPassphrase(src []byte) Passphrase {
	defer wipe(src)
	lockMu.Lock()
	if len(src) > 0 && canLock(pages(len(src))) {
		lb := memguard.NewBuffer(len(src))
		lockMu.Unlock()
		lb.Copy(src)
		return lb
	}
	lockMu.Unlock()
	if len(src) > 0 {
		noteDegraded("not enough locked memory for a passphrase")
	}
	return &plainPassphrase{b: append([]byte(nil), src...)}
}

// passBytes returns the bytes of p, treating nil (and a nil
// *memguard.LockedBuffer) as empty.
func passBytes(p Passphrase) []byte {
	if p == nil {
		return nil
	}
	if lb, ok := p.(*memguard.LockedBuffer); ok && (lb == nil || !lb.IsAlive()) {
		return nil
	}
	return p.Bytes()
}
