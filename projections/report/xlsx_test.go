package report_test

import (
	"path/filepath"
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
func workbook(t *testing.T, tables []report.Table, lang report.Lang) *excelize.File {
	t.Helper()
	path := filepath.Join(t.TempDir(), "report.xlsx")
	require.NoError(t, report.XLSX(path, tables, lang))
	f, err := excelize.OpenFile(path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	return f
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

	// Money: the exact yuan, shown in 万元 by the number format.
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
	w, err := f.GetColWidth("status", "B")
	require.NoError(t, err)
	assert.GreaterOrEqual(t, w, 20.0)
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
		"逾期清单（2026-10-01至2026-10-20）",
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
