package eventstore_test

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
)

// The append benchmarks run on one embedded server with file storage in a
// temp folder. Each compares a ledger path with the raw JetStream publish it
// stands on, with messages of about the same size (docs/benchmarks.md).

// BenchmarkRawSyncPublishExpectedSeq is the baseline: a synchronous publish
// of a 300-byte message with Msg-Id and the per-project expected-sequence
// check, one project at a time.
func BenchmarkRawSyncPublishExpectedSeq(b *testing.B) {
	e := newBenchEnv(b)
	ctx := context.Background()
	body := make([]byte, 300)
	last := map[int]uint64{}
	i := 0
	for b.Loop() {
		p := i % 1000
		subj := fmt.Sprintf("ledger.R-%d.signed", p)
		m := nats.NewMsg(subj)
		m.Data = body
		m.Header.Set(nats.MsgIdHdr, strconv.Itoa(i))
		ack, err := e.store.JetStream().PublishMsg(ctx, m,
			jetstream.WithExpectLastSequenceForSubject(last[p], fmt.Sprintf("ledger.R-%d.*", p)))
		if err != nil {
			b.Fatal(err)
		}
		last[p] = ack.Sequence
		i++
	}
}

// BenchmarkAppend is the ledger's write path without reading state: seal
// (CBOR, hash link), headers, publish with Msg-Id and the concurrency check.
func BenchmarkAppend(b *testing.B) {
	e := newBenchEnv(b)
	ctx := context.Background()
	versions := map[domain.ProjectID]eventstore.Version{}
	i := 0
	for b.Loop() {
		p := domain.ProjectID(fmt.Sprintf("B-%d", i%1000))
		ev := domain.Event{
			ID: fmt.Sprintf("c%d-0", i), Project: p, Type: domain.InvestmentReported, Schema: domain.EventVersion(domain.InvestmentReported),
			OccurredOn: domain.NewDate(2026, 11, 1), RecordedAt: testNow, Actor: "bench", CommandID: fmt.Sprintf("c%d", i),
			Data: &domain.InvestmentReportedData{Month: "2026-10", Amount: int64(i)},
		}
		recs, err := e.store.Append(ctx, versions[p], []domain.Event{ev})
		if err != nil {
			b.Fatal(err)
		}
		versions[p] = eventstore.Version{Sequence: recs[0].Sequence, Hash: recs[0].Hash}
		i++
	}
}

// BenchmarkExecute is a whole command: read the project's history (about
// ten events), fold, decide, append.
func BenchmarkExecute(b *testing.B) {
	e := newBenchEnv(b)
	ctx := context.Background()
	const projects = 200
	for p := range projects {
		cmd := register(domain.ProjectID(fmt.Sprintf("X-%d", p)))
		cmd.Plan = []domain.PlannedDeadline{{Milestone: domain.MilestoneStarted, Due: domain.NewDate(2027, 1, 1)}}
		_, err := e.store.Execute(ctx, cmd)
		require.NoError(b, err)
	}
	i := 0
	for b.Loop() {
		p := domain.ProjectID(fmt.Sprintf("X-%d", i%projects))
		_, err := e.store.Execute(ctx, domain.RaiseIssue{Meta: domain.Meta{Actor: "bench"}, Project: p, IssueID: fmt.Sprintf("I-%d", i), Title: "t"})
		if err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkSeal is the CPU cost of encoding and hashing one event.
func BenchmarkSeal(b *testing.B) {
	codec := eventstore.NewCodec()
	prev := eventstore.Genesis("B-1")
	ev := domain.Event{ID: "c-0", Project: "B-1", Type: domain.InvestmentReported, Schema: 1, OccurredOn: domain.NewDate(2026, 11, 1),
		RecordedAt: testNow, Actor: "bench", CommandID: "c", Data: &domain.InvestmentReportedData{Month: "2026-10", Amount: 5}}
	for b.Loop() {
		if _, err := codec.Seal(&ev, prev); err != nil {
			b.Fatal(err)
		}
	}
}

type benchEnv struct{ store *eventstore.Store }

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: b.TempDir(), DontListen: true})
	require.NoError(b, err)
	b.Cleanup(srv.Shutdown)
	nc, err := srv.Connect()
	require.NoError(b, err)
	b.Cleanup(nc.Close)
	store, err := eventstore.Open(context.Background(), nc, eventstore.WithClock(domain.NewManualClock(testNow)))
	require.NoError(b, err)
	return &benchEnv{store: store}
}

// BenchmarkRawAsyncPublish is the concurrent baseline: asynchronous
// publishes of a 300-byte message with a Msg-Id, acknowledged at the end.
func BenchmarkRawAsyncPublish(b *testing.B) {
	e := newBenchEnv(b)
	js := e.store.JetStream()
	body := make([]byte, 300)
	i := 0
	for b.Loop() {
		m := nats.NewMsg(fmt.Sprintf("ledger.R-%d.signed", i%1000))
		m.Data = body
		m.Header.Set(nats.MsgIdHdr, strconv.Itoa(i))
		if _, err := js.PublishMsgAsync(m); err != nil {
			b.Fatal(err)
		}
		i++
	}
	<-js.PublishAsyncComplete()
}

// BenchmarkExecuteParallel is many writers executing commands on many
// projects at once: what the concurrent-append target measures.
func BenchmarkExecuteParallel(b *testing.B) {
	e := newBenchEnv(b)
	ctx := context.Background()
	const projects = 1000
	for p := range projects {
		_, err := e.store.Execute(ctx, register(domain.ProjectID(fmt.Sprintf("X-%d", p))))
		require.NoError(b, err)
	}
	var next atomic.Int64
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			p := domain.ProjectID(fmt.Sprintf("X-%d", i%projects))
			if _, err := e.store.Execute(ctx, domain.RaiseIssue{Meta: domain.Meta{Actor: "bench"}, Project: p,
				IssueID: fmt.Sprintf("I-%d", i), Title: "t", On: domain.NewDate(2026, 11, 1)}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
