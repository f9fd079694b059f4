package app

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"conclave/app/cli"
	"conclave/app/office"
	"conclave/app/transfer/camera"
	"conclave/app/transfer/qr"
	"conclave/ceremony"
)

// homeScreen lists the roles.
type homeScreen struct {
	content fyne.CanvasObject
	buttons map[string]*widget.Button
}

func (ui *UI) newHomeScreen() *homeScreen {
	h := &homeScreen{buttons: map[string]*widget.Button{}}
	role := func(key string, icon fyne.Resource, who, what string, f func()) fyne.CanvasObject {
		b := widget.NewButtonWithIcon(lang.L(key), icon, f)
		b.Importance = widget.HighImportance
		h.buttons[key] = b
		return container.NewBorder(nil, nil, nil, nil, container.NewVBox(b, wrapped(lang.L(who)+" — "+lang.L(what))))
	}
	grid := container.NewGridWithColumns(2,
		role("Start a ceremony", theme.ContentAddIcon(), "coordinator", "open the ceremony's board, gather the members' messages, hand out each step", ui.openBoard),
		role("Join a ceremony", theme.AccountIcon(), "member", "sign up, share out, check the shares you receive, confirm", ui.openMember),
		role("Count", theme.ListIcon(), "coordinator", "after the close of poll: prepare the decryption request, gather the answers, publish the result", ui.openCount),
		role("Decrypt", theme.VisibilityIcon(), "member", "check the request, then decrypt your part of the result", ui.openDecrypt),
		role("Verify a record", theme.ConfirmIcon(), "anyone", "check every signature, proof and result of a ceremony", ui.openVerify),
		role("My key", theme.LoginIcon(), "member", "check that you still hold your part of the key, make a backup, change your passphrase", ui.openMyKey),
		role("Belenios trustee", theme.StorageIcon(), "member", "be a trustee of a Belenios election: make your key, make shares of it for the other trustees, check the shares you receive, then help decrypt the result", ui.openBelenios),
		role("Settings", theme.SettingsIcon(), "everyone", "language, QR codes, camera", ui.openSettings),
		role("About", theme.InfoIcon(), "everyone", "version and the fingerprint of this program", ui.openAbout),
	)
	h.content = container.NewVScroll(container.NewVBox(
		wrapped(lang.L("Conclave leads the members of an electoral office through the election key ceremony, keeps each member's part of the key sealed on their own USB stick, and at the count decrypts the result in a way anyone can verify. Choose your role.")),
		grid))
	return h
}

// verifyScreen checks a whole record.
type verifyScreen struct {
	content fyne.CanvasObject
	dir     *pathField
	verify  *widget.Button
	summary *widget.Label
	checks  *checkList
}

func (ui *UI) openVerify() {
	if ui.verifier == nil {
		s := &verifyScreen{dir: ui.newPathField(lang.L("the record folder (a board folder or a copy of it)"), true, false), checks: newDetailedCheckList(), summary: bold("")}
		s.verify = widget.NewButtonWithIcon(lang.L("Verify"), theme.ConfirmIcon(), func() {
			s.checks.clear()
			s.summary.SetText("")
			var rep *ceremony.Report
			var problems []office.Problem
			dir := s.dir.path()
			ui.run(lang.L("Verifying every signature and proof…"), func(ctx context.Context) error {
				files, ps, err := office.ReadRecord(dir)
				if err != nil {
					return err
				}
				problems = ps
				rep = ceremony.Verify(files)
				return nil
			}, func(err error) {
				if err != nil {
					s.checks.fail(err)
					return
				}
				failed := 0
				for _, c := range rep.Checks {
					s.checks.add(c.OK, say(c.Text))
					if !c.OK {
						failed++
					}
				}
				for _, p := range problems {
					s.checks.add(false, problemText(p))
					failed++
				}
				if failed == 0 && rep.OK() {
					s.summary.SetText(lang.L("The record verifies: {{.N}} checks passed.", map[string]any{"N": len(rep.Checks)}))
					s.summary.Importance = widget.SuccessImportance
				} else {
					s.summary.SetText(lang.N("The record does NOT verify: {{.F}} of {{.N}} checks failed.", failed, map[string]any{"F": failed, "N": len(rep.Checks) + len(problems)}))
					s.summary.Importance = widget.DangerImportance
				}
				s.summary.Refresh()
			})
		})
		s.dir.entry.OnSubmitted = func(string) { s.verify.OnTapped() }
		s.content = container.NewVScroll(container.NewVBox(
			wrapped(lang.L("Anyone can verify a ceremony from its record alone: every signature, proof, share commitment, disqualification, the election key and every result.")),
			s.dir.box, s.verify, s.summary, s.checks.box))
		ui.verifier = s
	}
	ui.showFocus(lang.L("Verify a record"), ui.verifier.content, ui.verifier.dir.entry)
}

