package query_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/projections/query"
)

func TestParseRecordedReadsWhatReadersType(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{"2026-10-31", time.Date(2026, 10, 31, 23, 59, 59, 999999999, loc)},
		// To the minute or the second: the end of it, so that what was
		// recorded at 18:00:42 is in "18:00".
		{"2026-10-31 18:00", time.Date(2026, 10, 31, 18, 0, 59, 999999999, loc)},
		{"2026-10-31T18:00", time.Date(2026, 10, 31, 18, 0, 59, 999999999, loc)},
		{" 2026-10-31 18:00:42 ", time.Date(2026, 10, 31, 18, 0, 42, 999999999, loc)},
		{"2026-10-31T18:00:42", time.Date(2026, 10, 31, 18, 0, 42, 999999999, loc)},
		{"2026-10-31T10:00:00Z", time.Date(2026, 10, 31, 10, 0, 0, 0, time.UTC)},
		{"2026-10-31T10:00:00.5+08:00", time.Date(2026, 10, 31, 10, 0, 0, 500000000, loc)},
	} {
		got, err := query.ParseRecorded(tc.in, loc)
		require.NoError(t, err, tc.in)
		assert.True(t, tc.want.Equal(got), "%s: %s", tc.in, got)
	}
	for _, bad := range []string{"", "yesterday", "2026-13-01", "0001-01-01", "2026-10-31 25:00"} {
		_, err := query.ParseRecorded(bad, loc)
		assert.Error(t, err, bad)
	}
}
