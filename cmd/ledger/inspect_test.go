package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/eventstore/storetest"
)

// tenMisses registers ten projects whose start deadlines passed on ten
// different days and records the misses.
func tenMisses(t *testing.T, c *cli) {
	for i := range 10 {
		c.ok("project", "register", fmt.Sprintf("P-%d", i), "--name", fmt.Sprintf("Plant %d", i), "--investment", "1亿",
			"--unit", "Industry", "--leader", "Wang", "--on", "2026-10-01", "--plan", fmt.Sprintf("started=2026-11-%02d", 10+i))
	}
	assert.Equal(t, "recorded 10 missed deadlines\n", c.ok("watch-deadlines", "--once"))
	assert.Equal(t, "recorded 0 missed deadlines\n", c.ok("watch-deadlines", "--once"), "each miss once")
}

func followed(t *testing.T, out string) []missView {
	var views []missView
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var v missView
		require.NoError(t, json.Unmarshal([]byte(line), &v), line)
		views = append(views, v)
	}
	return views
}

func TestInspectFollowResumesAfterTheLastMissPrinted(t *testing.T) {
	c := newCLI(t)
	tenMisses(t, c)

	first := followed(t, c.ok("inspect", "follow", "--durable", "office", "--count", "3", "--json"))
	require.Len(t, first, 3)
	rest := followed(t, c.ok("inspect", "follow", "--durable", "office", "--wait", "500ms", "--json"))
	require.Len(t, rest, 7, "the remaining seven, none again")

	var order []string
	for _, v := range append(first, rest...) {
		order = append(order, string(v.Project))
	}
	assert.Equal(t, []string{"P-0", "P-1", "P-2", "P-3", "P-4", "P-5", "P-6", "P-7", "P-8", "P-9"}, order, "in order")
	assert.Equal(t, 17, first[0].DaysLate, "started due 2026-11-10, 17 days late on 2026-11-27")
	assert.Equal(t, "Plant 0", first[0].Name)
	assert.Equal(t, "Industry", first[0].Unit)

	assert.Empty(t, c.ok("inspect", "follow", "--durable", "office", "--wait", "300ms"), "nothing new")
	assert.Len(t, followed(t, c.ok("inspect", "follow", "--durable", "office", "--from-start", "--wait", "500ms", "--json")), 10, "replay")
	assert.Len(t, followed(t, c.ok("inspect", "follow", "--durable", "other", "--unit", "Nobody", "--wait", "500ms", "--json")), 0, "filtered")
}

func TestInspectFollowExecRetriesUntilTheProgramSucceeds(t *testing.T) {
	c := newCLI(t)
	tenMisses(t, c)
	dir := t.TempDir()
	log := filepath.Join(dir, "handed.log")
	// Fails the first time it sees each miss, succeeds the second.
	script := fmt.Sprintf(`if [ -f %[1]s/$LEDGER_EVENT_ID ]; then echo "$LEDGER_PROJECT $LEDGER_DUE" >> %[2]s; else touch %[1]s/$LEDGER_EVENT_ID; exit 1; fi`, dir, log)
	code, _, errs := c.run("inspect", "follow", "--durable", "bot", "--count", "2", "--exec", script)
	require.Equal(t, 0, code, errs)
	assert.Equal(t, 2, strings.Count(errs, "--exec failed"), "each miss failed once and was retried")
	got, err := os.ReadFile(log)
	require.NoError(t, err)
	assert.Equal(t, "P-0 2026-11-10\nP-1 2026-11-11\n", string(got), "each handed over once it succeeded, in order")
}

func TestInspectCommandsRecordExplanationsAndSupervisionItems(t *testing.T) {
	c := newCLI(t)
	tenMisses(t, c)
	c.ok("inspect", "explain", "P-0", "started", "--reason", "equipment arrives late")
	c.ok("inspect", "raise", "P-0", "--id", "DB-1", "--title", "督办函 No. 12")
	c.ok("inspect", "close", "P-0", "DB-1", "--resolution", "started on 2026-11-26")
	out := c.ok("history", "P-0")
	for _, want := range []string{"deadline_missed", "delay_explained", "issue_raised", "issue_resolved"} {
		assert.Contains(t, out, want)
	}
}

