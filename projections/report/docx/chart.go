package docx

import (
	"strconv"
	"strings"

	"github.com/keyprojects/ledger/projections"
	"github.com/keyprojects/ledger/projections/report"
)

// A chart of the notice is a native DrawingML chart (word/charts/chartN.xml)
// drawn in line with the text: horizontal bars, one a category, the
// categories top to bottom in the order of the table the chart follows,
// each bar labelled with its value. Its labels and values are held in the
// chart part itself (c:strCache, c:numCache) and no workbook is embedded:
// Word, WPS and LibreOffice draw the chart from those caches, in their own
// fonts. There is no sheet behind the chart to edit its figures in.

// chartNS are the namespaces of a chart part.
const chartNS = `xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" ` +
	`xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" ` +
	`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`

// The chart's size in EMU (914400 an inch, 360000 a centimetre): the
// text's width, and a height that grows with the bars, as high as the
// text's height leaves room for the caption at most.
const (
	emuPerTwip     = 635
	chartWidth     = textWidth * emuPerTwip
	chartFrame     = 3 * 360000 // title, value axis and margins
	chartBar       = 7 * 36000  // 0.7 cm a category
	chartMinHeight = 6 * 360000
	chartMaxHeight = (pageHeight - marginTop - marginBottom - 3*linePitch) * emuPerTwip
)

// The chart's fonts: the title in 黑体, labels in 宋体, both named in the
// font table; sizes in hundredths of a point. The labels are 五号 while
// their lines (one and a half times the size, as the CJK fonts set them)
// fit a bar's height, smaller to 6 pt when many bars share the chart's:
// a reader leaves out every other category's label when they overlap.
const (
	chartTitleSize    = 1400 // 四号
	chartLabelSize    = 1050 // 五号
	chartLeastSize    = 600
	chartBarColour    = "2F5597"
	emuPerHundredthPt = 127
)

// labelSize is the size of the labels of a chart of n categories.
func labelSize(n int) int {
	perBar := (chartHeight(n) - chartFrame) / max(n, 1) / emuPerHundredthPt // hundredths of a point
	size := perBar * 2 / 3 / 50 * 50
	return min(max(size, chartLeastSize), chartLabelSize)
}

// figure is a chart of the notice and the caption under it, 图1　caption.
type figure struct {
	chart   report.Chart
	caption string
	// max is the value axis's maximum, 0 for the reader's choice.
	max float64
	// format is the number format of the values' labels and axis.
	format string
}

// onTimeFigure is the chart of the units' on-time rates, in the ranking's
// order; ok is false when no unit has a rate.
func onTimeFigure(units []projections.UnitRankRow) (figure, bool) {
	c := report.OnTimeChart(units, report.ZH)
	c.Title = "本期各单位节点按期完成率"
	if len(c.Categories) == 0 {
		return figure{}, false
	}
	return figure{chart: c, caption: c.Title, max: 100, format: `0.00"%"`}, true
}

// chartHeight is the chart's height in EMU for n categories.
func chartHeight(n int) int {
	return min(max(chartFrame+n*chartBar, chartMinHeight), chartMaxHeight)
}

// inline is the w:drawing of chart number n (from 1), whose part the
// document's relationship rID names.
func (f figure) inline(n int, rID string) string {
	id := strconv.Itoa(n)
	return `<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">` +
		`<wp:extent cx="` + strconv.Itoa(chartWidth) + `" cy="` + strconv.Itoa(chartHeight(len(f.chart.Categories))) + `"/>` +
		`<wp:effectExtent l="0" t="0" r="0" b="0"/>` +
		`<wp:docPr id="` + id + `" name="图表 ` + id + `" descr="` + esc(f.chart.Title) + `"/>` +
		`<wp:cNvGraphicFramePr/>` +
		`<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">` +
		`<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">` +
		`<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" r:id="` + rID + `"/>` +
		`</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>`
}

// textProps is a c:txPr of text in font at size (hundredths of a point).
func textProps(font string, size int) string {
	return `<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr>` + defRPr(font, size) + `</a:pPr><a:endParaRPr lang="zh-CN"/></a:p></c:txPr>`
}

func defRPr(font string, size int) string {
	return `<a:defRPr sz="` + strconv.Itoa(size) + `" b="0"><a:solidFill><a:srgbClr val="000000"/></a:solidFill>` +
		`<a:latin typeface="` + font + `"/><a:ea typeface="` + font + `"/></a:defRPr>`
}

// line is an a:ln of a thin line of colour.
func line(colour string) string {
	return `<a:ln w="6350"><a:solidFill><a:srgbClr val="` + colour + `"/></a:solidFill></a:ln>`
}

