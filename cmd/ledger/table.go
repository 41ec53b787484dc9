package main

import (
	"fmt"

	"github.com/jedib0t/go-pretty/v6/table"

	"github.com/keyprojects/ledger/projections/report"
)

// newTable returns a borderless table printing to stdout whose columns line
// up with Chinese text too (wide characters count as two columns).
func (a *app) newTable(header ...any) table.Writer {
	t := table.NewWriter()
	t.SetOutputMirror(a.stdout)
	style := table.StyleDefault
	style.Options = table.OptionsNoBordersAndSeparators
	style.Options.SeparateColumns = true
	style.Box.MiddleVertical = "  "
	style.Box.PaddingLeft = ""
	style.Box.PaddingRight = ""
	t.SetStyle(style)
	t.AppendHeader(table.Row(header))
	return t
}

// render prints tables in the chosen format (an --xlsx workbook is
// written by writeWorkbook); data is what --json prints.
func (a *app) render(f *reportFlags, lang report.Lang, data any, tables []report.Table) error {
	switch {
	case a.asJSON:
		return a.printJSON(data)
	case f.csv:
		// Several tables (the bulletin's) follow one another, each with its
		// title on a line of its own and a blank line before the next; the
		// byte order mark, when asked for, starts the file only.
		for i, t := range tables {
			if i > 0 {
				fmt.Fprintln(a.stdout)
			}
			if len(tables) > 1 {
				if i == 0 && f.bom {
					fmt.Fprint(a.stdout, "\ufeff")
				}
				fmt.Fprintln(a.stdout, t.Title.In(lang))
			}
			if err := report.CSV(a.stdout, t, lang, report.CSVOptions{BOM: f.bom && len(tables) == 1}); err != nil {
				return err
			}
		}
		return nil
	case f.md:
		return report.Markdown(a.stdout, tables, lang)
	}
	for i, t := range tables {
		if i > 0 {
			fmt.Fprintln(a.stdout)
		}
		if err := report.Text(a.stdout, t, lang); err != nil {
			return err
		}
	}
	return nil
}
