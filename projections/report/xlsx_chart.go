package report

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
)

// Chart is a bar chart of a report in one language: a value per category
// for each series. A workbook holds it as a native chart over the cells of
// its data sheet (XLSXOptions.Chart); projections/report/chart draws it
// as SVG.
type Chart struct {
	// Title heads the chart.
	Title string
	// Axis names the values' unit: 个, 万元, %.
	Axis string
	// Category heads the categories' column on the data sheet.
	Category string
	// Categories are the bars' labels, in order.
	Categories []string
	// Series hold one value per category each.
	Series []Series
	// Decimals is how many decimals a value is shown with.
	Decimals int
}

// Series is one set of bars of a chart.
type Series struct {
	Name   string
	Values []float64
}

// chartStages are the stages the stage chart has a bar for, projects or
// not, in lifecycle order; a project at another stage adds its own bar.
var chartStages = []domain.EventType{domain.Registered, domain.Negotiating, domain.Signed, domain.FundsReceived,
	domain.Started, domain.Completed, domain.Commissioned, domain.FullCapacity}

// stageName is a stage as a chart labels it.
func stageName(st domain.EventType, lang Lang) string {
	if lang == ZH {
		return st.Chinese()
	}
	return strings.ReplaceAll(string(st), "_", " ")
}

// StageChart is the number of projects at each stage.
func StageChart(rows []projections.StatusRow, lang Lang) Chart {
	counts := map[domain.EventType]int{}
	order := append([]domain.EventType(nil), chartStages...)
	for _, r := range rows {
		st := domain.EventType(r.Stage)
		if _, ok := counts[st]; !ok && !containsStage(order, st) {
			order = append(order, st)
		}
		counts[st]++
	}
	c := Chart{
		Title:    pick(lang, "Projects by stage", "项目所处阶段分布"),
		Axis:     pick(lang, "projects", "个"),
		Category: pick(lang, "Stage", "所处阶段"),
		Series:   []Series{{Name: pick(lang, "Projects", "项目数")}},
	}
	for _, st := range order {
		c.Categories = append(c.Categories, stageName(st, lang))
		c.Series[0].Values = append(c.Series[0].Values, float64(counts[st]))
	}
	return c
}

func containsStage(list []domain.EventType, st domain.EventType) bool {
	for _, s := range list {
		if s == st {
			return true
		}
	}
	return false
}

// UnitInvestmentChart is each unit's annual plan against what it completed
// this year, in 万元.
func UnitInvestmentChart(rows []projections.UnitInvestmentRow, lang Lang) Chart {
	c := Chart{
		Title:    pick(lang, "Investment this year by unit: plan and completed", "各单位年度投资计划与完成情况"),
		Axis:     pick(lang, "10k yuan", "万元"),
		Category: pick(lang, "Unit", "责任单位"),
		Series:   []Series{{Name: pick(lang, "Annual plan", "年度计划")}, {Name: pick(lang, "Completed", "累计完成")}},
		Decimals: 2,
	}
	for _, r := range rows {
		if r.Unit == "" {
			continue
		}
		c.Categories = append(c.Categories, r.Unit)
		c.Series[0].Values = append(c.Series[0].Values, wanNumber(r.AnnualPlan))
		c.Series[1].Values = append(c.Series[1].Values, wanNumber(r.YearToDate))
	}
	return c
}

// OnTimeChart is each ranked unit's on-time rate in per cent; a unit with
// no deadline due, and so no rate, is left out.
func OnTimeChart(units []projections.UnitRankRow, lang Lang) Chart {
	c := Chart{
		Title:    pick(lang, "On-time rate by unit", "各单位节点按期完成率"),
		Axis:     "%",
		Category: pick(lang, "Unit", "责任单位"),
		Series:   []Series{{Name: pick(lang, "On-time rate (%)", "按期完成率（%）")}},
		Decimals: 2,
	}
	for _, u := range units {
		if u.RateBP == nil {
			continue
		}
		c.Categories = append(c.Categories, u.Unit)
		c.Series[0].Values = append(c.Series[0].Values, float64(*u.RateBP)/100)
	}
	return c
}

