package bench

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestImplausibleRowsFailTheRun(t *testing.T) {
	ok := Row{Path: "p", Unit: "ms", Ours: 12, Raw: 10, Ratio: 1.2, P95: 12, Median: 8}
	require.NoError(t, ok.plausible())
	for name, r := range map[string]Row{
		"negative latency": {Path: "deadline_missed", Unit: "ms", Ours: -17400},
		"nothing measured": {Path: "p", Unit: "events/s"},
		"negative raw":     {Path: "p", Unit: "events/s", Ours: 5, Raw: -1},
		"not a number":     {Path: "p", Unit: "ms", Ours: math.NaN()},
		"infinite ratio":   {Path: "p", Unit: "ms", Ours: 1, Ratio: math.Inf(1)},
		"median above p95": {Path: "p", Unit: "ms", Ours: 3, P95: 3, Median: 4},
		"negative floor":   {Path: "p", Unit: "events/s", Ours: 3, Floor: -2},
		"negative median":  {Path: "p", Unit: "ms", Ours: 3, Median: -1},
	} {
		err := r.plausible()
		require.ErrorIs(t, err, ErrImplausible, name)
		assert.Contains(t, err.Error(), r.Path, name)
	}
}
