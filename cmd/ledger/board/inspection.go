package board

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/projections/query"
	"github.com/keyprojects/ledger/projections/report"
)

// inspectionPage is the 督查 page's data: its tables, and for a reader who
// may raise and close items, the two forms.
type inspectionPage struct {
	tablePage
	Open []openIssue // the items the close form offers
	Form issueForm
	// Requests are the new deadlines units asked for, waiting for the
	// office, shown to the office (recorder, inspector).
	Requests []waitingRequest
	Decide   bool
}

// openIssue is one open supervision item, as the close form lists it.
type openIssue struct {
	Value, Label string
}

// inspection is the 督查 page: the deadlines missed and still open, and
// the supervision items not closed, for the inspection office to chase.
func (s *Server) inspection(r *http.Request, p params, v *view) error {
	return s.inspectionWith(r, p, v, issueForm{})
}

func (s *Server) inspectionWith(r *http.Request, p params, v *view, form issueForm) error {
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
	page := inspectionPage{tablePage: tablePage{Tables: []tableView{
		tableOf(report.OverdueTable(od.Value), p.lang, p, 0),
		tableOf(report.SupervisionTable(sv.Value), p.lang, p, 0),
	}}}
	if v.Who.May("issues") {
		if page.Requests, err = s.waitingRequests(ctx, func(unit string) bool {
			return p.report.Filter.Unit == "" || unit == p.report.Filter.Unit
		}); err != nil {
			return err
		}
		page.Decide = v.Who.MayDecide()
	}
	if v.Who.May("issues") && s.store != nil {
		for _, row := range sv.Value {
			page.Open = append(page.Open, openIssue{
				Value: string(row.Project) + "|" + row.IssueID,
				Label: string(row.Project) + " " + row.Name + " · " + row.Title,
			})
		}
		if form.Command == "" {
			id, err := randomToken()
			if err != nil {
				return err
			}
			form.Command = "board-" + id[:22]
		}
		if saved := r.URL.Query().Get("saved"); saved != "" && form.Error == "" {
			form.Saved = saved
		}
		page.Form = form
	}
	v.Data = page
	return nil
}

// auditData is the 审计 page: the hash chain checked, of the whole ledger
// or of one project, on request.
type auditData struct {
	Project   string
	Ran       bool
	MayVerify bool
	Took      string
	Result    eventstore.Verification
	Integrity integrity
}

// integrity is what the service's own checks say of the store now: the
// stream's settings against what the ledger wrote (drift), its state
// (damage: events gone), and how far the projections have applied it.
type integrity struct {
	Stream                  string
	Drift, Damage           []string
	Error                   string // the checks could not run
	Msgs, FirstSeq, LastSeq uint64
	Bytes                   uint64
	Replicas                int
	Storage                 string
	DenyDelete, DenyPurge   bool
	Applied, Behind         uint64
	Ahead                   bool // the projections applied more than the stream holds
}

// OK reports whether every check passed.
func (i integrity) OK() bool {
	return i.Error == "" && len(i.Drift) == 0 && len(i.Damage) == 0 && !i.Ahead
}

// checkIntegrity runs the checks `ledger serve` runs every few seconds.
func (s *Server) checkIntegrity(r *http.Request) integrity {
	ctx := r.Context()
	spec := s.store.Spec()
	in := integrity{Stream: spec.Name}
	err := eventstore.CheckStream(ctx, s.store.JetStream(), spec)
	var drift *eventstore.StreamSettingsError
	var damage *eventstore.StreamDamagedError
	switch {
	case errors.As(err, &drift):
		in.Drift = drift.Problems
	case errors.As(err, &damage):
		in.Damage = damage.Problems
	case err != nil:
		in.Error = err.Error()
		return in
	}
	st, err := s.store.JetStream().Stream(ctx, spec.Name)
	if err != nil {
		in.Error = err.Error()
		return in
	}
	info := st.CachedInfo()
	in.Msgs, in.FirstSeq, in.LastSeq, in.Bytes = info.State.Msgs, info.State.FirstSeq, info.State.LastSeq, info.State.Bytes
	in.Replicas, in.Storage = info.Config.Replicas, info.Config.Storage.String()
	in.DenyDelete, in.DenyPurge = info.Config.DenyDelete, info.Config.DenyPurge
	if pr, err := s.qs.Progress(ctx); err == nil {
		in.Applied = pr.Checkpoint.LastSeq
		in.Ahead = pr.Checkpoint.LastSeq > in.LastSeq
		if !in.Ahead {
			in.Behind = in.LastSeq - pr.Checkpoint.LastSeq
		}
	}
	return in
}

// audit verifies the chain when asked (?run=1), the whole stream or
// ?project=ID: it reads every event, so it is a button, not a page load.
func (s *Server) audit(r *http.Request, p params, v *view) error {
	d := auditData{Project: r.URL.Query().Get("project"), MayVerify: v.Who.May("verify") && s.store != nil}
	if s.store != nil {
		d.Integrity = s.checkIntegrity(r)
	}
	v.Data = d
	if r.URL.Query().Get("run") == "" {
		return nil
	}
	if s.store == nil {
		return &badParam{"run", "1", "a board served by ledger serve, which holds the stream"}
	}
	if !d.MayVerify {
		return &forbiddenError{fmt.Sprintf(word(p.lang, "cannot_verify"), roleName(p.lang, v.Who.Role()))}
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
