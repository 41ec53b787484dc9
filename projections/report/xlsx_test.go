package report_test

import (
	"archive/zip"
	"bytes"
	"cmp"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
	"github.com/keyprojects/ledger/projections/report"
)

// workbook writes tables to a temporary workbook and opens it again.
func workbook(t *testing.T, tables []report.Table, lang report.Lang, opts ...report.XLSXOptions) *excelize.File {
	t.Helper()
	path := filepath.Join(t.TempDir(), "report.xlsx")
	require.NoError(t, report.XLSX(path, tables, lang, opts...))
	f, err := excelize.OpenFile(path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	return f
}

// packed is the workbook's bytes, as WriteXLSX writes them.
func packed(t *testing.T, tables []report.Table, lang report.Lang, opts ...report.XLSXOptions) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, report.WriteXLSX(&b, tables, lang, opts...))
	return b.Bytes()
}

// part is one file of the workbook's zip archive, as text.
func part(t *testing.T, workbook []byte, name string) string {
	t.Helper()
	r, err := zip.NewReader(bytes.NewReader(workbook), int64(len(workbook)))
	require.NoError(t, err)
	f, err := r.Open(name)
	require.NoError(t, err, "no %s in the workbook", name)
	defer f.Close()
	b, err := io.ReadAll(f)
	require.NoError(t, err)
	return string(b)
}

func raw(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	return v
}

func shown(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, cell)
	require.NoError(t, err)
	return v
}

func style(t *testing.T, f *excelize.File, sheet, cell string) *excelize.Style {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	require.NoError(t, err)
	s, err := f.GetStyle(id)
	require.NoError(t, err)
	return s
}

func formula(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	v, err := f.GetCellFormula(sheet, cell)
	require.NoError(t, err)
	return v
}

func width(t *testing.T, f *excelize.File, sheet, col string) float64 {
	t.Helper()
	w, err := f.GetColWidth(sheet, col)
	require.NoError(t, err)
	return w
}

// cellOf is the name of the cell of column col (1-based) in row.
func cellOf(t *testing.T, col, row int) string {
	t.Helper()
	name, err := excelize.CoordinatesToCellName(col, row)
	require.NoError(t, err)
	return name
}

// columnOf is the 1-based sheet column of the table column keyed key.
func columnOf(t *testing.T, tab report.Table, key string, lead int) int {
	t.Helper()
	for j, c := range tab.Columns {
		if c.Key == key {
			return lead + j + 1
		}
	}
	t.Fatalf("no column %q in %s", key, tab.Name)
	return 0
}

var (
	asOf = domain.NewDate(2026, 11, 30)
	form = report.XLSXOptions{Layout: report.LayoutForm, Date: asOf, Issuer: "县发改局重点项目办"}
)

func statusRows() []projections.StatusRow {
	return []projections.StatusRow{{
		Project: "P-7", Name: "年产10万吨饲料项目", Unit: "县工信局", Kind: domain.KindNew, Stage: "started",
		NextMilestone: domain.MilestoneCommissioned, NextDue: domain.NewDate(2026, 10, 20), DaysLeft: 3,
		Light: projections.LightYellow, TotalInvestment: 18_000_000, InvestedToDate: 12_345, InvestedShareBP: 6,
		LastEventAt: time.Date(2026, 10, 19, 16, 5, 0, 0, time.UTC),
	}}
}

