package plan_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/plan"
)

// readSheet reads a test sheet in domain/plan/testdata/sheets.
func readSheet(t *testing.T, name string) plan.Sheet {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "sheets", name))
	require.NoError(t, err)
	var s plan.Sheet
	if filepath.Ext(name) == ".xlsx" {
		s, err = plan.ReadXLSX(name, bytes.NewReader(data))
	} else {
		s, err = plan.ReadCSV(name, data, plan.EncodingAuto)
	}
	require.NoError(t, err)
	return s
}

// TestCountySheetsReadAsOfficesWriteThem: each real layout, as CSV and as
// XLSX, finds its header band, skips what is not a project, and reads the
// same rows either way.
func TestCountySheetsReadAsOfficesWriteThem(t *testing.T) {
	cases := []struct {
		sheet      string
		headerLine int
		headerRows int
		rows       int
		notes      []string
		check      func(t *testing.T, rows []plan.Row)
	}{
		{
			sheet: "city-annual-plan", headerLine: 3, headerRows: 2, rows: 8,
			notes: []string{"header found on rows 3–4 (merged groups read as group/sub-header)", "year 2026, from the title",
				"column 12 '前期计划安排/项目建议书' is not a ledger field: ignored", "column 17 '备注' is not a ledger field: ignored",
				"row 5 skipped: a total row (合计)", "row 6 skipped: a category row (一、交通基础设施)"},
			check: func(t *testing.T, rows []plan.Row) {
				r := rows[0]
				assert.Equal(t, domain.ProjectID("20263601"), r.Project)
				assert.Equal(t, int64(862_000_000), r.TotalInvestment, "8.62亿 in a 万元 column")
				assert.Equal(t, "市交通运输局", r.Unit)
				assert.Equal(t, int64(300_000_000), r.AnnualPlan)
				assert.Equal(t, 2026, r.AnnualYear)
				assert.Equal(t, []domain.PlannedDeadline{
					{Milestone: domain.MilestoneStarted, Due: domain.NewDate(2025, 3, 31), Precision: domain.PrecisionMonth},
					{Milestone: domain.MilestoneCompleted, Due: domain.NewDate(2026, 12, 31), Precision: domain.PrecisionMonth},
				}, r.Deadlines, "建设起止年限 2025-03/2026-12")
				assert.Contains(t, r.Notes[0], "'已批复': reached, the sheet gives no date; nothing stored")
				assert.NotEmpty(t, r.Content)
			},
		},
		{
			sheet: "district-monthly-progress", headerLine: 3, headerRows: 2, rows: 8,
			notes: []string{"no leader column: column '责任人' read as the responsible leader"},
			check: func(t *testing.T, rows []plan.Row) {
				r := rows[0]
				assert.Equal(t, domain.ProjectID("2025-361102-47-01-003561"), r.Project)
				assert.Equal(t, int64(1_250_000_000), r.TotalInvestment, "总投资(亿元)")
				assert.Len(t, r.MonthDone, 10)
				assert.Equal(t, int64(29_370_000), r.MonthDone[1])
				var sum int64
				for _, v := range r.MonthDone {
					sum += v
				}
				assert.Equal(t, sum, r.ToDate)
				assert.Equal(t, "主体结构完成60%", r.Progress)
				assert.Equal(t, domain.ProjectID(""), rows[3].Project, "no code: matched by name later")
			},
		},
		{
			sheet: "annual-summary-quarters", headerLine: 2, headerRows: 1, rows: 9,
			notes: []string{"column '开工时间' read as the date started was reached", "row 7 skipped: a total row (小计)"},
			check: func(t *testing.T, rows []plan.Row) {
				assert.Equal(t, []plan.Reached{{Milestone: domain.MilestoneStarted, On: domain.NewDate(2026, 3, 18)}}, withoutColumn(rows[0].Reached))
				assert.Equal(t, domain.PrecisionHalf, rows[2].Deadlines[1].Precision)
				assert.Equal(t, domain.NewDate(2026, 6, 30), rows[2].Deadlines[1].Due)
			},
		},
		{
			sheet: "reverse-schedule-no-code", headerLine: 1, headerRows: 3, rows: 8,
			notes: []string{"header found on rows 1–3 (merged groups read as group/sub-header)", "column 5 '倒排工期节点/前期手续/立项' is not a ledger field: ignored"},
			check: func(t *testing.T, rows []plan.Row) {
				r := rows[0]
				assert.Equal(t, domain.ProjectID(""), r.Project)
				assert.Equal(t, "县住建局", r.Unit)
				assert.Equal(t, "王建国 副县长", r.Leader)
				assert.Len(t, r.Deadlines, 7)
			},
		},
	}
	for _, c := range cases {
		var fromCSV []plan.Row
		for _, ext := range []string{".csv", ".xlsx"} {
			t.Run(c.sheet+ext, func(t *testing.T) {
				s := readSheet(t, c.sheet+ext)
				assert.Equal(t, c.headerLine, s.HeaderLine)
				assert.Equal(t, c.headerRows, s.HeaderRows)
				o := plan.SheetOptions{Year: 2026}
				rows, ps := plan.RowsWith(s, o)
				require.Empty(t, texts(ps))
				require.Len(t, rows, c.rows)
				notes := plan.Notes(s, o)
				for _, n := range c.notes {
					assert.Contains(t, notes, n)
				}
				c.check(t, rows)
				if ext == ".csv" {
					fromCSV = rows
				} else {
					assert.Equal(t, exported(fromCSV), exported(rows), "the workbook reads as its CSV export")
				}
			})
		}
	}
}

func withoutColumn(rs []plan.Reached) []plan.Reached {
	out := make([]plan.Reached, len(rs))
	for i, r := range rs {
		out[i] = plan.Reached{Milestone: r.Milestone, On: r.On}
	}
	return out
}

// TestASheetWithoutAUnitIsRefusedOnce: one problem naming the column and
// the flag, not one per row; the flag supplies it.
func TestASheetWithoutAUnitIsRefusedOnce(t *testing.T) {
	s := readSheet(t, "bad-missing-unit.csv")
	rows, ps := plan.RowsWith(s, plan.SheetOptions{Year: 2026})
	assert.Nil(t, rows)
	assert.Equal(t, []string{"bad-missing-unit.csv: row 2: no 责任单位 (responsible unit) column; add the column, or give --unit NAME to use one for every row"}, texts(ps))
	rows, ps = plan.RowsWith(s, plan.SheetOptions{Year: 2026, Unit: "县发改局"})
	require.Empty(t, texts(ps))
	for _, r := range rows {
		assert.Equal(t, "县发改局", r.Unit)
	}
}

// TestNamesFoldToOneLocalID: full-width letters, spaces and brackets
// fold, so two sheets' spellings of a name are one project.
func TestNamesFoldToOneLocalID(t *testing.T) {
	assert.Equal(t, plan.LocalID("XX县污水处理厂提标改造"), plan.LocalID("ＸＸ县　污水处理厂提标改造"))
	assert.Equal(t, plan.LocalID("县工业园区标准厂房(三期)建设项目"), plan.LocalID("县工业园区标准厂房（三期）建设项目"))
	assert.NotEqual(t, plan.LocalID("县人民医院"), plan.LocalID("县中医院"))
	assert.Regexp(t, `^XM-[0-9A-F]{10}$`, string(plan.LocalID("县人民医院")))
}
