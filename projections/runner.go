package projections

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
)

// Runner keeps the projection rows current from the ledger stream. One
// runner should write a generation at a time (`ledger serve` runs one);
// readers may be anywhere.
//
// Progress is durable: after each batch the runner writes the rows the
// batch changed, then the checkpoint (the last stream sequence applied). A
// crash between the two replays the batch on restart, and each row skips
// the events it already holds (Row.Apply), so nothing is applied twice or
// skipped.
type Runner struct {
	store   *eventstore.Store
	storage *Storage
	batch   int
	wait    time.Duration
	report  func(error)

	// rebuildFlushRows is how many changed rows a rebuild holds decoded
	// before it sets them aside, packed (default 10,000): decoded rows are
	// the runner's main use of memory (several KB each), and unpacking a
	// row an event touches again its main cost after decoding events.
	rebuildFlushRows int
	// rowWindow is how many row writes may await their acknowledgement.
	rowWindow int

	// Test hooks: crashAfterRowPuts > 0 makes a flush stop after that many
	// row writes and before the checkpoint, as a crash would; afterFlush is
	// called after every completed flush.
	crashAfterRowPuts int
	afterFlush        func(generation int, cp Checkpoint)
}

// RunnerOption configures a Runner.
type RunnerOption func(*Runner)

// WithBatch sets how many events the runner applies between two writes of
// its rows and checkpoint (default 1000).
func WithBatch(n int) RunnerOption { return func(r *Runner) { r.batch = max(n, 1) } }

// WithIdleWait sets how long the runner waits for new events before it
// writes what it has (default 100ms): the bound on how stale a row is.
func WithIdleWait(d time.Duration) RunnerOption { return func(r *Runner) { r.wait = d } }

// WithReport sets where the runner reports messages it skips (foreign or
// unreadable messages on the ledger's subjects, and events off their
// project's hash chain), each error naming the stream sequence, and
// failures it restarts after. Default: dropped. The checkpoint counts the
// skipped messages (Checkpoint.Skipped) either way.
func WithReport(f func(error)) RunnerOption { return func(r *Runner) { r.report = f } }

// NewRunner returns a runner for store's stream.
func NewRunner(store *eventstore.Store, opts ...RunnerOption) *Runner {
	r := &Runner{
		store: store, storage: NewStorage(store.JetStream(), store.StreamName()),
		batch: 1000, wait: 100 * time.Millisecond, report: func(error) {}, rebuildFlushRows: 10_000, rowWindow: 1024,
	}
	for _, o := range opts {
		o(r)
	}
	return r
}

// Storage returns where the runner keeps its rows.
func (r *Runner) Storage() *Storage { return r.storage }

// errCrash is the simulated crash of crashAfterRowPuts.
var errCrash = errors.New("simulated crash before checkpoint")

// builder applies events to one generation's rows.
type builder struct {
	r     *Runner
	gen   int
	kv    jetstream.KeyValue
	fresh bool                      // a rebuild from zero: no row exists in kv yet
	rows  map[domain.ProjectID]*Row // rows changed since the last flush, and rows read since
	dirty map[domain.ProjectID]bool
	// held holds packed the rows no event has touched since they were
	// written (for a rebuild: since they were set aside, as it writes
	// every row once, at the end), until one does: about a fifth of the
	// memory of a decoded row, so that a runner holding 100,000 projects
	// stays under 300 MB.
	held   map[domain.ProjectID][]byte
	packer *packer
	units  map[string]*unitIndex // read from the bucket the first time a unit is touched
	// unitsChanged are the unit indexes changed and not yet written.
	unitsChanged map[string]*unitIndex
	lastSeq      uint64 // last stream sequence applied
	skipped      uint64 // messages skipped up to lastSeq
	unsaved      bool   // lastSeq moved since the last checkpoint write
	puts         int
	appliedN     int
}

func (r *Runner) newBuilder(gen int, kv jetstream.KeyValue, fresh bool, from Checkpoint) *builder {
	return &builder{r: r, gen: gen, kv: kv, fresh: fresh, rows: map[domain.ProjectID]*Row{}, dirty: map[domain.ProjectID]bool{},
		held: map[domain.ProjectID][]byte{}, packer: newPacker(), unitsChanged: map[string]*unitIndex{}, units: map[string]*unitIndex{},
		lastSeq: from.LastSeq, skipped: from.Skipped}
}

