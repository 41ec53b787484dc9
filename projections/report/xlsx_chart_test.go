package report_test

import (
	"archive/zip"
	"bytes"
	"html"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/keyprojects/ledger/projections"
	"github.com/keyprojects/ledger/projections/report"
)

func unitInvestmentRows() []projections.UnitInvestmentRow {
	return []projections.UnitInvestmentRow{
		{Unit: "县工信局", Year: 2026, Projects: 2, YearToDate: 12_345_000, AnnualPlan: 30_000_000},
		{Unit: "县发改局", Year: 2026, Projects: 1, YearToDate: 0, AnnualPlan: 5_000_000},
	}
}

func TestCharts(t *testing.T) {
	status := []projections.StatusRow{{Stage: "started"}, {Stage: "started"}, {Stage: "signed"}, {Stage: "terminated"}}
	units := []projections.UnitRankRow{{Unit: "县工信局", RateBP: bp(7550)}, {Unit: "县住建局"}, {Unit: "县发改局", RateBP: bp(10_000)}}
	tests := []struct {
		name       string
		chart      report.Chart
		title      string
		categories []string
		values     [][]float64
	}{
		{"stages zh", report.StageChart(status, report.ZH), "项目所处阶段分布",
			[]string{"已登记", "洽谈", "签约", "到资", "开工", "竣工", "投产", "达产", "终止"},
			[][]float64{{0, 0, 1, 0, 2, 0, 0, 0, 1}}},
		{"stages en", report.StageChart(status, report.EN), "Projects by stage",
			[]string{"registered", "negotiating", "signed", "funds received", "started", "completed", "commissioned", "full capacity", "terminated"},
			[][]float64{{0, 0, 1, 0, 2, 0, 0, 0, 1}}},
		{"investment zh", report.UnitInvestmentChart(unitInvestmentRows(), report.ZH), "各单位年度投资计划与完成情况",
			[]string{"县工信局", "县发改局"}, [][]float64{{3000, 500}, {1234.5, 0}}},
		{"investment en", report.UnitInvestmentChart(unitInvestmentRows(), report.EN), "Investment this year by unit: plan and completed",
			[]string{"县工信局", "县发改局"}, [][]float64{{3000, 500}, {1234.5, 0}}},
		{"on time: a unit with no rate left out", report.OnTimeChart(units, report.ZH), "各单位节点按期完成率",
			[]string{"县工信局", "县发改局"}, [][]float64{{75.5, 100}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.title, tc.chart.Title)
			assert.Equal(t, tc.categories, tc.chart.Categories)
			require.Len(t, tc.chart.Series, len(tc.values))
			for i, s := range tc.chart.Series {
				assert.Equal(t, tc.values[i], s.Values)
			}
		})
	}
}

func TestXLSXChartOnItsDataSheet(t *testing.T) {
	tables := []report.Table{report.StatusTable(statusRows()), report.UnitInvestmentTable(unitInvestmentRows())}
	for _, lang := range []report.Lang{report.EN, report.ZH} {
		chart := report.UnitInvestmentChart(unitInvestmentRows(), lang)
		for _, layout := range []report.Layout{report.LayoutPlain, report.LayoutForm} {
			o := report.XLSXOptions{Layout: layout, Chart: &chart}
			b := packed(t, tables, lang, o)
			for range 5 {
				require.Equal(t, b, packed(t, tables, lang, o), "the same bytes every time")
			}
			sheet := report.ChartSheetName(lang)
			f, err := excelize.OpenReader(bytes.NewReader(b))
			require.NoError(t, err)
			names := f.GetSheetList()
			assert.Equal(t, append(report.SheetNames(tables, lang), sheet), names, "the tables' sheets first, in order")
			rows, err := f.GetRows(sheet)
			require.NoError(t, err)
			assert.Equal(t, [][]string{
				{chart.Category, chart.Series[0].Name, chart.Series[1].Name},
				{"县工信局", "3000", "1234.5"},
				{"县发改局", "500", "0"},
			}, rows)
			require.NoError(t, f.Close())

			// The tables' sheets are the ones a workbook without the chart has.
			plain := packed(t, tables, lang, report.XLSXOptions{Layout: layout})
			for _, p := range []string{"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"} {
				assert.Equal(t, part(t, plain, p), part(t, b, p), p)
			}

			xml := html.UnescapeString(part(t, b, "xl/charts/chart1.xml"))
			q := "'" + sheet + "'"
			for _, ref := range []string{q + "!$A$2:$A$3", q + "!$B$2:$B$3", q + "!$C$2:$C$3", q + "!$B$1", q + "!$C$1"} {
				assert.Contains(t, xml, ref)
			}
			assert.Contains(t, xml, "<barDir val=\"col\">")
			assert.Contains(t, xml, chart.Title)
			r, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
			require.NoError(t, err)
			var charts int
			for _, f := range r.File {
				if strings.HasPrefix(f.Name, "xl/charts/chart") {
					charts++
				}
			}
			assert.Equal(t, 1, charts)
		}
	}
}

func TestXLSXWithoutAChartHasNoDataSheet(t *testing.T) {
	b := packed(t, []report.Table{report.StatusTable(statusRows())}, report.ZH)
	f, err := excelize.OpenReader(bytes.NewReader(b))
	require.NoError(t, err)
	defer f.Close()
	assert.NotContains(t, f.GetSheetList(), report.ChartSheetName(report.ZH))
}
