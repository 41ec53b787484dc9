package projections_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
)

func (p pj) planAt(m domain.Milestone, dueOn string, prec domain.Precision) domain.PlanMilestone {
	c := p.plan(m, dueOn)
	c.Precision = prec
	return c
}

func (p pj) reviseAt(m domain.Milestone, dueOn string, prec domain.Precision, day string) domain.ReviseDeadline {
	c := p.revise(m, dueOn, day)
	c.Precision = prec
	return c
}

// Deadlines at month, quarter, half-year or year precision reach the read
// models with their precision; a day deadline's rows read exactly as
// before, with no precision key.
func TestReadModelsCarryTheDeadlinePrecision(t *testing.T) {
	const p pj = "P-7"
	r := fold(t,
		p.register("Wind farm", "Energy Bureau", "Wang", "2026-01-05"),
		p.planAt(domain.MilestoneSigned, "2026-03-31", domain.PrecisionMonth),
		p.planAt(domain.MilestoneStarted, "2026-06-30", domain.PrecisionQuarter),
		p.plan(domain.MilestoneCompleted, "2027-05-20"),
		// Revised after the quarter ended: 2026年二季度 was missed.
		p.reviseAt(domain.MilestoneStarted, "2026-12-31", domain.PrecisionHalf, "2026-07-15"),
	)

	overdue := projections.Overdue([]*projections.Row{r}, on("2026-04-10"))
	require.Len(t, overdue, 1)
	assert.Equal(t, domain.MilestoneSigned, overdue[0].Milestone)
	assert.Equal(t, 10, overdue[0].DaysLate, "a month deadline is late from the day after the month's last day")
	assert.Equal(t, domain.PrecisionMonth, overdue[0].DuePrecision)
	assert.Equal(t, domain.PrecisionMonth, overdue[0].BaselinePrecision)
	assert.Empty(t, projections.Overdue([]*projections.Row{r}, on("2026-03-31")), "not late on the month's last day")

	status := projections.Status([]*projections.Row{r}, on("2026-08-01"))
	require.Len(t, status, 1)
	assert.Equal(t, domain.MilestoneSigned, status[0].NextMilestone)
	assert.Equal(t, domain.PrecisionMonth, status[0].NextDuePrecision)

	b := projections.MakeBulletin([]*projections.Row{r}, projections.Month, on("2026-07-31"))
	var missed *projections.MissedRow
	for i := range b.Missed {
		if b.Missed[i].Milestone == domain.MilestoneStarted {
			missed = &b.Missed[i]
		}
	}
	require.NotNil(t, missed, "the quarter missed, then revised: %+v", b.Missed)
	assert.Equal(t, dt("2026-06-30"), missed.Due)
	assert.Equal(t, domain.PrecisionQuarter, missed.DuePrecision)
	assert.Equal(t, dt("2026-12-31"), missed.RevisedTo)
	assert.Equal(t, domain.PrecisionHalf, missed.RevisedToPrecision)

	audits := projections.DeadlineAudits(&r.Project, dt("2026-08-01"))
	require.Len(t, audits, 3)
	assert.Equal(t, domain.PrecisionHalf, audits[1].DuePrecision)
	assert.Equal(t, domain.PrecisionQuarter, audits[1].BaselinePrecision)
	assert.Equal(t, domain.PrecisionDay, audits[2].DuePrecision)

	// A day deadline's rows have no precision keys.
	day := fold(t, p.register("Wind farm", "Energy Bureau", "Wang", "2026-01-05", due(domain.MilestoneStarted, "2026-03-31")))
	for _, v := range []any{
		projections.Overdue([]*projections.Row{day}, on("2026-04-10")),
		projections.Status([]*projections.Row{day}, on("2026-04-10")),
		projections.MakeBulletin([]*projections.Row{day}, projections.Month, on("2026-04-10")),
		projections.DeadlineAudits(&day.Project, dt("2026-04-10")),
		day,
	} {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		assert.NotContains(t, string(b), "precision", "%T", v)
	}
	// A stored row keeps the precisions and reads them back.
	enc, err := projections.EncodeRow(r)
	require.NoError(t, err)
	back, err := projections.DecodeRow(enc)
	require.NoError(t, err)
	assert.Equal(t, r.Deadlines[domain.MilestoneStarted], back.Deadlines[domain.MilestoneStarted])
}
