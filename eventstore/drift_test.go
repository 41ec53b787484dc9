package eventstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
)

// fillDrift stores three projects of five events each, two on one
// subject, and returns the
// stream's message count.
func fillDrift(t *testing.T, e *env) uint64 {
	t.Helper()
	for i := 1; i <= 3; i++ {
		p := domain.ProjectID(fmt.Sprintf("P-%d", i))
		mustExecute(t, e.store, register(p))
		mustExecute(t, e.store, step(p, domain.Signed, domain.NewDate(2026, 11, 2)))
		mustExecute(t, e.store, step(p, domain.Started, domain.NewDate(2026, 11, 20)))
		for j := range 2 {
			mustExecute(t, e.store, domain.RaiseIssue{Meta: domain.Meta{Actor: "clerk"}, Project: p,
				IssueID: fmt.Sprintf("I-%d", j), Title: "land", On: domain.NewDate(2026, 11, 21)})
		}
	}
	return e.msgCount(t)
}

// A stream re-configured outside the ledger is refused on the next open,
// naming the setting with its expected and found values; nothing is
// appended. `repair stream-config` puts the contract back, and when the
// change removed events, the open after it still refuses, naming the loss.
func TestDriftedStreamIsRefusedAndRepairingItDoesNotHideTheLoss(t *testing.T) {
	cases := []struct {
		name   string
		edit   func(*jetstream.StreamConfig)
		says   string
		remove bool // the edit removes events by itself
		// refused: the server itself refuses the edit (a deny flag, once
		// set, cannot be taken back), and the ledger goes on.
		refused bool
		// unrepairable: the server cannot take the edit back (a sealed
		// stream stays sealed); the ledger keeps refusing it.
		unrepairable bool
	}{
		{name: "max age", edit: func(c *jetstream.StreamConfig) { c.MaxAge, c.Duplicates = time.Second, 500*time.Millisecond },
			says: "limits drop events (max_age 1s", remove: true},
		{name: "max messages per subject", edit: func(c *jetstream.StreamConfig) { c.MaxMsgsPerSubject = 1 },
			says: "max_msgs_per_subject 1"},
		{name: "max messages per subject, discarding old", edit: func(c *jetstream.StreamConfig) {
			c.MaxMsgsPerSubject, c.Discard = 1, jetstream.DiscardOld
		}, says: "max_msgs_per_subject 1", remove: true},
		{name: "max messages, discarding old", edit: func(c *jetstream.StreamConfig) { c.MaxMsgs, c.Discard = 2, jetstream.DiscardOld },
			says: "max_msgs 2", remove: true},
		{name: "max bytes, discarding old", edit: func(c *jetstream.StreamConfig) { c.MaxBytes, c.Discard = 600, jetstream.DiscardOld },
			says: "max_bytes 600", remove: true},
		{name: "deletes allowed", edit: func(c *jetstream.StreamConfig) { c.DenyDelete = false }, refused: true},
		{name: "purges allowed", edit: func(c *jetstream.StreamConfig) { c.DenyPurge = false }, refused: true},
		{name: "rollups allowed", edit: func(c *jetstream.StreamConfig) { c.AllowRollup = true }, refused: true},
		{name: "discard old", edit: func(c *jetstream.StreamConfig) { c.Discard = jetstream.DiscardOld }, says: "discard policy is"},
		{name: "sealed", edit: func(c *jetstream.StreamConfig) { c.Sealed = true }, says: "sealed", unrepairable: true},
		{name: "subjects changed", edit: func(c *jetstream.StreamConfig) { c.Subjects = []string{"ledger.>"} }, says: "subjects [ledger.>]"},
		{name: "duplicate window", edit: func(c *jetstream.StreamConfig) { c.Duplicates = time.Second }, says: "duplicate window 1s"},
		{name: "direct get off", edit: func(c *jetstream.StreamConfig) { c.AllowDirect = false }, says: "direct get is off"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			e := newEnv(t)
			stored := fillDrift(t, e)
			js := e.store.JetStream()
			st, err := js.Stream(ctx, e.store.StreamName())
			require.NoError(t, err)
			cfg := st.CachedInfo().Config
			c.edit(&cfg)
			_, err = js.UpdateStream(ctx, cfg)
			if c.refused {
				require.Error(t, err, "the server refuses the edit")
				_, err = eventstore.Open(ctx, e.nc, eventstore.WithClock(e.clock))
				require.NoError(t, err)
				assert.Equal(t, stored, e.msgCount(t))
				return
			}
			require.NoError(t, err, "the server takes the edit")
			if c.remove {
				require.Eventually(t, func() bool { return e.msgCount(t) < stored }, 10*time.Second, 50*time.Millisecond, "the edit removes events")
			}
			lost := e.msgCount(t) < stored

			_, err = eventstore.Open(ctx, e.nc, eventstore.WithClock(e.clock))
			require.ErrorIs(t, err, eventstore.ErrStreamSettings)
			assert.Contains(t, err.Error(), c.says)
			assert.Contains(t, err.Error(), "ledger repair stream-config")

			changed, err := eventstore.RepairStreamConfig(ctx, js, eventstore.StreamSpec{})
			if c.unrepairable {
				require.Error(t, err)
				_, err = eventstore.Open(ctx, e.nc, eventstore.WithClock(e.clock))
				require.ErrorIs(t, err, eventstore.ErrStreamSettings)
				return
			}
			require.NoError(t, err)
			assert.NotEmpty(t, changed)
			again, err := eventstore.RepairStreamConfig(ctx, js, eventstore.StreamSpec{})
			require.NoError(t, err)
			assert.Empty(t, again, "a repaired stream needs nothing more")

			after := e.msgCount(t)
			store, err := eventstore.Open(ctx, e.nc, eventstore.WithClock(e.clock))
			if lost {
				require.ErrorIs(t, err, eventstore.ErrStreamDamaged, "putting the settings back does not hide the loss")
				assert.Contains(t, err.Error(), "restore it from a backup")
				return
			}
			require.NoError(t, err)
			mustExecute(t, store, step("P-1", domain.Commissioned, domain.NewDate(2026, 11, 25)))
			assert.Equal(t, after+1, e.msgCount(t))
		})
	}
}

// Deleting and purging stay refused on the ledger's own settings; nothing
// is lost and the next open goes on.
func TestPurgeAttemptIsRefusedAndChangesNothing(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	stored := fillDrift(t, e)
	st, err := e.store.JetStream().Stream(ctx, e.store.StreamName())
	require.NoError(t, err)
	require.Error(t, st.Purge(ctx))
	require.Error(t, st.DeleteMsg(ctx, 2))
	assert.Equal(t, stored, e.msgCount(t))
	_, err = eventstore.Open(ctx, e.nc, eventstore.WithClock(e.clock))
	require.NoError(t, err)
}
