package query_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore/storetest"
	"github.com/keyprojects/ledger/projections"
	"github.com/keyprojects/ledger/projections/query"
)

// now is 10:00 on 27 November 2026 in Shanghai.
var now = time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)

func day(s string) domain.Date {
	d, err := domain.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

var office = domain.Meta{Actor: "key-project office"}

// ledger is a store holding four projects of four units; P-4 was
// registered in November only, and P-1 changed leader in October.
func ledger(t *testing.T) *storetest.Env {
	t.Helper()
	env := storetest.Start(t, domain.NewManualClock(now))
	ctx := context.Background()
	for _, c := range []domain.Command{
		domain.RegisterProject{Meta: office, Project: "P-1", Name: "光伏组件", TotalInvestment: 300_000_000, Unit: "县工信局", Leader: "李明",
			Township: "城关镇", Kind: domain.KindNew, On: day("2026-02-10"),
			Plan: []domain.PlannedDeadline{{Milestone: domain.MilestoneStarted, Due: day("2026-06-30")}}},
		domain.RegisterProject{Meta: office, Project: "P-2", Name: "商贸物流园", TotalInvestment: 200_000_000, Unit: "县商务局", Leader: "赵强",
			Township: "东关镇", Kind: domain.KindNew, On: day("2026-03-01")},
		domain.RegisterProject{Meta: office, Project: "P-3", Name: "保障房", TotalInvestment: 100_000_000, Unit: "县住建局", Leader: "刘洋",
			Township: "城关镇", Kind: domain.KindContinuing, On: day("2026-01-15")},
		domain.AssignLeader{Meta: office, Project: "P-1", Leader: "王芳", Reason: "rotation", On: day("2026-10-08")},
		domain.RegisterProject{Meta: office, Project: "P-4", Name: "高标准农田", TotalInvestment: 50_000_000, Unit: "县农业农村局", Leader: "陈静",
			Township: "西河乡", Kind: domain.KindNew, On: day("2026-11-02")},
	} {
		_, err := env.Store.Execute(ctx, c)
		require.NoError(t, err, "%T", c)
	}
	return env
}

func owner(env *storetest.Env) *query.Service {
	return query.New(env.Store, query.WithClock(domain.NewManualClock(now)), query.WithCatchUp())
}

func TestFiltersRefuseNamesNotInTheLedgerNamingTheClosest(t *testing.T) {
	env := ledger(t)
	qs := owner(env)
	ctx := context.Background()

	_, err := qs.Status(ctx, query.StatusQuery{Report: query.Report{Filter: query.Filter{Unit: "县工信"}}})
	require.ErrorIs(t, err, query.ErrUnknownName)
	assert.EqualError(t, err, `no unit "县工信" in the ledger; the closest: 县工信局, 县住建局, 县商务局`)
	var unknown *query.UnknownNameError
	require.ErrorAs(t, err, &unknown)
	assert.Equal(t, "unit", unknown.Field)

	_, err = qs.Overdue(ctx, query.Report{Filter: query.Filter{Leader: "李"}})
	assert.ErrorIs(t, err, query.ErrUnknownName)
	assert.ErrorContains(t, err, `no leader "李" in the ledger; the closest: 李明`)

	_, err = qs.Scoreboard(ctx, query.ScoreboardQuery{Report: query.Report{Filter: query.Filter{Leader: "赵强强"}}})
	assert.ErrorContains(t, err, `no leader "赵强强" in the ledger; the closest: 赵强`)

	_, err = qs.Investment(ctx, query.Report{Filter: query.Filter{Township: "城关"}})
	assert.ErrorContains(t, err, `no township "城关" in the ledger; the closest: 城关镇`)

	for name, ask := range map[string]func(query.Report) error{
		"investment by unit": func(q query.Report) error { _, err := qs.InvestmentByUnit(ctx, q); return err },
		"supervision": func(q query.Report) error {
			_, err := qs.Supervision(ctx, query.SupervisionQuery{Report: q})
			return err
		},
		"bulletin": func(q query.Report) error { _, err := qs.Bulletin(ctx, query.BulletinQuery{Report: q}); return err },
		"workbook": func(q query.Report) error { _, err := qs.Workbook(ctx, q); return err },
	} {
		assert.ErrorIs(t, ask(query.Report{Filter: query.Filter{Unit: "Nobody"}}), query.ErrUnknownName, name)
		assert.NoError(t, ask(query.Report{Filter: query.Filter{Unit: "县商务局"}}), name)
	}
}

func TestFiltersRefuseUnknownNamesAtACutTooButNotNamesKnownOnlyLater(t *testing.T) {
	env := ledger(t)
	qs := owner(env)
	ctx := context.Background()
	past := query.Report{Cut: query.Cut{AsOf: day("2026-09-30")}}

	q := past
	q.Filter.Unit = "县农业农村"
	_, err := qs.Status(ctx, query.StatusQuery{Report: q})
	assert.ErrorContains(t, err, `no unit "县农业农村" in the ledger; the closest: 县农业农村局`)

	q.Filter.Unit = "县农业农村局" // registered in November: known, but not yet on 30 September
	st, err := qs.Status(ctx, query.StatusQuery{Report: q})
	require.NoError(t, err)
	assert.Empty(t, st.Value)

	q = past
	q.Filter.Leader = "王芳" // P-1's leader from October: known now
	ov, err := qs.Overdue(ctx, q)
	require.NoError(t, err)
	assert.Empty(t, ov.Value)

	q = query.Report{Filter: query.Filter{Leader: "李明"}} // P-1's leader before: still in the ledger
	ov, err = qs.Overdue(ctx, q)
	require.NoError(t, err)
	require.Len(t, ov.Value, 1)
	assert.Equal(t, "李明", ov.Value[0].LeaderThen)
	assert.Equal(t, "王芳", ov.Value[0].LeaderNow)
}

func TestFiltersNarrowTheReports(t *testing.T) {
	env := ledger(t)
	qs := owner(env)
	ctx := context.Background()

	st, err := qs.Status(ctx, query.StatusQuery{Report: query.Report{Filter: query.Filter{Unit: "县工信局"}}})
	require.NoError(t, err)
	require.Len(t, st.Value, 1, "one unit's rows, through its index")
	assert.Equal(t, domain.ProjectID("P-1"), st.Value[0].Project)

	st, err = qs.Status(ctx, query.StatusQuery{Report: query.Report{Filter: query.Filter{Township: "城关镇"}}, Order: query.ByUnit})
	require.NoError(t, err)
	require.Len(t, st.Value, 2)
	assert.Equal(t, []string{"县住建局", "县工信局"}, []string{st.Value[0].Unit, st.Value[1].Unit}, "by unit")

	st, err = qs.Status(ctx, query.StatusQuery{Report: query.Report{Filter: query.Filter{Kind: domain.KindContinuing}}})
	require.NoError(t, err)
	require.Len(t, st.Value, 1)
	assert.Equal(t, domain.ProjectID("P-3"), st.Value[0].Project)

	sc, err := qs.Scoreboard(ctx, query.ScoreboardQuery{Report: query.Report{Filter: query.Filter{Unit: "县工信局"}}, By: query.ScoreUnits})
	require.NoError(t, err)
	require.Len(t, sc.Value, 1)
	assert.Equal(t, "县工信局", sc.Value[0].Name)

	_, err = qs.Status(ctx, query.StatusQuery{Report: query.Report{Filter: query.Filter{Light: "rde", Stage: "剪彩"}}})
	assert.ErrorIs(t, err, query.ErrBadFilter)
	assert.ErrorContains(t, err, `light "rde": expected one of green (绿灯), yellow (黄灯), red (红灯), suspended (停工)`)
	assert.ErrorContains(t, err, `stage "剪彩": expected one of registered (已登记), negotiating (洽谈)`)

	// Chinese names filter as the codes do.
	for _, f := range []query.Filter{{Kind: "续建"}, {Kind: "continuing"}} {
		st, err = qs.Status(ctx, query.StatusQuery{Report: query.Report{Filter: f}})
		require.NoError(t, err)
		require.Len(t, st.Value, 1, "%+v", f)
		assert.Equal(t, domain.ProjectID("P-3"), st.Value[0].Project)
	}
	red, err := qs.Status(ctx, query.StatusQuery{Report: query.Report{Filter: query.Filter{Light: projections.LightRed}}})
	require.NoError(t, err)
	hong, err := qs.Status(ctx, query.StatusQuery{Report: query.Report{Filter: query.Filter{Light: "红灯"}}})
	require.NoError(t, err)
	assert.Equal(t, red.Value, hong.Value)
	all, err := qs.Status(ctx, query.StatusQuery{})
	require.NoError(t, err)
	stage := all.Value[0].Stage
	started, err := qs.Status(ctx, query.StatusQuery{Report: query.Report{Filter: query.Filter{Stage: stage}}})
	require.NoError(t, err)
	kaigong, err := qs.Status(ctx, query.StatusQuery{Report: query.Report{Filter: query.Filter{Stage: domain.EventType(stage).Chinese()}}})
	require.NoError(t, err)
	assert.NotEmpty(t, started.Value)
	assert.Equal(t, started.Value, kaigong.Value)

	_, err = qs.Status(ctx, query.StatusQuery{Order: "worst"})
	assert.ErrorIs(t, err, query.ErrBadOrder)
}

func TestResolveReadsTheTwoAxes(t *testing.T) {
	qs := query.New(ledger(t).Store, query.WithClock(domain.NewManualClock(now)))
	for _, tc := range []struct {
		name   string
		cut    query.Cut
		events projections.Cut
		asOf   domain.Date
	}{
		{"today", query.Cut{}, projections.Cut{}, day("2026-11-27")},
		{"a past business date cuts what had happened", query.Cut{AsOf: day("2026-09-30")}, projections.Cut{Occurred: day("2026-09-30")}, day("2026-09-30")},
		{"a later business date cuts nothing", query.Cut{AsOf: day("2026-12-31")}, projections.Cut{}, day("2026-12-31")},
		{"a recorded time reports on its day", query.Cut{Recorded: time.Date(2026, 10, 31, 10, 0, 0, 0, time.UTC)},
			projections.Cut{Recorded: time.Date(2026, 10, 31, 10, 0, 0, 0, time.UTC)}, day("2026-10-31")},
	} {
		events, asOf := qs.Resolve(tc.cut)
		assert.Equal(t, tc.events, events, tc.name)
		assert.Equal(t, tc.asOf, asOf, tc.name)
	}
}

func TestAnswersSayHowFarBehindTheProjectionsAre(t *testing.T) {
	env := ledger(t)
	ctx := context.Background()
	_, err := projections.NewRunner(env.Store).CatchUp(ctx)
	require.NoError(t, err)
	_, err = env.Store.Execute(ctx, domain.RecordStep{Meta: office, Project: "P-2", Step: domain.Signed, On: day("2026-11-20")})
	require.NoError(t, err)

	reader := query.New(env.Store, query.WithClock(domain.NewManualClock(now)), query.WithWait(100*time.Millisecond))
	st, err := reader.Status(ctx, query.StatusQuery{})
	require.NoError(t, err)
	assert.Equal(t, uint64(1), st.Behind, "no runner applied the signing")
	assert.Len(t, st.Value, 4)

	past, err := reader.Status(ctx, query.StatusQuery{Report: query.Report{Cut: query.Cut{AsOf: day("2026-11-21")}}})
	require.NoError(t, err)
	assert.Zero(t, past.Behind, "a past date folds the stream itself")

	p, err := reader.Progress(ctx)
	require.NoError(t, err)
	assert.Equal(t, uint64(1), p.Behind)

	st, err = owner(env).Status(ctx, query.StatusQuery{})
	require.NoError(t, err)
	assert.Zero(t, st.Behind, "the owner of the data folder catches up first")
}

func TestAReaderOfTheProjectionsOnlyIsRefusedAPastCut(t *testing.T) {
	env := ledger(t)
	ctx := context.Background()
	_, err := projections.NewRunner(env.Store).CatchUp(ctx)
	require.NoError(t, err)
	reporter := query.New(env.Store, query.WithClock(domain.NewManualClock(now)), query.WithoutStream("user reporter"))

	st, err := reporter.Status(ctx, query.StatusQuery{Report: query.Report{Filter: query.Filter{Unit: "县商务局"}}})
	require.NoError(t, err)
	assert.Len(t, st.Value, 1)

	_, err = reporter.Overdue(ctx, query.Report{Cut: query.Cut{AsOf: day("2026-09-30")}})
	assert.ErrorIs(t, err, query.ErrStreamUnreadable)
	assert.ErrorContains(t, err, "which user reporter may not read")

	p, err := reporter.Progress(ctx)
	require.NoError(t, err)
	assert.True(t, p.StreamUnread)
}

func TestProjectViewsCutTheHistory(t *testing.T) {
	env := ledger(t)
	qs := owner(env)
	ctx := context.Background()

	h, err := qs.History(ctx, query.HistoryQuery{Project: "P-1"})
	require.NoError(t, err)
	assert.Len(t, h.Value.Records, 3, "registered, milestone planned, leader assigned")
	assert.Equal(t, "王芳", h.Value.State.Leader)

	h, err = qs.History(ctx, query.HistoryQuery{Project: "P-1", Events: projections.Cut{Occurred: day("2026-09-30")}})
	require.NoError(t, err)
	assert.Len(t, h.Value.Records, 2)
	assert.Equal(t, "李明", h.Value.State.Leader)

	_, err = qs.History(ctx, query.HistoryQuery{Project: "P-4", Events: projections.Cut{Occurred: day("2026-09-30")}})
	assert.ErrorIs(t, err, query.ErrNoEvents)
	assert.EqualError(t, err, "project P-4 has no events in that time")

	_, err = qs.Project(ctx, "P-9")
	assert.EqualError(t, err, "project P-9 has no events; the closest: P-1, P-2, P-3")
	_, err = qs.History(ctx, query.HistoryQuery{Project: "p-2"})
	var none *query.NoEventsError
	require.ErrorAs(t, err, &none)
	assert.Equal(t, "P-2", none.Closest[0], "ids typed in another case find the project first")

	card, err := qs.Project(ctx, "P-2")
	require.NoError(t, err)
	assert.Equal(t, "商贸物流园", card.Value.Name)

	leaders, err := qs.Leaders(ctx, "P-1")
	require.NoError(t, err)
	require.Len(t, leaders.Value, 2)
	assert.Equal(t, projections.LeaderAudit{Leader: "李明", From: day("2026-02-10"), To: day("2026-10-08")}, leaders.Value[0])

	dl, err := qs.Deadlines(ctx, query.DeadlinesQuery{Project: "P-1", Cut: query.Cut{AsOf: day("2026-07-10")}})
	require.NoError(t, err)
	require.Len(t, dl.Value, 1)
	assert.Equal(t, "open, 10 days late", dl.Value[0].Outcome)

	late, err := qs.LateEntries(ctx, query.LateEntriesQuery{MinDays: 30})
	require.NoError(t, err)
	assert.NotEmpty(t, late.Value, "every registration here was recorded on 27 November")
	for _, l := range late.Value {
		assert.Greater(t, l.DaysLate, 30)
	}
}
