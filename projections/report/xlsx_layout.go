package report

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jedib0t/go-pretty/v6/text"
	"github.com/xuri/excelize/v2"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
)

// How a workbook's sheets are laid out and printed.

// Column widths, in Excel's character units (the width of a "0" of the
// default font); a Chinese character counts wideWidth.
const (
	// maxTextWidth is the widest a text column gets, unless a word is
	// wider (a project code); longer texts wrap.
	maxTextWidth = 18
	// minColumnWidth is the narrowest column.
	minColumnWidth = 6
	// cellPadding is what a column adds to its widest text: the cell's
	// margins, and room for error in measuring text the font will draw.
	// (The autofilter's drop-down button may cover the end of a header on
	// screen; it is not printed, and the print is what the widths are
	// for.)
	cellPadding = 1.5
	// shortHeader is the widest header kept on one line (six Chinese
	// characters); a wider one may take two.
	shortHeader = 6 * wideWidth
	// wrapMargin is the part of a column's width text does not fill when
	// it wraps: the cell's margins, and some room for error in measuring
	// text the font will draw (counting one line too many is better than
	// cutting off the last).
	wrapMargin = 1.5
	// lineHeight is the height in points of a line of 11-point text,
	// Chinese fonts' lines being the tallest.
	lineHeight = 16
)

// headerFill is the grey behind the header row.
const headerFill = "D9D9D9"

// lightColours are the fill and font colours of a light's cell: Excel's
// standard red, yellow and green, and grey for a suspended project.
var lightColours = map[projections.Light]struct{ fill, font string }{
	projections.LightRed:       {"FF0000", "FFFFFF"},
	projections.LightYellow:    {"FFFF00", "000000"},
	projections.LightGreen:     {"00B050", "FFFFFF"},
	projections.LightSuspended: {"BFBFBF", "000000"},
}

// sheet is one table laid out on its worksheet.
type sheet struct {
	name    string
	t       Table
	lang    Lang
	o       XLSXOptions
	heading string
	// lead is how many columns come before the table's: 1 for a form's
	// 序号, else 0.
	lead int
	// header is the header's row: 3 on a form, under the heading and
	// the 填报单位 line, else 1.
	header int
	// sums says, per table column, whether the 合计 row sums it; nil:
	// the sheet has no 合计 row.
	sums []bool
	// ownTotal is set when the table's last row is its own total (the
	// bulletin's investment by unit): it gets no 序号 and no 合计 under it.
	ownTotal bool
	// widths are the widths of the sheet's columns.
	widths []float64
}

// planSheet lays table t, the i-th of its workbook, out on sheet name.
func planSheet(name string, t Table, lang Lang, o XLSXOptions, i int) sheet {
	s := sheet{name: name, t: t, lang: lang, o: o, heading: o.heading(i, t, lang), header: 1, ownTotal: endsInTotal(t)}
	if o.Layout == LayoutForm {
		s.lead, s.header, s.sums = 1, 3, totals(t)
	}
	s.widths = s.columnWidths()
	return s
}

func (s sheet) form() bool       { return s.o.Layout == LayoutForm }
func (s sheet) columns() int     { return max(s.lead+len(s.t.Columns), 1) }
func (s sheet) lastDataRow() int { return s.header + len(s.t.Rows) }

// lastRow is the sheet's last row: the 合计 row, or the last table row.
func (s sheet) lastRow() int {
	if s.sums != nil {
		return s.lastDataRow() + 1
	}
	return s.lastDataRow()
}

// cellName is the A1 name of a cell; col and row are 1-based.
func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// columnName is the letters of a column.
func columnName(col int) string {
	name, _ := excelize.ColumnNumberToName(col)
	return name
}

