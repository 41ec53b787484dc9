package eventstore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
)

func TestExecuteStoresOnSubjectWithHeadersAndChain(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := domain.ProjectID("P-7")
	mustExecute(t, e.store, register(p))
	mustExecute(t, e.store, domain.PlanMilestone{Meta: domain.Meta{Actor: "clerk"}, Project: p, Milestone: domain.MilestoneStarted, Due: domain.NewDate(2026, 12, 31)})
	mustExecute(t, e.store, step(p, domain.Signed, domain.NewDate(2026, 11, 20)))

	recs, ver, err := e.store.Load(ctx, p)
	require.NoError(t, err)
	require.Len(t, recs, 3)
	assert.Equal(t, []domain.EventType{domain.Registered, domain.MilestonePlanned, domain.Signed},
		[]domain.EventType{recs[0].Type, recs[1].Type, recs[2].Type})
	assert.Equal(t, "ledger.P-7.milestone_planned", recs[1].Subject)
	assert.Equal(t, recs[2].Sequence, ver.Sequence)
	assert.Equal(t, recs[2].Hash, ver.Hash)

	// The chain: genesis, then each event links to the previous one's hash,
	// and each hash is the hash of the event's canonical form.
	prev := eventstore.Genesis(p)
	for _, r := range recs {
		assert.Equal(t, prev, r.PrevHash, "event %d links to its predecessor", r.Sequence)
		h, err := e.store.Codec().Hash(r.Event)
		require.NoError(t, err)
		assert.Equal(t, h, r.Hash, "event %d hash covers its content", r.Sequence)
		prev = r.Hash
	}

	// Readable headers, as a stock subscriber sees them.
	raw, err := e.store.JetStream().Stream(ctx, e.store.StreamName())
	require.NoError(t, err)
	msg, err := raw.GetMsg(ctx, recs[1].Sequence)
	require.NoError(t, err)
	assert.Equal(t, "milestone_planned", msg.Header.Get(eventstore.HeaderEventType))
	assert.Equal(t, "P-7", msg.Header.Get(eventstore.HeaderProject))
	assert.Equal(t, "started", msg.Header.Get(eventstore.HeaderMilestone))
	assert.Equal(t, "2026-12-31", msg.Header.Get(eventstore.HeaderDue))
	assert.Equal(t, "clerk", msg.Header.Get(eventstore.HeaderActor))
	assert.Equal(t, eventstore.MsgID(recs[1].Event), msg.Header.Get(nats.MsgIdHdr))
}

func TestRefusedCommandStoresNothing(t *testing.T) {
	e := newEnv(t)
	p := domain.ProjectID("P-7")
	mustExecute(t, e.store, register(p))
	before := e.msgCount(t)

	_, err := e.store.Execute(context.Background(), step(p, domain.Commissioned, domain.NewDate(2026, 11, 1)))
	require.ErrorIs(t, err, domain.ErrOutOfOrder)
	assert.Contains(t, err.Error(), "P-7")
	assert.Contains(t, err.Error(), "commissioned")
	assert.Equal(t, before, e.msgCount(t))
}