func TestServeOnTheDemoDataPrintsAMissAsItsDayEnds(t *testing.T) {
	c := newCLI(t)
	loc, _ := domain.LoadZone("")
	c.clock.Set(domain.NewDate(2026, 12, 1).Time(loc).Add(10 * time.Hour))
	c.ok("demo")
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var wg sync.WaitGroup
	ready := make(chan struct{})
	serveErr := &syncBuilder{}
	defer func() { t.Logf("serve's stderr:\n%s", serveErr.String()) }()
	wg.Go(func() {
		a := newApp(&lineSignal{w: &strings.Builder{}, match: "Ctrl-C", ready: ready}, serveErr)
		a.clock = c.clock
		a.run(ctx, []string{"--data", c.dir, "serve", "--listen", "127.0.0.1:0", "--board", "127.0.0.1:0"})
	})
	<-ready

	// The demo's watcher recorded the misses of its year as each day
	// ended, and serve's records those of days that ended since, in
	// deadline order. Among them: DEMO-6's signing, missed before it was
	// terminated, DEMO-1's late start, DEMO-3's three open deadlines,
	// DEMO-4's completion deadline that was revised too late; the rest are
	// the county plan's.
	var catchUp []string
	for _, v := range followed(t, c.ok("inspect", "follow", "--wait", "2s", "--json")) {
		if strings.HasPrefix(string(v.Project), "DEMO-") {
			catchUp = append(catchUp, fmt.Sprintf("%s %s %s", v.Project, v.Milestone, v.Due))
		}
	}
	assert.Equal(t, []string{"DEMO-6 signed 2026-05-31", "DEMO-1 started 2026-07-31", "DEMO-3 land 2026-08-31",
		"DEMO-3 started 2026-10-31", "DEMO-4 completed 2026-10-31", "DEMO-3 eia 2026-11-15"}, catchUp)

	// DEMO-4's completion is now due 2026-12-20, and nothing else is due
	// between 12-16 and 12-20. Move the clock to the end of 12-19, take
	// what that day's end brings, then to the end of 12-20 and wait for
	// the miss.
	c.clock.Set(domain.NewDate(2026, 12, 19).End(loc))
	followed(t, c.ok("inspect", "follow", "--wait", "2s", "--json"))
	got := make(chan []missView)
	go func() { got <- followed(t, c.ok("inspect", "follow", "--count", "1", "--json")) }()
	c.clock.Set(domain.NewDate(2026, 12, 20).End(loc))
	moved := time.Now()
	var views []missView
	select {
	case views = <-got:
	case <-time.After(30 * time.Second):
		t.Fatal("no miss printed")
	}
	t.Logf("the miss was printed %s after the clock passed the day's end", time.Since(moved))
	require.Len(t, views, 1)
	assert.Equal(t, domain.NewDate(2026, 12, 20), views[0].Due, "a miss of the day that just ended")
	dueThatDay := []domain.ProjectID{views[0].Project}
	for _, v := range followed(t, c.ok("inspect", "follow", "--wait", "2s", "--json")) {
		assert.Equal(t, domain.NewDate(2026, 12, 20), v.Due)
		dueThatDay = append(dueThatDay, v.Project)
	}
	assert.Contains(t, dueThatDay, domain.ProjectID("DEMO-4"))

	stop()
	wg.Wait()
}

// syncBuilder is a strings.Builder safe for concurrent writes.
type syncBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuilder) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuilder) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Misses on ledger.*.deadline_missed that the ledger did not write (a
// forged miss off its project's chain, a body that is not CBOR, a header
// block no client can parse) are skipped by inspect follow, each with one
// line on stderr naming its stream sequence; the real misses are handed
// over as ever. The projections count them.
func TestInspectFollowSkipsForeignMissesAndSaysSo(t *testing.T) {
	c := newCLI(t)
	tenMisses(t, c)

	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: c.dir, Port: -1})
	require.NoError(t, err)
	env := &storetest.Env{Server: srv}
	e := domain.Event{ID: "forged-0", Project: "P-3", Type: domain.DeadlineMissed, Schema: domain.EventVersion(domain.DeadlineMissed), OccurredOn: domain.NewDate(2026, 11, 13),
		RecordedAt: c.clock.Now(), Actor: "stranger", CommandID: "forged",
		Data: &domain.DeadlineMissedData{Milestone: domain.MilestoneStarted, Due: domain.NewDate(2026, 11, 13), Unit: "Industry", Leader: "Wang"}}
	forged, err := eventstore.NewCodec().Seal(&e, bytes.Repeat([]byte{1}, 32))
	require.NoError(t, err)
	var foreign []uint64
	foreign = append(foreign, env.PublishRaw(t, "ledger.P-3.deadline_missed", nil, forged))
	foreign = append(foreign, env.PublishRaw(t, "ledger.P-5.deadline_missed", nil, []byte(`{"milestone":"started"}`)))
	foreign = append(foreign, env.PublishRaw(t, "ledger.P-7.deadline_missed", []byte("GARBAGE\r\n\r\n"), []byte("x")))
	srv.Shutdown()

	code, out, errs := c.run("inspect", "follow", "--durable", "office", "--wait", "500ms", "--json")
	require.Equal(t, 0, code, errs)
	assert.Len(t, followed(t, out), 10, "every real miss, and nothing else")
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	require.Len(t, lines, 3, errs)
	for i, seq := range foreign {
		assert.True(t, strings.HasPrefix(lines[i], fmt.Sprintf("ledger: skipping: stream sequence %d ", seq)), lines[i])
	}
	assert.Empty(t, c.ok("inspect", "follow", "--durable", "office", "--wait", "300ms"), "the skipped ones are acknowledged")

	c.ok("status")
	var progress struct {
		Checkpoint struct {
			Skipped int `json:"skipped"`
		} `json:"checkpoint"`
	}
	require.NoError(t, json.Unmarshal([]byte(c.ok("projections", "status", "--json")), &progress))
	assert.Equal(t, 3, progress.Checkpoint.Skipped)
}
