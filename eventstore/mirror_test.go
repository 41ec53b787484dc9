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

// mirrorOf returns the configuration of a read-only copy of the ledger
// stream, as a city keeps of a county's (docs/federation.md).
func mirrorOf(name string) jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name:        name,
		Mirror:      &jetstream.StreamSource{Name: eventstore.DefaultStream},
		Retention:   jetstream.LimitsPolicy,
		Storage:     jetstream.FileStorage,
		MaxMsgs:     -1,
		MaxBytes:    -1,
		DenyDelete:  true,
		DenyPurge:   true,
		AllowDirect: true,
	}
}

// waitMirrored waits until the mirror holds every message of the ledger
// stream.
func waitMirrored(t *testing.T, js jetstream.JetStream, name string, want uint64) {
	t.Helper()
	ctx := context.Background()
	require.Eventually(t, func() bool {
		st, err := js.Stream(ctx, name)
		return err == nil && st.CachedInfo().State.LastSeq == want
	}, 30*time.Second, 20*time.Millisecond, "mirror %s reaches sequence %d", name, want)
}

func TestMirrorOfTheLedgerIsReadAndVerifiedButNeverWritten(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for i := 1; i <= 3; i++ {
		p := domain.ProjectID(fmt.Sprintf("P-%d", i))
		mustExecute(t, e.store, register(p))
		mustExecute(t, e.store, step(p, domain.Signed, domain.NewDate(2026, 11, 2)))
	}
	last, err := e.store.LastSequence(ctx)
	require.NoError(t, err)
	js := e.store.JetStream()
	_, err = js.CreateStream(ctx, mirrorOf("LEDGER_C1"))
	require.NoError(t, err)
	waitMirrored(t, js, "LEDGER_C1", last)

	// The ledger's own stream is writable.
	require.NoError(t, eventstore.CheckWritable(ctx, js, eventstore.StreamSpec{}))

	// The mirror passes the contract of a read-only copy, and reads and
	// verifies as the origin does.
	require.NoError(t, eventstore.CheckStream(ctx, js, eventstore.StreamSpec{Name: "LEDGER_C1"}))
	mirror, err := eventstore.Open(ctx, e.nc, eventstore.WithStream(eventstore.StreamSpec{Name: "LEDGER_C1"}), eventstore.WithClock(e.clock))
	require.NoError(t, err)
	want, err := e.store.Verify(ctx, "")
	require.NoError(t, err)
	got, err := mirror.Verify(ctx, "")
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.Empty(t, got.Breaks)
	recs, _, err := mirror.Load(ctx, "P-2")
	require.NoError(t, err)
	assert.Len(t, recs, 2)

	// Writes and repairs are refused, naming the origin: an append
	// through the store at once, without trying the server.
	_, err = mirror.Execute(ctx, register("P-9"))
	require.ErrorIs(t, err, eventstore.ErrReadOnly)
	_, err = mirror.RegisterMany(ctx, []domain.RegisterProject{register("P-10")})
	require.ErrorIs(t, err, eventstore.ErrReadOnly)
	st, err := js.Stream(ctx, "LEDGER_C1")
	require.NoError(t, err)
	assert.Equal(t, last, st.CachedInfo().State.LastSeq, "nothing stored")
	err = eventstore.CheckWritable(ctx, js, eventstore.StreamSpec{Name: "LEDGER_C1"})
	require.ErrorIs(t, err, eventstore.ErrReadOnly)
	assert.EqualError(t, err, "stream LEDGER_C1 is a read-only mirror of LEDGER: nothing is written to it; record on the ledger that owns LEDGER")
	_, err = eventstore.RepairStreamConfig(ctx, js, eventstore.StreamSpec{Name: "LEDGER_C1"})
	require.ErrorIs(t, err, eventstore.ErrReadOnly)
	// The server itself refuses to give a mirror subjects to be written on.
	cfg := mirrorOf("LEDGER_C1")
	cfg.Subjects = []string{"ledger.*.*"}
	_, err = js.UpdateStream(ctx, cfg)
	require.Error(t, err)
	var apiErr *jetstream.APIError
	require.True(t, errors.As(err, &apiErr), "%v", err)
}

func TestMirrorWeakerThanTheLedgerIsRefused(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	mustExecute(t, e.store, register("P-1"))
	js := e.store.JetStream()

	cfg := mirrorOf("LOOSE")
	cfg.DenyPurge = false
	cfg.MaxAge = 24 * time.Hour
	cfg.Mirror.FilterSubject = "ledger.P-1.*"
	_, err := js.CreateStream(ctx, cfg)
	require.NoError(t, err)
	err = eventstore.CheckStream(ctx, js, eventstore.StreamSpec{Name: "LOOSE"})
	var settings *eventstore.StreamSettingsError
	require.ErrorAs(t, err, &settings)
	assert.Equal(t, []string{
		"purges are allowed, expected deny_purge",
		"limits drop events (max_age 24h0m0s, max_msgs -1, max_bytes -1, max_msgs_per_subject -1), expected none",
		"the mirror filters, transforms or republishes subjects, expected every message of LEDGER as it is",
	}, settings.Problems)
	_, err = eventstore.Open(ctx, e.nc, eventstore.WithStream(eventstore.StreamSpec{Name: "LOOSE"}))
	require.ErrorIs(t, err, eventstore.ErrStreamSettings)
}
