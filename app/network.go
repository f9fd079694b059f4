package app

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
)

// virtualPrefixes name the interfaces a machine makes for its own
// containers and virtual machines (docker0, virbr0, veth…, br-…): they
// lead nowhere outside, so they do not make the machine connected.
var virtualPrefixes = []string{"docker", "virbr", "veth", "br-", "vnet", "lxcbr", "lxdbr", "podman", "cni", "flannel", "vboxnet", "vmnet"}

// outward keeps the interfaces that can reach another machine.
func outward(names []string) []string {
	var out []string
	for _, n := range names {
		virtual := false
		for _, p := range virtualPrefixes {
			if strings.HasPrefix(n, p) {
				virtual = true
				break
			}
		}
		if !virtual {
			out = append(out, n)
		}
	}
	return out
}

// watchNetwork refreshes the network warning every few seconds, not only
// when the screen changes: a cable plugged in during the ceremony shows at
// once. It stops when the window closes.
func (ui *UI) watchNetwork() {
	every := ui.opts.NetworkEvery
	if every <= 0 {
		every = 3 * time.Second
	}
	stop := make(chan struct{})
	ui.win.SetOnClosed(func() { close(stop) })
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				fyne.Do(ui.checkNetwork)
			}
		}
	}()
}