// row returns project p's row, read from the bucket the first time.
func (b *builder) row(ctx context.Context, p domain.ProjectID) (*Row, error) {
	if row := b.rows[p]; row != nil {
		return row, nil
	}
	if packed, ok := b.held[p]; ok {
		row, err := b.packer.unpack(p, packed)
		if err != nil {
			return nil, err
		}
		delete(b.held, p)
		b.rows[p] = row
		return row, nil
	}
	row := NewRow(p)
	if !b.fresh {
		e, err := b.kv.Get(ctx, rowKey(p))
		switch {
		case errors.Is(err, jetstream.ErrKeyNotFound):
		case err != nil:
			return nil, fmt.Errorf("read row %s: %w", p, err)
		default:
			if row, err = DecodeRow(e.Value()); err != nil {
				return nil, fmt.Errorf("row %s: %w", p, err)
			}
		}
	}
	b.rows[p] = row
	return row, nil
}

func (b *builder) apply(ctx context.Context, batch eventstore.Batch) error {
	for _, err := range batch.Skipped {
		b.r.report(err)
		b.skipped++
	}
	for _, rec := range batch.Records {
		if _, met := b.rows[rec.Project]; !met {
			if err := eventstore.CheckProject(rec); err != nil {
				// Not an id the ledger writes, nor always a valid key.
				b.r.report(err)
				b.skipped++
				continue
			}
		}
		row, err := b.row(ctx, rec.Project)
		if err != nil {
			return err
		}
		applied, err := row.Take(rec)
		if err != nil {
			// Off its project's chain: the stream keeps it, the rows
			// leave it out, as Load does.
			b.r.report(err)
			b.skipped++
			if row.LastSeq == 0 {
				delete(b.rows, rec.Project) // no row for a project the ledger never wrote
			}
			continue
		}
		if applied {
			b.dirty[rec.Project] = true
			b.appliedN++
		}
	}
	if batch.Last > b.lastSeq {
		b.lastSeq, b.unsaved = batch.Last, true
	}
	return nil
}

// flush writes the changed rows, then the checkpoint. The last flush of a
// drain is final.
//
// A rebuild's generation has no readers until it is complete, and a
// rebuild that fails starts over from the first event: until its final
// flush, a rebuild only sets its changed rows aside, packed, and its final
// flush writes every row, once.
func (b *builder) flush(ctx context.Context, final bool) error {
	// Unit indexes first: an index naming a row not yet written is
	// harmless (readers skip it), a row missing from its unit's index
	// would be invisible to a unit report. A rebuild writes its indexes
	// once, at the end, rather than a growing copy of each at every flush.
	if err := b.indexUnits(ctx, !b.fresh || final); err != nil {
		return err
	}
	if b.fresh && !final {
		for p := range b.dirty {
			if err := b.setAside(p); err != nil {
				return err
			}
		}
		return nil
	}
	if err := b.writeRows(ctx); err != nil {
		return err
	}
	if !b.unsaved {
		return nil
	}
	cp := b.checkpoint()
	data, _ := json.Marshal(cp)
	if _, err := b.kv.Put(ctx, keyCheckpoint, data); err != nil {
		return fmt.Errorf("write checkpoint: %w", err)
	}
	b.unsaved = false
	if b.r.afterFlush != nil {
		b.r.afterFlush(b.gen, cp)
	}
	return nil
}

// setAside packs changed row p and holds it until an event touches it
// again or it is written.
func (b *builder) setAside(p domain.ProjectID) error {
	packed, err := b.packer.pack(b.rows[p])
	if err != nil {
		return err
	}
	b.held[p] = packed
	delete(b.dirty, p)
	delete(b.rows, p)
	return nil
}

