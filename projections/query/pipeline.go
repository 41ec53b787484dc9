package query

import (
	"context"
	"slices"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
)

// ReserveQuery asks for the reserve pool, of one proposing body or one
// industry when they are set.
type ReserveQuery struct {
	Report
	Body     string
	Industry string
}

// Reserve returns the reserve pool (项目储备库) as of the cut: its
// projects by stage, proposing body and industry, each body's conversion
// rate and the years of new starts the pool holds. A body or industry
// that no reserve project has is refused with the closest ones
// (UnknownNameError).
func (s *Service) Reserve(ctx context.Context, q ReserveQuery) (Result[projections.Reserve], error) {
	rows, o, behind, err := s.prepare(ctx, &q.Report, false)
	if err != nil {
		return Result[projections.Reserve]{}, err
	}
	bodies, industries := map[string]bool{}, map[string]bool{}
	for _, r := range rows {
		if r.Reserve != nil {
			bodies[r.Reserve.ProposedBy] = true
			industries[r.Reserve.Industry] = true
		}
	}
	for _, f := range []struct {
		field, value string
		known        map[string]bool
	}{{"proposing body", q.Body, bodies}, {"industry", q.Industry, industries}} {
		if f.value != "" && !f.known[f.value] {
			return Result[projections.Reserve]{}, &UnknownNameError{Field: f.field, Value: f.value, Closest: closest(f.value, f.known, 3)}
		}
	}
	if q.Body != "" || q.Industry != "" {
		rows = slices.DeleteFunc(slices.Clone(rows), func(r *projections.Row) bool {
			return r.Reserve == nil || q.Body != "" && r.Reserve.ProposedBy != q.Body || q.Industry != "" && r.Reserve.Industry != q.Industry
		})
	}
	return Result[projections.Reserve]{Value: projections.ReserveOn(rows, o), Behind: behind}, nil
}

// ApplicationsQuery asks for the upward applications, to one level or of
// one programme when they are set.
type ApplicationsQuery struct {
	Report
	Level     domain.Level
	Programme string
}

// Applications returns the upward applications (争取) as of the cut: what
// was asked, granted and had arrived, by level and programme. A programme
// no application names is refused with the closest ones.
func (s *Service) Applications(ctx context.Context, q ApplicationsQuery) (Result[projections.Applications], error) {
	rows, o, behind, err := s.prepare(ctx, &q.Report, false)
	if err != nil {
		return Result[projections.Applications]{}, err
	}
	if q.Programme != "" {
		known := map[string]bool{}
		for _, r := range rows {
			for _, a := range r.Applications {
				known[a.Programme] = true
			}
		}
		if !known[q.Programme] {
			return Result[projections.Applications]{}, &UnknownNameError{Field: "programme", Value: q.Programme, Closest: closest(q.Programme, known, 3)}
		}
	}
	keep := func(a *domain.Application) bool {
		return (q.Level == "" || a.Level == q.Level) && (q.Programme == "" || a.Programme == q.Programme)
	}
	return Result[projections.Applications]{Value: projections.ApplicationsWhere(rows, o, keep), Behind: behind}, nil
}
