package projections

import (
	"context"
	"errors"
	"time"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
)

// Cut chooses which events an auditor's view counts, on two axes: what the
// ledger knew (events recorded up to Recorded) and what had happened
// (events that occurred on or before Occurred). A zero field does not cut.
// A correction (facts_corrected, record_corrected) says what was true all
// along, whatever day it was made: only the Recorded axis cuts it, and the
// dates it carries decide what a report on a business date sees.
type Cut struct {
	Recorded time.Time
	Occurred domain.Date
}

// Includes reports whether event e is inside the cut.
func (c Cut) Includes(e domain.Event) bool {
	if !c.Recorded.IsZero() && e.RecordedAt.After(c.Recorded) {
		return false
	}
	if !c.Occurred.IsZero() && e.OccurredOn > c.Occurred {
		return e.Type == domain.FactsCorrected || e.Type == domain.RecordCorrected
	}
	return true
}

// IsZero reports whether the cut keeps every event.
func (c Cut) IsZero() bool { return c.Recorded.IsZero() && c.Occurred.IsZero() }

// RowsAsOf folds the whole stream into rows again, counting only the
// events inside cut: the projection as it stood (or would have stood) then.
// Messages that are not readable ledger events, or off their project's
// hash chain, are skipped, as by the runner.
func RowsAsOf(ctx context.Context, store *eventstore.Store, cut Cut) ([]*Row, error) {
	rows := map[domain.ProjectID]*Row{}
	var order []domain.ProjectID
	for rec, err := range store.Read(ctx, 1) {
		if errors.Is(err, eventstore.ErrUndecodable) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !cut.Includes(rec.Event) {
			continue
		}
		r := rows[rec.Project]
		if r == nil {
			r = NewRow(rec.Project)
			rows[rec.Project] = r
			order = append(order, rec.Project)
		}
		r.Apply(rec.Sequence, rec.Event)
	}
	out := make([]*Row, 0, len(order))
	for _, p := range order {
		out = append(out, rows[p])
	}
	return out, nil
}
