package projections

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
)

// WatcherActor is who deadline_missed events are recorded by.
const WatcherActor = "deadline watcher"

// Watcher records a deadline_missed event when a deadline's day ends with
// its milestone unreached (domain.Project.MissedDeadlines has the exact
// rule). It keeps every project's row, folded from the stream, packed in
// memory (as the runner holds rows it has written), and for each project
// the end of its next deadline's day: a project is looked at again when
// an event changes it or when that instant passes, and no other time.
//
// Each miss is recorded once per (project, milestone, deadline): its
// command id is derived from those three, so the ledger stores it once
// however many watchers run, and a watcher that was down records the
// misses of the days it missed when it starts, each with its deadline date.
type Watcher struct {
	store  *eventstore.Store
	clock  domain.Clock
	poll   time.Duration
	report func(error)
	onMiss func(eventstore.Record)
	onPass func(Pass)

	packer *packer
	rows   map[domain.ProjectID][]byte // every project's row, packed
	// changed are the rows events changed since the last pass, decoded.
	changed map[domain.ProjectID]*Row
	// wake is when each project must be looked at again: the end of the
	// day of its next deadline, or the zero time for at once (a miss not
	// recorded yet, or a project not looked at since the watcher started).
	// A project with no deadline ahead has none.
	wake      map[domain.ProjectID]time.Time
	loaded    bool // rows were read from the stored projections, or there were none
	lastSeq   uint64
	attempted map[string]bool // misses recorded by this watcher, until its rows show them
}

// WatcherOption configures a Watcher.
type WatcherOption func(*Watcher)

// WithWatchClock sets the clock deadlines are judged by (default: the
// store's clock).
func WithWatchClock(c domain.Clock) WatcherOption { return func(w *Watcher) { w.clock = c } }

// WithPoll sets how often a running watcher looks at the clock and the
// stream (default 200ms): the bound on how late after a day's end a miss
// is recorded.
func WithPoll(d time.Duration) WatcherOption { return func(w *Watcher) { w.poll = d } }

// WithWatchReport sets where the watcher reports messages it skips (not
// readable ledger events, or off their project's hash chain), each error
// naming the stream sequence, and misses it could not record. Default:
// dropped.
func WithWatchReport(f func(error)) WatcherOption { return func(w *Watcher) { w.report = f } }

// OnMiss is called with each deadline_missed event the watcher stores.
func OnMiss(f func(eventstore.Record)) WatcherOption { return func(w *Watcher) { w.onMiss = f } }

// Pass is what one pass of a running watcher over the open deadlines saw:
// when it ran, up to which stream sequence its rows were, and how many
// misses it recorded.
type Pass struct {
	At       time.Time // the watcher's clock
	LastSeq  uint64
	Recorded int
}

// OnPass is called after each pass of a running watcher over the open
// deadlines: once it has started, whenever events arrive, and when a
// deadline's day ends. A monitor can tell from it that the watcher is
// alive and how far it has read.
func OnPass(f func(Pass)) WatcherOption { return func(w *Watcher) { w.onPass = f } }

// NewWatcher returns a deadline watcher over store's stream.
func NewWatcher(store *eventstore.Store, opts ...WatcherOption) *Watcher {
	w := &Watcher{
		store: store, clock: store.Clock(), poll: 200 * time.Millisecond,
		report: func(error) {}, onMiss: func(eventstore.Record) {}, onPass: func(Pass) {},
		packer: newPacker(), rows: map[domain.ProjectID][]byte{}, changed: map[domain.ProjectID]*Row{},
		wake: map[domain.ProjectID]time.Time{}, attempted: map[string]bool{},
	}
	for _, o := range opts {
		o(w)
	}
	return w
}

// missKey identifies one miss, and is the idempotency key of its command.
func missKey(m domain.Milestone, due domain.Date) string {
	return "deadline-missed:" + string(m) + ":" + due.String()
}

func (w *Watcher) apply(batch eventstore.Batch) error {
	for _, err := range batch.Skipped {
		w.report(err)
	}
	for _, rec := range batch.Records {
		row, err := w.row(rec.Project)
		if err != nil {
			return err
		}
		if _, err := row.Take(rec); err != nil {
			w.report(err) // off its project's chain: left out, as Load does
			continue
		}
		w.changed[rec.Project] = row
	}
	w.lastSeq = max(w.lastSeq, batch.Last)
	return nil
}

// row returns project p's row as the watcher has it, decoded.
func (w *Watcher) row(p domain.ProjectID) (*Row, error) {
	if row := w.changed[p]; row != nil {
		return row, nil
	}
	if packed, ok := w.rows[p]; ok {
		return w.packer.unpack(p, packed)
	}
	return NewRow(p), nil
}

// load starts the watcher from the stored projection rows, when there are
// any: it reads them one at a time, packing each, and looks at every
// project in its first pass.
func (w *Watcher) load(ctx context.Context) error {
	if w.loaded {
		return nil
	}
	cp, err := NewStorage(w.store.JetStream(), w.store.StreamName()).eachCurrentRow(ctx, func(row *Row) error {
		packed, err := w.packer.pack(row)
		if err != nil {
			return err
		}
		w.rows[row.ID] = packed
		w.wake[row.ID] = time.Time{}
		return nil
	}, func(p domain.ProjectID) {
		delete(w.rows, p)
		delete(w.wake, p)
	})
	switch {
	case errors.Is(err, ErrNoProjections):
	case err != nil:
		return err
	default:
		w.lastSeq = cp.LastSeq
	}
	w.loaded = true
	return nil
}

