package domain

import (
	"fmt"
	"strconv"
	"sync"
	"time"
	_ "time/tzdata" // the default zone must resolve on machines without zoneinfo
)

// DefaultTimeZone is the zone a project's calendar dates are in unless its
// registration names another.
const DefaultTimeZone = "Asia/Shanghai"

// Date is a calendar date with no time of day, stored as the integer
// YYYYMMDD (20261127 is 27 November 2026) so that dates order as integers and
// read plainly in any encoding. The zero Date means "no date".
type Date int32

// NewDate returns the Date for year, month and day. It does not validate;
// use ParseDate for input.
func NewDate(year int, month time.Month, day int) Date {
	return Date(year*10000 + int(month)*100 + day)
}

// DateOf returns the calendar date of t in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return NewDate(y, m, d)
}

// ParseDate reads a date written YYYY-MM-DD and rejects dates that do not
// exist (2026-04-31).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, invalidf("%q is not a date; expected YYYY-MM-DD", s).zh("“%s”不是有效日期；应为 YYYY-MM-DD，例如 2026-11-30", s)
	}
	if y := t.Year(); y < MinYear || y > MaxYear {
		return 0, invalidf("%q is not a plausible date for a project; expected a year from %d to %d", s, MinYear, MaxYear).zh("“%s”不是项目可能的日期；年份应在 %d 至 %d 之间", s, MinYear, MaxYear)
	}
	return NewDate(t.Date()), nil
}

// The years a project's dates may fall in: a guard against typing 0026 or
// 2206, which would be stored for good.
const (
	MinYear = 1990
	MaxYear = 2100
)

// IsZero reports whether d is the zero Date ("no date").
func (d Date) IsZero() bool { return d == 0 }

// Year returns the year of d.
func (d Date) Year() int { return int(d) / 10000 }

// Month returns the month of d.
func (d Date) Month() time.Month { return time.Month(int(d) / 100 % 100) }

// Day returns the day of the month of d.
func (d Date) Day() int { return int(d) % 100 }

// Time returns midnight at the start of d in loc.
func (d Date) Time(loc *time.Location) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
}

// End returns the instant d has ended in loc: midnight starting the next day.
// A deadline on d is missed from this instant on.
func (d Date) End(loc *time.Location) time.Time { return d.AddDays(1).Time(loc) }

// AddDays returns the date n days after d (before it when n < 0).
func (d Date) AddDays(n int) Date {
	return NewDate(time.Date(d.Year(), d.Month(), d.Day()+n, 0, 0, 0, 0, time.UTC).Date())
}

// DaysSince returns the number of days from e to d (negative when d is
// before e).
func (d Date) DaysSince(e Date) int {
	// Whole days since the epoch, not a time.Duration, which overflows
	// past 292 years.
	day := func(x Date) int64 { return x.Time(time.UTC).Unix() / 86400 }
	return int(day(d) - day(e))
}

// String formats d as YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	var b [10]byte
	return string(d.appendTo(b[:0]))
}

// MarshalText formats d as YYYY-MM-DD for JSON and other text encodings.
func (d Date) MarshalText() ([]byte, error) { return d.appendTo(make([]byte, 0, 10)), nil }

// appendTo appends d as YYYY-MM-DD to b, or nothing for the zero Date. By
// hand: this runs for every event a report or a verify reads, and for
// every date of every row a projection writes.
func (d Date) appendTo(b []byte) []byte {
	if d.IsZero() {
		return b
	}
	y, m, day := d.Year(), int(d.Month()), d.Day()
	if y < 0 || y > 9999 {
		return fmt.Appendf(b, "%04d-%02d-%02d", y, m, day)
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10),
		'-', byte('0'+m/10%10), byte('0'+m%10), '-', byte('0'+day/10%10), byte('0'+day%10))
}

// UnmarshalText reads YYYY-MM-DD; the empty text is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = 0
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Month identifies a calendar month, written YYYY-MM, for monthly
// investment reports.
type Month string

// ParseMonth reads a month written YYYY-MM, in the years ParseDate
// accepts.
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil || len(s) != 7 {
		return "", invalidf("%q is not a month; expected YYYY-MM", s).zh("“%s”不是有效月份；应为 YYYY-MM，例如 2026-11", s)
	}
	if y := t.Year(); y < MinYear || y > MaxYear {
		return "", invalidf("%q is not a plausible month for a project; expected a year from %d to %d", s, MinYear, MaxYear).zh("“%s”不是项目可能的月份；年份应在 %d 至 %d 之间", s, MinYear, MaxYear)
	}
	return Month(s), nil
}

// FirstDay returns the first day of m, or the zero Date when m is not a
// month written YYYY-MM.
func (m Month) FirstDay() Date {
	if len(m) != 7 || m[4] != '-' {
		return 0
	}
	y, err1 := strconv.Atoi(string(m[:4]))
	mo, err2 := strconv.Atoi(string(m[5:]))
	if err1 != nil || err2 != nil || mo < 1 || mo > 12 {
		return 0
	}
	return NewDate(y, time.Month(mo), 1)
}

// zones remembers the zones LoadZone resolved: time.LoadLocation reads
// and parses the zone database on every call, and a location never
// changes once loaded.
var zones sync.Map // name -> *time.Location

// LoadZone resolves a time-zone name, "" meaning DefaultTimeZone.
func LoadZone(name string) (*time.Location, error) {
	if name == "" {
		name = DefaultTimeZone
	}
	if name == "Local" {
		// The machine's own zone: two machines would disagree on when a
		// project's day ends.
		return nil, invalidf("time zone %q is the machine's own zone; expected an IANA name such as %s", name, DefaultTimeZone).zh("时区“%s”是本机时区；应为 IANA 时区名，例如 %s", name, DefaultTimeZone)
	}
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err == nil {
		zones.Store(name, loc)
	}
	if err != nil {
		return nil, invalidf("time zone %q is unknown; expected an IANA name such as %s", name, DefaultTimeZone).zh("时区“%s”无法识别；应为 IANA 时区名，例如 %s", name, DefaultTimeZone)
	}
	return loc, nil
}
