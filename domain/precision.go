package domain

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Precision is how precisely a plan sheet gave a deadline: a day, or a
// month, quarter, half year or year (2026年3月, 2026年一季度, 2026年上半年,
// 2026年底). A deadline at a precision coarser than a day is the last day
// of its period (2026年3月 is due 2026-03-31, 2026年一季度 2026-03-31,
// 2026年 2026-12-31) and is missed when that day has ended, like any
// other; the precision is kept with it so that reports show 2026年3月
// rather than a day nobody wrote. The zero Precision is a day.
type Precision string

// The precisions.
const (
	PrecisionDay     Precision = ""
	PrecisionMonth   Precision = "month"
	PrecisionQuarter Precision = "quarter"
	PrecisionHalf    Precision = "half"
	PrecisionYear    Precision = "year"
)

// Precisions lists the precisions, finest first.
var Precisions = []Precision{PrecisionDay, PrecisionMonth, PrecisionQuarter, PrecisionHalf, PrecisionYear}

// String returns the precision's name: "day" for PrecisionDay.
func (p Precision) String() string {
	if p == PrecisionDay {
		return "day"
	}
	return string(p)
}

// Known reports whether p is one of Precisions.
func (p Precision) Known() bool {
	switch p {
	case PrecisionDay, PrecisionMonth, PrecisionQuarter, PrecisionHalf, PrecisionYear:
		return true
	}
	return false
}

// LastDay returns the last day of the period of precision p that d falls
// in: d itself for a day (and for an unknown precision), the month's,
// quarter's, half year's or year's last day otherwise.
func (p Precision) LastDay(d Date) Date {
	var month time.Month
	switch p {
	case PrecisionMonth:
		month = d.Month()
	case PrecisionQuarter:
		month = (d.Month()-1)/3*3 + 3
	case PrecisionHalf:
		month = (d.Month()-1)/6*6 + 6
	case PrecisionYear:
		month = time.December
	default:
		return d
	}
	return monthEnd(d.Year(), month)
}

// monthEnd returns the last day of month m of year y.
func monthEnd(y int, m time.Month) Date {
	// Day 0 of the next month is the last day of this one.
	return NewDate(time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Date())
}

// Format prints the deadline d at precision p as a plan sheet writes it:
// "2026-03-31" for a day, "2026年3月" for a month, "2026年一季度" for a
// quarter, "2026年上半年" or "2026年下半年" for a half year, "2026年" for a
// year. The zero Date prints as "", an unknown precision as the day.
func (p Precision) Format(d Date) string {
	if d.IsZero() {
		return ""
	}
	y := strconv.Itoa(d.Year())
	switch p {
	case PrecisionMonth:
		return y + "年" + strconv.Itoa(int(d.Month())) + "月"
	case PrecisionQuarter:
		return y + "年" + quarterNumerals[(d.Month()-1)/3] + "季度"
	case PrecisionHalf:
		if d.Month() <= time.June {
			return y + "年上半年"
		}
		return y + "年下半年"
	case PrecisionYear:
		return y + "年"
	}
	return d.String()
}

var quarterNumerals = [4]string{"一", "二", "三", "四"}

// CheckPrecision returns an error matching ErrInvalid unless d can be a
// deadline at precision p: any date at day precision, the last day of its
// period at any other (2026-03-31 at month precision, not 2026-03-15).
func CheckPrecision(d Date, p Precision) error {
	if !p.Known() {
		return invalidf("precision %q is unknown; expected %s, %s, %s, %s or none for a day", string(p), PrecisionMonth, PrecisionQuarter, PrecisionHalf, PrecisionYear).zh("期限精度“%s”无法识别；应为 %s（月）、%s（季度）、%s（半年）、%s（年），按日则不填", string(p), PrecisionMonth, PrecisionQuarter, PrecisionHalf, PrecisionYear)
	}
	if p == PrecisionDay {
		return nil
	}
	if d.IsZero() {
		return invalidf("no date given for a deadline at %s precision; expected the last day of its period", p).zh("按%s填报的期限未填写日期；应为该时段的最后一天", precisionChinese(p))
	}
	if end := p.LastDay(d); d != end {
		return invalidf("%s is not the last day of %s; a deadline at %s precision is the last day of its period (%s)", d, p.Format(d), p, end).zh("%s 不是%s的最后一天；按%s填报的期限应为该时段的最后一天（%s）", d, p.Format(d), precisionChinese(p), end)
	}
	return nil
}

