package projections_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/eventstore/storetest"
	"github.com/keyprojects/ledger/projections"
)

// twin is two ledgers given the same commands at the same clock; only
// dirty also receives messages the ledger did not write.
type twin struct {
	t            *testing.T
	clean, dirty *storetest.Env
	cleanClock   *domain.ManualClock
	dirtyClock   *domain.ManualClock
	foreign      []uint64 // stream sequences of the foreign messages dirty stored
}

func newTwin(t *testing.T) *twin {
	tw := &twin{t: t, cleanClock: domain.NewManualClock(runnerNow), dirtyClock: domain.NewManualClock(runnerNow)}
	tw.clean = storetest.Start(t, tw.cleanClock)
	tw.dirty = storetest.Start(t, tw.dirtyClock)
	return tw
}

func (tw *twin) exec(cmds ...domain.Command) {
	tw.t.Helper()
	for _, c := range cmds {
		for _, env := range []*storetest.Env{tw.clean, tw.dirty} {
			_, err := env.Store.Execute(context.Background(), c)
			require.NoError(tw.t, err, "%s", c.Action())
		}
	}
}

func (tw *twin) setClock(at time.Time) {
	tw.cleanClock.Set(at)
	tw.dirtyClock.Set(at)
}

// publish puts a message on dirty's server the way a stranger with
// publish rights would: a raw client, any header block, any body. stored
// says whether the stream must take it.
func (tw *twin) publish(subject string, header, body []byte, stored bool) {
	tw.t.Helper()
	seq := tw.dirty.PublishRaw(tw.t, subject, header, body)
	if !stored {
		require.Zero(tw.t, seq, "the stream took %s", subject)
		return
	}
	require.NotZero(tw.t, seq, "the stream did not take %s", subject)
	tw.foreign = append(tw.foreign, seq)
}

// last returns the version of project p in dirty: what a forger links to.
func (tw *twin) last(p domain.ProjectID) eventstore.Version {
	tw.t.Helper()
	_, v, err := tw.dirty.Store.Load(context.Background(), p)
	require.NoError(tw.t, err)
	return v
}

func headers(h nats.Header) []byte {
	var b bytes.Buffer
	b.WriteString("NATS/1.0\r\n")
	_ = http.Header(h).Write(&b)
	b.WriteString("\r\n")
	return b.Bytes()
}

// forge returns the body of an event of type t for project p, sealed
// (hashed right) with link prev, as someone with the ledger's code but not
// its history would write it.
func forge(t *testing.T, p domain.ProjectID, typ domain.EventType, data domain.Payload, prev []byte) ([]byte, domain.Event) {
	t.Helper()
	e := domain.Event{ID: "forged-" + string(typ) + "-0", Project: p, Type: typ, Schema: domain.EventVersion(typ), OccurredOn: dt("2026-11-09"),
		RecordedAt: runnerNow, Actor: "stranger", CommandID: "forged-" + string(typ), Data: data}
	body, err := eventstore.NewCodec().Seal(&e, prev)
	require.NoError(t, err)
	return body, e
}

// withoutSeq returns rows in their stored form (JSON), less what differs
// between the twins by construction: the stream sequences, which the
// foreign messages push on.
func withoutSeq(t *testing.T, rows []*projections.Row) []string {
	t.Helper()
	out := make([]string, len(rows))
	for i, r := range rows {
		c := *r
		c.LastSeq = 0
		b, err := projections.EncodeRow(&c)
		require.NoError(t, err)
		out[i] = string(b)
	}
	return out
}

// sequencesNamed returns the stream sequences the reported errors name.
func sequencesNamed(t *testing.T, errs []error) []uint64 {
	t.Helper()
	var out []uint64
	for _, err := range errs {
		var seq uint64
		msg := err.Error()
		i := strings.Index(msg, "stream sequence ")
		require.GreaterOrEqual(t, i, 0, "a skip report that names no stream sequence: %q", msg)
		_, scanErr := fmt.Sscanf(msg[i:], "stream sequence %d", &seq)
		require.NoError(t, scanErr, msg)
		require.True(t, errors.Is(err, eventstore.ErrUndecodable), "%v", err)
		require.NotContains(t, msg, "\n")
		out = append(out, seq)
	}
	slices.Sort(out)
	return out
}

