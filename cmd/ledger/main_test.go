package main

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/domain/plan"
	"github.com/keyprojects/ledger/domain/testday"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/examples"
	"github.com/keyprojects/ledger/projections"
)

// cli runs ledger commands in-process on one data folder, at a fixed time.
type cli struct {
	t     *testing.T
	dir   string
	clock *domain.ManualClock
}

func newCLI(t *testing.T) *cli {
	return &cli{t: t, dir: t.TempDir(), clock: domain.NewManualClock(time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC))}
}

func (c *cli) run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	a := newApp(&out, &errb)
	a.clock = c.clock
	code = a.run(context.Background(), append([]string{"--data", c.dir, "--actor", "clerk"}, args...))
	return code, out.String(), errb.String()
}

func (c *cli) ok(args ...string) string {
	c.t.Helper()
	code, out, errs := c.run(args...)
	require.Equal(c.t, 0, code, "ledger %v: %s", args, errs)
	return out
}

// msgCount opens the data folder directly and counts the stream's messages.
func (c *cli) msgCount() uint64 {
	c.t.Helper()
	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: c.dir, DontListen: true})
	require.NoError(c.t, err)
	defer srv.Shutdown()
	nc, err := srv.Connect()
	require.NoError(c.t, err)
	defer nc.Close()
	s, err := eventstore.Open(context.Background(), nc)
	require.NoError(c.t, err)
	st, err := s.JetStream().Stream(context.Background(), s.StreamName())
	require.NoError(c.t, err)
	return st.CachedInfo().State.Msgs
}

// newDemoCLI is a cli on the day the tests run as (testday): the demo
// county's year is fixed, and reads the same on any later day.
func newDemoCLI(t *testing.T) *cli {
	c := newCLI(t)
	c.clock = testday.Clock(t)
	return c
}

