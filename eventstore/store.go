package eventstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/synadia-io/orbit.go/jetstreamext"

	"github.com/keyprojects/ledger/domain"
)

// Store is the ledger's event store on one JetStream stream. It is safe for
// concurrent use.
type Store struct {
	js    jetstream.JetStream
	spec  StreamSpec
	codec *Codec
	clock domain.Clock
	cache *projectCache

	// checkStream is false when the store was opened WithoutStreamCheck.
	checkStream bool
	// askLeader is false when the store was opened WithoutLeaderChecks.
	askLeader bool

	publishTimeout time.Duration
	retryBudget    time.Duration
	retryReport    func(Retry)

	// readOnly refuses every append: the stream is a mirror of another
	// ledger's (a county's, at its city).
	readOnly *ReadOnlyError
}

// ConnectOptions returns the NATS connection options a Store's connection
// should have. Every history read and batched direct get answers into a
// fresh synchronous subscription, whose queue nats.go allocates whole at its
// default length of 65,536 messages (512 KB) each time; the ledger's
// largest answer is about 1,000 messages, so a queue of 8,192 holds any of
// them, at an eighth of the cost per read.
//
// A message whose header block the client cannot parse (a raw publish on
// a ledger subject; the ledger's own never are) is delivered without
// headers, and nats.go would print a line naming only an inbox each time
// it is read; the ledger's readers report it by its stream sequence
// instead, so that note is dropped. Other asynchronous errors are printed
// as nats.go prints them.
func ConnectOptions() []nats.Option {
	return []nats.Option{nats.SyncQueueLen(8192), nats.ErrorHandler(AsyncError)}
}

