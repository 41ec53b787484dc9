package domain_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
)

func TestParseDeadline(t *testing.T) {
	const (
		day     = domain.PrecisionDay
		month   = domain.PrecisionMonth
		quarter = domain.PrecisionQuarter
		half    = domain.PrecisionHalf
		year    = domain.PrecisionYear
	)
	cases := []struct {
		in   string
		year int // the default year
		want domain.Date
		prec domain.Precision
	}{
		// Days: all ParseDate reads, and the day forms of a sheet.
		{"2026-03-15", 0, 20260315, day},
		{"2024-02-29", 0, 20240229, day},
		{"2026-12-31", 2030, 20261231, day}, // the default year is not used
		{"2026年3月15日", 0, 20260315, day},
		{"2026年03月05号", 0, 20260305, day},
		{"2026.3.15", 0, 20260315, day},
		{"2026/3/5", 0, 20260305, day},
		{"2026-3-5", 0, 20260305, day},
		{" 2026-03-15 ", 0, 20260315, day},
		{"２０２６－０３－１５", 0, 20260315, day},
		{"2026年3月31日", 0, 20260331, day}, // a month's last day given as a day stays a day

		// Months.
		{"2026年3月", 0, 20260331, month},
		{"2026年03月", 0, 20260331, month},
		{"2026年3月份", 0, 20260331, month},
		{"2026年3月底", 0, 20260331, month},
		{"2026年3月末", 0, 20260331, month},
		{"2026年3月底前", 0, 20260331, month},
		{"2026.03", 0, 20260331, month},
		{"2026.3", 0, 20260331, month},
		{"2026-03", 0, 20260331, month},
		{"2026/3", 0, 20260331, month},
		{"2026/04", 0, 20260430, month},
		{"2026年12月", 0, 20261231, month},
		{"3月底", 2026, 20260331, month},
		{"3月", 2026, 20260331, month},
		{"11月底前", 2026, 20261130, month},
		{"2026年2月", 0, 20260228, month},
		{"2028年2月", 0, 20280229, month}, // leap year
		{"2100年2月", 0, 21000228, month}, // century, not leap
		{"2000年2月", 0, 20000229, month}, // leap century
		{"2月底", 2028, 20280229, month},
		{"２０２６年３月", 0, 20260331, month},
		{"2026 年 3 月", 0, 20260331, month},
		{"2026\u3000年3月", 0, 20260331, month},
		{"２０２６．０３", 0, 20260331, month},

		// Quarters.
		{"2026年一季度", 0, 20260331, quarter},
		{"2026年第一季度", 0, 20260331, quarter},
		{"2026年二季度", 0, 20260630, quarter},
		{"2026年第三季度", 0, 20260930, quarter},
		{"2026年四季度", 0, 20261231, quarter},
		{"2026年1季度", 0, 20260331, quarter},
		{"2026年一季度末", 0, 20260331, quarter},
		{"2026Q1", 0, 20260331, quarter},
		{"2026q2", 0, 20260630, quarter},
		{"2026 Q3", 0, 20260930, quarter},
		{"2026-Q4", 0, 20261231, quarter},
		{"2026年Q1", 0, 20260331, quarter},
		{"２０２６Ｑ１", 0, 20260331, quarter},
		{"一季度", 2026, 20260331, quarter},
		{"第四季度", 2026, 20261231, quarter},
		{"Q2", 2026, 20260630, quarter},
		{"2028年一季度", 0, 20280331, quarter}, // a leap year's first quarter still ends 03-31

		// Half years.
		{"2026年上半年", 0, 20260630, half},
		{"2026年下半年", 0, 20261231, half},
		{"2026上半年", 0, 20260630, half},
		{"2026年上半年末", 0, 20260630, half},
		{"2026H1", 0, 20260630, half},
		{"2026h2", 0, 20261231, half},
		{"上半年", 2026, 20260630, half},
		{"下半年", 2027, 20271231, half},

		// Years.
		{"2026年", 0, 20261231, year},
		{"2026年度", 0, 20261231, year},
		{"2026年底", 0, 20261231, year},
		{"2026年末", 0, 20261231, year},
		{"2026年底前", 0, 20261231, year},
		{"年底", 2026, 20261231, year},
		{"年末", 2028, 20281231, year},
		{"年底前", 2026, 20261231, year},
		{"２０２６年底", 0, 20261231, year},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, prec, err := domain.ParseDeadline(tc.in, tc.year)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.prec, prec)
			require.NoError(t, domain.CheckPrecision(got, prec), "a parsed deadline passes its own check")
			again, p2, err := domain.ParseDeadline(prec.Format(got), 0)
			require.NoError(t, err, "Format reads back: %s", prec.Format(got))
			assert.Equal(t, [2]any{got, prec}, [2]any{again, p2}, "Format reads back")
		})
	}
}

