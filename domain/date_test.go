package domain_test

import (
	"encoding/json"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
)

func TestParseDate(t *testing.T) {
	cases := []struct {
		in   string
		want domain.Date
		ok   bool
	}{
		{"2026-02-28", 20260228, true},
		{"2026-11-27", 20261127, true},
		{"2024-02-29", 20240229, true}, // leap year
		{"2000-02-29", 20000229, true}, // leap century
		{"2026-12-31", 20261231, true},
		{"2026-01-01", 20260101, true},
		{"2026-02-29", 0, false}, // not a leap year
		{"1900-02-29", 0, false}, // century, not leap
		{"2026-02-30", 0, false},
		{"2010-4-31", 0, false},
		{"2010-04-31", 0, false},
		{"2026-06-31", 0, false},
		{"2026-13-01", 0, false},
		{"2026-00-10", 0, false},
		{"2026-01-00", 0, false},
		{"2026-01-32", 0, false},
		{"2026-1-01", 0, false},
		{"2026-01-1", 0, false},
		{"26-01-01", 0, false},
		{"2026/01/01", 0, false},
		{"20260101", 0, false},
		{"2026-11-27T10:00", 0, false},
		{" 2026-11-27", 0, false},
		{"2026-11-27 ", 0, false},
		{"", 0, false},
		{"today", 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := domain.ParseDate(tc.in)
			if tc.ok {
				require.NoError(t, err)
				assert.Equal(t, tc.want, got)
				assert.Equal(t, tc.in, got.String(), "round trip")
				return
			}
			require.ErrorIs(t, err, domain.ErrInvalid)
			assert.Zero(t, got)
			assert.Contains(t, err.Error(), `"`+tc.in+`" is not a date; expected YYYY-MM-DD`)
		})
	}
}

func TestDateParts(t *testing.T) {
	d := domain.NewDate(2026, time.November, 27)
	assert.Equal(t, domain.Date(20261127), d)
	assert.Equal(t, 2026, d.Year())
	assert.Equal(t, time.November, d.Month())
	assert.Equal(t, 27, d.Day())
	assert.False(t, d.IsZero())
	assert.Equal(t, "2026-11-27", d.String())

	var zero domain.Date
	assert.True(t, zero.IsZero())
	assert.Equal(t, "", zero.String())

	assert.Equal(t, "0987-03-04", domain.NewDate(987, time.March, 4).String(), "zero padded")
	assert.Equal(t, "10000-01-02", domain.NewDate(10000, time.January, 2).String(), "past four digits")

	// The text form, as JSON writes it, is the same.
	for _, d := range []domain.Date{d, zero, domain.NewDate(987, time.March, 4)} {
		text, err := d.MarshalText()
		require.NoError(t, err)
		assert.Equal(t, d.String(), string(text))
	}

	// Dates order as integers.
	assert.Less(t, day("2026-12-31"), day("2027-01-01"))
	assert.Less(t, day("2026-01-31"), day("2026-02-01"))
	assert.Less(t, day("2026-09-30"), day("2026-10-01"))
}

func TestDateAddDays(t *testing.T) {
	cases := []struct {
		from string
		n    int
		want string
	}{
		{"2026-11-27", 0, "2026-11-27"},
		{"2026-11-27", 1, "2026-11-28"},
		{"2026-01-31", 1, "2026-02-01"},
		{"2026-02-28", 1, "2026-03-01"},
		{"2024-02-28", 1, "2024-02-29"},
		{"2024-02-29", 1, "2024-03-01"},
		{"2026-04-30", 1, "2026-05-01"},
		{"2026-12-31", 1, "2027-01-01"},
		{"2027-01-01", -1, "2026-12-31"},
		{"2026-03-01", -1, "2026-02-28"},
		{"2024-03-01", -1, "2024-02-29"},
		{"2026-11-27", 35, "2027-01-01"},
		{"2026-01-01", 365, "2027-01-01"},
		{"2024-01-01", 366, "2025-01-01"},
		{"2026-01-15", -30, "2025-12-16"},
		{"2026-11-27", -1000, "2024-03-02"},
	}
	for _, tc := range cases {
		t.Run(tc.from, func(t *testing.T) {
			got := day(tc.from).AddDays(tc.n)
			assert.Equal(t, tc.want, got.String(), "%s %+d", tc.from, tc.n)
			assert.Equal(t, tc.n, got.DaysSince(day(tc.from)), "DaysSince undoes AddDays")
		})
	}
}

