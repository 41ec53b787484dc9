package main

import (
	"github.com/jedib0t/go-pretty/v6/table"
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