// myKeyScreen: do I still hold my key; backup; passphrase change.
type myKeyScreen struct {
	content           fyne.CanvasObject
	ks                *keystoreFields
	record            *pathField
	check, backup     *widget.Button
	backupDir         *pathField
	newPass, newAgain *widget.Entry
	change            *widget.Button
	checks            *checkList
}

func (ui *UI) openMyKey() {
	if ui.mykey == nil {
		s := &myKeyScreen{ks: ui.newKeystoreFields(), checks: newCheckList(),
			record:    ui.newPathField(lang.L("optional: the public record folder to compare with"), true, false),
			backupDir: ui.newPathField(lang.L("a folder on a second USB stick"), true, false),
			newPass:   widget.NewPasswordEntry(), newAgain: widget.NewPasswordEntry()}
		open := func(f func(m *office.Member) (string, error)) {
			path := s.ks.path.path()
			pass := takePassphrase(s.ks.pass)
			s.checks.clear()
			var text string
			ui.run(lang.L("Unlocking your keystore…"), func(ctx context.Context) error {
				defer pass.Destroy()
				m, err := office.OpenMember(path, pass)
				if err != nil {
					return err
				}
				defer m.Close()
				if err := ctx.Err(); err != nil {
					return err
				}
				text, err = f(m)
				return err
			}, func(err error) {
				if err != nil {
					s.checks.fail(err)
				} else {
					s.checks.add(true, text)
				}
				ui.reveal(s.checks.box) // the answer, below the buttons
			})
		}
		s.check = widget.NewButtonWithIcon(lang.L("Do I still hold my key?"), theme.ConfirmIcon(), func() {
			rec := s.record.path()
			open(func(m *office.Member) (string, error) {
				t, err := m.Check(rec)
				return say(t), err
			})
		})
		s.backup = widget.NewButtonWithIcon(lang.L("Make a backup copy"), theme.DocumentSaveIcon(), func() {
			dir := s.backupDir.path()
			open(func(m *office.Member) (string, error) {
				p, err := m.Store().Backup(dir)
				if err != nil {
					return "", err
				}
				return lang.L("backup written to {{.Path}}, read back and checked: keep it apart from the first stick", map[string]any{"Path": p}), nil
			})
		})
		s.change = widget.NewButtonWithIcon(lang.L("Change the passphrase"), theme.ViewRefreshIcon(), func() {
			if s.newPass.Text != s.newAgain.Text {
				s.newPass.SetText("")
				s.newAgain.SetText("")
				s.checks.clear()
				s.checks.add(false, lang.L("the two new passphrases differ: type them again"))
				ui.reveal(s.checks.box)
				return
			}
			np := takePassphrase(s.newPass)
			s.newAgain.SetText("")
			open(func(m *office.Member) (string, error) {
				defer np.Destroy()
				if err := m.Store().ChangePassphrase(np, ui.opts.KDF); err != nil {
					return "", err
				}
				return lang.L("passphrase changed: make a new backup, the old one still opens with the old passphrase"), nil
			})
		})
		s.ks.path.entry.OnSubmitted = func(string) { ui.win.Canvas().Focus(s.ks.pass) }
		submit(s.check.OnTapped, s.ks.pass)
		submit(s.backup.OnTapped, s.backupDir.entry)
		submit(s.change.OnTapped, s.newPass, s.newAgain)
		s.content = container.NewVScroll(container.NewVBox(
			widget.NewForm(widget.NewFormItem(lang.L("Keystore"), s.ks.path.box), widget.NewFormItem(lang.L("Passphrase"), s.ks.pass)),
			s.ks.header,
			bold(lang.L("Do I still hold my key?")), s.record.box, s.check,
			bold(lang.L("Backup")), s.backupDir.box, s.backup,
			bold(lang.L("New passphrase")), widget.NewForm(widget.NewFormItem(lang.L("New passphrase"), s.newPass), widget.NewFormItem(lang.L("Passphrase again"), s.newAgain)), s.change,
			s.checks.box))
		ui.mykey = s
	}
	ui.showFocus(lang.L("My key"), ui.mykey.content, ui.mykey.ks.path.entry)
}

