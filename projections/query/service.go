package query

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/projections"
)

// Service answers the ledger's reports from one store. It is safe for
// concurrent use as far as the store is.
type Service struct {
	store    *eventstore.Store
	runner   *projections.Runner
	clock    domain.Clock
	zone     *time.Location
	catchUp  bool
	noStream bool
	reader   string
	wait     time.Duration
}

// New returns a Service reading store, configured by opts.
func New(store *eventstore.Store, opts ...Option) *Service {
	s := &Service{store: store, runner: projections.NewRunner(store), clock: store.Clock(), wait: DefaultWait}
	if loc, err := domain.LoadZone(""); err == nil {
		s.zone = loc
	}
	for _, o := range opts {
		o(s)
	}
	if s.zone == nil {
		s.zone = time.UTC
	}
	return s
}

// Result is an answer and what the reader may want to be told about it.
type Result[T any] struct {
	Value T
	// Behind is how many stream messages the stored projections the answer
	// was read from had not yet applied, after waiting for the runner;
	// zero for an answer folded from the stream itself.
	Behind uint64
	// Foreign are the stream sequences of messages on a project's
	// subjects that are not ledger events, left out of its history.
	Foreign []uint64
}

// Cut is the moment a report is made for, on two axes.
type Cut struct {
	// AsOf is the business date days late and lights are computed for; a
	// date before today counts only what had happened by then. Zero: today,
	// or the day of Recorded when that is set.
	AsOf domain.Date
	// Recorded counts only what the ledger had recorded by this time.
	// Zero: everything recorded.
	Recorded time.Time
}

// Today returns the business date now, in the Service's zone.
func (s *Service) Today() domain.Date { return domain.DateOf(s.clock.Now(), s.zone) }

// Resolve returns the events a report for c counts and the business date
// it reports on.
func (s *Service) Resolve(c Cut) (projections.Cut, domain.Date) {
	var cut projections.Cut
	today := s.Today()
	asOf := today
	if !c.Recorded.IsZero() {
		cut.Recorded = c.Recorded
		asOf = domain.DateOf(c.Recorded, s.zone)
	}
	if !c.AsOf.IsZero() {
		asOf = c.AsOf
		if c.AsOf < today {
			cut.Occurred = c.AsOf
		}
	}
	return cut, asOf
}

// rows returns the rows to report on: the stored projection rows (only
// unit's, when unit is set) and how far behind they are, or, for a cut
// in the past, the stream folded again up to the cut.
func (s *Service) rows(ctx context.Context, cut projections.Cut, unit string) ([]*projections.Row, uint64, error) {
	if !cut.IsZero() {
		if s.noStream {
			return nil, 0, &StreamUnreadableError{Stream: s.store.StreamName(), Reader: s.reader}
		}
		rows, err := projections.RowsAsOf(ctx, s.store, cut)
		return rows, 0, err
	}
	behind, err := s.current(ctx)
	if err != nil {
		return nil, 0, err
	}
	var snap projections.Snapshot
	if unit != "" {
		snap, err = s.runner.Storage().ReadUnit(ctx, unit)
	} else {
		snap, err = s.runner.Storage().Read(ctx)
	}
	return snap.Rows, behind, err
}

// current brings the stored projections as close to the stream's end as
// the Service may, and returns how far behind they still are.
func (s *Service) current(ctx context.Context) (uint64, error) {
	switch {
	case s.catchUp:
		if _, err := s.runner.CatchUp(ctx); err != nil {
			return 0, fmt.Errorf("bring projections up to date: %w", err)
		}
		return 0, nil
	case s.noStream:
		// The reader cannot see how far the stream has gone: the rows are
		// read as the server's runner last wrote them.
		return 0, nil
	}
	return WaitCaughtUp(ctx, s.runner, s.wait)
}

// allRows returns every project's row as it stands now, for the names a
// filter may match: the stored projections, or, with fromStream, the
// whole stream folded again.
func (s *Service) allRows(ctx context.Context, fromStream bool) ([]*projections.Row, error) {
	if fromStream {
		return projections.RowsAsOf(ctx, s.store, projections.Cut{})
	}
	snap, err := s.runner.Storage().Read(ctx)
	return snap.Rows, err
}

// waitPoll is how often WaitCaughtUp asks for the runner's progress.
const waitPoll = 50 * time.Millisecond

// WaitCaughtUp waits up to limit for r's projections to reach the stream's
// end and returns how far behind they still are. Projections not built
// yet (a server's runner may not have begun) are waited for too, and
// reported as projections.ErrNoProjections when the wait ends.
func WaitCaughtUp(ctx context.Context, r *projections.Runner, limit time.Duration) (uint64, error) {
	polls := int(limit / waitPoll)
	for i := 0; ; i++ {
		p, err := r.Progress(ctx)
		starting := errors.Is(err, projections.ErrNoProjections)
		if (err != nil && !starting) || (err == nil && p.Behind == 0) || i >= polls {
			return p.Behind, err
		}
		t := time.NewTimer(waitPoll)
		select {
		case <-ctx.Done():
			t.Stop()
			return p.Behind, ctx.Err()
		case <-t.C:
		}
	}
}

// ParseRecorded reads a recorded time as readers give it: a day, a
// wall-clock time in loc to the minute or the second ("2026-10-31 18:00",
// or "2026-10-31T18:00" as an HTML datetime input sends it), or RFC 3339;
// in the years a project's dates may have. A time given to the day, the
// minute or the second means the end of it: "18:00" holds what was
// recorded at 18:00:42. (Year 1 would also be the zero time, which means
// no cut at all.)
func ParseRecorded(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	t, err := time.Parse(time.RFC3339Nano, s)
	for _, f := range []struct {
		layout string
		span   time.Duration
	}{
		{"2006-01-02 15:04", time.Minute}, {"2006-01-02T15:04", time.Minute},
		{"2006-01-02 15:04:05", time.Second}, {"2006-01-02T15:04:05", time.Second},
	} {
		if err != nil {
			t, err = time.ParseInLocation(f.layout, s, loc)
			if err == nil {
				t = t.Add(f.span - time.Nanosecond)
			}
		}
	}
	if err != nil {
		d, derr := domain.ParseDate(s)
		if derr != nil {
			return time.Time{}, fmt.Errorf("%q is not a time; expected YYYY-MM-DD, 'YYYY-MM-DD HH:MM' (%s) or RFC 3339", s, loc)
		}
		t = d.End(loc).Add(-time.Nanosecond)
	}
	if y := t.In(loc).Year(); y < domain.MinYear || y > domain.MaxYear {
		return time.Time{}, fmt.Errorf("%q is not a plausible time; expected a year from %d to %d", s, domain.MinYear, domain.MaxYear)
	}
	return t, nil
}
