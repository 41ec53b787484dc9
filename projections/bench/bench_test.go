package bench_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/projections/bench"
)

// The suite at a tiny size, so that it never rots: every row is produced
// with a measurement. Timings are not judged here; docs/benchmarks.md is.
func TestSuiteProducesEveryRow(t *testing.T) {
	rows, err := bench.Run(context.Background(), bench.Config{Projects: 60, Events: 900, Samples: 5, Writers: 4, Dir: t.TempDir()})
	require.NoError(t, err)
	paths := []string{"append, many projects, concurrent", "append, one command at a time", "plan import", "fill:", "rebuild all projections",
		"one project's history", "ledger status", "verify --all", "deadline_missed"}
	require.Len(t, rows, len(paths))
	for i, r := range rows {
		assert.Contains(t, r.Path, paths[i])
		if r.Path == "ledger status for one unit, as a process (skipped: no binary)" {
			continue // the test binary is not the ledger; `ledger bench` runs this row
		}
		assert.Positive(t, r.Ours, r.Path)
		assert.Positive(t, r.PeakMB, r.Path)
		if r.Raw > 0 {
			assert.Positive(t, r.Ratio, r.Path)
		}
	}
}