// chartNumber writes a value as a chart's cache holds it: the shortest
// decimal that reads back as the same float64.
func chartNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// columnName is a spreadsheet column's letters: 0 A, 1 B.
func columnName(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// part is the chart's part, word/charts/chartN.xml. Its series' c:f name
// the cells of a sheet the chart was made from, as the schema asks of a
// c:strRef and c:numRef; no workbook holds them.
func (f figure) part() string {
	c := f.chart
	n := len(c.Categories)
	labelSize := labelSize(n)
	last := strconv.Itoa(n + 1)
	var s strings.Builder
	s.WriteString(`<c:chartSpace ` + chartNS + `>`)
	s.WriteString(`<c:date1904 val="0"/><c:lang val="zh-CN"/><c:roundedCorners val="0"/>`)
	s.WriteString(`<c:chart><c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr>` + defRPr(fontHeading, chartTitleSize) + `</a:pPr>` +
		`<a:r><a:rPr lang="zh-CN" altLang="en-US" sz="` + strconv.Itoa(chartTitleSize) + `" b="0">` +
		`<a:latin typeface="` + fontHeading + `"/><a:ea typeface="` + fontHeading + `"/></a:rPr>` +
		`<a:t>` + esc(c.Title) + `</a:t></a:r></a:p></c:rich></c:tx><c:overlay val="0"/></c:title>`)
	s.WriteString(`<c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>`)
	s.WriteString(`<c:barChart><c:barDir val="bar"/><c:grouping val="clustered"/><c:varyColors val="0"/>`)
	for i, ser := range c.Series {
		col := columnName(i + 1)
		idx := strconv.Itoa(i)
		s.WriteString(`<c:ser><c:idx val="` + idx + `"/><c:order val="` + idx + `"/>`)
		s.WriteString(`<c:tx><c:strRef><c:f>Sheet1!$` + col + `$1</c:f><c:strCache><c:ptCount val="1"/>` +
			`<c:pt idx="0"><c:v>` + esc(ser.Name) + `</c:v></c:pt></c:strCache></c:strRef></c:tx>`)
		s.WriteString(`<c:spPr><a:solidFill><a:srgbClr val="` + chartBarColour + `"/></a:solidFill></c:spPr>`)
		s.WriteString(`<c:invertIfNegative val="0"/>`)
		s.WriteString(`<c:dLbls><c:numFmt formatCode="` + esc(f.format) + `" sourceLinked="0"/>` +
			`<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>` + textProps(fontPage, labelSize) +
			`<c:dLblPos val="outEnd"/><c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/>` +
			`<c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>`)
		s.WriteString(`<c:cat><c:strRef><c:f>Sheet1!$A$2:$A$` + last + `</c:f><c:strCache><c:ptCount val="` + strconv.Itoa(n) + `"/>`)
		for j, name := range c.Categories {
			s.WriteString(`<c:pt idx="` + strconv.Itoa(j) + `"><c:v>` + esc(name) + `</c:v></c:pt>`)
		}
		s.WriteString(`</c:strCache></c:strRef></c:cat>`)
		s.WriteString(`<c:val><c:numRef><c:f>Sheet1!$` + col + `$2:$` + col + `$` + last + `</c:f><c:numCache>` +
			`<c:formatCode>` + esc(f.format) + `</c:formatCode><c:ptCount val="` + strconv.Itoa(n) + `"/>`)
		for j, v := range ser.Values {
			s.WriteString(`<c:pt idx="` + strconv.Itoa(j) + `"><c:v>` + chartNumber(v) + `</c:v></c:pt>`)
		}
		s.WriteString(`</c:numCache></c:numRef></c:val></c:ser>`)
	}
	s.WriteString(`<c:gapWidth val="60"/><c:axId val="1001"/><c:axId val="1002"/></c:barChart>`)
	// The categories top down (maxMin), the value axis below them: it
	// crosses the category axis at its last category.
	s.WriteString(`<c:catAx><c:axId val="1001"/><c:scaling><c:orientation val="maxMin"/></c:scaling><c:delete val="0"/>` +
		`<c:axPos val="l"/><c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="none"/><c:minorTickMark val="none"/>` +
		`<c:tickLblPos val="nextTo"/><c:spPr>` + line("808080") + `</c:spPr>` + textProps(fontPage, labelSize) +
		`<c:crossAx val="1002"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/>` +
		`<c:tickLblSkip val="1"/><c:noMultiLvlLbl val="0"/></c:catAx>`)
	s.WriteString(`<c:valAx><c:axId val="1002"/><c:scaling><c:orientation val="minMax"/>`)
	if f.max > 0 {
		s.WriteString(`<c:max val="` + chartNumber(f.max) + `"/>`)
	}
	s.WriteString(`<c:min val="0"/></c:scaling><c:delete val="0"/><c:axPos val="b"/>` +
		`<c:majorGridlines><c:spPr>` + line("D9D9D9") + `</c:spPr></c:majorGridlines>` +
		`<c:numFmt formatCode="` + esc(strings.Replace(f.format, "0.00", "0", 1)) + `" sourceLinked="0"/>` +
		`<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>` +
		`<c:spPr>` + line("808080") + `</c:spPr>` + textProps(fontPage, labelSize) +
		`<c:crossAx val="1001"/><c:crosses val="max"/><c:crossBetween val="between"/></c:valAx>`)
	s.WriteString(`<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr></c:plotArea>`)
	s.WriteString(`<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>`)
	s.WriteString(`<c:spPr><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill><a:ln><a:noFill/></a:ln></c:spPr>`)
	s.WriteString(textProps(fontPage, labelSize))
	s.WriteString(`</c:chartSpace>`)
	return s.String()
}
