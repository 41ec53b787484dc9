package projections

import (
	"fmt"
	"slices"

	"github.com/keyprojects/ledger/domain"
)

// Options are what every read model is computed for.
type Options struct {
	// AsOf is the date days late and colours are computed for: a deadline
	// is late on AsOf when its day ended before AsOf began. Steps dated
	// after AsOf count as not yet taken.
	AsOf domain.Date
	// Bands sets the traffic-light rules; the zero value means
	// DefaultBands.
	Bands Bands
}

func (o Options) bands() Bands {
	if o.Bands == (Bands{}) {
		return DefaultBands
	}
	return o.Bands
}

// Light is a project's or deadline's traffic light (红绿灯).
type Light string

// The lights. A suspended project shows LightSuspended instead of a colour:
// its deadlines are not chased while construction is halted.
const (
	LightGreen     Light = "green"
	LightYellow    Light = "yellow"
	LightRed       Light = "red"
	LightSuspended Light = "suspended"
)

// Rank orders lights from calm to alarming (suspended 0 ... red 3), for
// sorting worst first.
func (l Light) Rank() int {
	switch l {
	case LightRed:
		return 3
	case LightYellow:
		return 2
	case LightGreen:
		return 1
	}
	return 0
}

// Bands are the traffic-light rules. Places differ, so they are
// configuration; DefaultBands documents the defaults.
type Bands struct {
	// YellowDueWithin: an open deadline due within this many days (today
	// included) is yellow.
	YellowDueWithin int `json:"yellow_due_within_days"`
	// YellowLateFrom: a deadline this many days late or more is yellow.
	YellowLateFrom int `json:"yellow_late_from_days"`
	// RedLateFrom: a deadline this many days late or more is red.
	RedLateFrom int `json:"red_late_from_days"`
}

// DefaultBands: yellow when due within 7 days or 1 to 14 days late, red from
// 15 days late, green otherwise.
var DefaultBands = Bands{YellowDueWithin: 7, YellowLateFrom: 1, RedLateFrom: 15}

// Validate checks that the bands are ordered.
func (b Bands) Validate() error {
	if b.YellowDueWithin < 0 || b.YellowLateFrom < 1 || b.RedLateFrom < b.YellowLateFrom {
		return fmt.Errorf("traffic-light bands %+v: expected yellow_due_within_days >= 0 and 1 <= yellow_late_from_days <= red_late_from_days", b)
	}
	return nil
}

// lightFor returns the light of one open deadline that is daysLate late
// (or due in daysLeft days when not late).
func (b Bands) lightFor(daysLate, daysLeft int) Light {
	switch {
	case daysLate >= b.RedLateFrom:
		return LightRed
	case daysLate >= b.YellowLateFrom:
		return LightYellow
	case daysLate == 0 && daysLeft <= b.YellowDueWithin:
		return LightYellow
	}
	return LightGreen
}

// dueState says where a deadline stands on a date.
type dueState struct {
	deadline *domain.Deadline
	reached  bool // reached on or before the as-of date
	daysLate int  // > 0: its day ended that many days ago, unreached
	daysLeft int  // >= 0 when not late: days until the deadline day
}

// deadlineOn returns where deadline dl stands on date asOf.
func deadlineOn(dl *domain.Deadline, asOf domain.Date) dueState {
	s := dueState{deadline: dl}
	s.reached = !dl.Reached.IsZero() && dl.Reached <= asOf
	if s.reached {
		return s
	}
	if asOf > dl.Due {
		s.daysLate = asOf.DaysSince(dl.Due)
	} else {
		s.daysLeft = dl.Due.DaysSince(asOf)
	}
	return s
}

// openDeadlines returns the row's deadlines not reached by asOf, the
// earliest due first (ties in plan order).
func openDeadlines(r *Row, asOf domain.Date) []dueState {
	var out []dueState
	for _, m := range domain.Milestones {
		if dl := r.Deadlines[m]; dl != nil {
			if s := deadlineOn(dl, asOf); !s.reached {
				out = append(out, s)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b dueState) int { return int(a.deadline.Due) - int(b.deadline.Due) })
	return out
}

// lifecycle is the order of the steps a project's stage is read from.
var lifecycle = []domain.EventType{
	domain.Negotiating, domain.Signed, domain.Started, domain.Completed, domain.Commissioned, domain.FullCapacity,
}

// stageOn returns the furthest lifecycle step the project had taken by
// asOf, or "registered".
func stageOn(r *Row, asOf domain.Date) string {
	stage := string(domain.Registered)
	for _, st := range lifecycle {
		if d, ok := r.Steps[st]; ok && d <= asOf {
			stage = string(st)
		}
	}
	return stage
}

// suspendedOn reports whether construction was halted on asOf, as far as
// the latest suspension and resumption tell.
func suspendedOn(r *Row, asOf domain.Date) bool { return r.SuspendedOn(asOf) }

// inTables reports whether the project belongs in the status, overdue and
// scoreboard tables on asOf: registered by then and not terminated.
func inTables(r *Row, asOf domain.Date) bool {
	if !r.Registered || (r.Terminated && r.Steps[domain.Terminated] <= asOf) {
		return false
	}
	return r.RegisteredOn <= asOf
}

// investmentThrough sums the monthly investment reported for months up to
// and including the month of asOf.
func investmentThrough(r *Row, asOf domain.Date) int64 {
	var sum int64
	for m, v := range r.Investment {
		if m.FirstDay() <= asOf {
			sum += v
		}
	}
	return sum
}

// basisPoints returns part/whole in hundredths of a percent, rounded down;
// 0 when whole is not positive. Integers only: shares never go through a
// float.
func basisPoints(part, whole int64) int64 {
	if whole <= 0 {
		return 0
	}
	return part * 10_000 / whole
}

// earlierMisses returns the deadlines of dl before its current one that
// were missed by asOf: those the watcher recorded as missed, and those
// revised only after their day had ended. Revising a deadline late does not
// erase the miss (the original deadline is not forgotten). Ascending, no
// duplicates.
func earlierMisses(r *Row, dl *domain.Deadline, asOf domain.Date) []domain.Date {
	var out []domain.Date
	add := func(d domain.Date) {
		if d != dl.Due && d < asOf && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	for _, d := range dl.Missed {
		add(d)
	}
	for _, rev := range dl.Revisions {
		if rev.On > rev.From && (dl.Reached.IsZero() || dl.Reached > rev.From) && !r.SuspendedOn(rev.From) {
			add(rev.From)
		}
	}
	slices.Sort(out)
	return out
}

// lightNames are the lights' names in Chinese.
var lightNames = map[Light][]string{
	LightGreen:     {"绿灯", "绿"},
	LightYellow:    {"黄灯", "黄"},
	LightRed:       {"红灯", "红"},
	LightSuspended: {"停工", "暂停"},
}

// Lights are the lights a project can show, best first.
func Lights() []Light { return []Light{LightGreen, LightYellow, LightRed, LightSuspended} }

// ReadLight returns the light whose code (red) or Chinese name (红灯) is s.
func ReadLight(s string) (Light, bool) {
	f := domain.FoldTerm(s)
	for _, l := range Lights() {
		if f == string(l) || slices.Contains(lightNames[l], f) {
			return l, true
		}
	}
	return "", false
}
