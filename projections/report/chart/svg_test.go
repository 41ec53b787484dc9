package chart_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/projections"
	"github.com/keyprojects/ledger/projections/report"
	"github.com/keyprojects/ledger/projections/report/chart"
)

// Bar is a bar of a drawn chart.
type Bar struct {
	Series   int
	Category string
	Value    float64
	Height   float64
}

// drawn is what a chart's SVG holds: its bars and its texts by class.
type drawn struct {
	Bars  []Bar
	Texts map[string][]string
	Fonts []string
}

// parse reads the SVG with encoding/xml, failing on anything that is not
// well-formed XML.
func parse(t *testing.T, svg []byte) drawn {
	t.Helper()
	d := drawn{Texts: map[string][]string{}}
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var class string
	var inText bool
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		switch el := tok.(type) {
		case xml.StartElement:
			attrs := map[string]string{}
			for _, a := range el.Attr {
				attrs[a.Name.Local] = a.Value
			}
			if f, ok := attrs["font-family"]; ok {
				d.Fonts = append(d.Fonts, f)
			}
			switch {
			case el.Name.Local == "rect" && attrs["class"] == "bar":
				s, err := strconv.Atoi(attrs["data-series"])
				require.NoError(t, err)
				v, err := strconv.ParseFloat(attrs["data-value"], 64)
				require.NoError(t, err)
				h, err := strconv.ParseFloat(attrs["height"], 64)
				require.NoError(t, err)
				d.Bars = append(d.Bars, Bar{Series: s, Category: attrs["data-category"], Value: v, Height: h})
			case el.Name.Local == "text":
				class, inText = attrs["class"], true
			}
		case xml.CharData:
			if inText {
				d.Texts[class] = append(d.Texts[class], string(el))
			}
		case xml.EndElement:
			if el.Name.Local == "text" {
				inText = false
			}
		}
	}
	return d
}

func draw(t *testing.T, c report.Chart) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, chart.SVG(&b, c))
	return b.Bytes()
}

func rate(bp int64) *int64 { return &bp }

func TestSVG(t *testing.T) {
	status := []projections.StatusRow{{Stage: "started"}, {Stage: "started"}, {Stage: "started"}, {Stage: "signed"}, {Stage: "full_capacity"}}
	invest := []projections.UnitInvestmentRow{
		{Unit: "县工信局", AnnualPlan: 30_000_000, YearToDate: 12_000_000},
		{Unit: "县发改局", AnnualPlan: 5_000_000, YearToDate: 6_000_000},
	}
	units := []projections.UnitRankRow{{Unit: "县工信局", RateBP: rate(5000)}, {Unit: "县住建局"}, {Unit: "县发改局", RateBP: rate(10_000)}}
	tests := []struct {
		name   string
		chart  report.Chart
		title  string
		unit   string
		bars   int
		labels []string
		legend []string
	}{
		{"stages zh", report.StageChart(status, report.ZH), "项目所处阶段分布", "个", 8,
			[]string{"已登记", "洽谈", "签约", "到资", "开工", "竣工", "投产", "达产"}, []string{"项目数"}},
		{"stages en", report.StageChart(status, report.EN), "Projects by stage", "projects", 8,
			[]string{"registered", "negotiating", "signed", "funds received", "started", "completed", "commissioned", "full capacity"}, []string{"Projects"}},
		{"investment zh", report.UnitInvestmentChart(invest, report.ZH), "各单位年度投资计划与完成情况", "万元", 4,
			[]string{"县工信局", "县发改局"}, []string{"年度计划", "累计完成"}},
		{"investment en", report.UnitInvestmentChart(invest, report.EN), "Investment this year by unit: plan and completed", "10k yuan", 4,
			[]string{"县工信局", "县发改局"}, []string{"Annual plan", "Completed"}},
		{"on time zh", report.OnTimeChart(units, report.ZH), "各单位节点按期完成率", "%", 2,
			[]string{"县工信局", "县发改局"}, []string{"按期完成率（%）"}},
		{"on time en", report.OnTimeChart(units, report.EN), "On-time rate by unit", "%", 2,
			[]string{"县工信局", "县发改局"}, []string{"On-time rate (%)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svg := draw(t, tc.chart)
			assert.Equal(t, svg, draw(t, tc.chart), "the same bytes every time")
			d := parse(t, svg)
			assert.Equal(t, []string{tc.title}, d.Texts["title"])
			assert.Equal(t, []string{tc.unit}, d.Texts["unit"])
			assert.Equal(t, tc.labels, d.Texts["category"])
			assert.Equal(t, tc.legend, d.Texts["legend"])
			assert.Equal(t, []string{chart.FontFamily}, d.Fonts)
			require.Len(t, d.Bars, tc.bars)
			g := chart.Axis(tc.chart)
			var top float64
			for _, b := range d.Bars {
				s := tc.chart.Series[b.Series]
				i := indexOf(tc.chart.Categories, b.Category)
				require.GreaterOrEqual(t, i, 0, b.Category)
				assert.Equal(t, s.Values[i], b.Value)
				assert.InDelta(t, b.Value*g.Scale, b.Height, 0.01, "%s %s: height proportional to the value", s.Name, b.Category)
				top = max(top, b.Height)
			}
			assert.InDelta(t, 280*(maxValue(tc.chart)/g.Max), top, 0.01)
			assert.GreaterOrEqual(t, g.Max, maxValue(tc.chart))
			assert.NotEmpty(t, d.Texts["tick"])
		})
	}
}