func TestConcurrentWritersWithRetryLandEachCommandOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := domain.ProjectID("P-race")
	mustExecute(t, e.store, register(p))

	const writers, perWriter = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers*perWriter)
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				_, err := e.store.Execute(ctx, domain.RaiseIssue{
					Meta: domain.Meta{Actor: fmt.Sprintf("writer-%d", w)}, Project: p,
					IssueID: fmt.Sprintf("I-%d-%d", w, i), Title: "land acquisition stalled",
				})
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}

	recs, _, err := e.store.Load(ctx, p)
	require.NoError(t, err)
	require.Len(t, recs, 1+writers*perWriter, "every command exactly once")
	seen := map[string]int{}
	prev := eventstore.Genesis(p)
	for i, r := range recs {
		if i > 0 {
			assert.Greater(t, r.Sequence, recs[i-1].Sequence)
		}
		assert.Equal(t, prev, r.PrevHash, "chain unforked at %d", r.Sequence)
		prev = r.Hash
		if d, ok := r.Data.(*domain.IssueRaisedData); ok {
			seen[d.IssueID]++
		}
	}
	assert.Len(t, seen, writers*perWriter)
	for id, n := range seen {
		assert.Equal(t, 1, n, "issue %s stored once", id)
	}
	// Per writer, its own commands are in the order it issued them.
	for w := range writers {
		last := -1
		for _, r := range recs {
			if d, ok := r.Data.(*domain.IssueRaisedData); ok && r.Actor == fmt.Sprintf("writer-%d", w) {
				var ww, i int
				_, err := fmt.Sscanf(d.IssueID, "I-%d-%d", &ww, &i)
				require.NoError(t, err)
				assert.Greater(t, i, last)
				last = i
			}
		}
	}
}

func TestRacingAppendsWithoutRetryExactlyOneWins(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := domain.ProjectID("P-2")
	mustExecute(t, e.store, register(p))
	recs, ver, err := e.store.Load(ctx, p)
	require.NoError(t, err)
	state := domain.Fold(p, eventsOf(recs))

	var wg sync.WaitGroup
	results := make([]error, 2)
	for i := range 2 {
		evs, err := domain.Decide(state, domain.RaiseIssue{Meta: domain.Meta{Actor: "clerk"}, Project: p, IssueID: fmt.Sprintf("I-%d", i), Title: "t"}, testNow)
		require.NoError(t, err)
		wg.Go(func() { _, results[i] = e.store.Append(ctx, ver, evs) })
	}
	wg.Wait()

	wins := 0
	for _, err := range results {
		if err == nil {
			wins++
			continue
		}
		require.ErrorIs(t, err, eventstore.ErrConflict)
		var ce *eventstore.ConflictError
		require.ErrorAs(t, err, &ce)
		assert.True(t, ce.Retryable())
		assert.Equal(t, p, ce.Project)
	}
	assert.Equal(t, 1, wins)
	assert.Equal(t, uint64(2), e.msgCount(t))
}

func TestRetriedAppendIsStoredOnceAndReportedAsSuccess(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := domain.ProjectID("P-3")
	mustExecute(t, e.store, register(p))
	recs, ver, err := e.store.Load(ctx, p)
	require.NoError(t, err)
	state := domain.Fold(p, eventsOf(recs))
	cmd := step(p, domain.Signed, domain.NewDate(2026, 11, 2))

	first, err := domain.Decide(state, cmd, testNow)
	require.NoError(t, err)
	stored, err := e.store.Append(ctx, ver, first)
	require.NoError(t, err)
	count := e.msgCount(t)

	// The client never saw the ack and retries with the same command and
	// the same expected version, a moment later.
	retry, err := domain.Decide(state, cmd, testNow.Add(3e9))
	require.NoError(t, err)
	again, err := e.store.Append(ctx, ver, retry)
	require.NoError(t, err, "a retry of a stored command is a success, not a conflict")
	require.Len(t, again, 1)
	assert.Equal(t, stored[0].Sequence, again[0].Sequence)
	assert.Equal(t, stored[0].Hash, again[0].Hash)
	assert.Equal(t, count, e.msgCount(t), "stored once")

	// Through Execute, the same command is recognised in the history.
	res := mustExecute(t, e.store, cmd)
	assert.True(t, res.AlreadyStored)
	assert.Equal(t, stored[0].Sequence, res.Records[0].Sequence)
	assert.Equal(t, count, e.msgCount(t))
}

