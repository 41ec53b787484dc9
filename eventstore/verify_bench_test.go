package eventstore_test

import (
	"context"
	"flag"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
)

var benchEvents = flag.Int("events", 20_000, "events in the verify benchmark's stream (the target is measured at 1000000)")

// fillStream stores about n events: registrations of new projects with
// eight deadlines each, packed into atomic batches.
func fillStream(b *testing.B, e *benchEnv, n int) uint64 {
	ctx := context.Background()
	var cmds []domain.RegisterProject
	for i := range (n + 8) / 9 {
		c := register(domain.ProjectID(fmt.Sprintf("V-%07d", i)))
		for _, m := range domain.Milestones[:8] {
			c.Plan = append(c.Plan, domain.PlannedDeadline{Milestone: m, Due: domain.NewDate(2027, 1, 1)})
		}
		cmds = append(cmds, c)
	}
	for len(cmds) > 0 {
		k := min(len(cmds), 111)
		_, err := e.store.RegisterMany(ctx, cmds[:k])
		require.NoError(b, err)
		cmds = cmds[k:]
	}
	last, err := e.store.LastSequence(ctx)
	require.NoError(b, err)
	return last
}

// rawRead reads every message of the stream with an ordered consumer and
// does nothing with it: the baseline.
func rawRead(b *testing.B, js jetstream.JetStream, stream string, last uint64) time.Duration {
	ctx := context.Background()
	start := time.Now()
	cons, err := js.OrderedConsumer(ctx, stream, jetstream.OrderedConsumerConfig{})
	require.NoError(b, err)
	it, err := cons.Messages(jetstream.PullMaxMessages(1024))
	require.NoError(b, err)
	defer it.Stop()
	for {
		m, err := it.Next()
		require.NoError(b, err)
		md, _ := m.Metadata()
		if md.Sequence.Stream >= last {
			return time.Since(start)
		}
	}
}

// BenchmarkVerifyAll verifies every event of a stream of -events events
// and reads the same stream raw in the same run.
func BenchmarkVerifyAll(b *testing.B) {
	e := newBenchEnv(b)
	last := fillStream(b, e, *benchEvents)
	ctx := context.Background()
	var ours, raw time.Duration
	for b.Loop() {
		start := time.Now()
		v, err := e.store.Verify(ctx, "")
		require.NoError(b, err)
		require.Empty(b, v.Breaks)
		require.Equal(b, int(last), v.Events)
		ours += time.Since(start)
		raw += rawRead(b, e.store.JetStream(), e.store.StreamName(), last)
	}
	n := float64(last) * float64(b.N)
	b.ReportMetric(n/ours.Seconds(), "verify-events/s")
	b.ReportMetric(n/raw.Seconds(), "raw-read-msgs/s")
	b.ReportMetric(raw.Seconds()/ours.Seconds(), "ratio")
}

// BenchmarkChainCheck measures the verifier's own work per event, with no
// server: decoding, the hash, the link, the subject and the readable
// headers of 1,000 events over 100 projects.
func BenchmarkChainCheck(b *testing.B) {
	codec := eventstore.NewCodec()
	var msgs []*jetstream.RawStreamMsg
	prev := map[domain.ProjectID][]byte{}
	for i := range 1000 {
		p := domain.ProjectID(fmt.Sprintf("2026-000000-47-01-%06d", i%100))
		if prev[p] == nil {
			prev[p] = eventstore.Genesis(p)
		}
		e := domain.Event{
			ID: fmt.Sprintf("cmd%08d-0", i), Project: p, Type: domain.IssueRaised, Schema: domain.EventVersion(domain.IssueRaised),
			OccurredOn: domain.NewDate(2026, 11, 20), RecordedAt: testNow, Actor: "重点办", CommandID: fmt.Sprintf("cmd%08d", i),
			Data: &domain.IssueRaisedData{IssueID: fmt.Sprintf("I-%d", i), Title: "征地拆迁进度滞后，需协调"},
		}
		body, err := codec.Seal(&e, prev[p])
		require.NoError(b, err)
		prev[p] = e.Hash
		msgs = append(msgs, &jetstream.RawStreamMsg{Subject: "ledger." + string(p) + "." + string(e.Type), Sequence: uint64(i + 1),
			Header: eventstore.LedgerHeaders(e), Data: body})
	}
	b.ReportAllocs()
	for b.Loop() {
		v := eventstore.NewChainVerifier(eventstore.StreamSpec{})
		for _, m := range msgs {
			if br := v.Check(m); br != nil {
				b.Fatal(br)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(msgs)), "ns/event")
}
