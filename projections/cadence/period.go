package cadence

import (
	"fmt"
	"slices"
	"time"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
)

// Period is the span a job's run covers.
type Period string

// The periods: a week runs Monday to Sunday, a half-month from the 1st to
// the 15th or from the 16th to the month's end; the others are calendar
// months, quarters, halves and years.
const (
	Week      Period = "week"
	HalfMonth Period = "half-month"
	Month     Period = "month"
	Quarter   Period = "quarter"
	Half      Period = "half"
	Year      Period = "year"
)

// Span is one period: its label, as publications name it (2026-W48,
// 2026-11-H2, 2026-11, 2026-Q4, 2026-H2, 2026), and its first and last
// day.
type Span struct {
	Period      Period
	Label       string
	First, Last domain.Date
}

// bulletinPeriod is the bulletin's period (projections.Period) for p;
// a half-month has none.
func (p Period) bulletinPeriod() (projections.Period, bool) {
	switch p {
	case Week, Month, Quarter, Half, Year:
		return projections.Period(p), true
	}
	return "", false
}

// spanOf returns the period p that contains d.
func spanOf(p Period, d domain.Date) Span {
	if p == HalfMonth {
		if d.Day() <= 15 {
			return Span{p, fmt.Sprintf("%04d-%02d-H1", d.Year(), d.Month()), domain.NewDate(d.Year(), d.Month(), 1), domain.NewDate(d.Year(), d.Month(), 15)}
		}
		_, last := projections.Month.Span(d)
		return Span{p, fmt.Sprintf("%04d-%02d-H2", d.Year(), d.Month()), domain.NewDate(d.Year(), d.Month(), 16), last}
	}
	bp, _ := p.bulletinPeriod()
	first, last := bp.Span(d)
	var label string
	switch p {
	case Week:
		y, w := first.Time(time.UTC).AddDate(0, 0, 3).ISOWeek() // the week's Thursday names its year
		label = fmt.Sprintf("%04d-W%02d", y, w)
	case Month:
		label = fmt.Sprintf("%04d-%02d", d.Year(), d.Month())
	case Quarter:
		label = fmt.Sprintf("%04d-Q%d", d.Year(), (int(d.Month())+2)/3)
	case Half:
		label = fmt.Sprintf("%04d-H%d", d.Year(), (int(d.Month())+5)/6)
	default:
		label = fmt.Sprintf("%04d", d.Year())
	}
	return Span{p, label, first, last}
}

// Covered returns the period a run on day d covers: the last whole
// period before the one d is in. A monthly run on 1 December covers
// November; a weekly run on any day of a week covers the week before.
func Covered(p Period, d domain.Date) Span {
	current := spanOf(p, d)
	return spanOf(p, current.First.AddDays(-1))
}

// within reports whether every month of s is among months (an empty set
// holds every month).
func (s Span) within(months []int) bool {
	if len(months) == 0 {
		return true
	}
	for d := s.First; d <= s.Last; d = domain.DateOf(time.Date(d.Year(), d.Month()+1, 1, 0, 0, 0, 0, time.UTC), time.UTC) {
		if !slices.Contains(months, int(d.Month())) {
			return false
		}
	}
	return true
}