// writeSheet streams s into its existing sheet, with its page setup, print
// titles and autofilter.
func writeSheet(f *excelize.File, s sheet, st *styles) error {
	last := cellName(s.columns(), s.lastRow())
	// The stream writer writes the sheet properties and the dimension
	// when it starts, so they are set first.
	fit := true
	if err := f.SetSheetProps(s.name, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if err := f.SetSheetDimension(s.name, "A1:"+last); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(s.name)
	if err != nil {
		return err
	}
	// excelize puts each column given to SetColWidth before those given
	// earlier; set from the last one so that <cols> lists them in order.
	for c := len(s.widths); c >= 1; c-- {
		if err := sw.SetColWidth(c, c, s.widths[c-1]); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: s.header, TopLeftCell: cellName(1, s.header+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if s.form() {
		if err := s.writeHeading(sw, st); err != nil {
			return err
		}
	}
	if err := s.writeHeader(sw, st); err != nil {
		return err
	}
	for i := range s.t.Rows {
		if err := sw.SetRow(cellName(1, s.header+1+i), s.row(i, st), excelize.RowOpts{Height: s.rowHeight(i)}); err != nil {
			return err
		}
	}
	if s.sums != nil {
		if err := sw.SetRow(cellName(1, s.lastRow()), s.totalRow(st)); err != nil {
			return err
		}
	}
	if st.err != nil {
		return st.err
	}
	// The autofilter spans the header and the table rows, not the 合计
	// row, which stays at the bottom when the rows are sorted.
	if len(s.t.Columns) > 0 {
		if err := f.AutoFilter(s.name, cellName(1, s.header)+":"+cellName(s.columns(), s.lastDataRow()), nil); err != nil {
			return err
		}
	}
	if err := s.pageSetup(f); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	rows := "$" + strconv.Itoa(s.header)
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: quoteSheet(s.name) + "!" + rows + ":" + rows, Scope: s.name})
}

// quoteSheet is a sheet name as a formula names it: 'name'.
func quoteSheet(name string) string { return "'" + strings.ReplaceAll(name, "'", "''") + "'" }

// writeHeading writes a form's heading row and its 填报单位 line.
func (s sheet) writeHeading(sw *excelize.StreamWriter, st *styles) error {
	n := s.columns()
	title := st.id(look{bold: true, size: 16, align: "center", vcenter: true, wrap: true})
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: title, Value: s.heading}}, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	if err := merge(sw, 1, n, 1); err != nil {
		return err
	}
	left := st.id(look{align: "left", vcenter: true})
	right := st.id(look{align: "right", vcenter: true})
	issuer, date := s.o.issuerLine(s.lang), s.o.dateLine(s.lang)
	if n == 1 {
		return sw.SetRow("A2", []any{excelize.Cell{StyleID: left, Value: strings.TrimSpace(issuer + "  " + date)}}, excelize.RowOpts{Height: 20})
	}
	mid := n / 2
	row := make([]any, n)
	row[0] = excelize.Cell{StyleID: left, Value: issuer}
	if date != "" {
		row[mid] = excelize.Cell{StyleID: right, Value: date}
	}
	if err := sw.SetRow("A2", row, excelize.RowOpts{Height: 20}); err != nil {
		return err
	}
	if err := merge(sw, 1, mid, 2); err != nil {
		return err
	}
	return merge(sw, mid+1, n, 2)
}

// merge merges columns from to to of row; a single cell is left alone.
func merge(sw *excelize.StreamWriter, from, to, row int) error {
	if from >= to {
		return nil
	}
	return sw.MergeCell(cellName(from, row), cellName(to, row))
}

// writeHeader writes the header row.
func (s sheet) writeHeader(sw *excelize.StreamWriter, st *styles) error {
	id := st.id(look{bold: true, border: true, wrap: true, align: "center", vcenter: true, fill: headerFill})
	row := make([]any, 0, s.columns())
	if s.lead == 1 {
		row = append(row, excelize.Cell{StyleID: id, Value: serialHeader.In(s.lang)})
	}
	for _, c := range s.t.Columns {
		row = append(row, excelize.Cell{StyleID: id, Value: c.Header(s.lang)})
	}
	lines := 1
	for j, c := range s.t.Columns {
		lines = max(lines, textLines(c.Header(s.lang), s.widths[s.lead+j]))
	}
	return sw.SetRow(cellName(1, s.header), row, excelize.RowOpts{Height: height(lines)})
}

