package projections_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/eventstore/storetest"
	"github.com/keyprojects/ledger/projections"
)

var runnerNow = time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)

// history drives random but valid-looking commands into a store, keeping a
// shadow of each project's state so most commands make sense; the domain
// refuses the rest, which store nothing.
type history struct {
	t      testing.TB
	store  *eventstore.Store
	rng    *rand.Rand
	gen    *storetest.Commands
	states map[domain.ProjectID]*domain.Project
	ids    []domain.ProjectID
	stored int
	seq    int
}

func newHistory(t testing.TB, store *eventstore.Store, seed uint64, projects int) *history {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b9))
	h := &history{t: t, store: store, rng: rng, gen: storetest.NewCommands(rng, true), states: map[domain.ProjectID]*domain.Project{}}
	for i := range projects {
		h.ids = append(h.ids, domain.ProjectID(fmt.Sprintf("P-%03d", i)))
	}
	return h
}

// command returns a plausible next command for project p.
func (h *history) command(p domain.ProjectID) domain.Command {
	h.seq++
	id := fmt.Sprintf("c%d", h.seq)
	if st := h.states[p]; st != nil && st.Registered {
		return h.gen.Step(id, p, st)
	}
	return h.gen.Register(id, p)
}

// run stores commands until n more events are stored.
func (h *history) run(n int) {
	target := h.stored + n
	for attempts := 0; h.stored < target; attempts++ {
		require.Less(h.t, attempts, 50*n+1000, "the generator keeps being refused")
		p := h.ids[h.rng.IntN(len(h.ids))]
		st := h.states[p]
		if st == nil {
			np := domain.NewProject(p)
			st = &np
			h.states[p] = st
		}
		// Ask the shadow state first: the store would refuse the same
		// commands, and a refusal costs it a history read.
		cmd := h.command(p)
		if _, err := domain.Decide(*st, cmd, runnerNow); err != nil {
			var re *domain.RuleError
			require.True(h.t, errors.As(err, &re), "%v", err)
			continue
		}
		res, err := h.store.Execute(context.Background(), cmd)
		require.NoError(h.t, err)
		for _, r := range res.Records {
			domain.Evolve(st, r.Event)
		}
		h.stored += len(res.Records)
	}
}

// bucketValues returns every key and value of a projections bucket.
func bucketValues(t testing.TB, js jetstream.JetStream, bucket string) map[string]string {
	t.Helper()
	ctx := context.Background()
	kv, err := js.KeyValue(ctx, bucket)
	require.NoError(t, err)
	keys, err := kv.ListKeys(ctx)
	require.NoError(t, err)
	out := map[string]string{}
	for k := range keys.Keys() {
		if k == "checkpoint" {
			continue
		}
		e, err := kv.Get(ctx, k)
		require.NoError(t, err)
		out[k] = string(e.Value())
	}
	return out
}

func TestIncrementalBuildEqualsRebuildFromZeroByteForByte(t *testing.T) {
	env := storetest.Start(t, domain.NewManualClock(runnerNow))
	ctx := context.Background()
	h := newHistory(t, env.Store, 42, 150)
	runner := projections.NewRunner(env.Store, projections.WithBatch(97))

	// Build incrementally: many catch-ups, each by a fresh runner that
	// reads its rows back from the bucket, as a restarted process would.
	total := 10_000
	for h.stored < total {
		h.run(min(700, total-h.stored))
		_, err := projections.NewRunner(env.Store, projections.WithBatch(1+h.rng.IntN(300))).CatchUp(ctx)
		require.NoError(t, err)
	}
	require.GreaterOrEqual(t, h.stored, 10_000)
	incremental, _, err := runner.Storage().Current(ctx)
	require.NoError(t, err)
	before := bucketValues(t, env.Store.JetStream(), incremental.Bucket)

	// The rebuild writes often and few rows at a time, so that projects
	// come back after their rows were written (and are read back from
	// their stored form), and writes wait for acknowledgements in turn.
	projections.SetRebuildFlushRows(runner, 40)
	projections.SetRowWindow(runner, 3)
	g, cp, err := runner.Rebuild(ctx)
	require.NoError(t, err)
	last, err := env.Store.LastSequence(ctx)
	require.NoError(t, err)
	assert.Equal(t, last, cp.LastSeq)
	rebuilt := bucketValues(t, env.Store.JetStream(), g.Bucket)

	require.Equal(t, len(before), len(rebuilt))
	keys := make([]string, 0, len(before))
	for k := range before {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		require.Equal(t, before[k], rebuilt[k], "row %s", k)
	}
	// And the rows are the projects' states as the writers saw them.
	snap, err := runner.Storage().Read(ctx)
	require.NoError(t, err)
	for _, row := range snap.Rows {
		want := h.states[row.ID]
		require.NotNil(t, want)
		assert.Equal(t, want.Version, row.Version, "row %s has every event", row.ID)
	}
}

