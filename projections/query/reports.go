package query

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/keyprojects/ledger/projections"
)

// Report is what every read model is asked for: the cut, the filter and
// the traffic-light bands (zero: projections.DefaultBands).
type Report struct {
	Cut    Cut
	Filter Filter
	Bands  projections.Bands
}

// prepare validates q, replacing Chinese names in its filter by codes,
// reads the rows to report on (through the unit index
// when unitIndex is set and q names a unit) and refuses names the ledger
// does not know.
func (s *Service) prepare(ctx context.Context, q *Report, unitIndex bool) ([]*projections.Row, projections.Options, uint64, error) {
	var err error
	if q.Filter, err = q.Filter.Canonical(); err != nil {
		return nil, projections.Options{}, 0, err
	}
	if q.Bands != (projections.Bands{}) {
		if err := q.Bands.Validate(); err != nil {
			return nil, projections.Options{}, 0, err
		}
	}
	cut, asOf := s.Resolve(q.Cut)
	unit := ""
	if unitIndex {
		unit = q.Filter.Unit
	}
	rows, behind, err := s.rows(ctx, cut, unit)
	if err != nil {
		return nil, projections.Options{}, 0, err
	}
	if err := s.checkNames(ctx, q.Filter, rows, cut); err != nil {
		return nil, projections.Options{}, 0, err
	}
	return q.Filter.projects(rows), projections.Options{AsOf: asOf, Bands: q.Bands}, behind, nil
}

// StatusOrder names an order of the status table.
type StatusOrder string

// The status table's orders.
const (
	// ByProject: by project id, as projections.Status returns them.
	ByProject StatusOrder = "project"
	// ByLight: worst light first, then most days late, then project.
	ByLight StatusOrder = "light"
	// ByLate: most days late first, then project.
	ByLate StatusOrder = "late"
	// ByUnit: by unit, then project.
	ByUnit StatusOrder = "unit"
)

// ParseStatusOrder checks that s names a status order; it returns an error
// matching ErrBadOrder if not.
func ParseStatusOrder(s string) (StatusOrder, error) {
	for _, o := range []StatusOrder{ByProject, ByLight, ByLate, ByUnit} {
		if string(o) == s {
			return o, nil
		}
	}
	return "", fmt.Errorf("%w %q: expected project, light, late or unit", ErrBadOrder, s)
}

// StatusQuery asks for the status table in an order (zero: ByProject).
type StatusQuery struct {
	Report
	Order StatusOrder
}

// Status returns the status table: one row per project, narrowed by every
// field of the filter.
func (s *Service) Status(ctx context.Context, q StatusQuery) (Result[[]projections.StatusRow], error) {
	order := cmp.Or(q.Order, ByProject)
	if _, err := ParseStatusOrder(string(order)); err != nil {
		return Result[[]projections.StatusRow]{}, err
	}
	rows, o, behind, err := s.prepare(ctx, &q.Report, true)
	if err != nil {
		return Result[[]projections.StatusRow]{}, err
	}
	st := q.Filter.status(projections.Status(rows, o))
	sortStatus(st, order)
	return Result[[]projections.StatusRow]{Value: st, Behind: behind}, nil
}

func sortStatus(rows []projections.StatusRow, by StatusOrder) {
	var f func(a, b projections.StatusRow) int
	switch by {
	case ByLight:
		f = func(a, b projections.StatusRow) int {
			return cmp.Or(cmp.Compare(b.Light.Rank(), a.Light.Rank()), cmp.Compare(b.DaysLate, a.DaysLate), cmp.Compare(a.Project, b.Project))
		}
	case ByLate:
		f = func(a, b projections.StatusRow) int {
			return cmp.Or(cmp.Compare(b.DaysLate, a.DaysLate), cmp.Compare(a.Project, b.Project))
		}
	case ByUnit:
		f = func(a, b projections.StatusRow) int {
			return cmp.Or(cmp.Compare(a.Unit, b.Unit), cmp.Compare(a.Project, b.Project))
		}
	default:
		return
	}
	slices.SortStableFunc(rows, f)
}

// Overdue returns the overdue list, most days late first, narrowed by
// unit, leader (then or now), light and township.
func (s *Service) Overdue(ctx context.Context, q Report) (Result[[]projections.OverdueRow], error) {
	rows, o, behind, err := s.prepare(ctx, &q, true)
	if err != nil {
		return Result[[]projections.OverdueRow]{}, err
	}
	return Result[[]projections.OverdueRow]{Value: q.Filter.overdue(projections.Overdue(rows, o)), Behind: behind}, nil
}

// ScoreBy says which scoreboard rows to return.
type ScoreBy string

// The scoreboard's row kinds.
const (
	ScoreUnits   ScoreBy = "unit"
	ScoreLeaders ScoreBy = "leader"
	ScoreBoth    ScoreBy = "both"
)

// ScoreboardQuery asks for the scoreboard: units, leaders or both (zero:
// both), each sorted by Order (zero: projections.SortWorst).
type ScoreboardQuery struct {
	Report
	By    ScoreBy
	Order projections.ScoreSort
}

