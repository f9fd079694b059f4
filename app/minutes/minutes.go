// Package minutes prints the minutes of a ceremony (in France, the
// procès-verbal) and of its count: an A4 PDF, in English or French, that
// the members of the electoral office sign. It holds no cryptography: it
// prints what package office and package ceremony show for 'conclave board
// status', with the same fingerprints, so that the room can compare the
// paper with the screens, and the voting system can later check the record
// against the ceremony fingerprint written on it (docs/protocol.md §2.4,
// §8.5; docs/user-guide.md, "The minutes").
//
// Entry point: Render.
package minutes

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"

	"conclave/app/office"
	"conclave/assets"
	"conclave/ceremony"
)

// Options say how to print the minutes.
type Options struct {
	Lang        string         // "en" or "fr"; "" is English
	Location    *time.Location // the office's local time; nil is the machine's
	OptionNames []string       // the names of options 1..K, when known
	Printed     time.Time      // when they are printed; zero is now
}

// Page geometry, in millimetres (A4).
const (
	pageW, pageH = 210.0, 297.0
	margin       = 18.0
	bottom       = 20.0
	textW        = pageW - 2*margin
	labelW       = 74.0 // the labels of the field rows
)

// Render prints the minutes of the board's ceremony and, when the board
// holds decryption requests, of the count, as a PDF.
func Render(b *office.Board, opts Options) ([]byte, error) {
	if opts.Lang == "" {
		opts.Lang = "en"
	}
	t, err := newTranslator(opts.Lang)
	if err != nil {
		return nil, err
	}
	f, err := collect(b)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(opts.OptionNames))
	for k, n := range opts.OptionNames {
		names[k] = drawable(n)
	}
	opts.OptionNames = names
	if opts.Location == nil {
		opts.Location = time.Local
	}
	if opts.Printed.IsZero() {
		opts.Printed = time.Now()
	}
	d := &doc{t: t, f: f, o: opts}
	return d.render()
}

type doc struct {
	t   *translator
	f   *facts
	o   Options
	pdf *fpdf.Fpdf
}

const (
	sans = "dejavu"
	mono = "dejavumono"
)

func (d *doc) render() ([]byte, error) {
	p := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"})
	d.pdf = p
	p.SetMargins(margin, margin, margin)
	p.SetAutoPageBreak(true, bottom)
	p.AddUTF8FontFromBytes(sans, "", assets.FontSans)
	p.AddUTF8FontFromBytes(mono, "", assets.FontMono)
	p.SetTitle(d.t.T("doc_title_ceremony")+": "+d.f.Title, true)
	p.SetCreator("Conclave", true)
	p.SetLang(d.o.Lang)
	p.SetCreationDate(d.o.Printed)
	p.SetModificationDate(d.o.Printed)
	p.SetCatalogSort(true)
	p.AliasNbPages("{nb}")
	p.SetFooterFunc(func() {
		p.SetY(-14)
		p.SetFont(sans, "", 8)
		p.SetTextColor(90, 90, 90)
		p.CellFormat(textW/2, 5, d.t.T("footer", "fp", d.f.CeremonyFP), "", 0, "L", false, 0, "")
		p.CellFormat(textW/2, 5, d.t.T("page", "p", p.PageNo(), "n", "{nb}"), "", 0, "R", false, 0, "")
		p.SetTextColor(0, 0, 0)
	})
	d.ceremonyPart(len(d.f.Requests) == 0)
	if len(d.f.Requests) > 0 {
		d.countPart()
	}
	if err := p.Error(); err != nil {
		return nil, fmt.Errorf("minutes: cannot make the PDF: %v", err)
	}
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		return nil, fmt.Errorf("minutes: cannot make the PDF: %v", err)
	}
	return buf.Bytes(), nil
}

// ensure starts a new page unless h millimetres are left on this one.
func (d *doc) ensure(h float64) {
	if d.pdf.GetY()+h > pageH-bottom {
		d.pdf.AddPage()
	}
}

