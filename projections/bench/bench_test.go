package bench_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/projections/bench"
)

// The suite at a tiny size, so that it never rots: every row is produced
// with a measurement, including the ones that run the ledger binary as a
// process. Timings are not judged here; docs/benchmarks.md is.
func TestSuiteProducesEveryRow(t *testing.T) {
	ledger := filepath.Join(t.TempDir(), "ledger")
	out, err := exec.Command("go", "build", "-o", ledger, "github.com/keyprojects/ledger/cmd/ledger").CombinedOutput()
	require.NoError(t, err, "%s", out)

	rows, err := bench.Run(context.Background(), bench.Config{Projects: 60, Events: 900, Samples: 5, Writers: 4,
		Dir: t.TempDir(), Ledger: ledger})
	require.NoError(t, err)
	paths := []string{"append, many projects, concurrent", "append, one command at a time", "plan import", "fill:", "rebuild all projections",
		"projection runner holding 60 projects", "one project's history", "ledger status", "verify --all", "deadline_missed"}
	require.Len(t, rows, len(paths))
	for i, r := range rows {
		assert.Contains(t, r.Path, paths[i])
		assert.NotContains(t, r.Path, "skipped")
		assert.Positive(t, r.Ours, r.Path)
		assert.Positive(t, r.PeakMB, r.Path)
		if r.Raw > 0 {
			assert.Positive(t, r.Ratio, r.Path)
		}
	}
}
