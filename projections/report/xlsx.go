package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
)

// Number formats of the workbook cells.
const (
	// MoneyNumFmt shows a cell holding integer yuan in 万元 (the plain
	// layout): the quoted "." is a literal placed before the last four
	// digits, so 18000000 shows as 1800.0000 and 12345 as 1.2345. The
	// cell keeps the exact yuan, so sums are exact but in yuan. Excel's
	// shorthand 0!.0000 is not used: excelize renders it "18000000.!0000"
	// and LibreOffice 7.4 "18000000!.0000", while this quoted form renders
	// 1800.0000 in both.
	MoneyNumFmt = `0"."0000`
	// WanNumFmt shows a cell holding 万元 (the form layout): 1800 is
	// 1,800.00.
	WanNumFmt = "#,##0.00"
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

// Layout is how a workbook lays a table out on its sheet.
type Layout int

// The layouts. Both print on landscape A4 fitted to the page width, with
// the header row repeated on every page, thin borders, page numbers in
// the footer, a frozen header with an autofilter, and lights filled in
// their colour.
const (
	// LayoutPlain starts each sheet with the header in row 1 and puts one
	// table row on each sheet row, column A holding the table's first
	// column, for programs and clerks reading the cells by position. A
	// money cell holds the exact integer yuan, shown in 万元 by
	// MoneyNumFmt. The heading, the 填报单位 and the date are printed in
	// the page header.
	LayoutPlain Layout = iota
	// LayoutForm lays each sheet out as a report form to print and send:
	// a heading row naming the table and its date, a 填报单位 line, the
	// header, a 序号 column numbering the rows, and a 合计 row under
	// them where sums mean something. A money cell holds the amount in
	// 万元 (yuan / 10,000) in format WanNumFmt, so that the clerk's own
	// SUM comes out in the unit the header names.
	LayoutForm
)

// ParseLayout reads a --layout flag: "plain" or "form" ("" means plain).
func ParseLayout(s string) (Layout, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "plain":
		return LayoutPlain, nil
	case "form":
		return LayoutForm, nil
	}
	return LayoutPlain, fmt.Errorf("layout %q is unknown; expected plain or form", s)
}

// String returns "plain" or "form".
func (l Layout) String() string {
	if l == LayoutForm {
		return "form"
	}
	return "plain"
}

// XLSXOptions say what a workbook's sheets are headed and signed with,
// and how they are laid out. The zero value is a plain workbook headed by
// its tables' titles, with no date.
type XLSXOptions struct {
	// Title heads the first sheet ("重点项目推进情况"). Empty: its table's
	// title. Every other sheet is headed by its table's title.
	Title string
	// Issuer is the office that reports the figures (填报单位), printed
	// under the heading. Empty: the line is left for the clerk to fill in
	// (the form layout) or not printed (the plain layout).
	Issuer string
	// Date is the business date the figures are as of. A heading ends
	// with it, "（截至2026年11月30日）" or " (as of 2026-11-30)", unless
	// it names that date already (a bulletin section's period does); the
	// form's 填报单位 line repeats it. Zero: no date is printed.
	Date domain.Date
	// Recorded, when set, is the time the figures count recordings up to
	// (--as-of-recorded); the date line says so.
	Recorded time.Time
	// Layout is the layout of every sheet.
	Layout Layout
	// Chart, when set, adds a sheet after the tables' (ChartSheetName)
	// holding the chart's figures and a native column chart over them.
	Chart *Chart
}

// AsOf returns o for a report on the cut and business date a query
// service resolved, so that a caller passes Resolve's answer as it is:
// o.AsOf(qs.Resolve(cut)).
func (o XLSXOptions) AsOf(cut projections.Cut, asOf domain.Date) XLSXOptions {
	o.Date, o.Recorded = asOf, cut.Recorded
	return o
}

// XLSX writes the tables to an Excel workbook at path, one worksheet per
// table; opts, at most one, head and lay out the sheets (the zero
// XLSXOptions when none is given). A sheet is named by Table.Name for EN
// and by the Chinese title for ZH, cut to Excel's 31 characters, with
// characters Excel forbids in sheet names replaced by '_' and a repeated
// name numbered.
//
// Cells are typed: Int as numbers; Money as the exact yuan shown in 万元 by
// MoneyNumFmt (LayoutPlain) or as 万元 in WanNumFmt (LayoutForm: the
// double of the exact decimal yuan / 10,000, which prints back as those
// digits); Percent as the ratio bp/10000 (a float, for display only) in
// format 0.00%; Date as a real Excel date in format yyyy-mm-dd; Time as
// an Excel date-time of the Asia/Shanghai wall clock; Text and Bool as
// strings in lang, a light filled in its colour. See Layout for how the
// sheets are laid out and printed.
//
// The bytes depend on the tables, lang and opts only: written twice, by
// the command line or by the web board, the same tables make the same
// file.
func XLSX(path string, tables []Table, lang Lang, opts ...XLSXOptions) error {
	if ext := filepath.Ext(path); !strings.EqualFold(ext, ".xlsx") {
		return fmt.Errorf("write workbook %s: the file name must end in .xlsx", path)
	}
	b, err := encodeXLSX(tables, lang, opts)
	if err == nil {
		err = os.WriteFile(path, b, 0o644)
	}
	if err != nil {
		return fmt.Errorf("write workbook %s: %w", path, err)
	}
	return nil
}

