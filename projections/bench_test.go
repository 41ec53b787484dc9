package projections_test

import (
	"context"
	"testing"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore/storetest"
	"github.com/keyprojects/ledger/projections"
)

// benchEvents is the size of the stream the rebuild benchmarks read.
const benchEvents = 20_000

func benchStream(b *testing.B) *storetest.Env {
	b.Helper()
	env := storetest.Start(b, domain.NewManualClock(runnerNow))
	newHistory(b, env.Store, 11, 2_000).run(benchEvents)
	return env
}

// BenchmarkRawOrderedRead is the baseline: reading every message of the
// stream with an ordered consumer, doing nothing with it.
func BenchmarkRawOrderedRead(b *testing.B) {
	env := benchStream(b)
	ctx := context.Background()
	last, err := env.Store.LastSequence(ctx)
	require.NoError(b, err)
	b.ResetTimer()
	for b.Loop() {
		cons, err := env.Store.JetStream().OrderedConsumer(ctx, env.Store.StreamName(), jetstream.OrderedConsumerConfig{})
		require.NoError(b, err)
		it, err := cons.Messages()
		require.NoError(b, err)
		for {
			m, err := it.Next()
			require.NoError(b, err)
			md, _ := m.Metadata()
			if md.Sequence.Stream == last {
				break
			}
		}
		it.Stop()
	}
	b.ReportMetric(float64(last)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkRebuild is a rebuild of every projection row from the first
// event: read, decode, fold, write the rows, switch.
func BenchmarkRebuild(b *testing.B) {
	env := benchStream(b)
	ctx := context.Background()
	last, err := env.Store.LastSequence(ctx)
	require.NoError(b, err)
	b.ResetTimer()
	for b.Loop() {
		_, _, err := projections.NewRunner(env.Store).Rebuild(ctx)
		require.NoError(b, err)
	}
	b.ReportMetric(float64(last)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkReadAllRows is what a report without --unit does: read every
// row of the current generation (2,000 projects).
func BenchmarkReadAllRows(b *testing.B) {
	env := benchStream(b)
	ctx := context.Background()
	runner := projections.NewRunner(env.Store)
	_, err := runner.CatchUp(ctx)
	require.NoError(b, err)
	rows := 0
	b.ResetTimer()
	for b.Loop() {
		snap, err := runner.Storage().Read(ctx)
		require.NoError(b, err)
		rows = len(snap.Rows)
	}
	require.Equal(b, 2_000, rows)
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
