package projections_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/eventstore/storetest"
	"github.com/keyprojects/ledger/projections"
)

// shanghaiEnd returns the instant the day d ends in Asia/Shanghai.
func shanghaiEnd(d string) time.Time {
	loc, _ := domain.LoadZone("")
	return dt(d).End(loc)
}

type watchEnv struct {
	t     *testing.T
	env   *storetest.Env
	clock *domain.ManualClock
}

func newWatchEnv(t *testing.T, at time.Time) *watchEnv {
	clock := domain.NewManualClock(at)
	return &watchEnv{t: t, env: storetest.Start(t, clock), clock: clock}
}

func (w *watchEnv) exec(cmds ...domain.Command) {
	w.t.Helper()
	for _, c := range cmds {
		_, err := w.env.Store.Execute(context.Background(), c)
		require.NoError(w.t, err, "%s", c.Action())
	}
}

// check runs a fresh watcher once: catch up, then one pass at the clock.
func (w *watchEnv) check() int {
	w.t.Helper()
	watcher := projections.NewWatcher(w.env.Store)
	require.NoError(w.t, watcher.CatchUp(context.Background()))
	n, _, err := watcher.Check(context.Background())
	require.NoError(w.t, err)
	return n
}

// misses returns every deadline_missed event stored, in stream order.
func (w *watchEnv) misses() []eventstore.Record {
	w.t.Helper()
	var out []eventstore.Record
	for r, err := range w.env.Store.Read(context.Background(), 1) {
		if errors.Is(err, eventstore.ErrUndecodable) {
			continue
		}
		require.NoError(w.t, err)
		if r.Type == domain.DeadlineMissed {
			out = append(out, r)
		}
	}
	return out
}

func missOf(t *testing.T, r eventstore.Record) string {
	d, ok := r.Data.(*domain.DeadlineMissedData)
	require.True(t, ok)
	return fmt.Sprintf("%s %s %s", r.Project, d.Milestone, d.Due)
}

type step struct {
	at   time.Time
	want []string
}