// CatchUp reads the stream up to its current end into the watcher's rows,
// starting from the stored projection rows when it has none yet.
func (w *Watcher) CatchUp(ctx context.Context) error {
	if err := w.load(ctx); err != nil {
		return err
	}
	target, err := w.store.LastSequence(ctx)
	if err != nil {
		return err
	}
	if w.lastSeq >= target {
		return nil
	}
	cur := w.store.Cursor(ctx, w.lastSeq+1)
	defer cur.Close()
	for w.lastSeq < target {
		batch, err := cur.Next(ctx, 1000, time.Second)
		if err != nil {
			return err
		}
		if err := w.apply(batch); err != nil {
			return err
		}
	}
	return nil
}

// Check records every miss due at the clock's now that the watcher's rows
// do not show yet. It returns how many it recorded and when the next open
// deadline ends (zero when none is open).
//
// It looks at the projects events changed since the last pass and those
// whose next deadline's day has ended, and packs the changed rows again.
func (w *Watcher) Check(ctx context.Context) (int, time.Time, error) {
	now := w.clock.Now()
	type miss struct {
		project   domain.ProjectID
		milestone domain.Milestone
		due       domain.Date
	}
	var due []miss
	look := func(id domain.ProjectID, row *Row) {
		delete(w.wake, id)
		if !row.Registered || row.Terminated {
			return
		}
		var next time.Time
		for _, m := range domain.Milestones {
			dl := row.Deadlines[m]
			if dl == nil {
				continue
			}
			for _, d := range row.MissedDeadlines(m, now) {
				if !w.attempted[string(id)+"/"+missKey(m, d)] {
					due = append(due, miss{id, m, d})
				}
			}
			// Every deadline's day end, reached or not: the rule is
			// MissedDeadlines', looked at again when a day ends.
			if end := dl.Due.End(row.Location()); end.After(now) && (next.IsZero() || end.Before(next)) {
				next = end
			}
		}
		if !next.IsZero() {
			w.wake[id] = next
		}
	}
	for id, row := range w.changed {
		look(id, row)
		packed, err := w.packer.pack(row)
		if err != nil {
			return 0, time.Time{}, err
		}
		w.rows[id] = packed
		delete(w.changed, id)
	}
	for id, at := range w.wake {
		if at.After(now) {
			continue
		}
		row, err := w.row(id)
		if err != nil {
			return 0, time.Time{}, err
		}
		look(id, row)
	}
	// Record in the order the days ended, so subscribers read misses in
	// deadline order.
	slices.SortFunc(due, func(a, b miss) int {
		return cmp.Or(cmp.Compare(a.due, b.due), cmp.Compare(a.project, b.project), cmp.Compare(milestoneOrder(a.milestone), milestoneOrder(b.milestone)))
	})
	recorded, failed := 0, 0
	for _, ms := range due {
		res, err := w.store.Execute(ctx, domain.RecordDeadlineMissed{
			Meta: domain.Meta{Actor: WatcherActor, CommandID: missKey(ms.milestone, ms.due)}, Project: ms.project, Milestone: ms.milestone, Due: ms.due,
		})
		var re *domain.RuleError
		switch {
		case errors.As(err, &re):
			// The stored history moved on (reached, revised, suspended,
			// or another watcher was first): nothing to do.
		case err != nil:
			// Report it and go on: one project that cannot be written to
			// must not hold back every other project's misses. The next
			// pass tries it again.
			w.report(fmt.Errorf("record miss of %s %s due %s: %w", ms.project, ms.milestone, ms.due, err))
			w.wake[ms.project] = time.Time{}
			failed++
			continue
		case !res.AlreadyStored:
			recorded++
			for _, r := range res.Records {
				w.onMiss(r)
			}
		}
		w.attempted[string(ms.project)+"/"+missKey(ms.milestone, ms.due)] = true
	}
	var next time.Time
	for _, at := range w.wake {
		if at.After(now) && (next.IsZero() || at.Before(next)) {
			next = at
		}
	}
	if failed > 0 {
		return recorded, next, fmt.Errorf("%d misses could not be recorded yet", failed)
	}
	return recorded, next, nil
}

// Run watches until ctx ends: it starts from the stored projection rows
// when there are any (else from the first event), catches up, records the
// misses of any day that ended while it was down, then keeps checking as
// events arrive and days end.
//
// A failure to read the stream is reported and the watcher starts again
// after a pause; misses are idempotent, so nothing is recorded twice.
func (w *Watcher) Run(ctx context.Context) error {
	var restart restarts
	for {
		progressed, err := w.run(ctx)
		if ctx.Err() != nil {
			return nil
		}
		w.report(fmt.Errorf("deadline watcher restarts after: %w", err))
		if err := sleep(ctx, restart.after(progressed)); err != nil {
			return nil
		}
	}
}

// run watches until it fails, and reports whether it made a pass first.
func (w *Watcher) run(ctx context.Context) (progressed bool, err error) {
	if err := w.load(ctx); err != nil {
		return false, err
	}
	cur := w.store.Cursor(ctx, w.lastSeq+1)
	defer cur.Close()
	var next time.Time
	check, retry := true, false
	for {
		if check || retry || (!next.IsZero() && !w.clock.Now().Before(next)) {
			recorded, n, err := w.Check(ctx)
			if ctx.Err() != nil {
				return progressed, nil
			}
			if retry = err != nil; retry {
				w.report(err) // the next pass tries again
			}
			next = n
			w.onPass(Pass{At: w.clock.Now(), LastSeq: w.lastSeq, Recorded: recorded})
			progressed = true
		}
		batch, err := cur.Next(ctx, 1000, w.poll)
		if err != nil {
			if ctx.Err() != nil {
				return progressed, nil
			}
			return progressed, err
		}
		if err := w.apply(batch); err != nil {
			return progressed, err
		}
		check = len(batch.Records) > 0
	}
}
