package examples_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/plan"
	"github.com/keyprojects/ledger/examples"
)

// demoDay is the day the demo and the command tests are set on.
var demoDay = domain.NewDate(2026, 11, 27)

func rowsOf(t *testing.T, s plan.Sheet, err error) []plan.Row {
	t.Helper()
	require.NoError(t, err)
	rows, problems := plan.Rows(s)
	require.Empty(t, problems, "%s: %v", s.File, problems)
	require.Len(t, rows, 50, s.File)
	return rows
}

func TestCountyPlanFormatsAgree(t *testing.T) {
	utf8Sheet, err := plan.ReadCSV("county-plan-2026.csv", examples.CountyPlanCSV, plan.EncodingAuto)
	utf8Rows := rowsOf(t, utf8Sheet, err)
	assert.Equal(t, "utf-8", utf8Sheet.Encoding)

	gbSheet, err := plan.ReadCSV("county-plan-2026-gb18030.csv", examples.CountyPlanGB18030, plan.EncodingAuto)
	gbRows := rowsOf(t, gbSheet, err)
	assert.Equal(t, "gb18030", gbSheet.Encoding, "auto detects GB18030")

	xlsxSheet, err := plan.ReadXLSX("county-plan-2026.xlsx", bytes.NewReader(examples.CountyPlanXLSX))
	xlsxRows := rowsOf(t, xlsxSheet, err)

	for _, other := range []struct {
		file string
		rows []plan.Row
	}{{gbSheet.File, gbRows}, {xlsxSheet.File, xlsxRows}} {
		for i, want := range utf8Rows {
			got := other.rows[i]
			at := func(field string) string { return other.file + " row " + want.Project.String() + ": " + field }
			assert.Equal(t, want.Project, got.Project, at("project"))
			assert.Equal(t, want.Name, got.Name, at("name"))
			assert.Equal(t, want.TotalInvestment, got.TotalInvestment, at("total investment"))
			assert.Equal(t, want.Unit, got.Unit, at("unit"))
			assert.Equal(t, want.Leader, got.Leader, at("leader"))
			assert.Equal(t, want.Township, got.Township, at("township"))
			assert.Equal(t, want.Kind, got.Kind, at("kind"))
			assert.Equal(t, want.Deadlines, got.Deadlines, at("deadlines"))
			assert.Equal(t, want.Reason, got.Reason, at("reason"))
		}
	}
}

func TestCountyPlanContents(t *testing.T) {
	s, err := plan.ReadCSV("county-plan-2026.csv", examples.CountyPlanCSV, plan.EncodingAuto)
	rows := rowsOf(t, s, err)

	order := map[domain.Milestone]int{}
	for i, m := range domain.Milestones {
		order[m] = i
	}
	kinds := map[domain.ProjectKind]int{}
	var past, december int
	for _, r := range rows {
		kinds[r.Kind]++
		assert.NotEmpty(t, r.Deadlines, "%s has deadlines", r.Project)
		assert.Empty(t, r.Reason, "%s: no deadline has moved yet", r.Project)
		var isPast, inDecember bool
		for i, d := range r.Deadlines {
			if i > 0 {
				prev := r.Deadlines[i-1]
				assert.Less(t, order[prev.Milestone], order[d.Milestone], "%s: deadlines in plan order", r.Project)
				assert.GreaterOrEqual(t, d.Due, prev.Due, "%s: %s (%s) is not before %s (%s)", r.Project, d.Milestone, d.Due, prev.Milestone, prev.Due)
			}
			isPast = isPast || d.Due < demoDay
			inDecember = inDecember || (d.Due.Year() == 2026 && d.Due.Month() == time.December)
		}
		if isPast {
			past++
		}
		if inDecember {
			december++
		}
	}
	assert.Equal(t, 30, kinds[domain.KindNew], "新建 projects")
	assert.Equal(t, 20, kinds[domain.KindContinuing], "续建 projects")
	assert.GreaterOrEqual(t, past, 12, "projects with a deadline before %s", demoDay)
	assert.GreaterOrEqual(t, december, 5, "projects with a deadline in December 2026")
}