func (d *doc) title(s string) {
	p := d.pdf
	p.SetFont(sans, "", 18)
	p.MultiCell(textW, 8, s, "", "L", false)
	p.SetFont(sans, "", 13)
	p.MultiCell(textW, 6.5, d.f.Title, "", "L", false)
	p.Ln(2)
	p.SetDrawColor(0, 0, 0)
	p.SetLineWidth(0.4)
	p.Line(margin, p.GetY(), pageW-margin, p.GetY())
	p.Ln(4)
}

func (d *doc) heading(s string) {
	d.ensure(18)
	p := d.pdf
	p.Ln(2)
	p.SetFont(sans, "", 13)
	p.MultiCell(textW, 7, s, "", "L", false)
	p.Ln(1)
}

func (d *doc) para(s string, size float64) {
	p := d.pdf
	p.SetFont(sans, "", size)
	p.MultiCell(textW, size*0.5, s, "", "L", false)
}

// field prints a label and its value on one row; the value wraps.
func (d *doc) field(label, value string) {
	p := d.pdf
	const lw = labelW
	p.SetFont(sans, "", 10.5)
	lines := p.SplitText(value, textW-lw)
	h := 5.5 * float64(max(1, len(lines)))
	d.ensure(h)
	y := p.GetY()
	p.SetTextColor(70, 70, 70)
	p.SetFont(sans, "", 9.5)
	p.CellFormat(lw, 5.5, label, "", 0, "L", false, 0, "")
	p.SetTextColor(0, 0, 0)
	p.SetFont(sans, "", 10.5)
	p.SetXY(margin+lw, y)
	p.MultiCell(textW-lw, 5.5, value, "", "L", false)
	p.SetY(y + h + 0.8)
}

// fpField prints a fingerprint in a field row, in monospace, for a
// fingerprint that another page or another document shows large.
func (d *doc) fpField(label, fp string) {
	p := d.pdf
	const lw = labelW
	d.ensure(7)
	y := p.GetY()
	p.SetTextColor(70, 70, 70)
	p.SetFont(sans, "", 9.5)
	p.CellFormat(lw, 6.5, label, "", 0, "L", false, 0, "")
	p.SetTextColor(0, 0, 0)
	p.SetFont(mono, "", 13)
	p.CellFormat(textW-lw, 6.5, fp, "", 1, "L", false, 0, "")
	p.SetY(y + 7.3)
}

// fingerprint prints a fingerprint large, in monospace, in a box, grouped
// exactly as the screens show it.
func (d *doc) fingerprint(label, fp string) {
	p := d.pdf
	d.ensure(22)
	p.SetFont(sans, "", 10)
	p.CellFormat(textW, 5.5, label, "", 1, "L", false, 0, "")
	p.SetFont(mono, "", 22)
	w := p.GetStringWidth(fp) + 10
	p.SetLineWidth(0.5)
	p.CellFormat(w, 12, fp, "1", 1, "C", false, 0, "")
	p.Ln(2.5)
}

// fit sets the sans font at size, or smaller (down to 5 points) so that
// text fits in w millimetres on one line.
func (d *doc) fit(text string, w, size float64) {
	p := d.pdf
	p.SetFont(sans, "", size)
	for size > 5 && p.GetStringWidth(text) > w {
		size -= 0.5
		p.SetFont(sans, "", size)
	}
}

func (d *doc) memberLabel(i uint64) string {
	if m, ok := d.f.member(i); ok {
		return d.t.T("member_label", "i", i, "name", m.Name)
	}
	return strconv.FormatUint(i, 10)
}

func (d *doc) memberList(is []uint64) string {
	var out []string
	for _, i := range is {
		out = append(out, d.memberLabel(i))
	}
	if len(out) == 0 {
		return d.t.T("nobody")
	}
	return d.t.list(out)
}

