package query

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/projections"
)

// ProjectView is a project's events inside a cut, in order, and its state
// folded from them.
type ProjectView struct {
	State   domain.Project
	Records []eventstore.Record
}

// HistoryQuery asks for a project's events inside Events (zero: all).
// Unlike a report's Cut, a business date here always cuts: the history
// holds only what had happened by Events.Occurred.
type HistoryQuery struct {
	Project domain.ProjectID
	Events  projections.Cut
}

// History returns the project's events inside the cut and its state folded
// from them; Result.Foreign names the messages on its subjects that are
// not ledger events. A project with no events there is a *NoEventsError.
func (s *Service) History(ctx context.Context, q HistoryQuery) (Result[ProjectView], error) {
	h, err := s.store.History(ctx, q.Project)
	if err != nil {
		return Result[ProjectView]{}, err
	}
	var kept []eventstore.Record
	for _, r := range h.Records {
		if q.Events.Includes(r.Event) {
			kept = append(kept, r)
		}
	}
	res := Result[ProjectView]{Foreign: h.Foreign}
	switch {
	case len(kept) == 0 && len(h.Records) > 0:
		return res, &NoEventsError{Project: q.Project, InCut: true}
	case len(kept) == 0:
		return res, s.noEvents(ctx, q.Project)
	}
	res.Value = ProjectView{State: domain.Fold(q.Project, events(kept)), Records: kept}
	return res, nil
}

func events(recs []eventstore.Record) []domain.Event {
	out := make([]domain.Event, len(recs))
	for i, r := range recs {
		out[i] = r.Event
	}
	return out
}

// Project returns the project's current state, for its card: folded from
// its history as Load reads it (asking the stream's leader for what a
// replica missed). A project with no events is a *NoEventsError.
func (s *Service) Project(ctx context.Context, id domain.ProjectID) (Result[domain.Project], error) {
	recs, _, err := s.store.Load(ctx, id)
	if err != nil {
		return Result[domain.Project]{}, err
	}
	if len(recs) == 0 {
		return Result[domain.Project]{}, s.noEvents(ctx, id)
	}
	return Result[domain.Project]{Value: domain.Fold(id, events(recs))}, nil
}

// FindProject returns key as a project id when a project has events
// under it, else the project whose national code (赋码) is key; a
// *NoEventsError when neither is found.
func (s *Service) FindProject(ctx context.Context, key domain.ProjectID) (domain.ProjectID, error) {
	recs, _, err := s.store.Load(ctx, key)
	if err != nil || len(recs) > 0 {
		return key, err
	}
	rows, _, err := s.rows(ctx, projections.Cut{}, "")
	if err != nil {
		return "", err
	}
	for _, r := range rows {
		if r.NationalCode != "" && strings.EqualFold(r.NationalCode, string(key)) {
			return r.ID, nil
		}
	}
	return "", s.noEvents(ctx, key)
}

// noEvents is the error for a project id nothing is recorded under,
// naming the ids and national codes nearest to it (without regard to
// case: "demo-1" finds DEMO-1).
func (s *Service) noEvents(ctx context.Context, id domain.ProjectID) error {
	e := &NoEventsError{Project: id}
	rows, _, err := s.rows(ctx, projections.Cut{}, "")
	if err != nil {
		return e
	}
	known := make(map[string]string, 2*len(rows))
	folded := make(map[string]bool, 2*len(rows))
	for _, r := range rows {
		for _, k := range []string{string(r.ID), r.NationalCode} {
			if k != "" {
				known[strings.ToUpper(k)] = k
				folded[strings.ToUpper(k)] = true
			}
		}
	}
	for _, c := range closest(strings.ToUpper(string(id)), folded, 3) {
		e.Closest = append(e.Closest, known[c])
	}
	return e
}

// DeadlinesQuery asks for a project's deadline histories at a cut.
type DeadlinesQuery struct {
	Project domain.ProjectID
	Cut     Cut
}

// Deadlines returns every planned milestone of the project with its
// revisions, misses and outcome on the cut's business date, as the events
// inside the cut tell them.
func (s *Service) Deadlines(ctx context.Context, q DeadlinesQuery) (Result[[]projections.DeadlineAudit], error) {
	cut, asOf := s.Resolve(q.Cut)
	h, err := s.History(ctx, HistoryQuery{Project: q.Project, Events: cut})
	if err != nil {
		return Result[[]projections.DeadlineAudit]{Foreign: h.Foreign}, err
	}
	return Result[[]projections.DeadlineAudit]{Value: projections.DeadlineAudits(&h.Value.State, asOf), Foreign: h.Foreign}, nil
}

// Leaders returns who answered for the project, and when.
func (s *Service) Leaders(ctx context.Context, id domain.ProjectID) (Result[[]projections.LeaderAudit], error) {
	h, err := s.History(ctx, HistoryQuery{Project: id})
	if err != nil {
		return Result[[]projections.LeaderAudit]{Foreign: h.Foreign}, err
	}
	return Result[[]projections.LeaderAudit]{Value: projections.LeaderAudits(&h.Value.State), Foreign: h.Foreign}, nil
}

// LateEntriesQuery asks for the events recorded more than MinDays days
// after the day they happened.
type LateEntriesQuery struct {
	MinDays int
}

// LateEntries returns the backdated entries of the whole stream, most days
// late first, each recording day read in its project's zone (the
// Service's zone for a project without one).
func (s *Service) LateEntries(ctx context.Context, q LateEntriesQuery) (Result[[]projections.LateEntry], error) {
	var recs []eventstore.Record
	zones := map[domain.ProjectID]*time.Location{}
	for r, err := range s.store.Read(ctx, 1) {
		if errors.Is(err, eventstore.ErrUndecodable) {
			continue
		}
		if err != nil {
			return Result[[]projections.LateEntry]{}, err
		}
		if d, ok := r.Data.(*domain.RegisteredData); ok {
			if loc, err := domain.LoadZone(d.TimeZone); err == nil {
				zones[r.Project] = loc
			}
		}
		recs = append(recs, r)
	}
	late := projections.LateEntries(recs, q.MinDays, func(p domain.ProjectID) *time.Location {
		if loc := zones[p]; loc != nil {
			return loc
		}
		return s.zone
	})
	return Result[[]projections.LateEntry]{Value: late}, nil
}
