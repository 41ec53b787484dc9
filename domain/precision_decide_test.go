package domain_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
)

// planAt is plan with a precision.
func planAt(m domain.Milestone, due string, p domain.Precision) domain.PlanMilestone {
	c := plan(m, due)
	c.Precision = p
	return c
}

// reviseAt is revise with a precision.
func reviseAt(m domain.Milestone, due string, p domain.Precision, reason, on string) domain.ReviseDeadline {
	c := revise(m, due, reason, on)
	c.Precision = p
	return c
}

func TestDecideDeadlinePrecision(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{name: "a month deadline is planned on its last day and keeps its precision",
			cmd: planAt(domain.MilestoneStarted, "2026-03-31", domain.PrecisionMonth),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				d := payload[*domain.MilestonePlannedData](t, evs)
				assert.Equal(t, domain.MilestonePlannedData{Milestone: domain.MilestoneStarted, Due: day("2026-03-31"), Precision: domain.PrecisionMonth}, *d)
				assert.Equal(t, 2, evs[0].Schema)
				dl := p.Deadlines[domain.MilestoneStarted]
				assert.Equal(t, domain.PrecisionMonth, dl.Precision)
				assert.Equal(t, domain.PrecisionMonth, dl.BaselinePrecision)
				assert.Equal(t, day("2026-03-31"), dl.Due)
			}},
		{name: "a leap year's February as a month",
			cmd: planAt(domain.MilestoneStarted, "2028-02-29", domain.PrecisionMonth),
			check: func(t *testing.T, evs []domain.Event, _ domain.Project) {
				assert.Equal(t, domain.PrecisionMonth, payload[*domain.MilestonePlannedData](t, evs).Precision)
			}},
		{name: "a day deadline stores no precision",
			cmd: plan(domain.MilestoneStarted, "2026-03-15"),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				assert.Equal(t, domain.PrecisionDay, payload[*domain.MilestonePlannedData](t, evs).Precision)
				assert.Equal(t, domain.PrecisionDay, p.Deadlines[domain.MilestoneStarted].Precision)
			}},
		{name: "a month deadline not on the month's last day is refused",
			cmd:  planAt(domain.MilestoneStarted, "2026-03-15", domain.PrecisionMonth),
			kind: domain.ErrInvalid,
			msg: "cannot plan started for P-7: deadline of started: 2026-03-15 is not the last day of 2026年3月; " +
				"a deadline at month precision is the last day of its period (2026-03-31); give the period's last day, or a day deadline"},
		{name: "a quarter deadline on a month's last day that is not the quarter's is refused",
			cmd:  planAt(domain.MilestoneStarted, "2026-02-28", domain.PrecisionQuarter),
			kind: domain.ErrInvalid},
		{name: "28 February of a leap year is not its month's last day",
			cmd:  planAt(domain.MilestoneStarted, "2028-02-28", domain.PrecisionMonth),
			kind: domain.ErrInvalid},
		{name: "an unknown precision is refused",
			cmd:  planAt(domain.MilestoneStarted, "2026-03-31", "week"),
			kind: domain.ErrInvalid},
		{name: "a revision carries its precision; the one it replaces is kept",
			given: []domain.Command{planAt(domain.MilestoneStarted, "2026-03-31", domain.PrecisionMonth)},
			cmd:   reviseAt(domain.MilestoneStarted, "2026-06-30", domain.PrecisionQuarter, "land not delivered", "2026-02-01"),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				d := payload[*domain.DeadlineRevisedData](t, evs)
				assert.Equal(t, domain.PrecisionQuarter, d.Precision)
				assert.Equal(t, day("2026-03-31"), d.From)
				assert.Equal(t, 2, evs[0].Schema)
				dl := p.Deadlines[domain.MilestoneStarted]
				assert.Equal(t, domain.PrecisionQuarter, dl.Precision)
				assert.Equal(t, domain.PrecisionMonth, dl.BaselinePrecision, "the baseline keeps its precision")
				require.Len(t, dl.Revisions, 1)
				assert.Equal(t, domain.PrecisionMonth, dl.Revisions[0].FromPrecision)
				assert.Equal(t, domain.PrecisionQuarter, dl.Revisions[0].Precision)
				assert.Equal(t, domain.PrecisionMonth, dl.PrecisionOf(day("2026-03-31")))
				assert.Equal(t, domain.PrecisionQuarter, dl.PrecisionOf(day("2026-06-30")))
			}},
		{name: "a revision to a day makes the deadline a day",
			given: []domain.Command{planAt(domain.MilestoneStarted, "2026-12-31", domain.PrecisionYear)},
			cmd:   revise(domain.MilestoneStarted, "2026-10-15", "sooner", "2026-02-01"),
			check: func(t *testing.T, evs []domain.Event, p domain.Project) {
				assert.Equal(t, domain.PrecisionDay, payload[*domain.DeadlineRevisedData](t, evs).Precision)
				dl := p.Deadlines[domain.MilestoneStarted]
				assert.Equal(t, domain.PrecisionDay, dl.Precision)
				assert.Equal(t, domain.PrecisionYear, dl.BaselinePrecision)
			}},
		{name: "a revision at half-year precision not on the half's last day is refused",
			given: []domain.Command{plan(domain.MilestoneStarted, "2026-03-31")},
			cmd:   reviseAt(domain.MilestoneStarted, "2026-09-30", domain.PrecisionHalf, "land", "2026-02-01"),
			kind:  domain.ErrInvalid,
			msg: "cannot revise deadline of started for P-7: deadline of started: 2026-09-30 is not the last day of 2026年下半年; " +
				"a deadline at half precision is the last day of its period (2026-12-31); give the period's last day, or a day deadline"},
		{name: "the same date at another precision is no revision",
			given: []domain.Command{plan(domain.MilestoneStarted, "2026-03-31")},
			cmd:   reviseAt(domain.MilestoneStarted, "2026-03-31", domain.PrecisionMonth, "land", "2026-02-01"),
			kind:  domain.ErrNoChange},
	})
}

