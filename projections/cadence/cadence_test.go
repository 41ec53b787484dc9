package cadence_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/testday"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/eventstore/storetest"
	"github.com/keyprojects/ledger/projections/cadence"
)

func day(t *testing.T, s string) domain.Date {
	t.Helper()
	d, err := domain.ParseDate(s)
	require.NoError(t, err)
	return d
}

func TestARunCoversTheLastWholePeriodBeforeIt(t *testing.T) {
	for _, tc := range []struct {
		p           cadence.Period
		on          string
		label       string
		first, last string
	}{
		{cadence.Week, "2026-11-30", "2026-W48", "2026-11-23", "2026-11-29"}, // a Monday
		{cadence.Week, "2026-12-02", "2026-W48", "2026-11-23", "2026-11-29"}, // a Wednesday
		{cadence.Week, "2027-01-04", "2026-W53", "2026-12-28", "2027-01-03"},
		{cadence.HalfMonth, "2026-12-01", "2026-11-H2", "2026-11-16", "2026-11-30"},
		{cadence.HalfMonth, "2028-02-16", "2028-02-H1", "2028-02-01", "2028-02-15"},
		{cadence.HalfMonth, "2028-03-01", "2028-02-H2", "2028-02-16", "2028-02-29"},
		{cadence.Month, "2026-12-01", "2026-11", "2026-11-01", "2026-11-30"},
		{cadence.Month, "2027-01-01", "2026-12", "2026-12-01", "2026-12-31"},
		{cadence.Quarter, "2026-10-01", "2026-Q3", "2026-07-01", "2026-09-30"},
		{cadence.Quarter, "2027-01-01", "2026-Q4", "2026-10-01", "2026-12-31"},
		{cadence.Half, "2026-07-01", "2026-H1", "2026-01-01", "2026-06-30"},
		{cadence.Half, "2027-01-01", "2026-H2", "2026-07-01", "2026-12-31"},
		{cadence.Year, "2027-01-01", "2026", "2026-01-01", "2026-12-31"},
		{cadence.Year, "2030-12-31", "2029", "2029-01-01", "2029-12-31"},
	} {
		s := cadence.Covered(tc.p, day(t, tc.on))
		assert.Equal(t, tc.label, s.Label, "%s on %s", tc.p, tc.on)
		assert.Equal(t, day(t, tc.first), s.First, "%s on %s", tc.p, tc.on)
		assert.Equal(t, day(t, tc.last), s.Last, "%s on %s", tc.p, tc.on)
	}
}

func TestAConfigIsCheckedWhenRead(t *testing.T) {
	dir := t.TempDir()
	for body, want := range map[string]string{
		`{"jobs":[{"name":"a","cron":"0 8 * * 1","report":"dispatch"}]}`:                       "",
		`{"jobs":[{"name":"a","cron":"0 8 * * 1","report":"dispatch","perod":"week"}]}`:        "unknown field",
		`{"jobs":[{"name":"a","cron":"0 8 * * 8","report":"dispatch"}]}`:                       "cron",
		`{"jobs":[{"name":"a","cron":"0 8 * * 1","report":"weekly"}]}`:                         "report \"weekly\" is unknown",
		`{"jobs":[{"name":"a","cron":"0 8 * * 1","report":"quarterly","period":"month"}]}`:     "covers quarter",
		`{"jobs":[{"name":"a","cron":"0 8 * * 1","report":"bulletin","months":[13]}]}`:         "month 13",
		`{"zone":"Mars/Olympus","jobs":[{"name":"a","cron":"0 8 * * 1","report":"bulletin"}]}`: "zone",
	} {
		path := filepath.Join(dir, "cadence.json")
		require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
		_, err := cadence.ReadConfig(path)
		if want == "" {
			assert.NoError(t, err, body)
		} else if assert.Error(t, err, body) {
			assert.Contains(t, err.Error(), want, body)
		}
	}
}

// county is a store with one project whose year is year, and a clock.
type county struct {
	env   *storetest.Env
	clock *domain.ManualClock
	zone  *time.Location
	out   string
}

// newCounty registers a project on the day the tests run as, with
// deadlines in the next year.
func newCounty(t *testing.T) (*county, int) {
	clock := testday.Clock(t)
	env := storetest.Start(t, clock)
	year := testday.Today(t).Year() + 1
	_, err := env.Store.Execute(context.Background(), domain.RegisterProject{
		Meta: domain.Meta{Actor: "clerk"}, Project: "P-1", Name: "光伏组件项目", TotalInvestment: 300_000_000,
		Unit: "县工信局", Leader: "李明", Kind: domain.KindNew, On: testday.Today(t), ConfirmOrder: true,
		Plan: []domain.PlannedDeadline{
			{Milestone: domain.MilestoneStarted, Due: domain.NewDate(year, 3, 31)},
			{Milestone: domain.MilestoneCommissioned, Due: domain.NewDate(year, 11, 30)},
		},
	})
	require.NoError(t, err)
	return &county{env: env, clock: clock, zone: testday.Zone(t), out: t.TempDir()}, year
}

