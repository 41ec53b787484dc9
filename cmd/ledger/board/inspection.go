package board

import (
	"net/http"
	"time"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/projections/query"
	"github.com/keyprojects/ledger/projections/report"
)

// inspection is the 督查 page: the deadlines missed and still open, and
// the supervision items not closed, for the inspection office to chase.
func (s *Server) inspection(r *http.Request, p params, v *view) error {
	ctx := r.Context()
	od, err := s.qs.Overdue(ctx, p.report)
	if err != nil {
		return err
	}
	sv, err := s.qs.Supervision(ctx, query.SupervisionQuery{Report: p.report, OpenOnly: true})
	if err != nil {
		return err
	}
	if v.Filters, err = s.filters(r, p, "unit", "township"); err != nil {
		return err
	}
	v.Behind = max(od.Behind, sv.Behind)
	v.Data = tablePage{Tables: []tableView{
		tableOf(report.OverdueTable(od.Value), p.lang, p, 0),
		tableOf(report.SupervisionTable(sv.Value), p.lang, p, 0),
	}}
	return nil
}

// auditData is the 审计 page: the hash chain checked, of the whole ledger
// or of one project, on request.
type auditData struct {
	Project string
	Ran     bool
	Took    string
	Result  eventstore.Verification
}

// audit verifies the chain when asked (?run=1), the whole stream or
// ?project=ID: it reads every event, so it is a button, not a page load.
func (s *Server) audit(r *http.Request, p params, v *view) error {
	d := auditData{Project: r.URL.Query().Get("project")}
	v.Data = d
	if r.URL.Query().Get("run") == "" {
		return nil
	}
	if s.store == nil {
		return &badParam{"run", "1", "a board served by ledger serve, which holds the stream"}
	}
	var id domain.ProjectID
	if d.Project != "" {
		var err error
		if id, err = domain.ParseProjectID(d.Project); err != nil {
			return &badParam{"project", d.Project, "项目代码"}
		}
	}
	start := time.Now()
	res, err := s.store.Verify(r.Context(), id)
	if err != nil {
		return err
	}
	d.Ran, d.Result, d.Took = true, res, time.Since(start).Round(time.Millisecond).String()
	v.Data = d
	return nil
}
