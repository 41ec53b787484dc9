package domain

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every command dated by an On field gets today's date in the project's
// zone when it has none, and keeps a date it was given.
func TestResolveDatesFillsOnlyAnEmptyOn(t *testing.T) {
	// 2026-03-01 17:30 UTC is already 2026-03-02 in Shanghai.
	now := time.Date(2026, 3, 1, 17, 30, 0, 0, time.UTC)
	p := NewProject("P-1")
	p.TimeZone = "Asia/Shanghai"
	shanghai, utcDay := NewDate(2026, 3, 2), NewDate(2026, 3, 1)
	given := NewDate(2026, 2, 20)
	tests := []struct {
		name string
		cmd  Command
		want Date
	}{
		{"register in its own zone", RegisterProject{Project: "P-1", TimeZone: "UTC"}, utcDay},
		{"register in the default zone", RegisterProject{Project: "P-1"}, shanghai},
		{"leader", AssignLeader{Project: "P-1"}, shanghai},
		{"plan", PlanMilestone{Project: "P-1"}, shanghai},
		{"revise", ReviseDeadline{Project: "P-1"}, shanghai},
		{"step", RecordStep{Project: "P-1"}, shanghai},
		{"step with a date", RecordStep{Project: "P-1", On: given}, given},
		{"investment", ReportInvestment{Project: "P-1"}, shanghai},
		{"investment plan", PlanInvestment{Project: "P-1"}, shanghai},
		{"issue", RaiseIssue{Project: "P-1"}, shanghai},
		{"resolution", ResolveIssue{Project: "P-1"}, shanghai},
		{"delay", ExplainDelay{Project: "P-1", On: given}, given},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before, ok := CommandDate(tc.cmd)
			require.True(t, ok)
			got, ok := CommandDate(ResolveDates(tc.cmd, p, now))
			require.True(t, ok)
			assert.Equal(t, tc.want, got)
			again, _ := CommandDate(tc.cmd)
			assert.Equal(t, before, again, "the command given is not changed")
		})
	}
}

// The watcher's miss carries no On: it is dated by its deadline and left
// as it is.
func TestResolveDatesLeavesAnUndatedCommand(t *testing.T) {
	c := RecordDeadlineMissed{Project: "P-1", Milestone: MilestoneSigned, Due: NewDate(2026, 1, 5)}
	_, ok := CommandDate(c)
	assert.False(t, ok)
	assert.Equal(t, Command(c), ResolveDates(c, NewProject("P-1"), time.Date(2026, 1, 9, 0, 0, 0, 0, time.UTC)))
}