func (d *doc) ceremonyPart(withRecord bool) {
	p, t, f := d.pdf, d.t, d.f
	p.AddPage()
	d.title(t.T("doc_title_ceremony"))
	d.field(t.T("election"), f.Title)
	d.field(t.T("threshold"), t.T("threshold_value", "t", f.Threshold, "n", f.Members))
	d.field(t.T("close_local"), t.dateTime(f.Close, d.o.Location)+" ("+zone(f.Close, d.o.Location)+")")
	d.field(t.T("close_utc"), f.Close.UTC().Format("2006-01-02 15:04")+" UTC")
	seal := t.T("sealing_classic")
	if f.PostQuantum {
		seal = t.T("sealing_pq")
	}
	d.field(t.T("sealing"), seal)
	d.fpField(t.T("call_fp"), f.CallFP)
	p.Ln(2)
	if !f.Complete {
		p.SetTextColor(160, 0, 0)
		step := f.Step
		if t.has("step_" + step) {
			step = t.T("step_" + step)
		}
		d.para(t.T("not_complete", "step", step), 10.5)
		p.SetTextColor(0, 0, 0)
		p.Ln(2)
	}
	d.fingerprint(t.T("ceremony_fp"), f.CeremonyFP)
	d.para(t.T("ceremony_fp_note"), 9)
	p.Ln(2)
	if f.Complete {
		d.fingerprint(t.T("election_key_fp"), f.ElectionKeyFP)
	}

	d.heading(t.T("members"))
	cols := []float64{11, 61, 62, textW - 11 - 61 - 62}
	p.SetFont(sans, "", 9)
	p.SetFillColor(235, 235, 235)
	for k, h := range []string{t.T("col_no"), t.T("col_name"), t.T("col_card"), t.T("col_status")} {
		p.CellFormat(cols[k], 7, h, "1", 0, "L", true, 0, "")
	}
	p.Ln(-1)
	for _, m := range f.People {
		// A long name wraps in its cell: names are never cut short.
		p.SetFont(sans, "", 10.5)
		lines := p.SplitText(m.Name, cols[1])
		h := max(9, 5*float64(len(lines))+3)
		d.ensure(h)
		y := p.GetY()
		p.CellFormat(cols[0], h, strconv.FormatUint(m.Index, 10), "1", 0, "C", false, 0, "")
		p.Rect(margin+cols[0], y, cols[1], h, "D")
		p.SetXY(margin+cols[0], y+(h-5*float64(len(lines)))/2)
		p.MultiCell(cols[1], 5, m.Name, "", "L", false)
		p.SetXY(margin+cols[0]+cols[1], y)
		p.SetFont(mono, "", 13)
		p.CellFormat(cols[2], h, m.Card, "1", 0, "C", false, 0, "")
		p.SetFont(sans, "", 10)
		status := t.T("pending")
		switch {
		case m.Qualified:
			status = t.T("qualified")
		case m.Excluded != "":
			status = t.T("excluded")
		}
		p.CellFormat(cols[3], h, status, "1", 1, "L", false, 0, "")
	}
	p.Ln(2)
	if f.Complete {
		d.para(t.T("qualified_members", "list", d.memberList(f.Qualified)), 10.5)
		p.Ln(1)
		d.heading(t.T("exclusions"))
		n := 0
		for _, m := range f.People {
			if m.Excluded == "" {
				continue
			}
			why := m.Excluded
			if strings.HasPrefix(why, "excl_") {
				why = t.T(why)
			}
			d.para(t.T("exclusion_item", "member", d.memberLabel(m.Index), "reason", why), 10.5)
			n++
		}
		if n == 0 {
			d.para(t.T("no_exclusion"), 10.5)
		}
	}
	if withRecord {
		d.record()
	}
	d.signatures("statement_ceremony")
}

