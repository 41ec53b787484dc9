package eventstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"iter"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/synadia-io/orbit.go/jetstreamext"

	"github.com/keyprojects/ledger/domain"
)

// Break is the first place a project's chain does not hold: the event, and
// what differs.
type Break struct {
	Project  domain.ProjectID `json:"project"`
	Sequence uint64           `json:"sequence"`
	Subject  string           `json:"subject"`
	Type     domain.EventType `json:"type,omitempty"`
	Problem  string           `json:"problem"`
	// After is the stream sequence of the project's last event that
	// holds, when the break is a broken link (0: none, or not a link).
	After uint64 `json:"after,omitempty"`
	// Missing are the stream sequences, between After and Sequence, that
	// the stream does not return: the events lost before a broken link,
	// or, for a break of no project, the run of sequences a read of the
	// whole stream did not receive.
	Missing []uint64 `json:"missing,omitempty"`
}

// Error formats the break as one line.
func (b Break) Error() string {
	if b.Subject == "" {
		return b.Problem
	}
	msg := fmt.Sprintf("project %s: stream sequence %d (%s): %s", b.Project, b.Sequence, b.Subject, b.Problem)
	if len(b.Missing) > 0 {
		msg += "; stream " + sequencesText(b.Missing) + " missing or unreadable"
	}
	return msg
}

// Verification is the result of a verify run.
type Verification struct {
	Projects int     `json:"projects"`
	Events   int     `json:"events"`
	Breaks   []Break `json:"breaks"` // the first break per project, in stream order
	// Foreign are the stream sequences of the messages that are not
	// readable ledger events at all (each also breaks its project's
	// verification, the first of a project named among Breaks).
	Foreign []uint64 `json:"foreign"`
}

// chainChecker follows each project's chain through a stream read in order.
type chainChecker struct {
	codec    *Codec
	sha      hash.Hash // reused for each event's hash
	spec     StreamSpec
	projects map[domain.ProjectID]*chainState
	// noProject stands for the messages whose project cannot be told:
	// the first of them is named among the breaks.
	noProject chainState
	linked    map[[sha256.Size]byte]uint64 // predecessor hash -> sequence of the event linking to it
	links     []int                        // the indexes in v.Breaks of broken links
	v         Verification
}

// chainState is where a project's chain stands in the read.
type chainState struct {
	last   []byte // hash of the project's last good event (nil: none yet)
	seq    uint64 // its stream sequence
	broken bool
}

func newChainChecker(codec *Codec, spec StreamSpec) *chainChecker {
	return &chainChecker{codec: codec, sha: sha256.New(), spec: spec,
		projects: map[domain.ProjectID]*chainState{}, linked: map[[sha256.Size]byte]uint64{}}
}

// project returns project p's state, adding p to the projects seen.
func (c *chainChecker) project(p domain.ProjectID) (st *chainState, first bool) {
	if st, ok := c.projects[p]; ok {
		return st, false
	}
	st = &chainState{}
	c.projects[p] = st
	return st, true
}

// result returns what the checker found.
func (c *chainChecker) result() Verification {
	c.v.Projects = len(c.projects)
	return c.v
}

