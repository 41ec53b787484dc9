package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/projections"
)

func TestABulletinAsOfAPastRecordedTimeEqualsTheBulletinThen(t *testing.T) {
	c := newDemoCLI(t)
	c.ok("demo")
	then := c.clock.Now()
	before := c.ok("bulletin", "--period", "month", "--json")
	status := c.ok("status", "--json")

	// Days later, more is recorded: steps of today, a backdated step, a
	// revision, an explanation.
	c.clock.Set(then.Add(5 * 24 * time.Hour))
	c.ok("record", "started", "DEMO-2", "--on", "2026-11-30")
	c.ok("record", "approved", "DEMO-3", "--kind", "land", "--on", "2026-11-20")
	c.ok("revise-deadline", "DEMO-3", "started", "2027-03-31", "--reason", "land only now")
	c.ok("explain-delay", "DEMO-3", "eia", "--reason", "EIA experts unavailable", "--on", "2026-11-26")
	require.NotEqual(t, before, c.ok("bulletin", "--period", "month", "--as-of", "2026-11-27", "--json"), "the present has moved on")

	at := then.Format(time.RFC3339Nano)
	assert.JSONEq(t, before, c.ok("bulletin", "--period", "month", "--as-of-recorded", at, "--json"))
	assert.JSONEq(t, status, c.ok("status", "--as-of-recorded", at, "--json"))
}

func TestVerifyAndAuditViewsOnTheDemo(t *testing.T) {
	c := newDemoCLI(t)
	c.ok("demo")
	assert.Regexp(t, `^verified 56 projects, \d+ events in [0-9.]+s: 0 broken\n$`, c.ok("verify", "--all"))
	assert.Regexp(t, `^verified 1 projects, 20 events`, c.ok("verify", "DEMO-1"))
	code, _, errs := c.run("verify")
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "give one PROJECT or --all")

	var deadlines []projections.DeadlineAudit
	require.NoError(t, json.Unmarshal([]byte(c.ok("audit", "deadlines", "DEMO-1", "--json")), &deadlines))
	require.Len(t, deadlines, 5)
	land := deadlines[2]
	assert.Equal(t, "land", string(land.Milestone))
	assert.Equal(t, "2026-06-30", land.Baseline.String())
	require.Len(t, land.Revisions, 1)
	assert.Equal(t, "land listing postponed by the natural resources bureau", land.Revisions[0].Reason)
	assert.Equal(t, "reached on time", land.Outcome)
	assert.Equal(t, "reached 8 days late", deadlines[3].Outcome, "started 2026-08-08, due 2026-07-31")

	var leaders []projections.LeaderAudit
	require.NoError(t, json.Unmarshal([]byte(c.ok("audit", "leaders", "DEMO-1", "--json")), &leaders))
	require.Len(t, leaders, 2)
	assert.Equal(t, "李明", leaders[0].Leader)
	assert.Equal(t, "2026-10-08", leaders[0].To.String())
	assert.True(t, leaders[1].To.IsZero())

	// The demo records each step on its day, but for DEMO-1's land
	// approval, entered 16 days late.
	var late []projections.LateEntry
	require.NoError(t, json.Unmarshal([]byte(c.ok("audit", "late-entries", "--days", "7", "--json")), &late))
	require.Len(t, late, 1)
	assert.Equal(t, "DEMO-1", string(late[0].Project))
	assert.Equal(t, "approved", string(late[0].Type))
	assert.Equal(t, 16, late[0].DaysLate)
	assert.Contains(t, c.ok("history", "DEMO-1", "--as-of", "2026-08-31"), "started_without_land")
	assert.NotContains(t, c.ok("history", "DEMO-1", "--as-of", "2026-08-31"), "leader_assigned")
}

func TestBundleAndOfflineCheck(t *testing.T) {
	c := newDemoCLI(t)
	c.ok("demo")
	path := filepath.Join(t.TempDir(), "DEMO-1.bundle")
	assert.Contains(t, c.ok("audit", "bundle", "DEMO-1", "-o", path), "20 events of DEMO-1")
	assert.Contains(t, c.ok("audit", "check-bundle", path), "verifies: project DEMO-1, 20 events")

	data, err := os.ReadFile(path)
	require.NoError(t, err)
	data[len(data)/2] ^= 0x01
	require.NoError(t, os.WriteFile(path, data, 0o644))
	code, _, errs := c.run("audit", "check-bundle", path)
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "audit bundle does not verify")
}