func TestMultiEventCommandIsStoredTogether(t *testing.T) {
	e := newEnv(t)
	p := domain.ProjectID("P-4")
	cmd := register(p)
	cmd.Plan = []domain.PlannedDeadline{
		{Milestone: domain.MilestoneSigned, Due: domain.NewDate(2026, 12, 15)},
		{Milestone: domain.MilestoneStarted, Due: domain.NewDate(2027, 3, 1)},
	}
	res := mustExecute(t, e.store, cmd)
	require.Len(t, res.Records, 3)
	for i, r := range res.Records {
		assert.Equal(t, res.Records[0].Sequence+uint64(i), r.Sequence, "contiguous")
	}
	recs, _, err := e.store.Load(context.Background(), p)
	require.NoError(t, err)
	assert.Len(t, recs, 3)
}

func TestMultiEventCommandIsAllOrNothingWhenRejected(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := domain.ProjectID("P-5")
	mustExecute(t, e.store, register(p))
	recs, ver, err := e.store.Load(ctx, p)
	require.NoError(t, err)
	state := domain.Fold(p, eventsOf(recs))

	batch := func(id string) []domain.Event {
		evs := make([]domain.Event, 0, 3)
		for i, m := range []domain.Milestone{domain.MilestoneSigned, domain.MilestoneStarted, domain.MilestoneCommissioned} {
			ev, err := domain.Decide(state, domain.PlanMilestone{Meta: domain.Meta{Actor: "clerk", CommandID: id}, Project: p, Milestone: m, Due: domain.NewDate(2027, 1, 1+i)}, testNow)
			require.NoError(t, err)
			ev[0].ID = fmt.Sprintf("%s-%d", id, i)
			evs = append(evs, ev[0])
		}
		return evs
	}

	t.Run("stale expected sequence", func(t *testing.T) {
		mustExecute(t, e.store, domain.RaiseIssue{Meta: domain.Meta{Actor: "other"}, Project: p, IssueID: "I-1", Title: "moved on"})
		before := e.msgCount(t)
		_, err := e.store.Append(ctx, ver, batch("stale"))
		require.ErrorIs(t, err, eventstore.ErrConflict)
		assert.Equal(t, before, e.msgCount(t), "no event of the batch stored")
	})

	t.Run("last message rejected", func(t *testing.T) {
		_, ver, err := e.store.Load(ctx, p)
		require.NoError(t, err)
		before := e.msgCount(t)
		evs := batch("dup")
		// The third event reuses the message id of an event already stored,
		// so the server rejects it, and with it the whole batch.
		evs[2].ID = recs[0].ID
		_, err = e.store.Append(ctx, ver, evs)
		require.Error(t, err)
		t.Logf("rejected: %v", err)
		assert.NotErrorIs(t, err, eventstore.ErrConflict)
		assert.Equal(t, before, e.msgCount(t), "no event of the batch stored")
		after, _, err := e.store.Load(ctx, p)
		require.NoError(t, err)
		for _, r := range after {
			assert.NotEqual(t, domain.MilestonePlanned, r.Type)
		}
	})
}

func TestStreamRefusesDeleteAndPurge(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	mustExecute(t, e.store, register("P-6"))
	st, err := e.store.JetStream().Stream(ctx, e.store.StreamName())
	require.NoError(t, err)

	require.Error(t, st.DeleteMsg(ctx, 1))
	require.Error(t, st.SecureDeleteMsg(ctx, 1))
	require.Error(t, st.Purge(ctx))
	require.Error(t, st.Purge(ctx, jetstream.WithPurgeSubject("ledger.P-6.*")))
	assert.Equal(t, uint64(1), e.msgCount(t))

	cfg := st.CachedInfo().Config
	assert.True(t, cfg.DenyDelete)
	assert.True(t, cfg.DenyPurge)
	assert.False(t, cfg.AllowRollup)
	assert.Equal(t, jetstream.FileStorage, cfg.Storage)
	assert.Equal(t, eventstore.DefaultDuplicateWindow, cfg.Duplicates)
	assert.Equal(t, []string{"ledger.*.*"}, cfg.Subjects)
}

