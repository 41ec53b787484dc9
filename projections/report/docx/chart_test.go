package docx_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/projections"
	"github.com/keyprojects/ledger/projections/report/docx"
)

const (
	chartType   = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
	chartRel    = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
	chartURI    = "http://schemas.openxmlformats.org/drawingml/2006/chart"
	textWidthEM = (11906 - 1587 - 1474) * 635 // the text's width in EMU
)

// cached returns the c:v of each c:pt of a cache, by its idx, and checks
// the cache's c:ptCount.
func cached(t *testing.T, cache *node) []string {
	t.Helper()
	require.NotNil(t, cache)
	pts := cache.all("pt")
	require.Equal(t, strconv.Itoa(len(pts)), cache.first("ptCount").attr["val"])
	out := make([]string, len(pts))
	for i, pt := range pts {
		require.Equal(t, strconv.Itoa(i), pt.attr["idx"])
		out[i] = pt.first("v").text
	}
	return out
}

// rateValues are the on-time rates of the units that have one, in per
// cent as a chart caches them.
func rateValues(units []projections.UnitRankRow) (names, values []string) {
	for _, u := range units {
		if u.RateBP != nil {
			names = append(names, u.Unit)
			values = append(values, strconv.FormatFloat(float64(*u.RateBP)/100, 'f', -1, 64))
		}
	}
	return names, values
}

func TestRankingIsChartedByOnTimeRate(t *testing.T) {
	b := bulletin()
	parts, blocks := encode(t, b, options)

	// The part, its type and the document's relationship to it.
	require.Contains(t, parts, "word/charts/chart1.xml")
	assert.Contains(t, parts["[Content_Types].xml"], `<Override PartName="/word/charts/chart1.xml" ContentType="`+chartType+`"/>`)
	var rel *node
	for _, r := range parse(t, parts["word/_rels/document.xml.rels"]).all("Relationship") {
		if r.attr["Type"] == chartRel {
			require.Nil(t, rel, "one chart")
			rel = r
		}
	}
	require.NotNil(t, rel)
	assert.Equal(t, "charts/chart1.xml", rel.attr["Target"])
	assert.Equal(t, "rId5", rel.attr["Id"], "after styles, settings, fonts and footer")

	// Drawn in line, the text's width wide, after the ranking's table and
	// note, with its caption under it.
	doc := parse(t, parts["word/document.xml"])
	inlines := doc.all("inline")
	require.Len(t, inlines, 1)
	inline := inlines[0]
	assert.Equal(t, chartURI, inline.first("graphicData").attr["uri"])
	assert.Equal(t, rel.attr["Id"], inline.first("graphicData").first("chart").attr["id"])
	assert.Equal(t, strconv.Itoa(textWidthEM), inline.first("extent").attr["cx"])
	cy, err := strconv.Atoi(inline.first("extent").attr["cy"])
	require.NoError(t, err)
	assert.GreaterOrEqual(t, cy, 6*360000, "at least 6 cm high")
	assert.Equal(t, "1", inline.first("docPr").attr["id"])
	assert.Equal(t, "本期各单位节点按期完成率", inline.first("docPr").attr["descr"])
	units := section(t, blocks, "五、单位排名")
	require.GreaterOrEqual(t, len(units), 4)
	tail := units[len(units)-3:]
	assert.Equal(t, "TableNote", tail[0].style)
	assert.Equal(t, block{style: "Chart"}, tail[1])
	assert.Equal(t, block{style: "Caption", text: "图1　本期各单位节点按期完成率"}, tail[2])
	assert.Equal(t, []string{"图1　本期各单位节点按期完成率"}, styled(blocks, "Caption"), "one chart in the notice")

	// The chart: horizontal bars, its title, the units in the ranking's
	// order and their rates, a unit with nothing due left out.
	chart := parse(t, parts["word/charts/chart1.xml"])
	assert.Equal(t, "chartSpace", chart.children[0].name)
	assert.Equal(t, "本期各单位节点按期完成率", chart.first("title").plain())
	bar := chart.first("barChart")
	require.NotNil(t, bar)
	assert.Equal(t, "bar", bar.first("barDir").attr["val"])
	assert.Equal(t, "clustered", bar.first("grouping").attr["val"])
	sers := bar.all("ser")
	require.Len(t, sers, 1)
	assert.Equal(t, []string{"按期完成率（%）"}, cached(t, sers[0].first("tx").first("strCache")))
	names, values := rateValues(b.Units)
	assert.Equal(t, []string{"县工信局", "县住建局", "县教育局", "县商务局"}, names, "the ranking without 县发改局")
	assert.Equal(t, []string{"100", "0", "0", "0"}, values)
	assert.Equal(t, names, cached(t, sers[0].first("cat").first("strCache")))
	assert.Equal(t, values, cached(t, sers[0].first("val").first("numCache")))
	assert.Equal(t, `0.00"%"`, sers[0].first("val").first("formatCode").text)
	assert.Equal(t, "1", sers[0].first("dLbls").first("showVal").attr["val"], "each bar shows its rate")
	assert.Nil(t, chart.first("externalData"), "no workbook: the caches are the data")

	// Two axes, each the other's crossing axis; categories top down; the
	// rates from 0 to 100.
	ids := bar.all("axId")
	require.Len(t, ids, 2)
	cat, val := chart.first("catAx"), chart.first("valAx")
	require.NotNil(t, cat)
	require.NotNil(t, val)
	assert.Equal(t, ids[0].attr["val"], cat.first("axId").attr["val"])
	assert.Equal(t, ids[1].attr["val"], val.first("axId").attr["val"])
	assert.Equal(t, ids[1].attr["val"], cat.first("crossAx").attr["val"])
	assert.Equal(t, ids[0].attr["val"], val.first("crossAx").attr["val"])
	assert.Equal(t, "maxMin", cat.first("orientation").attr["val"], "the first ranked on top")
	assert.Equal(t, "0", val.first("min").attr["val"])
	assert.Equal(t, "100", val.first("max").attr["val"])
	for _, ax := range []*node{cat, val} {
		assert.Equal(t, "0", ax.first("delete").attr["val"])
	}

	// Fonts the notice's font table names, for a reader to substitute.
	assert.Equal(t, "黑体", chart.first("title").first("ea").attr["typeface"])
	assert.Equal(t, "宋体", cat.first("txPr").first("ea").attr["typeface"])
	assert.Contains(t, parts["word/fontTable.xml"], `w:name="黑体"`)
	assert.Contains(t, parts["word/fontTable.xml"], `w:name="宋体"`)

	// The chart's paragraph is not held to the body's exact line pitch,
	// which would clip it.
	styles := parse(t, parts["word/styles.xml"])
	assert.Equal(t, "auto", style(t, styles, "Chart").first("spacing").attr["lineRule"])
	assert.NotNil(t, style(t, styles, "Chart").first("keepNext"), "the chart stays with its caption")
}