func TestSVGNumbers(t *testing.T) {
	status := []projections.StatusRow{{Stage: "started"}, {Stage: "started"}, {Stage: "started"}, {Stage: "signed"}}
	d := parse(t, draw(t, report.StageChart(status, report.EN)))
	heights := map[string]float64{}
	for _, b := range d.Bars {
		heights[b.Category] = b.Height
	}
	// Three projects started, one signed: the axis runs to 3 in steps of
	// 1, 280 pixels high.
	g := chart.Axis(report.StageChart(status, report.EN))
	assert.Equal(t, chart.Geometry{Max: 3, Step: 1, Scale: 280.0 / 3}, g)
	assert.InDelta(t, 280, heights["started"], 0.01)
	assert.InDelta(t, 280.0/3, heights["signed"], 0.01)
	assert.Zero(t, heights["registered"])
	assert.Equal(t, []string{"0", "1", "2", "3"}, d.Texts["tick"])

	inv := report.UnitInvestmentChart([]projections.UnitInvestmentRow{{Unit: "A", AnnualPlan: 30_000_000, YearToDate: 12_000_000}}, report.EN)
	g = chart.Axis(inv)
	assert.Equal(t, 3000.0, g.Max)
	assert.Equal(t, 1000.0, g.Step)
	d = parse(t, draw(t, inv))
	require.Len(t, d.Bars, 2)
	assert.InDelta(t, 280, d.Bars[0].Height, 0.01)
	assert.InDelta(t, 112, d.Bars[1].Height, 0.01)
	assert.Equal(t, []string{"3000.00", "1200.00"}, d.Texts["value"])
}

func TestSVGEscapesText(t *testing.T) {
	c := report.Chart{Title: `R&D <"中心">`, Axis: "a<b", Categories: []string{`x & y's <unit>`}, Series: []report.Series{{Name: "s&t", Values: []float64{2}}}}
	svg := draw(t, c)
	assert.NotContains(t, string(svg), "<unit>")
	d := parse(t, svg)
	assert.Equal(t, []string{`R&D <"中心">`}, d.Texts["title"])
	assert.Equal(t, []string{"a<b"}, d.Texts["unit"])
	assert.Equal(t, []string{`x & y's <unit>`}, d.Texts["category"])
	assert.Equal(t, `x & y's <unit>`, d.Bars[0].Category)
	assert.Equal(t, []string{"s&t"}, d.Texts["legend"])
}

func TestSVGWithoutBars(t *testing.T) {
	d := parse(t, draw(t, report.OnTimeChart(nil, report.ZH)))
	assert.Empty(t, d.Bars)
	assert.Equal(t, []string{"各单位节点按期完成率"}, d.Texts["title"])
}

func TestWriteRefusesANameNotEndingInSVG(t *testing.T) {
	dir := t.TempDir()
	c := report.StageChart(nil, report.EN)
	err := chart.Write(filepath.Join(dir, "chart.png"), c)
	require.ErrorContains(t, err, ".svg")
	_, err = os.Stat(filepath.Join(dir, "chart.png"))
	assert.True(t, os.IsNotExist(err))
	require.NoError(t, chart.Write(filepath.Join(dir, "chart.SVG"), c))
	b, err := os.ReadFile(filepath.Join(dir, "chart.SVG"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(b), "<?xml"))
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

func maxValue(c report.Chart) float64 {
	var m float64
	for _, s := range c.Series {
		for _, v := range s.Values {
			m = max(m, v)
		}
	}
	return m
}