func TestEnsureStreamIsHarmlessTwiceAndRefusesWeakerStream(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, err := eventstore.EnsureStream(ctx, e.store.JetStream(), eventstore.StreamSpec{})
	require.NoError(t, err, "creating the ledger stream again is harmless")

	weak := eventstore.StreamSpec{Name: "WEAK", Subject: "weak"}.Config()
	weak.DenyDelete, weak.DenyPurge, weak.MaxAge = false, false, 3600e9
	_, err = e.store.JetStream().CreateStream(ctx, weak)
	require.NoError(t, err)

	_, err = eventstore.Open(ctx, e.nc, eventstore.WithStream(eventstore.StreamSpec{Name: "WEAK", Subject: "weak"}))
	require.ErrorIs(t, err, eventstore.ErrStreamSettings)
	var se *eventstore.StreamSettingsError
	require.ErrorAs(t, err, &se)
	assert.Contains(t, se.Error(), "deletes are allowed")
	assert.Contains(t, se.Error(), "purges are allowed")
	assert.Contains(t, se.Error(), "limits drop events")
}

func TestRestartKeepsEveryAcknowledgedEventInOrder(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var acked []eventstore.Record
	for i := range 5 {
		p := domain.ProjectID(fmt.Sprintf("P-%d", i))
		acked = append(acked, mustExecute(t, e.store, register(p)).Records...)
		acked = append(acked, mustExecute(t, e.store, step(p, domain.Signed, domain.NewDate(2026, 11, 1+i))).Records...)
	}
	e.stop()
	e.start(t)

	var got []eventstore.Record
	for r, err := range e.store.Read(ctx, 1) {
		require.NoError(t, err)
		got = append(got, r)
	}
	require.Len(t, got, len(acked))
	for i := range acked {
		assert.Equal(t, acked[i].Sequence, got[i].Sequence)
		assert.Equal(t, acked[i].Hash, got[i].Hash)
		assert.Equal(t, acked[i].Type, got[i].Type)
	}
}

func TestDataFolderIsOpenedByOneProcessAtATime(t *testing.T) {
	e := newEnv(t)
	_, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: e.dir, DontListen: true})
	require.ErrorIs(t, err, eventstore.ErrDataDirLocked)
	assert.Contains(t, err.Error(), e.dir)
	assert.Contains(t, err.Error(), fmt.Sprintf("held by process %d", os.Getpid()))
	assert.Contains(t, err.Error(), "run `ledger serve` on the folder", "what to do, not --server to a folder nothing serves")
}

func TestReadReportsForeignMessagesAndGoesOn(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	mustExecute(t, e.store, register("P-8"))
	_, err := e.store.JetStream().Publish(ctx, "ledger.P-8.signed", []byte("not cbor at all"))
	require.NoError(t, err)
	mustExecute(t, e.store, register("P-9"))

	var good []domain.ProjectID
	var bad []uint64
	for r, err := range e.store.Read(ctx, 1) {
		if err != nil {
			require.True(t, errors.Is(err, eventstore.ErrUndecodable), "%v", err)
			bad = append(bad, r.Sequence)
			continue
		}
		good = append(good, r.Project)
	}
	assert.Equal(t, []domain.ProjectID{"P-8", "P-9"}, good)
	assert.Equal(t, []uint64{2}, bad)
}

func eventsOf(recs []eventstore.Record) []domain.Event {
	out := make([]domain.Event, len(recs))
	for i, r := range recs {
		out[i] = r.Event
	}
	return out
}

