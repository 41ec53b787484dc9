package projections_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/testday"
	"github.com/keyprojects/ledger/projections"
)

// The tests in this file date everything from the day the tests run as
// (testday), so that LEDGER_TEST_TODAY=2028-02-29 checks the rules across
// a leap day, a month's and a year's end.

// aroundToday registers a project a year before today with one deadline
// per milestone, each a given number of days from today.
func aroundToday(today domain.Date, offsets map[domain.Milestone]int) domain.RegisterProject {
	r := domain.RegisterProject{Meta: office, Project: "P-T", Name: "Around today", TotalInvestment: 100_000_000,
		Unit: "Energy Bureau", Leader: "Li", Kind: domain.KindNew, On: today.AddDays(-365)}
	for _, m := range domain.Milestones {
		if days, ok := offsets[m]; ok {
			r.Plan = append(r.Plan, domain.PlannedDeadline{Milestone: m, Due: today.AddDays(days)})
		}
	}
	return r
}

func TestLightsAndOverdueAroundToday(t *testing.T) {
	today := testday.Today(t)
	reg := aroundToday(today, map[domain.Milestone]int{
		domain.MilestoneSigned: -15, domain.MilestoneFundsReceived: -14, domain.MilestoneFeasibility: -1,
		domain.MilestoneEIA: 0, domain.MilestoneLand: 6, domain.MilestoneStarted: 7,
	})
	events, err := domain.Decide(domain.Project{}, reg, testday.Clock(t).Now())
	require.NoError(t, err)
	row := projections.NewRow(reg.Project)
	for i, e := range events {
		require.True(t, row.Apply(uint64(i+1), e))
	}
	rows := []*projections.Row{row}

	type late struct {
		Milestone domain.Milestone
		DaysLate  int
		Light     projections.Light
	}
	var got []late
	for _, o := range projections.Overdue(rows, projections.Options{AsOf: today}) {
		got = append(got, late{o.Milestone, o.DaysLate, o.Light})
	}
	assert.Equal(t, []late{
		{domain.MilestoneSigned, 15, projections.LightRed},
		{domain.MilestoneFundsReceived, 14, projections.LightYellow},
		{domain.MilestoneFeasibility, 1, projections.LightYellow},
	}, got, "deadlines whose day ended before %s, most days late first", today)

	status := projections.Status(rows, projections.Options{AsOf: today})
	require.Len(t, status, 1)
	assert.Equal(t, projections.LightRed, status[0].Light)
	assert.Equal(t, 3, status[0].OverdueCount)

	// A day earlier, the signing deadline is 14 days late and the
	// feasibility one is due today.
	status = projections.Status(rows, projections.Options{AsOf: today.AddDays(-1)})
	require.Len(t, status, 1)
	assert.Equal(t, projections.LightYellow, status[0].Light)
	assert.Equal(t, 2, status[0].OverdueCount)
}

// A watcher on a real store records each miss when its day ends in the
// project's zone, and not a moment before.
func TestWatcherRecordsMissesAsTodayEnds(t *testing.T) {
	today := testday.Today(t)
	w := newWatchEnv(t, testday.Clock(t).Now())
	clock := w.clock
	w.exec(aroundToday(today, map[domain.Milestone]int{
		domain.MilestoneSigned: -1, domain.MilestoneEIA: 0, domain.MilestoneStarted: 1,
	}))
	loc := testday.Zone(t)

	assert.Equal(t, 1, w.check(), "yesterday's deadline, at 10:00 today")
	clock.Set(today.End(loc).Add(-time.Nanosecond))
	assert.Equal(t, 0, w.check(), "today's deadline, a moment before the day ends")
	clock.Set(today.End(loc))
	assert.Equal(t, 1, w.check(), "today's deadline, as the day ends")
	clock.Set(today.AddDays(1).End(loc))
	assert.Equal(t, 1, w.check(), "tomorrow's deadline, as tomorrow ends")
	assert.Equal(t, 0, w.check(), "each miss once")

	var got []string
	for _, r := range w.misses() {
		got = append(got, missOf(t, r))
	}
	assert.Equal(t, []string{
		"P-T signed " + today.AddDays(-1).String(),
		"P-T eia " + today.String(),
		"P-T started " + today.AddDays(1).String(),
	}, got)

	// A miss is dated its deadline's day, whenever it was recorded.
	for i, r := range w.misses() {
		assert.Equal(t, today.AddDays(i-1), r.OccurredOn, "miss %d", i)
	}
}
