package board

import (
	"bytes"
	"fmt"
	"net/http"

	"github.com/keyprojects/ledger/projections/report"
)

// download answers a report's tables as a file: CSV with a byte order mark
// (as `ledger <report> --csv --bom` prints it, for Excel on Chinese
// Windows) or an XLSX workbook (as `--xlsx` writes it), of every row the
// page's filters keep, not only the page shown.
func (s *Server) download(name string, tables func(*http.Request, params) ([]report.Table, uint64, error), format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := readParams(r)
		if err == nil {
			err = scope(r, &p)
		}
		var ts []report.Table
		if err == nil {
			ts, _, err = tables(r, p)
		}
		if err != nil {
			s.fail(w, r, p.lang, err)
			return
		}
		var b bytes.Buffer
		switch format {
		case "csv":
			err = writeCSV(&b, ts, p.lang)
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		default:
			err = report.WriteXLSX(&b, ts, p.lang, report.XLSXOptions{Layout: report.LayoutForm}.AsOf(s.qs.Resolve(p.report.Cut)))
			w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		}
		if err != nil {
			s.fail(w, r, p.lang, err)
			return
		}
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name+"."+format))
		_, _ = w.Write(b.Bytes())
	}
}

// writeCSV writes tables as the CLI's --csv --bom does: one table as it
// is; several (a bulletin's) each under its title, a blank line between.
func writeCSV(b *bytes.Buffer, ts []report.Table, lang report.Lang) error {
	for i, t := range ts {
		if i > 0 {
			b.WriteString("\n")
		}
		if len(ts) > 1 {
			if i == 0 {
				b.WriteString("\ufeff")
			}
			b.WriteString(t.Title.In(lang) + "\n")
		}
		if err := report.CSV(b, t, lang, report.CSVOptions{BOM: len(ts) == 1}); err != nil {
			return err
		}
	}
	return nil
}
