package board

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTheCacheKeepsAnAnswerWhileTheLedgerStandsStill(t *testing.T) {
	var pos atomic.Uint64
	now := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	c := &cache{entries: map[string]*cached{}, now: func() time.Time { return now },
		position: func(context.Context) (uint64, error) { return pos.Load(), nil }, log: func(string, error) {}}
	var computed atomic.Int64
	compute := func(context.Context) (any, error) { return computed.Add(1), nil }
	ctx := context.Background()

	for range 3 {
		v, err := c.get(ctx, "k", compute)
		require.NoError(t, err)
		assert.Equal(t, int64(1), v)
	}
	pos.Store(7)
	v, err := c.get(ctx, "k", compute)
	require.NoError(t, err)
	assert.Equal(t, int64(2), v, "without a stale window a moved ledger is computed again at once")

	// With a stale window the old answer is shown while a new one is made.
	c.stale = time.Minute
	pos.Store(8)
	v, err = c.get(ctx, "k", compute)
	require.NoError(t, err)
	assert.Equal(t, int64(2), v, "the answer of position 7, shown while 8's is computed")
	require.Eventually(t, func() bool {
		v, err := c.get(ctx, "k", compute)
		return err == nil && v == int64(3)
	}, 10*time.Second, time.Millisecond, "the background computation lands")
	assert.Equal(t, int64(3), computed.Load(), "once")

	// Too old to show: computed while the reader waits.
	pos.Store(9)
	now = now.Add(2 * time.Minute)
	v, err = c.get(ctx, "k", compute)
	require.NoError(t, err)
	assert.Equal(t, int64(4), v)

	// A failure is not kept.
	boom := errors.New("boom")
	_, err = c.get(ctx, "bad", func(context.Context) (any, error) { return nil, boom })
	require.ErrorIs(t, err, boom)
	v, err = c.get(ctx, "bad", compute)
	require.NoError(t, err)
	assert.Equal(t, int64(5), v)
}

func TestTheCacheHoldsABoundedNumberOfAnswers(t *testing.T) {
	c := &cache{entries: map[string]*cached{}, now: func() time.Time { return time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC) },
		position: func(context.Context) (uint64, error) { return 1, nil }, log: func(string, error) {}}
	for i := range 3 * maxCached {
		_, err := c.get(context.Background(), string(rune('a'+i)), func(context.Context) (any, error) { return i, nil })
		require.NoError(t, err)
	}
	assert.LessOrEqual(t, len(c.entries), maxCached)
}