// rowHeight is the height of table row i: zero, the default, for a row
// of single lines, else as many lines as its longest wrapped text takes.
// (A spreadsheet does not fit a row stored without a height to its text
// when it opens the file: LibreOffice, for one, cuts the text off.)
func (s sheet) rowHeight(i int) float64 {
	lines := 1
	for j, c := range s.t.Columns {
		if j < len(s.t.Rows[i]) && wraps(c.Kind) {
			lines = max(lines, textLines(s.shown(c.Kind, s.t.Rows[i][j]), s.widths[s.lead+j]))
		}
	}
	return height(lines)
}

// height is the height of a row of n lines; zero, the default, for one.
func height(n int) float64 {
	if n <= 1 {
		return 0
	}
	return float64(n * lineHeight)
}

var (
	serialHeader = Label{"No.", "序号"}
	totalLabel   = Label{"Total", "合计"}
)

// row returns the cells of table row i.
func (s sheet) row(i int, st *styles) []any {
	own := s.ownTotal && i == len(s.t.Rows)-1
	values := s.t.Rows[i]
	row := make([]any, 0, s.columns())
	if s.lead == 1 {
		var n any = i + 1
		if own {
			n = nil
		}
		row = append(row, excelize.Cell{StyleID: st.id(look{border: true, vcenter: true, align: "center", bold: own}), Value: n})
	}
	for j, c := range s.t.Columns {
		var v Value
		if j < len(values) {
			v = values[j]
		}
		val, l := value(c.Kind, v, s.lang, s.o.Layout)
		l.bold = own
		row = append(row, excelize.Cell{StyleID: st.id(l), Value: val})
	}
	return row
}

// totalRow returns the cells of the 合计 row: each summed column a
// SUBTOTAL of the rows above, which a clerk's autofilter narrows to the
// rows shown, with the sum of every row as its value.
func (s sheet) totalRow(st *styles) []any {
	row := []any{excelize.Cell{StyleID: st.id(look{bold: true, border: true, vcenter: true, align: "center"}), Value: totalLabel.In(s.lang)}}
	for j, c := range s.t.Columns {
		var val Value
		if s.sums[j] {
			val = s.sum(j)
		}
		v, l := value(c.Kind, val, s.lang, s.o.Layout)
		l.bold = true
		cell := excelize.Cell{StyleID: st.id(l), Value: v}
		if s.sums[j] {
			col := columnName(s.lead + j + 1)
			cell.Formula = fmt.Sprintf("SUBTOTAL(9,%s%d:%s%d)", col, s.header+1, col, s.lastDataRow())
		}
		row = append(row, cell)
	}
	return row
}

// sum adds up column j of the table rows, exactly.
func (s sheet) sum(j int) int64 {
	var total int64
	for _, r := range s.t.Rows {
		if j >= len(r) {
			continue
		}
		v := r[j]
		if p, ok := v.(*int64); ok {
			if p == nil {
				continue
			}
			v = *p
		}
		if n, ok := asInt64(v); ok {
			total += n
		}
	}
	return total
}

// totals says which columns of t a 合计 row sums; nil when none does or
// the table has no rows, ends in a total of its own, or mixes rows of
// different kinds (units and leaders, each counting every deadline).
func totals(t Table) []bool {
	if len(t.Rows) == 0 || endsInTotal(t) || mixesKinds(t) {
		return nil
	}
	sums := make([]bool, len(t.Columns))
	some := false
	for j, c := range t.Columns {
		sums[j] = summed(t.Name, c)
		some = some || sums[j]
	}
	if !some {
		return nil
	}
	return sums
}

// summed reports whether a 合计 row sums column c of table: money and
// counts do; percentages, dates and texts do not, nor do numbers that add
// up to nothing: days (left, late, open), years and ranks, and the
// investment table's year to date and annual plan, which repeat on each
// month row of a project.
func summed(table string, c Column) bool {
	switch c.Kind {
	case KindMoney:
	case KindInt:
		if strings.HasPrefix(c.Key, "days_") || c.Key == "year" || c.Key == "rank" {
			return false
		}
	default:
		return false
	}
	return table != "investment" || (c.Key != "year_to_date" && c.Key != "annual_plan")
}

