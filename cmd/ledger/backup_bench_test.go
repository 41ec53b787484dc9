package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/projections"
)

var backupEvents = flag.Int("backup-events", 9000, "events in the backup benchmark's ledger (100000 for full size)")

// fillLedger stores about n events in a fresh data folder (registrations
// with eight planned deadlines, nine events each, in bulk) and builds the
// projections, as a ledger serve would have.
func fillLedger(b *testing.B, dir string, n int) uint64 {
	nc, stop := openDir(b, dir)
	defer stop()
	ctx := context.Background()
	store, err := eventstore.Open(ctx, nc)
	require.NoError(b, err)
	var cmds []domain.RegisterProject
	for p := range max(n/9, 1) {
		r := domain.RegisterProject{Meta: domain.Meta{Actor: "bench"}, Project: domain.ProjectID(fmt.Sprintf("B-%07d", p)),
			Name: "benchmark project", TotalInvestment: 100_000_000, Unit: fmt.Sprintf("unit-%d", p%50), Leader: "leader",
			Kind: domain.KindNew, On: domain.NewDate(2026, 1, 10)}
		for i, m := range domain.Milestones[:8] {
			r.Plan = append(r.Plan, domain.PlannedDeadline{Milestone: m, Due: domain.NewDate(2027, 1, 1+i)})
		}
		cmds = append(cmds, r)
	}
	for len(cmds) > 0 {
		k := min(len(cmds), 111) // 999 events, under the server's 1,000 per atomic batch
		_, err := store.RegisterMany(ctx, cmds[:k])
		require.NoError(b, err)
		cmds = cmds[k:]
	}
	cp, err := projections.NewRunner(store).CatchUp(ctx)
	require.NoError(b, err)
	return cp.LastSeq
}

func dirBytes(b *testing.B, dir string) int64 {
	var n int64
	require.NoError(b, filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		n += info.Size()
		return err
	}))
	return n
}

// BenchmarkBackupRestore backs up a ledger of -backup-events events with
// its projections, restores it into a fresh data folder, and verifies the
// restored ledger, each through the CLI as a person runs it.
func BenchmarkBackupRestore(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		tmp := b.TempDir()
		data, backupDir, restored := filepath.Join(tmp, "data"), filepath.Join(tmp, "backup"), filepath.Join(tmp, "restored")
		events := fillLedger(b, data, *backupEvents)
		run := func(dir string, args ...string) time.Duration {
			a := newApp(&strings.Builder{}, &strings.Builder{})
			start := time.Now()
			code := a.run(context.Background(), append([]string{"--data", dir}, args...))
			require.Equal(b, 0, code, "ledger %v: %s", args, a.stderr)
			return time.Since(start)
		}
		b.StartTimer()
		backupTime := run(data, "backup", backupDir)
		restoreTime := run(restored, "restore", backupDir)
		b.StopTimer()
		verifyTime := run(restored, "verify", "--all")
		b.ReportMetric(float64(events), "events")
		b.ReportMetric(backupTime.Seconds(), "backup-s")
		b.ReportMetric(restoreTime.Seconds(), "restore-s")
		b.ReportMetric(verifyTime.Seconds(), "verify-s")
		b.ReportMetric(float64(dirBytes(b, data))/1e6, "data-MB")
		b.ReportMetric(float64(dirBytes(b, backupDir))/1e6, "backup-MB")
		b.StartTimer()
	}
}
