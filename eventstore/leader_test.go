package eventstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
)

// Mirrors of the ledger stream answer the ledger's direct gets too (they
// inherit them), from whatever they hold: here one mirrors another
// project's subjects only, to which P-1's history looks empty, one P-1's
// registration only, to which every later event of P-1 is missing, and one
// every project's issues, to which P-1's history does not link up. Commands
// on P-1 read their history now from the stream, now from a mirror; none
// is refused as "not registered" or fails after conflicts, every history
// read is whole, the refusals the whole history calls for still stand, and
// the chain stays whole.
func TestRefusalsStandOnlyOnTheLeadersHistory(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	mustExecute(t, e.store, register("X-0"))
	mustExecute(t, e.store, register("P-1"))

	js := e.store.JetStream()
	for name, filter := range map[string]string{
		"LEDGER_X0":     "ledger.X-0.*",          // nothing of P-1
		"LEDGER_P1_REG": "ledger.P-1.registered", // P-1's first event only
		"LEDGER_ISSUES": "ledger.*.issue_raised", // P-1's later events, not its first
	} {
		_, err := js.CreateStream(ctx, jetstream.StreamConfig{
			Name: name, Storage: jetstream.FileStorage,
			Mirror: &jetstream.StreamSource{Name: e.store.StreamName(), FilterSubject: filter},
		})
		require.NoError(t, err)
	}
	// The mirrors serve direct gets once they have caught up: some of
	// them say P-1 has no registration.
	waitForMirrorAnswer(t, e.store, "ledger.P-1.registered")

	// No cache: every command reads its history afresh.
	store, err := eventstore.Open(ctx, e.nc, eventstore.WithClock(e.clock), eventstore.WithCacheSize(0))
	require.NoError(t, err)
	for i := range 30 {
		_, err := store.Execute(ctx, domain.RaiseIssue{Meta: domain.Meta{Actor: "clerk"}, Project: "P-1",
			IssueID: fmt.Sprintf("I-%d", i), Title: "land", On: domain.NewDate(2026, 11, 20)})
		require.NoError(t, err, "command %d", i)
	}
	// Every history read is whole: registration and 30 issues.
	for range 30 {
		recs, version, err := store.Load(ctx, "P-1")
		require.NoError(t, err)
		require.Len(t, recs, 31)
		assert.Equal(t, recs[30].Sequence, version.Sequence)
		assert.Equal(t, recs[30].Hash, version.Hash)
	}

	_, err = store.Execute(ctx, domain.RaiseIssue{Meta: domain.Meta{Actor: "clerk"}, Project: "P-1",
		IssueID: "I-0", Title: "land again", On: domain.NewDate(2026, 11, 21)})
	assert.ErrorIs(t, err, domain.ErrAlreadyExists, "an issue raised twice is refused")
	again := register("P-1")
	again.Name = "Another plant" // not the same command: no idempotent answer
	_, err = store.Execute(ctx, again)
	assert.ErrorIs(t, err, domain.ErrAlreadyExists, "a project registered twice is refused")
	_, err = store.Execute(ctx, domain.ResolveIssue{Meta: domain.Meta{Actor: "clerk"}, Project: "P-1", IssueID: "I-99", Resolution: "done", On: domain.NewDate(2026, 11, 21)})
	assert.ErrorIs(t, err, domain.ErrInvalid, "an unknown issue is refused")
	_, err = store.Execute(ctx, step("Q-9", domain.Signed, domain.NewDate(2026, 11, 21)))
	assert.ErrorIs(t, err, domain.ErrUnknownProject, "an unregistered project is refused")

	v, err := store.Verify(ctx, "")
	require.NoError(t, err)
	assert.Empty(t, v.Breaks, "every event on its project's chain")
}

// A mirror of every project's issues answers a read of P-2's history with
// its issues and no registration: a history that does not link up, yet
// ends where the leader's does. It is read again from the leader, so no
// history is shown without its registration and a second registration is
// refused rather than stored off the chain.
func TestAHistoryThatDoesNotLinkUpIsReadFromTheLeader(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	mustExecute(t, e.store, register("P-2"))
	for i := range 3 {
		mustExecute(t, e.store, domain.RaiseIssue{Meta: domain.Meta{Actor: "clerk"}, Project: "P-2",
			IssueID: fmt.Sprintf("I-%d", i), Title: "land", On: domain.NewDate(2026, 11, 20)})
	}
	js := e.store.JetStream()
	_, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name: "LEDGER_ISSUES", Storage: jetstream.FileStorage,
		Mirror: &jetstream.StreamSource{Name: e.store.StreamName(), FilterSubject: "ledger.*.issue_raised"},
	})
	require.NoError(t, err)
	waitForMirrorAnswer(t, e.store, "ledger.P-2.registered")

	store, err := eventstore.Open(ctx, e.nc, eventstore.WithClock(e.clock), eventstore.WithCacheSize(0))
	require.NoError(t, err)
	for range 50 {
		recs, _, err := store.Load(ctx, "P-2")
		require.NoError(t, err)
		require.Len(t, recs, 4, "the registration and three issues")
	}
	for i := range 20 {
		again := register("P-2")
		again.Name = fmt.Sprintf("Plant %d", i)
		_, err := store.Execute(ctx, again)
		require.ErrorIs(t, err, domain.ErrAlreadyExists, "registration %d", i)
	}
	v, err := store.Verify(ctx, "")
	require.NoError(t, err)
	assert.Empty(t, v.Breaks, "every event on its project's chain")
}

// waitForMirrorAnswer waits until a direct get of the ledger's last
// message on subject, which the stream holds, says there is none: a
// mirror without it answered.
func waitForMirrorAnswer(t *testing.T, store *eventstore.Store, subject string) {
	t.Helper()
	ctx := context.Background()
	ledger, err := store.JetStream().Stream(ctx, store.StreamName())
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		for range 50 {
			if _, err := ledger.GetLastMsgForSubject(ctx, subject); errors.Is(err, jetstream.ErrMsgNotFound) {
				return true
			}
		}
		return false
	}, 10*time.Second, 10*time.Millisecond, "no mirror answered a direct get of %s", subject)
}
