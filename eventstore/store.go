package eventstore

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/synadia-io/orbit.go/jetstreamext"

	"github.com/keyprojects/ledger/domain"
)

// Store is the ledger's event store on one JetStream stream. It is safe for
// concurrent use.
type Store struct {
	js     jetstream.JetStream
	spec   StreamSpec
	codec  *Codec
	clock  domain.Clock
	stream jetstream.Stream
	cache  *projectCache

	publishTimeout time.Duration
	retryBudget    time.Duration
	retryReport    func(Retry)
}

// Option configures a Store.
type Option func(*Store)

// WithStream names the stream and subject prefix, and sets replicas and the
// duplicate window, instead of the defaults.
func WithStream(spec StreamSpec) Option { return func(s *Store) { s.spec = spec.withDefaults() } }

// WithClock sets the clock commands are decided by (default: the system
// clock).
func WithClock(c domain.Clock) Option { return func(s *Store) { s.clock = c } }

// ConnectOptions returns the NATS connection options a Store's connection
// should have. Every history read and batched direct get answers into a
// fresh synchronous subscription, whose queue nats.go allocates whole at its
// default length of 65,536 messages (512 KB) each time; the ledger's
// largest answer is about 1,000 messages, so a queue of 8,192 holds any of
// them, at an eighth of the cost per read.
func ConnectOptions() []nats.Option {
	return []nats.Option{nats.SyncQueueLen(8192)}
}

// RemoteConnectOptions returns ConnectOptions with the reconnect settings a
// connection to an external server or cluster should have: it never stops
// reconnecting (a cluster outlives any one node), it tries a server again
// after half a second, and it pings every 5 seconds so that a server that
// went silent without closing the connection is left for another within
// about 15 seconds, inside an append's retry budget (DefaultRetryBudget),
// rather than after the default 4 minutes. A server killed outright closes
// its connections, and the client moves to another server at once.
func RemoteConnectOptions() []nats.Option {
	return append(ConnectOptions(),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(500*time.Millisecond),
		nats.PingInterval(5*time.Second),
		nats.MaxPingsOutstanding(2),
	)
}

// DefaultPublishTimeout is how long an append waits for the server's
// acknowledgement by default.
const DefaultPublishTimeout = 5 * time.Second

// WithPublishTimeout sets how long one try of an append waits for the
// server's acknowledgement, and one request of a history read for its
// answer (default DefaultPublishTimeout). A try that times out may or may
// not have been stored; the append sends it again within its retry budget
// (WithRetryBudget), which is safe, as its message ids make the server
// drop a second copy.
func WithPublishTimeout(d time.Duration) Option { return func(s *Store) { s.publishTimeout = d } }

// Open connects a Store to JetStream over nc, creating the ledger stream if
// it does not exist and refusing one whose settings are too weak.
func Open(ctx context.Context, nc *nats.Conn, opts ...Option) (*Store, error) {
	s := &Store{spec: StreamSpec{}.withDefaults(), codec: NewCodec(), clock: domain.SystemClock{},
		cache: newProjectCache(DefaultCacheSize), publishTimeout: DefaultPublishTimeout, retryBudget: DefaultRetryBudget}
	for _, o := range opts {
		o(s)
	}
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncTimeout(s.publishTimeout))
	if err != nil {
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	s.js = js
	s.stream, err = EnsureStream(ctx, js, s.spec)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// StreamName returns the name of the ledger stream.
func (s *Store) StreamName() string { return s.spec.Name }

// JetStream returns the JetStream context the store uses.
func (s *Store) JetStream() jetstream.JetStream { return s.js }

// Codec returns the store's event codec.
func (s *Store) Codec() *Codec { return s.codec }

// Clock returns the clock the store decides commands by.
func (s *Store) Clock() domain.Clock { return s.clock }

// LastSequence returns the stream sequence of the last message stored.
func (s *Store) LastSequence(ctx context.Context) (uint64, error) {
	info, err := s.stream.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("stream info: %w", err)
	}
	return info.State.LastSeq, nil
}

