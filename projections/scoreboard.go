package projections

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/keyprojects/ledger/domain"
)

// ScoreRow is one responsible unit's or leader's record on a date (单位/领导
// 排名).
type ScoreRow struct {
	By       string `json:"by"` // "unit" or "leader"
	Name     string `json:"name"`
	Projects int    `json:"projects"` // projects held now
	// Milestones judged by the as-of date, each counted once: reached
	// without missing a deadline; reached after missing one; not reached
	// and past the current deadline; not reached, not yet due again, but
	// an earlier deadline was missed and then revised.
	OnTime        int `json:"on_time"`
	Late          int `json:"late"`
	OpenOverdue   int `json:"open_overdue"`
	MissedRevised int `json:"missed_then_revised"`
	// Overdue is every milestone that missed a deadline:
	// Late + OpenOverdue + MissedRevised.
	Overdue int `json:"overdue"`
	// OnTimeRateBP is OnTime over all deadlines due, in 1/100 %; null when
	// nothing was due yet.
	OnTimeRateBP *int64 `json:"on_time_rate_bp"`
}

// unitRegister returns the unit register among rows, nil if none.
func unitRegister(rows []*Row) *domain.UnitRegister {
	for _, r := range rows {
		if r.ID == domain.UnitRegisterID {
			return r.Units
		}
	}
	return nil
}

// Scoreboard returns the unit rows then the leader rows on o.AsOf, each
// group worst first (see SortScores). A milestone counts for the unit of
// its project and for the leader who answered for the project on the day
// of its first missed deadline (or of its deadline, when none was missed),
// so a leader is not blamed for a miss from before their time. Units are
// counted by their canonical names when rows hold the unit register. A deadline
// revised after it had passed still counts as missed.
// Terminated projects leave the board; a suspended project's open deadlines
// are not counted as overdue while it is halted.
func Scoreboard(rows []*Row, o Options) []ScoreRow {
	units, leaders := map[string]*ScoreRow{}, map[string]*ScoreRow{}
	get := func(m map[string]*ScoreRow, by, name string) *ScoreRow {
		if m[name] == nil {
			m[name] = &ScoreRow{By: by, Name: name}
		}
		return m[name]
	}
	register := unitRegister(rows)
	for _, r := range rows {
		if !inTables(r, o.AsOf) {
			continue
		}
		unit, _ := register.Canonicalize(r.Unit)
		get(units, "unit", unit).Projects++
		get(leaders, "leader", r.Leader).Projects++
		halted := suspendedOn(r, o.AsOf)
		for _, m := range domain.Milestones {
			dl := r.Deadlines[m]
			if dl == nil {
				continue
			}
			s := deadlineOn(dl, o.AsOf)
			missed := earlierMisses(r, dl, o.AsOf)
			blame := dl.Due
			if len(missed) > 0 {
				blame = missed[0]
			}
			var count func(*ScoreRow)
			switch {
			case s.reached && dl.Reached <= dl.Due && len(missed) == 0:
				count = func(x *ScoreRow) { x.OnTime++ }
			case s.reached:
				count = func(x *ScoreRow) { x.Late++ }
			case s.daysLate > 0 && !halted:
				count = func(x *ScoreRow) { x.OpenOverdue++ }
			case len(missed) > 0:
				count = func(x *ScoreRow) { x.MissedRevised++ }
			default:
				continue
			}
			count(get(units, "unit", unit))
			count(get(leaders, "leader", r.ResponsibleOn(blame)))
		}
	}
	out := make([]ScoreRow, 0, len(units)+len(leaders))
	for _, group := range []map[string]*ScoreRow{units, leaders} {
		var g []ScoreRow
		for _, s := range group {
			s.Overdue = s.Late + s.OpenOverdue + s.MissedRevised
			if due := s.OnTime + s.Overdue; due > 0 {
				bp := basisPoints(int64(s.OnTime), int64(due))
				s.OnTimeRateBP = &bp
			}
			g = append(g, *s)
		}
		SortScores(g, SortWorst)
		out = append(out, g...)
	}
	return out
}

// ScoreSort names an order of the scoreboard.
type ScoreSort string

// The scoreboard orders.
const (
	// SortWorst: lowest on-time rate first, then most overdue, then name;
	// rows with nothing due yet last. What a bulletin names first.
	SortWorst ScoreSort = "worst"
	// SortOverdue: most overdue first, then name.
	SortOverdue ScoreSort = "overdue"
	// SortName: by name.
	SortName ScoreSort = "name"
	// SortProjects: most projects first, then name.
	SortProjects ScoreSort = "projects"
)

// ParseScoreSort checks that s names a scoreboard order.
func ParseScoreSort(s string) (ScoreSort, error) {
	for _, v := range []ScoreSort{SortWorst, SortOverdue, SortName, SortProjects} {
		if string(v) == s {
			return v, nil
		}
	}
	return "", fmt.Errorf("sort %q is unknown; expected worst, overdue, name or projects", s)
}

// SortScores orders rows in place.
func SortScores(rows []ScoreRow, by ScoreSort) {
	rate := func(s ScoreRow) int64 {
		if s.OnTimeRateBP == nil {
			return 10_001 // nothing due: after every real rate
		}
		return *s.OnTimeRateBP
	}
	slices.SortStableFunc(rows, func(a, b ScoreRow) int {
		byName := cmp.Compare(a.Name, b.Name)
		switch by {
		case SortOverdue:
			return cmp.Or(cmp.Compare(b.Overdue, a.Overdue), byName)
		case SortName:
			return byName
		case SortProjects:
			return cmp.Or(cmp.Compare(b.Projects, a.Projects), byName)
		}
		return cmp.Or(cmp.Compare(rate(a), rate(b)), cmp.Compare(b.Overdue, a.Overdue), byName)
	})
}
