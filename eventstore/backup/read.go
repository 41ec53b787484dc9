package backup

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/synadia-io/orbit.go/jetstreamext"

	"github.com/keyprojects/ledger/eventstore"
)

// Verified is what a read of the whole ledger stream, message by message,
// found: every sequence from 1 to LastSeq there and readable, each a ledger
// event whose hash holds and that links to its project's previous event.
type Verified struct {
	Stream   string  `json:"stream"`
	Events   int     `json:"events"`
	Projects int     `json:"projects"`
	LastSeq  uint64  `json:"last_seq"`
	LastHash string  `json:"last_hash"` // hex
	Seconds  float64 `json:"seconds"`   // the read alone
}

// ErrNotWhole is matched (errors.Is) by a *NotWholeError.
var ErrNotWhole = errors.New("ledger stream does not read whole")

// NotWholeError reports a ledger stream that does not read back whole: a
// sequence missing or unreadable although the stream's state counts it, a
// message that is not a ledger event or breaks its project's chain, or a
// state that says messages were deleted or lost. The ledger's stream
// denies deletes and purges, so each is damage (or a write by something
// other than the ledger).
type NotWholeError struct {
	Stream string
	// Sequence is the first stream sequence found bad; 0 when the problem
	// is the stream's state or settings rather than one message.
	Sequence uint64
	Problem  string
}

// Error implements error.
func (e *NotWholeError) Error() string {
	return fmt.Sprintf("stream %s does not read whole: %s", e.Stream, e.Problem)
}

// Is makes errors.Is(err, ErrNotWhole) true.
func (e *NotWholeError) Is(target error) bool { return target == ErrNotWhole }

// readBatch is how many messages one direct get asks for.
const readBatch = 512

// readTimeout bounds one batched direct get or one message get.
const readTimeout = eventstore.DefaultReadTimeout

// ledgerSubject returns the first subject token of a ledger stream's
// configuration (<subject>.*.*).
func ledgerSubject(cfg jetstream.StreamConfig) (string, error) {
	if len(cfg.Subjects) == 1 {
		if s, ok := strings.CutSuffix(cfg.Subjects[0], ".*.*"); ok && s != "" && !strings.ContainsAny(s, "*>") {
			return s, nil
		}
	}
	return "", &NotWholeError{Stream: cfg.Name, Problem: fmt.Sprintf("its subjects are %q, not a ledger stream's one <subject>.*.*", cfg.Subjects)}
}

// wholeState checks what the server says of a ledger stream that must
// hold every sequence from 1 to at least last, none deleted or lost.
func wholeState(name string, s jetstream.StreamState, last uint64) error {
	bad := func(format string, args ...any) error {
		return &NotWholeError{Stream: name, Problem: "its state is not a whole ledger's: " + fmt.Sprintf(format, args...)}
	}
	switch {
	case s.Lost != nil && len(s.Lost.Msgs) > 0:
		return &NotWholeError{Stream: name, Sequence: s.Lost.Msgs[0], Problem: fmt.Sprintf(
			"the server lost %d messages (%d bytes) when it read its files, the first at stream sequence %d", len(s.Lost.Msgs), s.Lost.Bytes, s.Lost.Msgs[0])}
	case s.LastSeq < last:
		return bad("it ends at sequence %d, before %d", s.LastSeq, last)
	case s.FirstSeq != 1:
		return bad("its first sequence is %d, not 1", s.FirstSeq)
	case s.NumDeleted > 0:
		return bad("%d messages deleted", s.NumDeleted)
	case s.Msgs != s.LastSeq:
		return bad("%d messages up to sequence %d", s.Msgs, s.LastSeq)
	}
	return nil
}