func TestXLSXTwoSheets(t *testing.T) {
	sup := report.SupervisionTable([]projections.SupervisionRow{{Project: "P-7", IssueID: "I-1", Title: "土地未摘牌",
		RaisedOn: domain.NewDate(2026, 9, 1), Open: true, DaysOpen: 49}})
	f := workbook(t, []report.Table{report.StatusTable(statusRows()), sup}, report.EN)

	assert.Equal(t, []string{"status", "supervision"}, f.GetSheetList())
	assert.Equal(t, "Project", shown(t, f, "status", "A1"))
	assert.Equal(t, "Total investment (10k yuan)", shown(t, f, "status", "O1"))
	assert.True(t, style(t, f, "status", "A1").Font.Bold, "bold header")
	assert.Equal(t, "Issue", shown(t, f, "supervision", "D1"))

	panes, err := f.GetPanes("status")
	require.NoError(t, err)
	assert.True(t, panes.Freeze)
	assert.Equal(t, 1, panes.YSplit)
	assert.Equal(t, "A2", panes.TopLeftCell)

	// Money in the plain layout: the exact yuan, shown in 万元 by the
	// number format.
	assert.Equal(t, "18000000", raw(t, f, "status", "O2"))
	assert.Equal(t, "12345", raw(t, f, "status", "P2"))
	s := style(t, f, "status", "O2")
	require.NotNil(t, s.CustomNumFmt)
	assert.Equal(t, report.MoneyNumFmt, *s.CustomNumFmt)
	assert.Equal(t, "1800.0000", shown(t, f, "status", "O2"))
	assert.Equal(t, "1.2345", shown(t, f, "status", "P2"))

	// Date: an Excel serial (days since 1899-12-30) shown yyyy-mm-dd.
	assert.Equal(t, "46315", raw(t, f, "status", "I2"))
	assert.Equal(t, "2026-10-20", shown(t, f, "status", "I2"))
	require.NotNil(t, style(t, f, "status", "I2").CustomNumFmt)
	assert.Equal(t, "yyyy-mm-dd", *style(t, f, "status", "I2").CustomNumFmt)
	assert.Equal(t, "", raw(t, f, "status", "J2"), "no baseline: empty cell")

	// Percent: the ratio in Excel's 0.00%.
	assert.Equal(t, "0.0006", raw(t, f, "status", "Q2"))
	assert.Equal(t, "0.06%", shown(t, f, "status", "Q2"))
	assert.Equal(t, 10, style(t, f, "status", "Q2").NumFmt)

	// Int as a number, text as text, time in Asia/Shanghai.
	assert.Equal(t, "3", raw(t, f, "status", "K2"))
	typ, err := f.GetCellType("status", "K2")
	require.NoError(t, err)
	assert.NotEqual(t, excelize.CellTypeSharedString, typ)
	assert.NotEqual(t, excelize.CellTypeInlineString, typ)
	assert.Equal(t, "yellow", shown(t, f, "status", "M2"))
	assert.Equal(t, "2026-10-20 00:05", shown(t, f, "status", "T2"))

	// Columns fit: the Chinese name is wider than its header.
	assert.GreaterOrEqual(t, width(t, f, "status", "B"), 20.0)
}

func TestXLSXChineseSheetNames(t *testing.T) {
	b := report.BulletinTables(projections.Bulletin{Period: projections.Month,
		From: domain.NewDate(2026, 10, 1), AsOf: domain.NewDate(2026, 10, 20)})
	long := report.Table{Name: "long", Title: report.Label{EN: "x", ZH: "一个很长很长的标题/里面有斜杠：还有更多的字一直写到超过三十一个字为止"}}
	tables := append(b, report.StatusTable(statusRows()), long, long)
	f := workbook(t, tables, report.ZH)
	names := f.GetSheetList()
	assert.Equal(t, []string{
		"本期完成节点（2026-10-01至2026-10-20）",
		"本期未按期节点（2026-10-01至2026-10-20）",
		"逾期未完成节点（截至2026-10-20）",
		"单位投资完成（2026-10-01至2026-10-20）",
		"单位排名（2026-10-01至2026-10-20）",
		"项目进度表",
		"一个很长很长的标题_里面有斜杠：还有更多的字一直写到超过三十一",
		"一个很长很长的标题_里面有斜杠：还有更多的字一直写到超过(2)",
	}, names)
	assert.Equal(t, 31, utf8.RuneCountInString(names[6]), "cut to Excel's limit")
	assert.Equal(t, 31, utf8.RuneCountInString(names[7]), "numbered within the limit")
	assert.Equal(t, "项目代码", shown(t, f, "项目进度表", "A1"))
	assert.Equal(t, "总投资(万元)", shown(t, f, "项目进度表", "O1"))
	assert.Equal(t, "黄灯", shown(t, f, "项目进度表", "M2"))
	inv := names[3]
	assert.Equal(t, "合计", shown(t, f, inv, "A2"))
	assert.Equal(t, "0", raw(t, f, inv, "B2"))
}

func TestXLSXNeedsATable(t *testing.T) {
	assert.Error(t, report.XLSX(filepath.Join(t.TempDir(), "none.xlsx"), nil, report.EN))
}

func TestXLSXRefusesAFileNameNotEndingInXLSX(t *testing.T) {
	err := report.XLSX(filepath.Join(t.TempDir(), "status.csv"), []report.Table{report.StatusTable(statusRows())}, report.EN)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "must end in .xlsx")
}

