package eventstore

import (
	"context"
	"errors"
	"time"
)

// Cursor reads the stream in order, in batches, for a consumer that
// applies events in groups (a projection runner). Create it with
// Store.Cursor; Close it when done.
type Cursor struct {
	items  chan cursorItem
	cancel context.CancelFunc
	done   chan struct{}
	// records is the array the batches' Records share: a rebuild reads a
	// million events, and a new array per batch was a fifth of what it
	// allocates on top of the NATS client.
	records []Record
}

type cursorItem struct {
	rec Record
	err error
}

// Batch is what Cursor.Next returns.
type Batch struct {
	// Records are the readable ledger events, in stream order.
	Records []Record
	// Skipped are messages that are not readable ledger events (each
	// error wraps ErrUndecodable and names the stream sequence).
	Skipped []error
	// Last is the stream sequence of the last message in the batch,
	// readable or not; 0 for an empty batch.
	Last uint64
}

// Cursor starts reading the stream at sequence from.
func (s *Store) Cursor(ctx context.Context, from uint64) *Cursor {
	ctx, cancel := context.WithCancel(ctx)
	c := &Cursor{items: make(chan cursorItem, 4096), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		defer close(c.items)
		for rec, err := range s.Follow(ctx, from) {
			select {
			case c.items <- cursorItem{rec, err}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return c
}

// Next returns up to max messages: it waits up to wait for the first, then
// takes what is already there. An empty batch means nothing arrived in
// time. A failure to read the stream ends the cursor with that error.
//
// The batch's Records are valid until the next call to Next, which reuses
// their array; copy any Record kept longer.
func (c *Cursor) Next(ctx context.Context, max int, wait time.Duration) (Batch, error) {
	var b Batch
	timer := time.NewTimer(wait)
	defer timer.Stop()
	clear(c.records) // let the last batch's events go
	add := func(it cursorItem) error {
		switch {
		case it.err == nil:
			if b.Records == nil {
				if want := min(max, len(c.items)+1); cap(c.records) < want {
					// As many as are waiting, at most max: the array
					// grows to what the stream delivers and is kept,
					// and an idle poll allocates nothing.
					c.records = make([]Record, 0, want)
				}
				b.Records = c.records[:0]
			}
			b.Records = append(b.Records, it.rec)
			c.records = b.Records
		case errors.Is(it.err, ErrUndecodable):
			b.Skipped = append(b.Skipped, it.err)
		default:
			return it.err
		}
		b.Last = it.rec.Sequence
		return nil
	}
	select {
	case it, ok := <-c.items:
		if !ok {
			return b, errors.New("stream cursor closed")
		}
		if err := add(it); err != nil {
			return b, err
		}
	case <-timer.C:
		return b, nil
	case <-ctx.Done():
		return b, ctx.Err()
	}
	for len(b.Records)+len(b.Skipped) < max {
		select {
		case it, ok := <-c.items:
			if !ok {
				return b, nil
			}
			if err := add(it); err != nil {
				return b, err
			}
		default:
			return b, nil
		}
	}
	return b, nil
}

// Close stops the cursor and waits for its reader to end.
func (c *Cursor) Close() {
	c.cancel()
	<-c.done
}
