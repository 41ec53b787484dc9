package backup

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/eventstore/storetest"
)

// ledgerOf starts a store holding n registrations (more than one direct
// get's batch of events) and returns it with its last sequence.
func ledgerOf(t *testing.T, n int) (*storetest.Env, uint64) {
	t.Helper()
	env := storetest.Start(t, domain.NewManualClock(time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)))
	gen := storetest.NewCommands(rand.New(rand.NewPCG(1, 2)), false)
	var cmds []domain.RegisterProject
	for i := range n {
		cmds = append(cmds, gen.Register(fmt.Sprintf("c-%d", i), domain.ProjectID(fmt.Sprintf("P-%d", i))))
	}
	_, err := env.Store.RegisterMany(context.Background(), cmds)
	require.NoError(t, err)
	last, err := env.Store.LastSequence(context.Background())
	require.NoError(t, err)
	require.Greater(t, last, uint64(readBatch), "more than one batch")
	return env, last
}

func TestVerifyStreamReadsEveryMessage(t *testing.T) {
	env, last := ledgerOf(t, 200)
	v, err := verifyStream(context.Background(), env.Conn, eventstore.DefaultStream, last)
	require.NoError(t, err)
	assert.Equal(t, int(last), v.Events)
	assert.Equal(t, 200, v.Projects)
	assert.Equal(t, last, v.LastSeq)
	assert.Len(t, v.LastHash, 64)

	// Up to an earlier sequence: a snapshot's end while the stream grows.
	v, err = verifyStream(context.Background(), env.Conn, eventstore.DefaultStream, last-10)
	require.NoError(t, err)
	assert.Equal(t, int(last-10), v.Events)
}

func TestVerifyStreamStopsWhenTheContextIsCancelled(t *testing.T) {
	env, last := ledgerOf(t, 200)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := verifyStream(ctx, env.Conn, eventstore.DefaultStream, last)
	require.ErrorIs(t, err, context.Canceled)
	assert.False(t, errors.Is(err, ErrNotWhole), "a cancelled read finds nothing wrong")
}

func TestVerifyStreamNamesAMessageThatIsNoLedgerEvent(t *testing.T) {
	cases := []struct {
		name         string
		header, body string
		want         string
	}{
		{"not an event", "", "hello", "not a readable ledger event"},
		// A header block no client parses fails a whole batched direct get:
		// the batch is read from the leader one by one.
		{"an unparseable header block", "NATS/1.0\r\nbroken\r\n\r\n", "hello", "not a readable ledger event"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env, _ := ledgerOf(t, 200)
			seq := env.PublishRaw(t, "ledger.P-1.registered", []byte(tc.header), []byte(tc.body))
			require.NotZero(t, seq)
			_, err := verifyStream(context.Background(), env.Conn, eventstore.DefaultStream, seq)
			var nw *NotWholeError
			require.ErrorAs(t, err, &nw)
			assert.Equal(t, seq, nw.Sequence)
			assert.Contains(t, err.Error(), fmt.Sprintf("stream LEDGER does not read whole: project P-1: stream sequence %d (ledger.P-1.registered): %s", seq, tc.want))
		})
	}
}