// Both layouts print on landscape A4, one page wide and as many tall as
// it takes, the header row repeated on every page, page numbers in the
// footer, the header frozen and filtered.
func TestXLSXPrintsOnLandscapeA4WithTheHeaderOnEveryPage(t *testing.T) {
	status := report.StatusTable(statusRows())
	cases := []struct {
		name     string
		lang     report.Lang
		opts     report.XLSXOptions
		sheet    string
		header   int
		lastCell string // the bottom right cell of the used range
		filter   string
		footer   string
	}{
		{"plain", report.EN, report.XLSXOptions{}, "status", 1, "V2", "$A$1:$V$2", "&CPage &P of &N"},
		{"form", report.ZH, form, "项目进度表", 3, "W5", "$A$3:$W$4", "&C第 &P 页 共 &N 页"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := packed(t, []report.Table{status}, tc.lang, tc.opts)
			f, err := excelize.OpenReader(bytes.NewReader(b))
			require.NoError(t, err)
			defer f.Close()

			layout, err := f.GetPageLayout(tc.sheet)
			require.NoError(t, err)
			require.NotNil(t, layout.Size)
			assert.Equal(t, 9, *layout.Size, "A4")
			require.NotNil(t, layout.Orientation)
			assert.Equal(t, "landscape", *layout.Orientation)
			require.NotNil(t, layout.FitToWidth)
			assert.Equal(t, 1, *layout.FitToWidth, "one page wide")
			require.NotNil(t, layout.FitToHeight)
			assert.Equal(t, 0, *layout.FitToHeight, "as many pages tall as it takes")
			props, err := f.GetSheetProps(tc.sheet)
			require.NoError(t, err)
			require.NotNil(t, props.FitToPage)
			assert.True(t, *props.FitToPage, "fit to page, so that the fit counts")

			xml := part(t, b, "xl/worksheets/sheet1.xml")
			assert.Contains(t, xml, `<pageSetup fitToHeight="0" fitToWidth="1" orientation="landscape" paperSize="9"`)
			assert.Contains(t, xml, `<autoFilter ref="`+tc.filter+`"`)
			assert.Contains(t, xml, `<dimension ref="A1:`+tc.lastCell+`"`)

			hf, err := f.GetHeaderFooter(tc.sheet)
			require.NoError(t, err)
			assert.Equal(t, tc.footer, hf.OddFooter)

			rows := "$" + strconv.Itoa(tc.header)
			assert.Contains(t, f.GetDefinedName(), excelize.DefinedName{
				Name: "_xlnm.Print_Titles", RefersTo: "'" + tc.sheet + "'!" + rows + ":" + rows, Scope: tc.sheet,
			})
			panes, err := f.GetPanes(tc.sheet)
			require.NoError(t, err)
			assert.True(t, panes.Freeze)
			assert.Equal(t, tc.header, panes.YSplit, "the rows down to the header frozen")

			// Thin borders round every cell of the table, the empty ones too.
			for _, cell := range []string{cellOf(t, 1, tc.header), cellOf(t, 1, tc.header+1), "J" + strconv.Itoa(tc.header+1)} {
				s := style(t, f, tc.sheet, cell)
				require.Len(t, s.Border, 4, cell)
				for _, side := range s.Border {
					assert.Equal(t, 1, side.Style, "%s %s: thin", cell, side.Type)
				}
			}
		})
	}
}

func TestXLSXPlainSheetPrintsItsHeadingInThePageHeader(t *testing.T) {
	o := report.XLSXOptions{Issuer: "县发改局 & 重点办", Date: asOf,
		Recorded: time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)}
	f := workbook(t, []report.Table{report.StatusTable(statusRows())}, report.ZH, o)
	hf, err := f.GetHeaderFooter("项目进度表")
	require.NoError(t, err)
	assert.Equal(t, `&L填报单位：县发改局 && 重点办&C&"-,Bold"&12项目进度表（截至2026年11月30日）&R按2026-11-30 18:00前录入的数据`, hf.OddHeader)
	assert.Equal(t, "项目代码", shown(t, f, "项目进度表", "A1"), "the sheet itself starts with the header")
}

func lightRows() []projections.StatusRow {
	var rows []projections.StatusRow
	for i, l := range []projections.Light{projections.LightRed, projections.LightYellow, projections.LightGreen, projections.LightSuspended} {
		rows = append(rows, projections.StatusRow{Project: domain.ProjectID("P-" + strconv.Itoa(i+1)), Name: "项目", Light: l})
	}
	return rows
}

