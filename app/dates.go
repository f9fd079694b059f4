package app

import (
	"errors"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"conclave/app/office"
)

// Dates are typed and shown in the member's language and time zone:
// 2027-03-14 18:00 in English, 14/03/2027 18:00 (or 18h00) in French,
// always with the zone, so that nobody reads a UTC time as their own.

// dateLayout is the date and time as the interface writes it.
func dateLayout() string {
	if french() {
		return "02/01/2006 15:04"
	}
	return "2006-01-02 15:04"
}

// zoneText names t's time zone: its abbreviation, or UTC and the offset.
func zoneText(t time.Time) string {
	name, off := t.Zone()
	if name != "" && strings.IndexFunc(name, func(r rune) bool { return !unicode.IsLetter(r) }) < 0 {
		return name
	}
	if off == 0 {
		return "UTC"
	}
	return "UTC" + t.Format("-07:00")
}

// localTime shows t in the local time zone, with the zone.
func localTime(t time.Time) string {
	t = t.Local()
	return t.Format(dateLayout()) + " (" + zoneText(t) + ")"
}

// closeHint is the close-of-poll field's placeholder: the form to type,
// not a date that looks filled in, and the zone it is read in.
func closeHint() string {
	return lang.L("YYYY-MM-DD HH:MM, local time ({{.Zone}})", map[string]any{"Zone": zoneText(time.Now())})
}

// parseClose reads a close of poll typed in the local time zone:
// 2027-03-14 18:00 always, 14/03/2027 18:00 or 18h00 in French (a day
// first, as French writes it), or RFC 3339 with its own zone.
func parseClose(s string) (time.Time, error) {
	s = strings.Join(strings.Fields(s), " ")
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	layouts := []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05"}
	if french() {
		s = strings.Replace(s, " à ", " ", 1)
		if i := strings.LastIndexAny(s, "hH"); i > 0 && i > strings.LastIndex(s, " ") {
			if i == len(s)-1 {
				s += "00"
			}
			s = s[:i] + ":" + s[i+1:]
		}
		layouts = append(layouts, "02/01/2006 15:04", "2/1/2006 15:04", "02/01/2006 15:04:05", "02-01-2006 15:04", "02.01.2006 15:04")
	}
	for _, layout := range layouts {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New(lang.L("the close of poll must be a date and time such as 2027-03-14 18:00"))
}

// waitForClose keeps the decryption closed until the close of poll: the
// confirmation and the button are disabled, with the reason and the time
// in the member's time zone; at the close, they open by themselves.
func (s *decryptScreen) waitForClose(req *office.MemberRequest, closeAt time.Time, early bool) {
	if !early {
		s.agree.Enable()
		return
	}
	s.agree.Disable()
	s.decrypt.Disable()
	s.checks.neutral(theme.InfoIcon(), lang.L("Decryption opens at the close of poll, {{.Time}}; it is now {{.Now}}. Nothing can be decrypted before the close of poll.", map[string]any{
		"Time": localTime(closeAt), "Now": localTime(time.Now())}))
	time.AfterFunc(time.Until(closeAt)+time.Second, func() {
		fyne.Do(func() {
			if s.request == req {
				s.checks.clear()
				s.agree.Enable()
			}
		})
	})
}

// warnBeforeClose tells the coordinator, when preparing a request, that
// the members cannot decrypt it before the close of poll.
func (s *boardScreen) warnBeforeClose() {
	closeAt := time.Unix(s.b.State.Call.Close, 0)
	if time.Now().Before(closeAt) {
		s.countState.neutral(theme.WarningIcon(), lang.L("Warning: the poll closes at {{.Time}}. The members cannot decrypt this request before then; prepare it again from the final tally after the close.", map[string]any{"Time": localTime(closeAt)}))
	}
}
