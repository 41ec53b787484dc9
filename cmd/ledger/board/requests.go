package board

import (
	"context"
	"fmt"
	"slices"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/keyprojects/ledger/domain"
)

// waitingRequest is a new deadline a unit asked for that waits for the
// office, as the 督查 page lists it with a link to the card that decides.
type waitingRequest struct {
	Project domain.ProjectID
	Name    string
	Unit    string
	request
}

// waitingRequests lists the requests for new deadlines still waiting:
// the projects are found by their revision_requested events (read alone,
// on their subject), and each request is read from its project's state,
// which says whether it still waits.
func (s *Server) waitingRequests(ctx context.Context, see func(unit string) bool) ([]waitingRequest, error) {
	if s.store == nil {
		return nil, nil
	}
	filter := s.store.Subject("*", domain.RevisionRequested)
	cons, err := s.store.JetStream().OrderedConsumer(ctx, s.store.StreamName(), jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{filter}, DeliverPolicy: jetstream.DeliverAllPolicy,
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", filter, err)
	}
	var projects []domain.ProjectID
	for {
		batch, err := cons.FetchNoWait(256)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", filter, err)
		}
		n := 0
		for m := range batch.Messages() {
			n++
			if e, err := s.store.Codec().Decode(m.Data()); err == nil && !slices.Contains(projects, e.Project) {
				projects = append(projects, e.Project)
			}
		}
		if err := batch.Error(); err != nil {
			return nil, fmt.Errorf("read %s: %w", filter, err)
		}
		if n == 0 {
			break
		}
	}
	slices.Sort(projects)
	var out []waitingRequest
	for _, id := range projects {
		res, err := s.qs.Project(ctx, id)
		if err != nil {
			return nil, err
		}
		pr := res.Value
		if !see(pr.Unit) {
			continue
		}
		for _, q := range requests(pr) {
			out = append(out, waitingRequest{Project: pr.ID, Name: pr.Name, Unit: pr.Unit, request: q})
		}
	}
	return out, nil
}