// check takes the next message of the stream. Once a project's chain has
// broken, its later events are not judged: the first break is the finding.
func (c *chainChecker) check(subject string, seq uint64, header map[string][]string, data []byte) {
	c.v.Events++
	e, payload, err := c.codec.decodeStored(data)
	if err != nil {
		c.v.Foreign = append(c.v.Foreign, seq)
		c.fail(projectOfSubject(c.spec, subject), seq, subject, "", err.Error())
		return
	}
	p := e.Project
	st, first := c.project(p)
	if st.broken {
		return
	}
	if first {
		// Checked once per project: the subject check below holds every
		// later event to the same id.
		if _, err := domain.ParseProjectID(string(p)); err != nil {
			c.fail(p, seq, subject, e.Type, "not a ledger project: "+err.Error())
			return
		}
	}
	if !onSubject(subject, c.spec.Subject, e.Project, e.Type) {
		want := c.spec.Subject + "." + string(e.Project) + "." + string(e.Type)
		c.fail(p, seq, subject, e.Type, fmt.Sprintf("stored on subject %s, but the event says %s", subject, want))
		return
	}
	h, ok := sealedHash(c.sha, data, e.ID, len(payload))
	if !ok || !bytes.Equal(h, e.Hash) {
		// Not the bytes sealed: hash the event as decoded, encoded again,
		// which names what was altered when that differs too.
		if h, err = c.codec.Hash(e); err != nil {
			c.fail(p, seq, subject, e.Type, "cannot re-encode: "+err.Error())
			return
		}
	}
	if !bytes.Equal(h, e.Hash) {
		c.fail(p, seq, subject, e.Type, fmt.Sprintf("content altered: its hash is %s but it says %s", short(h), short(e.Hash)))
		return
	}
	prev := st.last
	if prev == nil {
		prev = Genesis(p)
	}
	if !bytes.Equal(e.PrevHash, prev) {
		what := "the previous event of the project"
		if st.last == nil {
			what = "the project's genesis value (it is the project's first event here)"
		}
		why := "an event removed, reordered or inserted before it"
		if by, ok := c.linked[hashKey(e.PrevHash)]; ok && len(e.PrevHash) == sha256.Size {
			why = fmt.Sprintf("the event at sequence %d links to the same predecessor: it was inserted", by)
		}
		c.fail(p, seq, subject, e.Type, fmt.Sprintf("link broken: it links to %s but %s hashes to %s (%s)",
			short(e.PrevHash), what, short(prev), why))
		c.v.Breaks[len(c.v.Breaks)-1].After = st.seq
		c.links = append(c.links, len(c.v.Breaks)-1)
		return
	}
	if problem := headerMismatch(header, e); problem != "" {
		c.fail(p, seq, subject, e.Type, problem)
		return
	}
	st.last = e.Hash
	st.seq = seq
	c.linked[hashKey(e.PrevHash)] = seq
}

// onSubject reports whether subject is <first>.<p>.<t>.
func onSubject(subject, first string, p domain.ProjectID, t domain.EventType) bool {
	n, m := len(first), len(first)+1+len(p)
	return len(subject) == m+1+len(t) && subject[:n] == first && subject[n] == '.' &&
		subject[n+1:m] == string(p) && subject[m] == '.' && subject[m+1:] == string(t)
}

// hashKey returns h as a map key (h is a SHA-256 hash: the chain's links
// are checked equal to one before they are kept).
func hashKey(h []byte) (k [sha256.Size]byte) {
	copy(k[:], h)
	return k
}

// headerMismatch compares the readable headers with the event they copy:
// every Ledger-* header the ledger writes must be there, with the value the
// event gives it. nil headers (a bundle carries none) are not checked; a
// stored message without headers, or with a header block the client
// cannot parse, is checked as one with empty headers.
func headerMismatch(h map[string][]string, e domain.Event) string {
	if h == nil {
		return ""
	}
	for _, want := range readableHeaders(e) {
		var got string
		if vs := h[want.key]; len(vs) > 0 {
			got = vs[0]
		}
		if !want.is(got) {
			return fmt.Sprintf("header %s says %q but the event says %q", want.key, got, want.text())
		}
	}
	return ""
}

func (c *chainChecker) fail(p domain.ProjectID, seq uint64, subject string, t domain.EventType, problem string) {
	st := &c.noProject
	if p != "" {
		st, _ = c.project(p)
	}
	if st.broken {
		return
	}
	st.broken = true
	c.v.Breaks = append(c.v.Breaks, Break{Project: p, Sequence: seq, Subject: subject, Type: t, Problem: problem})
}

func projectOfSubject(spec StreamSpec, subject string) domain.ProjectID {
	rest, ok := bytes.CutPrefix([]byte(subject), []byte(spec.Subject+"."))
	if !ok {
		return ""
	}
	if i := bytes.IndexByte(rest, '.'); i > 0 {
		return domain.ProjectID(rest[:i])
	}
	return ""
}