func (c *county) scheduler(t *testing.T, cfg cadence.Config, store *eventstore.Store) *cadence.Scheduler {
	t.Helper()
	s, err := cadence.New(store, cfg, cadence.Options{Clock: c.clock, Actor: "重点办", Out: c.out})
	require.NoError(t, err)
	return s
}

func (c *county) publications(t *testing.T) []cadence.Publication {
	t.Helper()
	p, err := cadence.Publications(context.Background(), c.env.Store)
	require.NoError(t, err)
	return p
}

func monthly() cadence.Config {
	return cadence.Config{Jobs: []cadence.Job{{Name: "月通报", Cron: "0 9 1 * *", Report: cadence.Bulletin, Period: cadence.Month}}}
}

// The monthly bulletin is written when the clock passes 09:00 on the
// first, once: ticks after it, and a scheduler started again, leave it.
func TestTheMonthlyBulletinIsWrittenOnceWhenTheMonthTurns(t *testing.T) {
	ctx := context.Background()
	c, _ := newCounty(t)
	s := c.scheduler(t, monthly(), c.env.Store)

	// At start, the bulletin of the month before is made up, once.
	outs, err := s.Tick(ctx)
	require.NoError(t, err)
	require.Len(t, outs, 1)
	today := testday.Today(t)
	before := cadence.Covered(cadence.Month, domain.NewDate(today.Year(), today.Month(), 1))
	assert.Equal(t, cadence.Published, outs[0].Status)
	assert.Equal(t, before.Label, outs[0].Span.Label)
	require.Len(t, c.publications(t), 1)

	// Hour by hour to the next first of the month: nothing, then the
	// bulletin at 09:00, then nothing.
	var published []time.Time
	for range 24 * 40 {
		if len(published) > 0 && c.clock.Now().After(published[0].Add(5*24*time.Hour)) {
			break
		}
		c.clock.Advance(time.Hour)
		outs, err := s.Tick(ctx)
		require.NoError(t, err)
		for _, o := range outs {
			if o.Status == cadence.Published {
				published = append(published, c.clock.Now())
			} else {
				t.Errorf("unexpected %s of %s at %s", o.Status, o.Span.Label, c.clock.Now())
			}
		}
	}
	require.Len(t, published, 1, "one bulletin, then nothing for five days")
	at := published[0].In(c.zone)
	assert.Equal(t, 1, at.Day())
	assert.Equal(t, 9, at.Hour(), "the first tick at or after 09:00")
	pubs := c.publications(t)
	require.Len(t, pubs, 2)
	p := pubs[1]
	assert.Equal(t, "bulletin", p.Report)
	assert.Equal(t, domain.DateOf(at, c.zone), p.On)
	span := cadence.Covered(cadence.Month, p.On)
	assert.Equal(t, span.Label, p.Period)
	assert.Equal(t, span.Last, p.AsOf)
	assert.True(t, p.Cut.Equal(time.Date(at.Year(), at.Month(), 1, 9, 0, 0, 0, c.zone)), "the cut is the instant the run was due: %s", p.Cut)
	folder := filepath.Join(c.out, "bulletin", p.Period)
	assert.Empty(t, cadence.CheckFolder(folder, p.Files))
	names := []string{"通报-" + p.Period + ".docx", "通报-" + p.Period + ".xlsx"}
	for i, f := range p.Files {
		assert.Equal(t, names[i], f.Name)
		assert.Equal(t, "bulletin", p.Args[i][0])
		assert.Equal(t, names[i], p.Args[i][len(p.Args[i])-1])
	}
	assert.Equal(t, []string{"bulletin", "--period", "month", "--as-of", span.Last.String(),
		"--as-of-recorded", time.Date(at.Year(), at.Month(), 1, 9, 0, 0, 0, c.zone).Format(time.RFC3339), "--lang", "zh", "--docx", names[0]}, p.Args[0])
	stat, err := os.Stat(folder)
	require.NoError(t, err)

	// A restart an hour later: the scheduler looks back, finds the
	// bulletin published and writes nothing.
	c.clock.Advance(time.Hour)
	again := c.scheduler(t, monthly(), c.env.Store)
	outs, err = again.Tick(ctx)
	require.NoError(t, err)
	require.Len(t, outs, 1)
	assert.Equal(t, cadence.AlreadyPublished, outs[0].Status)
	assert.Len(t, c.publications(t), 2)
	stat2, err := os.Stat(folder)
	require.NoError(t, err)
	assert.Equal(t, stat.ModTime(), stat2.ModTime(), "the folder is left alone")
	assert.Equal(t, []string{pubs[0].Period, p.Period}, folders(t, filepath.Join(c.out, "bulletin")), "no staging folder left")

	// A scheduler stopped between recording the publication and moving
	// its files into place: the next one puts the same bytes back.
	require.NoError(t, os.RemoveAll(folder))
	outs, err = c.scheduler(t, monthly(), c.env.Store).Tick(ctx)
	require.NoError(t, err)
	require.Len(t, outs, 1)
	assert.Equal(t, cadence.Restored, outs[0].Status, "%v", outs[0].Err)
	assert.Empty(t, cadence.CheckFolder(folder, p.Files))
	assert.Len(t, c.publications(t), 2)
}

