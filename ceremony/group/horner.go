package group

import "math/bits"

// VarTimeHorner sets e = Σ_k x^k·points[k] and returns e: a committed
// polynomial evaluated at a small public integer x, such as a member index
// (docs/protocol.md §6.2, §6.6). It runs Horner's rule in extended
// coordinates, multiplying by x with dedicated doublings and additions.
//
// Its execution time depends on all its inputs: use it only with public
// values.
func (e *Element) VarTimeHorner(points []*Element, x uint64) *Element {
	var acc extPoint
	acc.identity()
	var c cachedPoint
	for k := len(points) - 1; k >= 0; k-- {
		if k < len(points)-1 {
			acc.mulSmall(x)
		}
		X, Y, Z, T := points[k].p.ExtendedCoordinates()
		c.from(&extPoint{*X, *Y, *Z, *T})
		acc.add(&c, false, false)
	}
	if _, err := e.p.SetExtendedCoordinates(&acc.X, &acc.Y, &acc.Z, &acc.T); err != nil {
		panic("group: internal error: Horner's rule left the curve")
	}
	return e
}

// mulSmall sets p = x·p by double-and-add.
func (p *extPoint) mulSmall(x uint64) {
	if x == 0 {
		p.identity()
		return
	}
	var base cachedPoint
	base.from(p)
	for b := bits.Len64(x) - 2; b >= 0; b-- {
		p.double()
		if x>>uint(b)&1 == 1 {
			p.add(&base, false, false)
		}
	}
}