// endsInTotal reports whether t's last row is a total (合计) of its own.
func endsInTotal(t Table) bool {
	if len(t.Rows) == 0 || len(t.Rows[len(t.Rows)-1]) == 0 {
		return false
	}
	switch v := t.Rows[len(t.Rows)-1][0].(type) {
	case Label:
		return v == totalLabel
	case string:
		return v == totalLabel.EN || v == totalLabel.ZH
	}
	return false
}

// mixesKinds reports whether t's "by" column (the scoreboard's unit or
// leader) holds more than one kind of row.
func mixesKinds(t Table) bool {
	for j, c := range t.Columns {
		if c.Key != "by" {
			continue
		}
		first := ""
		for i, r := range t.Rows {
			var v Value
			if j < len(r) {
				v = r[j]
			}
			if s := Format(c.Kind, v, EN); i == 0 {
				first = s
			} else if s != first {
				return true
			}
		}
	}
	return false
}

// heading is the heading of the i-th sheet, holding table t.
func (o XLSXOptions) heading(i int, t Table, lang Lang) string {
	h := t.Title.In(lang)
	if title := strings.TrimSpace(o.Title); i == 0 && title != "" {
		h = title
	}
	if o.Date.IsZero() || strings.Contains(h, o.Date.String()) || strings.Contains(h, zhDate(o.Date)) {
		return h
	}
	if lang == ZH {
		return h + "（截至" + zhDate(o.Date) + "）"
	}
	return h + " (as of " + o.Date.String() + ")"
}

// zhDate prints d as 2026年11月30日.
func zhDate(d domain.Date) string {
	return fmt.Sprintf("%d年%d月%d日", d.Year(), int(d.Month()), d.Day())
}

// issuerLine is the 填报单位 line; its name is blank when none is given.
func (o XLSXOptions) issuerLine(lang Lang) string {
	if lang == ZH {
		return "填报单位：" + strings.TrimSpace(o.Issuer)
	}
	return "Reported by: " + strings.TrimSpace(o.Issuer)
}

// dateLine says what the figures are as of; empty without a date.
func (o XLSXOptions) dateLine(lang Lang) string {
	if o.Date.IsZero() {
		return ""
	}
	if lang == ZH {
		return "数据截至：" + zhDate(o.Date) + o.recordedNote(lang, "（", "）")
	}
	return "Figures as of " + o.Date.String() + o.recordedNote(lang, ", ", "")
}

// recordedNote says up to when recordings are counted, between before and
// after; empty when all are.
func (o XLSXOptions) recordedNote(lang Lang, before, after string) string {
	if o.Recorded.IsZero() {
		return ""
	}
	at := o.Recorded.In(shanghai).Format("2006-01-02 15:04")
	if lang == ZH {
		return before + "按" + at + "前录入的数据" + after
	}
	return before + "as recorded by " + at + after
}

// pageSetup prints s on landscape A4, one page wide and as many tall as
// it takes, centred, with the page number in the footer; a plain sheet's
// page header carries its heading.
func (s sheet) pageSetup(f *excelize.File) error {
	a4, landscape, wide, tall := 9, "landscape", 1, 0
	if err := f.SetPageLayout(s.name, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &wide, FitToHeight: &tall}); err != nil {
		return err
	}
	side, top, bottom, edge, centred := 0.4, 0.75, 0.6, 0.3, true
	if err := f.SetPageMargins(s.name, &excelize.PageLayoutMarginsOptions{
		Left: &side, Right: &side, Top: &top, Bottom: &bottom, Header: &edge, Footer: &edge, Horizontally: &centred,
	}); err != nil {
		return err
	}
	footer := "&CPage &P of &N"
	if s.lang == ZH {
		footer = "&C第 &P 页 共 &N 页"
	}
	var header string
	if !s.form() {
		if strings.TrimSpace(s.o.Issuer) != "" {
			header += "&L" + headerText(s.o.issuerLine(s.lang), 60)
		}
		header += `&C&"-,Bold"&12` + headerText(s.heading, 100)
		if note := s.o.recordedNote(s.lang, "", ""); note != "" {
			header += "&R" + headerText(note, 40)
		}
	}
	return f.SetHeaderFooter(s.name, &excelize.HeaderFooterOptions{OddHeader: header, OddFooter: footer})
}

