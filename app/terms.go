package app

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"conclave/app/office"
	"conclave/ceremony"
)

// dangerText says what a dangerous setting means, in the member's language.
func dangerText(d office.Danger) string {
	switch d {
	case office.DangerOneDecrypts:
		return lang.L("The threshold is 1: any one member can decrypt every ballot alone, with no one else.")
	case office.DangerNoSpare:
		return lang.L("The threshold equals the number of members: if one stick is lost or one passphrase forgotten, nothing can ever be counted.")
	case office.DangerClosePast:
		return lang.L("The close of poll is already past: the members' software will decrypt whatever it is asked, at any time.")
	case office.DangerCloseSoon:
		return lang.L("The close of poll is less than an hour away: check that it is the real close of poll.")
	}
	return d.Explain()
}

// closeText writes a close of poll in the member's language and time zone,
// and in UTC.
func closeText(t time.Time) string {
	return lang.L("{{.Local}}, that is {{.UTC}} UTC", map[string]any{
		"Local": localTime(t), "UTC": t.UTC().Format(dateLayout())})
}

// termsText says in words what a call or manifest binds the member to.
func termsText(t *office.Terms) string {
	var b strings.Builder
	b.WriteString(lang.L("Title: {{.Title}}", map[string]any{"Title": t.Title}) + "\n")
	b.WriteString(lang.L("Threshold: {{.T}} of {{.N}}: any {{.T}} members together can decrypt; fewer cannot.", map[string]any{"T": t.Threshold, "N": t.Members}) + "\n")
	b.WriteString(lang.L("Close of poll: {{.Close}}; nothing can be decrypted before it.", map[string]any{"Close": closeText(t.Close)}))
	if len(t.List) > 0 {
		b.WriteString("\n" + lang.L("Members (check each name and registration fingerprint against the minutes; yours is among them):"))
		for _, m := range t.List {
			b.WriteString(fmt.Sprintf("\n  %d. %s — %s", m.Index, m.Name, m.Card.Fingerprint()))
		}
	}
	return b.String()
}

// termsPanel shows the terms of a call or manifest and asks the member to
// confirm them (and to acknowledge the dangers) before anything is made.
type termsPanel struct {
	box        *fyne.Container
	heading    *widget.Label
	text       *widget.Label
	dangers    *widget.Label
	understand *widget.Check
	// understandRow is the check box with its wrapped text
	understandRow *fyne.Container
	accept        *widget.Button
	terms         *office.Terms
	onAccept      func(office.Acceptance)
}

func newTermsPanel(onAccept func(office.Acceptance)) *termsPanel {
	p := &termsPanel{heading: bold(""), text: wrapped(""), dangers: wrapped(""), onAccept: onAccept}
	p.dangers.Importance = widget.DangerImportance
	p.understand = widget.NewCheck(lang.L("I understand these dangers, and the office decided these settings knowingly"), func(on bool) {
		if on {
			p.accept.Enable()
		} else {
			p.accept.Disable()
		}
	})
	p.understandRow = wrapCheck(p.understand)
	p.accept = widget.NewButtonWithIcon(lang.L("This is what the office decided: go on"), theme.ConfirmIcon(), p.doAccept)
	p.box = container.NewVBox(widget.NewSeparator(), p.heading, p.text, p.dangers, p.understandRow, p.accept)
	p.box.Hide()
	return p
}

func (p *termsPanel) show(t *office.Terms) {
	p.terms = t
	if t.Kind == ceremony.KindManifest {
		p.heading.SetText(lang.L("What the manifest binds you to (ceremony {{.FP}}): read it before you deal", map[string]any{"FP": t.ID.Fingerprint()}))
	} else {
		p.heading.SetText(lang.L("What the call binds you to (call {{.FP}}): read it before you enrol", map[string]any{"FP": t.ID.Fingerprint()}))
	}
	p.text.SetText(termsText(t))
	var ds []string
	for _, d := range t.Dangers {
		ds = append(ds, lang.L("DANGER:")+" "+dangerText(d))
	}
	p.dangers.SetText(strings.Join(ds, "\n"))
	p.understand.SetChecked(false)
	if len(ds) > 0 {
		p.dangers.Show()
		p.understandRow.Show()
		p.accept.Disable()
	} else {
		p.dangers.Hide()
		p.understandRow.Hide()
		p.accept.Enable()
	}
	p.box.Show()
}

func (p *termsPanel) hide() { p.box.Hide(); p.terms = nil }

func (p *termsPanel) doAccept() {
	if p.terms == nil {
		return
	}
	acc, err := p.terms.Accept(p.understand.Checked)
	if err != nil {
		p.dangers.SetText(explain(err))
		return
	}
	p.hide()
	p.onAccept(acc)
}

// historyText describes a keystore's log of answered requests.
func historyText(log []ceremony.AnsweredRequest) string {
	if len(log) == 0 {
		return lang.L("Your keystore has answered no decryption request yet.")
	}
	lines := []string{lang.N("You already answered {{.N}} request(s) for this ceremony:", len(log), map[string]any{"N": len(log)})}
	for _, a := range log {
		what := lang.N("{{.N}} single ballots", int(a.Count), map[string]any{"N": a.Count})
		if a.Kind == ceremony.RequestTally {
			what = lang.N("a tally of {{.N}} ballots", int(a.Ballots), map[string]any{"N": a.Ballots})
		}
		lines = append(lines, "  "+lang.L("{{.Date}}: “{{.Label}}”, {{.What}}, request {{.Request}}, ciphertexts {{.CT}}", map[string]any{
			"Date": time.Unix(a.At, 0).Local().Format(lang.L("Mon 2006-01-02 15:04 MST")), "Label": a.Label, "What": what,
			"Request": a.RequestID().Fingerprint(), "CT": a.CiphertextsID().Fingerprint()}))
	}
	return strings.Join(lines, "\n")
}
