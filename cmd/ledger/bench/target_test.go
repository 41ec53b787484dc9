package bench

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Each target judges a row just on either side of it: met just inside,
// not met just outside, against the baseline it names.
func TestTargetsJudgeAgainstTheirBaseline(t *testing.T) {
	for _, c := range []struct {
		target      target
		text        string
		inside, out Row
	}{
		{targetConcurrent, ">= 0.9 of floor",
			Row{Ours: 9.1, Raw: 100, Floor: 10}, Row{Ours: 8.9, Raw: 1, Floor: 10}},
		{targetImport, ">= 0.9 of floor",
			Row{Ours: 901, Raw: 2000, Floor: 1000}, Row{Ours: 899, Raw: 900, Floor: 1000}},
		{targetSync, "median <= 1.3x raw sync publish (expected subject sequence, Msg-Id, same size)",
			Row{Ours: 1.29, Raw: 1}, Row{Ours: 1.31, Raw: 1}},
		{targetRebuild, ">= 0.7 of raw ordered read",
			Row{Ours: 70.1, Raw: 100}, Row{Ours: 69.9, Raw: 100, Floor: 70}},
		{targetVerify, ">= 0.7 of raw ordered read",
			Row{Ours: 70.1, Raw: 100}, Row{Ours: 69.9, Raw: 100}},
		{targetHistory, "median <= 1.1x raw read of the same messages",
			Row{Ours: 10.9, Raw: 10}, Row{Ours: 11.1, Raw: 10}},
		{targetCard, "median <= 20 ms", Row{Ours: 19.9}, Row{Ours: 20.1}},
		{targetRunner, "peak RSS <= 300 MB", Row{Ours: 299.9}, Row{Ours: 300.1}},
		{targetStatus, "median, end to end <= 50 ms", Row{Ours: 49.9}, Row{Ours: 50.1}},
		{targetDeadline, "<= 1000 ms", Row{Ours: 999}, Row{Ours: 1001}},
		{targetBoardUnit, "p95 <= 100 ms", Row{Ours: 99}, Row{Ours: 101}},
		{targetBoardAll, "p95 <= 150 ms", Row{Ours: 149}, Row{Ours: 151}},
		{targetBoardLive, "median <= 1000 ms", Row{Ours: 999}, Row{Ours: 1001}},
	} {
		assert.Equal(t, c.text, c.target.String())
		in, out := c.inside.judge(c.target), c.out.judge(c.target)
		assert.True(t, in.Met, "%s: %+v", c.text, c.inside)
		assert.False(t, out.Met, "%s: %+v", c.text, c.out)
		assert.Equal(t, c.text, in.Target)
	}
}

// A ratio target with its baseline not measured is not met, and the
// baseline is named in the row.
func TestTargetWithoutItsBaselineIsNotMet(t *testing.T) {
	for _, c := range []struct {
		target target
		row    Row
		base   string
	}{
		{targetConcurrent, Row{Ours: 100, Raw: 10}, "floor"},
		{targetRebuild, Row{Ours: 100, Floor: 10}, "raw"},
		{targetHistory, Row{Ours: 1, Floor: 10}, "raw"},
	} {
		r := c.row.judge(c.target)
		assert.False(t, r.Met, fmt.Sprint(c.target))
		assert.Equal(t, c.base, r.Baseline)
	}
	r := Row{Ours: 5}.judge(reported)
	assert.True(t, r.Met)
	assert.Equal(t, "- (reported)", r.Target)
	assert.Empty(t, r.Baseline)
}