// ParseDeadline reads a deadline as a plan sheet gives it and returns the
// day it falls due and its precision:
//
//	day      2026-03-31 (all ParseDate reads), 2026年3月31日, 2026.3.31, 2026/3/31
//	month    2026年3月, 2026年3月份, 2026.03, 2026-03, 2026/3, 3月, 3月底
//	quarter  2026年一季度, 2026年第一季度, 2026年1季度, 2026Q1, 一季度
//	half     2026年上半年, 2026年下半年, 2026H1, 上半年
//	year     2026年, 2026年度, 2026年底, 年底
//
// A month, quarter, half year or year is due on its last day: 2026年3月 is
// 2026-03-31, 2028年2月 2028-02-29, 2026年一季度 2026-03-31, 2026年 and
// 年底 2026-12-31. Any of them may end in 底, 末, 底前 or 末前 ("by the end
// of"), which changes nothing. Full-width digits, letters and punctuation
// read as their ASCII forms, and spaces are ignored.
//
// year is the year of the forms that give none (3月底, 一季度, 上半年,
// 年底); 0 refuses them. Errors match ErrInvalid and say what was expected.
func ParseDeadline(s string, year int) (Date, Precision, error) {
	if d, err := ParseDate(s); err == nil {
		return d, PrecisionDay, nil
	}
	t := normalizeDeadline(s)
	ended := false
	for _, suffix := range []string{"底前", "末前", "底", "末"} {
		if rest, ok := strings.CutSuffix(t, suffix); ok {
			t, ended = rest, true
			break
		}
	}
	for _, f := range deadlineForms {
		m := f.re.FindStringSubmatch(t)
		if m == nil || (ended && f.prec == PrecisionDay) || (f.needsEnd && !ended) {
			continue
		}
		group := func(name string) string {
			if i := f.re.SubexpIndex(name); i >= 0 {
				return m[i]
			}
			return ""
		}
		if f.prec == PrecisionDay && group("s1") != group("s2") {
			continue // 2026.3-31: one separator throughout
		}
		y := year
		if g := group("y"); g != "" {
			y, _ = strconv.Atoi(g)
		} else if year == 0 {
			return 0, "", invalidf("%q gives no year; expected a deadline with its year (2026年3月底) or a default year to read it in", s).zh("“%s”未写年份；期限应带年份（2026年3月底），或另给默认年份", s)
		}
		if y < MinYear || y > MaxYear {
			return 0, "", invalidf("%q is not a plausible deadline for a project; expected a year from %d to %d", s, MinYear, MaxYear).zh("“%s”不是项目可能的期限；年份应在 %d 至 %d 之间", s, MinYear, MaxYear)
		}
		n := 0
		if f.prec != PrecisionYear {
			n = number(group("n"))
		}
		switch f.prec {
		case PrecisionDay:
			day := number(group("d"))
			if n < 1 || n > 12 || day < 1 || day > monthEnd(y, time.Month(n)).Day() {
				return 0, "", invalidf("%q is not a date: %d-%02d-%02d does not exist", s, y, n, day).zh("“%s”不是有效日期：%d-%02d-%02d 不存在", s, y, n, day)
			}
			return NewDate(y, time.Month(n), day), PrecisionDay, nil
		case PrecisionMonth:
			if n < 1 || n > 12 {
				return 0, "", invalidf("%q is not a deadline: there is no month %d; expected a month from 1 to 12", s, n).zh("“%s”不是有效期限：没有 %d 月；月份应为 1 至 12", s, n)
			}
			return monthEnd(y, time.Month(n)), PrecisionMonth, nil
		case PrecisionQuarter:
			return monthEnd(y, time.Month(n*3)), PrecisionQuarter, nil
		case PrecisionHalf:
			return monthEnd(y, time.Month(n*6)), PrecisionHalf, nil
		default:
			return monthEnd(y, time.December), PrecisionYear, nil
		}
	}
	return 0, "", invalidf("%q is not a deadline; expected a day (2026-03-31), a month (2026年3月, 2026-03), a quarter (2026年一季度, 2026Q1), a half year (2026年上半年) or a year (2026年, 2026年底)", s).zh("“%s”不是有效期限；应为日（2026-03-31）、月（2026年3月、2026-03）、季度（2026年一季度、2026Q1）、半年（2026年上半年）或年（2026年、2026年底）", s)
}

// deadlineForms are the forms ParseDeadline reads once normalised. Groups:
// y the year (empty when the form may leave it out), n the month,
// quarter or half, d a day's day, s1 and s2 a day's separators.
var deadlineForms = []struct {
	re       *regexp.Regexp
	prec     Precision
	needsEnd bool // read only with 底 / 末 after it: a bare 年 says nothing
}{
	{regexp.MustCompile(`^(?P<y>\d{4})年(?P<n>\d{1,2})月(?P<d>\d{1,2})[日号]$`), PrecisionDay, false},
	{regexp.MustCompile(`^(?P<y>\d{4})(?P<s1>[./-])(?P<n>\d{1,2})(?P<s2>[./-])(?P<d>\d{1,2})$`), PrecisionDay, false},
	{regexp.MustCompile(`^(?:(?P<y>\d{4})年)?(?P<n>\d{1,2})月份?$`), PrecisionMonth, false},
	{regexp.MustCompile(`^(?P<y>\d{4})[./-](?P<n>\d{1,2})$`), PrecisionMonth, false},
	{regexp.MustCompile(`^(?:(?P<y>\d{4})年?)?第?(?P<n>[一二三四1-4])季度$`), PrecisionQuarter, false},
	{regexp.MustCompile(`^(?:(?P<y>\d{4})年?-?)?Q(?P<n>[1-4])$`), PrecisionQuarter, false},
	{regexp.MustCompile(`^(?:(?P<y>\d{4})年?)?(?P<n>[上下])半年$`), PrecisionHalf, false},
	{regexp.MustCompile(`^(?:(?P<y>\d{4})年?-?)?H(?P<n>[12])$`), PrecisionHalf, false},
	{regexp.MustCompile(`^(?P<y>\d{4})年度?$`), PrecisionYear, false},
	{regexp.MustCompile(`^(?P<y>)年度?$`), PrecisionYear, true},
}

// number reads a month, quarter or half: digits, 一 to 四, 上 (1) or 下
// (2).
func number(s string) int {
	switch s {
	case "一", "上":
		return 1
	case "二", "下":
		return 2
	case "三":
		return 3
	case "四":
		return 4
	}
	n, _ := strconv.Atoi(s)
	return n
}

// normalizeDeadline maps full-width digits, letters and punctuation to
// ASCII, upper-cases the Q of a quarter and the H of a half, and drops
// every space.
func normalizeDeadline(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			continue
		case r >= '！' && r <= '～': // the full-width forms of ASCII
			r = r - '！' + '!'
		case r == '。':
			r = '.'
		}
		if r == 'q' || r == 'h' {
			r = unicode.ToUpper(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
