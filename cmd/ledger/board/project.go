package board

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/projections"
	"github.com/keyprojects/ledger/projections/query"
)

// projectData is the project card.
type projectData struct {
	P        domain.Project
	Leaders  []projections.LeaderAudit
	Audits   []projections.DeadlineAudit
	Gantt    template.HTML
	History  []historyRow
	Issues   []*domain.Issue
	Progress []progressRow
	Evidence []evidenceRow
	Requests []request
	Forms    cardForms
}

type historyRow struct {
	Seq      uint64
	Type     string
	On       domain.Date
	At       string
	Actor    string
	Summary  string
	Hash     string
	Linked   bool
	Corrects bool
}

type progressRow struct {
	Month domain.Month
	Text  string
}

func (s *Server) project(r *http.Request, p params, v *view) error {
	id, err := domain.ParseProjectID(r.PathValue("id"))
	if err != nil {
		return fmt.Errorf("%w: %v", errNotFound, err)
	}
	return s.projectWith(r, p, v, id, cardForms{})
}

// projectWith fills the card of id, its forms showing forms.
func (s *Server) projectWith(r *http.Request, p params, v *view, id domain.ProjectID, forms cardForms) error {
	ctx := r.Context()
	if id.IsNationalCode() {
		if found, err := s.qs.FindProject(ctx, id); err == nil {
			id = found
		}
	}
	cut, asOf := s.qs.Resolve(p.report.Cut)
	h, err := s.qs.History(ctx, query.HistoryQuery{Project: id, Events: cut})
	if err != nil {
		var none *query.NoEventsError
		if errors.As(err, &none) {
			return fmt.Errorf("%w: %v", errNotFound, err)
		}
		return err
	}
	pr := h.Value.State
	if !v.Who.Sees(pr.Unit) {
		// Another unit's project is not there for a unit reporter.
		return fmt.Errorf("%w: %s", errNotFound, id)
	}
	d := projectData{P: pr, Leaders: projections.LeaderAudits(&pr), Audits: projections.DeadlineAudits(&pr, asOf)}
	d.Gantt = gantt(d.Audits, asOf, p.lang)
	var prev []byte
	for i, rec := range h.Value.Records {
		d.History = append(d.History, historyRow{
			Seq: rec.Sequence, Type: string(rec.Type), On: rec.OccurredOn, At: rec.RecordedAt.In(zone).Format("2006-01-02 15:04"),
			Actor: rec.Actor, Summary: domain.Describe(rec.Event), Hash: hex.EncodeToString(rec.Hash)[:12],
			Linked:   i == 0 || bytes.Equal(rec.PrevHash, prev),
			Corrects: rec.Type == domain.FactsCorrected || rec.Type == domain.RecordCorrected,
		})
		prev = rec.Hash
	}
	for _, is := range pr.Issues {
		d.Issues = append(d.Issues, is)
	}
	slices.SortFunc(d.Issues, func(a, b *domain.Issue) int { return int(a.RaisedOn) - int(b.RaisedOn) })
	for m, t := range pr.Progress {
		d.Progress = append(d.Progress, progressRow{m, t})
	}
	slices.SortFunc(d.Progress, func(a, b progressRow) int { return -cmpMonth(a.Month, b.Month) })
	d.Evidence, d.Requests = evidenceRows(pr), requests(pr)
	if d.Forms, err = s.newCardForms(r, pr, forms); err != nil {
		return err
	}
	v.Title = string(pr.ID) + " " + pr.Name
	v.Data = d
	return nil
}

func cmpMonth(a, b domain.Month) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