func TestPlainNATSSubscriberOnTheListeningServerSeesEventsWithReadableHeaders(t *testing.T) {
	dir := t.TempDir()
	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedConfig{DataDir: dir, Port: -1})
	require.NoError(t, err)
	defer srv.Shutdown()
	url, ok := eventstore.RunningURL(dir)
	require.True(t, ok, "the listening server advertises its URL in the data folder")
	assert.Equal(t, srv.ClientURL(), url)

	// A separate TCP client, as the stock nats CLI would be.
	sub, err := nats.Connect(url)
	require.NoError(t, err)
	defer sub.Close()
	got, err := sub.SubscribeSync("ledger.>")
	require.NoError(t, err)
	require.NoError(t, sub.Flush())

	nc, err := srv.Connect()
	require.NoError(t, err)
	defer nc.Close()
	store, err := eventstore.Open(context.Background(), nc)
	require.NoError(t, err)
	cmd := register("P-42")
	cmd.Plan = []domain.PlannedDeadline{{Milestone: domain.MilestoneStarted, Due: domain.NewDate(2027, 1, 31)}}
	_, err = store.Execute(context.Background(), cmd)
	require.NoError(t, err)

	m1, err := got.NextMsg(5 * time.Second)
	require.NoError(t, err)
	assert.Equal(t, "ledger.P-42.registered", m1.Subject)
	assert.Equal(t, "registered", m1.Header.Get(eventstore.HeaderEventType))
	assert.Equal(t, "County Industry Bureau", m1.Header.Get(eventstore.HeaderUnit))
	assert.Equal(t, "Wang Wei", m1.Header.Get(eventstore.HeaderLeader))
	m2, err := got.NextMsg(5 * time.Second)
	require.NoError(t, err)
	assert.Equal(t, "ledger.P-42.milestone_planned", m2.Subject)
	assert.Equal(t, "started", m2.Header.Get(eventstore.HeaderMilestone))
	assert.Equal(t, "2027-01-31", m2.Header.Get(eventstore.HeaderDue))

	srv.Shutdown()
	_, ok = eventstore.RunningURL(dir)
	assert.False(t, ok, "a stopped server no longer advertises itself")
}

func TestFollowDeliversStoredThenNewEventsInOrder(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mustExecute(t, e.store, register("P-10"))

	got := make(chan eventstore.Record)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for r, err := range e.store.Follow(ctx, 1) {
			if err != nil {
				return
			}
			select {
			case got <- r:
			case <-ctx.Done():
				return
			}
		}
	}()
	first := <-got
	assert.Equal(t, domain.Registered, first.Type)
	assert.False(t, first.StoredAt.IsZero(), "the server's timestamp is read back")

	mustExecute(t, e.store, step("P-10", domain.Signed, domain.NewDate(2026, 11, 3)))
	mustExecute(t, e.store, register("P-11"))
	second, third := <-got, <-got
	assert.Equal(t, []uint64{1, 2, 3}, []uint64{first.Sequence, second.Sequence, third.Sequence})
	assert.Equal(t, domain.Signed, second.Type)
	assert.Equal(t, domain.ProjectID("P-11"), third.Project)

	cancel()
	<-done // Follow ends when its context does
}

func TestTwoStoresWithTheirOwnCachesStayConsistent(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	other, err := eventstore.Open(ctx, e.nc, eventstore.WithClock(e.clock))
	require.NoError(t, err)
	p := domain.ProjectID("P-12")

	mustExecute(t, e.store, register(p))                                       // e.store caches P-12 at version 1
	mustExecute(t, other, step(p, domain.Signed, domain.NewDate(2026, 11, 2))) // the other writer moves it on
	res := mustExecute(t, e.store, step(p, domain.Started, domain.NewDate(2026, 11, 3)))
	assert.False(t, res.AlreadyStored)

	// The other writer stores a command; the first then issues the very
	// same command from its stale cache: it is recognised, not doubled.
	same := step(p, domain.Completed, domain.NewDate(2026, 11, 20))
	mustExecute(t, other, same)
	again := mustExecute(t, e.store, same)
	assert.True(t, again.AlreadyStored)

	recs, _, err := e.store.Load(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, []domain.EventType{domain.Registered, domain.Signed, domain.Started, domain.Completed},
		[]domain.EventType{recs[0].Type, recs[1].Type, recs[2].Type, recs[3].Type})
	prev := eventstore.Genesis(p)
	for _, r := range recs {
		assert.Equal(t, prev, r.PrevHash)
		prev = r.Hash
	}

	// A step the cached state would allow but the stored history forbids is
	// refused once the conflict forces a re-read.
	mustExecute(t, other, domain.RecordStep{Meta: domain.Meta{Actor: "x"}, Project: p, Step: domain.Terminated, Reason: "investor left", On: domain.NewDate(2026, 11, 21)})
	_, err = e.store.Execute(ctx, step(p, domain.Commissioned, domain.NewDate(2026, 11, 22)))
	require.ErrorIs(t, err, domain.ErrTerminated)
}