func TestParseDeadlineRefuses(t *testing.T) {
	const expected = "expected a day (2026-03-31), a month (2026年3月, 2026-03), a quarter (2026年一季度, 2026Q1), a half year (2026年上半年) or a year (2026年, 2026年底)"
	cases := []struct {
		in   string
		year int
		msg  string
	}{
		{"", 2026, `"" is not a deadline; ` + expected},
		{"soon", 2026, `"soon" is not a deadline; ` + expected},
		{"2026", 0, `"2026" is not a deadline; ` + expected}, // a bare number may be a spreadsheet serial
		{"年", 2026, `"年" is not a deadline; ` + expected},
		{"底", 2026, `"底" is not a deadline; ` + expected},
		{"2026年五季度", 0, `"2026年五季度" is not a deadline; ` + expected},
		{"2026Q5", 0, `"2026Q5" is not a deadline; ` + expected},
		{"2026年中半年", 0, `"2026年中半年" is not a deadline; ` + expected},
		{"2026H3", 0, `"2026H3" is not a deadline; ` + expected},
		{"2026-03-15底", 0, `"2026-03-15底" is not a deadline; ` + expected},
		{"2026年3月15", 0, `"2026年3月15" is not a deadline; ` + expected},
		{"2026.3-15", 0, `"2026.3-15" is not a deadline; ` + expected},
		{"26年3月", 0, `"26年3月" is not a deadline; ` + expected},
		{"2026年3月前", 0, `"2026年3月前" is not a deadline; ` + expected}, // before March: not its end
		{"2026年13月", 0, `"2026年13月" is not a deadline: there is no month 13; expected a month from 1 to 12`},
		{"2026-00", 0, `"2026-00" is not a deadline: there is no month 0; expected a month from 1 to 12`},
		{"13月底", 2026, `"13月底" is not a deadline: there is no month 13; expected a month from 1 to 12`},
		{"2026-02-29", 0, `"2026-02-29" is not a date: 2026-02-29 does not exist`},
		{"2026年4月31日", 0, `"2026年4月31日" is not a date: 2026-04-31 does not exist`},
		{"2026.13.01", 0, `"2026.13.01" is not a date: 2026-13-01 does not exist`},
		{"2206年3月", 0, `"2206年3月" is not a plausible deadline for a project; expected a year from 1990 to 2100`},
		{"0026-03", 0, `"0026-03" is not a plausible deadline for a project; expected a year from 1990 to 2100`},
		{"3月底", 26, `"3月底" is not a plausible deadline for a project; expected a year from 1990 to 2100`},
		// Forms without a year need a default year.
		{"3月底", 0, `"3月底" gives no year; expected a deadline with its year (2026年3月底) or a default year to read it in`},
		{"3月", 0, `"3月" gives no year; expected a deadline with its year (2026年3月底) or a default year to read it in`},
		{"一季度", 0, `"一季度" gives no year; expected a deadline with its year (2026年3月底) or a default year to read it in`},
		{"Q1", 0, `"Q1" gives no year; expected a deadline with its year (2026年3月底) or a default year to read it in`},
		{"上半年", 0, `"上半年" gives no year; expected a deadline with its year (2026年3月底) or a default year to read it in`},
		{"年底", 0, `"年底" gives no year; expected a deadline with its year (2026年3月底) or a default year to read it in`},
		{"bad\nline", 0, `"bad\nline" is not a deadline; ` + expected}, // one line whatever the input
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, prec, err := domain.ParseDeadline(tc.in, tc.year)
			require.ErrorIs(t, err, domain.ErrInvalid)
			assert.Equal(t, tc.msg, err.Error())
			assert.NotContains(t, err.Error(), "\n")
			assert.Zero(t, got)
			assert.Zero(t, prec)
		})
	}
}

