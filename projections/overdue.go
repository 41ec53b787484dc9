package projections

import (
	"cmp"
	"slices"

	"github.com/keyprojects/ledger/domain"
)

// OverdueRow is one deadline past and not reached on a date (逾期清单).
type OverdueRow struct {
	Project   domain.ProjectID `json:"project"`
	Name      string           `json:"name"`
	Milestone domain.Milestone `json:"milestone"`
	Due       domain.Date      `json:"due"`      // the current deadline
	Baseline  domain.Date      `json:"baseline"` // the first deadline
	DaysLate  int              `json:"days_late"`
	Revisions int              `json:"revisions"` // times the deadline was moved
	// EarlierMisses counts deadlines of this milestone missed before the
	// current one (revised after they had passed).
	EarlierMisses int   `json:"earlier_misses"`
	Explained     bool  `json:"explained"` // a delay explanation was filed for Due
	Light         Light `json:"light"`
	// Who answered for the project when the deadline passed, and now.
	LeaderThen string `json:"leader_then"`
	LeaderNow  string `json:"leader_now"`
	Unit       string `json:"unit"`
	// The precisions of Due and Baseline when the plan gave a month,
	// quarter, half year or year (left out for a day).
	DuePrecision      domain.Precision `json:"due_precision,omitempty"`
	BaselinePrecision domain.Precision `json:"baseline_precision,omitempty"`
}

// Overdue returns the overdue list on o.AsOf, the most days late first.
// Suspended projects are left out: their deadlines are not chased while
// construction is halted (they reappear when it resumes).
func Overdue(rows []*Row, o Options) []OverdueRow {
	b := o.bands()
	var out []OverdueRow
	for _, r := range rows {
		if !inTables(r, o.AsOf) || suspendedOn(r, o.AsOf) {
			continue
		}
		for _, d := range openDeadlines(r, o.AsOf) {
			if d.daysLate == 0 {
				continue
			}
			dl := d.deadline
			out = append(out, OverdueRow{
				Project: r.ID, Name: r.Name, Milestone: dl.Milestone, Due: dl.Due, Baseline: dl.Baseline,
				DaysLate: d.daysLate, Revisions: len(dl.Revisions), EarlierMisses: len(earlierMisses(r, dl, o.AsOf)), Explained: slices.Contains(dl.Explained, dl.Due),
				Light: b.lightFor(d.daysLate, 0), LeaderThen: r.ResponsibleOn(dl.Due), LeaderNow: r.Leader, Unit: r.Unit,
				DuePrecision: dl.Precision, BaselinePrecision: dl.BaselinePrecision,
			})
		}
	}
	slices.SortFunc(out, func(a, b OverdueRow) int {
		return cmp.Or(cmp.Compare(b.DaysLate, a.DaysLate), cmp.Compare(a.Project, b.Project), cmp.Compare(milestoneOrder(a.Milestone), milestoneOrder(b.Milestone)))
	})
	return out
}

func milestoneOrder(m domain.Milestone) int { return slices.Index(domain.Milestones, m) }
