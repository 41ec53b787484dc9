package projections

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/synadia-io/orbit.go/jetstreamext"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
)

// Where the rows live, so another process or machine can read them:
//
//	<STREAM>_PROJ_META   key "current": which generation readers use (JSON)
//	<STREAM>_PROJ_<n>    key "p.<project>": the project's Row (JSON)
//	                     key "u.<hash of unit>": the unit's projects (JSON)
//	                     key "checkpoint": the last stream sequence applied
//
// A rebuild fills generation n+1 while generation n keeps answering, then
// switches "current" in one compare-and-set write; readers never see a
// generation that is still being built. The generation before the previous
// one is deleted at the switch.

// ErrNoProjections is returned to a reader when no projection has been
// built yet (no runner has run against this stream).
var ErrNoProjections = errors.New("no projections built yet; run `ledger serve` or `ledger projections rebuild`")

// ErrAheadOfStream is matched (errors.Is) by an *AheadError.
var ErrAheadOfStream = errors.New("projections ahead of the stream")

// AheadError reports projections that have applied more of the stream than
// the stream now holds: events the ledger stored and read were lost since
// (the stream re-created, cut, or restored from an older backup). No row
// is served from them.
type AheadError struct {
	Stream     string
	Checkpoint uint64 // the last stream sequence the projections applied
	StreamLast uint64 // the stream's last sequence now
}

// Error implements error.
func (e *AheadError) Error() string {
	return fmt.Sprintf("the projections have applied stream %s up to sequence %d, but the stream now ends at %d: %d stored events are gone (the stream was cut, re-created or restored from an older backup); no report is served: restore the stream from a backup that holds them (docs/backup.md)",
		e.Stream, e.Checkpoint, e.StreamLast, e.Checkpoint-e.StreamLast)
}

// Is makes errors.Is(err, ErrAheadOfStream) true.
func (e *AheadError) Is(target error) bool { return target == ErrAheadOfStream }

const (
	keyCurrent    = "current"
	keyCheckpoint = "checkpoint"
	rowPrefix     = "p."
	unitPrefix    = "u."
)

// Generation names one built copy of the projections.
type Generation struct {
	Number     int       `json:"generation"`
	Bucket     string    `json:"bucket"`
	SwitchedAt time.Time `json:"switched_at"`
}

