package app

import (
	"context"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"conclave/app/minutes"
	"conclave/app/office"
)

// minutesBox prints the minutes of the board's ceremony (and of its count,
// once there is one) to a PDF file, in the application's language
// (app/minutes, docs/user-guide.md "The minutes").
type minutesBox struct {
	box   *fyne.Container
	path  *pathField
	print *widget.Button
	state *checkList
}

func (ui *UI) newMinutesBox(board func() *office.Board, suggested string) *minutesBox {
	m := &minutesBox{path: ui.newPathField(lang.L("PDF file to write, e.g. on a USB stick for the printer"), false, true), state: newCheckList()}
	m.print = widget.NewButtonWithIcon(lang.L("Print the minutes"), theme.DocumentPrintIcon(), func() {
		m.state.clear()
		b := board()
		if b == nil {
			m.state.add(false, lang.L("open a board first"))
			return
		}
		if b.State.Manifest() == nil {
			m.state.add(false, lang.L("the minutes can be printed once the members are known: hand out the manifest first"))
			return
		}
		path := m.path.path()
		if path == "" {
			path = filepath.Join(filepath.Dir(filepath.Clean(b.Dir)), suggested)
			m.path.entry.SetText(path)
		}
		if _, err := os.Lstat(path); err == nil {
			m.state.add(false, lang.L("{{.Path}} already exists: choose another file name (minutes already printed are never replaced)", map[string]any{"Path": path}))
			return
		}
		l := "en"
		if french() {
			l = "fr"
		}
		ui.run(lang.L("Preparing the minutes…"), func(ctx context.Context) error {
			pdf, err := minutes.Render(b, minutes.Options{Lang: l})
			if err != nil {
				return err
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return office.WriteFileAtomic(path, pdf)
		}, func(err error) {
			if err != nil {
				m.state.fail(err)
				return
			}
			m.state.add(true, lang.L("Minutes saved to {{.Path}}: print them; every member compares the fingerprints with their own screen, then signs.", map[string]any{"Path": path}))
		})
	})
	m.box = container.NewVBox(bold(lang.L("The minutes")), m.path.box, m.print, m.state.box)
	return m
}