func (d *doc) countPart() {
	p, t, f := d.pdf, d.t, d.f
	p.AddPage()
	d.title(t.T("doc_title_count"))
	d.field(t.T("election"), f.Title)
	d.field(t.T("threshold"), t.T("threshold_value", "t", f.Threshold, "n", f.Members))
	d.field(t.T("close_local"), t.dateTime(f.Close, d.o.Location)+" ("+zone(f.Close, d.o.Location)+")")
	d.field(t.T("close_utc"), f.Close.UTC().Format("2006-01-02 15:04")+" UTC")
	d.fpField(t.T("ceremony_fp"), f.CeremonyFP)
	d.fpField(t.T("election_key_fp"), f.ElectionKeyFP)
	p.Ln(1)
	d.para(t.T("count_intro", "t", f.Threshold), 10)
	for _, r := range f.Requests {
		d.heading(t.T("request", "label", r.Label))
		kind := r.Kind
		switch r.Kind {
		case ceremony.RequestTally:
			kind = t.T("kind_tally")
		case ceremony.RequestBallots:
			kind = t.T("kind_ballots")
		}
		d.field(t.T("request_kind"), kind)
		d.field(t.T("ciphertexts"), strconv.Itoa(r.Ciphertexts))
		d.fingerprint(t.T("request_fp"), r.FP)
		d.fingerprint(t.T("ciphertexts_fp"), r.CiphertextsFP)
		d.field(t.T("answered"), d.memberList(r.Valid))
		if len(r.Invalid) == 0 {
			d.field(t.T("invalid"), t.T("no_invalid"))
		} else {
			var items []string
			for _, j := range r.Invalid {
				items = append(items, t.T("invalid_item", "member", d.memberLabel(j)))
			}
			p.SetTextColor(160, 0, 0)
			d.field(t.T("invalid"), strings.Join(items, "\n"))
			p.SetTextColor(0, 0, 0)
		}
		d.heading(t.T("result"))
		if !r.Done {
			d.para(t.T("result_pending"), 10.5)
			continue
		}
		d.resultTable(r)
		d.para(t.T("result_from", "list", d.t.list(uintStrings(r.Used))), 10)
	}
	d.record()
	d.signatures("statement_count")
}

func uintStrings(is []uint64) []string {
	var out []string
	for _, i := range is {
		out = append(out, strconv.FormatUint(i, 10))
	}
	return out
}

func (d *doc) resultTable(r request) {
	p, t := d.pdf, d.t
	cols := []float64{110, 40}
	d.ensure(7 + 8*float64(min(len(r.Counts)+1, 6)))
	p.SetFont(sans, "", 9)
	p.SetFillColor(235, 235, 235)
	p.CellFormat(cols[0], 7, t.T("col_option"), "1", 0, "L", true, 0, "")
	p.CellFormat(cols[1], 7, t.T("col_votes"), "1", 1, "R", true, 0, "")
	var total uint64
	for k, c := range r.Counts {
		d.ensure(8)
		name := t.T("option_n", "k", k+1)
		if k < len(d.o.OptionNames) && d.o.OptionNames[k] != "" {
			name = fmt.Sprintf("%d. %s", k+1, d.o.OptionNames[k])
		}
		d.fit(name, cols[0]-2, 11)
		p.CellFormat(cols[0], 8, name, "1", 0, "L", false, 0, "")
		p.SetFont(mono, "", 13)
		p.CellFormat(cols[1], 8, strconv.FormatUint(c, 10), "1", 1, "R", false, 0, "")
		total += c
	}
	p.SetFont(sans, "", 11)
	p.CellFormat(cols[0], 8, t.T("total"), "1", 0, "L", true, 0, "")
	p.SetFont(mono, "", 13)
	p.CellFormat(cols[1], 8, strconv.FormatUint(total, 10), "1", 1, "R", true, 0, "")
	p.Ln(2)
}