func TestXLSXFillsLightsInTheirColours(t *testing.T) {
	status := report.StatusTable(lightRows())
	overdue := report.OverdueTable([]projections.OverdueRow{{Project: "P-1", Light: projections.LightRed, DaysLate: 20}})
	fills := []struct {
		en, zh, fill, font string
	}{
		{"red", "红灯", "FF0000", "FFFFFF"},
		{"yellow", "黄灯", "FFFF00", "000000"},
		{"green", "绿灯", "00B050", "FFFFFF"},
		{"suspended", "停工", "BFBFBF", "000000"},
	}
	for _, layout := range []report.Layout{report.LayoutPlain, report.LayoutForm} {
		for _, lang := range []report.Lang{report.EN, report.ZH} {
			t.Run(layout.String()+" "+lang.String(), func(t *testing.T) {
				o := report.XLSXOptions{Layout: layout}
				f := workbook(t, []report.Table{status, overdue}, lang, o)
				sheets := f.GetSheetList()
				lead, first := 0, 2
				if layout == report.LayoutForm {
					lead, first = 1, 4
				}
				col := columnOf(t, status, "light", lead)
				for i, want := range fills {
					cell := cellOf(t, col, first+i)
					text := want.en
					if lang == report.ZH {
						text = want.zh
					}
					assert.Equal(t, text, shown(t, f, sheets[0], cell))
					s := style(t, f, sheets[0], cell)
					assert.Equal(t, []string{want.fill}, s.Fill.Color, "%s filled", text)
					require.NotNil(t, s.Font, text)
					assert.Equal(t, want.font, s.Font.Color, "%s font", text)
				}
				s := style(t, f, sheets[1], cellOf(t, columnOf(t, overdue, "light", lead), first))
				assert.Equal(t, []string{"FF0000"}, s.Fill.Color, "the overdue list's light")
				assert.Empty(t, style(t, f, sheets[0], cellOf(t, lead+1, first)).Fill.Color, "other cells are not filled")
			})
		}
	}
}

// On a form a money cell holds the amount in the unit its header names,
// 万元, exactly (the digits of yuan / 10,000), so that a clerk's SUM is
// right; on a plain sheet it holds the exact yuan.
func TestXLSXMoneyHoldsTheNumberItsHeaderNames(t *testing.T) {
	amounts := []struct {
		yuan                 int64
		wan, wanShown        string
		plainRaw, plainShown string // "": not checked
	}{
		{18_000_000, "1800", "1,800.00", "18000000", "1800.0000"},
		{12_345, "1.2345", "1.23", "12345", "1.2345"},
		{5, "0.0005", "0.00", "5", "0.0005"},
		{123_456_789_012_345, "12345678901.2345", "12,345,678,901.23", "123456789012345", ""},
		{-35_000_000, "-3500", "-3,500.00", "-35000000", ""},
	}
	// Every table with money, one row each holding the amount in every
	// money column.
	tables := func(yuan int64) []report.Table {
		return append([]report.Table{
			report.StatusTable([]projections.StatusRow{{Project: "P-1", TotalInvestment: yuan, InvestedToDate: yuan}}),
			report.InvestmentTable([]projections.InvestmentRow{{Project: "P-1", Month: "2026-11", Amount: yuan, YearToDate: yuan, AnnualPlan: yuan, PlanBP: 10_000}}),
			report.UnitInvestmentTable([]projections.UnitInvestmentRow{{Unit: "县工信局", Year: 2026, Projects: 1, YearToDate: yuan, AnnualPlan: yuan, PlanBP: 10_000}}),
		}, report.BulletinTables(projections.Bulletin{Period: projections.Month, From: domain.NewDate(2026, 11, 1), AsOf: asOf,
			Investment: []projections.PeriodInvestmentRow{{Unit: "县工信局", Amount: yuan}}, InvestmentTotal: yuan})...)
	}
	for _, a := range amounts {
		t.Run(strconv.FormatInt(a.yuan, 10), func(t *testing.T) {
			ts := tables(a.yuan)
			for _, layout := range []report.Layout{report.LayoutForm, report.LayoutPlain} {
				f := workbook(t, ts, report.ZH, report.XLSXOptions{Layout: layout})
				lead, row := 0, 2
				if layout == report.LayoutForm {
					lead, row = 1, 4
				}
				checked := 0
				for i, tab := range ts {
					sheet := f.GetSheetList()[i]
					for j, c := range tab.Columns {
						if c.Kind != report.KindMoney {
							continue
						}
						checked++
						cell := cellOf(t, lead+j+1, row)
						head := shown(t, f, sheet, cellOf(t, lead+j+1, row-1))
						require.True(t, strings.HasSuffix(head, "(万元)"), "%s %s: %q names 万元", sheet, cell, head)
						s := style(t, f, sheet, cell)
						require.NotNil(t, s.CustomNumFmt, "%s %s", sheet, cell)
						if layout == report.LayoutForm {
							assert.Equal(t, a.wan, raw(t, f, sheet, cell), "%s %s under %s", sheet, cell, head)
							assert.Equal(t, report.WanNumFmt, *s.CustomNumFmt)
							assert.Equal(t, a.wanShown, shown(t, f, sheet, cell), "%s %s", sheet, cell)
						} else {
							assert.Equal(t, a.plainRaw, raw(t, f, sheet, cell), "%s %s under %s", sheet, cell, head)
							assert.Equal(t, report.MoneyNumFmt, *s.CustomNumFmt)
							if a.plainShown != "" {
								assert.Equal(t, a.plainShown, shown(t, f, sheet, cell), "%s %s", sheet, cell)
							}
						}
					}
				}
				assert.Equal(t, 8, checked, "two status, three investment, two unit investment, one bulletin money columns")
			}
		})
	}
}