func short(h []byte) string {
	s := hex.EncodeToString(h)
	if len(s) > 16 {
		return s[:16]
	}
	return s
}

// Verify re-reads the stream (or, when project is not empty, that
// project's events) and checks every event: its hash over its content, its
// link to the previous event of its project (the first to the project's
// genesis value), its subject and its readable headers. It names the first
// broken event per project: an altered payload or header, a removed,
// reordered or inserted event all break a chain.
func (s *Store) Verify(ctx context.Context, project domain.ProjectID) (Verification, error) {
	c := newChainChecker(s.codec, s.spec)
	msgs, err := s.rawMessages(ctx, project, 1)
	if err != nil {
		return Verification{}, err
	}
	for m, err := range msgs {
		var gap *GapError
		var undelivered *UndeliveredError
		switch {
		case errors.As(err, &gap):
			c.v.Breaks = append(c.v.Breaks, Break{Project: project, Sequence: gap.From, Problem: err.Error(), Missing: seqRange(gap.From, gap.To)})
			continue
		case errors.As(err, &undelivered):
			c.v.Breaks = append(c.v.Breaks, Break{Project: project, Sequence: undelivered.After + 1, Problem: err.Error()})
			continue
		}
		if err != nil {
			return Verification{}, err
		}
		h := m.Header
		if h == nil {
			h = map[string][]string{} // stored without headers, or unparseable ones: every header is missing
		}
		c.check(m.Subject, m.Sequence, h, m.Data)
	}
	v := c.result()
	for _, i := range c.links {
		if b := v.Breaks[i]; b.Sequence > b.After+1 {
			missing, err := s.missingBetween(ctx, b.After, b.Sequence)
			if err != nil {
				return Verification{}, err
			}
			v.Breaks[i].Missing = missing
		}
	}
	return v, nil
}

// seqRange returns the sequences from a to b, inclusive, up to a bound.
func seqRange(a, b uint64) []uint64 {
	var out []uint64
	for q := a; q <= b && len(out) < 1000; q++ {
		out = append(out, q)
	}
	return out
}

// rawMessage is a stored message as a reader receives it, undecoded.
type rawMessage struct {
	Subject  string
	Sequence uint64
	Time     time.Time
	Header   map[string][]string
	Data     []byte
}

// readIdle is how long a read of stored messages waits for the next one
// before it gives up: a healthy server delivers them back to back, so a
// read that stalls is one the server cannot finish (a damaged store).
const readIdle = 3 * time.Second