func TestRegisterWithAPlanAtPrecision(t *testing.T) {
	reg := register()
	reg.Plan = []domain.PlannedDeadline{
		{Milestone: domain.MilestoneSigned, Due: day("2026-03-31"), Precision: domain.PrecisionQuarter},
		{Milestone: domain.MilestoneStarted, Due: day("2026-06-30"), Precision: domain.PrecisionHalf},
		{Milestone: domain.MilestoneCompleted, Due: day("2027-12-31"), Precision: domain.PrecisionYear},
		{Milestone: domain.MilestoneCommissioned, Due: day("2028-01-15")},
	}
	l := newLedger(t, pid)
	evs := l.must(now, reg)
	require.Len(t, evs, 5)
	var got []domain.MilestonePlannedData
	for _, e := range evs[1:] {
		assert.Equal(t, 2, e.Schema)
		got = append(got, *e.Data.(*domain.MilestonePlannedData))
	}
	assert.Equal(t, []domain.MilestonePlannedData{
		{Milestone: domain.MilestoneSigned, Due: day("2026-03-31"), Precision: domain.PrecisionQuarter},
		{Milestone: domain.MilestoneStarted, Due: day("2026-06-30"), Precision: domain.PrecisionHalf},
		{Milestone: domain.MilestoneCompleted, Due: day("2027-12-31"), Precision: domain.PrecisionYear},
		{Milestone: domain.MilestoneCommissioned, Due: day("2028-01-15")},
	}, got)
	assert.Equal(t, domain.PrecisionHalf, l.p.Deadlines[domain.MilestoneStarted].Precision)
	assert.Equal(t, domain.PrecisionDay, l.p.Deadlines[domain.MilestoneCommissioned].Precision)

	bad := register()
	bad.Plan = []domain.PlannedDeadline{
		{Milestone: domain.MilestoneSigned, Due: day("2026-03-31"), Precision: domain.PrecisionMonth},
		{Milestone: domain.MilestoneStarted, Due: day("2026-12-30"), Precision: domain.PrecisionYear},
	}
	_, err := domain.Decide(domain.NewProject(pid), bad, now)
	requireRefused(t, err, domain.ErrInvalid, bad,
		"cannot register project for P-7: deadline of started: 2026-12-30 is not the last day of 2026年; "+
			"a deadline at year precision is the last day of its period (2026-12-31); give the period's last day, or a day deadline")
}

