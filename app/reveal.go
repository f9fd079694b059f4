package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
)

// reveal scrolls the current screen so that o (a result just shown) is in
// view: answers land next to what produced them, not out of sight.
func (ui *UI) reveal(o fyne.CanvasObject) {
	scroll, ok := ui.current.content.(*container.Scroll)
	if !ok || o == nil || !o.Visible() {
		return
	}
	ui.reveals++
	layoutNow(scroll)
	top := ui.topIn(scroll, o)
	view := scroll.Size().Height
	bottom := top + o.MinSize().Height
	off := scroll.Offset.Y
	if bottom > off+view {
		off = bottom - view + 20 // bring its end into view…
	}
	if top < off {
		off = top - 20 // …but never past its beginning
	}
	off = min(off, scroll.Content.MinSize().Height-view)
	scroll.Offset.Y = max(off, 0)
	scroll.Refresh()
}

// inView reports whether o is within the visible part of the current
// screen (tests).
func (ui *UI) inView(o fyne.CanvasObject) bool {
	scroll, ok := ui.current.content.(*container.Scroll)
	if !ok {
		return true
	}
	layoutNow(scroll)
	top := ui.topIn(scroll, o)
	return top >= scroll.Offset.Y && top+min(o.Size().Height, 40) <= scroll.Offset.Y+scroll.Size().Height
}

// layoutNow lays the screen out at once (Fyne would on the next frame), so
// that positions are those the user is about to see.
// Twice: a wrapped text's height depends on the width the first pass
// gave it, and a text laid out with its old height overlaps the next one
// (seen after a refusal).
func layoutNow(scroll *container.Scroll) {
	for range 2 {
		sz := scroll.Size()
		scroll.Content.Resize(fyne.NewSize(max(sz.Width, scroll.Content.MinSize().Width), max(scroll.Content.MinSize().Height, sz.Height)))
	}
}

// topIn is where o begins in the scrolled content, found by walking down
// the containers from it. Fyne's driver only knows the objects it has
// already drawn: an object shown a moment ago (the call's terms, opened
// under the fold) would be "at 0", and the screen scroll to the top
// instead. The driver is asked only for an object inside a widget.
func (ui *UI) topIn(scroll *container.Scroll, o fyne.CanvasObject) float32 {
	if p, ok := positionIn(scroll.Content, o); ok {
		return p.Y
	}
	d := ui.app.Driver()
	return d.AbsolutePositionForObject(o).Y - d.AbsolutePositionForObject(scroll.Content).Y
}

// positionIn is o's position relative to root, if root's containers hold it.
func positionIn(root, o fyne.CanvasObject) (fyne.Position, bool) {
	if root == o {
		return fyne.Position{}, true
	}
	c, ok := root.(*fyne.Container)
	if !ok {
		return fyne.Position{}, false
	}
	for _, k := range c.Objects {
		if p, ok := positionIn(k, o); ok {
			return k.Position().Add(p), true
		}
	}
	return fyne.Position{}, false
}
