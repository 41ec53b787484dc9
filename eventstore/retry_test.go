package eventstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
)

// A stream that takes no publishes on the ledger's subjects stands for a
// replicated stream between two leaders: nobody answers, and the client
// sees no responders. Moving the stream's subjects away and back makes
// that happen on one embedded server, on demand.
func takeSubjectsAway(t *testing.T, js jetstream.JetStream, stream string, away bool) {
	t.Helper()
	ctx := context.Background()
	st, err := js.Stream(ctx, stream)
	require.NoError(t, err)
	cfg := st.CachedInfo().Config
	cfg.Subjects = []string{"ledger.*.*"}
	if away {
		cfg.Subjects = []string{"elsewhere.*.*"}
	}
	_, err = js.UpdateStream(ctx, cfg)
	require.NoError(t, err)
}

func registerWithPlan(id domain.ProjectID) domain.RegisterProject {
	c := register(id)
	c.Plan = []domain.PlannedDeadline{
		{Milestone: domain.MilestoneSigned, Due: domain.NewDate(2026, 12, 15)},
		{Milestone: domain.MilestoneStarted, Due: domain.NewDate(2027, 3, 1)},
	}
	return c
}

// retryCases are commands whose append is one message, and several (an
// atomic batch), on a project already registered or not.
func retryCases() []struct {
	name    string
	project domain.ProjectID
	setup   []domain.Command
	cmd     domain.Command
	events  int
} {
	return []struct {
		name    string
		project domain.ProjectID
		setup   []domain.Command
		cmd     domain.Command
		events  int
	}{
		{"one message", "R-1", []domain.Command{register("R-1")}, step("R-1", domain.Signed, domain.NewDate(2026, 11, 2)), 1},
		{"atomic batch", "R-2", nil, registerWithPlan("R-2"), 3},
	}
}

func TestAppendIsSentAgainUntilTheStreamAnswers(t *testing.T) {
	for _, tc := range retryCases() {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			ctx := context.Background()
			var retries []eventstore.Retry
			store, err := eventstore.Open(ctx, e.nc, eventstore.WithClock(e.clock),
				eventstore.WithRetryReport(func(r eventstore.Retry) {
					if retries = append(retries, r); len(retries) == 2 {
						takeSubjectsAway(t, e.store.JetStream(), e.store.StreamName(), false)
					}
				}))
			require.NoError(t, err)
			for _, c := range tc.setup {
				mustExecute(t, store, c)
			}
			before := e.msgCount(t)

			takeSubjectsAway(t, e.store.JetStream(), e.store.StreamName(), true)
			res, err := store.Execute(ctx, tc.cmd)
			require.NoError(t, err, "the append waits for the stream to come back")
			assert.False(t, res.AlreadyStored)
			require.Len(t, res.Records, tc.events)

			require.Len(t, retries, 2, "sent three times: two without an answer, then stored")
			for i, r := range retries {
				assert.Equal(t, i+1, r.Attempt)
				assert.Equal(t, eventstore.MsgID(res.Records[0].Event), r.MsgID)
				assert.Equal(t, res.Records[0].Subject, r.Subject)
				assert.ErrorIs(t, r.Err, noAnswer(tc.events))
			}
			assert.Equal(t, before+uint64(tc.events), e.msgCount(t), "stored once")
			v, err := store.Verify(ctx, "")
			require.NoError(t, err)
			assert.Empty(t, v.Breaks)
		})
	}
}

func TestResentAppendWhoseFirstTryWasStoredIsStoredOnce(t *testing.T) {
	for _, tc := range retryCases() {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			ctx := context.Background()
			// other is a second writer with the same command and the same
			// view of the project: what it appends is exactly what the
			// first try of the store under test sent, so its append stands
			// for that try being stored while its answer was lost.
			other, err := eventstore.Open(ctx, e.nc, eventstore.WithClock(e.clock))
			require.NoError(t, err)
			var storedByOther []eventstore.Record
			store, err := eventstore.Open(ctx, e.nc, eventstore.WithClock(e.clock),
				eventstore.WithRetryReport(func(r eventstore.Retry) {
					if storedByOther != nil {
						return
					}
					takeSubjectsAway(t, e.store.JetStream(), e.store.StreamName(), false)
					recs, ver, err := other.Load(ctx, tc.project)
					require.NoError(t, err)
					state := domain.Fold(tc.project, eventsOf(recs))
					cmd := domain.ResolveDates(tc.cmd, state, e.clock.Now()) // as Execute does
					events, err := domain.Decide(state, cmd, e.clock.Now())
					require.NoError(t, err)
					storedByOther, err = other.Append(ctx, ver, events)
					require.NoError(t, err)
				}))
			require.NoError(t, err)
			for _, c := range tc.setup {
				mustExecute(t, store, c)
			}
			before := e.msgCount(t)

			takeSubjectsAway(t, e.store.JetStream(), e.store.StreamName(), true)
			res, err := store.Execute(ctx, tc.cmd)
			require.NoError(t, err)
			require.Len(t, storedByOther, tc.events)
			assert.False(t, res.AlreadyStored, "this append's own (first) try stored the command")
			require.Len(t, res.Records, tc.events)
			for i := range res.Records {
				assert.Equal(t, storedByOther[i].Sequence, res.Records[i].Sequence)
				assert.Equal(t, storedByOther[i].Hash, res.Records[i].Hash)
			}
			assert.Equal(t, before+uint64(tc.events), e.msgCount(t), "stored once")

			// The store's state moved on with the stored events: the next
			// command is decided after them.
			next := mustExecute(t, store, step(tc.project, domain.Started, domain.NewDate(2026, 11, 3)))
			assert.Equal(t, res.Records[len(res.Records)-1].Hash, next.Records[0].PrevHash)
			v, err := store.Verify(ctx, "")
			require.NoError(t, err)
			assert.Empty(t, v.Breaks)
		})
	}
}

