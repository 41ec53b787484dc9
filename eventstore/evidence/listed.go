package evidence

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/synadia-io/orbit.go/jetstreamext"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
)

// listBatch is how many evidence_attached events one direct get asks for.
const listBatch = 256

// listTimeout bounds one batched direct get.
const listTimeout = 10 * time.Second

// Listed returns the files of evidence the evidence_attached events of
// project p list (of every project when p is ""), in stream order. It
// reads those events only, with batched direct gets on their subject (no
// consumer, so any role that reads histories may call it); a message that
// does not decode is left out (verify names it).
func Listed(ctx context.Context, store *eventstore.Store, p domain.ProjectID) ([]Ref, error) {
	project := p
	if project == "" {
		project = "*"
	}
	filter := store.Subject(project, domain.EvidenceAttached)
	last, err := store.LastSequence(ctx)
	if err != nil || last == 0 {
		return nil, err
	}
	var events []domain.Event
	for next := uint64(1); next <= last; {
		batch, err := eventstore.DirectGet(ctx, listTimeout, func(ctx context.Context) (iter.Seq2[*jetstream.RawStreamMsg, error], error) {
			return jetstreamext.GetBatch(ctx, store.JetStream(), store.StreamName(), listBatch,
				jetstreamext.GetBatchSeq(next), jetstreamext.GetBatchSubject(filter))
		})
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", filter, err)
		}
		for _, m := range batch {
			next = m.Sequence + 1
			if m.Sequence > last {
				break // stored after the read began
			}
			if e, err := store.Codec().Decode(m.Data); err == nil {
				events = append(events, e)
			}
		}
		if !eventstore.MorePending(batch) {
			break
		}
	}
	return RefsOf(events), nil
}
