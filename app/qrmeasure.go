package app

import (
	"os"

	"fyne.io/fyne/v2"
)

// measureQREnv names a file that the application shows at once in its QR
// window, at the QR settings saved in the preferences. It exists for
// scripts/qr-window-fps.sh, which counts the distinct frames the real window
// presents under Xvfb (docs/performance.md, "QR transfer"); the file is
// shown as it would be by "Show as QR codes", nothing more.
const measureQREnv = "CONCLAVE_QR_MEASURE"

// measureQR opens the QR window on the file named by CONCLAVE_QR_MEASURE
// once the application runs.
func (ui *UI) measureQR() {
	path := os.Getenv(measureQREnv)
	if path == "" {
		return
	}
	data, err := os.ReadFile(path)
	if err != nil || len(data) == 0 {
		return
	}
	ui.app.Lifecycle().SetOnStarted(func() {
		fyne.Do(func() { ui.showQR("measure", data) })
	})
}
