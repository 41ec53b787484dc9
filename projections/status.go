package projections

import (
	"cmp"
	"slices"
	"time"

	"github.com/keyprojects/ledger/domain"
)

// StatusRow is one project in the status table (项目进度表) on a date.
type StatusRow struct {
	Project  domain.ProjectID   `json:"project"`
	Name     string             `json:"name"`
	Unit     string             `json:"unit"`
	Leader   string             `json:"leader"`
	Kind     domain.ProjectKind `json:"kind"`
	Township string             `json:"township"`
	// Industry (行业) and NationalCode (赋码) are empty when not recorded.
	Industry     string `json:"industry"`
	NationalCode string `json:"national_code"`
	Stage        string `json:"stage"` // furthest lifecycle step taken, or "registered"
	Suspended    bool   `json:"suspended"`
	// The next milestone: the open deadline due first.
	NextMilestone domain.Milestone `json:"next_milestone"`
	NextDue       domain.Date      `json:"next_due"`
	NextBaseline  domain.Date      `json:"next_baseline"`
	DaysLeft      int              `json:"days_left"` // until NextDue; 0 when late
	DaysLate      int              `json:"days_late"` // of NextDue; 0 when not late
	// The precisions of NextDue and NextBaseline when the plan gave a
	// month, quarter, half year or year (left out for a day).
	NextDuePrecision      domain.Precision `json:"next_due_precision,omitempty"`
	NextBaselinePrecision domain.Precision `json:"next_baseline_precision,omitempty"`
	// Light is the worst light over all open deadlines.
	Light           Light                   `json:"light"`
	OverdueCount    int                     `json:"overdue_count"`
	TotalInvestment int64                   `json:"total_investment_yuan"`
	InvestedToDate  int64                   `json:"invested_to_date_yuan"`
	InvestedShareBP int64                   `json:"invested_share_bp"` // of the total, in 1/100 %
	OpenIssues      int                     `json:"open_issues"`
	Flags           []domain.ComplianceFlag `json:"flags"`
	LastEventAt     time.Time               `json:"last_event_at"`
}

// Status returns the status table on o.AsOf: one row per project registered
// by then and not terminated, ordered by project id.
func Status(rows []*Row, o Options) []StatusRow {
	b := o.bands()
	var out []StatusRow
	for _, r := range rows {
		if !inTables(r, o.AsOf) {
			continue
		}
		s := StatusRow{
			Project: r.ID, Name: r.Name, Unit: r.Unit, Leader: r.Leader, Kind: r.Kind, Township: r.Township,
			Industry: r.Industry, NationalCode: r.NationalCode,
			Stage: stageOn(r, o.AsOf), Suspended: suspendedOn(r, o.AsOf), Light: LightGreen,
			TotalInvestment: r.TotalInvestment, InvestedToDate: investmentThrough(r, o.AsOf),
			OpenIssues: openIssues(r, o.AsOf), Flags: flagsOrEmpty(flagsOn(r, o.AsOf)), LastEventAt: r.LastRecordedAt,
		}
		s.InvestedShareBP = basisPoints(s.InvestedToDate, s.TotalInvestment)
		open := openDeadlines(r, o.AsOf)
		if len(open) > 0 {
			next := open[0]
			s.NextMilestone, s.NextDue, s.NextBaseline = next.deadline.Milestone, next.deadline.Due, next.deadline.Baseline
			s.NextDuePrecision, s.NextBaselinePrecision = next.deadline.Precision, next.deadline.BaselinePrecision
			s.DaysLeft, s.DaysLate = next.daysLeft, next.daysLate
		}
		for _, d := range open {
			if d.daysLate > 0 {
				s.OverdueCount++
			}
			if l := b.lightFor(d.daysLate, d.daysLeft); l.Rank() > s.Light.Rank() {
				s.Light = l
			}
		}
		if s.Suspended {
			s.Light = LightSuspended
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b StatusRow) int { return cmp.Compare(a.Project, b.Project) })
	return out
}

func openIssues(r *Row, asOf domain.Date) int {
	n := 0
	for _, is := range r.Issues {
		if is.RaisedOn <= asOf && (is.ResolvedOn.IsZero() || is.ResolvedOn > asOf) {
			n++
		}
	}
	return n
}

// flagsOn returns the compliance flags on asOf. Every flag is raised by the
// start, so a start dated after asOf has raised none yet.
func flagsOn(r *Row, asOf domain.Date) []domain.ComplianceFlag {
	if on, ok := r.Steps[domain.Started]; !ok || on > asOf {
		return nil
	}
	return r.Flags
}

// flagsOrEmpty keeps JSON output stable: an empty list, never null.
func flagsOrEmpty(f []domain.ComplianceFlag) []domain.ComplianceFlag {
	if f == nil {
		return []domain.ComplianceFlag{}
	}
	return f
}