// verifyStream reads the ledger stream name from sequence 1 to last, in
// order, and checks every message (eventstore.ChainVerifier) and that no
// sequence is missing, then the stream's state. It stops at the first bad
// sequence, a *NotWholeError naming it.
//
// Messages are read with batched direct gets. A sequence a direct get
// skips is asked again of the stream's leader (a replica may lag behind
// it), and is missing when the leader does not have it either.
func verifyStream(ctx context.Context, nc *nats.Conn, name string, last uint64) (*Verified, error) {
	start := time.Now()
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	st, err := js.Stream(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("stream %s: %w", name, err)
	}
	subject, err := ledgerSubject(st.CachedInfo().Config)
	if err != nil {
		return nil, err
	}
	r := &reader{nc: nc, js: js, name: name, last: last, next: 1,
		chains: eventstore.NewChainVerifier(eventstore.StreamSpec{Name: name, Subject: subject})}
	for r.next <= last {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		from := r.next
		batch, err := r.batch(ctx)
		if err != nil {
			return nil, err
		}
		for _, m := range batch {
			if m.Sequence < r.next {
				continue
			}
			if m.Sequence > last {
				break
			}
			if err := r.fill(ctx, m.Sequence); err != nil {
				return nil, err
			}
			if err := r.take(m); err != nil {
				return nil, err
			}
		}
		if r.next == from {
			// Nothing from here on came: ask the leader for this one.
			if err := r.fill(ctx, from+1); err != nil {
				return nil, err
			}
		}
	}
	// The state last: a missing message is named by the read above.
	info, err := st.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("stream %s: %w", name, err)
	}
	if err := wholeState(name, info.State, last); err != nil {
		return nil, err
	}
	v := r.chains.Result()
	return &Verified{Stream: name, Events: v.Events, Projects: v.Projects, LastSeq: last, LastHash: r.lastHash,
		Seconds: time.Since(start).Seconds()}, nil
}

// reader is one read of a ledger stream in order.
type reader struct {
	nc       *nats.Conn
	js       jetstream.JetStream
	name     string
	last     uint64 // the read ends here
	next     uint64 // the sequence expected next
	chains   *eventstore.ChainVerifier
	lastHash string
}

// batch returns the messages from r.next on that one direct get answers
// (none when the stream has nothing from there on).
func (r *reader) batch(ctx context.Context) ([]*jetstream.RawStreamMsg, error) {
	n := int(min(r.last-r.next+1, readBatch))
	msgs, err := eventstore.DirectGet(ctx, readTimeout, func(ctx context.Context) (iter.Seq2[*jetstream.RawStreamMsg, error], error) {
		return jetstreamext.GetBatch(ctx, r.js, r.name, n, jetstreamext.GetBatchSeq(r.next))
	})
	if errors.Is(err, jetstreamext.ErrInvalidResponse) {
		// A message among them has a header block the client cannot
		// parse (the ledger never writes one), which fails the whole
		// answer: these are read one by one from the leader.
		return nil, r.fill(ctx, r.next+uint64(n))
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("read stream %s from sequence %d: %w", r.name, r.next, err)
	}
	return msgs, nil
}

// fill reads the sequences from r.next up to before upto from the
// stream's leader, one by one; one the leader does not have is missing.
func (r *reader) fill(ctx context.Context, upto uint64) error {
	for r.next < upto {
		m, err := eventstore.GetFromLeader(ctx, r.nc, r.name, r.next)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("read stream %s sequence %d from its leader: %w", r.name, r.next, err)
		}
		if m == nil {
			return &NotWholeError{Stream: r.name, Sequence: r.next, Problem: fmt.Sprintf(
				"stream sequence %d is missing or unreadable (a ledger stream keeps every sequence from 1 to its last, here %d)", r.next, r.last)}
		}
		if err := r.take(m); err != nil {
			return err
		}
	}
	return nil
}

// take checks m, the message at r.next, and moves the read past it.
func (r *reader) take(m *jetstream.RawStreamMsg) error {
	if b := r.chains.Check(m); b != nil {
		return &NotWholeError{Stream: r.name, Sequence: m.Sequence, Problem: b.Error()}
	}
	r.next = m.Sequence + 1
	if m.Sequence == r.last {
		e, err := eventstore.NewCodec().Decode(m.Data)
		if err != nil { // the verifier has read it already
			return &NotWholeError{Stream: r.name, Sequence: m.Sequence, Problem: err.Error()}
		}
		r.lastHash = hex.EncodeToString(e.Hash)
	}
	return nil
}
