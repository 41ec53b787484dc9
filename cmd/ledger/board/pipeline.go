package board

import (
	"fmt"
	"net/http"

	"github.com/keyprojects/ledger/projections/query"
	"github.com/keyprojects/ledger/projections/report"
)

// The pipeline before the plan: the reserve pool (储备库) and the upward
// applications (争取), each a page of the report tables the CLI prints,
// with the same downloads.

// county refuses the pipeline's pages to a unit's reporter: the reserve
// and the applications are the county's (404, as for another unit).
func county(r *http.Request) error {
	if whoOf(r).Scoped() {
		return fmt.Errorf("%w: %s", errNotFound, r.URL.Path)
	}
	return nil
}

func (s *Server) reserveTables(r *http.Request, p params) ([]report.Table, uint64, error) {
	if err := county(r); err != nil {
		return nil, 0, err
	}
	res, err := s.qs.Reserve(r.Context(), query.ReserveQuery{Report: p.report})
	if err != nil {
		return nil, 0, err
	}
	return report.ReserveTables(res.Value), res.Behind, nil
}

func (s *Server) applicationTables(r *http.Request, p params) ([]report.Table, uint64, error) {
	if err := county(r); err != nil {
		return nil, 0, err
	}
	res, err := s.qs.Applications(r.Context(), query.ApplicationsQuery{Report: p.report})
	if err != nil {
		return nil, 0, err
	}
	return report.ApplicationTables(res.Value), res.Behind, nil
}

func (s *Server) reserve(r *http.Request, p params, v *view) error {
	return s.tablesPage(s.reserveTables, "/reserve", false)(r, p, v)
}

func (s *Server) applications(r *http.Request, p params, v *view) error {
	return s.tablesPage(s.applicationTables, "/applications", false)(r, p, v)
}