func TestAppendGivesUpWhenTheRetryBudgetIsSpent(t *testing.T) {
	for _, budget := range []time.Duration{0, 800 * time.Millisecond} {
		for _, tc := range retryCases() {
			t.Run(tc.name+" budget "+budget.String(), func(t *testing.T) {
				e := newEnv(t)
				ctx := context.Background()
				reported := 0
				store, err := eventstore.Open(ctx, e.nc, eventstore.WithClock(e.clock), eventstore.WithRetryBudget(budget),
					eventstore.WithRetryReport(func(eventstore.Retry) { reported++ }))
				require.NoError(t, err)
				for _, c := range tc.setup {
					mustExecute(t, store, c)
				}
				before := e.msgCount(t)

				takeSubjectsAway(t, e.store.JetStream(), e.store.StreamName(), true)
				_, err = store.Execute(ctx, tc.cmd)
				require.ErrorIs(t, err, eventstore.ErrUnavailable)
				require.ErrorIs(t, err, noAnswer(tc.events), "the last try's error is kept")
				var ue *eventstore.UnavailableError
				require.ErrorAs(t, err, &ue)
				assert.True(t, ue.Retryable())
				assert.Equal(t, reported+1, ue.Tries, "every resend was reported")
				if budget == 0 {
					assert.Equal(t, 1, ue.Tries, "no budget: sent once")
				} else {
					assert.GreaterOrEqual(t, ue.Tries, 2)
					assert.GreaterOrEqual(t, ue.Waited, budget)
				}
				assert.NotContains(t, err.Error(), "\n")
				assert.Contains(t, err.Error(), "running it again is safe")
				takeSubjectsAway(t, e.store.JetStream(), e.store.StreamName(), false)
				assert.Equal(t, before, e.msgCount(t), "nothing stored")

				// And running it again, as the error says, stores it once.
				res, err := store.Execute(ctx, tc.cmd)
				require.NoError(t, err)
				assert.Len(t, res.Records, tc.events)
				assert.Equal(t, before+uint64(tc.events), e.msgCount(t))
			})
		}
	}
}

// noAnswer is the error a try gets when no stream takes the
// subject: an asynchronous publish (one message) reports the stream's
// silence, a batch's first request the missing responders.
func noAnswer(events int) error {
	if events == 1 {
		return jetstream.ErrNoStreamResponse
	}
	return nats.ErrNoResponders
}

func TestHistoryReadIsSentAgainUntilAReplicaAnswers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	mustExecute(t, e.store, register("R-3"))
	mustExecute(t, e.store, step("R-3", domain.Signed, domain.NewDate(2026, 11, 2)))

	// Direct gets off: nobody answers a history read, as when every
	// replica of a stream is catching up.
	setDirect := func(on bool) {
		st, err := e.store.JetStream().Stream(ctx, e.store.StreamName())
		require.NoError(t, err)
		cfg := st.CachedInfo().Config
		cfg.AllowDirect = on
		_, err = e.store.JetStream().UpdateStream(ctx, cfg)
		require.NoError(t, err)
	}
	var retries []eventstore.Retry
	store, err := eventstore.Open(ctx, e.nc, eventstore.WithClock(e.clock),
		eventstore.WithRetryReport(func(r eventstore.Retry) {
			if retries = append(retries, r); len(retries) == 2 {
				setDirect(true)
			}
		}))
	require.NoError(t, err)
	setDirect(false)
	recs, ver, err := store.Load(ctx, "R-3")
	require.NoError(t, err)
	require.Len(t, recs, 2, "the whole history, once a replica answers")
	assert.Equal(t, recs[1].Sequence, ver.Sequence)
	require.Len(t, retries, 2)
	assert.Equal(t, "ledger.R-3.*", retries[0].Subject)
	assert.Empty(t, retries[0].MsgID)
	assert.ErrorIs(t, retries[0].Err, nats.ErrNoResponders)

	budgeted, err := eventstore.Open(ctx, e.nc, eventstore.WithClock(e.clock), eventstore.WithRetryBudget(300*time.Millisecond))
	require.NoError(t, err)
	setDirect(false)
	_, _, err = budgeted.Load(ctx, "R-3")
	require.Error(t, err, "no history rather than a short one")
	assert.Contains(t, err.Error(), "read history of R-3: no complete answer")
}
