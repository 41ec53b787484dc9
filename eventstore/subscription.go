package eventstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/keyprojects/ledger/domain"
)

// Subscription is a durable consumer on one event type across all
// projects (ledger.*.<type>): it delivers each event once, in stream order,
// until acknowledged, and resumes after the last acknowledged one when the
// same durable name is used again, in this process or another.
//
// It fetches one event at a time, when asked: no event waits in a client
// buffer, so stopping a subscriber never leaves an event stranded until
// the server's acknowledgement timeout.
type Subscription struct {
	store *Store
	cons  jetstream.Consumer
	// chain is true when each event is checked against its project's
	// hash chain (the default; see WithoutChainCheck).
	chain bool
}

// SubscribeOption configures a Subscription.
type SubscribeOption func(*Subscription)

// WithoutChainCheck delivers events without checking each against its
// project's hash chain, which takes reading the project's history. It is
// for a user who may read the subscribed events and nothing else: the
// inspection office on a server configured by `ledger auth init`, where
// only the ledger service may publish deadline_missed, so the server's
// permissions, not the chain, keep forged misses out (and Verify still
// names any). A message that is not a readable ledger event is still
// delivered as an error wrapping ErrUndecodable.
func WithoutChainCheck() SubscribeOption { return func(sub *Subscription) { sub.chain = false } }

// Delivery is one event handed to a subscriber, to be acknowledged once
// handled.
type Delivery struct {
	Record
	msg jetstream.Msg
}

// Ack tells the server the event is handled; it will not be delivered
// again. It waits for the server's confirmation.
func (d Delivery) Ack(ctx context.Context) error { return d.msg.DoubleAck(ctx) }

// InProgress tells the server the event is still being handled, so it is
// not delivered again while a slow handler retries.
func (d Delivery) InProgress() error { return d.msg.InProgress() }

// Nak hands the event back unhandled: the server delivers it again at
// once, to this subscriber or the next one to open the durable consumer,
// rather than after the acknowledgement wait.
func (d Delivery) Nak() error { return d.msg.Nak() }

// Subscribe opens (creating it if needed) the durable consumer named
// durable on every event of type t. One event is outstanding at a time, so
// events are handled in order even across restarts.
func (s *Store) Subscribe(ctx context.Context, durable string, t domain.EventType, opts ...SubscribeOption) (*Subscription, error) {
	cons, err := s.js.CreateOrUpdateConsumer(ctx, s.spec.Name, jetstream.ConsumerConfig{
		Durable:       durable,
		Description:   "ledger subscription to " + string(t),
		FilterSubject: s.spec.Subject + ".*." + string(t),
		DeliverPolicy: jetstream.DeliverAllPolicy,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       time.Minute,
		MaxAckPending: 1,
	})
	if err != nil {
		return nil, fmt.Errorf("durable consumer %s: %w", durable, err)
	}
	sub := &Subscription{store: s, cons: cons, chain: true}
	for _, o := range opts {
		o(sub)
	}
	return sub, nil
}

// DeleteSubscription removes a durable consumer, so the next Subscribe
// with its name starts again from the first event.
func (s *Store) DeleteSubscription(ctx context.Context, durable string) error {
	err := s.js.DeleteConsumer(ctx, s.spec.Name, durable)
	if err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
		return fmt.Errorf("delete durable consumer %s: %w", durable, err)
	}
	return nil
}

// fetchSlice bounds one fetch request, so that Next notices a cancelled
// context promptly.
const fetchSlice = time.Second

// Next returns the next event, waiting up to wait (0: until ctx ends). A
// message that is not a readable ledger event, or not on its project's
// hash chain as Load reads it (ErrOffChain), comes back as an error
// wrapping ErrUndecodable together with a Delivery to acknowledge, so a
// subscriber can skip it.
func (sub *Subscription) Next(ctx context.Context, wait time.Duration) (Delivery, error) {
	var deadline time.Time
	if wait > 0 {
		deadline = time.Now().Add(wait)
	}
	for {
		slice := fetchSlice
		if !deadline.IsZero() {
			left := time.Until(deadline)
			if left <= 0 {
				return Delivery{}, ErrNoDelivery
			}
			slice = min(slice, left)
		}
		m, err := sub.cons.Next(jetstream.FetchMaxWait(max(slice, 10*time.Millisecond)))
		if ctx.Err() != nil {
			if err == nil {
				// Not handled: give it back at once rather than after the
				// acknowledgement timeout.
				_ = m.Nak()
				_ = sub.store.js.Conn().Flush()
			}
			return Delivery{}, ctx.Err()
		}
		if errors.Is(err, nats.ErrTimeout) || errors.Is(err, jetstream.ErrNoMessages) {
			continue
		}
		if err != nil {
			return Delivery{}, fmt.Errorf("subscription: %w", err)
		}
		meta, err := m.Metadata()
		if err != nil {
			return Delivery{}, fmt.Errorf("subscription: %w", err)
		}
		rec, err := sub.store.read(rawMessage{Subject: m.Subject(), Sequence: meta.Sequence.Stream, Time: meta.Timestamp, Header: m.Headers(), Data: m.Data()})
		if err == nil && sub.chain {
			err = sub.store.onChain(ctx, rec)
		}
		return Delivery{Record: rec, msg: m}, err
	}
}

// onChain returns nil when rec is on its project's hash chain as Load
// reads it, else an error matching ErrOffChain. A subscription sees one
// type of event only, so it reads the project's history to know the chain.
func (s *Store) onChain(ctx context.Context, rec Record) error {
	if err := CheckProject(rec); err != nil {
		return err
	}
	history, _, err := s.Load(ctx, rec.Project)
	var broken *ChainBreakError
	if errors.As(err, &broken) && rec.Sequence >= broken.Sequence {
		// At or after the break, nothing is on the chain as read.
		return fmt.Errorf("stream sequence %d (%s): %w: %v", rec.Sequence, rec.Subject, ErrOffChain, broken)
	}
	if err != nil && broken == nil {
		return fmt.Errorf("subscription: %w", err)
	}
	var prev []byte
	for _, h := range history {
		if h.Sequence == rec.Sequence {
			return nil
		}
		if h.Sequence > rec.Sequence {
			break
		}
		prev = h.Hash
	}
	// Not in the history as read (a replica may answer from behind): it
	// is on the chain if it links to the event before it.
	return CheckLink(rec, prev)
}