// headerText is s in a page header or footer: cut to n code units, its
// ampersands doubled (a single one starts a code).
func headerText(s string, n int) string {
	return strings.ReplaceAll(cut(s, n), "&", "&&")
}

// columnWidths returns the width of each of the sheet's columns.
func (s sheet) columnWidths() []float64 {
	var out []float64
	if s.lead == 1 {
		w := max(measure(serialHeader.In(s.lang)), measure(totalLabel.In(s.lang)), measure(strconv.Itoa(len(s.t.Rows))))
		out = append(out, math.Ceil(max(w+cellPadding, minColumnWidth)))
	}
	for j, c := range s.t.Columns {
		out = append(out, s.columnWidth(j, c))
	}
	return out
}

// columnWidth returns a width that fits column j: its values as shown,
// a text at most maxTextWidth wide unless a word is wider (a longer text
// wraps), and its header: on one line when it is short, else in two.
func (s sheet) columnWidth(j int, c Column) float64 {
	var content, word float64
	for _, values := range s.t.Rows {
		if j < len(values) {
			shown := s.shown(c.Kind, values[j])
			content = max(content, measure(shown))
			word = max(word, longestWord(shown))
		}
	}
	if s.sums != nil && s.sums[j] {
		content = max(content, measure(s.shown(c.Kind, s.sum(j))))
	}
	if wraps(c.Kind) {
		content = min(content, max(maxTextWidth, word))
	}
	header := measure(c.Header(s.lang))
	if header > shortHeader {
		header = twoLines(c.Header(s.lang), content)
	}
	return math.Ceil(max(max(content, header)+cellPadding, minColumnWidth))
}

// wraps reports whether the cells of a column of kind k wrap their text:
// texts do, numbers, dates and times do not.
func wraps(k Kind) bool { return !numeric(k) && k != KindDate && k != KindTime }

// shown is a value as its cell shows it.
func (s sheet) shown(k Kind, v Value) string {
	if k == KindMoney && v != nil {
		if p, ok := v.(*int64); ok && p != nil {
			v = *p
		}
		if n, ok := asInt64(v); ok {
			if s.form() {
				return grouped(n)
			}
			return scaled(n, 4) // MoneyNumFmt shows all four decimals
		}
	}
	return Format(k, v, s.lang)
}