// settings are kept in Fyne's preferences (the language in a file read
// before the app starts).
type settings struct {
	bytesPerFrame int
	level         string
	fps           float64
	camera        string
}

func loadSettings(a fyne.App) settings {
	p := a.Preferences()
	return settings{
		bytesPerFrame: p.IntWithFallback("qr.bytes", qr.DefaultBytesPerFrame),
		level:         p.StringWithFallback("qr.level", "L"),
		fps:           p.FloatWithFallback("qr.fps", qr.DefaultFPS),
		camera:        p.StringWithFallback("camera", ""),
	}
}

func (s settings) qrOptions() qr.Options {
	lvl, err := qr.ParseECLevel(s.level)
	if err != nil {
		lvl = qr.DefaultLevel
	}
	return qr.Options{BytesPerFrame: s.bytesPerFrame, Level: lvl, FPS: s.fps}
}

type settingsScreen struct {
	content  fyne.CanvasObject
	language *widget.Select
	bytes    *widget.Entry
	level    *widget.Select
	fps      *widget.Entry
	camera   *widget.Select
	save     *widget.Button
	state    *widget.Label
}

func (ui *UI) openSettings() {
	if ui.prefs == nil {
		s := &settingsScreen{state: wrapped("")}
		langs := map[string]string{lang.L("System language"): "", "English": "en", "Français": "fr"}
		s.language = widget.NewSelect([]string{lang.L("System language"), "English", "Français"}, nil)
		switch readLanguage(ui.opts.ConfigDir) {
		case "en":
			s.language.SetSelected("English")
		case "fr":
			s.language.SetSelected("Français")
		default:
			s.language.SetSelected(lang.L("System language"))
		}
		s.bytes = widget.NewEntry()
		s.bytes.SetText(strconv.Itoa(ui.settings.bytesPerFrame))
		s.level = widget.NewSelect([]string{"L", "M", "Q", "H"}, nil)
		s.level.SetSelected(ui.settings.level)
		s.fps = widget.NewEntry()
		s.fps.SetText(strconv.FormatFloat(ui.settings.fps, 'f', -1, 64))
		cams := []string{lang.L("First camera found")}
		for _, c := range camera.List() {
			cams = append(cams, c.Path)
		}
		s.camera = widget.NewSelect(cams, nil)
		s.camera.SetSelected(cams[0])
		if ui.settings.camera != "" {
			s.camera.SetSelected(ui.settings.camera)
		}
		camNote := lang.N("{{.N}} camera(s) found", len(cams)-1, map[string]any{"N": len(cams) - 1})
		s.save = widget.NewButtonWithIcon(lang.L("Save the settings"), theme.DocumentSaveIcon(), func() {
			n, err1 := strconv.Atoi(strings.TrimSpace(s.bytes.Text))
			f, err2 := strconv.ParseFloat(strings.TrimSpace(s.fps.Text), 64)
			if err1 != nil || err2 != nil || n < 20 || n > 1500 || f <= 0 || f > 30 {
				s.state.SetText(verdict(lang.L("REFUSED"), lang.L("bytes per frame must be 20 to 1500 and frames per second 0.1 to 30")))
				return
			}
			p := ui.app.Preferences()
			p.SetInt("qr.bytes", n)
			p.SetString("qr.level", s.level.Selected)
			p.SetFloat("qr.fps", f)
			cam := s.camera.Selected
			if cam == cams[0] {
				cam = ""
			}
			p.SetString("camera", cam)
			ui.settings = loadSettings(ui.app)
			msg := lang.L("Settings saved.")
			if d := configDir(ui.opts.ConfigDir); d != "" {
				if err := os.MkdirAll(d, 0o700); err == nil {
					os.WriteFile(filepath.Join(d, "language"), []byte(langs[s.language.Selected]+"\n"), 0o600)
					msg += " " + lang.L("The language applies at the next start.")
				}
			}
			s.state.SetText(msg)
		})
		submit(s.save.OnTapped, s.bytes, s.fps)
		s.content = container.NewVScroll(container.NewVBox(widget.NewForm(
			widget.NewFormItem(lang.L("Language"), s.language),
			widget.NewFormItem(lang.L("QR: bytes per frame"), s.bytes),
			widget.NewFormItem(lang.L("QR: error correction"), s.level),
			widget.NewFormItem(lang.L("QR: frames per second"), s.fps),
			widget.NewFormItem(lang.L("Camera"), s.camera),
		), wrapped(camNote), wrapped(lang.L("Defaults: {{.Bytes}} bytes per frame, level {{.Level}}, {{.FPS}} frames per second (about {{.Rate}} bytes per second with a laptop webcam). Lower the density for a poor camera.",
			map[string]any{"Bytes": qr.DefaultBytesPerFrame, "Level": qr.DefaultLevel.String(), "FPS": qr.DefaultFPS, "Rate": int(qr.DefaultBytesPerFrame * qr.DefaultFPS)})),
			s.save, s.state))
		ui.prefs = s
	}
	ui.show(lang.L("Settings"), ui.prefs.content)
}