func TestRunnerResumesAfterACrashBetweenRowsAndCheckpoint(t *testing.T) {
	env := storetest.Start(t, domain.NewManualClock(runnerNow))
	ctx := context.Background()
	h := newHistory(t, env.Store, 7, 40)
	h.run(1_500)

	for _, crashAfter := range []int{1, 7, 23} {
		t.Run(fmt.Sprintf("crash after %d row writes", crashAfter), func(t *testing.T) {
			h.run(300)
			crashing := projections.NewRunner(env.Store, projections.WithBatch(50))
			projections.SetCrashAfterRowPuts(crashing, crashAfter)
			_, err := crashing.CatchUp(ctx)
			require.ErrorIs(t, err, projections.ErrCrash)

			_, err = projections.NewRunner(env.Store).CatchUp(ctx)
			require.NoError(t, err)
			g, _, err := projections.NewRunner(env.Store).Storage().Current(ctx)
			require.NoError(t, err)
			resumed := bucketValues(t, env.Store.JetStream(), g.Bucket)

			rg, _, err := projections.NewRunner(env.Store).Rebuild(ctx)
			require.NoError(t, err)
			assert.Equal(t, bucketValues(t, env.Store.JetStream(), rg.Bucket), resumed)
		})
	}
}

func TestReaderNeverSeesAHalfBuiltGeneration(t *testing.T) {
	env := storetest.Start(t, domain.NewManualClock(runnerNow))
	ctx := context.Background()
	h := newHistory(t, env.Store, 3, 60)
	h.run(2_000)
	_, err := projections.NewRunner(env.Store).CatchUp(ctx)
	require.NoError(t, err)

	// The reporting job: its own connection, its own storage handle.
	reader := projections.NewStorage(mustJS(t, env), env.Store.StreamName())
	first, err := reader.Read(ctx)
	require.NoError(t, err)
	require.Len(t, first.Rows, len(h.states))

	// The rebuild sets rows aside many times, then writes every row of the
	// new generation and its checkpoint; it pauses there, before the switch.
	rebuilding := projections.NewRunner(env.Store, projections.WithBatch(100))
	projections.SetRebuildFlushRows(rebuilding, 10)
	paused, resume := make(chan int), make(chan struct{})
	projections.SetAfterFlush(rebuilding, func(gen int, _ projections.Checkpoint) {
		paused <- gen
		<-resume
	})
	done := make(chan error)
	go func() {
		_, _, err := rebuilding.Rebuild(ctx)
		done <- err
	}()
	gen := <-paused
	written := 0
	for key := range bucketValues(t, env.Store.JetStream(), fmt.Sprintf("LEDGER_PROJ_%d", gen)) {
		if strings.HasPrefix(key, "p.") {
			written++
		}
	}
	assert.Equal(t, len(h.states), written, "the new generation holds every row, not yet current")
	during, err := reader.Read(ctx)
	require.NoError(t, err)
	assert.Equal(t, first.Generation, during.Generation, "readers stay on the old generation")
	assert.Equal(t, first.Rows, during.Rows, "and see all of it")
	close(resume)
	require.NoError(t, <-done)

	after, err := reader.Read(ctx)
	require.NoError(t, err)
	assert.Equal(t, first.Generation.Number+1, after.Generation.Number)
	assert.Equal(t, first.Rows, after.Rows, "the rebuilt generation holds the same rows")
}