// AsyncError is the error handler ConnectOptions installs: it prints what
// the server or client reports outside any request, except a message with
// a header block the client cannot parse (see ConnectOptions).
func AsyncError(_ *nats.Conn, _ *nats.Subscription, err error) {
	if !errors.Is(err, nats.ErrBadHeaderMsg) {
		fmt.Fprintln(os.Stderr, err)
	}
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

// Open connects a Store to JetStream over nc, creating the ledger stream if
// it does not exist and refusing one whose settings are too weak.
func Open(ctx context.Context, nc *nats.Conn, opts ...Option) (*Store, error) {
	s := &Store{spec: StreamSpec{}.withDefaults(), codec: NewCodec(), clock: domain.SystemClock{},
		cache: newProjectCache(DefaultCacheSize), publishTimeout: DefaultPublishTimeout, retryBudget: DefaultRetryBudget,
		checkStream: true, askLeader: true}
	for _, o := range opts {
		o(s)
	}
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncTimeout(s.publishTimeout))
	if err != nil {
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	s.js = js
	if s.checkStream {
		st, err := EnsureStream(ctx, js, s.spec)
		if err != nil {
			return nil, err
		}
		if m := st.CachedInfo().Config.Mirror; m != nil {
			s.readOnly = &ReadOnlyError{Stream: s.spec.Name, Origin: mirrorOrigin(m)}
		}
	}
	return s, nil
}

// Spec returns the settings the store holds the ledger stream to.
func (s *Store) Spec() StreamSpec { return s.spec }

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
	st, err := s.js.Stream(ctx, s.spec.Name)
	if err != nil {
		return 0, fmt.Errorf("stream info: %w", err)
	}
	return st.CachedInfo().State.LastSeq, nil
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

// History is a project's history as Load reads it.
type History struct {
	Records []Record
	Version Version
	// Foreign are the stream sequences of the messages on the project's
	// subjects that are not ledger events at all (published there by
	// something else; the stream keeps them for good). Every reader
	// leaves them out; verify names each.
	Foreign []uint64
}

// Load reads project p's history in order and returns it with the project's
// Version. A project with no events has an empty history and the zero
// Version.
//
// A message on the project's subjects that is not a readable ledger event
// is left out of the history, but counts for the Version's sequence, which
// the next append must name; every reader (the projections, the watcher,
// a subscription) leaves out the same messages. An event that does not
// link to the one before it on the project's hash chain (an event before
// it lost or altered, or a message forged in the ledger's format) ends
// the history: Load returns the events before it and a *ChainBreakError
// naming it, and Execute appends nothing to the project.
//
// The history is read with direct gets, which a replica or a mirror of the
// stream may answer from behind or in part; Load then asks the stream's
// leader for what the direct read missed (leader.go). A store opened
// WithoutLeaderChecks trusts the direct read.
func (s *Store) Load(ctx context.Context, p domain.ProjectID) ([]Record, Version, error) {
	h, _, err := s.load(ctx, p, true)
	return h.Records, h.Version, err
}

// History is Load that also names the foreign messages on p's subjects.
func (s *Store) History(ctx context.Context, p domain.ProjectID) (History, error) {
	h, _, err := s.load(ctx, p, true)
	return h, err
}

// load reads p's history with direct gets. With confirm it asks the
// stream's leader for the project's last sequence and reads from the
// leader what the direct read missed; whatever confirm, it reads the whole
// history from the leader when the direct read does not link up (a mirror
// of some of the stream's subjects may have answered part of it: the
// expected-sequence check of an append would not catch that, only a wrong
// link). It reports whether the leader was asked. Execute reads with
// confirm false first: an append decided on a read from behind is refused
// by the leader's expected-sequence check anyway.
func (s *Store) load(ctx context.Context, p domain.ProjectID, confirm bool) (History, bool, error) {
	h, err := s.loadFrom(ctx, p, 1, nil, s.historyDirect, directGapRereads)
	if err != nil || !s.askLeader || (!confirm && !h.gap()) {
		return s.whole(ctx, p, h, false, err)
	}
	if !h.gap() {
		h, err = s.catchUpWithLeader(ctx, p, h)
	}
	if err == nil && h.gap() {
		h, err = s.loadFrom(ctx, p, 1, nil, s.historyFromLeader, 0)
	}
	return s.whole(ctx, p, h, true, err)
}

// whole returns what load read, or a *ChainBreakError when the history
// does not link up: the events before the break, for a reader to show
// with the error, and no Version to append after.
func (s *Store) whole(ctx context.Context, p domain.ProjectID, h historyRead, asked bool, err error) (History, bool, error) {
	if err != nil {
		return History{}, asked, err
	}
	if b := h.broken; b != nil {
		b.Project = p
		if len(h.recs) > 0 {
			b.After = h.recs[len(h.recs)-1].Sequence
		}
		// Naming the lost messages is worth a read: it only happens on a
		// damaged store.
		if missing, merr := s.missingBetween(ctx, b.After, b.Sequence); merr == nil {
			b.Missing = missing
		}
		return History{Records: h.recs, Foreign: h.foreign}, asked, b
	}
	return History{Records: h.recs, Version: h.version(), Foreign: h.foreign}, asked, nil
}

// historyRead is what a read of a project's messages found.
type historyRead struct {
	recs []Record // the events on the project's chain up to its first break, in order
	last uint64   // the last message on the project's subjects, readable or not
	// foreign are the messages on the project's subjects that are not
	// ledger events at all (a raw publish), which every reader skips.
	foreign []uint64
	// broken is the first event that did not link to the chain, on every
	// read (nil: the history links up).
	broken *ChainBreakError
}

// gap reports whether the history does not link up.
func (h historyRead) gap() bool { return h.broken != nil }

// version returns the project's Version as h shows it.
func (h historyRead) version() Version {
	if len(h.recs) == 0 {
		return Version{Sequence: h.last}
	}
	return Version{Sequence: h.last, Hash: h.recs[len(h.recs)-1].Hash}
}

// directGapRereads is how many times loadFrom reads a history with direct
// gets again when it does not link up (a replica catching up between two
// requests) before it leaves the messages off the chain out.
const directGapRereads = 5

// loadFrom reads project p's events from stream sequence from on with
// read, where the chain continues from prev (nil: from the project's
// genesis value), and the sequence of the last message on its subjects,
// readable or not (0 when there is none). A history that does not link up
// is read again up to rereads times before the messages off the chain are
// left out (and h.broken set).
//
// A direct read (historyDirect) goes subject by subject: first the last message
// of each of the project's subjects (ledger.<p>.<type>), then, unless
// those are the whole history, each one's messages. The server
// finds the messages of one literal subject from its subject index,
// whereas a wildcard filter makes it scan every message interleaved with
// the project's: at 240,000 events 8.5 ms per history against 0.9 ms. The first request answers from one state of the stream, and
// messages after the last it names are left for the next read, so the
// subjects read at slightly different moments still give one consistent
// history.
//
// On a cluster a read can go unanswered (the replica it went to died, or
// dropped it while catching up); such a read is sent again within the
// retry budget, as an append is.
func (s *Store) loadFrom(ctx context.Context, p domain.ProjectID, from uint64, prev []byte, read historyReader, rereads int) (historyRead, error) {
	start := time.Now()
	for gaps, tries := 0, 1; ; tries++ {
		h, err := s.loadOnce(ctx, p, from, prev, read)
		if err != nil && unanswered(err) && ctx.Err() == nil {
			waited := time.Since(start)
			if waited >= s.retryBudget {
				return historyRead{}, fmt.Errorf("read history of %s: no complete answer from stream %s in %s (%s): %w",
					p, s.spec.Name, waited.Round(100*time.Millisecond), triesText(tries), err)
			}
			if s.retryReport != nil {
				s.retryReport(Retry{Subject: s.ProjectFilter(p), Attempt: tries, Waited: waited, Err: err})
			}
			if err := retryPause(ctx, tries, s.retryBudget-waited); err != nil {
				return historyRead{}, err
			}
			continue
		}
		if err != nil {
			return historyRead{}, fmt.Errorf("read history of %s: %w", p, err)
		}
		if !h.gap() || gaps >= rereads {
			return h, nil
		}
		gaps++
	}
}

// directGet is DirectGet bounded by the store's publish timeout.
func (s *Store) directGet(ctx context.Context,
	get func(context.Context) (iter.Seq2[*jetstream.RawStreamMsg, error], error),
) ([]*jetstream.RawStreamMsg, error) {
	return DirectGet(ctx, s.publishTimeout, get)
}

// historyReader returns the messages on project p's subjects from stream
// sequence from on, in stream order; prev is the hash the chain continues
// from there (nil: the project's genesis value).
type historyReader func(ctx context.Context, p domain.ProjectID, from uint64, prev []byte) ([]rawMessage, error)

func (s *Store) loadOnce(ctx context.Context, p domain.ProjectID, from uint64, prev []byte, read historyReader) (historyRead, error) {
	msgs, err := read(ctx, p, from, prev)
	if errors.Is(err, jetstreamext.ErrInvalidResponse) {
		// A message on the project's subjects has a header block the
		// client cannot parse (a raw publish: the ledger's never do), so
		// a direct get of it fails as a whole. A consumer delivers it
		// with its stream position all the same: slower, but only here.
		msgs, err = s.historyConsumer(ctx, p, from)
	}
	if err != nil {
		return historyRead{}, err
	}
	var h historyRead
	for _, m := range msgs {
		h.last = m.Sequence
		rec, err := s.read(m)
		if err != nil {
			h.foreign = append(h.foreign, m.Sequence) // not an event of this project; verify names it
			continue
		}
		if h.broken != nil {
			continue
		}
		link := prev
		if n := len(h.recs); n > 0 {
			link = h.recs[n-1].Hash
		}
		if err := CheckLink(rec, link); err != nil {
			// Read again by the caller, in case a replica was catching
			// up; if it stays, the history stops here.
			h.broken = &ChainBreakError{Sequence: rec.Sequence, Subject: rec.Subject, Problem: linkProblem(err)}
			continue
		}
		h.recs = append(h.recs, rec)
	}
	return h, nil
}

// linkProblem is what CheckLink's error says after its stream position.
func linkProblem(err error) string {
	msg := err.Error()
	if _, rest, ok := strings.Cut(msg, ErrOffChain.Error()+": "); ok {
		return rest
	}
	return msg
}

// historyDirect reads the messages on project p's subjects from stream
// sequence from on with batched direct gets, in stream order, up to the
// project's last message when the read began.
//
// It first asks for the last message of each of the project's subjects,
// in one request. Reading a whole history (from the first sequence, prev
// nil), when those messages are all events that link up into one chain
// from the project's genesis value, they are the whole history: each
// subject held one message. Otherwise every subject that holds messages
// from the sequence on is read, all subjects at once.
func (s *Store) historyDirect(ctx context.Context, p domain.ProjectID, from uint64, prev []byte) ([]rawMessage, error) {
	lasts, err := s.directGet(ctx, func(ctx context.Context) (iter.Seq2[*jetstream.RawStreamMsg, error], error) {
		return jetstreamext.GetLastMsgsFor(ctx, s.js, s.spec.Name, []string{s.ProjectFilter(p)})
	})
	if err != nil {
		return nil, err
	}
	if MorePending(lasts) {
		return nil, fmt.Errorf("%w: the last messages of %s's subjects", ErrReadCutShort, p)
	}
	var tails []rawMessage
	var upTo uint64
	for _, m := range lasts {
		upTo = max(upTo, m.Sequence)
		if m.Sequence >= from {
			tails = append(tails, rawMessage{Subject: m.Subject, Sequence: m.Sequence, Time: m.Time, Header: m.Header, Data: m.Data})
		}
	}
	slices.SortFunc(tails, func(a, b rawMessage) int { return cmp.Compare(a.Sequence, b.Sequence) })
	if from <= 1 && prev == nil && s.linkUp(tails) {
		return tails, nil
	}
	per := make([][]rawMessage, len(tails))
	errs := make([]error, len(tails))
	var wg sync.WaitGroup
	for i, t := range tails {
		wg.Go(func() { per[i], errs[i] = s.readSubject(ctx, t.Subject, from, upTo) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	msgs := slices.Concat(per...)
	slices.SortFunc(msgs, func(a, b rawMessage) int { return cmp.Compare(a.Sequence, b.Sequence) })
	return msgs, nil
}

// linkUp reports whether msgs, in stream order, are events that form one
// chain from their project's genesis value. A message that is not a
// ledger event may hide events before it on its subject, so it fails the
// test.
func (s *Store) linkUp(msgs []rawMessage) bool {
	var prev []byte
	for _, m := range msgs {
		rec, err := s.read(m)
		if err != nil || CheckLink(rec, prev) != nil {
			return false
		}
		prev = rec.Hash
	}
	return true
}

// readSubject reads one literal subject's messages from stream sequence
// from up to upTo.
func (s *Store) readSubject(ctx context.Context, subject string, from, upTo uint64) ([]rawMessage, error) {
	var out []rawMessage
	next := from
	for {
		// A page that stops short of the batch with messages still
		// pending (cut by the server's byte limit) is continued from its
		// last message.
		batch, err := s.directGet(ctx, func(ctx context.Context) (iter.Seq2[*jetstream.RawStreamMsg, error], error) {
			return jetstreamext.GetBatch(ctx, s.js, s.spec.Name, historyBatch,
				jetstreamext.GetBatchSeq(next), jetstreamext.GetBatchSubject(subject))
		})
		if err != nil {
			return nil, err
		}
		for _, m := range batch {
			if m.Sequence <= upTo {
				out = append(out, rawMessage{Subject: m.Subject, Sequence: m.Sequence, Time: m.Time, Header: m.Header, Data: m.Data})
			}
			next = m.Sequence + 1
		}
		if !MorePending(batch) || next > upTo {
			return out, nil
		}
	}
}

// historyConsumer reads what historyDirect does, through an ordered
// consumer on the project's subjects.
func (s *Store) historyConsumer(ctx context.Context, p domain.ProjectID, from uint64) ([]rawMessage, error) {
	all, err := s.rawMessages(ctx, p, from)
	if err != nil {
		return nil, err
	}
	var msgs []rawMessage
	for m, err := range all {
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, m)
	}
	return msgs, nil
}

// read decides whether m is a ledger event; see readMessage.
func (s *Store) read(m rawMessage) (Record, error) { return readMessage(s.spec, s.codec, m) }

// readMessage decides whether m, one message of the stream of spec as a
// reader received it, is a readable ledger event: its body must decode,
// and its subject must be the one the event's project and type give
// (<prefix>.<project>.<type>). The headers play no part: the body is the
// authority, and Verify compares the headers with it. An error names the
// stream sequence and matches ErrUndecodable; the Record has the message's
// Sequence, Subject and StoredAt even then.
func readMessage(spec StreamSpec, codec *Codec, m rawMessage) (Record, error) {
	rec := Record{Sequence: m.Sequence, Subject: m.Subject, StoredAt: m.Time.UTC()}
	e, err := codec.Decode(m.Data)
	if err != nil {
		return rec, fmt.Errorf("stream sequence %d (%s): %w", m.Sequence, m.Subject, err)
	}
	if !isSubjectOf(m.Subject, spec.Subject, e) {
		want := spec.Subject + "." + string(e.Project) + "." + string(e.Type)
		return rec, fmt.Errorf("stream sequence %d: %w: subject %s does not match its event (%s)", m.Sequence, ErrUndecodable, m.Subject, want)
	}
	rec.Event = e
	return rec, nil
}

// isSubjectOf reports whether subject is <prefix>.<project>.<type> of
// event e, without building that string for every event read.
func isSubjectOf(subject, prefix string, e domain.Event) bool {
	for _, token := range []string{prefix, string(e.Project)} {
		rest, ok := strings.CutPrefix(subject, token)
		if !ok || !strings.HasPrefix(rest, ".") {
			return false
		}
		subject = rest[1:]
	}
	return subject == string(e.Type)
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
	stored, lerr := s.findCommand(ctx, p, expect.Sequence+1, expect.Hash, events[0].CommandID)
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
		msgs[i] = s.Message(events[i], body)
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
	// The batch's commit is a request bounded by a timeout of its own:
	// one try waits the publish timeout, as a single message does, plus a
	// little per message (the server stages a batch of 999 messages before
	// it commits it, seconds on a loaded machine), and the retry loop
	// around it decides whether to try again. Being told to come back
	// later (too many batches open) does not use up that time.
	for attempt := 0; ; attempt++ {
		tctx, cancel := context.WithTimeout(ctx, s.publishTimeout+time.Duration(len(msgs))*5*time.Millisecond)
		ack, err := jetstreamext.PublishMsgBatch(tctx, s.js, msgs)
		cancel()
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
// after stream sequence from, where the chain continues from prev.
func (s *Store) findCommand(ctx context.Context, p domain.ProjectID, from uint64, prev []byte, commandID string) ([]Record, error) {
	// Right after a resend or a conflict, a replica or mirror may not
	// hold the command's events yet; the leader does.
	read, rereads := s.historyDirect, directGapRereads
	if s.askLeader {
		read, rereads = s.historyFromLeader, 0
	}
	h, err := s.loadFrom(ctx, p, from, prev, read, rereads)
	if err != nil {
		return nil, err
	}
	return commandRecords(h.recs, commandID), nil
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
// readable ledger event, or not on its project's hash chain (ErrOffChain),
// is yielded as an error wrapping ErrUndecodable, with the Record's
// Sequence and Subject set; the caller may skip it and go on, and sees
// what Load does. Sequences the stream says it holds but does not deliver
// (a damaged store) end the read with a *GapError naming them, also when
// they are the last: when nothing arrives for a few seconds before the
// end, the stream's leader is asked for the next message, and the read
// goes on if it holds one (a consumer that lost its server in a leader
// change), within the store's retry budget. (Read from a later sequence than the first
// does not know the events before it: the first event it meets of each
// project is taken as it is.)
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
		chain := newChains(from == 1)
		next := from
		start := time.Now()
		for tries := 1; ; tries++ {
			stalled, done := s.readSpan(ctx, next, last, chain, yield)
			if done {
				return
			}
			if ctx.Err() != nil {
				yield(Record{}, ctx.Err())
				return
			}
			if stalled.next > next {
				tries, start = 0, time.Now() // it moved on before it stalled
			}
			next = stalled.next
			// A consumer can lose its server (a leader change, a reconnect)
			// and stop delivering: read on when the leader still holds the
			// next message, and call it lost only when it does not.
			held, err := s.LeaderHolds(ctx, next)
			waited := time.Since(start)
			if (err == nil && !held) || (err != nil && !unanswered(err)) || waited >= s.retryBudget {
				yield(Record{}, &GapError{Stream: s.spec.Name, From: next, To: last})
				return
			}
			if s.retryReport != nil {
				s.retryReport(Retry{Subject: s.spec.Name, Attempt: tries, Waited: waited, Err: fmt.Errorf("no message for %s from sequence %d", readIdle, next)})
			}
			if err := retryPause(ctx, tries, s.retryBudget-waited); err != nil {
				yield(Record{}, err)
				return
			}
		}
	}
}

// readStall is where a span of Read stopped receiving messages.
type readStall struct{ next uint64 }

// readSpan yields Follow's events from next on, checking chain, until the
// event at last (done), the caller stops (done), ctx ends, or nothing
// arrives for readIdle (stalled at the returned sequence).
func (s *Store) readSpan(ctx context.Context, next, last uint64, chain *chains, yield func(Record, error) bool) (readStall, bool) {
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var stalled atomic.Bool
	idle := time.AfterFunc(readIdle, func() { stalled.Store(true); cancel() })
	defer idle.Stop()
	for rec, err := range s.Follow(fctx, next) {
		idle.Reset(readIdle)
		if err == nil {
			err = chain.next(rec)
		}
		if !yield(rec, err) || rec.Sequence >= last {
			return readStall{}, true
		}
		if rec.Sequence != 0 {
			next = rec.Sequence + 1
		}
	}
	// Follow ended: stalled, ctx ended (the caller sees ctx.Err), or
	// after an error it yielded (a gap, a failure to consume).
	return readStall{next: next}, !stalled.Load() && ctx.Err() == nil
}

// LeaderHolds reports whether the stream's leader holds a message at
// stream sequence seq, for a reader whose consumer stopped delivering: a
// consumer can lose its server in a leader change, while a message the
// leader does not hold is lost. An error when the leader gave no answer.
func (s *Store) LeaderHolds(ctx context.Context, seq uint64) (bool, error) {
	m, err := s.leaderGet(ctx, leaderGetRequest{Seq: seq})
	if err != nil {
		return false, err
	}
	return m != nil && m.Sequence == seq, nil
}

// Follow yields every event from stream sequence from on, in stream order,
// then waits for new ones until ctx ends. A message that is not a readable
// ledger event is yielded as an error wrapping ErrUndecodable; a failure to
// consume ends the sequence with that error, and so does a sequence the
// stream skips (a message it can no longer read: the ledger's stream never
// deletes), with a *GapError naming the run of sequences. Follow does not check the
// hash chain: a follower that keeps each project's last hash checks each
// event with CheckLink.
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
		next := from
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
			seq := meta.Sequence.Stream
			if seq > next {
				yield(Record{Sequence: next}, &GapError{Stream: s.spec.Name, From: next, To: seq - 1})
				return
			}
			next = seq + 1
			if !yield(s.read(rawMessage{Subject: m.Subject(), Sequence: seq, Time: meta.Timestamp, Header: m.Headers(), Data: m.Data()})) {
				return
			}
		}
	}
}