// Load reads a history from the last message of each subject when every
// subject holds one message, and subject by subject otherwise; a message
// that is not the ledger's, last on a subject, must not hide the events
// before it there.
func TestLoadReadsWholeHistoriesWhateverTheSubjectsHold(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cases := []struct {
		name  string
		build func(p domain.ProjectID) (foreign string)
	}{
		{"one message per subject", func(p domain.ProjectID) string {
			mustExecute(t, e.store, register(p))
			mustExecute(t, e.store, step(p, domain.Signed, domain.NewDate(2026, 11, 2)))
			return ""
		}},
		{"several messages on one subject", func(p domain.ProjectID) string {
			mustExecute(t, e.store, register(p))
			for i := range 3 {
				mustExecute(t, e.store, domain.RaiseIssue{Meta: domain.Meta{Actor: "a"}, Project: p, IssueID: fmt.Sprintf("I-%d", i),
					Title: "t", On: domain.NewDate(2026, 11, 2)})
			}
			mustExecute(t, e.store, step(p, domain.Signed, domain.NewDate(2026, 11, 3)))
			return ""
		}},
		{"a foreign message last on the subject of the last event", func(p domain.ProjectID) string {
			mustExecute(t, e.store, register(p))
			mustExecute(t, e.store, step(p, domain.Signed, domain.NewDate(2026, 11, 2)))
			return "ledger." + string(p) + ".signed"
		}},
		{"a foreign message last on the subject of the first event", func(p domain.ProjectID) string {
			mustExecute(t, e.store, register(p))
			mustExecute(t, e.store, step(p, domain.Signed, domain.NewDate(2026, 11, 2)))
			return "ledger." + string(p) + ".registered"
		}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := domain.ProjectID(fmt.Sprintf("L-%d", i))
			foreign := c.build(p)
			var written []eventstore.Record
			for r, err := range e.store.Read(ctx, 1) {
				if err == nil && r.Project == p {
					written = append(written, r)
				}
			}
			lastSeq := written[len(written)-1].Sequence
			if foreign != "" {
				ack, err := e.store.JetStream().Publish(ctx, foreign, []byte("not the ledger's"))
				require.NoError(t, err)
				lastSeq = ack.Sequence
			}
			recs, v, err := e.store.Load(ctx, p)
			require.NoError(t, err)
			require.Len(t, recs, len(written))
			for j := range written {
				assert.Equal(t, written[j].Sequence, recs[j].Sequence)
				assert.Equal(t, written[j].Hash, recs[j].Hash)
			}
			assert.Equal(t, lastSeq, v.Sequence, "the next append must name the last message, readable or not")
			assert.Equal(t, written[len(written)-1].Hash, v.Hash)

			// And a store that has not seen the project before appends
			// its next command after that history.
			fresh, err := eventstore.Open(ctx, e.nc, eventstore.WithClock(e.clock))
			require.NoError(t, err)
			res, err := fresh.Execute(ctx, step(p, domain.Started, domain.NewDate(2026, 11, 20)))
			require.NoError(t, err)
			assert.Equal(t, written[len(written)-1].Hash, res.Records[0].PrevHash)
		})
	}
}