// A form: a heading naming the table and its date, a 填报单位 line, the
// header in row 3, a 序号 column and a 合计 row.
func TestXLSXFormHeadingIssuerSerialAndTotal(t *testing.T) {
	rows := append(statusRows(), projections.StatusRow{
		Project: "P-8", Name: "光伏组件", Unit: "县发改局", NextMilestone: domain.MilestoneStarted, DaysLate: 40, Light: projections.LightRed,
		OverdueCount: 2, TotalInvestment: 350_000_000, InvestedToDate: 120_000_000, InvestedShareBP: 3429, OpenIssues: 1,
	})
	status := report.StatusTable(rows)
	f := workbook(t, []report.Table{status}, report.ZH, form)
	const sheet = "项目进度表"

	assert.Equal(t, "项目进度表（截至2026年11月30日）", shown(t, f, sheet, "A1"))
	assert.True(t, style(t, f, sheet, "A1").Font.Bold)
	assert.Equal(t, "填报单位：县发改局重点项目办", shown(t, f, sheet, "A2"))
	assert.Equal(t, "数据截至：2026年11月30日", shown(t, f, sheet, "L2"))
	merged, err := f.GetMergeCells(sheet)
	require.NoError(t, err)
	var refs []string
	for _, m := range merged {
		refs = append(refs, m.GetStartAxis()+":"+m.GetEndAxis())
	}
	assert.ElementsMatch(t, []string{"A1:W1", "A2:K2", "L2:W2"}, refs)

	got, err := f.GetRows(sheet)
	require.NoError(t, err)
	require.Len(t, got, 2+1+2+1, "heading, 填报单位, header, two rows, 合计")
	assert.Equal(t, append([]string{"序号"}, report.Headers(status, report.ZH)...), got[2])
	assert.Equal(t, []string{"1", "P-7"}, got[3][:2])
	assert.Equal(t, []string{"2", "P-8"}, got[4][:2])
	assert.Equal(t, "合计", got[5][0])

	col := func(key string) string { return columnName(t, columnOf(t, status, key, 1)) }
	total := func(key string) string { return col(key) + "6" }
	// Sums of money (in 万元) and counts, as a SUBTOTAL a filter narrows.
	assert.Equal(t, "36800", raw(t, f, sheet, total("total_investment")))
	assert.Equal(t, "36,800.00", shown(t, f, sheet, total("total_investment")))
	assert.Equal(t, "SUBTOTAL(9,"+col("total_investment")+"4:"+col("total_investment")+"5)", formula(t, f, sheet, total("total_investment")))
	assert.Equal(t, "12001.2345", raw(t, f, sheet, total("invested_to_date")), "exact: 12,345 yuan and 120,000,000 yuan")
	assert.Equal(t, "2", raw(t, f, sheet, total("overdue_count")))
	assert.Equal(t, "1", raw(t, f, sheet, total("open_issues")))
	assert.True(t, style(t, f, sheet, total("total_investment")).Font.Bold)
	// Nothing where a sum means nothing: shares, dates, days, texts.
	for _, key := range []string{"invested_share", "next_due", "days_left", "days_late", "light", "name"} {
		assert.Empty(t, raw(t, f, sheet, total(key)), key)
		assert.Empty(t, formula(t, f, sheet, total(key)), key)
	}
	// The autofilter leaves the 合计 row out, so that it stays at the
	// bottom when the rows are sorted.
	b := packed(t, []report.Table{status}, report.ZH, form)
	assert.Contains(t, part(t, b, "xl/worksheets/sheet1.xml"), `<autoFilter ref="$A$3:$W$5"`)
}

func columnName(t *testing.T, col int) string {
	t.Helper()
	name, err := excelize.ColumnNumberToName(col)
	require.NoError(t, err)
	return name
}

