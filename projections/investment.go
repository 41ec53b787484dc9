package projections

import (
	"cmp"
	"slices"

	"github.com/keyprojects/ledger/domain"
)

// Investment reported for a month is the figure last reported for it: a
// second report for the same month corrects the first (the domain demands a
// reason), it is never added to it. That is how a month counted twice by
// mistake is fixed without doubling the totals.

// InvestmentRow is one project's investment completed in one month (投资
// 完成额), with its year to date against the year's plan.
type InvestmentRow struct {
	Project    domain.ProjectID `json:"project"`
	Name       string           `json:"name"`
	Unit       string           `json:"unit"`
	Month      domain.Month     `json:"month"`
	Amount     int64            `json:"amount_yuan"`
	YearToDate int64            `json:"year_to_date_yuan"` // this and earlier months of the year
	AnnualPlan int64            `json:"annual_plan_yuan"`  // 0 when no plan is set
	PlanBP     int64            `json:"plan_share_bp"`     // YearToDate of AnnualPlan, 1/100 %
}

// UnitInvestmentRow is one unit's investment in the year of the as-of date.
type UnitInvestmentRow struct {
	Unit       string `json:"unit"`
	Year       int    `json:"year"`
	Projects   int    `json:"projects"`
	YearToDate int64  `json:"year_to_date_yuan"`
	AnnualPlan int64  `json:"annual_plan_yuan"`
	PlanBP     int64  `json:"plan_share_bp"`
}

// Investment returns every month reported in the year of o.AsOf, up to its
// month, per project and month.
func Investment(rows []*Row, o Options) []InvestmentRow {
	year := o.AsOf.Year()
	var out []InvestmentRow
	for _, r := range rows {
		if !r.Registered || r.RegisteredOn > o.AsOf {
			continue
		}
		var months []domain.Month
		for m := range r.Investment {
			if m.FirstDay().Year() == year && m.FirstDay() <= o.AsOf {
				months = append(months, m)
			}
		}
		slices.Sort(months)
		var ytd int64
		plan := r.AnnualPlan[year]
		for _, m := range months {
			ytd += r.Investment[m]
			out = append(out, InvestmentRow{
				Project: r.ID, Name: r.Name, Unit: r.Unit, Month: m, Amount: r.Investment[m],
				YearToDate: ytd, AnnualPlan: plan, PlanBP: basisPoints(ytd, plan),
			})
		}
	}
	slices.SortFunc(out, func(a, b InvestmentRow) int {
		return cmp.Or(cmp.Compare(a.Project, b.Project), cmp.Compare(a.Month, b.Month))
	})
	return out
}

// InvestmentByUnit returns each unit's year to date and plan in the year of
// o.AsOf, by unit name. Terminated projects still count: money spent before
// a project was dropped was spent.
func InvestmentByUnit(rows []*Row, o Options) []UnitInvestmentRow {
	year := o.AsOf.Year()
	units := map[string]*UnitInvestmentRow{}
	for _, r := range rows {
		if !r.Registered || r.RegisteredOn > o.AsOf {
			continue
		}
		u := units[r.Unit]
		if u == nil {
			u = &UnitInvestmentRow{Unit: r.Unit, Year: year}
			units[r.Unit] = u
		}
		u.Projects++
		u.AnnualPlan += r.AnnualPlan[year]
		for m, v := range r.Investment {
			if d := m.FirstDay(); d.Year() == year && d <= o.AsOf {
				u.YearToDate += v
			}
		}
	}
	out := make([]UnitInvestmentRow, 0, len(units))
	for _, u := range units {
		u.PlanBP = basisPoints(u.YearToDate, u.AnnualPlan)
		out = append(out, *u)
	}
	slices.SortFunc(out, func(a, b UnitInvestmentRow) int { return cmp.Compare(a.Unit, b.Unit) })
	return out
}
