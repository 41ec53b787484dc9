package eventstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// DefaultRetryBudget is how long, by default, an append keeps sending again
// a publish that got no answer from the stream. A replicated stream whose
// leader dies has no leader for up to 9 seconds (nats-server's raft
// election timeout is 4 to 9 seconds), and a publish that was on its way
// to the dead leader first waits out its publish timeout
// (DefaultPublishTimeout): 20 seconds covers both with room for a slow
// start of the new leader, and ends the wait for a cluster that has lost
// its quorum within a time a person at a terminal will sit through
// (docs/cluster.md).
const DefaultRetryBudget = 20 * time.Second

// Retry describes a request the store is about to send again: an append's
// publish, or a read of a project's history.
type Retry struct {
	Subject string        // subject of the append's first message, or the project filter read
	MsgID   string        // Nats-Msg-Id of the append's first message (one per command); empty for a read
	Attempt int           // tries so far: 1 before the first resend
	Waited  time.Duration // since the first try was sent
	Err     error         // why the last try got no answer
}

// UnavailableError reports an append that got no answer from the stream
// within the retry budget: no leader, no connection, or no acknowledgement
// in time. The command may or may not be stored; running it again is
// safe, as its message ids make the server drop a second copy.
type UnavailableError struct {
	Stream string
	Tries  int
	Waited time.Duration
	Err    error // the last try's error
}

// Error implements error.
func (e *UnavailableError) Error() string {
	return fmt.Sprintf("stream %s gave no answer in %s (%s; last: %v); the command may or may not be stored, running it again is safe",
		e.Stream, e.Waited.Round(100*time.Millisecond), triesText(e.Tries), e.Err)
}

func triesText(n int) string {
	if n == 1 {
		return "1 try"
	}
	return fmt.Sprintf("%d tries", n)
}

// Unwrap returns the last try's error.
func (e *UnavailableError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrUnavailable) true.
func (e *UnavailableError) Is(target error) bool { return target == ErrUnavailable }

// Retryable reports true: the stream may answer a later try.
func (e *UnavailableError) Retryable() bool { return true }

// JetStream error codes of a cluster that cannot take a request for now.
const (
	codeClusterNotAvailable jetstream.ErrorCode = 10008 // JetStream system temporarily unavailable
	codeClusterNotLeader    jetstream.ErrorCode = 10009 // JetStream cluster can not handle request
	codeStreamOffline       jetstream.ErrorCode = 10118 // stream is offline
)

// unanswered reports whether a publish that failed with err may or may not
// have been stored, and a later try may get an answer: no acknowledgement
// in time, nobody serving the stream (a leader election), the connection
// lost while the answer was on its way, or a cluster saying it cannot take
// the request for now.
func unanswered(err error) bool {
	switch {
	case errors.Is(err, jetstream.ErrAsyncPublishTimeout),
		errors.Is(err, jetstream.ErrNoStreamResponse),
		errors.Is(err, nats.ErrNoResponders),
		errors.Is(err, nats.ErrTimeout),
		errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, nats.ErrDisconnected),
		errors.Is(err, nats.ErrReconnectBufExceeded),
		errors.Is(err, ErrReadCutShort):
		return true
	}
	switch apiCode(err) {
	case codeClusterNotAvailable, codeClusterNotLeader, codeStreamOffline:
		return true
	}
	return false
}

// published is what publish learned of the messages it sent.
type published struct {
	first     uint64 // stream sequence of the first message
	duplicate bool   // the server had them already
	tries     int
}

// publish sends msgs (one, or several as one atomic batch) until the stream
// answers or the retry budget is spent. Each try sends the very same
// messages: same ids, same expected sequence.
func (s *Store) publish(ctx context.Context, msgs []*nats.Msg) (published, error) {
	if s.readOnly != nil {
		return published{}, s.readOnly
	}
	start := time.Now()
	for tries := 1; ; tries++ {
		first, duplicate, err := s.publishOnce(ctx, msgs)
		if err == nil {
			return published{first: first, duplicate: duplicate, tries: tries}, nil
		}
		if ctx.Err() != nil {
			return published{tries: tries}, ctx.Err()
		}
		if !unanswered(err) {
			return published{tries: tries}, err
		}
		waited := time.Since(start)
		if waited >= s.retryBudget {
			return published{tries: tries}, &UnavailableError{Stream: s.spec.Name, Tries: tries, Waited: waited, Err: err}
		}
		if s.retryReport != nil {
			s.retryReport(Retry{Subject: msgs[0].Subject, MsgID: msgs[0].Header.Get(nats.MsgIdHdr), Attempt: tries, Waited: waited, Err: err})
		}
		if err := retryPause(ctx, tries, s.retryBudget-waited); err != nil {
			return published{tries: tries}, err
		}
	}
}

// retryPause waits before resend number n: 100 ms doubling up to 1 s, less
// a random part so that writers that lost the same leader do not come back
// in lockstep, and never past the rest of the budget.
func retryPause(ctx context.Context, n int, rest time.Duration) error {
	d := min(100*time.Millisecond<<min(n-1, 4), time.Second)
	return sleep(ctx, min(d/2+rand.N(d/2), rest))
}
