package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/eventstore"
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
	assert.Equal(t, "自然资源局推迟土地挂牌", land.Revisions[0].Reason)
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

func TestCheckBundleNamesAnEditedFieldInOneLine(t *testing.T) {
	c := newCLI(t)
	c.ok("project", "register", "P-1", "--name", "Bridge", "--investment", "1亿", "--unit", "Transport", "--leader", "Zhao",
		"--on", "2026-10-01", "--plan", "started=2027-01-31")
	c.ok("record", "signed", "P-1", "--on", "2026-11-02")
	path := filepath.Join(t.TempDir(), "P-1.bundle")
	c.ok("audit", "bundle", "P-1", "-o", path)
	assert.Contains(t, c.ok("audit", "check-bundle", path), "every field agrees with its events' bytes or with the bundle's seal")

	// A due date moved in a summary, and the file's last line recomputed.
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	body, _, ok := bytes.Cut(data, []byte("\nsha256:"))
	require.True(t, ok)
	var b eventstore.Bundle
	require.NoError(t, json.Unmarshal(body, &b))
	require.Equal(t, "started due 2027-01-31", b.Events[1].Summary)
	b.Events[1].Summary = "started due 2027-06-30"
	var forged bytes.Buffer
	require.NoError(t, eventstore.WriteBundle(&forged, b))
	require.NoError(t, os.WriteFile(path, forged.Bytes(), 0o644))

	// A version 1 bundle, with no seal, still reads, with what it lacks said.
	b.Events[1].Summary = "started due 2027-01-31"
	b.Format, b.Seal, b.Digest = eventstore.BundleFormatV1, nil, ""
	var v1 bytes.Buffer
	require.NoError(t, eventstore.WriteBundle(&v1, b))
	v1Path := filepath.Join(t.TempDir(), "P-1.v1.bundle")
	require.NoError(t, os.WriteFile(v1Path, v1.Bytes(), 0o644))
	assert.Contains(t, c.ok("audit", "check-bundle", v1Path), "format ledger-audit-bundle/1: type, subject, summary and hash agree with the events' bytes; stream, subject prefix, sequences, creation time and checkpoint are not sealed")

	code, out, errs := c.run("audit", "check-bundle", path)
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Equal(t, "ledger: "+path+`: audit bundle does not verify: events[1] (sequence 2) summary: the file says "started due 2027-06-30", its CBOR says "started due 2027-01-31"`,
		strings.TrimSuffix(errs, "\n"))
}