// Subject returns the subject of an event of type t for project p:
// <prefix>.<project>.<type>.
func (s *Store) Subject(p domain.ProjectID, t domain.EventType) string {
	return s.spec.Subject + "." + string(p) + "." + string(t)
}

// ProjectFilter returns the subject filter matching every event of project
// p: <prefix>.<project>.*.
func (s *Store) ProjectFilter(p domain.ProjectID) string {
	return s.spec.Subject + "." + string(p) + ".*"
}

// Record is an event as stored: the event with its stream position.
type Record struct {
	domain.Event
	Sequence uint64 // stream sequence
	Subject  string // ledger.<project>.<type>
	// StoredAt is the server's timestamp of the message, as read back by
	// Load, Read and Follow; zero in what Append returns, since a publish
	// acknowledgement carries no timestamp.
	StoredAt time.Time
}

// Version is the position of a project's last stored event: what an append
// expects to still be last, and the hash the next event links to (empty:
// the project's genesis value). The zero Version means "the project has
// no events".
type Version struct {
	Sequence uint64
	Hash     []byte
}

// historyBatch is how many events one direct-get request fetches.
const historyBatch = 512

// Load reads project p's history in order and returns it with the project's
// Version. A project with no events has an empty history and the zero
// Version.
//
// A message on the project's subjects that is not a readable ledger event
// (published there by something else; the stream keeps it for good) is
// left out of the history, but counts for the Version's sequence, which
// the next append must name.
func (s *Store) Load(ctx context.Context, p domain.ProjectID) ([]Record, Version, error) {
	recs, lastSeq, err := s.loadFrom(ctx, p, 1)
	if err != nil {
		return nil, Version{}, err
	}
	if len(recs) == 0 {
		return nil, Version{Sequence: lastSeq}, nil
	}
	return recs, Version{Sequence: lastSeq, Hash: recs[len(recs)-1].Hash}, nil
}

// loadFrom reads project p's events from stream sequence from on, and
// returns the sequence of the last message on its subjects, readable or
// not (0 when there is none).
//
// It reads subject by subject: first which of the project's subjects
// (ledger.<p>.<type>) hold messages, then each one's messages. The server
// finds the messages of one literal subject from its subject index,
// whereas a wildcard filter makes it scan every message interleaved with
// the project's: at 240,000 events that was 8.5 ms per history against
// 0.9 ms. The subjects are read at slightly different moments, so the
// merged history is checked against the hash chain, which links every
// event to the one before: a gap means an event landed between two reads,
// and the history is read again.
//
// On a cluster a read can go unanswered (the replica it went to died, or
// dropped it while catching up); such a read is sent again within the
// retry budget, as an append is.
func (s *Store) loadFrom(ctx context.Context, p domain.ProjectID, from uint64) ([]Record, uint64, error) {
	start := time.Now()
	for gaps, tries := 0, 1; ; tries++ {
		out, last, gap, err := s.loadOnce(ctx, p, from)
		if err != nil && unanswered(err) && ctx.Err() == nil {
			waited := time.Since(start)
			if waited >= s.retryBudget {
				return nil, 0, fmt.Errorf("read history of %s: no complete answer from stream %s in %s (%s): %w",
					p, s.spec.Name, waited.Round(100*time.Millisecond), triesText(tries), err)
			}
			if s.retryReport != nil {
				s.retryReport(Retry{Subject: s.ProjectFilter(p), Attempt: tries, Waited: waited, Err: err})
			}
			if err := retryPause(ctx, tries, s.retryBudget-waited); err != nil {
				return nil, 0, err
			}
			continue
		}
		if err != nil {
			return nil, 0, fmt.Errorf("read history of %s: %w", p, err)
		}
		if !gap || gaps == 5 {
			return out, last, nil
		}
		gaps++
	}
}

// errIncomplete is a direct get whose answer did not arrive whole.
var errIncomplete = errors.New("the stream's answer to a read did not arrive whole")

// headerNumPending is the header of a direct get's message that says how
// many more messages match the request after it.
const headerNumPending = "Nats-Num-Pending"

