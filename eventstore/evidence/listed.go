package evidence

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
)

// Listed returns the files of evidence the evidence_attached events of
// project p list (of every project when p is ""), in stream order. It
// reads those events only, through an ordered consumer on their subject;
// a message that does not decode is left out (verify names it).
func Listed(ctx context.Context, store *eventstore.Store, p domain.ProjectID) ([]Ref, error) {
	project := p
	if project == "" {
		project = "*"
	}
	filter := store.Subject(project, domain.EvidenceAttached)
	cons, err := store.JetStream().OrderedConsumer(ctx, store.StreamName(), jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{filter}, DeliverPolicy: jetstream.DeliverAllPolicy,
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", filter, err)
	}
	var events []domain.Event
	for {
		batch, err := cons.FetchNoWait(256)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", filter, err)
		}
		n := 0
		for m := range batch.Messages() {
			n++
			if e, err := store.Codec().Decode(m.Data()); err == nil {
				events = append(events, e)
			}
		}
		if err := batch.Error(); err != nil {
			return nil, fmt.Errorf("read %s: %w", filter, err)
		}
		if n == 0 {
			break
		}
	}
	return RefsOf(events), nil
}