// writeRows writes the changed rows and, in a rebuild, the rows set aside,
// and returns once every write is acknowledged. Rows go out as
// asynchronous publishes to their keys' subjects (a KV put is a publish):
// a synchronous put per row made a rebuild wait on every row in turn. A
// row written by a runner that goes on is then held packed; a rebuild
// keeps nothing.
func (b *builder) writeRows(ctx context.Context) error {
	type pending struct {
		p   domain.ProjectID
		ack jetstream.PubAckFuture
	}
	var window []pending
	await := func() error {
		s := window[0]
		window = window[1:]
		select {
		case <-s.ack.Ok():
		case err := <-s.ack.Err():
			return fmt.Errorf("write row %s: %w", s.p, err)
		case <-ctx.Done():
			return ctx.Err()
		}
		if b.fresh {
			return nil
		}
		return b.setAside(s.p)
	}
	put := func(p domain.ProjectID, data []byte) error {
		if b.r.crashAfterRowPuts > 0 && b.puts >= b.r.crashAfterRowPuts {
			return errCrash
		}
		// A bounded window of rows in flight: the client refuses more
		// than a few thousand unacknowledged publishes, and a busy server
		// acknowledges slower than rows are encoded.
		if len(window) >= b.r.rowWindow {
			if err := await(); err != nil {
				return err
			}
		}
		ack, err := b.r.store.JetStream().PublishAsync(b.subject(rowKey(p)), data)
		if err != nil {
			return fmt.Errorf("write row %s: %w", p, err)
		}
		window = append(window, pending{p, ack})
		b.puts++
		return nil
	}
	if b.fresh {
		if err := encodeHeld(ctx, b.held, put); err != nil {
			return err
		}
		clear(b.held)
	}
	for p := range b.dirty {
		data, err := EncodeRow(b.rows[p])
		if err != nil {
			return err
		}
		if err := put(p, data); err != nil {
			return err
		}
	}
	for len(window) > 0 {
		if err := await(); err != nil {
			return err
		}
	}
	if b.fresh {
		clear(b.dirty)
		clear(b.rows)
	}
	return nil
}