// rawMessages yields the stream's messages from stream sequence from (0 or
// 1: from the first) up to its current end, or one project's, in order.
//
// A read of the whole stream yields a *GapError for every run of
// sequences it does not receive (the stream never deletes, so each is a
// lost message) and goes on. Any read that receives nothing for readIdle
// while the stream says more is stored ends with a *GapError from the
// sequence after the last it received. A cancelled ctx ends it with
// ctx's error.
func (s *Store) rawMessages(ctx context.Context, project domain.ProjectID, from uint64) (iter.Seq2[rawMessage, error], error) {
	last, err := s.LastSequence(ctx)
	if err != nil {
		return nil, err
	}
	if from == 0 {
		from = 1
	}
	cfg := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy}
	if from > 1 {
		cfg = jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: from}
	}
	if project != "" {
		cfg.FilterSubjects = []string{s.ProjectFilter(project)}
	}
	return func(yield func(rawMessage, error) bool) {
		if last == 0 || last < from {
			return
		}
		// counted is how many messages of the project the server counts
		// at the start (0: not counted, reading the whole stream).
		var counted, delivered uint64
		cons, err := s.js.OrderedConsumer(ctx, s.spec.Name, cfg)
		if err != nil {
			yield(rawMessage{}, fmt.Errorf("read %s: %w", s.spec.Name, err))
			return
		}
		if project != "" {
			// The project's last message, from the last message of each
			// of its subjects: the consumer's pending count may include a
			// message the server can no longer read.
			info, err := cons.Info(ctx)
			if err != nil {
				yield(rawMessage{}, fmt.Errorf("read %s: %w", s.spec.Name, err))
				return
			}
			counted = info.NumPending
			last, err = s.lastOf(ctx, project, last)
			if err != nil {
				yield(rawMessage{}, fmt.Errorf("read %s: %w", s.spec.Name, err))
				return
			}
			if last < from && counted == 0 {
				return
			}
		}
		it, err := cons.Messages(jetstream.PullMaxMessages(1024))
		if err != nil {
			yield(rawMessage{}, fmt.Errorf("read %s: %w", s.spec.Name, err))
			return
		}
		defer it.Stop()
		stopOnCancel := context.AfterFunc(ctx, it.Stop)
		defer stopOnCancel()
		var stalled atomic.Bool
		idle := time.AfterFunc(readIdle, func() { stalled.Store(true); it.Stop() })
		defer idle.Stop()
		next := from // the sequence expected next, reading the whole stream
		for {
			m, err := it.Next()
			if err != nil {
				switch {
				case ctx.Err() != nil:
					yield(rawMessage{}, ctx.Err())
				case stalled.Load():
					yield(rawMessage{}, s.stalled(ctx, project, next, last))
				default:
					yield(rawMessage{}, fmt.Errorf("read %s: %w", s.spec.Name, err))
				}
				return
			}
			idle.Reset(readIdle)
			meta, err := m.Metadata()
			if err != nil {
				yield(rawMessage{}, err)
				return
			}
			seq := meta.Sequence.Stream
			if project == "" && seq > next {
				if !yield(rawMessage{}, &GapError{Stream: s.spec.Name, From: next, To: seq - 1}) {
					return
				}
			}
			next = seq + 1
			delivered++
			if !yield(rawMessage{Subject: m.Subject(), Sequence: seq, Time: meta.Timestamp, Header: m.Headers(), Data: m.Data()}, nil) {
				return
			}
			if seq >= last {
				if delivered < counted {
					yield(rawMessage{}, fmt.Errorf("read of %s's events: %w", project,
						&UndeliveredError{After: seq, Count: fmt.Sprint(counted - delivered)}))
				}
				return
			}
		}
	}, nil
}

// lastOf returns the stream sequence of project p's last message up to
// sequence upTo (0 when it has none), from the last message of each of its
// subjects. A subject whose last message has a header block the client
// cannot parse fails a direct get, so the stream's leader is asked then.
func (s *Store) lastOf(ctx context.Context, p domain.ProjectID, upTo uint64) (uint64, error) {
	lasts, err := s.directGet(ctx, func(ctx context.Context) (iter.Seq2[*jetstream.RawStreamMsg, error], error) {
		return jetstreamext.GetLastMsgsFor(ctx, s.js, s.spec.Name, []string{s.ProjectFilter(p)}, jetstreamext.GetLastMsgsUpToSeq(upTo))
	})
	if errors.Is(err, jetstreamext.ErrInvalidResponse) {
		last, err := s.lastOnLeader(ctx, p)
		return min(last, upTo), err
	}
	var undelivered *UndeliveredError
	if errors.As(err, &undelivered) {
		// The answer comes in stream order: what it could not deliver
		// comes after the last it did. The read counts them missing.
		return undelivered.After, nil
	}
	if err != nil {
		return 0, err
	}
	var last uint64
	for _, m := range lasts {
		last = max(last, m.Sequence)
	}
	return last, nil
}

// stalled is the error of a read that received nothing more after stream
// sequence next-1: the sequences from next up to the stream's last (or,
// reading one project, what the server still counts as pending) did not
// come.
func (s *Store) stalled(ctx context.Context, project domain.ProjectID, next, last uint64) error {
	if last == 0 {
		if l, err := s.LastSequence(ctx); err == nil {
			last = l
		}
	}
	if project != "" {
		return fmt.Errorf("read of %s's events stopped after stream sequence %d: the server says more are stored but did not deliver them in %s (%w)",
			project, next-1, readIdle, &GapError{Stream: s.spec.Name, From: next, To: max(next, last)})
	}
	return &GapError{Stream: s.spec.Name, From: next, To: max(next, last)}
}