func TestPrecisionFormat(t *testing.T) {
	cases := []struct {
		prec domain.Precision
		due  domain.Date
		want string
	}{
		{domain.PrecisionDay, 20260331, "2026-03-31"},
		{domain.PrecisionDay, 20260315, "2026-03-15"},
		{domain.PrecisionMonth, 20260331, "2026年3月"},
		{domain.PrecisionMonth, 20261130, "2026年11月"},
		{domain.PrecisionMonth, 20280229, "2028年2月"},
		{domain.PrecisionQuarter, 20260331, "2026年一季度"},
		{domain.PrecisionQuarter, 20260630, "2026年二季度"},
		{domain.PrecisionQuarter, 20260930, "2026年三季度"},
		{domain.PrecisionQuarter, 20261231, "2026年四季度"},
		{domain.PrecisionHalf, 20260630, "2026年上半年"},
		{domain.PrecisionHalf, 20261231, "2026年下半年"},
		{domain.PrecisionYear, 20261231, "2026年"},
		{domain.PrecisionMonth, 0, ""},
		{domain.PrecisionDay, 0, ""},
		{"week", 20260331, "2026-03-31"}, // unknown: the day
	}
	for _, tc := range cases {
		t.Run(tc.prec.String()+" "+tc.want, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.prec.Format(tc.due))
		})
	}
	assert.Equal(t, "day", domain.PrecisionDay.String())
	assert.Equal(t, "quarter", domain.PrecisionQuarter.String())
}

func TestPrecisionLastDay(t *testing.T) {
	cases := []struct {
		prec     domain.Precision
		in, want domain.Date
	}{
		{domain.PrecisionDay, 20260315, 20260315},
		{domain.PrecisionMonth, 20260301, 20260331},
		{domain.PrecisionMonth, 20260415, 20260430},
		{domain.PrecisionMonth, 20280201, 20280229},
		{domain.PrecisionMonth, 20260201, 20260228},
		{domain.PrecisionQuarter, 20260101, 20260331},
		{domain.PrecisionQuarter, 20260515, 20260630},
		{domain.PrecisionQuarter, 20260701, 20260930},
		{domain.PrecisionQuarter, 20261201, 20261231},
		{domain.PrecisionHalf, 20260101, 20260630},
		{domain.PrecisionHalf, 20260630, 20260630},
		{domain.PrecisionHalf, 20260701, 20261231},
		{domain.PrecisionYear, 20260101, 20261231},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, tc.prec.LastDay(tc.in), "%s of %s", tc.prec, tc.in)
	}
}

func TestCheckPrecision(t *testing.T) {
	cases := []struct {
		due  domain.Date
		prec domain.Precision
		msg  string // "" when accepted
	}{
		{20260315, domain.PrecisionDay, ""},
		{20260331, domain.PrecisionDay, ""},
		{20260331, domain.PrecisionMonth, ""},
		{20280229, domain.PrecisionMonth, ""},
		{20260228, domain.PrecisionMonth, ""},
		{20260331, domain.PrecisionQuarter, ""},
		{20280331, domain.PrecisionQuarter, ""},
		{20260630, domain.PrecisionHalf, ""},
		{20261231, domain.PrecisionHalf, ""},
		{20261231, domain.PrecisionYear, ""},
		{20261231, domain.PrecisionQuarter, ""},
		{20260315, domain.PrecisionMonth, "2026-03-15 is not the last day of 2026年3月; a deadline at month precision is the last day of its period (2026-03-31)"},
		{20280228, domain.PrecisionMonth, "2028-02-28 is not the last day of 2028年2月; a deadline at month precision is the last day of its period (2028-02-29)"},
		{20260430, domain.PrecisionQuarter, "2026-04-30 is not the last day of 2026年二季度; a deadline at quarter precision is the last day of its period (2026-06-30)"},
		{20260331, domain.PrecisionHalf, "2026-03-31 is not the last day of 2026年上半年; a deadline at half precision is the last day of its period (2026-06-30)"},
		{20260630, domain.PrecisionYear, "2026-06-30 is not the last day of 2026年; a deadline at year precision is the last day of its period (2026-12-31)"},
		{0, domain.PrecisionMonth, "no date given for a deadline at month precision; expected the last day of its period"},
		{20260331, "week", `precision "week" is unknown; expected month, quarter, half, year or none for a day`},
		{20260331, "day", `precision "day" is unknown; expected month, quarter, half, year or none for a day`}, // a day is the empty precision
	}
	for _, tc := range cases {
		t.Run(tc.prec.String()+" "+tc.due.String(), func(t *testing.T) {
			err := domain.CheckPrecision(tc.due, tc.prec)
			if tc.msg == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, domain.ErrInvalid)
			assert.Equal(t, tc.msg, err.Error())
		})
	}
}