// directGet runs one direct-get request, bounded by the publish timeout,
// and returns its messages; "no messages" is an empty answer. jetstreamext
// ends a direct get's messages without an error when its context ends, so
// an answer that stopped short (the replica died, or dropped the request)
// looks like a short one: an answer with no message at all is an error
// here, and callers check the last message's Nats-Num-Pending.
func (s *Store) directGet(ctx context.Context,
	get func(context.Context) (iter.Seq2[*jetstream.RawStreamMsg, error], error),
) ([]*jetstream.RawStreamMsg, error) {
	ctx, cancel := context.WithTimeout(ctx, s.publishTimeout)
	defer cancel()
	msgs, err := get(ctx)
	if err != nil {
		return nil, err
	}
	var out []*jetstream.RawStreamMsg
	for m, err := range msgs {
		if errors.Is(err, jetstreamext.ErrNoMessages) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	if len(out) == 0 {
		return nil, errIncomplete
	}
	return out, nil
}

// morePending reports whether more messages match a direct get than its
// answer held.
func morePending(msgs []*jetstream.RawStreamMsg) bool {
	return len(msgs) > 0 && msgs[len(msgs)-1].Header.Get(headerNumPending) != "0"
}

func (s *Store) loadOnce(ctx context.Context, p domain.ProjectID, from uint64) ([]Record, uint64, bool, error) {
	fail := func(err error) ([]Record, uint64, bool, error) { return nil, 0, false, err }
	lasts, err := s.directGet(ctx, func(ctx context.Context) (iter.Seq2[*jetstream.RawStreamMsg, error], error) {
		return jetstreamext.GetLastMsgsFor(ctx, s.js, s.spec.Name, []string{s.ProjectFilter(p)})
	})
	if err != nil {
		return fail(err)
	}
	if morePending(lasts) {
		return fail(errIncomplete)
	}
	var subjects []string
	for _, m := range lasts {
		if m.Sequence >= from {
			subjects = append(subjects, m.Subject)
		}
	}
	type raw struct {
		subject string
		seq     uint64
		at      time.Time
		data    []byte
	}
	var msgs []raw
	for _, subject := range subjects {
		next := from
		for {
			// A page that stops short of the batch with messages still
			// pending (cut by the server's byte limit, or by the timeout)
			// is continued from its last message.
			batch, err := s.directGet(ctx, func(ctx context.Context) (iter.Seq2[*jetstream.RawStreamMsg, error], error) {
				return jetstreamext.GetBatch(ctx, s.js, s.spec.Name, historyBatch,
					jetstreamext.GetBatchSeq(next), jetstreamext.GetBatchSubject(subject))
			})
			if err != nil {
				return fail(err)
			}
			for _, m := range batch {
				msgs = append(msgs, raw{m.Subject, m.Sequence, m.Time, m.Data})
				next = m.Sequence + 1
			}
			if !morePending(batch) {
				break
			}
		}
	}
	slices.SortFunc(msgs, func(a, b raw) int { return cmp.Compare(a.seq, b.seq) })
	var out []Record
	var last uint64
	gap := false
	for _, m := range msgs {
		last = m.seq
		rec, err := s.decode(m.subject, m.seq, m.at, m.data)
		if errors.Is(err, ErrUndecodable) {
			continue // not an event of this project; verify names it
		}
		if err != nil {
			return fail(err)
		}
		if n := len(out); n > 0 && !bytes.Equal(rec.PrevHash, out[n-1].Hash) {
			gap = true
		}
		out = append(out, rec)
	}
	return out, last, gap, nil
}

func (s *Store) decode(subject string, seq uint64, at time.Time, data []byte) (Record, error) {
	rec := Record{Sequence: seq, Subject: subject, StoredAt: at.UTC()}
	e, err := s.codec.Decode(data)
	if err != nil {
		return rec, fmt.Errorf("stream sequence %d (%s): %w", seq, subject, err)
	}
	if want := s.Subject(e.Project, e.Type); want != subject {
		return rec, fmt.Errorf("stream sequence %d: %w: subject %s does not match its event (%s)", seq, ErrUndecodable, subject, want)
	}
	rec.Event = e
	return rec, nil
}

// Append stores events, which one command yielded for one project, after
// the project's Version expect: all of them or none. It links each event to
// the previous one by hash, so it overwrites their PrevHash and Hash.
//
// If another writer appended to the project since expect, Append returns a
// *ConflictError, unless the events found there are this very command's
// (a retry of an append whose first try was stored): then it returns those,
// as stored, and no error.
func (s *Store) Append(ctx context.Context, expect Version, events []domain.Event) ([]Record, error) {
	recs, _, err := s.append(ctx, expect, events)
	return recs, err
}

// append is Append that also reports whether the events were found already
// stored rather than written now.
func (s *Store) append(ctx context.Context, expect Version, events []domain.Event) ([]Record, bool, error) {
	if len(events) == 0 {
		return nil, false, nil
	}
	p := events[0].Project
	msgs, err := s.seal(expect, events)
	if err != nil {
		return nil, false, err
	}
	pub, err := s.publish(ctx, msgs)
	if err == nil && !pub.duplicate {
		out := make([]Record, len(events))
		for i, e := range events {
			out[i] = Record{Event: e, Sequence: pub.first + uint64(i), Subject: msgs[i].Subject}
		}
		return out, false, nil
	}
	if err != nil && !isConflict(err) && !isDuplicate(err) {
		return nil, false, fmt.Errorf("append %s to %s: %w", events[0].Type, p, err)
	}
	// Either the server said this is a duplicate, or it refused the expected
	// sequence. A single-replica stream checks the sequence before the
	// Msg-Id, so a retry of a stored command lands here too: look for it.
	stored, lerr := s.findCommand(ctx, p, expect.Sequence+1, events[0].CommandID)
	if lerr != nil {
		return nil, false, lerr
	}
	if len(stored) == len(events) {
		// After a resend, the try whose answer was lost stored them: this
		// append wrote them, they were not there before.
		return stored, pub.tries == 1, nil
	}
	if err == nil || isConflict(err) {
		// A conflict, or a duplicate ack whose original is not (yet)
		// visible here: either way, deciding again on fresh state is right.
		return nil, false, &ConflictError{Project: p, Expected: expect.Sequence}
	}
	return nil, false, fmt.Errorf("append %s to %s: a message id is already taken by another event: %w", events[0].Type, p, err)
}

// seal links events, which one command yielded for one project, after
// version expect, and builds their messages; the first carries the
// project's expected last sequence.
func (s *Store) seal(expect Version, events []domain.Event) ([]*nats.Msg, error) {
	p := events[0].Project
	prev := expect.Hash
	if len(prev) == 0 { // no readable event yet: link to the genesis value
		prev = Genesis(p)
	}
	msgs := make([]*nats.Msg, len(events))
	for i := range events {
		if events[i].Project != p || events[i].CommandID != events[0].CommandID {
			return nil, fmt.Errorf("append: events of one command for one project expected, got %s/%s and %s/%s",
				p, events[0].CommandID, events[i].Project, events[i].CommandID)
		}
		body, err := s.codec.Seal(&events[i], prev)
		if err != nil {
			return nil, err
		}
		prev = events[i].Hash
		msgs[i] = s.message(events[i], body)
	}
	msgs[0].Header.Set(jetstream.ExpectedLastSubjSeqSubjHeader, s.ProjectFilter(p))
	msgs[0].Header.Set(jetstream.ExpectedLastSubjSeqHeader, strconv.FormatUint(expect.Sequence, 10))
	return msgs, nil
}

// publishOnce sends one message, or several as one atomic batch, once, and
// returns the stream sequence of the first and whether the server saw a
// duplicate.
func (s *Store) publishOnce(ctx context.Context, msgs []*nats.Msg) (uint64, bool, error) {
	if len(msgs) == 1 {
		// An asynchronous publish awaited here: concurrent appends share
		// the connection's one reply subscription and the server sees them
		// back to back, at about 20% less CPU per append than a request
		// each (BenchmarkExecuteParallel); the publish timeout bounds it.
		f, err := s.js.PublishMsgAsync(msgs[0])
		if err != nil {
			return 0, false, err
		}
		select {
		case ack := <-f.Ok():
			return ack.Sequence, ack.Duplicate, nil
		case err := <-f.Err():
			return 0, false, err
		case <-ctx.Done():
			return 0, false, ctx.Err()
		}
	}
	// The batch's commit is a request bounded by ctx: one try waits the
	// publish timeout, as a single message does, and the retry loop
	// around it decides whether to try again.
	ctx, cancel := context.WithTimeout(ctx, s.publishTimeout)
	defer cancel()
	for attempt := 0; ; attempt++ {
		ack, err := jetstreamext.PublishMsgBatch(ctx, s.js, msgs)
		if c := apiCode(err); (c == jetstreamext.JSErrCodeAtomicPublishTooManyInflight || c == jetstreamext.JSErrCodeBatchPublishTooManyInflight) && attempt < 100 {
			// The server holds a bounded number of open atomic batches
			// per stream (50 by default) and rejected this one whole:
			// sending it again later is safe.
			if err := backoff(ctx, min(attempt, 4)); err != nil {
				return 0, false, err
			}
			continue
		}
		if err != nil {
			return 0, false, err
		}
		return ack.Sequence - uint64(len(msgs)) + 1, false, nil
	}
}

// findCommand returns the events of command id stored for project p at or
// after stream sequence from.
func (s *Store) findCommand(ctx context.Context, p domain.ProjectID, from uint64, commandID string) ([]Record, error) {
	recs, _, err := s.loadFrom(ctx, p, from)
	if err != nil {
		return nil, err
	}
	return commandRecords(recs, commandID), nil
}

func apiCode(err error) jetstream.ErrorCode {
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode
	}
	return 0
}