func TestDateDaysSince(t *testing.T) {
	cases := []struct {
		d, e string
		want int
	}{
		{"2026-11-27", "2026-11-27", 0},
		{"2026-11-28", "2026-11-27", 1},
		{"2026-11-27", "2026-11-28", -1},
		{"2026-03-01", "2026-02-28", 1},
		{"2024-03-01", "2024-02-28", 2},
		{"2026-01-01", "2025-12-31", 1},
		{"2027-01-01", "2026-01-01", 365},
		{"2025-01-01", "2024-01-01", 366},
		{"2026-01-01", "2027-01-01", -365},
		{"2026-12-01", "2026-11-01", 30},
		{"2036-01-01", "2026-01-01", 3652},
	}
	for _, tc := range cases {
		t.Run(tc.d+"-"+tc.e, func(t *testing.T) {
			assert.Equal(t, tc.want, day(tc.d).DaysSince(day(tc.e)))
		})
	}
}

func TestDateTimeAndEnd(t *testing.T) {
	newYork := mustZone("America/New_York")
	cases := []struct {
		name           string
		d              string
		loc            *time.Location
		start, wantEnd time.Time
	}{
		{"Shanghai", "2026-11-27", shanghai, utc("2026-11-26T16:00"), utc("2026-11-27T16:00")},
		{"UTC", "2026-11-27", time.UTC, utc("2026-11-27T00:00"), utc("2026-11-28T00:00")},
		{"year end in Shanghai", "2026-12-31", shanghai, utc("2026-12-30T16:00"), utc("2026-12-31T16:00")},
		{"month end in Shanghai", "2026-02-28", shanghai, utc("2026-02-27T16:00"), utc("2026-02-28T16:00")},
		{"New York before DST", "2026-03-07", newYork, utc("2026-03-07T05:00"), utc("2026-03-08T05:00")},
		{"New York DST day is 23 hours", "2026-03-08", newYork, utc("2026-03-08T05:00"), utc("2026-03-09T04:00")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := day(tc.d)
			assert.True(t, tc.start.Equal(d.Time(tc.loc)), "Time: %s", d.Time(tc.loc))
			assert.True(t, tc.wantEnd.Equal(d.End(tc.loc)), "End: %s", d.End(tc.loc))
			assert.Equal(t, tc.loc, d.End(tc.loc).Location())
			// The last instant of the day is still the day; the end is the next.
			assert.Equal(t, d, domain.DateOf(d.End(tc.loc).Add(-time.Nanosecond), tc.loc))
			assert.Equal(t, d.AddDays(1), domain.DateOf(d.End(tc.loc), tc.loc))
		})
	}
}

func TestDateOf(t *testing.T) {
	cases := []struct {
		at   time.Time
		loc  *time.Location
		want string
	}{
		{now, shanghai, "2026-11-27"},
		{now, time.UTC, "2026-11-27"},
		{utc("2026-11-27T15:59"), shanghai, "2026-11-27"},
		{utc("2026-11-27T16:00"), shanghai, "2026-11-28"},
		{utc("2026-11-27T17:00"), shanghai, "2026-11-28"},
		{utc("2026-11-27T17:00"), time.UTC, "2026-11-27"},
		{utc("2026-12-31T16:00"), shanghai, "2027-01-01"},
		{utc("2027-01-01T03:00"), mustZone("America/New_York"), "2026-12-31"},
	}
	for _, tc := range cases {
		t.Run(tc.at.String()+" "+tc.loc.String(), func(t *testing.T) {
			assert.Equal(t, day(tc.want), domain.DateOf(tc.at, tc.loc))
		})
	}
}

