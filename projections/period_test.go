package projections_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/projections"
)

func TestPeriodSpan(t *testing.T) {
	tests := []struct {
		name        string
		period      projections.Period
		day         string
		first, last string
	}{
		{"week from a Friday", projections.Week, "2026-11-27", "2026-11-23", "2026-11-29"},
		{"week from its Monday", projections.Week, "2026-11-23", "2026-11-23", "2026-11-29"},
		{"week from its Sunday", projections.Week, "2026-11-29", "2026-11-23", "2026-11-29"},
		{"week across a month end", projections.Week, "2026-10-01", "2026-09-28", "2026-10-04"},
		{"week across a year end", projections.Week, "2026-12-30", "2026-12-28", "2027-01-03"},
		{"week from a Sunday across a year end", projections.Week, "2027-01-03", "2026-12-28", "2027-01-03"},
		{"month", projections.Month, "2026-11-27", "2026-11-01", "2026-11-30"},
		{"month of 31 days", projections.Month, "2026-12-31", "2026-12-01", "2026-12-31"},
		{"February", projections.Month, "2026-02-14", "2026-02-01", "2026-02-28"},
		{"February of a leap year", projections.Month, "2028-02-01", "2028-02-01", "2028-02-29"},
		{"first quarter, last day", projections.Quarter, "2026-03-31", "2026-01-01", "2026-03-31"},
		{"second quarter", projections.Quarter, "2026-05-15", "2026-04-01", "2026-06-30"},
		{"third quarter, first day", projections.Quarter, "2026-07-01", "2026-07-01", "2026-09-30"},
		{"fourth quarter", projections.Quarter, "2026-11-27", "2026-10-01", "2026-12-31"},
		{"first half, last day", projections.Half, "2026-06-30", "2026-01-01", "2026-06-30"},
		{"second half, first day", projections.Half, "2026-07-01", "2026-07-01", "2026-12-31"},
		{"year", projections.Year, "2026-11-27", "2026-01-01", "2026-12-31"},
		{"leap year from its last day", projections.Year, "2028-12-31", "2028-01-01", "2028-12-31"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			first, last := tc.period.Span(dt(tc.day))
			assert.Equal(t, dt(tc.first), first, "first")
			assert.Equal(t, dt(tc.last), last, "last")
		})
	}
}

func TestParsePeriod(t *testing.T) {
	for _, p := range []projections.Period{projections.Week, projections.Month, projections.Quarter, projections.Half, projections.Year} {
		got, err := projections.ParsePeriod(string(p))
		require.NoError(t, err)
		assert.Equal(t, p, got)
	}
	for in, want := range map[string]projections.Period{"Month": projections.Month, "月": projections.Month, "月度": projections.Month,
		"周": projections.Week, "季度": projections.Quarter, "半年": projections.Half, "年度": projections.Year, " 年 ": projections.Year} {
		got, err := projections.ParsePeriod(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, s := range []string{"", "fortnight", "weekly", "旬"} {
		t.Run(s, func(t *testing.T) {
			got, err := projections.ParsePeriod(s)
			require.Error(t, err)
			assert.Empty(t, got)
			assert.Contains(t, err.Error(), "expected week (周), month (月), quarter (季度), half (半年) or year (年)")
		})
	}
}