// folders lists the folders in dir, sorted.
func folders(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	slices.Sort(out)
	return out
}

// Over a simulated year, a county that publishes the bulletin by
// quarter for Q1-Q3 and by month in Q4 gets each on its day, and the
// quarterly inspection, the half-year summaries and the year-end posting
// on theirs, each once.
func TestAYearOfTheCadence(t *testing.T) {
	ctx := context.Background()
	c, year := newCounty(t)
	cfg := cadence.QuarterlyThenMonthly()
	cfg.Jobs = slices.DeleteFunc(cfg.Jobs, func(j cadence.Job) bool { return j.Report == cadence.Dispatch })
	s := c.scheduler(t, cfg, c.env.Store)
	_, err := s.Tick(ctx)
	require.NoError(t, err)
	end := time.Date(year+1, 1, 2, 0, 0, 0, 0, c.zone)
	done := false
	for range 400 {
		next, _ := s.Next()
		if !next.Before(end) {
			done = true
			break
		}
		c.clock.Set(next)
		_, err := s.Tick(ctx)
		require.NoError(t, err)
	}
	require.True(t, done, "the year ran out of steps")
	c.clock.Set(end)

	got := map[string]string{}
	for _, p := range c.publications(t) {
		if p.AsOf.Year() == year {
			got[p.Report+" "+p.Period] = p.On.String()
		}
		_, err := time.Parse("2006-01-02", p.On.String())
		require.NoError(t, err)
	}
	y := func(s string) string { return time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006") + s }
	next := func(s string) string { return time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006") + s }
	assert.Equal(t, map[string]string{
		"bulletin " + y("-Q1"):  y("-04-01"),
		"bulletin " + y("-Q2"):  y("-07-01"),
		"bulletin " + y("-Q3"):  y("-10-01"),
		"bulletin " + y("-10"):  y("-11-01"),
		"bulletin " + y("-11"):  y("-12-01"),
		"bulletin " + y("-12"):  next("-01-01"),
		"quarterly " + y("-Q1"): y("-04-01"),
		"quarterly " + y("-Q2"): y("-07-01"),
		"quarterly " + y("-Q3"): y("-10-01"),
		"quarterly " + y("-Q4"): next("-01-01"),
		"half-year " + y("-H1"): y("-07-01"),
		"half-year " + y("-H2"): next("-01-01"),
		"year-end " + y(""):     next("-01-01"),
	}, got)

	// The year-end posting is public: units and their figures, no
	// project, leader or reason.
	posting := filepath.Join(c.out, "year-end", y(""))
	for _, name := range []string{"年终张榜-" + y("") + "-单位.md", "年终张榜-" + y("") + "-投资.md"} {
		b, err := os.ReadFile(filepath.Join(posting, name))
		require.NoError(t, err)
		assert.Contains(t, string(b), "县工信局", name)
		for _, internal := range []string{"李明", "光伏", "P-1"} {
			assert.NotContains(t, string(b), internal, name)
		}
	}

	// The next week changes nothing.
	before := len(c.publications(t))
	for range 7 {
		c.clock.Advance(24 * time.Hour)
		_, err := s.Tick(ctx)
		require.NoError(t, err)
	}
	assert.Equal(t, before, len(c.publications(t)))
}

// Two schedulers racing at the same instant (two processes, two
// connections) publish the period once, and leave one folder of files.
func TestTwoSchedulersPublishAPeriodOnce(t *testing.T) {
	ctx := context.Background()
	c, _ := newCounty(t)
	other, err := eventstore.Open(ctx, c.env.Connect(t), eventstore.WithClock(c.clock))
	require.NoError(t, err)
	a, b := c.scheduler(t, monthly(), c.env.Store), c.scheduler(t, monthly(), other)
	var wg sync.WaitGroup
	var outs [2][]cadence.Outcome
	for i, s := range []*cadence.Scheduler{a, b} {
		wg.Go(func() {
			o, err := s.Tick(ctx)
			assert.NoError(t, err)
			outs[i] = o
		})
	}
	wg.Wait()
	require.Len(t, c.publications(t), 1)
	p := c.publications(t)[0]
	assert.Equal(t, []string{p.Period}, folders(t, filepath.Join(c.out, "bulletin")), "one folder, no staging folder left")
	assert.Empty(t, cadence.CheckFolder(filepath.Join(c.out, "bulletin", p.Period), p.Files))
	assert.Len(t, folders(t, filepath.Join(c.out, "bulletin", p.Period)), len(p.Files))
}

// The cadence file shown in docs/cadence.md is one the ledger reads.
func TestTheDocumentedCadenceFileIsRead(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "cadence.md"))
	require.NoError(t, err)
	_, body, ok := strings.Cut(string(doc), "```json\n")
	require.True(t, ok, "docs/cadence.md shows no cadence file")
	body, _, _ = strings.Cut(body, "```")
	path := filepath.Join(t.TempDir(), "cadence.json")
	require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
	cfg, err := cadence.ReadConfig(path)
	require.NoError(t, err)
	assert.Len(t, cfg.Jobs, 4)
}
