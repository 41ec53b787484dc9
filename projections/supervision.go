package projections

import (
	"cmp"
	"slices"

	"github.com/keyprojects/ledger/domain"
)

// SupervisionRow is one item of the supervision ledger (挂账督办): raised,
// and closed (销号) or still open, on a date.
type SupervisionRow struct {
	Project    domain.ProjectID `json:"project"`
	Name       string           `json:"name"`
	Unit       string           `json:"unit"`
	IssueID    string           `json:"issue_id"`
	Title      string           `json:"title"`
	RaisedOn   domain.Date      `json:"raised_on"`
	RaisedBy   string           `json:"raised_by"`
	Open       bool             `json:"open"`
	DaysOpen   int              `json:"days_open"` // until closed, or until the as-of date
	ClosedOn   domain.Date      `json:"closed_on"`
	ClosedBy   string           `json:"closed_by"`
	Resolution string           `json:"resolution"`
}

// Supervision returns every issue raised by o.AsOf, open ones first, then
// by raise date and project. An issue closed after the as-of date shows as
// open.
func Supervision(rows []*Row, o Options) []SupervisionRow {
	var out []SupervisionRow
	for _, r := range rows {
		for _, is := range r.Issues {
			if is.RaisedOn > o.AsOf {
				continue
			}
			s := SupervisionRow{Project: r.ID, Name: r.Name, Unit: r.Unit, IssueID: is.ID, Title: is.Title,
				RaisedOn: is.RaisedOn, RaisedBy: is.RaisedBy, Open: is.ResolvedOn.IsZero() || is.ResolvedOn > o.AsOf}
			if s.Open {
				s.DaysOpen = o.AsOf.DaysSince(is.RaisedOn)
			} else {
				s.DaysOpen = is.ResolvedOn.DaysSince(is.RaisedOn)
				s.ClosedOn, s.ClosedBy, s.Resolution = is.ResolvedOn, is.ResolvedBy, is.Resolution
			}
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b SupervisionRow) int {
		open := func(s SupervisionRow) int {
			if s.Open {
				return 0
			}
			return 1
		}
		return cmp.Or(cmp.Compare(open(a), open(b)), cmp.Compare(a.RaisedOn, b.RaisedOn),
			cmp.Compare(a.Project, b.Project), cmp.Compare(a.IssueID, b.IssueID))
	})
	return out
}