// WriteXLSX writes the workbook XLSX would save to w.
func WriteXLSX(w io.Writer, tables []Table, lang Lang, opts ...XLSXOptions) error {
	b, err := encodeXLSX(tables, lang, opts)
	if err == nil {
		_, err = w.Write(b)
	}
	if err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	return nil
}

// encodeXLSX returns the workbook's bytes.
func encodeXLSX(tables []Table, lang Lang, opts []XLSXOptions) ([]byte, error) {
	if len(opts) > 1 {
		return nil, errors.New("more than one XLSXOptions")
	}
	var o XLSXOptions
	if len(opts) == 1 {
		o = opts[0]
	}
	var packed, out bytes.Buffer
	if err := writeWorkbook(&packed, tables, lang, o); err != nil {
		return nil, err
	}
	if err := canonicalZip(&out, packed.Bytes()); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// writeWorkbook builds the tables' workbook and writes it to w as
// excelize packs it.
func writeWorkbook(w io.Writer, tables []Table, lang Lang, o XLSXOptions) (err error) {
	if len(tables) == 0 {
		return errors.New("no tables")
	}
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	st := newStyles(f)
	names := sheetNames(tables, lang)
	var headings []string
	for i, t := range tables {
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), names[0])
		} else {
			_, err = f.NewSheet(names[i])
		}
		if err != nil {
			return fmt.Errorf("sheet %q: %w", names[i], err)
		}
		s := planSheet(names[i], t, lang, o, i)
		headings = append(headings, s.heading)
		if err := writeSheet(f, s, st); err != nil {
			return fmt.Errorf("sheet %q: %w", names[i], err)
		}
	}
	if o.Chart != nil {
		if err := addChart(f, *o.Chart, lang, names); err != nil {
			return fmt.Errorf("chart: %w", err)
		}
	}
	f.SetActiveSheet(0)
	if err := setDocProps(f, headings[0], lang, o); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// value returns the cell value of v in a column of kind k, and the look
// of its cell; a nil value is an empty cell.
func value(k Kind, v Value, lang Lang, layout Layout) (any, look) {
	l := look{border: true, vcenter: true}
	if p, ok := v.(*int64); ok {
		if p == nil {
			return nil, l
		}
		v = *p
	}
	if v == nil {
		return nil, l
	}
	switch k {
	case KindInt:
		if n, ok := asInt64(v); ok {
			return n, l
		}
	case KindMoney:
		if n, ok := asInt64(v); ok {
			if layout == LayoutForm {
				l.numFmt = WanNumFmt
				return wanNumber(n), l
			}
			l.numFmt = MoneyNumFmt
			return n, l
		}
	case KindPercent:
		if n, ok := asInt64(v); ok {
			l.builtin = percentNumFmt
			return float64(n) / 10_000, l
		}
	case KindDate:
		if d, ok := v.(domain.Date); ok {
			if d.IsZero() {
				return nil, l
			}
			l.numFmt = DateNumFmt
			return d.DaysSince(excelEpoch), l
		}
		if d, ok := v.(DueDate); ok && !d.Due.IsZero() {
			// A month or a quarter is no day: the cell is its text
			// (2026年3月), as the plan sheet wrote it.
			return d.String(), l
		}
	case KindTime:
		if t, ok := v.(time.Time); ok {
			if t.IsZero() {
				return nil, l
			}
			// excelize writes the wall clock of the time's own zone.
			l.numFmt = TimeNumFmt
			return t.In(shanghai), l
		}
	}
	if light, ok := v.(projections.Light); ok {
		l.fill, l.color, l.align = lightColours[light].fill, lightColours[light].font, "center"
	}
	l.wrap = true
	if s := Format(k, v, lang); s != "" {
		return s, l
	}
	return nil, l
}

// wanNumber is yuan in 万元 as a float64: the double nearest the exact
// quotient, found by parsing its decimal digits (scaled), which Excel and
// excelize print back as those digits for any amount below 10^15 yuan.
func wanNumber(yuan int64) float64 {
	f, _ := strconv.ParseFloat(scaled(yuan, 4), 64)
	return f
}

// sheetNames returns a valid, distinct sheet name for each table.
// SheetNames are the names of the sheets a workbook of tables has in lang.
func SheetNames(tables []Table, lang Lang) []string { return sheetNames(tables, lang) }

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