// Which tables get a 合计 row, and what it sums.
func TestXLSXFormTotalsOnlyWhatAddsUp(t *testing.T) {
	units := []projections.ScoreRow{
		{By: "unit", Name: "县工信局", Projects: 3, OnTime: 4, Late: 1, OpenOverdue: 2, Overdue: 3, OnTimeRateBP: bp(8000)},
		{By: "unit", Name: "县发改局", Projects: 2, OnTime: 1, Late: 0, OpenOverdue: 1, Overdue: 1, OnTimeRateBP: bp(10000)},
	}
	leaders := append(append([]projections.ScoreRow(nil), units...), projections.ScoreRow{By: "leader", Name: "王建国", Projects: 5, OnTime: 5})
	bulletin := report.BulletinTables(projections.Bulletin{Period: projections.Month, From: domain.NewDate(2026, 11, 1), AsOf: asOf,
		Investment:      []projections.PeriodInvestmentRow{{Unit: "县工信局", Amount: 12_000_000}, {Unit: "县发改局", Amount: 3_000_000}},
		InvestmentTotal: 15_000_000,
		Units:           []projections.UnitRankRow{{Rank: 1, Unit: "县工信局", Due: 3, OnTime: 1, Late: 2, RateBP: bp(3333), OverdueNow: 4}, {Rank: 2, Unit: "县发改局", Due: 1, OnTime: 1, RateBP: bp(10000)}},
	})
	investment := report.InvestmentTable([]projections.InvestmentRow{
		{Project: "P-1", Month: "2026-10", Amount: 1_000_000, YearToDate: 1_000_000, AnnualPlan: 10_000_000, PlanBP: 1000},
		{Project: "P-1", Month: "2026-11", Amount: 2_000_000, YearToDate: 3_000_000, AnnualPlan: 10_000_000, PlanBP: 3000},
	})
	cases := []struct {
		name  string
		table report.Table
		sums  map[string]string // column key: the 合计 row's value; nil: no 合计 row
	}{
		{"units", report.ScoreboardTable(units), map[string]string{"projects": "5", "on_time": "5", "late": "1", "open_overdue": "3", "overdue": "4", "on_time_rate": ""}},
		{"units and leaders count each deadline twice", report.ScoreboardTable(leaders), nil},
		{"investment: the year to date and the plan repeat on each month", investment, map[string]string{"amount": "300", "year_to_date": "", "annual_plan": "", "plan_share": ""}},
		{"bulletin units: no sum of ranks", bulletin[4], map[string]string{"rank": "", "due": "4", "on_time": "2", "late": "2", "on_time_rate": "", "overdue_now": "4"}},
		{"bulletin investment ends in its own total", bulletin[3], nil},
		{"supervision: nothing adds up", report.SupervisionTable([]projections.SupervisionRow{{Project: "P-1", DaysOpen: 3}}), nil},
		{"no rows", report.StatusTable(nil), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := workbook(t, []report.Table{tc.table}, report.ZH, report.XLSXOptions{Layout: report.LayoutForm})
			sheet := f.GetSheetList()[0]
			rows, err := f.GetRows(sheet)
			require.NoError(t, err)
			if tc.sums == nil {
				require.Len(t, rows, 3+len(tc.table.Rows), "no 合计 row")
				return
			}
			require.Len(t, rows, 3+len(tc.table.Rows)+1)
			last := len(rows)
			assert.Equal(t, "合计", rows[last-1][0])
			for key, want := range tc.sums {
				assert.Equal(t, want, raw(t, f, sheet, cellOf(t, columnOf(t, tc.table, key, 1), last)), key)
			}
		})
	}

	// The bulletin's own total row: no 序号, bold, and nothing under it.
	f := workbook(t, bulletin[3:4], report.ZH, report.XLSXOptions{Layout: report.LayoutForm})
	sheet := f.GetSheetList()[0]
	assert.Equal(t, "1", raw(t, f, sheet, "A4"))
	assert.Equal(t, "", raw(t, f, sheet, "A6"))
	assert.Equal(t, "合计", shown(t, f, sheet, "B6"))
	assert.Equal(t, "1500", raw(t, f, sheet, "C6"))
	assert.True(t, style(t, f, sheet, "C6").Font.Bold)
}