// record prints the record's fingerprint and a QR code of it.
func (d *doc) record() {
	p, t, f := d.pdf, d.t, d.f
	const qrSize = 34.0
	d.ensure(qrSize + 22)
	d.heading(t.T("record"))
	y := p.GetY()
	if q, err := qrcode.New(f.RecordFP, qrcode.Medium); err == nil {
		q.DisableBorder = true
		bm := q.Bitmap()
		m := qrSize / float64(len(bm))
		p.SetFillColor(0, 0, 0)
		x0 := pageW - margin - qrSize
		for r, row := range bm {
			for c, dark := range row {
				if dark {
					p.Rect(x0+float64(c)*m, y+float64(r)*m, m+0.01, m+0.01, "F")
				}
			}
		}
	}
	p.SetFont(sans, "", 10)
	p.CellFormat(textW-qrSize-8, 5.5, t.T("record_fp"), "", 1, "L", false, 0, "")
	p.SetFont(mono, "", 22)
	p.SetLineWidth(0.5)
	p.CellFormat(p.GetStringWidth(f.RecordFP)+10, 12, f.RecordFP, "1", 1, "C", false, 0, "")
	p.Ln(1.5)
	p.SetFont(sans, "", 9)
	p.MultiCell(textW-qrSize-8, 4.5, t.T("record_note", "n", f.RecordMessages), "", "L", false)
	p.SetY(max(p.GetY(), y+qrSize) + 3)
}

// signatures prints the statement, the place and date to fill in, and a
// signature line per member.
func (d *doc) signatures(statement string) {
	p, t, f := d.pdf, d.t, d.f
	// The statement, the place and date and the first signatures stay on
	// one page, so that no one signs a page that does not say what for.
	p.SetFont(sans, "", 10.5)
	d.ensure(5.25*float64(len(p.SplitText(t.T(statement), textW))) + 45 + 16*float64(min(len(f.People), 3)))
	p.Ln(3)
	d.para(t.T(statement), 10.5)
	p.Ln(4)
	p.SetFont(sans, "", 9)
	p.SetTextColor(70, 70, 70)
	p.MultiCell(textW, 4.5, t.T("printed", "date", t.dateTime(d.o.Printed, d.o.Location)), "", "L", false)
	p.SetTextColor(0, 0, 0)
	p.Ln(5)
	p.SetFont(sans, "", 11)
	y := p.GetY()
	w1 := p.GetStringWidth(t.T("done_at")) + 2
	p.CellFormat(w1, 7, t.T("done_at"), "", 0, "L", false, 0, "")
	p.SetLineWidth(0.2)
	p.SetDashPattern([]float64{0.8, 0.8}, 0)
	p.Line(margin+w1, y+6, margin+95, y+6)
	p.SetX(margin + 98)
	w2 := p.GetStringWidth(t.T("done_on")) + 2
	p.CellFormat(w2, 7, t.T("done_on"), "", 0, "L", false, 0, "")
	p.Line(margin+98+w2, y+6, pageW-margin, y+6)
	p.SetDashPattern(nil, 0)
	p.SetY(y + 12)
	d.heading(t.T("signatures"))
	for _, m := range f.People {
		p.SetFont(sans, "", 11)
		label := d.memberLabel(m.Index)
		lines := len(p.SplitText(label, 75))
		d.ensure(max(17, 5.5*float64(lines)+6))
		y := p.GetY()
		p.MultiCell(75, 5.5, label, "", "L", false)
		p.SetFont(sans, "", 8)
		p.SetTextColor(90, 90, 90)
		p.SetXY(margin+78, y+8)
		p.CellFormat(30, 4, t.T("signature"), "", 0, "L", false, 0, "")
		p.SetTextColor(0, 0, 0)
		p.SetLineWidth(0.3)
		p.Line(margin+78, y+8, pageW-margin, y+8)
		p.SetY(max(y+16, y+5.5*float64(lines)+5))
	}
}
