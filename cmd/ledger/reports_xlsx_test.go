package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
)

// The status workbook as a form: the heading names the as-of date, the
// 填报单位 line the office given, and the 合计 row adds up the 万元 the
// money cells hold.
func TestStatusXLSXFormLayout(t *testing.T) {
	c := newDemoCLI(t)
	c.ok("demo")
	path := filepath.Join(t.TempDir(), "进度表.xlsx")
	c.ok("status", "--as-of", "2026-11-30", "--lang", "zh", "--layout", "form", "--issuer", "县发改局重点项目办", "--xlsx", path)
	var status []projections.StatusRow
	require.NoError(t, json.Unmarshal([]byte(c.ok("status", "--as-of", "2026-11-30", "--json")), &status))

	f, err := excelize.OpenFile(path)
	require.NoError(t, err)
	defer f.Close()
	sheets := f.GetSheetList()
	require.Len(t, sheets, 6)
	rows, err := f.GetRows(sheets[0])
	require.NoError(t, err)
	require.Len(t, rows, 3+len(status)+1, "heading, 填报单位 line, header, one row per project, 合计")
	assert.Equal(t, "项目进度表（截至2026年11月30日）", rows[0][0])
	assert.Equal(t, "填报单位：县发改局重点项目办", rows[1][0])
	assert.Equal(t, []string{"序号", "项目代码", "项目名称"}, rows[2][:3])
	assert.Equal(t, []string{"1", string(status[0].Project)}, rows[3][:2])
	assert.Equal(t, "合计", rows[len(rows)-1][0])

	col := indexOf(rows[2], "总投资(万元)")
	require.GreaterOrEqual(t, col, 0)
	var total int64
	for i, r := range status {
		total += r.TotalInvestment
		cell := cellName(t, col, 4+i)
		v, err := f.GetCellValue(sheets[0], cell, excelize.Options{RawCellValue: true})
		require.NoError(t, err)
		assert.Equal(t, wan(r.TotalInvestment), v, "%s %s holds 万元", r.Project, cell)
	}
	v, err := f.GetCellValue(sheets[0], cellName(t, col, len(rows)), excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	assert.Equal(t, wan(total), v, "合计 of 总投资(万元)")

	// Every other sheet is a form too, headed by its own title.
	for _, s := range sheets[1:] {
		head, err := f.GetCellValue(s, "A1")
		require.NoError(t, err)
		assert.Contains(t, head, "（截至2026年11月30日）", s)
	}
}

// wan is yuan in 万元, as the digits a cell holding it stores.
func wan(yuan int64) string {
	return strconv.FormatFloat(float64(yuan)/10_000, 'f', -1, 64)
}

func TestReportWorkbookFlagsNeedXLSX(t *testing.T) {
	c := newCLI(t)
	for _, args := range [][]string{
		{"status", "--layout", "plain"},
		{"overdue", "--issuer", "县发改局"},
		{"bulletin", "--title", "十一月通报"},
	} {
		code, _, errs := c.run(args...)
		assert.NotZero(t, code, "%v", args)
		assert.Contains(t, errs, "give --xlsx FILE", "%v", args)
	}
	code, _, errs := c.run("status", "--layout", "a3", "--xlsx", filepath.Join(t.TempDir(), "x.xlsx"))
	assert.NotZero(t, code)
	assert.Contains(t, errs, `--layout: layout "a3" is unknown; expected plain or form`)
}

// A workbook of six sheets written twice is the same file.
func TestReportXLSXIsTheSameFileForTheSameAsOf(t *testing.T) {
	c := newDemoCLI(t)
	c.ok("demo")
	dir := t.TempDir()
	var files [][]byte
	for i := range 3 {
		path := filepath.Join(dir, strconv.Itoa(i)+".xlsx")
		c.ok("status", "--as-of", "2026-11-30", "--lang", "zh", "--xlsx", path)
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		files = append(files, b)
	}
	assert.True(t, bytes.Equal(files[0], files[1]) && bytes.Equal(files[1], files[2]), "the same bytes every time")
}

// The form, filled in, imports back as the month's progress: the importer
// reads the month from the heading and skips the 序号 and the 合计 row.
func TestRoundTripStatusFormBackAsProgress(t *testing.T) {
	c := newSheetCLI(t)
	c.ok("import", "plan", countySheet("district-monthly-progress.xlsx"))
	const id = "2025-361102-47-01-003561"
	exported := filepath.Join(t.TempDir(), "status.xlsx")
	c.ok("status", "--lang", "zh", "--layout", "form", "--xlsx", exported)
	today := sheetToday(t, c)
	month := fmt.Sprintf("%04d-%02d", today.Year(), int(today.Month()))

	f, err := excelize.OpenFile(exported)
	require.NoError(t, err)
	sheet := f.GetSheetList()[0]
	rows, err := f.GetRows(sheet)
	require.NoError(t, err)
	head := rows[2]
	require.Equal(t, []string{"序号", "项目代码"}, head[:2])
	line := 0
	for i, r := range rows {
		if len(r) > 1 && r[1] == id {
			line = i + 1
		}
	}
	require.NotZero(t, line, "a row for %s", id)
	set := func(col, row int, v any) {
		cell, err := excelize.CoordinatesToCellName(col, row)
		require.NoError(t, err)
		require.NoError(t, f.SetCellValue(sheet, cell, v))
	}
	progressCol, startedCol := len(head)+1, len(head)+2
	set(progressCol, 3, "形象进度")
	set(startedCol, 3, "实际开工时间")
	set(progressCol, line, "主体结构完成")
	set(startedCol, line, "2026-10-15")
	edited := filepath.Join(t.TempDir(), "status-filled.xlsx")
	require.NoError(t, f.SaveAs(edited))
	require.NoError(t, f.Close())

	before := c.msgCount()
	code, out, errs := c.run("import", "progress", edited)
	require.Zero(t, code, "the form, filled in, imports back as progress:\nstdout: %s\nstderr: %s", out, errs)
	assert.Contains(t, out, "imported progress status-filled.xlsx for "+month, "the month from the heading")
	p := c.projectState(id)
	assert.Equal(t, map[domain.Month]string{domain.Month(month): "主体结构完成"}, p.Progress)
	assert.Equal(t, day(t, "2026-10-15"), p.Steps[domain.Started])
	assert.Equal(t, before+2, c.msgCount(), "a step and a progress report, nothing for the other rows")
}