func TestXLSXHeadings(t *testing.T) {
	status := report.StatusTable(statusRows())
	reached := report.BulletinTables(projections.Bulletin{Period: projections.Month, From: domain.NewDate(2026, 11, 1), AsOf: asOf})[0]
	recorded := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		name          string
		lang          report.Lang
		opts          report.XLSXOptions
		tables        []report.Table
		heading, line string // the first sheet's A1 and its date line
	}{
		{"the table's title and the date", report.ZH, report.XLSXOptions{Date: asOf}, []report.Table{status},
			"项目进度表（截至2026年11月30日）", "数据截至：2026年11月30日"},
		{"a title given", report.ZH, report.XLSXOptions{Title: "XX县重点项目推进情况", Date: asOf}, []report.Table{status},
			"XX县重点项目推进情况（截至2026年11月30日）", "数据截至：2026年11月30日"},
		{"English", report.EN, report.XLSXOptions{Date: asOf, Recorded: recorded}, []report.Table{status},
			"Project status (as of 2026-11-30)", "Figures as of 2026-11-30, as recorded by 2026-11-20 18:00"},
		{"a bulletin's period names the date already", report.ZH, report.XLSXOptions{Date: asOf}, []report.Table{reached},
			"本期完成节点（2026-11-01至2026-11-30）", "数据截至：2026年11月30日"},
		{"no date", report.ZH, report.XLSXOptions{}, []report.Table{status}, "项目进度表", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.opts
			o.Layout = report.LayoutForm
			tables := append(tc.tables, report.OverdueTable(nil))
			f := workbook(t, tables, tc.lang, o)
			sheets := f.GetSheetList()
			assert.Equal(t, tc.heading, shown(t, f, sheets[0], "A1"))
			line, err := f.GetRows(sheets[0])
			require.NoError(t, err)
			assert.Equal(t, tc.line, strings.TrimSpace(strings.Join(line[1][1:], "")))
			// Another sheet is headed by its own table's title.
			second := shown(t, f, sheets[1], "A1")
			assert.True(t, strings.HasPrefix(second, report.OverdueTable(nil).Title.In(tc.lang)), second)

			props, err := f.GetDocProps()
			require.NoError(t, err)
			assert.Equal(t, tc.heading, props.Title)
			assert.Equal(t, "ledger", props.Creator)
			if !o.Date.IsZero() {
				assert.Equal(t, "2026-11-29T16:00:00Z", props.Created, "the start of the as-of day in Asia/Shanghai")
				assert.Equal(t, props.Created, props.Modified)
			}
		})
	}
}

func TestXLSXOptionsAsOfTakesAResolvedCut(t *testing.T) {
	recorded := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	o := report.XLSXOptions{Title: "t", Layout: report.LayoutForm}.AsOf(projections.Cut{Recorded: recorded, Occurred: asOf}, asOf)
	assert.Equal(t, report.XLSXOptions{Title: "t", Layout: report.LayoutForm, Date: asOf, Recorded: recorded}, o)
}

func TestParseLayout(t *testing.T) {
	for in, want := range map[string]report.Layout{"": report.LayoutPlain, "plain": report.LayoutPlain, "Form": report.LayoutForm} {
		got, err := report.ParseLayout(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
		assert.Equal(t, strings.ToLower(cmp.Or(in, "plain")), got.String())
	}
	_, err := report.ParseLayout("a3")
	assert.Error(t, err)
}

// Columns are as wide as what they show, a Chinese character counting a
// little more than two digits; long texts wrap in a column of bounded
// width, on a row as tall as their lines; a word (a project code) is
// never cut.
func TestXLSXColumnWidthsAndRowHeights(t *testing.T) {
	long := strings.Repeat("年产十万吨饲料项目", 4)
	tab := report.Table{
		Name: "widths", Title: report.Label{EN: "Widths", ZH: "宽度"},
		Columns: []report.Column{
			{Key: "ascii", Label: report.Label{EN: "A", ZH: "A"}},
			{Key: "cjk", Label: report.Label{EN: "B", ZH: "B"}},
			{Key: "long", Label: report.Label{EN: "C", ZH: "C"}},
			{Key: "code", Label: report.Label{EN: "D", ZH: "D"}},
			{Key: "light", Label: report.Label{EN: "Light", ZH: "预警"}},
			{Key: "money", Label: report.Label{EN: "Total investment", ZH: "累计完成投资"}, Kind: report.KindMoney},
		},
		Rows: [][]report.Value{
			{"abcdefghij", "一二三四五六七八", long, "2025-361102-13-01-000045", projections.LightYellow, int64(123_456_789_000)},
			{"x", "y", "short", "P-1", projections.LightGreen, int64(0)},
		},
	}
	f := workbook(t, []report.Table{tab}, report.ZH, report.XLSXOptions{Layout: report.LayoutForm})
	const sheet = "宽度"
	ascii, cjk := width(t, f, sheet, "B"), width(t, f, sheet, "C")
	assert.InDelta(t, 10+2, ascii, 1, "ten letters and a margin")
	assert.InDelta(t, 2.1*8+2, cjk, 1, "eight Chinese characters count a little over sixteen")

	assert.LessOrEqual(t, width(t, f, sheet, "D"), 20.0, "a long text wraps")
	assert.True(t, style(t, f, sheet, "D4").Alignment.WrapText)
	h, err := f.GetRowHeight(sheet, 4)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, h, 4*16.0, "the row is as tall as the wrapped name's lines (%d characters)", utf8.RuneCountInString(long))
	h, err = f.GetRowHeight(sheet, 5)
	require.NoError(t, err)
	assert.Less(t, h, 16.0*2, "a row of single lines keeps the default height")

	assert.GreaterOrEqual(t, width(t, f, sheet, "E"), 24.0, "the code is not cut")
	assert.GreaterOrEqual(t, width(t, f, sheet, "F"), 6.0, "the light and its header fit")
	assert.GreaterOrEqual(t, width(t, f, sheet, "G"), float64(len("12,345,678.90")), "money as shown")
	assert.GreaterOrEqual(t, width(t, f, sheet, "A"), 5.0, "序号")

	// The header "累计完成投资(万元)" is wider than its numbers: it takes
	// two lines, on a row tall enough.
	assert.Less(t, width(t, f, sheet, "G"), 2.1*9, "not one line wide")
	h, err = f.GetRowHeight(sheet, 3)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, h, 2*16.0, "the header row holds two lines")
}

