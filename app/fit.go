package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Every screen fits a 1024×600 screen, in English and in French
// (TestScreensFit1024x600): long texts wrap rather than widen the window.

// defaultWindowSize is the window's size at start: it fits the smallest
// screen Conclave supports (a 1024×600 netbook or projector, with a title
// bar and a panel); Fyne does not tell the screen's size, and the window
// can be enlarged or maximised.
var defaultWindowSize = fyne.NewSize(1000, 540)

// checkLabel is a check box's text as a wrapped label: tapping it ticks
// the box, as tapping a check box's own text does.
type checkLabel struct {
	widget.Label
	check *widget.Check
}

func newCheckLabel(c *widget.Check) *checkLabel {
	l := &checkLabel{check: c}
	l.Text = c.Text
	l.Wrapping = fyne.TextWrapWord
	l.ExtendBaseWidget(l)
	return l
}

func (l *checkLabel) Tapped(*fyne.PointEvent) {
	if !l.check.Disabled() {
		l.check.SetChecked(!l.check.Checked)
	}
}

// wrapCheck shows a check box whose text wraps: the box on the left, its
// text as a wrapped label beside it. A check box's own text never wraps,
// and a long sentence (more so in French) would set the window's width.
// Hide and show the returned row, not the check box.
func wrapCheck(c *widget.Check) *fyne.Container {
	l := newCheckLabel(c)
	c.Text = ""
	// The box at the top, beside the first line of its text.
	return container.NewBorder(nil, nil, container.NewVBox(c), nil, l)
}

// flowLayout places its objects in rows, left to right, wrapping onto a
// new row where the width ends (the steps of a screen). Unlike Fyne's
// RowWrapLayout, whose minimum width is the width it was last laid out
// at (so a window once wide can no longer be narrowed), its minimum width
// is that of its widest object; its minimum height is that of the rows at
// the last width it was given.
type flowLayout struct {
	pad   float32
	width float32 // the last width laid out at; 0 before the first layout
}

func newFlowLayout() *flowLayout { return &flowLayout{pad: theme.Padding()} }

// place lays the objects out in width (only measures if move is false)
// and returns the height they take.
func (l *flowLayout) place(objects []fyne.CanvasObject, width float32, move bool) float32 {
	var rowH, x, y float32
	first := true
	for _, o := range objects {
		if !o.Visible() {
			continue
		}
		s := o.MinSize()
		if !first && x+s.Width > width {
			y += rowH + l.pad
			x, rowH = 0, 0
		}
		if move {
			o.Resize(s)
			o.Move(fyne.NewPos(x, y))
		}
		x += s.Width + l.pad
		rowH = max(rowH, s.Height)
		first = false
	}
	return y + rowH
}

func (l *flowLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var w float32
	for _, o := range objects {
		if o.Visible() {
			w = max(w, o.MinSize().Width)
		}
	}
	return fyne.NewSize(w, l.place(objects, max(l.width, w), false))
}

func (l *flowLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	l.width = size.Width
	l.place(objects, size.Width, true)
}

// details is a "Details" toggle over a wrapped text: the technical words
// a member does not need, kept for whoever does (the administrator).
func details(text string) *fyne.Container {
	l := wrapped(text)
	l.TextStyle.Italic = true
	l.Hide()
	toggle := widget.NewCheck(lang.L("Details"), func(on bool) {
		if on {
			l.Show()
		} else {
			l.Hide()
		}
	})
	return container.NewVBox(toggle, l)
}

// verdict is "OK: text" or "REFUSED: text", with the colon of the
// language (French puts a space before it).
func verdict(word, text string) string {
	return lang.L("{{.Word}}: {{.Text}}", map[string]any{"Word": word, "Text": text})
}