// A day deadline's command key is what it was before deadlines had a
// precision: the precision is left out of the key's JSON when it is a day.
func TestCommandKeyOfADayDeadlineIsUnchanged(t *testing.T) {
	for _, c := range []domain.Command{plan(domain.MilestoneStarted, "2026-03-31"),
		revise(domain.MilestoneStarted, "2026-03-31", "land", "2026-02-01"),
		func() domain.RegisterProject {
			r := register()
			r.Plan = []domain.PlannedDeadline{{Milestone: domain.MilestoneStarted, Due: day("2026-03-31")}}
			return r
		}()} {
		b, err := json.Marshal(c)
		require.NoError(t, err)
		assert.NotContains(t, string(b), "Precision", "%s", c.Action())
	}
	assert.NotEqual(t, domain.CommandKey(plan(domain.MilestoneStarted, "2026-03-31")),
		domain.CommandKey(planAt(domain.MilestoneStarted, "2026-03-31", domain.PrecisionMonth)),
		"the same day as a month is another command")
}

func TestEvolveDeadlinePrecision(t *testing.T) {
	ev := func(on string, d domain.Payload) domain.Event {
		return domain.Event{Project: pid, Type: d.EventType(), Schema: domain.EventVersion(d.EventType()), OccurredOn: day(on), Actor: "office", Data: d}
	}
	p := domain.Fold(pid, []domain.Event{
		ev("2026-01-05", &domain.RegisteredData{Name: "Wind farm", TotalInvestment: 1, Unit: "U", Leader: "L", Kind: domain.KindNew, TimeZone: domain.DefaultTimeZone}),
		ev("2026-01-10", &domain.MilestonePlannedData{Milestone: domain.MilestoneStarted, Due: day("2026-03-31"), Precision: domain.PrecisionMonth}),
		ev("2026-01-10", &domain.MilestonePlannedData{Milestone: domain.MilestoneSigned, Due: day("2026-02-15")}),
		ev("2026-02-01", &domain.DeadlineRevisedData{Milestone: domain.MilestoneStarted, From: day("2026-03-31"), Due: day("2026-06-30"),
			Baseline: day("2026-03-31"), Reason: "land", Precision: domain.PrecisionHalf}),
		ev("2026-05-01", &domain.DeadlineRevisedData{Milestone: domain.MilestoneStarted, From: day("2026-06-30"), Due: day("2026-08-20"),
			Baseline: day("2026-03-31"), Reason: "rain"}),
	})
	started := p.Deadlines[domain.MilestoneStarted]
	assert.Equal(t, day("2026-08-20"), started.Due)
	assert.Equal(t, domain.PrecisionDay, started.Precision, "a revision without a precision is a day")
	assert.Equal(t, domain.PrecisionMonth, started.BaselinePrecision)
	require.Len(t, started.Revisions, 2)
	assert.Equal(t, [2]domain.Precision{domain.PrecisionMonth, domain.PrecisionHalf}, [2]domain.Precision{started.Revisions[0].FromPrecision, started.Revisions[0].Precision})
	assert.Equal(t, [2]domain.Precision{domain.PrecisionHalf, domain.PrecisionDay}, [2]domain.Precision{started.Revisions[1].FromPrecision, started.Revisions[1].Precision})
	assert.Equal(t, domain.PrecisionDay, p.Deadlines[domain.MilestoneSigned].Precision)
	assert.Equal(t, domain.PrecisionDay, started.PrecisionOf(day("2026-01-01")), "never a deadline")

	// The stored state (a projection row) leaves a day's precision out,
	// so rows stored before precisions read and write the same.
	b, err := json.Marshal(p.Deadlines[domain.MilestoneSigned])
	require.NoError(t, err)
	assert.NotContains(t, string(b), "precision")
	b, err = json.Marshal(started)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"baseline_precision":"month"`)

	// The clone carries the precisions.
	c := p.Clone()
	assert.Equal(t, started.Revisions, c.Deadlines[domain.MilestoneStarted].Revisions)
	assert.Equal(t, domain.PrecisionMonth, c.Deadlines[domain.MilestoneStarted].BaselinePrecision)
}

func TestABaselineCorrectionKeepsItsPrecisionWhileItCan(t *testing.T) {
	at := func(due string, p domain.Precision) *ledger {
		return registered(t, planAt(domain.MilestoneStarted, due, p))
	}
	l := at("2026-03-31", domain.PrecisionMonth)
	l.must(now, correctRecord(domain.MilestonePlanned, func(c *domain.CorrectRecord) {
		c.Milestone, c.Date = domain.MilestoneStarted, day("2026-04-30")
	}))
	dl := l.p.Deadlines[domain.MilestoneStarted]
	assert.Equal(t, [2]any{day("2026-04-30"), domain.PrecisionMonth}, [2]any{dl.Due, dl.Precision}, "2026年3月 typed for 2026年4月")
	assert.Equal(t, domain.PrecisionMonth, dl.BaselinePrecision)

	l = at("2026-03-31", domain.PrecisionMonth)
	l.must(now, correctRecord(domain.MilestonePlanned, func(c *domain.CorrectRecord) {
		c.Milestone, c.Date = domain.MilestoneStarted, day("2026-04-15")
	}))
	dl = l.p.Deadlines[domain.MilestoneStarted]
	assert.Equal(t, [2]any{day("2026-04-15"), domain.PrecisionDay}, [2]any{dl.Due, dl.Precision}, "a day that ends no month is a day")
	assert.Equal(t, domain.PrecisionDay, dl.BaselinePrecision)
}

func TestUpcastDeadlineEventsOfVersion1(t *testing.T) {
	assert.Equal(t, 2, domain.EventVersion(domain.MilestonePlanned))
	assert.Equal(t, 2, domain.EventVersion(domain.DeadlineRevised))

	stored, err := domain.NewStoredPayload(domain.MilestonePlanned, 1)
	require.NoError(t, err)
	require.IsType(t, &domain.MilestonePlannedV1{}, stored)
	// Version 1 as the store holds it: {"milestone", "due"}, no precision.
	require.NoError(t, json.Unmarshal([]byte(`{"milestone":"started","due":"2026-03-31"}`), stored))
	e := domain.Event{ID: "k-0", Project: pid, Type: domain.MilestonePlanned, Schema: 1, OccurredOn: day("2026-01-10"), Data: stored}
	up, err := domain.Upcast(e)
	require.NoError(t, err)
	planned := up
	assert.Equal(t, 1, up.Schema, "an event keeps the version it was stored with")
	assert.Equal(t, &domain.MilestonePlannedData{Milestone: domain.MilestoneStarted, Due: day("2026-03-31"), Precision: domain.PrecisionDay}, up.Data)
	m, due := up.Data.(domain.MilestoneEvent).MilestoneRef()
	assert.Equal(t, [2]any{domain.MilestoneStarted, day("2026-03-31")}, [2]any{m, due})

	stored, err = domain.NewStoredPayload(domain.DeadlineRevised, 1)
	require.NoError(t, err)
	require.IsType(t, &domain.DeadlineRevisedV1{}, stored)
	*stored.(*domain.DeadlineRevisedV1) = domain.DeadlineRevisedV1{Milestone: domain.MilestoneStarted, From: day("2026-03-31"),
		Due: day("2026-06-30"), Baseline: day("2026-03-31"), Reason: "land"}
	up, err = domain.Upcast(domain.Event{ID: "k-0", Project: pid, Type: domain.DeadlineRevised, Schema: 1, Data: stored})
	require.NoError(t, err)
	assert.Equal(t, &domain.DeadlineRevisedData{Milestone: domain.MilestoneStarted, From: day("2026-03-31"), Due: day("2026-06-30"),
		Baseline: day("2026-03-31"), Reason: "land"}, up.Data)

	// The folded state of a version 1 plan is a day deadline.
	p := domain.Fold(pid, []domain.Event{planned})
	assert.Equal(t, domain.PrecisionDay, p.Deadlines[domain.MilestoneStarted].Precision)

	for _, typ := range []domain.EventType{domain.MilestonePlanned, domain.DeadlineRevised} {
		cur, err := domain.NewStoredPayload(typ, 2)
		require.NoError(t, err)
		assert.IsType(t, map[domain.EventType]domain.Payload{domain.MilestonePlanned: &domain.MilestonePlannedData{}, domain.DeadlineRevised: &domain.DeadlineRevisedData{}}[typ], cur)
		_, err = domain.NewStoredPayload(typ, 3)
		require.ErrorIs(t, err, domain.ErrInvalid)
		assert.Contains(t, err.Error(), "this ledger reads versions 1 to 2")
	}
}

// A deadline at month precision is missed when its last day has ended in
// the project's zone, like any deadline on that day: not a day sooner or
// later.
func TestAMonthDeadlineIsMissedWhenItsLastDayEnds(t *testing.T) {
	l := registered(t)
	l.must(now, planAt(domain.MilestoneStarted, "2026-03-31", domain.PrecisionMonth))
	endOf31 := utc("2026-03-31T16:00") // midnight starting 04-01 in Shanghai
	assert.Empty(t, l.p.MissedDeadlines(domain.MilestoneStarted, endOf31.Add(-time.Nanosecond)), "31 March has not ended")
	assert.Equal(t, []domain.Date{day("2026-03-31")}, l.p.MissedDeadlines(domain.MilestoneStarted, endOf31))

	_, err := domain.Decide(l.p, missed(domain.MilestoneStarted, "2026-03-31"), endOf31.Add(-time.Second))
	require.ErrorIs(t, err, domain.ErrFutureDate)
	evs := l.must(endOf31, missed(domain.MilestoneStarted, "2026-03-31"))
	assert.Equal(t, day("2026-03-31"), payload[*domain.DeadlineMissedData](t, evs).Due)

	// Reached on the month's last day is on time.
	on := registered(t, planAt(domain.MilestoneSigned, "2026-03-31", domain.PrecisionMonth), rec(domain.Signed, "2026-03-31"))
	assert.Empty(t, on.p.MissedDeadlines(domain.MilestoneSigned, endOf31))
}

func TestDescribeADeadlineAtPrecision(t *testing.T) {
	ev := func(d domain.Payload) domain.Event { return domain.Event{Type: d.EventType(), Data: d} }
	assert.Equal(t, "started due 2026-03-31", domain.Describe(ev(&domain.MilestonePlannedData{Milestone: domain.MilestoneStarted, Due: day("2026-03-31")})))
	assert.Equal(t, "started due 2026年3月 (2026-03-31)", domain.Describe(ev(&domain.MilestonePlannedData{
		Milestone: domain.MilestoneStarted, Due: day("2026-03-31"), Precision: domain.PrecisionMonth})))
	assert.Equal(t, "started moved 2026-03-31 -> 2026-06-30 (baseline 2026-03-31): land", domain.Describe(ev(&domain.DeadlineRevisedData{
		Milestone: domain.MilestoneStarted, From: day("2026-03-31"), Due: day("2026-06-30"), Baseline: day("2026-03-31"), Reason: "land"})))
	assert.Equal(t, "started moved 2026-03-31 -> 2026年上半年 (2026-06-30; baseline 2026-03-31): land", domain.Describe(ev(&domain.DeadlineRevisedData{
		Milestone: domain.MilestoneStarted, From: day("2026-03-31"), Due: day("2026-06-30"), Baseline: day("2026-03-31"), Reason: "land", Precision: domain.PrecisionHalf})))
}