func TestDemoRecordsAProjectAndIsIdempotent(t *testing.T) {
	c := newDemoCLI(t)
	out := c.ok("demo")
	assert.Contains(t, out, "refused, as it should be: cannot record commissioned for DEMO-2: construction has not started; record started first")
	assert.Contains(t, out, "history of DEMO-1")
	assert.Contains(t, out, "started_without_land")
	m := regexp.MustCompile(`the deadline watcher recorded (\d+) missed deadlines`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	misses, err := strconv.Atoi(m[1])
	require.NoError(t, err)

	count := c.msgCount()
	events := misses
	for _, cmd := range demoCommands() {
		events++
		if r, ok := cmd.(domain.RegisterProject); ok {
			events += len(r.Plan)
		}
	}
	sheet, err := plan.ReadCSV("plan.csv", examples.CountyPlanCSV, plan.EncodingAuto)
	require.NoError(t, err)
	rows, problems := plan.Rows(sheet)
	require.Empty(t, problems)
	for _, r := range rows {
		events += 1 + len(r.Deadlines)
	}
	assert.Equal(t, uint64(events), count, "one event per command, one per planned deadline of a registration, the county plan, and the misses")

	again := c.ok("demo")
	assert.Contains(t, again, "already stored, nothing new")
	assert.NotContains(t, again, "stored: ")
	assert.Contains(t, again, "the deadline watcher recorded 0 missed deadlines")
	assert.Equal(t, count, c.msgCount(), "a second demo stores nothing")
}

// The demo plays a fixed year: run on two days years apart, every report
// on its last day and DEMO-1's history, hashes included, are the same.
func TestDemoReadsTheSameOnAnyDay(t *testing.T) {
	first, later := newDemoCLI(t), newDemoCLI(t)
	later.clock.Advance(1234 * 24 * time.Hour)
	first.ok("demo")
	later.ok("demo")
	for _, args := range [][]string{
		{"status", "--as-of", "2026-11-30", "--json"},
		{"overdue", "--as-of", "2026-11-30", "--json"},
		{"bulletin", "--period", "month", "--as-of", "2026-11-30", "--json"},
		{"history", "DEMO-1", "--json"},
		{"history", "DEMO-1", "--as-of-recorded", "2026-10-31 18:00", "--json"},
		{"audit", "late-entries", "--days", "7", "--json"},
	} {
		assert.JSONEq(t, first.ok(args...), later.ok(args...), "ledger %v", args)
	}
	var rows []projections.StatusRow
	require.NoError(t, json.Unmarshal([]byte(first.ok("status", "--as-of", "2026-11-30", "--json")), &rows))
	assert.Len(t, rows, 55, "the county plan's 50 and DEMO-1 to DEMO-5 (DEMO-6 is terminated)")
}

// The demo's year is recorded on a clock of its own; a machine whose clock
// stands before the year's end gets a clear error and nothing is stored.
func TestDemoOnAClockBeforeItsYearIsRefused(t *testing.T) {
	c := newCLI(t) // 2026-11-27
	code, out, errs := c.run("demo")
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Equal(t, "ledger: demo: the demo county's year runs to 2026-11-30 18:00 in Asia/Shanghai, and this machine's clock says 2026-11-27 10:00: set the clock right and run it again\n", errs)
	assert.Zero(t, c.msgCount())
}

func TestRefusedCommandPrintsOneLineExitsNonZeroAndStoresNothing(t *testing.T) {
	c := newCLI(t)
	c.ok("project", "register", "P-7", "--name", "Cement grinding station", "--investment", "8000万",
		"--unit", "County Industry Bureau", "--leader", "Wang", "--plan", "started=2027-03-31")
	before := c.msgCount()

	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"commissioned before started", []string{"record", "commissioned", "P-7"}, 1,
			"ledger: cannot record commissioned for P-7: construction has not started; record started first\n"},
		{"unknown project", []string{"record", "signed", "P-8"}, 1,
			"ledger: cannot record signed for P-8: the project is not registered; register it first (ledger project register)\n"},
		{"impossible date", []string{"record", "signed", "P-7", "--on", "2010-4-31"}, 1,
			"ledger: --on: \"2010-4-31\" is not a date; expected YYYY-MM-DD\n"},
		{"future date", []string{"record", "signed", "P-7", "--on", "2026-11-28"}, 1,
			"ledger: cannot record signed for P-7: 2026-11-28 is in the future (today is 2026-11-27 in Asia/Shanghai); record a step on or after the day it happens\n"},
		{"float amount", []string{"record", "funds_received", "P-7", "--amount", "12.5"}, 1,
			"ledger: --amount: \"12.5\" is not a whole number of yuan that fits; expected e.g. 350000000 or 3.5亿\n"},
		{"revision without reason", []string{"revise-deadline", "P-7", "started", "2027-05-31"}, 1,
			"ledger: cannot revise deadline of started for P-7: no reason given; a revised deadline needs a reason (--reason)\n"},
		{"bad project id", []string{"history", "ledger.>"}, 1, "is not a national project code"},
		{"unknown step", []string{"record", "celebrated", "P-7"}, 1, "\"celebrated\" is not a step; expected one of negotiating"},
		{"missing argument", []string{"record", "signed"}, 2, "accepts 2 arg(s), received 1; usage: ledger record STEP PROJECT"},
		{"unknown flag", []string{"record", "signed", "P-7", "--when", "today"}, 2, "unknown flag: --when"},
		{"unknown command", []string{"recrod", "signed", "P-7"}, 2, "unknown command \"recrod\""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := c.run(tc.args...)
			assert.Equal(t, tc.code, code)
			assert.Empty(t, out)
			assert.Equal(t, 1, strings.Count(errs, "\n"), "one line: %q", errs)
			assert.Contains(t, errs, tc.want)
		})
	}
	assert.Equal(t, before, c.msgCount(), "nothing stored by refused commands")
}

