package report

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/jedib0t/go-pretty/v6/text"
	"github.com/xuri/excelize/v2"

	"github.com/keyprojects/ledger/domain"
)

// Number formats of the workbook cells.
const (
	// MoneyNumFmt shows a cell holding integer yuan in 万元: the quoted
	// "." is a literal placed before the last four digits, so 18000000
	// shows as 1800.0000 and 12345 as 1.2345. The cell keeps the exact
	// yuan, so sums and formulas stay exact (and are in yuan). Excel's
	// shorthand 0!.0000 is not used: excelize renders it "18000000.!0000"
	// and LibreOffice 7.4 "18000000!.0000", while this quoted form renders
	// 1800.0000 in both; a quoted literal is standard in Excel too.
	MoneyNumFmt = `0"."0000`
	// DateNumFmt shows a date serial as YYYY-MM-DD whatever the locale.
	DateNumFmt = "yyyy-mm-dd"
	// TimeNumFmt shows a date-time serial to the minute.
	TimeNumFmt = "yyyy-mm-dd hh:mm"
	// percentNumFmt is Excel's built-in number format 10, "0.00%".
	percentNumFmt = 10
)

// excelEpoch is day 0 of Excel's 1900 date system as Excel counts after
// February 1900: serial 1 is 1900-01-01 only because Excel believes
// 1900 was a leap year, so from March 1900 on serial n is epoch + n days.
var excelEpoch = domain.NewDate(1899, 12, 30)

// XLSX writes the tables to an Excel workbook at path, one worksheet per
// table. A sheet is named by Table.Name for EN and by the Chinese title for
// ZH, cut to Excel's 31 characters, with characters Excel forbids in sheet
// names replaced by '_' and a repeated name numbered.
//
// Each sheet has a bold, frozen header row and columns as wide as their
// contents. Cells are typed: Int as numbers; Money as the exact integer
// yuan shown in 万元 by MoneyNumFmt; Percent as the ratio bp/10000 (a
// float, for display only) in format 0.00%; Date as a real Excel date in
// format yyyy-mm-dd; Time as an Excel date-time of the Asia/Shanghai wall
// clock; Text and Bool as strings in lang.
func XLSX(path string, tables []Table, lang Lang) (err error) {
	f, err := workbook(tables, lang)
	if err != nil {
		return fmt.Errorf("write workbook %s: %w", path, err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("write workbook %s: %w", path, cerr)
		}
	}()
	if err := f.SaveAs(path); err != nil {
		return fmt.Errorf("write workbook %s: %w", path, err)
	}
	return nil
}

// WriteXLSX writes the workbook XLSX would save to w.
func WriteXLSX(w io.Writer, tables []Table, lang Lang) (err error) {
	f, err := workbook(tables, lang)
	if err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("write workbook: %w", cerr)
		}
	}()
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	return nil
}

// workbook builds the tables' workbook.
func workbook(tables []Table, lang Lang) (*excelize.File, error) {
	if len(tables) == 0 {
		return nil, errors.New("no tables")
	}
	f := excelize.NewFile()
	st, err := newStyles(f)
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	names := sheetNames(tables, lang)
	for i, t := range tables {
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), names[0])
		} else {
			_, err = f.NewSheet(names[i])
		}
		if err == nil {
			err = writeSheet(f, names[i], t, lang, st)
		}
		if err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("sheet %q: %w", names[i], err)
		}
	}
	f.SetActiveSheet(0)
	return f, nil
}

// styles are the style ids of a workbook.
type styles struct {
	header, money, percent, date, time int
}

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	var err error
	custom := func(code string) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(&excelize.Style{CustomNumFmt: &code})
		return id
	}
	s.money, s.date, s.time = custom(MoneyNumFmt), custom(DateNumFmt), custom(TimeNumFmt)
	if err != nil {
		return s, err
	}
	if s.percent, err = f.NewStyle(&excelize.Style{NumFmt: percentNumFmt}); err != nil {
		return s, err
	}
	s.header, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	return s, err
}