func TestRunFollowsNewEventsAndMovesToARebuiltGeneration(t *testing.T) {
	clock := domain.NewManualClock(runnerNow)
	env := storetest.Start(t, clock)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	type flush struct {
		gen int
		cp  projections.Checkpoint
	}
	flushed := make(chan flush, 100)
	runner := projections.NewRunner(env.Store, projections.WithIdleWait(20*time.Millisecond))
	projections.SetAfterFlush(runner, func(gen int, cp projections.Checkpoint) {
		select {
		case flushed <- flush{gen, cp}:
		case <-ctx.Done():
		}
	})
	stopped := make(chan error)
	go func() { stopped <- runner.Run(ctx) }()

	// waitFor returns once the runner has written seq into generation gen.
	waitFor := func(gen int, seq uint64) {
		t.Helper()
		for f := range flushed {
			if f.gen == gen && f.cp.LastSeq >= seq {
				return
			}
		}
	}
	res, err := env.Store.Execute(ctx, domain.RegisterProject{Meta: domain.Meta{Actor: "a"}, Project: "P-1", Name: "n",
		TotalInvestment: 100, Unit: "u", Leader: "l", On: domain.NewDate(2026, 11, 1)})
	require.NoError(t, err)
	waitFor(1, res.Records[0].Sequence)
	snap, err := runner.Storage().Read(ctx)
	require.NoError(t, err)
	require.Len(t, snap.Rows, 1)

	g, _, err := projections.NewRunner(env.Store).Rebuild(ctx)
	require.NoError(t, err)
	res, err = env.Store.Execute(ctx, domain.RecordStep{Meta: domain.Meta{Actor: "a"}, Project: "P-1", Step: domain.Signed, On: domain.NewDate(2026, 11, 2)})
	require.NoError(t, err)
	waitFor(g.Number, res.Records[0].Sequence)
	snap, err = runner.Storage().Read(ctx)
	require.NoError(t, err)
	assert.Equal(t, g.Number, snap.Generation.Number)
	require.Len(t, snap.Rows, 1)
	_, signed := snap.Rows[0].Steps[domain.Signed]
	assert.True(t, signed, "the running runner applied the new event to the rebuilt generation")

	cancel()
	require.NoError(t, <-stopped)
}

func TestForeignMessagesAreReportedAndSkipped(t *testing.T) {
	env := storetest.Start(t, domain.NewManualClock(runnerNow))
	ctx := context.Background()
	_, err := env.Store.Execute(ctx, domain.RegisterProject{Meta: domain.Meta{Actor: "a"}, Project: "P-1", Name: "n",
		TotalInvestment: 100, Unit: "u", Leader: "l", On: domain.NewDate(2026, 11, 1)})
	require.NoError(t, err)
	_, err = env.Store.JetStream().Publish(ctx, "ledger.P-1.started", []byte(`{"forged":true}`))
	require.NoError(t, err)

	var reported []error
	runner := projections.NewRunner(env.Store, projections.WithReport(func(err error) { reported = append(reported, err) }))
	cp, err := runner.CatchUp(ctx)
	require.NoError(t, err)
	assert.Equal(t, uint64(2), cp.LastSeq, "the checkpoint moves past the foreign message")
	require.Len(t, reported, 1)
	assert.ErrorIs(t, reported[0], eventstore.ErrUndecodable)

	snap, err := runner.Storage().Read(ctx)
	require.NoError(t, err)
	require.Len(t, snap.Rows, 1)
	_, started := snap.Rows[0].Steps[domain.Started]
	assert.False(t, started, "the forged start is not in the table")
}

func mustJS(t *testing.T, env *storetest.Env) jetstream.JetStream {
	t.Helper()
	js, err := jetstream.New(env.Connect(t))
	require.NoError(t, err)
	return js
}

