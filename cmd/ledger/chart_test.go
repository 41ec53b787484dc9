package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
	"github.com/keyprojects/ledger/projections/report"
)

// svgBars reads a chart's SVG as XML and returns its bars' values by
// series and category.
func svgBars(t *testing.T, path string) map[int]map[string]float64 {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	bars := map[int]map[string]float64{}
	dec := xml.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return bars
		}
		require.NoError(t, err)
		el, ok := tok.(xml.StartElement)
		if !ok || el.Name.Local != "rect" {
			continue
		}
		attrs := map[string]string{}
		for _, a := range el.Attr {
			attrs[a.Name.Local] = a.Value
		}
		if attrs["class"] != "bar" {
			continue
		}
		s, err := strconv.Atoi(attrs["data-series"])
		require.NoError(t, err)
		v, err := strconv.ParseFloat(attrs["data-value"], 64)
		require.NoError(t, err)
		if bars[s] == nil {
			bars[s] = map[string]float64{}
		}
		bars[s][attrs["data-category"]] = v
	}
}

func TestStatusChartCountsTheStagesStatusPrints(t *testing.T) {
	c := newDemoCLI(t)
	c.ok("demo")
	var rows []projections.StatusRow
	require.NoError(t, json.Unmarshal([]byte(c.ok("status", "--as-of", "2026-11-30", "--json")), &rows))
	require.NotEmpty(t, rows)
	counts := map[string]float64{}
	for _, r := range rows {
		counts[r.Stage]++
	}
	for _, tc := range []struct {
		lang string
		name func(stage string) string
	}{
		{"en", func(s string) string { return strings.ReplaceAll(s, "_", " ") }},
		{"zh", func(s string) string { return domain.EventType(s).Chinese() }},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "stages.svg")
			out := c.ok("status", "--as-of", "2026-11-30", "--lang", tc.lang, "--chart", path)
			assert.Contains(t, out, "wrote "+path)
			bars := svgBars(t, path)
			require.Len(t, bars, 1)
			var total float64
			for stage, n := range counts {
				assert.Equal(t, n, bars[0][tc.name(stage)], stage)
			}
			for _, v := range bars[0] {
				total += v
			}
			assert.Equal(t, float64(len(rows)), total, "every project in one bar")
		})
	}
}

func TestInvestmentAndBulletinCharts(t *testing.T) {
	c := newDemoCLI(t)
	c.ok("demo")
	dir := t.TempDir()

	var inv []projections.UnitInvestmentRow
	require.NoError(t, json.Unmarshal([]byte(c.ok("investment", "--by", "unit", "--as-of", "2026-11-30", "--json")), &inv))
	path := filepath.Join(dir, "investment.svg")
	c.ok("investment", "--by", "unit", "--as-of", "2026-11-30", "--chart", path)
	bars := svgBars(t, path)
	require.Len(t, bars, 2, "plan and completed")
	units := 0
	for _, r := range inv {
		if r.Unit == "" {
			continue
		}
		units++
		assert.InDelta(t, float64(r.AnnualPlan)/10_000, bars[0][r.Unit], 1e-6, r.Unit)
		assert.InDelta(t, float64(r.YearToDate)/10_000, bars[1][r.Unit], 1e-6, r.Unit)
	}
	assert.Len(t, bars[0], units)

	var b projections.Bulletin
	require.NoError(t, json.Unmarshal([]byte(c.ok("bulletin", "--period", "month", "--as-of", "2026-11-30", "--json")), &b))
	path = filepath.Join(dir, "ontime.svg")
	c.ok("bulletin", "--period", "month", "--as-of", "2026-11-30", "--chart", path)
	bars = svgBars(t, path)
	rated := map[string]float64{}
	for _, u := range b.Units {
		if u.RateBP != nil {
			rated[u.Unit] = float64(*u.RateBP) / 100
		}
	}
	require.NotEmpty(t, rated)
	assert.Equal(t, rated, bars[0], "units with no rate left out")
}