func TestDateText(t *testing.T) {
	type doc struct {
		On domain.Date `json:"on"`
	}
	cases := []struct {
		name string
		d    domain.Date
		json string
	}{
		{"date", day("2026-11-27"), `{"on":"2026-11-27"}`},
		{"zero", 0, `{"on":""}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(doc{On: tc.d})
			require.NoError(t, err)
			assert.JSONEq(t, tc.json, string(b))
			var back doc
			require.NoError(t, json.Unmarshal(b, &back))
			assert.Equal(t, tc.d, back.On)
		})
	}

	t.Run("bad text", func(t *testing.T) {
		var d domain.Date
		err := d.UnmarshalText([]byte("2026-02-30"))
		require.ErrorIs(t, err, domain.ErrInvalid)
		var back doc
		require.Error(t, json.Unmarshal([]byte(`{"on":"2010-4-31"}`), &back))
	})
	t.Run("empty text resets", func(t *testing.T) {
		d := day("2026-11-27")
		require.NoError(t, d.UnmarshalText(nil))
		assert.True(t, d.IsZero())
	})
}

func TestParseMonth(t *testing.T) {
	cases := []struct {
		in       string
		ok       bool
		firstDay string
	}{
		{"2026-11", true, "2026-11-01"},
		{"2026-01", true, "2026-01-01"},
		{"2026-12", true, "2026-12-01"},
		{"2026-13", false, ""},
		{"2026-00", false, ""},
		{"2026-1", false, ""},
		{"26-11", false, ""},
		{"2026-11-01", false, ""},
		{"2026/11", false, ""},
		{"202611", false, ""},
		{" 2026-11", false, ""},
		{"", false, ""},
		{"1990-01", true, "1990-01-01"},
		{"2100-12", true, "2100-12-01"},
		{"1989-12", false, ""},
		{"0026-11", false, ""},
		{"2101-01", false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			m, err := domain.ParseMonth(tc.in)
			if !tc.ok {
				require.ErrorIs(t, err, domain.ErrInvalid)
				assert.Regexp(t, `^"`+regexp.QuoteMeta(tc.in)+`" is not a (plausible )?month`, err.Error())
				assert.Empty(t, m)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, domain.Month(tc.in), m)
			assert.Equal(t, day(tc.firstDay), m.FirstDay())
		})
	}
}

func TestLoadZone(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"", "Asia/Shanghai", true},
		{"Asia/Shanghai", "Asia/Shanghai", true},
		{"UTC", "UTC", true},
		{"Asia/Urumqi", "Asia/Urumqi", true},
		{"Mars/Olympus", "", false},
		{"shanghai", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			loc, err := domain.LoadZone(tc.in)
			if !tc.ok {
				require.ErrorIs(t, err, domain.ErrInvalid)
				assert.Nil(t, loc)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, loc.String())
		})
	}

	t.Run("a project with an unknown zone falls back to the default", func(t *testing.T) {
		p := domain.NewProject(pid)
		p.TimeZone = "Mars/Olympus"
		assert.Equal(t, domain.DefaultTimeZone, p.Location().String())
		p.TimeZone = "UTC"
		assert.Equal(t, "UTC", p.Location().String())
	})
}

func TestParseYuanReadsOnlyPlainDecimals(t *testing.T) {
	for _, ok := range []struct {
		in   string
		want int64
	}{{"350000000", 350_000_000}, {"350,000,000", 350_000_000}, {"35000万", 350_000_000}, {"3.5亿", 350_000_000},
		{"3500.5万元", 35_005_000}, {"0", 0}, {"12元", 12}} {
		got, err := domain.ParseYuan(ok.in)
		require.NoError(t, err, ok.in)
		assert.Equal(t, ok.want, got, ok.in)
	}
	for _, bad := range []string{"", "0x10", "1_000", "1e6", "3/4", "12.5", "-5", "1.2.3", "abc", "+5", "万"} {
		_, err := domain.ParseYuan(bad)
		assert.ErrorIs(t, err, domain.ErrInvalid, "%q", bad)
	}
}

func TestCommasOnlyAsThousandsSeparatorsAndFarDates(t *testing.T) {
	for _, bad := range []string{"1,2,3", "35,00万", ",100", "1,0000"} {
		_, err := domain.ParseYuan(bad)
		assert.ErrorIs(t, err, domain.ErrInvalid, bad)
	}
	got, err := domain.ParseYuan("1,234.5万")
	require.NoError(t, err)
	assert.Equal(t, int64(12_345_000), got)
	assert.Equal(t, 2_925_591, domain.NewDate(9999, 12, 31).DaysSince(domain.NewDate(1990, 1, 1)))
}