func TestNoChartWithoutARate(t *testing.T) {
	for name, units := range map[string][]projections.UnitRankRow{
		"no unit":          nil,
		"nothing fell due": {{Rank: 1, Unit: "县发改局"}, {Rank: 2, Unit: "县工信局", OverdueNow: 3}},
	} {
		b := bulletin()
		b.Units = units
		parts, blocks := encode(t, b, options)
		for part := range parts {
			assert.False(t, strings.HasPrefix(part, "word/charts/"), "%s: %s", name, part)
		}
		assert.NotContains(t, parts["[Content_Types].xml"], chartType, name)
		assert.NotContains(t, parts["word/_rels/document.xml.rels"], chartRel, name)
		assert.NotContains(t, parts["word/document.xml"], "<w:drawing>", name)
		assert.Empty(t, styled(blocks, "Caption"), name)
		assert.Empty(t, styled(blocks, "Chart"), name)
	}
}

func TestManyUnitsFitOnePage(t *testing.T) {
	height := func(n int) (cy, size int) {
		b := bulletin()
		b.Units = nil
		for i := range n {
			bp := int64(i * 10000 / max(n-1, 1))
			b.Units = append(b.Units, projections.UnitRankRow{Rank: i + 1, Unit: fmt.Sprintf("县第%d管理局", i+1), Due: 1, RateBP: &bp})
		}
		parts, _ := encode(t, b, options)
		chart := parse(t, parts["word/charts/chart1.xml"])
		cy, err := strconv.Atoi(parse(t, parts["word/document.xml"]).first("extent").attr["cy"])
		require.NoError(t, err)
		size, err = strconv.Atoi(chart.first("catAx").first("txPr").first("defRPr").attr["sz"])
		require.NoError(t, err)
		names, values := rateValues(b.Units)
		assert.Equal(t, names, cached(t, chart.first("cat").first("strCache")), "%d units", n)
		assert.Equal(t, values, cached(t, chart.first("val").first("numCache")), "%d units", n)
		assert.Equal(t, "1", chart.first("catAx").first("tickLblSkip").attr["val"], "every unit named")
		return cy, size
	}
	one, _ := height(1)
	ten, tenSize := height(10)
	forty, fortySize := height(40)
	hundred, hundredSize := height(100)
	textHeight := (16838 - 2098 - 1984) * 635
	assert.Equal(t, 6*360000, one, "one unit: the least height")
	assert.Greater(t, ten, one, "a bar more, the chart higher")
	assert.Greater(t, forty, ten)
	assert.Less(t, forty, textHeight, "the chart and its caption fit a page")
	assert.Equal(t, forty, hundred, "no higher than a page holds")
	assert.Equal(t, 1050, tenSize, "五号")
	assert.Less(t, fortySize, 1050, "smaller labels for many bars")
	assert.Equal(t, 600, hundredSize, "never below 6 pt")
}

func TestAnotherRateAnotherChart(t *testing.T) {
	first, err := docx.Encode(bulletin(), options)
	require.NoError(t, err)
	parts, _ := open(t, first)
	other := bulletin()
	bp := int64(5000)
	other.Units[1].RateBP = &bp
	second, err := docx.Encode(other, options)
	require.NoError(t, err)
	otherParts, _ := open(t, second)
	assert.NotEqual(t, parts["word/charts/chart1.xml"], otherParts["word/charts/chart1.xml"], "another rate, another chart")
	assert.Contains(t, otherParts["word/charts/chart1.xml"], "<c:v>50</c:v>")
}
