package projections

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/keyprojects/ledger/domain"
)

// Period names the span of a dispatch or bulletin.
type Period string

// The periods: a week runs Monday to Sunday; the others are calendar
// months, quarters, halves and years.
const (
	Week    Period = "week"
	Month   Period = "month"
	Quarter Period = "quarter"
	Half    Period = "half"
	Year    Period = "year"
)

// periodNames are the periods' names in Chinese, as offices write them.
var periodNames = map[Period][]string{
	Week:    {"周", "每周", "周调度", "本周"},
	Month:   {"月", "月度", "每月", "月通报", "本月"},
	Quarter: {"季", "季度", "每季", "季度通报", "本季度"},
	Half:    {"半年", "半年度", "半年通报"},
	Year:    {"年", "年度", "全年", "年度通报", "本年"},
}

// ParsePeriod reads a period by its code (month) or Chinese name (月, 月度).
func ParsePeriod(s string) (Period, error) {
	f := domain.FoldTerm(s)
	for _, p := range []Period{Week, Month, Quarter, Half, Year} {
		if f == string(p) || slices.Contains(periodNames[p], f) {
			return p, nil
		}
	}
	return "", fmt.Errorf("period %q is unknown; expected week (周), month (月), quarter (季度), half (半年) or year (年)", s)
}

// Span returns the first and last day of the period that contains d.
func (p Period) Span(d domain.Date) (first, last domain.Date) {
	y, m := d.Year(), d.Month()
	switch p {
	case Week:
		wd := int(d.Time(time.UTC).Weekday()+6) % 7 // Monday = 0
		first = d.AddDays(-wd)
		return first, first.AddDays(6)
	case Month:
		first = domain.NewDate(y, m, 1)
	case Quarter:
		first = domain.NewDate(y, time.Month((int(m)-1)/3*3+1), 1)
	case Half:
		first = domain.NewDate(y, time.Month((int(m)-1)/6*6+1), 1)
	default:
		first = domain.NewDate(y, 1, 1)
	}
	months := map[Period]int{Month: 1, Quarter: 3, Half: 6, Year: 12}[p]
	next := time.Date(first.Year(), first.Month()+time.Month(months), 1, 0, 0, 0, 0, time.UTC)
	return first, domain.DateOf(next, time.UTC).AddDays(-1)
}

// Bulletin is the dispatch or bulletin (调度 / 通报) for the period that
// contains the as-of date, from the period's first day to the as-of date.
type Bulletin struct {
	Period Period      `json:"period"`
	From   domain.Date `json:"from"`
	AsOf   domain.Date `json:"as_of"`
	// Reached: milestones reached in the period.
	Reached []ReachedRow `json:"reached"`
	// Missed: deadlines whose day ended in the period unreached (reached
	// late since, or still open). The day of a deadline ends at midnight
	// after it, so the period's misses are the deadlines from the day before
	// its first day to the day before the as-of date.
	Missed []MissedRow `json:"missed"`
	// Overdue: every deadline still overdue on the as-of date.
	Overdue []OverdueRow `json:"overdue"`
	// Investment: completed in the period's months, per unit.
	Investment      []PeriodInvestmentRow `json:"investment"`
	InvestmentTotal int64                 `json:"investment_total_yuan"`
	// Units: ranked worst first on the deadlines due in the period.
	Units []UnitRankRow `json:"units"`
}

// ReachedRow is a milestone reached in the period.
type ReachedRow struct {
	Project   domain.ProjectID `json:"project"`
	Name      string           `json:"name"`
	Unit      string           `json:"unit"`
	Milestone domain.Milestone `json:"milestone"`
	Reached   domain.Date      `json:"reached"`
	Due       domain.Date      `json:"due"` // zero when it had no deadline
	DaysLate  int              `json:"days_late"`
	// DuePrecision is Due's precision; left out for a day.
	DuePrecision domain.Precision `json:"due_precision,omitempty"`
}

// MissedRow is a deadline that passed in the period unreached.
type MissedRow struct {
	Project    domain.ProjectID `json:"project"`
	Name       string           `json:"name"`
	Unit       string           `json:"unit"`
	LeaderThen string           `json:"leader_then"`
	Milestone  domain.Milestone `json:"milestone"`
	Due        domain.Date      `json:"due"`
	ReachedOn  domain.Date      `json:"reached_on"` // zero while still open
	RevisedTo  domain.Date      `json:"revised_to"` // set when the deadline was moved after it passed
	DaysLate   int              `json:"days_late"`  // on the as-of date, or when reached
	Explained  bool             `json:"explained"`
	// The precisions of Due and RevisedTo; left out for a day.
	DuePrecision       domain.Precision `json:"due_precision,omitempty"`
	RevisedToPrecision domain.Precision `json:"revised_to_precision,omitempty"`
}

// PeriodInvestmentRow is one unit's investment completed in the period.
type PeriodInvestmentRow struct {
	Unit   string `json:"unit"`
	Amount int64  `json:"amount_yuan"`
}

// UnitRankRow ranks one unit on the deadlines due in the period.
type UnitRankRow struct {
	Rank       int    `json:"rank"`
	Unit       string `json:"unit"`
	Due        int    `json:"due"` // deadlines whose day ended in the period
	OnTime     int    `json:"on_time"`
	Late       int    `json:"late"`
	Open       int    `json:"open"`
	RateBP     *int64 `json:"on_time_rate_bp"`
	OverdueNow int    `json:"overdue_now"` // all open overdue deadlines on the as-of date
}

