package eventstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/keyprojects/ledger/domain"
)

// Subscription is a durable consumer on one event type across all
// projects (ledger.*.<type>): it delivers each event once, in stream order,
// until acknowledged, and resumes after the last acknowledged one when the
// same durable name is used again, in this process or another.
type Subscription struct {
	store *Store
	msgs  jetstream.MessagesContext
	got   chan pulled
	done  chan struct{}
}

type pulled struct {
	m   jetstream.Msg
	err error
}

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

// Subscribe opens (creating it if needed) the durable consumer named
// durable on every event of type t. One event is outstanding at a time, so
// events are handled in order even across restarts.
func (s *Store) Subscribe(ctx context.Context, durable string, t domain.EventType) (*Subscription, error) {
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
	msgs, err := cons.Messages()
	if err != nil {
		return nil, fmt.Errorf("durable consumer %s: %w", durable, err)
	}
	sub := &Subscription{store: s, msgs: msgs, got: make(chan pulled, 1), done: make(chan struct{})}
	go sub.pull()
	return sub, nil
}

// pull hands messages from the consumer to Next until the subscription
// closes. With one event outstanding at a time, at most one waits here.
func (sub *Subscription) pull() {
	defer close(sub.done)
	for {
		m, err := sub.msgs.Next()
		if errors.Is(err, jetstream.ErrMsgIteratorClosed) {
			return
		}
		sub.got <- pulled{m, err}
		if err != nil {
			return
		}
	}
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

// ErrNoDelivery is returned by Next when nothing arrived within its wait.
var ErrNoDelivery = errors.New("no event within the wait")

// Next returns the next event, waiting up to wait (0: until ctx ends). A
// message that is not a readable ledger event comes back as an error
// wrapping ErrUndecodable together with a Delivery to acknowledge, so a
// subscriber can skip it.
func (sub *Subscription) Next(ctx context.Context, wait time.Duration) (Delivery, error) {
	var timeout <-chan time.Time
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case r, ok := <-sub.got:
		if !ok || r.err != nil {
			return Delivery{}, fmt.Errorf("subscription: %w", cmpErr(r.err, errors.New("closed")))
		}
		meta, err := r.m.Metadata()
		if err != nil {
			return Delivery{}, fmt.Errorf("subscription: %w", err)
		}
		rec, err := sub.store.decode(r.m.Subject(), meta.Sequence.Stream, meta.Timestamp, r.m.Data())
		return Delivery{Record: rec, msg: r.m}, err
	case <-timeout:
		return Delivery{}, ErrNoDelivery
	case <-ctx.Done():
		return Delivery{}, ctx.Err()
	}
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// Close stops the subscription; the durable consumer stays on the server.
// An event pulled but not handed out is given back to the server at once.
func (sub *Subscription) Close() {
	sub.msgs.Stop()
	for {
		select {
		case r := <-sub.got:
			if r.err == nil && r.m != nil {
				_ = r.m.Nak()
			}
		case <-sub.done:
			select {
			case r := <-sub.got:
				if r.err == nil && r.m != nil {
					_ = r.m.Nak()
				}
			default:
			}
			return
		}
	}
}
