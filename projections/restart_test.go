package projections

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// A long-running loop waits longer after each failure in a row, up to half
// a minute, and starts counting again after a run that made progress.
func TestRestartsPauseGrowsAndResetsAfterProgress(t *testing.T) {
	var r restarts
	steps := []struct {
		progressed bool
		want       time.Duration
	}{
		{false, time.Second},
		{false, 2 * time.Second},
		{false, 3 * time.Second},
		{true, time.Second}, // it ran for a while, then failed: a new count
		{false, 2 * time.Second},
	}
	for i, s := range steps {
		assert.Equal(t, s.want, r.after(s.progressed), "failure %d", i+1)
	}
	for range 40 {
		r.after(false)
	}
	assert.Equal(t, 30*time.Second, r.after(false), "never more than half a minute")
	assert.Equal(t, time.Second, r.after(true))
}