func isConflict(err error) bool {
	c := apiCode(err)
	return c == jetstream.JSErrCodeStreamWrongLastSequence || c == jetstream.JSErrCodeStreamWrongLastSequenceConstant
}

// codeBatchDuplicateMsgID is JetStream's "atomic publish batch contains a
// duplicate message" (10201).
const codeBatchDuplicateMsgID = jetstreamext.JSErrCodeBatchPublishDuplicateMsgID

func isDuplicate(err error) bool { return apiCode(err) == codeBatchDuplicateMsgID }

// Read yields every event from stream sequence from up to the last event
// stored when Read was called, in stream order. A message that is not a
// readable ledger event is yielded as an error wrapping ErrUndecodable, with
// the Record's Sequence and Subject set; the caller may skip it and go on.
func (s *Store) Read(ctx context.Context, from uint64) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		last, err := s.LastSequence(ctx)
		if err != nil {
			yield(Record{}, err)
			return
		}
		if from == 0 {
			from = 1
		}
		if last < from {
			return
		}
		for rec, err := range s.Follow(ctx, from) {
			if !yield(rec, err) || rec.Sequence >= last {
				return
			}
		}
	}
}

// Follow yields every event from stream sequence from on, in stream order,
// then waits for new ones until ctx ends. Errors are yielded as by Read; a
// failure to consume ends the sequence with that error.
func (s *Store) Follow(ctx context.Context, from uint64) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		if from == 0 {
			from = 1
		}
		cons, err := s.js.OrderedConsumer(ctx, s.spec.Name, jetstream.OrderedConsumerConfig{
			DeliverPolicy: jetstream.DeliverByStartSequencePolicy,
			OptStartSeq:   from,
		})
		if err != nil {
			yield(Record{}, fmt.Errorf("follow %s: %w", s.spec.Name, err))
			return
		}
		it, err := cons.Messages(jetstream.PullMaxMessages(1024))
		if err != nil {
			yield(Record{}, fmt.Errorf("follow %s: %w", s.spec.Name, err))
			return
		}
		defer it.Stop()
		stop := context.AfterFunc(ctx, it.Stop)
		defer stop()
		for {
			m, err := it.Next()
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				yield(Record{}, fmt.Errorf("follow %s: %w", s.spec.Name, err))
				return
			}
			meta, err := m.Metadata()
			if err != nil {
				yield(Record{}, fmt.Errorf("follow %s: %w", s.spec.Name, err))
				return
			}
			if !yield(s.decode(m.Subject(), meta.Sequence.Stream, meta.Timestamp, m.Data())) {
				return
			}
		}
	}
}