func TestWorkbooksHoldTheirChart(t *testing.T) {
	c := newDemoCLI(t)
	c.ok("demo")
	dir := t.TempDir()
	for _, tc := range []struct {
		args  []string
		lang  report.Lang
		title string
	}{
		{[]string{"status", "--lang", "zh"}, report.ZH, "项目所处阶段分布"},
		{[]string{"investment", "--by", "unit", "--lang", "en"}, report.EN, "Investment this year by unit: plan and completed"},
		{[]string{"bulletin", "--lang", "zh"}, report.ZH, "各单位节点按期完成率"},
	} {
		t.Run(tc.args[0], func(t *testing.T) {
			path := filepath.Join(dir, tc.args[0]+".xlsx")
			c.ok(append(tc.args, "--as-of", "2026-11-30", "--xlsx", path, "--xlsx-chart")...)
			f, err := excelize.OpenFile(path)
			require.NoError(t, err)
			defer f.Close()
			sheets := f.GetSheetList()
			assert.Equal(t, report.ChartSheetName(tc.lang), sheets[len(sheets)-1], "the data sheet after the tables")

			// Without --xlsx-chart the workbook has the tables' sheets only,
			// the same and in the same order.
			plain := filepath.Join(dir, tc.args[0]+"-plain.xlsx")
			c.ok(append(tc.args, "--as-of", "2026-11-30", "--xlsx", plain)...)
			g, err := excelize.OpenFile(plain)
			require.NoError(t, err)
			defer g.Close()
			assert.Equal(t, g.GetSheetList(), sheets[:len(sheets)-1])
			zr, err := zip.OpenReader(path)
			require.NoError(t, err)
			defer zr.Close()
			r, err := zr.Open("xl/charts/chart1.xml")
			require.NoError(t, err)
			b, err := io.ReadAll(r)
			require.NoError(t, err)
			assert.Contains(t, string(b), tc.title)
		})
	}
}

func TestChartRefusals(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	svg := filepath.Join(dir, "chart.svg")
	for _, tc := range []struct {
		args []string
		want string
		file string
	}{
		{[]string{"status", "--chart", filepath.Join(dir, "chart.png")}, "must end in .svg", filepath.Join(dir, "chart.png")},
		{[]string{"status", "--chart", filepath.Join(dir, "chart")}, "must end in .svg", filepath.Join(dir, "chart")},
		{[]string{"overdue", "--chart", svg}, "has no chart", svg},
		{[]string{"scoreboard", "--chart", svg}, "has no chart", svg},
		{[]string{"investment", "--chart", svg}, "has no chart", svg},
		{[]string{"status", "--chart", svg, "--json"}, "--chart writes the chart alone", svg},
		{[]string{"status", "--chart", svg, "--xlsx", filepath.Join(dir, "x.xlsx")}, "--chart writes the chart alone", filepath.Join(dir, "x.xlsx")},
		{[]string{"bulletin", "--chart", svg, "--docx", filepath.Join(dir, "x.docx")}, "--chart writes the chart alone", filepath.Join(dir, "x.docx")},
		{[]string{"status", "--xlsx-chart"}, "give --xlsx FILE", svg},
		{[]string{"overdue", "--xlsx", filepath.Join(dir, "x.xlsx"), "--xlsx-chart"}, "has no chart", filepath.Join(dir, "x.xlsx")},
		{[]string{"investment", "--xlsx", filepath.Join(dir, "x.xlsx"), "--xlsx-chart"}, "has no chart", filepath.Join(dir, "x.xlsx")},
	} {
		code, out, errs := c.run(tc.args...)
		assert.NotEqual(t, 0, code, "%v", tc.args)
		assert.Empty(t, out, "%v", tc.args)
		assert.Contains(t, errs, tc.want, "%v", tc.args)
		assert.Equal(t, 1, strings.Count(errs, "\n"), "%v: %s", tc.args, errs)
		for _, p := range []string{svg, tc.file} {
			_, err := os.Stat(p)
			assert.True(t, os.IsNotExist(err), "%v: %s written", tc.args, p)
		}
	}
}