func TestReadUnitReturnsExactlyTheUnitsRows(t *testing.T) {
	env := storetest.Start(t, domain.NewManualClock(runnerNow))
	ctx := context.Background()
	h := newHistory(t, env.Store, 5, 80)
	h.run(1_500)
	crashing := projections.NewRunner(env.Store, projections.WithBatch(40))
	projections.SetCrashAfterRowPuts(crashing, 9) // an index may name rows not written yet
	_, err := crashing.CatchUp(ctx)
	require.ErrorIs(t, err, projections.ErrCrash)
	_, err = projections.NewRunner(env.Store).CatchUp(ctx)
	require.NoError(t, err)

	storage := projections.NewStorage(mustJS(t, env), env.Store.StreamName())
	all, err := storage.Read(ctx)
	require.NoError(t, err)
	for _, unit := range storetest.Units {
		var want []*projections.Row
		for _, r := range all.Rows {
			if r.Unit == unit {
				want = append(want, r)
			}
		}
		got, err := storage.ReadUnit(ctx, unit)
		require.NoError(t, err)
		assert.Equal(t, want, got.Rows, "unit %s", unit)
	}
	none, err := storage.ReadUnit(ctx, "no such unit")
	require.NoError(t, err)
	assert.Empty(t, none.Rows)
}

// A runner that applies new events while a writer checks the projections
// against the stream must not make a healthy stream look cut; a stream
// that really ends before the checkpoint is reported.
func TestCheckNotAheadHoldsWhileTheRunnerMovesOn(t *testing.T) {
	ctx := context.Background()
	env, h, runner := caughtUp(t, 3, 5, 20)

	// Between the checker's two reads, more events are stored and applied.
	moving := func(ctx context.Context) (uint64, error) {
		h.run(3)
		if _, err := runner.CatchUp(ctx); err != nil {
			return 0, err
		}
		return env.Store.LastSequence(ctx)
	}
	require.NoError(t, runner.Storage().CheckNotAhead(ctx, moving))

	cp, err := runner.CatchUp(ctx)
	require.NoError(t, err)
	cut := func(context.Context) (uint64, error) { return cp.LastSeq - 2, nil }
	err = runner.Storage().CheckNotAhead(ctx, cut)
	var ahead *projections.AheadError
	require.ErrorAs(t, err, &ahead)
	assert.Equal(t, cp.LastSeq, ahead.Checkpoint)
	assert.Equal(t, cp.LastSeq-2, ahead.StreamLast)
	assert.ErrorIs(t, err, projections.ErrAheadOfStream)
}

// A rebuild that fails while it writes its rows at the end (the rows set
// aside are encoded on every core meanwhile) returns the failure, leaves
// readers on the generation they had, and a rebuild after it completes.
func TestRebuildFailingInItsFinalWriteLeavesTheCurrentGeneration(t *testing.T) {
	ctx := context.Background()
	env, _, runner := caughtUp(t, 13, 60, 1_200)
	before, err := runner.Storage().Read(ctx)
	require.NoError(t, err)

	for _, crashAfter := range []int{0, 1, 17} {
		failing := projections.NewRunner(env.Store, projections.WithBatch(50))
		projections.SetRebuildFlushRows(failing, 10) // most rows are set aside before the end
		projections.SetRowWindow(failing, 4)
		projections.SetCrashAfterRowPuts(failing, crashAfter+1)
		_, _, err := failing.Rebuild(ctx)
		require.ErrorIs(t, err, projections.ErrCrash, "crash after %d", crashAfter)
		now, err := runner.Storage().Read(ctx)
		require.NoError(t, err)
		assert.Equal(t, before.Generation, now.Generation, "readers keep their generation")
		assert.Equal(t, before.Rows, now.Rows)
	}

	g, _, err := projections.NewRunner(env.Store).Rebuild(ctx)
	require.NoError(t, err)
	after, err := runner.Storage().Read(ctx)
	require.NoError(t, err)
	assert.Equal(t, g, after.Generation)
	require.Len(t, after.Rows, len(before.Rows))
	for i := range before.Rows {
		assert.Equal(t, before.Rows[i].Project, after.Rows[i].Project, "row %s", before.Rows[i].ID)
	}
}

// caughtUp starts a store holding events events of a history of projects
// projects (seeded with seed) and a runner caught up with it.
func caughtUp(t *testing.T, seed uint64, projects, events int) (*storetest.Env, *history, *projections.Runner) {
	t.Helper()
	env := storetest.Start(t, domain.NewManualClock(runnerNow))
	h := newHistory(t, env.Store, seed, projects)
	h.run(events)
	runner := projections.NewRunner(env.Store)
	_, err := runner.CatchUp(context.Background())
	require.NoError(t, err)
	return env, h, runner
}
