package eventstore_test

import (
	"context"
	"iter"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/synadia-io/orbit.go/jetstreamext"

	"github.com/keyprojects/ledger/eventstore"
)

// A batched direct get whose answer stops coming (a server too busy to
// finish it in time) is an error, not a shorter answer. The "server" here
// is a plain NATS responder on the direct-get subject of a stream that
// does not exist, answering with one message and, or not, the end of the
// batch.
func TestDirectGetReportsAnAnswerCutShort(t *testing.T) {
	e := newEnv(t)
	for _, finish := range []bool{true, false} {
		stream := "SLOW"
		if finish {
			stream = "PROMPT"
		}
		sub, err := e.nc.Subscribe("$JS.API.DIRECT.GET."+stream, func(req *nats.Msg) {
			m := nats.NewMsg(req.Reply)
			m.Data = []byte("payload")
			for k, v := range map[string]string{"Nats-Num-Pending": "1", jetstream.StreamHeader: stream, jetstream.SequenceHeader: "7",
				jetstream.TimeStampHeaer: "2026-11-27T02:00:00Z", jetstream.SubjectHeader: "ledger.P-1.signed"} {
				m.Header.Set(k, v)
			}
			_ = e.nc.PublishMsg(m)
			if finish {
				eob := nats.NewMsg(req.Reply)
				eob.Header.Set("Status", "204")
				eob.Header.Set("Description", "EOB")
				_ = e.nc.PublishMsg(eob)
			}
		})
		require.NoError(t, err)
		t.Cleanup(func() { _ = sub.Unsubscribe() })

		msgs, err := eventstore.DirectGet(context.Background(), 300*time.Millisecond,
			func(ctx context.Context) (iter.Seq2[*jetstream.RawStreamMsg, error], error) {
				return jetstreamext.GetBatch(ctx, e.store.JetStream(), stream, 10, jetstreamext.GetBatchSubject("ledger.P-1.signed"))
			})
		if finish {
			require.NoError(t, err)
			require.Len(t, msgs, 1)
			assert.Equal(t, uint64(7), msgs[0].Sequence)
		} else {
			require.ErrorIs(t, err, eventstore.ErrReadCutShort)
			assert.Nil(t, msgs)
		}
	}
}