// encodeHeld unpacks and encodes the rows held packed, on every core, and
// hands each row's JSON to put, one at a time, in no particular order. It
// is a rebuild's final write: the stream has been read, and unpacking and
// encoding 100,000 rows one after the other was a quarter of a rebuild.
func encodeHeld(ctx context.Context, held map[domain.ProjectID][]byte, put func(domain.ProjectID, []byte) error) error {
	type job struct {
		p      domain.ProjectID
		packed []byte
	}
	type encoded struct {
		p    domain.ProjectID
		data []byte
		err  error
	}
	jobs := make([]job, 0, len(held))
	for p, packed := range held {
		jobs = append(jobs, job{p, packed})
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan job)
	out := make(chan encoded, 256)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(jobs), 1)) {
		wg.Go(func() {
			k := newPacker()
			for j := range next {
				e := encoded{p: j.p}
				row, err := k.unpack(j.p, j.packed)
				if err == nil {
					e.data, err = EncodeRow(row)
				}
				e.err = err
				select {
				case out <- e:
				case <-ctx.Done():
					return
				}
			}
		})
	}
	go func() {
		defer close(next)
		for _, j := range jobs {
			select {
			case next <- j:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(out) }()
	defer func() {
		cancel()
		for range out { // let every worker end before returning
		}
	}()
	for e := range out {
		if e.err != nil {
			return e.err
		}
		if err := put(e.p, e.data); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// checkpoint returns how far the builder has applied the stream, as of
// now.
func (b *builder) checkpoint() Checkpoint {
	return Checkpoint{LastSeq: b.lastSeq, Skipped: b.skipped, UpdatedAt: time.Now().UTC()}
}

// subject returns the subject a key of the builder's bucket is stored on.
func (b *builder) subject(key string) string { return "$KV." + b.kv.Bucket() + "." + key }

// indexUnits adds each changed row's project to its unit's index, and,
// if write is set, writes the indexes that changed.
func (b *builder) indexUnits(ctx context.Context, write bool) error {
	changed := b.unitsChanged
	for p := range b.dirty {
		row := b.rows[p]
		if row.Unit == "" {
			continue
		}
		idx := b.units[row.Unit]
		if idx == nil {
			idx = &unitIndex{Unit: row.Unit}
			if !b.fresh {
				stored, err := readUnitIndex(ctx, b.kv, row.Unit)
				if err != nil {
					return err
				}
				if stored != nil {
					idx = stored
				}
			}
			b.units[row.Unit] = idx
		}
		if idx.add(p) {
			changed[row.Unit] = idx
		}
	}
	if !write {
		return nil
	}
	for unit, idx := range changed {
		data, err := json.Marshal(idx)
		if err != nil {
			return err
		}
		if _, err := b.kv.Put(ctx, unitKey(idx.Unit), data); err != nil {
			return fmt.Errorf("write the index of unit %s: %w", idx.Unit, err)
		}
		delete(changed, unit)
	}
	return nil
}

// open returns a builder on the current generation, resumed from its
// checkpoint.
func (r *Runner) open(ctx context.Context) (*builder, Generation, error) {
	g, err := r.storage.ensureCurrent(ctx)
	if err != nil {
		return nil, Generation{}, err
	}
	kv, err := r.storage.openBucket(ctx, g.Number, false)
	if err != nil {
		return nil, Generation{}, err
	}
	cp, err := readCheckpoint(ctx, kv)
	if err != nil {
		return nil, Generation{}, err
	}
	return r.newBuilder(g.Number, kv, false, cp), g, nil
}

// CatchUp applies every event stored up to now to the current generation
// and returns its checkpoint.
func (r *Runner) CatchUp(ctx context.Context) (Checkpoint, error) {
	b, _, err := r.open(ctx)
	if err != nil {
		return Checkpoint{}, err
	}
	return r.drain(ctx, b, 0)
}

// maxIdleBatches is how many empty one-second waits drain sits through
// while the stream says it holds more, before it reports the rest lost.
const maxIdleBatches = 3

// maxCursorRestarts is how many times in a row drain reads on with a new
// cursor after the leader said it holds what the old one did not deliver.
const maxCursorRestarts = 5

// drain applies the stream from b's checkpoint to the stream's end as of
// now, writing whenever flushRows rows or more have changed (0: after
// every batch).
func (r *Runner) drain(ctx context.Context, b *builder, flushRows int) (Checkpoint, error) {
	target, err := r.store.LastSequence(ctx)
	if err != nil {
		return Checkpoint{}, err
	}
	if b.lastSeq > target {
		return Checkpoint{}, &AheadError{Stream: r.store.StreamName(), Checkpoint: b.lastSeq, StreamLast: target}
	}
	if b.lastSeq < target {
		cur := r.store.Cursor(ctx, b.lastSeq+1)
		defer func() { cur.Close() }()
		idle, restarts := 0, 0
		for b.lastSeq < target {
			batch, err := cur.Next(ctx, r.batch, time.Second)
			if err != nil {
				return Checkpoint{}, err
			}
			if batch.Last == 0 {
				// The stream says it holds up to target, yet nothing came:
				// a healthy server delivers stored messages at once, so
				// those left are ones it cannot read, unless the cursor
				// lost its server (a leader change) and the leader still
				// holds the next one: then read on with a new cursor.
				if idle++; idle < maxIdleBatches {
					continue
				}
				held, err := r.store.LeaderHolds(ctx, b.lastSeq+1)
				if (err == nil && !held) || restarts >= maxCursorRestarts {
					return Checkpoint{}, &eventstore.GapError{Stream: r.store.StreamName(), From: b.lastSeq + 1, To: target}
				}
				cur.Close()
				cur = r.store.Cursor(ctx, b.lastSeq+1)
				idle, restarts = 0, restarts+1
				continue
			}
			idle, restarts = 0, 0
			if err := b.apply(ctx, batch); err != nil {
				return Checkpoint{}, err
			}
			if len(b.dirty) >= flushRows {
				if err := b.flush(ctx, false); err != nil {
					return Checkpoint{}, err
				}
			}
		}
	}
	if err := b.flush(ctx, true); err != nil {
		return Checkpoint{}, err
	}
	return b.checkpoint(), nil
}

// Run keeps the current generation up to date until ctx ends: it catches
// up from the checkpoint, then applies new events as they arrive, writing
// after each batch and whenever the stream goes quiet for the idle wait.
// When a rebuild elsewhere switches generations, Run moves to the new one.
//
// A failure (a lost connection, a refused write) is reported and the
// runner starts again from its checkpoint after a pause: rows are
// rebuilt, never lost, so retrying is always safe.
func (r *Runner) Run(ctx context.Context) error {
	var restart restarts
	for {
		progressed, err := r.follow(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, errSwitched) {
			continue
		}
		r.report(fmt.Errorf("projection runner restarts after: %w", err))
		if err := sleep(ctx, restart.after(progressed)); err != nil {
			return nil
		}
	}
}

// restarts paces the restarts of a long-running loop: the pause grows by a
// second with each failure in a row, up to half a minute, and a run that
// made progress before it failed starts the count again, so a runner up
// for months does not wait half a minute after each rare failure.
type restarts struct{ inARow int }

// after returns the pause before the restart that follows a failure.
func (r *restarts) after(progressed bool) time.Duration {
	if progressed {
		r.inARow = 0
	}
	r.inARow++
	return min(time.Duration(r.inARow)*time.Second, 30*time.Second)
}

// sleep waits d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

var errSwitched = errors.New("projections generation switched")

// follow applies new events until it fails or the generation switches,
// and reports whether it wrote anything first.
func (r *Runner) follow(ctx context.Context) (progressed bool, err error) {
	b, g, err := r.open(ctx)
	if err != nil {
		return false, err
	}
	cur := r.store.Cursor(ctx, b.lastSeq+1)
	defer cur.Close()
	for ; ; progressed = true {
		batch, err := cur.Next(ctx, r.batch, r.wait)
		if err != nil {
			return progressed, err
		}
		if err := b.apply(ctx, batch); err != nil {
			return progressed, err
		}
		if err := b.flush(ctx, true); err != nil {
			return progressed, err
		}
		if len(batch.Records) == 0 {
			// Quiet: a good moment to see whether a rebuild switched.
			now, _, err := r.storage.Current(ctx)
			if err != nil {
				return progressed, err
			}
			if now.Number != g.Number {
				return progressed, errSwitched
			}
		}
	}
}

// Rebuild builds a new generation from the first event, while the current
// one keeps answering readers, then makes it current. It returns the new
// generation and its checkpoint.
func (r *Runner) Rebuild(ctx context.Context) (Generation, Checkpoint, error) {
	meta, err := r.storage.meta(ctx, true)
	if err != nil {
		return Generation{}, Checkpoint{}, err
	}
	old, rev, err := r.storage.current(ctx, meta)
	if err != nil && !errors.Is(err, ErrNoProjections) {
		return Generation{}, Checkpoint{}, err
	}
	next := old.Number + 1
	kv, err := r.storage.freshBucket(ctx, next)
	if err != nil {
		return Generation{}, Checkpoint{}, err
	}
	b := r.newBuilder(next, kv, true, Checkpoint{})
	cp, err := r.drain(ctx, b, r.rebuildFlushRows)
	if err != nil {
		return Generation{}, Checkpoint{}, err
	}
	g := Generation{Number: next, Bucket: r.storage.bucket(next), SwitchedAt: time.Now().UTC()}
	if err := r.storage.switchTo(ctx, g, rev); err != nil {
		return Generation{}, Checkpoint{}, err
	}
	return g, cp, nil
}

// Progress says how far the current generation is behind the stream.
type Progress struct {
	Generation Generation `json:"generation"`
	Checkpoint Checkpoint `json:"checkpoint"`
	StreamLast uint64     `json:"stream_last_seq"`
	Behind     uint64     `json:"behind"` // stream messages not yet applied
	// StreamUnread is set when StreamLast and Behind are not known: the
	// reader may read the projections and not the stream (Storage.Progress).
	StreamUnread bool `json:"stream_unread,omitempty"`
}

// Progress reports the current generation's progress against the stream.
func (r *Runner) Progress(ctx context.Context) (Progress, error) {
	g, _, cp, err := r.storage.openCurrent(ctx)
	if err != nil {
		return Progress{}, err
	}
	last, err := r.store.LastSequence(ctx)
	if err != nil {
		return Progress{}, err
	}
	st := Progress{Generation: g, Checkpoint: cp, StreamLast: last}
	if cp.LastSeq > last {
		return st, &AheadError{Stream: r.store.StreamName(), Checkpoint: cp.LastSeq, StreamLast: last}
	}
	if last > cp.LastSeq {
		st.Behind = last - cp.LastSeq
	}
	return st, nil
}
