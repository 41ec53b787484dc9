package report_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
	"github.com/keyprojects/ledger/projections/report"
)

func TestADeadlinePrintsAtItsPrecision(t *testing.T) {
	rows := []projections.OverdueRow{{
		Project: "P-7", Name: "Wind farm", Unit: "Energy Bureau", Milestone: domain.MilestoneStarted,
		Due: domain.NewDate(2026, 6, 30), DuePrecision: domain.PrecisionQuarter,
		Baseline: domain.NewDate(2026, 3, 31), BaselinePrecision: domain.PrecisionMonth, DaysLate: 10,
	}, {
		Project: "P-8", Name: "Feed mill", Unit: "Energy Bureau", Milestone: domain.MilestoneSigned,
		Due: domain.NewDate(2026, 6, 30), Baseline: domain.NewDate(2026, 3, 31), DaysLate: 10,
	}}
	tab := report.OverdueTable(rows)
	for _, lang := range []report.Lang{report.EN, report.ZH} {
		assert.Equal(t, []string{"2026年二季度", "2026年3月"}, rowOf(tab, 0, lang)[4:6])
		assert.Equal(t, []string{"2026-06-30", "2026-03-31"}, rowOf(tab, 1, lang)[4:6], "a day prints as it always did")
	}
	assert.Equal(t, domain.NewDate(2026, 6, 30), tab.Rows[1][4], "a day cell is the plain date")

	var csv bytes.Buffer
	require.NoError(t, report.CSV(&csv, tab, report.ZH, report.CSVOptions{}))
	assert.Contains(t, csv.String(), "2026年二季度,2026年3月")

	f := workbook(t, []report.Table{tab}, report.EN)
	assert.Equal(t, "2026年二季度", raw(t, f, "overdue", "E2"), "a quarter is text in the workbook, not an invented day")
	assert.Equal(t, "2026年3月", raw(t, f, "overdue", "F2"))
	assert.Equal(t, "2026-06-30", shown(t, f, "overdue", "E3"), "a day is a date cell")

	status := report.StatusTable([]projections.StatusRow{{
		Project: "P-7", NextMilestone: domain.MilestoneStarted,
		NextDue: domain.NewDate(2026, 12, 31), NextDuePrecision: domain.PrecisionHalf,
		NextBaseline: domain.NewDate(2026, 12, 31), NextBaselinePrecision: domain.PrecisionYear,
	}})
	assert.Equal(t, []string{"2026年下半年", "2026年"}, rowOf(status, 0, report.EN)[8:10])

	b := report.BulletinTables(projections.Bulletin{
		Period: projections.Month, From: domain.NewDate(2026, 7, 1), AsOf: domain.NewDate(2026, 7, 31),
		Reached: []projections.ReachedRow{{Project: "P-7", Milestone: domain.MilestoneSigned, Reached: domain.NewDate(2026, 7, 2),
			Due: domain.NewDate(2026, 6, 30), DuePrecision: domain.PrecisionHalf, DaysLate: 2}},
		Missed: []projections.MissedRow{{Project: "P-7", Milestone: domain.MilestoneStarted,
			Due: domain.NewDate(2026, 6, 30), DuePrecision: domain.PrecisionQuarter,
			RevisedTo: domain.NewDate(2026, 12, 31), RevisedToPrecision: domain.PrecisionYear, DaysLate: 15}},
	})
	assert.Equal(t, "2026年上半年", rowOf(b[0], 0, report.EN)[5])
	missed := rowOf(b[1], 0, report.EN)
	assert.Equal(t, []string{"2026年二季度", "", "2026年"}, missed[5:8])
}

func TestFormatDueDate(t *testing.T) {
	assert.Equal(t, "2026年3月", report.Format(report.KindDate, report.DueDate{Due: domain.NewDate(2026, 3, 31), Precision: domain.PrecisionMonth}, report.EN))
	assert.Equal(t, "2026-03-31", report.Format(report.KindDate, report.DueDate{Due: domain.NewDate(2026, 3, 31)}, report.EN))
	assert.Equal(t, "", report.Format(report.KindDate, report.DueDate{Precision: domain.PrecisionMonth}, report.ZH))
}
