package app

import (
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestNetworkBannerIgnoresBridges: the machine's own virtual bridges
// (containers, virtual machines) do not raise the warning; a real
// interface does, and a cable plugged in later shows without any screen
// change.
func TestNetworkBannerIgnoresBridges(t *testing.T) {
	var mu sync.Mutex
	ifs := []string{"docker0", "virbr0", "veth1a2b", "br-0123abcd"}
	list := func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), ifs...) }
	ui := New(test.NewTempApp(t), Options{Interfaces: list, ConfigDir: t.TempDir(), NetworkEvery: 20 * time.Millisecond})
	ui.win.Show()
	if w := ui.NetworkWarning(); w != "" {
		t.Fatalf("a warning for virtual bridges: %q", w)
	}
	mu.Lock()
	ifs = append(ifs, "enp3s0")
	mu.Unlock()
	deadline := time.Now().Add(5 * time.Second)
	for ui.NetworkWarning() == "" && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if w := ui.NetworkWarning(); !strings.Contains(w, "enp3s0") || strings.Contains(w, "docker0") {
		t.Fatalf("after plugging a cable: %q", w)
	}
	ui.win.Close()
}

// TestCompactHeader: at 1024×600, with the network warning shown, the
// header (warning, Back, Home, title) leaves the screen to the screen.
func TestCompactHeader(t *testing.T) {
	ui := New(test.NewTempApp(t), Options{Interfaces: func() []string { return []string{"wlp2s0"} }, ConfigDir: t.TempDir()})
	ui.win.Resize(fyne.NewSize(1024, 600))
	ui.win.Show()
	test.Tap(ui.home.buttons["Join a ceremony"])
	h := ui.header.Size().Height
	if h == 0 {
		h = ui.header.MinSize().Height
	}
	if share := h / 600; share > 0.17 {
		t.Fatalf("the header takes %.0f%% of a 1024×600 screen (%.0f px)", share*100, h)
	}
	t.Logf("header: %.0f px, %.0f%% of 600", h, h/6)
}