// Scoreboard returns the units' rows, then the leaders', each in the order
// asked for, narrowed by unit (the units' rows), leader (the leaders'
// rows) and township.
func (s *Service) Scoreboard(ctx context.Context, q ScoreboardQuery) (Result[[]projections.ScoreRow], error) {
	by := cmp.Or(q.By, ScoreBoth)
	if by != ScoreUnits && by != ScoreLeaders && by != ScoreBoth {
		return Result[[]projections.ScoreRow]{}, &BadFilterError{Field: "by", Value: string(by), Allowed: []string{"unit", "leader", "both"}}
	}
	order, err := projections.ParseScoreSort(string(cmp.Or(q.Order, projections.SortWorst)))
	if err != nil {
		return Result[[]projections.ScoreRow]{}, fmt.Errorf("%w: %w", ErrBadOrder, err)
	}
	rows, o, behind, err := s.prepare(ctx, &q.Report, false)
	if err != nil {
		return Result[[]projections.ScoreRow]{}, err
	}
	var units, leaders []projections.ScoreRow
	for _, sc := range q.Filter.scores(projections.Scoreboard(rows, o)) {
		if sc.By == "unit" {
			units = append(units, sc)
		} else {
			leaders = append(leaders, sc)
		}
	}
	projections.SortScores(units, order)
	projections.SortScores(leaders, order)
	var out []projections.ScoreRow
	if by != ScoreLeaders {
		out = append(out, units...)
	}
	if by != ScoreUnits {
		out = append(out, leaders...)
	}
	return Result[[]projections.ScoreRow]{Value: out, Behind: behind}, nil
}

// Investment returns investment per project and month against the annual
// plan, narrowed by unit and township.
func (s *Service) Investment(ctx context.Context, q Report) (Result[[]projections.InvestmentRow], error) {
	rows, o, behind, err := s.prepare(ctx, &q, true)
	if err != nil {
		return Result[[]projections.InvestmentRow]{}, err
	}
	return Result[[]projections.InvestmentRow]{Value: q.Filter.investment(projections.Investment(rows, o)), Behind: behind}, nil
}

// InvestmentByUnit returns investment totals per unit, narrowed by unit
// and township.
func (s *Service) InvestmentByUnit(ctx context.Context, q Report) (Result[[]projections.UnitInvestmentRow], error) {
	rows, o, behind, err := s.prepare(ctx, &q, true)
	if err != nil {
		return Result[[]projections.UnitInvestmentRow]{}, err
	}
	return Result[[]projections.UnitInvestmentRow]{Value: q.Filter.unitInvestment(projections.InvestmentByUnit(rows, o)), Behind: behind}, nil
}

// SupervisionQuery asks for the supervision ledger; OpenOnly keeps the
// issues still open.
type SupervisionQuery struct {
	Report
	OpenOnly bool
}

// Supervision returns the supervision ledger (挂账督办), narrowed by unit and
// township.
func (s *Service) Supervision(ctx context.Context, q SupervisionQuery) (Result[[]projections.SupervisionRow], error) {
	rows, o, behind, err := s.prepare(ctx, &q.Report, true)
	if err != nil {
		return Result[[]projections.SupervisionRow]{}, err
	}
	sv := q.Filter.supervision(projections.Supervision(rows, o))
	if q.OpenOnly {
		sv = slices.DeleteFunc(sv, func(r projections.SupervisionRow) bool { return !r.Open })
	}
	return Result[[]projections.SupervisionRow]{Value: sv, Behind: behind}, nil
}

// BulletinQuery asks for the bulletin of the period (zero: a month)
// containing the cut's business date.
type BulletinQuery struct {
	Report
	Period projections.Period
}

// Bulletin returns the bulletin for the period, of the projects of the
// unit and township asked for.
func (s *Service) Bulletin(ctx context.Context, q BulletinQuery) (Result[projections.Bulletin], error) {
	p, err := projections.ParsePeriod(string(cmp.Or(q.Period, projections.Month)))
	if err != nil {
		return Result[projections.Bulletin]{}, fmt.Errorf("bulletin: %w", err)
	}
	rows, o, behind, err := s.prepare(ctx, &q.Report, true)
	if err != nil {
		return Result[projections.Bulletin]{}, err
	}
	if q.Filter.Unit != "" {
		rows = slices.DeleteFunc(slices.Clone(rows), func(r *projections.Row) bool { return r.Unit != q.Filter.Unit })
	}
	return Result[projections.Bulletin]{Value: projections.MakeBulletin(rows, p, o), Behind: behind}, nil
}

// Workbook is every read model at once, each narrowed as its own method
// narrows it: what a workbook with one sheet per read model holds.
type Workbook struct {
	Status         []projections.StatusRow
	Overdue        []projections.OverdueRow
	Scoreboard     []projections.ScoreRow
	Investment     []projections.InvestmentRow
	UnitInvestment []projections.UnitInvestmentRow
	Supervision    []projections.SupervisionRow
}

// Workbook returns every read model from one read of the rows: the status
// table by project, the scoreboard as projections.Scoreboard orders it.
func (s *Service) Workbook(ctx context.Context, q Report) (Result[Workbook], error) {
	rows, o, behind, err := s.prepare(ctx, &q, false)
	if err != nil {
		return Result[Workbook]{}, err
	}
	f := q.Filter
	return Result[Workbook]{Value: Workbook{
		Status:         f.status(projections.Status(rows, o)),
		Overdue:        f.overdue(projections.Overdue(rows, o)),
		Scoreboard:     f.scores(projections.Scoreboard(rows, o)),
		Investment:     f.investment(projections.Investment(rows, o)),
		UnitInvestment: f.unitInvestment(projections.InvestmentByUnit(rows, o)),
		Supervision:    f.supervision(projections.Supervision(rows, o)),
	}, Behind: behind}, nil
}