// Checkpoint is how far a generation has applied the stream.
type Checkpoint struct {
	LastSeq uint64 `json:"last_seq"`
	// Skipped counts the messages up to LastSeq that the generation left
	// out: not readable ledger events, or off their project's hash chain
	// (each was reported as it was met; `ledger verify` names them). After
	// a crash between a flush's rows and its checkpoint, an event off the
	// chain in the stretch read again may go uncounted, as the row it
	// would have joined is already past it; a rebuild counts exactly.
	Skipped   uint64    `json:"skipped"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Storage keeps projection rows in JetStream KV buckets named after the
// ledger stream.
type Storage struct {
	js     jetstream.JetStream
	stream string
	prefix string
	// buckets holds the bucket handles opened so far, by name: binding a
	// handle asks the server for the bucket's stream info, and a reader
	// opens the current generation for each question (three times for
	// one report).
	mu      sync.Mutex
	buckets map[string]jetstream.KeyValue
}

// keyValue returns the handle of the bucket name, bound once.
func (s *Storage) keyValue(ctx context.Context, name string) (jetstream.KeyValue, error) {
	s.mu.Lock()
	kv, ok := s.buckets[name]
	s.mu.Unlock()
	if ok {
		return kv, nil
	}
	kv, err := s.js.KeyValue(ctx, name)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.buckets == nil {
		s.buckets = map[string]jetstream.KeyValue{}
	}
	s.buckets[name] = kv
	s.mu.Unlock()
	return kv, nil
}

// forget drops the handle of bucket name, deleted.
func (s *Storage) forget(name string) {
	s.mu.Lock()
	delete(s.buckets, name)
	s.mu.Unlock()
}

// NewStorage returns the storage of the projections of stream.
func NewStorage(js jetstream.JetStream, stream string) *Storage {
	return &Storage{js: js, stream: stream, prefix: stream + "_PROJ"}
}

// replicas returns the ledger stream's replica count, which the buckets
// it creates take: on a cluster the rows then stay readable and writable
// while the node holding a one-replica bucket is down.
func (s *Storage) replicas(ctx context.Context) (int, error) {
	st, err := s.js.Stream(ctx, s.stream)
	if err != nil {
		return 0, fmt.Errorf("projections: ledger stream %s: %w", s.stream, err)
	}
	return max(st.CachedInfo().Config.Replicas, 1), nil
}

// Streams returns the names of the JetStream streams that hold the
// projections (KV_<bucket> for the meta bucket and every generation
// bucket that exists), the meta bucket's first and the generations in
// ascending order: what a backup copies along with the ledger stream.
func (s *Storage) Streams(ctx context.Context) ([]string, error) {
	meta := "KV_" + s.metaBucket()
	genPrefix := "KV_" + s.prefix + "_"
	var names []string
	var gens []int
	lister := s.js.StreamNames(ctx)
	for name := range lister.Name() {
		if name == meta {
			names = append(names, name)
			continue
		}
		suffix, ok := strings.CutPrefix(name, genPrefix)
		if n, err := strconv.Atoi(suffix); ok && err == nil && n > 0 && strconv.Itoa(n) == suffix {
			gens = append(gens, n)
		}
	}
	if err := lister.Err(); err != nil {
		return nil, fmt.Errorf("list the projections' streams: %w", err)
	}
	slices.Sort(gens)
	for _, n := range gens {
		names = append(names, "KV_"+s.bucket(n))
	}
	return names, nil
}

func (s *Storage) metaBucket() string { return s.prefix + "_META" }

func (s *Storage) bucket(n int) string { return s.prefix + "_" + strconv.Itoa(n) }

func rowKey(p domain.ProjectID) string { return rowPrefix + string(p) }

// meta opens the meta bucket, creating it when create is set.
func (s *Storage) meta(ctx context.Context, create bool) (jetstream.KeyValue, error) {
	kv, err := s.keyValue(ctx, s.metaBucket())
	if errors.Is(err, jetstream.ErrBucketNotFound) && create {
		replicas, rerr := s.replicas(ctx)
		if rerr != nil {
			return nil, rerr
		}
		kv, err = s.js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
			Bucket: s.metaBucket(), Description: "which generation of the ledger's projections readers use",
			History: 10, Storage: jetstream.FileStorage, Replicas: replicas,
		})
	}
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		return nil, ErrNoProjections
	}
	if err != nil {
		return nil, fmt.Errorf("projections meta bucket: %w", err)
	}
	return kv, nil
}

// Current returns the generation readers use, and the meta entry's
// revision for a compare-and-set switch (0 when there is none yet).
func (s *Storage) Current(ctx context.Context) (Generation, uint64, error) {
	meta, err := s.meta(ctx, false)
	if err != nil {
		return Generation{}, 0, err
	}
	return s.current(ctx, meta)
}

func (s *Storage) current(ctx context.Context, meta jetstream.KeyValue) (Generation, uint64, error) {
	e, err := meta.Get(ctx, keyCurrent)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return Generation{}, 0, ErrNoProjections
	}
	if err != nil {
		return Generation{}, 0, fmt.Errorf("projections meta: %w", err)
	}
	var g Generation
	if err := json.Unmarshal(e.Value(), &g); err != nil {
		return Generation{}, 0, fmt.Errorf("projections meta: %w", err)
	}
	return g, e.Revision(), nil
}

// ensureCurrent returns the current generation, making generation 1 the
// current one when there is none.
func (s *Storage) ensureCurrent(ctx context.Context) (Generation, error) {
	meta, err := s.meta(ctx, true)
	if err != nil {
		return Generation{}, err
	}
	g, _, err := s.current(ctx, meta)
	if !errors.Is(err, ErrNoProjections) {
		return g, err
	}
	if _, err := s.openBucket(ctx, 1, true); err != nil {
		return Generation{}, err
	}
	g = Generation{Number: 1, Bucket: s.bucket(1), SwitchedAt: time.Now().UTC()}
	b, _ := json.Marshal(g)
	if _, err := meta.Create(ctx, keyCurrent, b); err != nil && !errors.Is(err, jetstream.ErrKeyExists) {
		return Generation{}, fmt.Errorf("projections meta: %w", err)
	}
	g, _, err = s.current(ctx, meta)
	return g, err
}

// switchTo makes generation g current if the current entry is still at
// revision rev, and deletes the generation before the one it replaces.
func (s *Storage) switchTo(ctx context.Context, g Generation, rev uint64) error {
	meta, err := s.meta(ctx, true)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(g)
	if rev == 0 {
		_, err = meta.Create(ctx, keyCurrent, b)
	} else {
		_, err = meta.Update(ctx, keyCurrent, b, rev)
	}
	if err != nil {
		return fmt.Errorf("switch projections to generation %d (another rebuild switched first?): %w", g.Number, err)
	}
	if g.Number > 2 {
		s.forget(s.bucket(g.Number - 2))
		if err := s.js.DeleteKeyValue(ctx, s.bucket(g.Number-2)); err != nil && !errors.Is(err, jetstream.ErrBucketNotFound) {
			return fmt.Errorf("delete projections generation %d: %w", g.Number-2, err)
		}
	}
	return nil
}

// openBucket opens generation n's bucket; fresh deletes any leftover of an
// interrupted build first.
func (s *Storage) openBucket(ctx context.Context, n int, create bool) (jetstream.KeyValue, error) {
	name := s.bucket(n)
	if !create {
		kv, err := s.keyValue(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("projections bucket %s: %w", name, err)
		}
		return kv, nil
	}
	replicas, err := s.replicas(ctx)
	if err != nil {
		return nil, err
	}
	kv, err := s.js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: name, Description: "ledger projection rows (JSON), one key per project", History: 1, Storage: jetstream.FileStorage,
		Replicas: replicas,
	})
	if err != nil {
		return nil, fmt.Errorf("projections bucket %s: %w", name, err)
	}
	return kv, nil
}

func (s *Storage) freshBucket(ctx context.Context, n int) (jetstream.KeyValue, error) {
	s.forget(s.bucket(n))
	if err := s.js.DeleteKeyValue(ctx, s.bucket(n)); err != nil && !errors.Is(err, jetstream.ErrBucketNotFound) {
		return nil, fmt.Errorf("clear projections bucket %s: %w", s.bucket(n), err)
	}
	return s.openBucket(ctx, n, true)
}

func readCheckpoint(ctx context.Context, kv jetstream.KeyValue) (Checkpoint, error) {
	e, err := kv.Get(ctx, keyCheckpoint)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return Checkpoint{}, nil
	}
	if err != nil {
		return Checkpoint{}, fmt.Errorf("projections checkpoint: %w", err)
	}
	var c Checkpoint
	if err := json.Unmarshal(e.Value(), &c); err != nil {
		return Checkpoint{}, fmt.Errorf("projections checkpoint: %w", err)
	}
	return c, nil
}

// Snapshot is what a reader gets: every row of the current generation and
// how far it had applied the stream.
type Snapshot struct {
	Generation Generation
	Checkpoint Checkpoint
	Rows       []*Row
}

// Progress reports the generation readers use and its checkpoint, from the
// projections alone, for a reader that may not read the stream: how far
// behind the stream it is stays unknown (StreamUnread); the checkpoint's
// time says when the runner last wrote. Runner.Progress knows the rest.
func (s *Storage) Progress(ctx context.Context) (Progress, error) {
	g, _, cp, err := s.openCurrent(ctx)
	if err != nil {
		return Progress{}, err
	}
	return Progress{Generation: g, Checkpoint: cp, StreamUnread: true}, nil
}

// CheckNotAhead returns an *AheadError when the projections readers use
// have applied the stream beyond its last sequence now, as streamLast
// reports it: the ledger's own record that events it read are gone. The
// checkpoint is read before the stream, so a runner applying new events
// meanwhile cannot make a healthy stream look cut. It returns nil when no
// projections were built.
func (s *Storage) CheckNotAhead(ctx context.Context, streamLast func(context.Context) (uint64, error)) error {
	_, _, cp, err := s.openCurrent(ctx)
	if errors.Is(err, ErrNoProjections) {
		return nil
	}
	if err != nil {
		return err
	}
	last, err := streamLast(ctx)
	if err != nil {
		return err
	}
	if cp.LastSeq > last {
		return &AheadError{Stream: s.stream, Checkpoint: cp.LastSeq, StreamLast: last}
	}
	return nil
}

// openCurrent opens the generation readers use, with its checkpoint.
func (s *Storage) openCurrent(ctx context.Context) (Generation, jetstream.KeyValue, Checkpoint, error) {
	g, _, err := s.Current(ctx)
	if err != nil {
		return Generation{}, nil, Checkpoint{}, err
	}
	kv, err := s.openBucket(ctx, g.Number, false)
	if err != nil {
		return Generation{}, nil, Checkpoint{}, err
	}
	cp, err := readCheckpoint(ctx, kv)
	return g, kv, cp, err
}

// Read returns every row of the current generation, in key order. It reads
// through the "current" pointer, so it never sees a rebuild in progress.
func (s *Storage) Read(ctx context.Context) (Snapshot, error) {
	g, kv, cp, err := s.openCurrent(ctx)
	if err != nil {
		return Snapshot{}, err
	}
	rows, err := s.readRows(ctx, kv.Bucket())
	if err != nil {
		return Snapshot{}, err
	}
	slices.SortFunc(rows, func(a, b *Row) int { return cmp.Compare(a.ID, b.ID) })
	return Snapshot{Generation: g, Checkpoint: cp, Rows: rows}, nil
}

// ReadProject returns project p's row from the current generation, or nil
// when the projections hold no row for it.
func (s *Storage) ReadProject(ctx context.Context, p domain.ProjectID) (*Row, error) {
	_, kv, _, err := s.openCurrent(ctx)
	if err != nil {
		return nil, err
	}
	e, err := kv.Get(ctx, rowKey(p))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read row %s: %w", p, err)
	}
	return decodeStoredRow(p, e.Value())
}

// eachCurrentRow reads every row of the current generation, one at a
// time, in stream order, and returns the generation's checkpoint: what a
// reader that keeps rows its own way needs, without every row decoded at
// once. put gets each row's values (a row rewritten during the read
// comes twice, the later value last); drop, each row deleted.
func (s *Storage) eachCurrentRow(ctx context.Context, put func(*Row) error, drop func(domain.ProjectID)) (Checkpoint, error) {
	_, kv, cp, err := s.openCurrent(ctx)
	if err != nil {
		return Checkpoint{}, err
	}
	err = s.scanRows(ctx, kv.Bucket(), func(p domain.ProjectID, data []byte, deleted bool) error {
		if deleted {
			drop(p)
			return nil
		}
		r, err := decodeStoredRow(p, data)
		if err != nil {
			return err
		}
		return put(r)
	})
	return cp, err
}

// readRows reads every row of a bucket, in no order.
func (s *Storage) readRows(ctx context.Context, bucket string) ([]*Row, error) {
	byKey := map[domain.ProjectID]*Row{}
	err := s.scanRows(ctx, bucket, func(p domain.ProjectID, data []byte, deleted bool) error {
		if deleted {
			delete(byKey, p)
			return nil
		}
		r, err := decodeStoredRow(p, data)
		if err != nil {
			return err
		}
		byKey[p] = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	rows := make([]*Row, 0, len(byKey))
	for _, r := range byKey {
		rows = append(rows, r)
	}
	return rows, nil
}

// scanRows reads every row of a bucket with batched direct gets of all its
// messages, in stream order, and calls f with each row's project and
// stored value, or with deleted set for a deleted row. A bucket keeps one value per key, so that is each
// row's latest value; a row rewritten during the read comes twice, the
// later value last.
//
// Why direct gets rather than a KV watch: a watch is a consumer, and a
// reader allowed to create and delete consumers on the bucket's stream
// could also delete other readers' ones; a direct get needs only the right
// to read, which is all the reporting job's role has (docs/security.md).
// It costs about the same: 2,000 rows, 60 reads of each alternating on a
// shared 2-core machine, median 71 ms against 74 ms for the watch (load
// average 4), 117 ms against 115 ms (load average 11);
// BenchmarkReadAllRows measures this one. Asking the server to filter the
// row keys (next_by_subj $KV.<bucket>.p.>) was slower (83 ms, 124 ms):
// the few other keys are dropped here instead.
func (s *Storage) scanRows(ctx context.Context, bucket string, f func(p domain.ProjectID, data []byte, deleted bool) error) error {
	prefix := "$KV." + bucket + "."
	for next := uint64(1); ; {
		batch, err := eventstore.DirectGet(ctx, eventstore.DefaultReadTimeout, func(ctx context.Context) (iter.Seq2[*jetstream.RawStreamMsg, error], error) {
			return jetstreamext.GetBatch(ctx, s.js, "KV_"+bucket, directBatch, jetstreamext.GetBatchSeq(next))
		})
		if err != nil {
			return fmt.Errorf("read projection rows: %w", err)
		}
		for _, m := range batch {
			next = m.Sequence + 1
			key := strings.TrimPrefix(m.Subject, prefix)
			if !strings.HasPrefix(key, rowPrefix) {
				continue
			}
			op := m.Header.Get(kvOperation)
			if err := f(domain.ProjectID(strings.TrimPrefix(key, rowPrefix)), m.Data, op == "DEL" || op == "PURGE"); err != nil {
				return err
			}
		}
		if !eventstore.MorePending(batch) {
			return nil // the server ends a batch early at its size limit, and says so
		}
	}
}

// decodeStoredRow reads project p's row as the bucket stores it.
func decodeStoredRow(p domain.ProjectID, data []byte) (*Row, error) {
	r, err := DecodeRow(data)
	if err != nil {
		return nil, fmt.Errorf("row %s: %w", p, err)
	}
	return r, nil
}

// kvOperation is the header a KV delete or purge marker carries.
const kvOperation = "KV-Operation"

// directBatch is how many keys one batched direct get asks for (the server
// answers at most 1024).
const directBatch = 1000

// unitIndex lists the projects of one responsible unit, so a report on one
// unit reads its rows and no others.
type unitIndex struct {
	Unit     string             `json:"unit"`
	Projects []domain.ProjectID `json:"projects"`
}

// add puts p in the index and reports whether it was missing.
func (u *unitIndex) add(p domain.ProjectID) bool {
	i, found := slices.BinarySearch(u.Projects, p)
	if found {
		return false
	}
	u.Projects = slices.Insert(u.Projects, i, p)
	return true
}

// unitKey names a unit's index key: unit names are free text (Chinese),
// KV keys are not.
func unitKey(unit string) string {
	sum := sha256.Sum256([]byte(unit))
	return unitPrefix + hex.EncodeToString(sum[:12])
}

func readUnitIndex(ctx context.Context, kv jetstream.KeyValue, unit string) (*unitIndex, error) {
	e, err := kv.Get(ctx, unitKey(unit))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the index of unit %s: %w", unit, err)
	}
	var idx unitIndex
	if err := json.Unmarshal(e.Value(), &idx); err != nil {
		return nil, fmt.Errorf("read the index of unit %s: %w", unit, err)
	}
	return &idx, nil
}

// ReadUnit returns the rows of one responsible unit's projects from the
// current generation, through the unit's index: a few reads instead of
// every row.
func (s *Storage) ReadUnit(ctx context.Context, unit string) (Snapshot, error) {
	g, kv, cp, err := s.openCurrent(ctx)
	if err != nil {
		return Snapshot{}, err
	}
	idx, err := readUnitIndex(ctx, kv, unit)
	if err != nil || idx == nil {
		return Snapshot{Generation: g, Checkpoint: cp}, err
	}
	// Batched direct gets of the latest value per key: a thousand keys per
	// request, far cheaper than a request per key; keys indexed before
	// their row was written simply return nothing.
	bucket := s.bucket(g.Number)
	var rows []*Row
	for start := 0; start < len(idx.Projects); start += directBatch {
		subjects := make([]string, 0, directBatch)
		for _, p := range idx.Projects[start:min(start+directBatch, len(idx.Projects))] {
			subjects = append(subjects, "$KV."+bucket+"."+rowKey(p))
		}
		msgs, err := eventstore.DirectGet(ctx, eventstore.DefaultReadTimeout, func(ctx context.Context) (iter.Seq2[*jetstream.RawStreamMsg, error], error) {
			return jetstreamext.GetLastMsgsFor(ctx, s.js, "KV_"+bucket, subjects)
		})
		if err != nil {
			return Snapshot{}, fmt.Errorf("read the rows of unit %s: %w", unit, err)
		}
		if eventstore.MorePending(msgs) {
			return Snapshot{}, fmt.Errorf("read the rows of unit %s: %w: the server sent %d of them", unit, eventstore.ErrReadCutShort, len(msgs))
		}
		for _, m := range msgs {
			r, err := DecodeRow(m.Data)
			if err != nil {
				return Snapshot{}, fmt.Errorf("%s: %w", m.Subject, err)
			}
			rows = append(rows, r)
		}
	}
	slices.SortFunc(rows, func(a, b *Row) int { return cmp.Compare(a.ID, b.ID) })
	return Snapshot{Generation: g, Checkpoint: cp, Rows: rows}, nil
}