func TestWatcherRecordsAMissExactlyWhenTheDayEnds(t *testing.T) {
	cases := []struct {
		name  string
		given func(w *watchEnv)
		steps []step // checks at instants, with the misses stored after each (cumulative)
	}{
		{name: "deadline today, not met: missed as the day ends in Shanghai",
			given: func(w *watchEnv) {
				w.exec(p1.register("Bridge", "Transport", "Zhao", "2026-10-01", due(domain.MilestoneStarted, "2026-11-27")))
			},
			steps: []step{
				{shanghaiEnd("2026-11-27").Add(-time.Second), nil},
				{shanghaiEnd("2026-11-27"), []string{"P-1 started 2026-11-27"}},
			}},
		{name: "the same instants written in UTC",
			given: func(w *watchEnv) {
				w.exec(p1.register("Bridge", "Transport", "Zhao", "2026-10-01", due(domain.MilestoneStarted, "2026-11-27")))
			},
			steps: []step{
				{time.Date(2026, 11, 27, 15, 59, 59, 0, time.UTC), nil},
				{time.Date(2026, 11, 27, 16, 0, 0, 0, time.UTC), []string{"P-1 started 2026-11-27"}},
			}},
		{name: "deadline today, met today: no miss",
			given: func(w *watchEnv) {
				w.exec(p1.register("Bridge", "Transport", "Zhao", "2026-10-01", due(domain.MilestoneSigned, "2026-11-27")),
					p1.step(domain.Signed, "2026-11-27"))
			},
			steps: []step{{shanghaiEnd("2026-11-28"), nil}}},
		{name: "revised before the day ended: only the new deadline can be missed",
			given: func(w *watchEnv) {
				w.exec(p1.register("Bridge", "Transport", "Zhao", "2026-10-01", due(domain.MilestoneStarted, "2026-11-27")),
					p1.revise(domain.MilestoneStarted, "2026-11-30", "2026-11-27"))
			},
			steps: []step{
				{shanghaiEnd("2026-11-29"), nil},
				{shanghaiEnd("2026-11-30"), []string{"P-1 started 2026-11-30"}},
			}},
		{name: "revised after the day ended (the watcher was down): the old deadline is still missed",
			given: func(w *watchEnv) {
				w.exec(p1.register("Bridge", "Transport", "Zhao", "2026-10-01", due(domain.MilestoneStarted, "2026-11-20")),
					p1.revise(domain.MilestoneStarted, "2026-12-31", "2026-11-25"))
			},
			steps: []step{{shanghaiEnd("2026-11-26"), []string{"P-1 started 2026-11-20"}}}},
		{name: "suspended project: its deadline is not chased",
			given: func(w *watchEnv) {
				w.exec(p1.register("Bridge", "Transport", "Zhao", "2026-01-10", due(domain.MilestoneCompleted, "2026-11-20")))
				w.exec(p1.startClean("2026-02-01", "2026-03-01")...)
				w.exec(p1.suspend("2026-11-01"))
			},
			steps: []step{{shanghaiEnd("2026-11-26"), nil}}},
		{name: "terminated project: nothing",
			given: func(w *watchEnv) {
				w.exec(p1.register("Bridge", "Transport", "Zhao", "2026-10-01", due(domain.MilestoneStarted, "2026-11-20")),
					p1.terminate("2026-11-10"))
			},
			steps: []step{{shanghaiEnd("2026-11-26"), nil}}},
		{name: "several milestones missing on the same day: one miss each",
			given: func(w *watchEnv) {
				w.exec(p1.register("Bridge", "Transport", "Zhao", "2026-10-01",
					due(domain.MilestoneEIA, "2026-11-26"), due(domain.MilestoneLand, "2026-11-26"), due(domain.MilestoneStarted, "2026-11-26")),
					p2.register("Road", "Transport", "Zhao", "2026-10-01", due(domain.MilestoneSigned, "2026-11-26")))
			},
			steps: []step{{shanghaiEnd("2026-11-26"), []string{
				"P-1 eia 2026-11-26", "P-1 land 2026-11-26", "P-1 started 2026-11-26", "P-2 signed 2026-11-26",
			}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWatchEnv(t, runnerNow)
			tc.given(w)
			for _, st := range tc.steps {
				w.clock.Set(st.at)
				w.check()
				var got []string
				for _, r := range w.misses() {
					got = append(got, missOf(t, r))
				}
				assert.ElementsMatch(t, st.want, got, "after a check at %s", st.at)
			}
			// A second pass at the last instant records nothing more.
			before := len(w.misses())
			assert.Zero(t, w.check())
			assert.Len(t, w.misses(), before)
		})
	}
}

func TestAMissRecordsItsDeadlineDateAndWhenItWasDetected(t *testing.T) {
	w := newWatchEnv(t, runnerNow)
	w.exec(p1.register("Bridge", "Transport", "Zhao", "2026-10-01",
		due(domain.MilestoneEIA, "2026-11-20"), due(domain.MilestoneLand, "2026-11-21"), due(domain.MilestoneStarted, "2026-11-22")),
		p1.leader("Li", "2026-11-21"))

	// The watcher was down from the 19th; it starts on the 25th.
	w.clock.Set(shanghaiEnd("2026-11-24").Add(9 * time.Hour))
	assert.Equal(t, 3, w.check())
	misses := w.misses()
	require.Len(t, misses, 3)
	for i, want := range []struct {
		milestone domain.Milestone
		due       string
		leader    string
	}{{domain.MilestoneEIA, "2026-11-20", "Zhao"}, {domain.MilestoneLand, "2026-11-21", "Li"}, {domain.MilestoneStarted, "2026-11-22", "Li"}} {
		d := misses[i].Data.(*domain.DeadlineMissedData)
		assert.Equal(t, want.milestone, d.Milestone)
		assert.Equal(t, dt(want.due), d.Due)
		assert.Equal(t, dt(want.due), misses[i].OccurredOn, "occurred on the deadline date")
		assert.Equal(t, w.clock.Now().UTC(), d.DetectedAt, "detected when the watcher started")
		assert.Equal(t, want.leader, d.Leader, "the leader who answered on the deadline day")
		assert.Equal(t, projections.WatcherActor, misses[i].Actor)
	}
}

func TestTwoWatchersRacingOverAThousandDeadlinesRecordEachOnce(t *testing.T) {
	w := newWatchEnv(t, runnerNow)
	var plan []domain.PlannedDeadline
	for _, m := range domain.Milestones[:10] {
		plan = append(plan, due(m, "2026-11-27"))
	}
	for i := range 100 {
		w.exec(pj(fmt.Sprintf("P-%03d", i)).register("Project", "Unit", "Leader", "2026-10-01", plan...))
	}
	w.clock.Set(shanghaiEnd("2026-11-27"))

	watchers := []*projections.Watcher{projections.NewWatcher(w.env.Store), projections.NewWatcher(w.env.Store)}
	counts := make([]int, len(watchers))
	var wg sync.WaitGroup
	for i, watcher := range watchers {
		require.NoError(t, watcher.CatchUp(context.Background()))
		wg.Go(func() {
			n, _, err := watcher.Check(context.Background())
			assert.NoError(t, err)
			counts[i] = n
		})
	}
	wg.Wait()

	misses := w.misses()
	assert.Len(t, misses, 1000)
	seen := map[string]bool{}
	for _, r := range misses {
		key := missOf(t, r)
		assert.False(t, seen[key], "%s recorded twice", key)
		seen[key] = true
	}
	assert.Equal(t, 1000, counts[0]+counts[1], "the watchers' own counts add up: %v", counts)
}

func TestRunningWatcherRecordsAMissAsTheClockPassesTheDayEnd(t *testing.T) {
	w := newWatchEnv(t, runnerNow)
	w.exec(p1.register("Bridge", "Transport", "Zhao", "2026-10-01", due(domain.MilestoneStarted, "2026-11-28")))

	// A plain NATS subscriber on its own connection, as the stock nats CLI
	// would be: it must see exactly the misses.
	sub, err := w.env.Connect(t).SubscribeSync("ledger.>")
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	missed := make(chan eventstore.Record, 10)
	watcher := projections.NewWatcher(w.env.Store, projections.WithPoll(5*time.Millisecond),
		projections.OnMiss(func(r eventstore.Record) { missed <- r }))
	done := make(chan error)
	go func() { done <- watcher.Run(ctx) }()

	w.exec(p2.register("Road", "Transport", "Zhao", "2026-10-01", due(domain.MilestoneSigned, "2026-11-28")))
	w.clock.Set(shanghaiEnd("2026-11-28"))
	got := []string{missOf(t, <-missed), missOf(t, <-missed)}
	assert.ElementsMatch(t, []string{"P-1 started 2026-11-28", "P-2 signed 2026-11-28"}, got)

	// A sentinel event after the misses: everything before it has reached
	// the subscriber, which saw the two misses and nothing else of that type.
	w.exec(p1.raise("I-1", "sentinel", "2026-11-28", "office"))
	var subjects []string
	for {
		m, err := sub.NextMsg(10 * time.Second)
		require.NoError(t, err)
		if m.Subject == "ledger.P-1.issue_raised" {
			break
		}
		if m.Header.Get("Ledger-Event-Type") == "deadline_missed" {
			subjects = append(subjects, m.Subject+" "+m.Header.Get(eventstore.HeaderMilestone)+" "+m.Header.Get(eventstore.HeaderDue))
		}
	}
	assert.ElementsMatch(t, []string{"ledger.P-1.deadline_missed started 2026-11-28", "ledger.P-2.deadline_missed signed 2026-11-28"}, subjects)

	cancel()
	require.NoError(t, <-done)
	assert.Len(t, w.misses(), 2)
}

func TestAForeignMessageOnOneProjectDoesNotStopTheOthers(t *testing.T) {
	w := newWatchEnv(t, runnerNow)
	w.exec(p1.register("Bridge", "Transport", "Zhao", "2026-10-01", due(domain.MilestoneStarted, "2026-11-20")),
		p2.register("Road", "Transport", "Zhao", "2026-10-01", due(domain.MilestoneSigned, "2026-11-21")))
	_, err := w.env.Store.JetStream().Publish(context.Background(), "ledger.P-1.signed", []byte("garbage"))
	require.NoError(t, err)
	w.clock.Set(shanghaiEnd("2026-11-26"))

	var got []string
	for _, r := range func() []eventstore.Record { w.check(); return w.misses() }() {
		got = append(got, missOf(t, r))
	}
	assert.ElementsMatch(t, []string{"P-1 started 2026-11-20", "P-2 signed 2026-11-21"}, got,
		"the project with the foreign message still takes events, and the other is not held back")
	v, err := w.env.Store.Verify(context.Background(), "P-1")
	require.NoError(t, err)
	require.Len(t, v.Breaks, 1, "verify names the foreign message")
	assert.Contains(t, v.Breaks[0].Problem, "not a readable ledger event")
}

// The machine's own zone plays no part: the same watcher tests pass in a
// process whose zone is UTC, or Pacific time (a child process, because
// time.Local cannot safely change while servers run).
func TestWatcherIgnoresTheMachinesZone(t *testing.T) {
	if zone := os.Getenv("LEDGER_TEST_TZ"); zone != "" {
		require.Equal(t, zone, time.Local.String(), "the child runs in the zone asked for")
		return
	}
	for _, zone := range []string{"UTC", "America/Los_Angeles"} {
		t.Run(zone, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run", "^(TestWatcherIgnoresTheMachinesZone|TestWatcherRecordsAMissExactlyWhenTheDayEnds)$", "-test.count=1")
			cmd.Env = append(os.Environ(), "TZ="+zone, "LEDGER_TEST_TZ="+zone)
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", out)
			assert.Contains(t, string(out), "PASS")
		})
	}
}

