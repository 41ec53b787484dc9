package query

import (
	"context"

	"github.com/keyprojects/ledger/projections"
)

// Reserve returns the reserve pool (项目储备库) as of the cut: its
// projects by stage, proposing body and industry, each body's conversion
// rate and the years of new starts the pool holds.
func (s *Service) Reserve(ctx context.Context, q Report) (Result[projections.Reserve], error) {
	rows, o, behind, err := s.prepare(ctx, &q, false)
	if err != nil {
		return Result[projections.Reserve]{}, err
	}
	return Result[projections.Reserve]{Value: projections.ReserveOn(rows, o), Behind: behind}, nil
}

// Applications returns the upward applications (争取) as of the cut: what
// was asked, granted and had arrived, by level and programme.
func (s *Service) Applications(ctx context.Context, q Report) (Result[projections.Applications], error) {
	rows, o, behind, err := s.prepare(ctx, &q, false)
	if err != nil {
		return Result[projections.Applications]{}, err
	}
	return Result[projections.Applications]{Value: projections.ApplicationsOn(rows, o), Behind: behind}, nil
}