// MakeBulletin builds the bulletin of period p on o.AsOf. A month's
// investment belongs to the period when the month's first day does.
func MakeBulletin(rows []*Row, p Period, o Options) Bulletin {
	from, _ := p.Span(o.AsOf)
	b := Bulletin{Period: p, From: from, AsOf: o.AsOf, Overdue: Overdue(rows, o)}
	in := func(d domain.Date) bool { return d >= from && d <= o.AsOf }
	units := map[string]*UnitRankRow{}
	unit := func(name string) *UnitRankRow {
		if units[name] == nil {
			units[name] = &UnitRankRow{Unit: name}
		}
		return units[name]
	}
	invest := map[string]int64{}
	for _, r := range rows {
		if r.Registered && r.RegisteredOn <= o.AsOf {
			for m, v := range r.Investment {
				if in(m.FirstDay()) {
					invest[r.Unit] += v
					b.InvestmentTotal += v
				}
			}
		}
		if !inTables(r, o.AsOf) {
			continue
		}
		u := unit(r.Unit)
		for _, m := range domain.Milestones {
			on, ok := r.Reached(m)
			if dl := r.Deadlines[m]; dl != nil && !dl.Reached.IsZero() {
				// The deadline keeps the first reach; Steps keeps the latest
				// of a repeatable step (a second funds_received tranche).
				on, ok = dl.Reached, true
			}
			if ok && in(on) {
				rr := ReachedRow{Project: r.ID, Name: r.Name, Unit: r.Unit, Milestone: m, Reached: on}
				if dl := r.Deadlines[m]; dl != nil {
					rr.Due, rr.DuePrecision = dl.Due, dl.Precision
					rr.DaysLate = max(0, on.DaysSince(dl.Due))
				}
				b.Reached = append(b.Reached, rr)
			}
			dl := r.Deadlines[m]
			if dl == nil {
				continue
			}
			s := deadlineOn(dl, o.AsOf)
			for _, d := range earlierMisses(r, dl, o.AsOf) {
				if d < from.AddDays(-1) {
					continue
				}
				u.Due++
				mr := MissedRow{Project: r.ID, Name: r.Name, Unit: r.Unit, LeaderThen: r.ResponsibleOn(d),
					Milestone: m, Due: d, DaysLate: o.AsOf.DaysSince(d), Explained: slices.Contains(dl.Explained, d), DuePrecision: dl.PrecisionOf(d)}
				if i := slices.IndexFunc(dl.Revisions, func(rev domain.Revision) bool { return rev.From == d }); i >= 0 {
					mr.RevisedTo, mr.DaysLate = dl.Revisions[i].To, dl.Revisions[i].On.DaysSince(d)
					mr.DuePrecision, mr.RevisedToPrecision = dl.Revisions[i].FromPrecision, dl.Revisions[i].Precision
				}
				if s.reached {
					u.Late++
					mr.ReachedOn = dl.Reached
				} else {
					u.Open++
				}
				b.Missed = append(b.Missed, mr)
			}
			// A deadline's day ends at midnight after it: a deadline on the
			// day before the period belongs to this period, one on the
			// as-of date to the next bulletin.
			if !(dl.Due >= from.AddDays(-1) && dl.Due < o.AsOf) || (!s.reached && suspendedOn(r, o.AsOf)) {
				continue
			}
			u.Due++
			switch {
			case s.reached && dl.Reached <= dl.Due:
				u.OnTime++
				continue
			case s.reached:
				u.Late++
			default:
				u.Open++
			}
			mr := MissedRow{Project: r.ID, Name: r.Name, Unit: r.Unit, LeaderThen: r.ResponsibleOn(dl.Due),
				Milestone: m, Due: dl.Due, DaysLate: s.daysLate, Explained: slices.Contains(dl.Explained, dl.Due), DuePrecision: dl.Precision}
			if s.reached {
				mr.ReachedOn, mr.DaysLate = dl.Reached, dl.Reached.DaysSince(dl.Due)
			}
			b.Missed = append(b.Missed, mr)
		}
	}
	for _, ov := range b.Overdue {
		unit(ov.Unit).OverdueNow++
	}
	for name, v := range invest {
		b.Investment = append(b.Investment, PeriodInvestmentRow{Unit: name, Amount: v})
	}
	slices.SortFunc(b.Investment, func(x, y PeriodInvestmentRow) int {
		return cmp.Or(cmp.Compare(y.Amount, x.Amount), cmp.Compare(x.Unit, y.Unit))
	})
	slices.SortFunc(b.Reached, func(x, y ReachedRow) int {
		return cmp.Or(cmp.Compare(x.Reached, y.Reached), cmp.Compare(x.Project, y.Project), cmp.Compare(milestoneOrder(x.Milestone), milestoneOrder(y.Milestone)))
	})
	slices.SortFunc(b.Missed, func(x, y MissedRow) int {
		return cmp.Or(cmp.Compare(y.DaysLate, x.DaysLate), cmp.Compare(x.Project, y.Project), cmp.Compare(milestoneOrder(x.Milestone), milestoneOrder(y.Milestone)))
	})
	for _, u := range units {
		if u.Due > 0 {
			bp := basisPoints(int64(u.OnTime), int64(u.Due))
			u.RateBP = &bp
		}
		b.Units = append(b.Units, *u)
	}
	// Best first: the highest on-time rate, then the fewest deadlines
	// still open; units with nothing due in the period come last.
	rate := func(u UnitRankRow) int64 {
		if u.RateBP == nil {
			return -1
		}
		return *u.RateBP
	}
	slices.SortFunc(b.Units, func(x, y UnitRankRow) int {
		return cmp.Or(cmp.Compare(rate(y), rate(x)), cmp.Compare(x.Open+x.OverdueNow, y.Open+y.OverdueNow), cmp.Compare(x.Unit, y.Unit))
	})
	for i := range b.Units {
		b.Units[i].Rank = i + 1
	}
	return b
}
