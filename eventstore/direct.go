package eventstore

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/synadia-io/orbit.go/jetstreamext"
)

// DefaultReadTimeout bounds one batched direct get.
const DefaultReadTimeout = 10 * time.Second

// DirectGet runs one batched direct get (jetstreamext.GetBatch or
// GetLastMsgsFor, given as get) and returns every message of its answer.
//
// Those iterators are built for scatter-gather: when their context ends
// they simply stop, without an error, so a slow server would make a
// history or a report look shorter than it is. DirectGet gives get a
// context with a deadline of its own (timeout, or the caller's, if
// sooner) and reports an answer cut short by it as ErrReadCutShort.
func DirectGet(ctx context.Context, timeout time.Duration, get func(context.Context) (iter.Seq2[*jetstream.RawStreamMsg, error], error)) ([]*jetstream.RawStreamMsg, error) {
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	msgs, err := get(rctx)
	if err != nil {
		return nil, err
	}
	var out []*jetstream.RawStreamMsg
	for m, err := range msgs {
		if errors.Is(err, jetstreamext.ErrNoMessages) {
			if n := len(out); n > 0 && MorePending(out) {
				// It counted more after the last it sent, then found
				// none: messages it holds but cannot read.
				return nil, &UndeliveredError{After: out[n-1].Sequence, Count: out[n-1].Header.Get(headerNumPending)}
			}
			return out, nil // the server's answer when nothing matches
		}
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	if err := rctx.Err(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w (after %s)", ErrReadCutShort, timeout)
	}
	if len(out) == 0 {
		// Neither a message nor "no messages": the answer stopped short
		// (the replica it came from died).
		return nil, fmt.Errorf("%w: an empty answer", ErrReadCutShort)
	}
	return out, nil
}

// headerNumPending is the header of a direct get's message that says how
// many more messages match the request after it.
const headerNumPending = "Nats-Num-Pending"

// MorePending reports whether more messages match a batched direct get
// than the answer msgs held: the server ends an answer early at its size
// limits, and says so in the last message.
func MorePending(msgs []*jetstream.RawStreamMsg) bool {
	return len(msgs) > 0 && msgs[len(msgs)-1].Header.Get(headerNumPending) != "0"
}
