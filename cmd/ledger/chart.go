package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/keyprojects/ledger/projections"
	"github.com/keyprojects/ledger/projections/query"
	"github.com/keyprojects/ledger/projections/report"
	"github.com/keyprojects/ledger/projections/report/chart"
)

// The charts of the report commands: --chart FILE.svg writes the report's
// chart alone; --xlsx FILE --xlsx-chart adds it to the workbook as a native
// chart on a data sheet after the tables (without --xlsx-chart the
// workbook keeps its sheets as they are, for programs that read them by
// position).

// chartKind is the chart a report command draws.
type chartKind int

const (
	chartNone           chartKind = iota
	chartStages                   // status: projects by stage
	chartUnitInvestment           // investment --by unit: plan and completed by unit
	chartOnTime                   // bulletin: on-time rate by unit
)

// checkChart refuses --chart and --xlsx-chart before anything is read or
// written: a file name not ending in .svg, a report with no chart, another
// format asked for with --chart, --xlsx-chart without --xlsx.
func (a *app) checkChart(f *reportFlags) error {
	if f.xlsxChart {
		if f.xlsx == "" {
			return usageError{errors.New("--xlsx-chart adds the chart to the workbook: give --xlsx FILE")}
		}
		if f.charts == chartNone {
			return usageError{errors.New("--xlsx-chart: this report has no chart; status, investment --by unit and bulletin have one")}
		}
	}
	if f.chart == "" {
		return nil
	}
	if !strings.EqualFold(filepath.Ext(f.chart), ".svg") {
		return usageError{fmt.Errorf("--chart %s: the file name must end in .svg", f.chart)}
	}
	if f.charts == chartNone {
		return usageError{errors.New("--chart: this report has no chart; status, investment --by unit and bulletin have one")}
	}
	if countTrue(f.csv, f.md, f.xlsx != "", f.docx != "", a.asJSON) > 0 {
		return usageError{errors.New("--chart writes the chart alone: leave out --json, --csv, --md, --xlsx and --docx")}
	}
	return nil
}

// chartOf returns the chart of kind k drawn from a report's data: its own
// read model, or the workbook's for --xlsx.
func chartOf(k chartKind, data any, lang report.Lang) (report.Chart, bool) {
	switch d := data.(type) {
	case query.Workbook:
		switch k {
		case chartStages:
			return report.StageChart(d.Status, lang), true
		case chartUnitInvestment:
			return report.UnitInvestmentChart(d.UnitInvestment, lang), true
		}
	case []projections.StatusRow:
		if k == chartStages {
			return report.StageChart(d, lang), true
		}
	case []projections.UnitInvestmentRow:
		if k == chartUnitInvestment {
			return report.UnitInvestmentChart(d, lang), true
		}
	case projections.Bulletin:
		if k == chartOnTime {
			return report.OnTimeChart(d.Units, lang), true
		}
	}
	return report.Chart{}, false
}

// workbookChart returns the chart the --xlsx workbook of the report holds:
// nil without --xlsx-chart.
func (f *reportFlags) workbookChart(data any, lang report.Lang) *report.Chart {
	if !f.xlsxChart {
		return nil
	}
	if c, ok := chartOf(f.charts, data, lang); ok {
		return &c
	}
	return nil
}

// writeChart writes the report's chart to the --chart file.
func (a *app) writeChart(f *reportFlags, data any, lang report.Lang) error {
	c, ok := chartOf(f.charts, data, lang)
	if !ok {
		return usageError{errors.New("--chart: this report has no chart")}
	}
	if err := chart.Write(f.chart, c); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "wrote %s (chart: %s)\n", f.chart, c.Title)
	return nil
}