func pick(lang Lang, en, zh string) string {
	if lang == ZH {
		return zh
	}
	return en
}

// ChartSheetName is the name of the sheet holding a chart's figures.
func ChartSheetName(lang Lang) string { return pick(lang, "chart data", "图表数据") }

// addChart adds sheet ChartSheetName after the others, holding c's
// categories in column A and a series in each next column under a header
// row, and a clustered column chart over those cells beside them.
func addChart(f *excelize.File, c Chart, lang Lang, taken []string) error {
	name := ChartSheetName(lang)
	for n := 2; containsFold(taken, name); n++ {
		name = fmt.Sprintf("%s(%d)", ChartSheetName(lang), n)
	}
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	header := []any{c.Category}
	for _, s := range c.Series {
		header = append(header, s.Name)
	}
	if err := f.SetSheetRow(name, "A1", &header); err != nil {
		return err
	}
	for i, cat := range c.Categories {
		row := []any{cat}
		for _, s := range c.Series {
			row = append(row, s.Values[i])
		}
		if err := f.SetSheetRow(name, cellName(1, i+2), &row); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(name, "A", columnName(len(c.Series)+1), 16); err != nil {
		return err
	}
	if len(c.Categories) == 0 {
		return nil
	}
	q := quoteSheet(name)
	last := len(c.Categories) + 1
	vary := false
	ch := &excelize.Chart{
		Type:       excelize.Col,
		Title:      excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: c.Title}}},
		Legend:     excelize.ChartLegend{Position: "bottom"},
		Dimension:  excelize.ChartDimension{Width: uint(max(480, 80*len(c.Categories)*len(c.Series)+160)), Height: 320},
		YAxis:      excelize.ChartAxis{MajorGridLines: true, Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: c.Axis}}}},
		PlotArea:   excelize.ChartPlotArea{ShowVal: true},
		VaryColors: &vary,
	}
	for j := range c.Series {
		col := columnName(j + 2)
		ch.Series = append(ch.Series, excelize.ChartSeries{
			Name:       fmt.Sprintf("%s!$%s$1", q, col),
			Categories: fmt.Sprintf("%s!$A$2:$A$%d", q, last),
			Values:     fmt.Sprintf("%s!$%s$2:$%s$%d", q, col, col, last),
		})
	}
	return f.AddChart(name, cellName(len(c.Series)+3, 2), ch)
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// contentTypes is the name of the package's content types part.
const contentTypes = "[Content_Types].xml"

// defaultType is one <Default> element of the content types.
var defaultType = regexp.MustCompile(`<Default [^>]*>(</Default>)?`)

// sortDefaults returns the content types with their run of <Default>
// elements in sorted order.
func sortDefaults(b []byte) []byte {
	loc := defaultType.FindAllIndex(b, -1)
	if len(loc) < 2 {
		return b
	}
	start, end := loc[0][0], loc[len(loc)-1][1]
	defaults := defaultType.FindAll(b[start:end], -1)
	if len(bytes.Join(defaults, nil)) != end-start {
		return b // not one run: left as it is
	}
	slices.SortFunc(defaults, bytes.Compare)
	out := append([]byte(nil), b[:start]...)
	out = append(out, bytes.Join(defaults, nil)...)
	return append(out, b[end:]...)
}

// rewrite writes entry f to zw with its content passed through fix, or
// copies it when fix changes nothing.
func rewrite(zw *zip.Writer, f *zip.File, fix func([]byte) []byte) error {
	r, err := f.Open()
	if err != nil {
		return err
	}
	b, err := io.ReadAll(r)
	r.Close()
	if err != nil {
		return err
	}
	fixed := fix(b)
	if bytes.Equal(fixed, b) {
		return zw.Copy(f)
	}
	h := f.FileHeader
	h.CRC32, h.CompressedSize64, h.UncompressedSize64 = 0, 0, 0 // written again from the new content
	w, err := zw.CreateHeader(&h)
	if err != nil {
		return err
	}
	_, err = w.Write(fixed)
	return err
}