// The sheet's XML says the used range and lists the columns in order.
func TestXLSXDimensionAndColumnsInOrder(t *testing.T) {
	b := report.BulletinTables(projections.Bulletin{Period: projections.Month, From: domain.NewDate(2026, 11, 1), AsOf: asOf,
		Investment: []projections.PeriodInvestmentRow{{Unit: "县工信局", Amount: 1}}, InvestmentTotal: 1})
	tables := append([]report.Table{report.StatusTable(statusRows()), report.OverdueTable(nil)}, b...)
	cases := []struct {
		layout     report.Layout
		dimensions []string
	}{
		{report.LayoutPlain, []string{"A1:V2", "A1:M1", "A1:G1", "A1:J1", "A1:M1", "A1:B3", "A1:H1"}},
		{report.LayoutForm, []string{"A1:W5", "A1:N3", "A1:H3", "A1:K3", "A1:N3", "A1:C5", "A1:I3"}},
	}
	colRE := regexp.MustCompile(`<col min="(\d+)" max="(\d+)"`)
	for _, tc := range cases {
		t.Run(tc.layout.String(), func(t *testing.T) {
			w := packed(t, tables, report.ZH, report.XLSXOptions{Layout: tc.layout})
			for i, want := range tc.dimensions {
				xml := part(t, w, "xl/worksheets/sheet"+strconv.Itoa(i+1)+".xml")
				assert.Contains(t, xml, `<dimension ref="`+want+`"`, "sheet %d", i+1)
				var mins []int
				for _, m := range colRE.FindAllStringSubmatch(xml, -1) {
					lo, _ := strconv.Atoi(m[1])
					hi, _ := strconv.Atoi(m[2])
					assert.Equal(t, lo, hi)
					mins = append(mins, lo)
				}
				require.NotEmpty(t, mins, "sheet %d has <col> elements", i+1)
				assert.True(t, slices.IsSorted(mins), "sheet %d: <col> ascending: %v", i+1, mins)
				assert.Equal(t, 1, mins[0])
			}
		})
	}
}

// The same tables and options make the same bytes, however many sheets
// (excelize writes the sheets it streamed in map order).
func TestXLSXIsTheSameFileEveryTime(t *testing.T) {
	tables := []report.Table{
		report.StatusTable(statusRows()), report.OverdueTable(nil), report.ScoreboardTable(nil),
		report.InvestmentTable(nil), report.UnitInvestmentTable(nil), report.SupervisionTable(nil),
	}
	for _, o := range []report.XLSXOptions{{}, form} {
		first := packed(t, tables, report.ZH, o)
		for range 10 {
			require.Equal(t, first, packed(t, tables, report.ZH, o))
		}
		r, err := zip.NewReader(bytes.NewReader(first), int64(len(first)))
		require.NoError(t, err)
		var names []string
		for _, f := range r.File {
			names = append(names, f.Name)
			assert.True(t, f.Modified.Before(time.Date(1981, 1, 1, 0, 0, 0, 0, time.UTC)), "%s: no time of writing", f.Name)
		}
		assert.True(t, slices.IsSorted(names), "%v", names)
		assert.Contains(t, names, "xl/worksheets/sheet6.xml")
	}
	path := filepath.Join(t.TempDir(), "status.xlsx")
	require.NoError(t, report.XLSX(path, tables, report.ZH, form))
	f, err := excelize.OpenFile(path)
	require.NoError(t, err)
	defer f.Close()
	var b bytes.Buffer
	_, err = f.WriteTo(&b) // opens: a well-formed workbook
	require.NoError(t, err)
}

func TestXLSXTakesOneOptions(t *testing.T) {
	var b bytes.Buffer
	err := report.WriteXLSX(&b, []report.Table{report.StatusTable(nil)}, report.EN, report.XLSXOptions{}, report.XLSXOptions{})
	assert.Error(t, err)
}