// Messages on ledger.> that the ledger did not write are reported and
// skipped by the projection runner, the deadline watcher and a
// subscription: the tables and the misses recorded are exactly those of a
// ledger that never saw them. A history read leaves out the messages that
// are not events, and stops at an event off its project's chain, which it
// names; nothing more is recorded for that project.
func TestForeignMessagesLeaveEveryReaderAsIfTheyWereNotThere(t *testing.T) {
	ctx := context.Background()
	tw := newTwin(t)
	tw.exec(
		p1.register("Bridge", "Transport", "Zhao", "2026-10-01", due(domain.MilestoneSigned, "2026-11-10"), due(domain.MilestoneStarted, "2026-11-20")),
		p2.register("Road", "Transport", "Qian", "2026-10-01", due(domain.MilestoneSigned, "2026-11-21")),
	)
	stray := []byte("stray")

	// Wrong encoding.
	tw.publish("ledger.P-1.signed", nil, []byte("not cbor at all"), true)
	tw.publish("ledger.P-1.started", headers(nats.Header{"Content-Type": {"application/json"}}), []byte(`{"type":"started","project":"P-1"}`), true)
	// Subjects not of the shape ledger.<project>.<type>: the stream takes
	// only ledger.*.*, so these are not stored at all ...
	tw.publish("ledger.P-1", nil, stray, false)
	tw.publish("ledger.P-1.signed.extra", nil, stray, false)
	// ... and these are, but name no project the ledger accepts, or no
	// event type, or not the event in the body.
	bad, _ := forge(t, "bad!id", domain.Registered, &domain.RegisteredData{Name: "x", TotalInvestment: 1, Unit: "u", Leader: "l", Kind: domain.KindNew}, eventstore.Genesis("bad!id"))
	tw.publish("ledger.bad!id.registered", nil, bad, true)
	startedP1, _ := forge(t, "P-1", domain.Started, &domain.StartedData{}, tw.last("P-1").Hash)
	tw.publish("ledger.P-1.hello", nil, startedP1, true)
	tw.publish("ledger.P-1.signed", nil, startedP1, true)  // a forged type: the body says started
	tw.publish("ledger.P-2.started", nil, startedP1, true) // the body says P-1
	// Garbage header blocks, and one near the 64 KB JetStream takes.
	tw.publish("ledger.P-1.negotiating", []byte("GARBAGE\r\n\r\n"), stray, true) // no client can parse it
	tw.publish("ledger.P-2.milestone_planned", []byte("NATS/1.0 404 No Messages\r\n\r\n"), nil, true)
	tw.publish("ledger.P-2.signed", headers(nats.Header{"Ledger-Event-Type": {"signed"}, "X-Junk": {strings.Repeat("垃圾", 10_000)}}), stray, true)

	tw.exec(p1.step(domain.Signed, "2026-11-05"), p2.leader("Wang", "2026-11-06"))

	// The forged start on the wrong subject is not in P-1's history: the
	// real one is not a duplicate.
	tw.exec(p1.step(domain.Started, "2026-11-10"))

	// Valid CBOR, hashed right, off the chain: a bad link, a replayed copy
	// of a real event (with its headers, less the message id the server
	// would drop it by), an event with no hash, a forged miss.
	p1Last := tw.last("P-1").Hash
	off, _ := forge(t, "P-1", domain.Started, &domain.StartedData{}, bytes.Repeat([]byte{0xee}, 32))
	tw.publish("ledger.P-1.started", nil, off, true)
	reg, err := tw.dirty.Store.JetStream().Conn().Request("$JS.API.DIRECT.GET.LEDGER.ledger.P-1.registered", nil, 5*time.Second)
	require.NoError(t, err)
	replayHeader := nats.Header{}
	for k, v := range reg.Header {
		if strings.HasPrefix(k, "Ledger-") || k == "Content-Type" {
			replayHeader[k] = v
		}
	}
	tw.publish("ledger.P-1.registered", headers(replayHeader), reg.Data, true)
	_, unhashed := forge(t, "P-1", domain.Signed, &domain.StepData{Step: domain.Signed}, p1Last)
	unhashed.Hash = nil
	noHash, err := eventstore.NewCodec().Encode(unhashed)
	require.NoError(t, err)
	tw.publish("ledger.P-1.signed", nil, noHash, true)
	miss, _ := forge(t, "P-1", domain.DeadlineMissed, &domain.DeadlineMissedData{Milestone: domain.MilestoneStarted, Due: dt("2026-11-20"),
		Unit: "Transport", Leader: "Zhao", DetectedAt: runnerNow}, bytes.Repeat([]byte{0xdd}, 32))
	tw.publish("ledger.P-1.deadline_missed", nil, miss, true)

	// The histories: P-2's messages that are not events are left out;
	// P-1's events off its chain end its history, which is shown up to
	// them with the break named, and nothing more is recorded for it.
	for _, p := range []domain.ProjectID{"P-1", "P-2"} {
		want, _, err := tw.clean.Store.Load(ctx, p)
		require.NoError(t, err)
		got, _, err := tw.dirty.Store.Load(ctx, p)
		if p == "P-1" {
			var broken *eventstore.ChainBreakError
			require.ErrorAs(t, err, &broken)
			assert.Equal(t, tw.foreign[len(tw.foreign)-4], broken.Sequence, "the first event off the chain: the bad link")
			assert.Equal(t, got[len(got)-1].Sequence, broken.After)
			assert.Empty(t, broken.Missing, "nothing is missing: the event was put there")
		} else {
			require.NoError(t, err)
		}
		require.Equal(t, len(want), len(got), "%s's history", p)
		for i := range want {
			assert.Equal(t, want[i].Event, got[i].Event, "%s's history, event %d", p, i)
		}
	}
	before, err := tw.dirty.Store.LastSequence(ctx)
	require.NoError(t, err)
	_, err = tw.dirty.Store.Execute(ctx, p1.step(domain.Commissioned, "2026-11-12"))
	require.ErrorIs(t, err, eventstore.ErrChainBroken, "no event is appended to a broken chain")
	after, err := tw.dirty.Store.LastSequence(ctx)
	require.NoError(t, err)
	assert.Equal(t, before, after)

	// The deadline watcher: the same misses recorded, every foreign
	// message reported by its stream sequence.
	tw.setClock(shanghaiEnd("2026-11-26"))
	var watchReports []error
	for _, env := range []*storetest.Env{tw.clean, tw.dirty} {
		var reports []error
		w := projections.NewWatcher(env.Store, projections.WithWatchReport(func(err error) { reports = append(reports, err) }))
		require.NoError(t, w.CatchUp(ctx))
		n, _, err := w.Check(ctx)
		require.NoError(t, err)
		assert.Equal(t, 1, n, "P-2's signing is missed, nothing else")
		watchReports = reports
	}
	assert.Equal(t, tw.foreign, sequencesNamed(t, watchReports), "the watcher reports each foreign message once")

	// The projection runner: the same rows, every foreign message reported
	// and counted in the checkpoint.
	var runReports []error
	runner := projections.NewRunner(tw.dirty.Store, projections.WithBatch(3), projections.WithReport(func(err error) { runReports = append(runReports, err) }))
	cp, err := runner.CatchUp(ctx)
	require.NoError(t, err)
	assert.Equal(t, uint64(len(tw.foreign)), cp.Skipped)
	assert.Equal(t, tw.foreign, sequencesNamed(t, runReports), "the runner reports each foreign message once")
	_, err = projections.NewRunner(tw.clean.Store).CatchUp(ctx)
	require.NoError(t, err)
	want, err := projections.NewRunner(tw.clean.Store).Storage().Read(ctx)
	require.NoError(t, err)
	got, err := runner.Storage().Read(ctx)
	require.NoError(t, err)
	assert.Equal(t, withoutSeq(t, want.Rows), withoutSeq(t, got.Rows), "the tables")
	assert.Zero(t, want.Checkpoint.Skipped)
	progress, err := runner.Progress(ctx)
	require.NoError(t, err)
	assert.Equal(t, uint64(len(tw.foreign)), progress.Checkpoint.Skipped, "the operator sees the count")

	// A rebuild from zero skips the same messages, and counts them again.
	_, rebuilt, err := projections.NewRunner(tw.dirty.Store).Rebuild(ctx)
	require.NoError(t, err)
	assert.Equal(t, cp.LastSeq, rebuilt.LastSeq)
	assert.Equal(t, cp.Skipped, rebuilt.Skipped)
	again, err := runner.Storage().Read(ctx)
	require.NoError(t, err)
	assert.Equal(t, withoutSeq(t, got.Rows), withoutSeq(t, again.Rows))

	// The auditor's fold of the whole stream.
	wantAsOf, err := projections.RowsAsOf(ctx, tw.clean.Store, projections.Cut{})
	require.NoError(t, err)
	gotAsOf, err := projections.RowsAsOf(ctx, tw.dirty.Store, projections.Cut{})
	require.NoError(t, err)
	assert.Equal(t, withoutSeq(t, wantAsOf), withoutSeq(t, gotAsOf))
	assert.Equal(t, withoutSeq(t, want.Rows), withoutSeq(t, wantAsOf))

	// A subscription to the misses: the forged miss is handed back as an
	// error to acknowledge and skip, the real one as the event.
	sub, err := tw.dirty.Store.Subscribe(ctx, "inspection", domain.DeadlineMissed)
	require.NoError(t, err)
	var delivered []string
	var skipped []error
	for {
		d, err := sub.Next(ctx, 2*time.Second)
		if errors.Is(err, eventstore.ErrNoDelivery) {
			break
		}
		if errors.Is(err, eventstore.ErrUndecodable) {
			skipped = append(skipped, err)
			require.NoError(t, d.Ack(ctx))
			continue
		}
		require.NoError(t, err)
		delivered = append(delivered, missOf(t, d.Record))
		require.NoError(t, d.Ack(ctx))
	}
	assert.Equal(t, []string{"P-2 signed 2026-11-21"}, delivered)
	require.Len(t, skipped, 1)
	assert.ErrorIs(t, skipped[0], eventstore.ErrOffChain)

	// Verify names the foreign messages; on the clean twin it finds none.
	v, err := tw.dirty.Store.Verify(ctx, "")
	require.NoError(t, err)
	var breaks []uint64
	for _, b := range v.Breaks {
		breaks = append(breaks, b.Sequence)
	}
	assert.Subset(t, tw.foreign, breaks)
	assert.Len(t, breaks, 3, "the first foreign message of P-1, P-2 and bad!id")
	clean, err := tw.clean.Store.Verify(ctx, "")
	require.NoError(t, err)
	assert.Empty(t, clean.Breaks)
}

