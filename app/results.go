package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// resultPanel is the result of the count, the high point of the day:
// large, with the option names when the coordinator gives them, each
// count with its share, and the total.
type resultPanel struct {
	box   *fyne.Container
	title *widget.Label
	rows  *fyne.Container
	total *widget.Label
	// lines is the panel as text (tests, and the record of what was shown).
	lines []string
}

func newResultPanel() *resultPanel {
	r := &resultPanel{title: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), total: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})}
	r.title.SizeName = theme.SizeNameHeadingText
	r.total.SizeName = theme.SizeNameSubHeadingText
	r.rows = container.NewGridWithColumns(3)
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.StrokeColor = theme.Color(theme.ColorNameSuccess)
	bg.StrokeWidth = 3
	bg.CornerRadius = 8
	r.box = container.NewStack(bg, container.NewPadded(container.NewVBox(r.title, r.rows, widget.NewSeparator(), r.total)))
	r.box.Hide()
	return r
}

// optionNames reads the names typed by the coordinator: one per line, or
// separated by commas or semicolons.
func optionNames(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == ',' || r == ';' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// set shows the counts; names, when there are as many as options, name
// them (otherwise "Option 1", "Option 2"…).
func (r *resultPanel) set(label string, counts []uint64, names []string) {
	r.title.SetText(lang.L("Result: {{.Label}}", map[string]any{"Label": label}))
	r.rows.Objects = nil
	r.lines = []string{r.title.Text}
	var total uint64
	for _, c := range counts {
		total += c
	}
	for k, c := range counts {
		name := lang.L("Option {{.N}}", map[string]any{"N": k + 1})
		if len(names) == len(counts) {
			name = names[k]
		}
		share := ""
		if total > 0 {
			share = fmt.Sprintf("%.1f %%", float64(c)*100/float64(total))
		}
		n := widget.NewLabelWithStyle(fmt.Sprint(c), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true, Monospace: true})
		n.SizeName = theme.SizeNameHeadingText
		nl := widget.NewLabel(name)
		nl.SizeName = theme.SizeNameSubHeadingText
		r.rows.Add(nl)
		r.rows.Add(n)
		r.rows.Add(widget.NewLabel(share))
		r.lines = append(r.lines, fmt.Sprintf("%s: %d", name, c))
	}
	r.total.SetText(lang.L("Total: {{.N}}", map[string]any{"N": total}))
	r.lines = append(r.lines, r.total.Text)
	r.rows.Refresh()
	r.box.Show()
}

// Text returns the panel as text.
func (r *resultPanel) Text() string { return strings.Join(r.lines, "\n") }