// grouped prints yuan as WanNumFmt shows them in 万元: 123456789 is
// "12,345.68".
func grouped(yuan int64) string {
	sign := ""
	if yuan < 0 {
		sign = "-"
	}
	cents := (abs(yuan) + 50) / 100 // in 0.01 万元, rounded half away from zero
	digits := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return fmt.Sprintf("%s%s.%02d", sign, b.String(), cents%100)
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// wideWidth is the width of a wide (Chinese) character: an 11-point
// Chinese glyph is 11 points wide, a little more than two digits of the
// 11-point default font, the unit of column widths.
const wideWidth = 2.1

// runeWidth is the width of r in column-width units.
func runeWidth(r rune) float64 {
	if text.RuneWidth(r) > 1 {
		return wideWidth
	}
	return 1
}

// measure is the width of the widest line of s.
func measure(s string) float64 {
	var w float64
	for line := range strings.SplitSeq(s, "\n") {
		var n float64
		for _, r := range line {
			n += runeWidth(r)
		}
		w = max(w, n)
	}
	return w
}

// twoLines returns the narrowest width, not below least, at which header
// wraps into at most two lines.
func twoLines(header string, least float64) float64 {
	pieces := breakable(header)
	var full, longest float64
	for _, p := range pieces {
		full += p
		longest = max(longest, p)
	}
	for w := max(least, longest); w < full; w += 0.5 {
		if lines(pieces, w) <= 2 {
			return w
		}
	}
	return max(least, full)
}

// breakable splits s where a line may break, returning the pieces'
// widths: a run of narrow characters up to and with a space, or one wide
// character.
func breakable(s string) []float64 {
	var out []float64
	var run float64
	for _, r := range s {
		w := runeWidth(r)
		switch {
		case w > 1:
			if run > 0 {
				out, run = append(out, run), 0
			}
			out = append(out, w)
		case r == ' ':
			out, run = append(out, run+1), 0
		default:
			run += w
		}
	}
	if run > 0 {
		out = append(out, run)
	}
	return out
}

// longestWord is the width of the widest piece of s a line cannot break.
func longestWord(s string) float64 {
	var w float64
	for line := range strings.SplitSeq(s, "\n") {
		for _, p := range breakable(line) {
			w = max(w, p)
		}
	}
	return w
}

// textLines is how many lines s takes in a column of width w.
func textLines(s string, w float64) int {
	w -= wrapMargin
	n := 0
	for line := range strings.SplitSeq(s, "\n") {
		n += lines(breakable(line), w)
	}
	return n
}

// lines is how many lines pieces of these widths take at width w.
func lines(pieces []float64, w float64) int {
	n, line := 1, 0.0
	for _, p := range pieces {
		if line > 0 && line+p > w {
			n, line = n+1, 0
		}
		line += p
	}
	return n
}

// look is how a cell looks: the style a workbook gives it.
type look struct {
	numFmt  string // a custom number format
	builtin int    // a built-in number format, when numFmt is empty
	bold    bool
	size    float64
	color   string // the font colour
	fill    string
	align   string // horizontal alignment; "" is Excel's general
	vcenter bool
	wrap    bool
	border  bool
}

// styles are a workbook's styles, one per look.
type styles struct {
	f   *excelize.File
	ids map[look]int
	err error // the first error making a style
}

func newStyles(f *excelize.File) *styles { return &styles{f: f, ids: map[look]int{}} }

// id returns the style of look l.
func (s *styles) id(l look) int {
	if id, ok := s.ids[l]; ok || s.err != nil {
		return id
	}
	st := &excelize.Style{NumFmt: l.builtin, Alignment: &excelize.Alignment{Horizontal: l.align, WrapText: l.wrap}}
	if l.numFmt != "" {
		st.CustomNumFmt = &l.numFmt
	}
	if l.vcenter {
		st.Alignment.Vertical = "center"
	}
	if l.bold || l.size != 0 || l.color != "" {
		st.Font = &excelize.Font{Bold: l.bold, Size: l.size, Color: l.color}
	}
	if l.fill != "" {
		st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{l.fill}}
	}
	if l.border {
		for _, side := range []string{"left", "top", "right", "bottom"} {
			st.Border = append(st.Border, excelize.Border{Type: side, Color: "000000", Style: 1})
		}
	}
	id, err := s.f.NewStyle(st)
	if err != nil {
		s.err = err
		return 0
	}
	s.ids[l] = id
	return id
}

// setDocProps sets the document's title, author and language, and, with
// a date, its created and modified times to the start of that day in
// Asia/Shanghai: a workbook says when its figures are as of, not when
// it was written, so that the same report is the same file.
func setDocProps(f *excelize.File, title string, lang Lang, o XLSXOptions) error {
	p := &excelize.DocProperties{Title: title, Creator: "ledger", Language: "en-US"}
	if lang == ZH {
		p.Language = "zh-CN"
	}
	if !o.Date.IsZero() {
		p.Created = o.Date.Time(shanghai).UTC().Format(time.RFC3339)
		p.Modified = p.Created
	}
	return f.SetDocProps(p)
}

// canonicalZip copies the zip archive packed to w with its entries in
// name order: excelize writes the sheets it streamed in map order, so
// two writings of one workbook would differ. For the same reason the
// content types' defaults are sorted (a chart's drawing adds the image
// extensions in map order).
func canonicalZip(w io.Writer, packed []byte) error {
	r, err := zip.NewReader(bytes.NewReader(packed), int64(len(packed)))
	if err != nil {
		return err
	}
	files := slices.Clone(r.File)
	slices.SortFunc(files, func(a, b *zip.File) int { return strings.Compare(a.Name, b.Name) })
	zw := zip.NewWriter(w)
	for _, f := range files {
		if f.Name == contentTypes {
			if err := rewrite(zw, f, sortDefaults); err != nil {
				return err
			}
			continue
		}
		if err := zw.Copy(f); err != nil {
			return err
		}
	}
	return zw.Close()
}
