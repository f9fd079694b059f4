package ur

import (
	"encoding/binary"
	"math/bits"
)

// bitset is a set of fragment indexes.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) set(i int)      { b[i/64] |= 1 << (uint(i) % 64) }
func (b bitset) clear(i int)    { b[i/64] &^= 1 << (uint(i) % 64) }
func (b bitset) has(i int) bool { return b[i/64]&(1<<(uint(i)%64)) != 0 }
func (b bitset) clone() bitset  { return append(bitset(nil), b...) }
func (b bitset) str() string {
	out := make([]byte, 0, 8*len(b))
	for _, w := range b {
		out = binary.LittleEndian.AppendUint64(out, w)
	}
	return string(out)
}

func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// first returns the lowest member, or -1.
func (b bitset) first() int {
	for i, w := range b {
		if w != 0 {
			return i*64 + bits.TrailingZeros64(w)
		}
	}
	return -1
}

// subsetOf reports whether b ⊆ other.
func (b bitset) subsetOf(other bitset) bool {
	for i, w := range b {
		if w&^other[i] != 0 {
			return false
		}
	}
	return true
}

func (b bitset) minus(other bitset) {
	for i := range b {
		b[i] &^= other[i]
	}
}

// dpart is a received part as the decoder sees it: the XOR of the fragments
// in idx.
type dpart struct {
	idx  bitset
	n    int // len(idx)
	data []byte
}

// fountainDecoder rebuilds a message from fountain parts with bc-ur's
// reduction strategy: simple parts (one fragment) are kept; mixed parts are
// reduced by every simple part and by every mixed part whose set is a proper
// subset of theirs, until they become simple.
type fountainDecoder struct {
	seqLen     int
	fragLen    int
	messageLen int
	checksum   uint32
	ch         chooser

	frags map[int][]byte // recovered fragments: memory grows with the parts held, not with seqLen
	have  int
	mixed map[string]*dpart
	queue []*dpart

	result []byte
	failed bool
}

func newFountainDecoder(p *part) *fountainDecoder {
	return &fountainDecoder{
		seqLen:     p.seqLen,
		fragLen:    len(p.fragment),
		messageLen: p.messageLen,
		checksum:   p.checksum,
		ch:         chooser{seqLen: p.seqLen, checksum: p.checksum},
		frags:      make(map[int][]byte),
		mixed:      make(map[string]*dpart),
	}
}

func (d *fountainDecoder) complete() bool { return d.result != nil || d.failed }

// receive takes a part already checked to belong to this message.
func (d *fountainDecoder) receive(p *part) {
	if d.complete() {
		return
	}
	idx := newBitset(d.seqLen)
	for _, i := range d.ch.fragments(p.seqNum) {
		idx.set(i)
	}
	d.queue = append(d.queue, &dpart{idx: idx, n: idx.count(), data: append([]byte(nil), p.fragment...)})
	for len(d.queue) > 0 && !d.complete() {
		q := d.queue[0]
		d.queue = d.queue[1:]
		if q.n == 1 {
			d.processSimple(q)
		} else {
			d.processMixed(q)
		}
	}
	d.queue = nil
}

func (d *fountainDecoder) processSimple(q *dpart) {
	i := q.idx.first()
	if d.frags[i] != nil {
		return
	}
	d.frags[i] = q.data
	d.have++
	if d.have == d.seqLen {
		msg := make([]byte, 0, d.seqLen*d.fragLen)
		for k := range d.seqLen {
			msg = append(msg, d.frags[k]...)
		}
		msg = msg[:d.messageLen]
		if crc32IEEE(msg) == d.checksum {
			d.result = msg
		} else {
			d.failed = true
		}
		d.mixed = nil
		return
	}
	// Reduce every mixed part that contains fragment i.
	for k, m := range d.mixed {
		if !m.idx.has(i) {
			continue
		}
		delete(d.mixed, k)
		m.idx.clear(i)
		m.n--
		xorInto(m.data, q.data)
		d.settle(m)
	}
}

// settle puts a reduced mixed part back: queued if simple, kept otherwise.
func (d *fountainDecoder) settle(m *dpart) {
	switch {
	case m.n == 1:
		d.queue = append(d.queue, m)
	case m.n > 1:
		k := m.idx.str()
		if _, dup := d.mixed[k]; !dup {
			d.mixed[k] = m
		}
	}
}

func (d *fountainDecoder) processMixed(q *dpart) {
	if _, dup := d.mixed[q.idx.str()]; dup {
		return
	}
	// Reduce by the known fragments.
	for w, word := range q.idx {
		for word != 0 {
			b := bits.TrailingZeros64(word)
			word &^= 1 << uint(b)
			i := w*64 + b
			if f := d.frags[i]; f != nil {
				xorInto(q.data, f)
				q.idx.clear(i)
				q.n--
			}
		}
	}
	// Reduce by mixed parts that are proper subsets of it.
	for _, m := range d.mixed {
		if m.n < q.n && m.idx.subsetOf(q.idx) {
			q.idx.minus(m.idx)
			q.n -= m.n
			xorInto(q.data, m.data)
		}
	}
	switch {
	case q.n == 0:
		return
	case q.n == 1:
		d.queue = append(d.queue, q)
		return
	}
	// Reduce the mixed parts of which it is a proper subset.
	for k, m := range d.mixed {
		if q.n < m.n && q.idx.subsetOf(m.idx) {
			delete(d.mixed, k)
			m.idx.minus(q.idx)
			m.n -= q.n
			xorInto(m.data, q.data)
			d.settle(m)
		}
	}
	d.settle(q)
}

// missing returns the 0-based indexes of fragments not yet recovered.
func (d *fountainDecoder) missing() []int { return d.missingFirst(d.seqLen) }

// missingFirst returns the 0-based indexes of at most n fragments not yet
// recovered.
func (d *fountainDecoder) missingFirst(n int) []int {
	var out []int
	for i := 0; i < d.seqLen && len(out) < n; i++ {
		if d.frags[i] == nil {
			out = append(out, i)
		}
	}
	return out
}