type aboutScreen struct {
	content fyne.CanvasObject
	sum     *widget.Label
}

func (ui *UI) openAbout() {
	if ui.about == nil {
		s := &aboutScreen{sum: widget.NewLabelWithStyle(lang.L("computing…"), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})}
		s.sum.Wrapping = fyne.TextWrapBreak
		commit := cli.Commit
		if commit == "" {
			commit = lang.L("unknown")
		}
		s.content = container.NewVScroll(container.NewVBox(
			bold("Conclave "+cli.Version),
			widget.NewLabel(lang.L("Commit: {{.C}}", map[string]any{"C": commit})),
			bold(lang.L("SHA-256 of this program (compare it with the published fingerprint of the audited release):")),
			s.sum,
			wrapped(lang.L("An independent expert rebuilds the audited source with 'make release' and compares this fingerprint: see docs/release.md.")),
		))
		ui.about = s
		var sum string
		ui.run(lang.L("Computing the fingerprint of this program…"), func(ctx context.Context) error {
			var err error
			sum, err = cli.BinaryFingerprint()
			return err
		}, func(err error) {
			if err != nil {
				s.sum.SetText(explain(err))
				return
			}
			s.sum.SetText(groupHex(sum))
		})
	}
	ui.show(lang.L("About"), ui.about.content)
}

// groupHex groups a hex string by 8 for reading aloud.
func groupHex(s string) string {
	var parts []string
	for i := 0; i < len(s); i += 8 {
		parts = append(parts, s[i:min(i+8, len(s))])
	}
	return strings.Join(parts, " ")
}