// A monitor learns from each pass that the watcher is alive, how far it
// has read, and what it recorded.
func TestRunningWatcherReportsEachPass(t *testing.T) {
	w := newWatchEnv(t, runnerNow)
	w.exec(p1.register("Bridge", "Transport", "Zhao", "2026-10-01", due(domain.MilestoneStarted, "2026-11-28")))
	last, err := w.env.Store.LastSequence(context.Background())
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	passes := make(chan projections.Pass, 100)
	watcher := projections.NewWatcher(w.env.Store, projections.WithPoll(5*time.Millisecond),
		projections.OnPass(func(p projections.Pass) { passes <- p }))
	done := make(chan error)
	go func() { done <- watcher.Run(ctx) }()

	// The first pass after catching up has read the registration.
	var p projections.Pass
	for p = <-passes; p.LastSeq < last; p = <-passes {
	}
	assert.Equal(t, last, p.LastSeq)
	assert.Zero(t, p.Recorded)
	assert.Equal(t, runnerNow, p.At)

	w.clock.Set(shanghaiEnd("2026-11-28"))
	for p = <-passes; p.Recorded == 0; p = <-passes {
	}
	assert.Equal(t, 1, p.Recorded)
	assert.Equal(t, shanghaiEnd("2026-11-28"), p.At)
	cancel()
	require.NoError(t, <-done)
}
