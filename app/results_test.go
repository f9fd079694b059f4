package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func tableText(s *boardScreen) string {
	var out []string
	for _, o := range collect(s.table) {
		if l, ok := o.(*widget.Label); ok {
			out = append(out, l.Text)
		}
	}
	return strings.Join(out, " | ")
}

// TestResultsInView: the board says "not yet" for steps to come; a member
// who handed in waits for the coordinator; the count ends on a large
// panel with the option names, counts and total, scrolled into view.
func TestResultsInView(t *testing.T) {
	work := t.TempDir()
	coord := newTestUI(t)
	coord.win.Resize(fyne.NewSize(1024, 600))
	test.Tap(coord.home.buttons["Start a ceremony"])
	s := coord.board
	typeInto(s.dir.entry, filepath.Join(work, "board"))
	typeInto(s.title, "Vue")
	typeInto(s.members, "2")
	typeInto(s.threshold, "2")
	typeInto(s.closeAt, "2020-01-01 10:00")
	test.Tap(s.understand) // a test ceremony: closed already, every member needed
	tap(coord, s.create)
	var members []*testMember
	for i, name := range []string{"Alice", "Bruno"} {
		m := &testMember{ui: newTestUI(t), name: name, keystore: filepath.Join(work, fmt.Sprint("key-", i), "conclave.key"), pass: fmt.Sprintf("velvet harbor %d quartz meadow lantern", 7000+i)}
		os.MkdirAll(filepath.Dir(m.keystore), 0o700)
		test.Tap(m.ui.home.buttons["Join a ceremony"])
		typeInto(m.ui.member.ks.path.entry, m.keystore)
		typeInto(m.ui.member.name, name)
		typeInto(m.ui.member.ks.pass, m.pass)
		typeInto(m.ui.member.confirm, m.pass)
		members = append(members, m)
	}
	coordinatorRound(t, coord, members, work, 0)
	if st := members[0].ui.member.steps.Text(); !strings.Contains(st, "waiting for the coordinator") {
		t.Fatalf("after handing in, the member's steps say: %s", st)
	}
	coordinatorRound(t, coord, members, work, 1)
	if txt := tableText(s); !strings.Contains(txt, "not yet") || strings.Contains(txt, "missing") {
		t.Fatalf("the board's table: %s", txt)
	}
	if !coord.inView(s.in.result.box) {
		t.Fatal("the arrivals are out of view")
	}
	for round := 2; round < 6 && !s.b.State.Complete(); round++ {
		coordinatorRound(t, coord, members, work, round)
	}
	request := prepareRequest(t, coord, work, []uint64{1, 2, 2}, 2)
	if !coord.inView(s.reqOut.box) {
		t.Fatal("the request to hand out is out of view")
	}
	answers := filepath.Join(work, "answers")
	os.MkdirAll(answers, 0o755)
	for i, m := range members {
		test.Tap(m.ui.home.buttons["Decrypt"])
		ds := m.ui.decrypt
		bring(t, m.ui, ds.in, request)
		test.Tap(ds.agree)
		typeInto(ds.ks.path.entry, m.keystore)
		typeInto(ds.ks.pass, m.pass)
		tap(m.ui, ds.decrypt)
		save(t, m.ui, ds.out, filepath.Join(answers, fmt.Sprint("answer-", i, ".cbor")))
	}
	// The coordinator's own request, in the same folder, is skipped, not refused.
	os.WriteFile(filepath.Join(answers, "request.cbor"), mustRead(t, request), 0o644)
	res := bring(t, coord, s.answersIn, answers)
	if strings.Contains(res, "REFUSED") || !strings.Contains(res, "skipped") {
		t.Fatalf("answers: %s", res)
	}
	typeInto(s.names, "Oui, Non")
	tap(coord, s.tally)
	got := s.panel.Text()
	for _, want := range []string{"Oui: 1", "Non: 2", "Total: 3"} {
		if !strings.Contains(got, want) {
			t.Fatalf("the result panel shows\n%s\nwant %q", got, want)
		}
	}
	if !coord.inView(s.panel.box) {
		t.Fatal("the result is out of view")
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
