package app

import (
	"context"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"conclave/app/office"
)

// backupPrompt ends the enrolment, as hardware wallets do: the backup to a
// second stick, with its button right there, then the check that the
// member still holds their key (the backup opens with the passphrase
// typed again).
type backupPrompt struct {
	ui       *UI
	box      *fyne.Container
	keystore func() string
	dir      *pathField
	pass     *widget.Entry
	backup   *widget.Button
	check    *widget.Button
	result   *checkList
	copyPath string
}

func (ui *UI) newBackupPrompt(keystore func() string) *backupPrompt {
	b := &backupPrompt{ui: ui, keystore: keystore, dir: ui.newPathField(lang.L("a folder on a second USB stick, kept apart from the first"), true, false),
		pass: widget.NewPasswordEntry(), result: newCheckList()}
	b.pass.SetPlaceHolder(lang.L("your passphrase, once more"))
	b.backup = widget.NewButtonWithIcon(lang.L("Make the backup copy"), theme.DocumentSaveIcon(), b.doBackup)
	b.backup.Importance = widget.HighImportance
	b.check = widget.NewButtonWithIcon(lang.L("Do I still hold my key?"), theme.ConfirmIcon(), b.doCheck)
	b.check.Disable()
	submit(b.doBackup, b.dir.entry)
	submit(func() {
		if b.check.Disabled() {
			b.doBackup()
		} else {
			b.doCheck()
		}
	}, b.pass)
	b.box = container.NewVBox(widget.NewSeparator(),
		bold(lang.L("Now, before anything else: a backup copy on a second stick")),
		wrapped(lang.L("If your key stick is lost or damaged, the backup is the only way to take part in the count. Plug in a second USB stick, choose a folder on it, and type your passphrase once more.")),
		widget.NewForm(widget.NewFormItem(lang.L("Backup folder"), b.dir.box), widget.NewFormItem(lang.L("Passphrase"), b.pass)),
		container.NewHBox(b.backup, b.check), b.result.box)
	b.box.Hide()
	return b
}

func (b *backupPrompt) show() {
	b.box.Show()
	b.ui.reveal(b.box)
}

func (b *backupPrompt) doBackup() {
	path, dir := b.keystore(), b.dir.path()
	b.result.clear()
	if dir == "" {
		b.result.add(false, lang.L("choose a folder on the second stick first"))
		return
	}
	pass := takePassphrase(b.pass)
	var written string
	b.ui.run(lang.L("Making the backup copy…"), func(ctx context.Context) error {
		defer pass.Destroy()
		m, err := office.OpenMember(path, pass)
		if err != nil {
			return err
		}
		defer m.Close()
		if err := ctx.Err(); err != nil {
			return err
		}
		written, err = m.Store().Backup(dir)
		return err
	}, func(err error) {
		if err != nil {
			b.result.fail(err)
			return
		}
		b.copyPath = written
		b.result.add(true, lang.L("backup written to {{.Path}}, read back and checked: keep it apart from the first stick", map[string]any{"Path": written}))
		b.check.Enable()
		b.result.note(lang.L("Last: check that you hold your key. Type your passphrase once more and press “Do I still hold my key?”: the backup is opened with it."))
		b.ui.reveal(b.box)
	})
}

// doCheck opens the backup with the passphrase typed again: the copy is
// good and the member remembers the passphrase.
func (b *backupPrompt) doCheck() {
	if b.copyPath == "" {
		return
	}
	pass := takePassphrase(b.pass)
	copyPath := b.copyPath
	b.ui.run(lang.L("Opening the backup copy…"), func(ctx context.Context) error {
		defer pass.Destroy()
		m, err := office.OpenMember(copyPath, pass)
		if err != nil {
			return err
		}
		m.Close()
		return nil
	}, func(err error) {
		if err != nil {
			b.result.fail(err)
			return
		}
		b.result.add(true, lang.L("you hold your key: the backup in {{.Dir}} opens with your passphrase", map[string]any{"Dir": filepath.Dir(copyPath)}))
		b.ui.reveal(b.box)
	})
}