func TestRowTakesOnlyItsProjectsNextEvent(t *testing.T) {
	codec := eventstore.NewCodec()
	rec := func(seq uint64, prev []byte) eventstore.Record {
		e := domain.Event{ID: fmt.Sprintf("k%d-0", seq), Project: "P-1", Type: domain.Signed, Schema: 1, OccurredOn: dt("2026-11-02"),
			RecordedAt: runnerNow, Actor: "clerk", CommandID: fmt.Sprintf("k%d", seq), Data: &domain.StepData{Step: domain.Signed}}
		_, err := codec.Seal(&e, prev)
		require.NoError(t, err)
		return eventstore.Record{Event: e, Sequence: seq, Subject: "ledger.P-1.signed"}
	}
	first := rec(3, eventstore.Genesis("P-1"))
	row := projections.NewRow("P-1")
	applied, err := row.Take(first)
	require.NoError(t, err)
	assert.True(t, applied)
	assert.Equal(t, first.Hash, row.LastHash)

	applied, err = row.Take(rec(2, bytes.Repeat([]byte{9}, 32)))
	require.NoError(t, err, "at or before the last sequence: a replay after a crash, skipped without a word")
	assert.False(t, applied)

	before := *row
	applied, err = row.Take(rec(5, bytes.Repeat([]byte{9}, 32)))
	require.ErrorIs(t, err, eventstore.ErrOffChain)
	assert.False(t, applied)
	assert.Equal(t, before, *row, "the row is unchanged")

	applied, err = row.Take(rec(6, first.Hash))
	require.NoError(t, err)
	assert.True(t, applied)

	legacy := &projections.Row{Project: row.Project, LastSeq: 6} // stored before rows kept the hash
	applied, err = legacy.Take(rec(8, bytes.Repeat([]byte{7}, 32)))
	require.NoError(t, err, "its next event cannot be checked, only taken")
	assert.True(t, applied)
}
