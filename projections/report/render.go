package report

import (
	"encoding/csv"
	"fmt"
	"io"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
)

// numeric reports whether a kind's values are right-aligned.
func numeric(k Kind) bool { return k == KindInt || k == KindMoney || k == KindPercent }

// headers returns the table's header row in lang.
func headers(t Table, lang Lang) []string {
	h := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		h[i] = c.Header(lang)
	}
	return h
}

// cells returns row i of t formatted in lang; a row shorter than the
// columns is padded with empty cells.
func cells(t Table, i int, lang Lang) []string {
	out := make([]string, len(t.Columns))
	for j, c := range t.Columns {
		if j < len(t.Rows[i]) {
			out[j] = Format(c.Kind, t.Rows[i][j], lang)
		}
	}
	return out
}

// writer returns a go-pretty table holding t, numbers right-aligned.
func writer(t Table, lang Lang) table.Writer {
	w := table.NewWriter()
	w.AppendHeader(toRow(headers(t, lang)))
	for i := range t.Rows {
		w.AppendRow(toRow(cells(t, i, lang)))
	}
	// Explicit alignment: go-pretty would otherwise guess from the
	// contents (and right-align every column of a table with no rows).
	configs := make([]table.ColumnConfig, len(t.Columns))
	for j, c := range t.Columns {
		align := text.AlignLeft
		if numeric(c.Kind) {
			align = text.AlignRight
		}
		configs[j] = table.ColumnConfig{Number: j + 1, Align: align, AlignHeader: align}
	}
	w.SetColumnConfigs(configs)
	return w
}

func toRow(s []string) table.Row {
	r := make(table.Row, len(s))
	for i, v := range s {
		r[i] = v
	}
	return r
}

// Text writes t as an aligned plain-text table under a title line: no
// borders, a header row, columns two spaces apart, numbers right-aligned
// and no trailing spaces. Chinese characters count as two columns, so
// columns line up in a terminal with a CJK-aware font.
func Text(w io.Writer, t Table, lang Lang) error {
	tw := writer(t, lang)
	style := table.StyleDefault
	style.Options = table.OptionsNoBordersAndSeparators
	style.Options.SeparateColumns = true
	style.Box.MiddleVertical = "  "
	style.Box.PaddingLeft = ""
	style.Box.PaddingRight = ""
	style.Format.Header = text.FormatDefault // labels as written, not upper-cased
	tw.SetStyle(style)
	tw.SuppressTrailingSpaces()
	if len(t.Rows) == 0 {
		// A section with nothing in it says so, rather than print a
		// header over nothing.
		_, err := fmt.Fprintf(w, "%s\n%s\n", t.Title.In(lang), Label{"none", "无"}.In(lang))
		return err
	}
	if _, err := fmt.Fprintf(w, "%s\n%s\n", t.Title.In(lang), tw.Render()); err != nil {
		return fmt.Errorf("write table %s: %w", t.Name, err)
	}
	return nil
}

// Markdown writes the tables as GitHub-flavoured Markdown: a level-two
// heading with each table's title, then the table, numbers right-aligned.
func Markdown(w io.Writer, tables []Table, lang Lang) error {
	for i, t := range tables {
		sep := "\n"
		if i == 0 {
			sep = ""
		}
		body := writer(t, lang).RenderMarkdown()
		if len(t.Rows) == 0 {
			body = Label{"None.", "无。"}.In(lang)
		}
		if _, err := fmt.Fprintf(w, "%s## %s\n\n%s\n", sep, t.Title.In(lang), body); err != nil {
			return fmt.Errorf("write table %s: %w", t.Name, err)
		}
	}
	return nil
}

// CSVOptions tune CSV output.
type CSVOptions struct {
	// BOM starts the output with a UTF-8 byte-order mark (EF BB BF).
	// Excel, notably on Chinese Windows, reads a CSV file without one in
	// the local code page (GBK) and garbles the Chinese; with it, Excel
	// reads UTF-8. Leave it off for programs that do not expect a BOM.
	BOM bool
}

// CSV writes t as CSV (RFC 4180 quoting, LF line ends): a header row of
// column labels, then the rows, each value printed as Text prints it (money
// in 万元). There is no title row.
func CSV(w io.Writer, t Table, lang Lang, o CSVOptions) error {
	if o.BOM {
		if _, err := io.WriteString(w, "\uFEFF"); err != nil {
			return fmt.Errorf("write table %s: %w", t.Name, err)
		}
	}
	cw := csv.NewWriter(w)
	_ = cw.Write(headers(t, lang))
	for i := range t.Rows {
		_ = cw.Write(cells(t, i, lang))
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write table %s: %w", t.Name, err)
	}
	return nil
}

// Headers returns the table's header row in lang, as every renderer
// prints it.
func Headers(t Table, lang Lang) []string { return headers(t, lang) }

// Cells returns row i of t formatted in lang, as every renderer prints it.
func Cells(t Table, i int, lang Lang) []string { return cells(t, i, lang) }

// Numeric reports whether a column of kind k holds numbers, which
// renderers right-align.
func Numeric(k Kind) bool { return numeric(k) }

// Term returns one of the ledger's codes (a light, milestone, stage,
// kind, flag or period) as the tables print it in lang: "红灯", "签约".
func Term(v Value, lang Lang) string { return textOf(v, lang) }