func TestHistoryJSONCarriesEverything(t *testing.T) {
	c := newCLI(t)
	c.ok("project", "register", "2010-220621-47-01-000034", "--name", "光伏组件项目", "--investment", "3.5亿",
		"--unit", "县工信局", "--leader", "李明", "--on", "2026-11-01")
	c.ok("record", "approved", "2010-220621-47-01-000034", "--kind", "eia", "--on", "2026-11-10", "--ref", "环审12号")
	c.ok("record", "started", "2010-220621-47-01-000034", "--on", "2026-11-20")

	out := c.ok("history", "2010-220621-47-01-000034", "--json")
	var views []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &views))
	require.Len(t, views, 3)
	assert.Equal(t, "registered", views[0]["type"])
	assert.Equal(t, float64(350_000_000), views[0]["data"].(map[string]any)["total_investment_yuan"])
	assert.Equal(t, "2026-11-10", views[1]["occurred_on"])
	assert.Equal(t, "clerk", views[1]["actor"])
	assert.Equal(t, []any{"started_without_land", "started_without_construction_permit"}, views[2]["data"].(map[string]any)["flags"])
	assert.Equal(t, views[1]["hash"], views[2]["prev_hash"], "the chain is visible")
	assert.Len(t, views[2]["hash"], 64)

	table := c.ok("history", "2010-220621-47-01-000034")
	assert.Contains(t, table, "SEQ")
	assert.Contains(t, table, "eia approval 环审12号")
}

func TestCommandsUseTheRunningServerOfTheDataFolder(t *testing.T) {
	c := newCLI(t)
	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: c.dir, Port: -1})
	require.NoError(t, err)
	defer srv.Shutdown()

	c.ok("project", "register", "P-1", "--name", "n", "--investment", "100", "--unit", "u", "--leader", "l")
	out := c.ok("history", "P-1")
	assert.Contains(t, out, "registered")
}

func TestDataFolderHeldWithoutAServerIsAClearError(t *testing.T) {
	c := newCLI(t)
	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: c.dir, DontListen: true})
	require.NoError(t, err)
	defer srv.Shutdown()

	code, _, errs := c.run("history", "P-1")
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "data folder in use by another process")
}

func TestServerFlagTalksToAnExternalServer(t *testing.T) {
	c := newCLI(t)
	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: t.TempDir(), Port: -1})
	require.NoError(t, err)
	defer srv.Shutdown()

	c.ok("--server", srv.ClientURL(), "project", "register", "P-2", "--name", "n", "--investment", "1亿", "--unit", "u", "--leader", "l")
	out := c.ok("--server", srv.ClientURL(), "history", "P-2", "--json")
	assert.Contains(t, out, `"total_investment_yuan": 100000000`)

	code, _, errs := c.run("--server", "nats://127.0.0.1:1", "history", "P-2")
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "connect to nats://127.0.0.1:1")
}

func TestADateLeftOutIsTodayInTheProjectsZone(t *testing.T) {
	c := newCLI(t) // 2026-11-27 10:00 in Shanghai is 2026-11-26 14:00 in Etc/GMT+12
	c.ok("project", "register", "P-TZ", "--name", "n", "--investment", "100", "--unit", "u", "--leader", "l", "--tz", "Etc/GMT+12")
	c.ok("record", "signed", "P-TZ")
	var views []map[string]any
	require.NoError(t, json.Unmarshal([]byte(c.ok("history", "P-TZ", "--json")), &views))
	require.Len(t, views, 2)
	assert.Equal(t, "2026-11-26", views[0]["occurred_on"])
	assert.Equal(t, "2026-11-26", views[1]["occurred_on"])

	// The same command on two days is two commands; twice on one day, one.
	c.ok("record", "funds_received", "P-TZ", "--amount", "100")
	assert.Contains(t, c.ok("record", "funds_received", "P-TZ", "--amount", "100"), "already stored")
	c.clock.Advance(24 * time.Hour)
	assert.Contains(t, c.ok("record", "funds_received", "P-TZ", "--amount", "100"), "stored: P-TZ funds_received")
}

func TestBenchLoadRunsAgainstTheRunningServer(t *testing.T) {
	c := newCLI(t)
	code, _, errs := c.run("bench", "load", "--clients", "2", "--duration", "100ms")
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "no running server: start ledger serve on "+c.dir)

	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: c.dir, Port: -1})
	require.NoError(t, err)
	defer srv.Shutdown()
	out := c.ok("bench", "load", "--clients", "3", "--duration", "300ms")
	assert.Contains(t, out, "record (own project)")
	assert.Contains(t, out, "3 clients for ")
	assert.Contains(t, out, ": 0 errors, ")
}
