package app

import (
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"conclave/app/transfer"
)

// Where files go. A member has two sticks: the key stick, which holds the
// keystore and never leaves them, and the transfer stick, which carries
// messages to and from the coordinator's computer. Hand-outs are saved to
// the transfer folder last used (remembered in the preferences), never
// next to the keystore and never to a relative path (which would land
// wherever the program was started).

const prefTransferDir = "transfer.dir"

// transferDir is the folder last saved to, if it still exists.
func (ui *UI) transferDir() string {
	d := ui.app.Preferences().String(prefTransferDir)
	if d != "" && isDir(d) {
		return d
	}
	return ""
}

func (ui *UI) rememberTransferDir(dir string) {
	ui.app.Preferences().SetString(prefTransferDir, dir)
}

// sameStick reports whether a and b are in the same folder, or on the same
// removable drive.
func sameStick(a, b string) bool {
	a, b = filepath.Clean(a), filepath.Clean(b)
	if filepath.Dir(a) == filepath.Dir(b) {
		return true
	}
	for _, d := range transfer.RemovableDrives() {
		in := func(p string) bool {
			rel, err := filepath.Rel(d.MountPoint, p)
			return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
		}
		if in(a) && in(b) {
			return true
		}
	}
	return false
}

// placeNames translates the places of Fyne's file dialog, which Fyne 2.7
// leaves in English (dialog/file.go: "Home", "Computer", …) although it
// translates the rest of the dialog (lang/translations/base.fr.json, chosen
// by the locale PrepareLanguage sets).
func placeName(s string) string {
	switch s {
	case "Home":
		return lang.L("Home folder")
	case "Computer":
		return lang.L("Computer")
	case "Desktop":
		return lang.L("Desktop")
	case "Documents":
		return lang.L("Documents")
	case "Downloads":
		return lang.L("Downloads")
	case "Music":
		return lang.L("Music")
	case "Pictures":
		return lang.L("Pictures")
	case "Videos":
		return lang.L("Videos")
	case "Movies":
		return lang.L("Movies")
	case "App Files":
		return lang.L("App Files")
	}
	return s
}

// showFileDialog shows a Fyne file dialog with Escape to close it and its
// places in the interface's language.
func (ui *UI) showFileDialog(d *dialog.FileDialog) {
	d.Resize(fyne.NewSize(min(900, ui.win.Canvas().Size().Width-40), min(600, ui.win.Canvas().Size().Height-20)))
	ui.showDialog(d, nil)
	// Fyne's Save dialog puts the focus in its file-name field, whose
	// entry swallows Escape: the name is already filled in, so the
	// dialog opens with nothing focused and Escape closes it.
	ui.win.Canvas().Unfocus()
	if top := ui.win.Canvas().Overlays().Top(); top != nil {
		relabelPlaces(top)
	}
}

// relabelPlaces finds the places list of a file dialog (the leading side
// of its split) and translates each name as the list draws it.
func relabelPlaces(o fyne.CanvasObject) {
	switch v := o.(type) {
	case *widget.PopUp:
		relabelPlaces(v.Content)
	case *fyne.Container:
		for _, c := range v.Objects {
			relabelPlaces(c)
		}
	case *container.Split:
		if l, ok := v.Leading.(*widget.List); ok && l.UpdateItem != nil {
			orig := l.UpdateItem
			l.UpdateItem = func(id widget.ListItemID, item fyne.CanvasObject) {
				orig(id, item)
				if c, ok := item.(*fyne.Container); ok && len(c.Objects) > 1 {
					if lb, ok := c.Objects[1].(*widget.Label); ok {
						lb.SetText(placeName(lb.Text))
					}
				}
			}
			l.Refresh()
		}
		relabelPlaces(v.Trailing)
	}
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}