// writeSheet streams t into the existing sheet name.
func writeSheet(f *excelize.File, name string, t Table, lang Lang, st styles) error {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	for j, c := range t.Columns {
		if err := sw.SetColWidth(j+1, j+1, columnWidth(t, j, c, lang)); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	row := make([]any, len(t.Columns))
	for j, c := range t.Columns {
		row[j] = excelize.Cell{StyleID: st.header, Value: c.Header(lang)}
	}
	if err := sw.SetRow("A1", row); err != nil {
		return err
	}
	for i, values := range t.Rows {
		row := make([]any, len(t.Columns))
		for j, c := range t.Columns {
			if j < len(values) {
				row[j] = cell(c.Kind, values[j], lang, st)
			}
		}
		if err := sw.SetRow("A"+strconv.Itoa(i+2), row); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// cell returns the typed cell of one value; nil is an empty cell.
func cell(k Kind, v Value, lang Lang, st styles) any {
	if p, ok := v.(*int64); ok {
		if p == nil {
			return nil
		}
		v = *p
	}
	if v == nil {
		return nil
	}
	switch k {
	case KindInt:
		if n, ok := asInt64(v); ok {
			return n
		}
	case KindMoney:
		if n, ok := asInt64(v); ok {
			return excelize.Cell{StyleID: st.money, Value: n}
		}
	case KindPercent:
		if n, ok := asInt64(v); ok {
			return excelize.Cell{StyleID: st.percent, Value: float64(n) / 10_000}
		}
	case KindDate:
		if d, ok := v.(domain.Date); ok {
			if d.IsZero() {
				return nil
			}
			return excelize.Cell{StyleID: st.date, Value: d.DaysSince(excelEpoch)}
		}
		if d, ok := v.(DueDate); ok && !d.Due.IsZero() {
			// A month or a quarter is no day: the cell is its text
			// (2026年3月), as the plan sheet wrote it.
			return d.String()
		}
	case KindTime:
		if t, ok := v.(time.Time); ok {
			if t.IsZero() {
				return nil
			}
			// excelize writes the wall clock of the time's own zone.
			return excelize.Cell{StyleID: st.time, Value: t.In(shanghai)}
		}
	}
	if s := Format(k, v, lang); s != "" {
		return s
	}
	return nil
}

// columnWidth returns a width in Excel character units that fits column j
// of t: the widest of its header and values, wide characters counting
// two, plus a margin, at most 60.
func columnWidth(t Table, j int, c Column, lang Lang) float64 {
	w := text.StringWidthWithoutEscSequences(c.Header(lang))
	for _, values := range t.Rows {
		if j >= len(values) {
			continue
		}
		s := Format(c.Kind, values[j], lang)
		if c.Kind == KindMoney && s != "" {
			if n, ok := asInt64(values[j]); ok {
				s = scaled(n, 4) // the workbook shows all four decimals
			}
		}
		w = max(w, text.StringWidthWithoutEscSequences(s))
	}
	return float64(min(w+2, 60))
}

// sheetNames returns a valid, distinct sheet name for each table.
func sheetNames(tables []Table, lang Lang) []string {
	names := make([]string, len(tables))
	taken := map[string]bool{}
	for i, t := range tables {
		base := t.Name
		if lang == ZH && t.Title.ZH != "" {
			base = t.Title.ZH
		}
		base = strings.Map(func(r rune) rune {
			if strings.ContainsRune(`:\/?*[]`, r) {
				return '_'
			}
			return r
		}, base)
		base = strings.Trim(base, "' ")
		if base == "" {
			base = "Sheet" + strconv.Itoa(i+1)
		}
		name := strings.TrimRight(cut(base, excelize.MaxSheetNameLength), "'")
		for n := 2; taken[strings.ToLower(name)]; n++ { // Excel compares sheet names case-insensitively
			suffix := "(" + strconv.Itoa(n) + ")"
			name = cut(base, excelize.MaxSheetNameLength-len(suffix)) + suffix
		}
		taken[strings.ToLower(name)] = true
		names[i] = name
	}
	return names
}

// cut returns the longest prefix of s of at most n UTF-16 code units, the
// measure Excel limits sheet names by.
func cut(s string, n int) string {
	units := 0
	for i, r := range s {
		units += utf16.RuneLen(r)
		if units > n {
			return s[:i]
		}
	}
	return s
}
