package office

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"conclave/ceremony"
	"conclave/keystore"
)

func TestDangers(t *testing.T) {
	now := time.Unix(1800000000, 0)
	later := now.Add(48 * time.Hour)
	for _, c := range []struct {
		n, t  uint64
		close time.Time
		want  []Danger
	}{
		{5, 3, later, nil},
		{5, 1, later, []Danger{DangerOneDecrypts}},
		{5, 5, later, []Danger{DangerNoSpare}},
		{1, 1, later, []Danger{DangerNoSpare}},
		{5, 3, now, []Danger{DangerClosePast}},
		{5, 3, now.Add(-time.Minute), []Danger{DangerClosePast}},
		{5, 3, now.Add(59 * time.Minute), []Danger{DangerCloseSoon}},
		{5, 3, now.Add(61 * time.Minute), nil},
		{3, 1, now.Add(-time.Hour), []Danger{DangerOneDecrypts, DangerClosePast}},
	} {
		if got := Dangers(c.n, c.t, c.close, now); !slices.Equal(got, c.want) {
			t.Errorf("n=%d t=%d close %v: %v, want %v", c.n, c.t, c.close.Sub(now), got, c.want)
		}
	}
}

// TestTermsConfirmedBeforeCommitting is issue 9 §2: a member commits to a
// call (enrols) or a manifest (deals) only after the software showed its
// terms and the member confirmed them; dangers need an explicit
// acknowledgement; a manifest other than the one confirmed is refused.
func TestTermsConfirmedBeforeCommitting(t *testing.T) {
	dir := t.TempDir()
	closeAt := time.Now().Add(30 * 24 * time.Hour)
	b, err := CreateBoard(filepath.Join(dir, "board"), "Conseil", 2, 1, false, closeAt)
	if err != nil {
		t.Fatal(err)
	}
	call, _ := b.Next(false)
	terms, err := ReadTerms(call, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if terms.Title != "Conseil" || terms.Members != 2 || terms.Threshold != 1 || terms.Close.Unix() != closeAt.Unix() ||
		terms.ID != b.State.CallID || !slices.Equal(terms.Dangers, []Danger{DangerOneDecrypts}) {
		t.Fatalf("terms of the call: %+v", terms)
	}
	if _, err := terms.Accept(false); !errors.Is(err, ErrDangerNotAcknowledged) {
		t.Fatalf("t = 1 accepted without acknowledgement: %v", err)
	}
	pass := func(i int) keystore.Passphrase {
		return keystore.NewPassphrase([]byte(fmt.Sprintf("walnut quarry ribbon %d tundra", i)))
	}
	if _, _, err := Enrol(filepath.Join(dir, "x.key"), pass(9), "X", call, Acceptance{}, keystore.MinKDF); !errors.Is(err, ErrNotConfirmed) {
		t.Fatalf("enrolment without confirmation: %v", err)
	}
	// An acceptance of another call does not do either.
	other, _ := CreateBoard(filepath.Join(dir, "other"), "Conseil", 2, 1, false, closeAt)
	otherCall, _ := other.Next(false)
	if _, _, err := Enrol(filepath.Join(dir, "x.key"), pass(9), "X", call, accept(t, otherCall), keystore.MinKDF); !errors.Is(err, ErrNotConfirmed) {
		t.Fatalf("enrolment with another call's confirmation: %v", err)
	}
	var ms []*Member
	for i, name := range []string{"Alice", "Bruno"} {
		m, card, err := Enrol(filepath.Join(dir, name+".key"), pass(i), name, call, accept(t, call), keystore.MinKDF)
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		b.Add(card.Bytes())
		ms = append(ms, m)
	}
	manifest, err := b.Next(false)
	if err != nil || manifest.Kind != ceremony.KindManifest {
		t.Fatal(manifest, err)
	}
	mt, err := ReadTerms(manifest, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(mt.List) != 2 || mt.ID != b.State.ID || mt.List[0].Card.IsZero() {
		t.Fatalf("terms of the manifest: %+v", mt)
	}
	// The attack: the member is handed the manifest and deals at once.
	if _, err := ms[0].Step(manifest); !errors.Is(err, ErrNotConfirmed) {
		t.Fatalf("a deal without confirming the manifest: %v", err)
	}
	// A member who confirmed another manifest (the one shown) does not deal
	// for this one.
	if err := ms[1].Confirm(accept(t, call)); !errors.Is(err, ErrNotConfirmed) {
		t.Fatalf("a call's acceptance taken as a manifest's: %v", err)
	}
	shown := *mt
	shown.ID[0] ^= 1
	acc, _ := shown.Accept(true)
	if err := ms[1].Confirm(acc); err != nil {
		t.Fatal(err)
	}
	if _, err := ms[1].Step(manifest); !errors.Is(err, ErrNotConfirmed) {
		t.Fatalf("a deal for a manifest other than the one confirmed: %v", err)
	}
	for _, m := range ms {
		if err := m.Confirm(accept(t, manifest)); err != nil {
			t.Fatal(err)
		}
		out, err := m.Step(manifest)
		if err != nil || out.Out == nil || out.Out.Kind != ceremony.KindDeal {
			t.Fatalf("deal after confirmation: %v %v", out, err)
		}
	}
}

// TestConfirmAfterDealKeepsTheManifest: once a member has dealt under the
// manifest it confirmed, confirming another one (a second manifest the
// coordinator hands round, with the member's card in it) must not replace
// what the keystore holds as confirmed: it binds the member to nothing, and
// the keystore would then refuse its own ceremony's manifest.
func TestConfirmAfterDealKeepsTheManifest(t *testing.T) {
	dir := t.TempDir()
	b, err := CreateBoard(filepath.Join(dir, "board"), "Conseil", 2, 2, false, time.Now().Add(30*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	call, _ := b.Next(false)
	var ms []*Member
	for i, name := range []string{"Alice", "Bruno"} {
		m, card, err := Enrol(filepath.Join(dir, name+".key"), keystore.NewPassphrase([]byte(fmt.Sprintf("walnut quarry ribbon %d tundra", i))), name, call, accept(t, call), keystore.MinKDF)
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		b.Add(card.Bytes())
		ms = append(ms, m)
	}
	manifest, err := b.Next(false)
	if err != nil {
		t.Fatal(err)
	}
	m := ms[0]
	if err := m.Confirm(accept(t, manifest)); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Step(manifest); err != nil {
		t.Fatal(err)
	}
	mt, _ := ReadTerms(manifest, time.Now())
	other := *mt
	other.ID[0] ^= 1
	acc, _ := other.Accept(true)
	if err := m.Confirm(acc); !errors.Is(err, ErrNotConfirmed) {
		t.Fatalf("after dealing, another manifest was confirmed: %v", err)
	}
	if out, err := m.Step(manifest); err != nil || out.Out == nil {
		t.Fatalf("the member's own manifest after a refused confirmation: %v", err)
	}
}
